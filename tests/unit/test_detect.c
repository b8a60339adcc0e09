// SPDX-License-Identifier: MIT
/*
 * Change-point knees on synthetic curves: TLB-like staircases with noise
 * give their knees at the right page counts with high confidence; a flat
 * noisy curve gives none (or only weak ones); a ramp is reported as
 * gradual at its half-step point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check/detect.h"
#include "core/rng.h"

#define REPS 7
#define NMAX 128

static double gauss(uint64_t *rng)
{
	double u1 = ((wb_rng_next(rng) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (wb_rng_next(rng) >> 11) / 9007199254740992.0;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* 8 points per octave, like the detect sweep */
static size_t grid(double *x)
{
	size_t n = 0;

	for (size_t v = 8; v <= 8192 && n < NMAX;) {
		size_t step = 1;

		while (step * 16 <= v)
			step *= 2;
		x[n++] = (double)v;
		v += step;
	}
	return n;
}

/* ns per access for a two-level TLB: 1 ns up to l1, +2 to l2, +10 past */
static double stair(double pages, double l1, double l2)
{
	return 1 + (pages > l1 ? 2 : 0) + (pages > l2 ? 10 : 0);
}

static void fill(uint64_t *rng, const double *x, size_t n, double *y,
		 double sigma, double l1, double l2)
{
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < REPS; r++)
			y[i * REPS + r] = (l1 > 0 ? stair(x[i], l1, l2) : 1) +
					  sigma * gauss(rng);
}

static void staircase_finds_both_knees(void **st)
{
	double x[NMAX], y[NMAX * REPS];
	struct wb_knee k[WB_KNEES_MAX];
	size_t n = grid(x), nk;
	uint64_t rng = 12345;

	(void)st;
	fill(&rng, x, n, y, 0.05, 64, 1536);
	assert_int_equal(wb_cp_knees(x, y, n, REPS, 0.5, false, 7, k, &nk), 0);
	assert_int_equal(nk, 2);
	assert_true(k[0].x == 64);
	assert_true(k[1].x == 1536);
	assert_false(k[0].gradual);
	assert_true(fabs(k[0].high - k[0].low - 2) < 0.2);
	assert_true(fabs(k[1].high - k[1].low - 10) < 0.5);
	assert_true(k[0].confidence >= 0.9);
	assert_true(k[1].confidence >= 0.9);
}

static void spikes_do_not_move_knees(void **st)
{
	double x[NMAX], y[NMAX * REPS];
	struct wb_knee k[WB_KNEES_MAX];
	size_t n = grid(x), nk;
	uint64_t rng = 99;

	(void)st;
	fill(&rng, x, n, y, 0.05, 96, 2048);
	/* three of seven repeats of some points slowed by other work */
	for (size_t i = 5; i < n; i += 7)
		for (size_t r = 0; r < 3; r++)
			y[i * REPS + r] += 30;
	assert_int_equal(wb_cp_knees(x, y, n, REPS, 0.5, false, 7, k, &nk), 0);
	assert_int_equal(nk, 2);
	assert_true(k[0].x == 96);
	assert_true(k[1].x == 2048);
}

static void flat_curve_has_no_confident_knee(void **st)
{
	double x[NMAX], y[NMAX * REPS];
	struct wb_knee k[WB_KNEES_MAX];
	size_t n = grid(x), nk;
	uint64_t rng = 4242;

	(void)st;
	fill(&rng, x, n, y, 0.3, 0, 0);
	assert_int_equal(wb_cp_knees(x, y, n, REPS, 0.5, false, 7, k, &nk), 0);
	for (size_t i = 0; i < nk; i++)
		assert_true(k[i].confidence < 0.5);
}

static void weak_step_has_lower_confidence(void **st)
{
	double x[NMAX], y[NMAX * REPS], clean = 0, noisy = 0;
	struct wb_knee k[WB_KNEES_MAX];
	size_t n = grid(x), nk;
	uint64_t rng = 77;

	(void)st;
	fill(&rng, x, n, y, 0.02, 64, 1536);
	assert_int_equal(wb_cp_knees(x, y, n, REPS, 0.5, false, 7, k, &nk), 0);
	assert_true(nk >= 1);
	clean = k[0].confidence;
	/* noise as large as the small step */
	fill(&rng, x, n, y, 1.5, 64, 1536);
	assert_int_equal(wb_cp_knees(x, y, n, REPS, 0.5, false, 7, k, &nk), 0);
	for (size_t i = 0; i < nk; i++)
		if (k[i].x <= 256 && k[i].confidence > noisy)
			noisy = k[i].confidence;
	assert_true(noisy < clean);
}

