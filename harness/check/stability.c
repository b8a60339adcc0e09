// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/stability.h"
#include "check/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void set_mode(struct wb_mode *m, const double *s, size_t from, size_t to)
{
	m->lo = s[from];
	m->hi = s[to - 1];
	m->n = to - from;
	wb_median(s + from, m->n, &m->median);
}

/* Splits sorted @s at gaps wider than @gap; when that gives more than
 * WB_MODES_MAX groups, only the widest gaps split. */
static void split_modes(const double *s, size_t n, double gap,
			struct wb_stability *out)
{
	size_t cut[WB_MODES_MAX - 1], ncut = 0, from = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		double g = s[i + 1] / s[i];
		size_t k;

		if (g <= gap)
			continue;
		if (ncut == WB_MODES_MAX - 1) {
			/* replace the narrowest cut if this gap is wider */
			size_t narrow = 0;

			for (k = 1; k < ncut; k++)
				if (s[cut[k] + 1] / s[cut[k]] <
				    s[cut[narrow] + 1] / s[cut[narrow]])
					narrow = k;
			if (g <= s[cut[narrow] + 1] / s[cut[narrow]])
				continue;
			memmove(&cut[narrow], &cut[narrow + 1],
				(ncut - narrow - 1) * sizeof(cut[0]));
			ncut--;
		}
		cut[ncut++] = i;
	}
	out->nmodes = 0;
	for (size_t k = 0; k <= ncut; k++) {
		size_t to = k < ncut ? cut[k] + 1 : n;

		set_mode(&out->modes[out->nmodes++], s, from, to);
		from = to;
	}
}

/*
 * The outlier rule (stability.h): the fewest processes, at most
 * n / WB_OUTLIER_ONE_IN, cut from the ends of sorted @s so that the rest
 * spread by no more than the tolerance; of equal cuts the tightest rest.
 * On success the instance is stable over the rest: its median, lo, hi
 * and spread are theirs. Returns how many were cut from the fast end.
 */
static size_t set_aside(const double *s, size_t n, struct wb_stability *out)
{
	size_t kmax = n / WB_OUTLIER_ONE_IN, best_lo = 0, best_k = 0;
	double best = INFINITY;

	if (kmax > WB_OUTLIERS_MAX)
		kmax = WB_OUTLIERS_MAX;
	for (size_t k = 1; k <= kmax && !best_k; k++) {
		for (size_t lo = 0; lo <= k; lo++) {
			double sp = s[n - 1 - (k - lo)] / s[lo];

			if (sp <= out->tolerance && sp < best) {
				best = sp;
				best_lo = lo;
				best_k = k;
			}
		}
	}
	if (!best_k)
		return 0;
	out->stable = true;
	out->noutliers = best_k;
	for (size_t i = 0; i < best_lo; i++)
		out->outliers[i] = s[i];
	for (size_t i = best_lo; i < best_k; i++)
		out->outliers[i] = s[n - best_k + i];
	out->lo = s[best_lo];
	out->hi = s[n - 1 - (best_k - best_lo)];
	out->spread = best;
	wb_median(s + best_lo, n - best_k, &out->median);
	return best_lo;
}

/* s[from..to) into out->kept, evenly spaced past WB_STABLE_KEEP */
static void keep(const double *s, size_t from, size_t to,
		 struct wb_stability *out)
{
	size_t n = to - from;

	out->nkept = n < WB_STABLE_KEEP ? n : WB_STABLE_KEEP;
	for (size_t k = 0; k < out->nkept; k++)
		out->kept[k] =
			s[from +
			  (out->nkept > 1 ? k * (n - 1) / (out->nkept - 1) : 0)];
}

int wb_stability(const double *med, const double *within, size_t n,
		 struct wb_stability *out)
{
	double *s, *w, tau;
	size_t nw = 0, from = 0;

