// SPDX-License-Identifier: MIT
/* Statistics against values computed by hand (and cross-checked with
 * scipy.stats.mannwhitneyu 1.10). */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void near(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("got %.12g, want %.12g (tol %g)", got, want, tol);
}

static void test_median_quantile(void **state)
{
	const double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 };
	double v;

	(void)state;
	assert_int_equal(wb_median(odd, N(odd), &v), 0);
	near(v, 3, 0);
	assert_int_equal(wb_median(even, N(even), &v), 0);
	near(v, 2.5, 0);
	/* type 7: h = 0.25 * 3 = 0.75 -> 1 + 0.75 * (2 - 1) */
	assert_int_equal(wb_quantile(even, N(even), 0.25, &v), 0);
	near(v, 1.75, 1e-12);
	assert_int_equal(wb_quantile(even, N(even), 1, &v), 0);
	near(v, 4, 0);
	assert_int_equal(wb_median(odd, 0, &v), -EINVAL);
	assert_int_equal(wb_quantile(odd, 3, 1.5, &v), -EINVAL);
}

static void test_trimmed_mean(void **state)
{
	const double x[] = { 100, 1, 2, 3, 4, 5, 6, 7, 8, -50 };
	double v;

	(void)state;
	/* 10% of 10 = 1 value dropped at each end: mean of 1..8 */
	assert_int_equal(wb_trimmed_mean(x, N(x), 0.1, &v), 0);
	near(v, 4.5, 1e-12);
	assert_int_equal(wb_trimmed_mean(x, N(x), 0, &v), 0);
	near(v, 8.6, 1e-12);
	assert_int_equal(wb_trimmed_mean(x, N(x), 0.5, &v), -EINVAL);
}

/* scipy's documentation example: U = 17, exact two-sided p = 1/9 */
static void test_mwu_exact_textbook(void **state)
{
	const double males[] = { 19, 22, 16, 29, 24 };
	const double females[] = { 20, 11, 17, 12 };
	struct wb_mwu r;

	(void)state;
	assert_int_equal(wb_mann_whitney(males, 5, females, 4, &r), 0);
	near(r.u_x, 17, 0);
	near(r.u_y, 3, 0);
	assert_true(r.exact);
	near(r.p, 1.0 / 9, 1e-12);
}

/* Complete separation, 3 vs 4: p = 2 / C(7, 3) = 2 / 35 */
static void test_mwu_separated(void **state)
{
	const double x[] = { 1.1, 1.2, 1.3 }, y[] = { 2.1, 2.2, 2.3, 2.4 };
	struct wb_mwu r;

	(void)state;
	assert_int_equal(wb_mann_whitney(x, 3, y, 4, &r), 0);
	near(r.u_x, 0, 0);
	near(r.p, 2.0 / 35, 1e-12);
	near(wb_mwu_min_p(3, 4), 2.0 / 35, 1e-12);
	/* 3 per side can reach only 0.1; 4 per side reach 2/70 */
	near(wb_mwu_min_p(3, 3), 0.1, 1e-12);
	assert_int_equal(wb_mwu_reps_needed(0.05), 4);
	assert_int_equal(wb_mwu_reps_needed(0.01), 5);
}

/*
 * Ties force the normal approximation. By hand: U = 6.5, tie groups of
 * sizes 2,2,2,3,2 give sum(t^3 - t) = 48, var = 56/12 * (16 - 48/210),
 * z = (|6.5 - 28| - 0.5) / sqrt(var) = 2.4545, p = erfc(z / sqrt 2).
 */
static void test_mwu_ties_normal(void **state)
{
	const double x[] = { 1, 2, 2, 3, 4, 4, 5 };
	const double y[] = { 3, 4, 5, 5, 6, 7, 8, 8 };
	struct wb_mwu r;

	(void)state;
	assert_int_equal(wb_mann_whitney(x, N(x), y, N(y), &r), 0);
	assert_true(r.ties);
	assert_false(r.exact);
	near(r.u_x, 6.5, 0);
	near(r.z, 2.454504056613968, 1e-9);
	near(r.p, 0.014107907274540636, 1e-9);
}

static void test_mwu_all_tied(void **state)
{
	const double x[] = { 2, 2, 2 }, y[] = { 2, 2, 2, 2 };
	struct wb_mwu r;

	(void)state;
	assert_int_equal(wb_mann_whitney(x, 3, y, 4, &r), 0);
	near(r.p, 1, 0);
	assert_int_equal(wb_mann_whitney(x, 0, y, 4, &r), -EINVAL);
}