static void ramp_is_gradual_at_half(void **st)
{
	double x[NMAX], y[NMAX * REPS];
	struct wb_knee k[WB_KNEES_MAX];
	size_t n = grid(x), nk;
	uint64_t rng = 5;

	(void)st;
	/* flat 2 ns, then a linear rise from 1536 to 2816 up to 12 ns: half
	 * the step is reached at 2176, past the sweep point 2048 */
	for (size_t i = 0; i < n; i++) {
		double v = 2;

		if (x[i] > 1536)
			v = x[i] >= 2816 ? 12 : 2 + 10 * (x[i] - 1536) / 1280;
		for (size_t r = 0; r < REPS; r++)
			y[i * REPS + r] = v + 0.05 * gauss(&rng);
	}
	assert_int_equal(wb_cp_knees(x, y, n, REPS, 0.5, false, 7, k, &nk), 0);
	assert_int_equal(nk, 1);
	assert_true(k[0].gradual);
	assert_true(k[0].x == 2048);
}

/* Raw timings: a 1.5 ns L1 step under a noisy top is found on log scale. */
static void log_scale_finds_small_step_under_noise(void **st)
{
	double x[NMAX], y[NMAX * REPS];
	struct wb_knee k[WB_KNEES_MAX];
	size_t n = grid(x), nk;
	uint64_t rng = 31;

	(void)st;
	for (size_t i = 0; i < n; i++) {
		double v = x[i] > 96 ? (x[i] > 2048 ? 12 : 2.7) : 1.2;

		for (size_t r = 0; r < REPS; r++)
			y[i * REPS + r] =
				v * (1 + 0.1 * gauss(&rng) *
						 (x[i] > 2048 ? 3 : 0.05));
	}
	assert_int_equal(wb_cp_knees(x, y, n, REPS, 0.5, true, 7, k, &nk), 0);
	assert_true(nk >= 2);
	assert_true(k[0].x == 96);
	assert_true(k[1].x == 2048);
}

static void segment_exact(void **st)
{
	double y[] = { 1, 1, 1, 1, 5, 5, 5, 5, 5, 9, 9, 9 };
	size_t cuts[8], nc;

	(void)st;
	assert_int_equal(wb_cp_segment(y, 12, 0.5, cuts, 8, &nc), 0);
	assert_int_equal(nc, 2);
	assert_int_equal(cuts[0], 4);
	assert_int_equal(cuts[1], 9);
	/* a penalty larger than any split's gain keeps one segment */
	assert_int_equal(wb_cp_segment(y, 12, 1e6, cuts, 8, &nc), 0);
	assert_int_equal(nc, 0);
	assert_int_equal(wb_cp_segment(y, 0, 1, cuts, 8, &nc), -EINVAL);
}

static void too_short_is_einval(void **st)
{
	double x[3] = { 1, 2, 3 }, y[3] = { 1, 2, 3 };
	struct wb_knee k[WB_KNEES_MAX];
	size_t nk;

	(void)st;
	assert_int_equal(wb_cp_knees(x, y, 3, 1, 0.5, false, 1, k, &nk),
			 -EINVAL);
	assert_int_equal(wb_cp_knees(x, y, 3, 0, 0.5, false, 1, k, &nk),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(staircase_finds_both_knees),
		cmocka_unit_test(spikes_do_not_move_knees),
		cmocka_unit_test(flat_curve_has_no_confident_knee),
		cmocka_unit_test(weak_step_has_lower_confidence),
		cmocka_unit_test(ramp_is_gradual_at_half),
		cmocka_unit_test(log_scale_finds_small_step_under_noise),
		cmocka_unit_test(segment_exact),
		cmocka_unit_test(too_short_is_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
