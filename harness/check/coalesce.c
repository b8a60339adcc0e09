// SPDX-License-Identifier: MIT
/*
 * The coalescing factor from measured curves (coalesce.h): pure, no
 * system calls, so the unit tests feed it synthetic curves.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check/coalesce.h"
#include "check/detect.h"
#include "core/rng.h"

#define BOOT 64

struct judged {
	int factor;
	bool at_least;
};

static double lowq(const double *v, size_t n)
{
	double t[n];

	memcpy(t, v, sizeof(t));
	return wb_cp_low_quantile(t, n);
}

/* The rule of coalesce.h on one set of per-point levels. */
static int judge(const double *m, size_t n, const double *l4, const double *ls,
		 const double *lc, double min_step, int max_factor,
		 struct judged *j, double *q)
{
	bool broke = false;

	j->factor = 1;
	j->at_least = false;
	if (l4[0] - lc[0] < min_step)
		return -ENODATA;
	for (size_t i = 0; i < n; i++) {
		double d4 = l4[i] - lc[i];

		if (d4 < min_step)
			break; /* the 4K chase stopped walking: no verdict */
		if (q)
			q[i] = (l4[i] - ls[i]) / d4;
		if ((l4[i] - ls[i]) / d4 < WB_COAL_NEAR) {
			broke = true;
			break;
		}
		j->factor = (int)m[i];
	}
	j->at_least = !broke && j->factor > 1 && j->factor < max_factor;
	return 0;
}

int wb_coal_estimate(const struct wb_coal_curve *c, double min_step,
		     int max_factor, uint64_t seed, struct wb_coal_est *e)
{
	double l4[WB_COAL_POINTS], ls[WB_COAL_POINTS], lc[WB_COAL_POINTS];
	uint64_t rng = seed * 0x9e3779b97f4a7c15ull + 1;
	struct judged j, b;
	size_t n = c->n, reps = c->reps, agree = 0;
	int err;

	memset(e, 0, sizeof(*e));
	if (!n || n > WB_COAL_POINTS || !reps)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (i && c->m[i] <= c->m[i - 1])
			return -EINVAL;
		l4[i] = e->lvl4[i] = lowq(c->t4 + i * reps, reps);
		ls[i] = e->lvls[i] = lowq(c->ts + i * reps, reps);
		lc[i] = e->lvlc[i] = lowq(c->ctl + i * reps, reps);
		e->q[i] = NAN;
	}
	err = judge(c->m, n, l4, ls, lc, min_step, max_factor, &j, e->q);
	if (err) {
		snprintf(e->why, sizeof(e->why),
			 "the 4K chase at %.0fx the L2 TLB reach is %.2f ns "
			 "above the L2-hit level (< %.2f): no walk to save",
			 c->m[0], l4[0] - lc[0], min_step);
		return err;
	}
	e->factor = j.factor;
	e->at_least = j.at_least;
	/* each point's levels redrawn from its own repeats */
	for (int k = 0; k < BOOT; k++) {
		for (size_t i = 0; i < n; i++) {
			double a[reps], s[reps], t[reps];

			for (size_t r = 0; r < reps; r++) {
				a[r] = c->t4[i * reps +
					     wb_rng_next(&rng) % reps];
				s[r] = c->ts[i * reps +
					     wb_rng_next(&rng) % reps];
				t[r] = c->ctl[i * reps +
					      wb_rng_next(&rng) % reps];
			}
			l4[i] = wb_cp_low_quantile(a, reps);
			ls[i] = wb_cp_low_quantile(s, reps);
			lc[i] = wb_cp_low_quantile(t, reps);
		}
		if (!judge(c->m, n, l4, ls, lc, min_step, max_factor, &b,
			   NULL) &&
		    b.factor == j.factor && b.at_least == j.at_least)
			agree++;
	}
	e->confidence = (double)agree / BOOT;
	return 0;
}

enum wb_coal_state wb_coal_verdict(uint64_t size, int verified,
				   const char *vwhy,
				   const struct wb_folio_hist *after, char *why,
				   size_t whylen)
{
	char w[300];

	if (verified == -EMEDIUMTYPE) {
		snprintf(why, whylen, "the region fell back: %s", vwhy);
		return WB_COAL_FELL_BACK;
	}
	if (verified) {
		snprintf(why, whylen, "folios not verified: %s", vwhy);
		return WB_COAL_NOT_MEASURED;
	}
	if (wb_folio_hist_expect(after, size, w, sizeof(w))) {
		snprintf(why, whylen,
			 "the region's folios changed during the measurement: "
			 "%s",
			 w);
		return WB_COAL_FELL_BACK;
	}
	return WB_COAL_MEASURED;
}

void wb_coal_factor_text(const struct wb_coal_size *s, char *buf, size_t len)
{
	if (s->est.factor <= 1)
		snprintf(buf, len, "no coalescing");
	else
		snprintf(buf, len, "%s%d pages per L2 TLB entry",
			 s->est.at_least ? "at least " : "", s->est.factor);
}