/* Large samples take the normal path; identical samples give p = 1. */
static void test_mwu_large(void **state)
{
	double x[40], y[40];
	struct wb_mwu r;

	(void)state;
	for (int i = 0; i < 40; i++)
		x[i] = y[i] = i;
	assert_int_equal(wb_mann_whitney(x, 40, y, 40, &r), 0);
	assert_false(r.exact);
	near(r.p, 1, 1e-12);
	for (int i = 0; i < 40; i++)
		y[i] = i + 100;
	assert_int_equal(wb_mann_whitney(x, 40, y, 40, &r), 0);
	assert_true(r.p < 1e-10);
}

/*
 * x = 1,2,3, y = 4,5,6: differences 1,2,2,3,3,3,4,4,5, estimate 3.
 * P(U <= 0) = 1/20, so [d_(1), d_(9)] = [1, 5] covers 90%, and 95% cannot
 * be reached with 3 + 3 values.
 */
static void test_hodges_lehmann(void **state)
{
	const double x[] = { 1, 2, 3 }, y[] = { 4, 5, 6 };
	double est, lo, hi, got;

	(void)state;
	assert_int_equal(
		wb_hodges_lehmann(x, 3, y, 3, 0.9, &est, &lo, &hi, &got), 0);
	near(est, 3, 0);
	near(lo, 1, 0);
	near(hi, 5, 0);
	near(got, 0.9, 1e-12);
	assert_int_equal(
		wb_hodges_lehmann(x, 3, y, 3, 0.95, &est, &lo, &hi, &got), 0);
	assert_true(got < 0.95);
}

/* 8 + 8: P(U <= 13) = 321/12870, P(U <= 14) = 418/12870, so the 95%
 * interval is [d_(14), d_(51)] with coverage 1 - 2 * 0.0249. */
static void test_hodges_lehmann_8x8(void **state)
{
	double x[8], y[8], est, lo, hi, got;

	(void)state;
	for (int i = 0; i < 8; i++) {
		x[i] = i * 8; /* all 64 differences distinct */
		y[i] = i;
	}
	assert_int_equal(
		wb_hodges_lehmann(x, 8, y, 8, 0.95, &est, &lo, &hi, &got), 0);
	/* differences y_j - x_i = j - 8i take every value in -56 .. 7 */
	near(lo, -56 + 13, 0);
	near(hi, 7 - 13, 0);
	near(got, 1 - 2 * 321.0 / 12870, 1e-12);
}

static void test_knees(void **state)
{
	const double y[] = { 1, 1, 1, 1.02, 1, 3, 3, 3.1, 3, 9, 9 };
	const double flat[] = { 2, 2.01, 2, 1.99, 2 };
	size_t idx[4], nk;

	(void)state;
	assert_int_equal(wb_knees(y, N(y), idx, 4, &nk), 0);
	assert_int_equal(nk, 2);
	assert_int_equal(idx[0], 4);
	assert_int_equal(idx[1], 8);
	assert_int_equal(wb_knees(flat, N(flat), idx, 4, &nk), 0);
	assert_int_equal(nk, 0);
	assert_int_equal(wb_knees(y, 0, idx, 4, &nk), -EINVAL);
}

/* Values as R's p.adjust(p, "holm") gives them. */
static void test_holm(void **state)
{
	const double p[] = { 0.01, 0.04, 0.03, 0.005 };
	const double want[] = { 0.03, 0.06, 0.06, 0.02 };
	const double q[] = { 0.5, NAN, 0.01 }, big[] = { 0.6, 0.7 };
	double adj[4];

	(void)state;
	assert_int_equal(wb_holm(p, 4, adj), 0);
	for (int i = 0; i < 4; i++)
		assert_true(fabs(adj[i] - want[i]) < 1e-12);
	/* a NaN is not part of the family */
	assert_int_equal(wb_holm(q, 3, adj), 0);
	assert_true(fabs(adj[0] - 0.5) < 1e-12 && isnan(adj[1]) &&
		    fabs(adj[2] - 0.02) < 1e-12);
	assert_int_equal(wb_holm(big, 2, adj), 0);
	assert_true(adj[0] == 1 && adj[1] == 1);
	/* in place */
	memcpy(adj, p, sizeof(p));
	assert_int_equal(wb_holm(adj, 4, adj), 0);
	for (int i = 0; i < 4; i++)
		assert_true(fabs(adj[i] - want[i]) < 1e-12);
	assert_int_equal(wb_holm(p, 0, adj), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_quantile),
		cmocka_unit_test(test_trimmed_mean),
		cmocka_unit_test(test_mwu_exact_textbook),
		cmocka_unit_test(test_mwu_separated),
		cmocka_unit_test(test_mwu_ties_normal),
		cmocka_unit_test(test_mwu_all_tied),
		cmocka_unit_test(test_mwu_large),
		cmocka_unit_test(test_hodges_lehmann),
		cmocka_unit_test(test_hodges_lehmann_8x8),
		cmocka_unit_test(test_knees),
		cmocka_unit_test(test_holm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