	memset(out, 0, sizeof(*out));
	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!(med[i] > 0) || !isfinite(med[i]))
			return -EINVAL;
	s = malloc(n * sizeof(*s));
	w = malloc(n * sizeof(*w));
	if (!s || !w) {
		free(s);
		free(w);
		return -ENOMEM;
	}
	memcpy(s, med, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	for (size_t i = 0; within && i < n; i++)
		if (isfinite(within[i]) && within[i] >= 0)
			w[nw++] = within[i];
	if (nw)
		wb_median(w, nw, &out->within);
	tau = fmax(WB_STABLE_MIN_TOL, WB_STABLE_WITHIN_K * out->within);
	out->n = n;
	out->lo = s[0];
	out->hi = s[n - 1];
	out->spread = s[n - 1] / s[0];
	out->tolerance = 1 + tau;
	wb_median(s, n, &out->median);
	out->judged = n >= 2;
	out->stable = !out->judged || out->spread <= out->tolerance;
	if (!out->stable)
		from = set_aside(s, n, out);
	if (out->stable) {
		set_mode(&out->modes[0], s, from, n - (out->noutliers - from));
		out->nmodes = 1;
		keep(s, from, n - (out->noutliers - from), out);
	} else {
		split_modes(s, n, 1 + tau / 2, out);
		keep(s, 0, n, out);
	}
	out->resolved = out->stable;
	if (!out->stable) {
		out->resolved = true;
		for (size_t k = 0; k < out->nmodes; k++)
			if (out->modes[k].n < 2)
				out->resolved = false;
	}
	free(s);
	free(w);
	return 0;
}

int wb_stability_text(const struct wb_stability *s, bool counts, char *buf,
		      size_t len)
{
	size_t at;
	int k;

	if (!len)
		return -EINVAL;
	if (s->stable) {
		k = snprintf(buf, len, "%.3f", s->median);
		at = k < 0 ? len : (size_t)k;
		for (size_t i = 0; i < s->noutliers && at < len; i++) {
			k = snprintf(buf + at, len - at, "%s%.1f",
				     i			? ", "
				     : s->noutliers > 1 ? " (outliers: "
							: " (1 outlier: ",
				     s->outliers[i]);
			at += k < 0 ? len : (size_t)k;
		}
		if (s->noutliers && at < len)
			at += (size_t)snprintf(buf + at, len - at, ")");
		return at >= len ? -ENOSPC : 0;
	}
	k = snprintf(buf, len, "unstable (");
	at = k < 0 ? len : (size_t)k;
	for (size_t i = 0; i < s->nmodes && at < len; i++) {
		const struct wb_mode *m = &s->modes[i];

		k = m->n > 1 ? snprintf(buf + at, len - at, "%s%.1f..%.1f",
					i ? " | " : "", m->lo, m->hi)
			     : snprintf(buf + at, len - at, "%s%.1f",
					i ? " | " : "", m->lo);
		at += k < 0 ? len : (size_t)k;
		if (counts && at < len) {
			k = snprintf(buf + at, len - at, " x%zu", m->n);
			at += k < 0 ? len : (size_t)k;
		}
	}
	if (at < len)
		at += (size_t)snprintf(buf + at, len - at, ")");
	return at >= len ? -ENOSPC : 0;
}

/* Whether the kept processes of @x lie below those of @y: all of them,
 * or by a one-sided U test at WB_VERSUS_ALPHA. */
static bool below(const struct wb_stability *x, const struct wb_stability *y)
{
	struct wb_mwu t;

	if (x->hi < y->lo)
		return true;
	if (wb_mann_whitney(x->kept, x->nkept, y->kept, y->nkept, &t))
		return false;
	/* u_x counts pairs with x above y: below means fewer than half */
	return t.u_x < (double)(x->nkept * y->nkept) / 2 &&
	       t.p / 2 <= WB_VERSUS_ALPHA;
}

enum wb_versus wb_versus(const struct wb_stability *base,
			 const struct wb_stability *x)
{
	double r = x->median / base->median;

	if (!base->stable || !x->stable)
		return WB_VS_UNSTABLE;
	if (r < 1 - WB_SAME_FRAC && below(x, base))
		return WB_VS_FASTER;
	if (r > 1 + WB_SAME_FRAC && below(base, x))
		return WB_VS_SLOWER;
	return WB_VS_SAME;
}

const char *wb_versus_name(enum wb_versus v)
{
	static const char *const names[] = { "faster", "same", "slower",
					     "unstable" };

	return (unsigned int)v < 4 ? names[v] : "?";
}
