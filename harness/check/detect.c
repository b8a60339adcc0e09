// SPDX-License-Identifier: MIT
/*
 * Change-point knees (detect.h). Optimal partitioning: F(j) = min over i of
 * F(i) + SSE(y[i..j)) + penalty, exact for a penalised squared-error cost,
 * O(n^2), which is nothing for the few hundred points of a sweep.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/detect.h"
#include "core/rng.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double wb_cp_median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double wb_cp_low_quantile(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(n - 1) / 8];
}

double wb_cp_noise(const double *y, size_t n)
{
	double *d, s;

	if (n < 3)
		return 0;
	d = malloc((n - 1) * sizeof(*d));
	if (!d)
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		d[i] = fabs(y[i + 1] - y[i]);
	s = 1.4826 * wb_cp_median(d, n - 1) / sqrt(2.0);
	free(d);
	return s;
}

int wb_cp_segment(const double *y, size_t n, double penalty, size_t *cuts,
		  size_t maxcuts, size_t *ncuts)
{
	double *s1, *s2, *f;
	size_t *prev, k = 0;

	*ncuts = 0;
	if (!n)
		return -EINVAL;
	s1 = calloc(n + 1, sizeof(*s1));
	s2 = calloc(n + 1, sizeof(*s2));
	f = calloc(n + 1, sizeof(*f));
	prev = calloc(n + 1, sizeof(*prev));
	if (!s1 || !s2 || !f || !prev) {
		free(s1);
		free(s2);
		free(f);
		free(prev);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		s1[i + 1] = s1[i] + y[i];
		s2[i + 1] = s2[i] + y[i] * y[i];
	}
	f[0] = -penalty;
	for (size_t j = 1; j <= n; j++) {
		f[j] = INFINITY;
		for (size_t i = 0; i < j; i++) {
			double m = (double)(j - i), a = s1[j] - s1[i];
			double sse = s2[j] - s2[i] - a * a / m;
			double c = f[i] + (sse > 0 ? sse : 0) + penalty;

			if (c < f[j]) {
				f[j] = c;
				prev[j] = i;
			}
		}
	}
	/* walk back; cuts come out in reverse */
	for (size_t j = n; prev[j] > 0; j = prev[j])
		k++;
	if (k > maxcuts)
		k = maxcuts;
	*ncuts = k;
	for (size_t j = n, w = k; prev[j] > 0 && w; j = prev[j])
		cuts[--w] = prev[j];
	free(s1);
	free(s2);
	free(f);
	free(prev);
	return 0;
}

static double seg_median(const double *y, size_t a, size_t b)
{
	double v[b - a];

	memcpy(v, y + a, (b - a) * sizeof(*v));
	return wb_cp_median(v, b - a);
}

/* First index in [a, b) whose value exceeds @thr, b if none. */
static size_t first_above(const double *y, size_t a, size_t b, double thr)
{
	while (a < b && y[a] <= thr)
		a++;
	return a;
}

int wb_cp_knees_1(const double *x, const double *y, size_t n, double min_step,
		  bool log_scale, struct wb_knee *out, size_t *nout)
{
	size_t cuts[64], nc, bounds[66], nb = 0, k = 0;
	double sigma, pen, lv[65], floor_step = min_step;
	const double *sy = y;
	double *ly = NULL;
	int err;

	*nout = 0;
	if (n < 4)
		return -EINVAL;
	if (log_scale) {
		/* timing noise grows with the level: segment log(y) so a
		 * small clean step below a noisy top still counts */
		ly = malloc(n * sizeof(*ly));
		if (!ly)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			ly[i] = log(y[i] > 1e-3 ? y[i] : 1e-3);
		sy = ly;
		floor_step = log(1.25);
	}
	sigma = wb_cp_noise(sy, n);
	pen = 8 * sigma * sigma * log((double)n);
	if (pen < 0.25 * floor_step * floor_step)
		pen = 0.25 * floor_step * floor_step;
	err = wb_cp_segment(sy, n, pen, cuts, 64, &nc);
	free(ly);
	if (err)
		return err;
	bounds[nb++] = 0;
	for (size_t i = 0; i < nc; i++)
		bounds[nb++] = cuts[i];
	bounds[nb] = n;
	for (size_t s = 0; s < nb; s++)
		lv[s] = seg_median(y, bounds[s], bounds[s + 1]);
	for (size_t s = 0; s + 1 < nb && k < WB_KNEES_MAX; s++) {
		size_t e = s + 1, lo = bounds[s], hi_end, i20, i80, i50, i;
		double low = lv[s], high;

		if (lv[e] - low < min_step / 2)
			continue;
		/*
		 * A TLB past its reach misses in a ramp (one set after
		 * another overflows), which the fit cuts into several rising
		 * segments: one knee spans the run of rising segments up to the first
	 * that is a plateau (spans more than 1.5x in pages).
		 */
		while (e + 1 < nb && lv[e + 1] - lv[e] >= min_step / 2 &&
		       x[bounds[e + 1] - 1] < 1.5 * x[bounds[e]])
			e++;
		high = lv[e];
		if (high - low < min_step) {
			s = e - 1;
			continue;
		}
		hi_end = bounds[e + 1];
		i20 = first_above(y, lo, hi_end, low + 0.2 * (high - low));
		i50 = first_above(y, lo, hi_end, low + 0.5 * (high - low));
		i80 = first_above(y, lo, hi_end, low + 0.8 * (high - low));
		if (i20 == lo)
			i20 = i50 = i80 = bounds[s + 1];
		/*
		 * Sharp (20% to 80% within one sweep step): the last point
		 * below 20% is the capacity of a set-indexed TLB. Gradual:
		 * with a hashed set index, sets overflow one by one around
		 * the capacity, and half the accesses miss near it: the
		 * last point below half the step.
		 */
		out[k].gradual = i80 > i20 + 1;
		i = out[k].gradual ? i50 : i20;
		out[k].idx = i - 1;
		out[k].x = x[i - 1];
		out[k].x_next = i < n ? x[i] : x[i - 1];
		out[k].low = low;
		out[k].high = high;
		out[k].confidence = 1;
		k++;
		s = e - 1;
	}
	*nout = k;
	return 0;
}

#define BOOT 64

int wb_cp_knees(const double *x, const double *y, size_t n, size_t reps,
		double min_step, bool log_scale, uint64_t seed,
		struct wb_knee *out, size_t *nout)
{
	double *med, *tmp;
	size_t agree[WB_KNEES_MAX] = { 0 };
	uint64_t rng = seed | 1;
	int err;

	*nout = 0;
	if (n < 4 || !reps)
		return -EINVAL;
	med = malloc(n * sizeof(*med));
	tmp = malloc(reps * sizeof(*tmp));
	if (!med || !tmp) {
		free(med);
		free(tmp);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(tmp, y + i * reps, reps * sizeof(*tmp));
		med[i] = wb_cp_median(tmp, reps);
	}
	err = wb_cp_knees_1(x, med, n, min_step, log_scale, out, nout);
	for (int b = 0; !err && b < BOOT; b++) {
		struct wb_knee bk[WB_KNEES_MAX];
		size_t nbk;

		for (size_t i = 0; i < n; i++) {
			for (size_t r = 0; r < reps; r++)
				tmp[r] = y[i * reps + wb_rng_next(&rng) % reps];
			med[i] = wb_cp_median(tmp, reps);
		}
		err = wb_cp_knees_1(x, med, n, min_step, log_scale, bk, &nbk);
		for (size_t k = 0; !err && k < *nout; k++)
			for (size_t j = 0; j < nbk; j++)
				if (bk[j].idx == out[k].idx) {
					agree[k]++;
					break;
				}
	}
	for (size_t k = 0; k < *nout; k++)
		out[k].confidence = (double)agree[k] / BOOT;
	free(med);
	free(tmp);
	return err;
}

static bool cache_knee(const struct wb_knee *k, const double *lines, size_t n)
{
	for (size_t c = 0; c < n; c++)
		if (k->x_next >= lines[c] / 2 && k->x <= 1.25 * lines[c])
			return true;
	return false;
}

void wb_cp_knees_assign(const struct wb_knee *k, size_t nk, double l1_max,
			const double *cache_lines, size_t ncache, int *l1,
			int *l2)
{
	double top = 0;
	size_t i;

	*l1 = *l2 = -1;
	for (i = 0; i < nk; i++) {
		if (cache_knee(&k[i], cache_lines, ncache))
			continue;
		if (*l1 < 0 && k[i].x <= l1_max) {
			*l1 = (int)i;
			continue;
		}
		if (k[i].high - k[i].low > top)
			top = k[i].high - k[i].low;
	}
	/* the first step after the L1's at least half the largest: later
	 * steps of similar height are the walk running out of caches. With
	 * cache levels given (a raw curve, where cache steps can be the
	 * largest), the first step that is not a cache's. */
	if (ncache)
		top = 0;
	for (i = *l1 < 0 ? 0 : (size_t)*l1 + 1; i < nk; i++)
		if (!cache_knee(&k[i], cache_lines, ncache) &&
		    k[i].high - k[i].low >= top / 2) {
			*l2 = (int)i;
			break;
		}
}
