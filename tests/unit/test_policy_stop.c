// SPDX-License-Identifier: MIT
/* The stopping rule of `walkbench policy` on made-up repetitions: nothing
 * here runs a command or reads a clock. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check/stats.h"
#include "settings/policy.h"
#include "settings/policy_stop.h"

#define MAXR 40

/* Runs of @np policies, @n each, wall times from @t[p][i]; summarized
 * against policy 0 with intervals at @conf and adjusted, as the verb does
 * after a round. */
static void summarize_at(const double (*t)[MAXR], int np, int n, double conf,
			 struct wb_policy_summary *sum)
{
	struct wb_policy_sample runs[MAXR];
	double base[MAXR];

	for (int p = 0; p < np; p++) {
		for (int i = 0; i < n; i++) {
			memset(&runs[i], 0, sizeof(runs[i]));
			runs[i].ok = true;
			runs[i].wall_s = t[p][i];
			runs[i].cpu_s = t[p][i];
			runs[i].maxrss_bytes = 1u << 20;
		}
		if (!p)
			for (int i = 0; i < n; i++)
				base[i] = t[0][i];
		assert_int_equal(
			wb_policy_summarize_at(runs, n, p ? base : NULL,
					       p ? n : 0, false, conf, &sum[p]),
			0);
	}
	assert_int_equal(wb_policy_adjust(sum, np), 0);
}

static struct wb_policy_progress at(int rounds)
{
	return (struct wb_policy_progress){
		.rounds = rounds,
		.elapsed_s = 1,
		.round_max_s = 0.1,
		.budget_s = 180,
	};
}

/* The plan for @family comparisons and a cap of 30. */
static struct wb_policy_plan plan(int family)
{
	struct wb_policy_plan pl;

	assert_int_equal(wb_policy_plan(family, 30, &pl), 0);
	return pl;
}

static void expect_looks(int family, int cap, const int *want, int n,
			 double alpha)
{
	struct wb_policy_plan pl;

	assert_int_equal(wb_policy_plan(family, cap, &pl), 0);
	assert_int_equal(pl.n, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(pl.at[i], want[i]);
	assert_true(fabs(pl.alpha - alpha) < 1e-12);
	assert_true(fabs(pl.conf - (1 - alpha)) < 1e-12);
	assert_int_equal(pl.family, family);
	assert_int_equal(pl.cap, cap);
}

static void test_plan_of_looks(void **state)
{
	/* 6 * 1.5^k rounded up: 9, 13.5 -> 14, 20.25 -> 21, 30.4 -> the
	 * cap; five looks at 0.01 each. Two comparisons at 5 rounds give
	 * at best 2 * 2 / C(10, 5) = 0.016, not below 0.01: 6 is the
	 * first, 2 * 2 / C(12, 6) = 0.0043. */
	static const int two[] = { 6, 9, 14, 21, 30 };
	/* one comparison: 2 / C(10, 5) = 0.0079 < 0.01 already at 5;
	 * 25.3 -> 26 is within 1.25 of the cap and left to it */
	static const int one[] = { 5, 8, 12, 17, 30 };
	/* eight: 8 * 2 / C(12, 6) = 0.017 is too much at 6 */
	static const int eight[] = { 7, 11, 16, 24, 30 };
	static const int cap100[] = { 6, 9, 14, 21, 31, 46, 69, 100 };
	static const int cap12[] = { 5, 8, 12 };
	static const int cap2[] = { 2 };
	struct wb_policy_plan pl;

	(void)state;
	expect_looks(2, 30, two, 5, 0.01);
	expect_looks(1, 30, one, 5, 0.01);
	expect_looks(8, 30, eight, 5, 0.01);
	expect_looks(1, 100, cap100, 8, 0.05 / 8);
	/* at 5 rounds 2 * 2 / C(10, 5) = 0.016 < 0.05 / 3 */
	expect_looks(2, 12, cap12, 3, 0.05 / 3);
	/* the first look of every plan can succeed at its level */
	for (int f = 1; f <= 15; f++) {
		pl = plan(f);
		assert_true(pl.reachable);
		assert_int_equal(pl.at[pl.n - 1], 30);
		for (int i = 1; i < pl.n; i++)
			assert_true(pl.at[i] > pl.at[i - 1]);
		assert_true(
			f * wb_mwu_min_p((size_t)pl.at[0], (size_t)pl.at[0]) <
			pl.alpha);
	}
	/* two rounds can never reach 0.05 after Holm: one look, at the
	 * cap, marked unreachable */
	expect_looks(2, 2, cap2, 1, 0.05);
	assert_int_equal(wb_policy_plan(2, 2, &pl), 0);
	assert_false(pl.reachable);
	assert_int_equal(wb_policy_look_of(&pl, 2), 1);
	pl = plan(2);
	assert_int_equal(wb_policy_look_of(&pl, 6), 1);
	assert_int_equal(wb_policy_look_of(&pl, 14), 3);
	assert_int_equal(wb_policy_look_of(&pl, 30), 5);
	assert_int_equal(wb_policy_look_of(&pl, 7), 0);
	assert_int_equal(wb_policy_plan(0, 30, &pl), -EINVAL);
	assert_int_equal(wb_policy_plan(2, 0, &pl), -EINVAL);
}

/* A made-up summary pair: current, and one policy faster by the median
 * with the adjusted p given and a wide interval. */
static void made_up(struct wb_policy_summary *sum, double p_adj)
{
	memset(sum, 0, 2 * sizeof(*sum));
	sum[0].ok = 30;
	sum[0].metric_median_s = 2.0;
	sum[0].mem_bytes = 1u << 20;
	sum[1].ok = 30;
	sum[1].metric_median_s = 1.5;
	sum[1].mem_bytes = 1u << 20;
	sum[1].has_cmp = true;
	sum[1].speedup = 2.0 / 1.5;
	sum[1].speedup_lo = 0.9;
	sum[1].speedup_hi = 1.8;
	sum[1].conf = 0.99;
	sum[1].p_value = p_adj;
	sum[1].p_adj = p_adj;
}

/* A p between the level per look and 0.05 is not significant at a look,
 * nor anything between looks; below the level per look it is. */
static void test_between_levels_not_significant(void **state)
{
	struct wb_policy_plan pl = plan(1); /* 5 8 12 17 30, 0.01 each */
	struct wb_policy_summary sum[2];
	struct wb_policy_progress pr;
	struct wb_policy_stop st;
	struct wb_policy_reco r;

	(void)state;
	for (int k = 0; k < pl.n - 1; k++) {
		made_up(sum, 0.03);
		pr = at(pl.at[k]);
		assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st),
				 0);
		assert_int_equal(st.look, k + 1);
		assert_int_equal(st.reason, WB_STOP_NONE);
	}
	/* at the cap the same p ends it by the cap, not significant */
	pr = at(30);
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_CAP);
	assert_int_equal(st.look, 5);
	/* and the recommendation at the same level keeps current */
	assert_int_equal(wb_policy_recommend_at(sum, 2, pl.alpha, &r), 0);
	assert_int_equal(r.best, 0);
	assert_int_equal(r.leading, 1);
	assert_non_null(strstr(r.reason, "p < 0.01 "));
	assert_int_equal(wb_policy_recommend(sum, 2, &r), 0);
	assert_int_equal(r.best, 1);

	/* a tiny p between looks decides nothing */
	made_up(sum, 1e-6);
	pr = at(7);
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.look, 0);
	assert_int_equal(st.reason, WB_STOP_NONE);
	/* just below the level per look, at a look: significant */
	made_up(sum, 0.0099);
	pr = at(8);
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_SIGNIFICANT);
	assert_int_equal(st.look, 2);
	assert_int_equal(wb_policy_recommend_at(sum, 2, pl.alpha, &r), 0);
	assert_int_equal(r.best, 1);
}

/* The last round before the budget runs out is one more look, in place of
 * the planned ones not reached; before the first look it is none. */
static void test_budget_look(void **state)
{
	struct wb_policy_plan pl = plan(1); /* 5 8 12 17 30 */
	struct wb_policy_summary sum[2];
	struct wb_policy_progress pr = at(10);
	struct wb_policy_stop st;

	(void)state;
	pr.elapsed_s = 179.95;
	made_up(sum, 0.005);
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_SIGNIFICANT);
	assert_int_equal(st.look, 3); /* after the looks at 5 and 8 */
	made_up(sum, 0.03);
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_BUDGET);
	assert_int_equal(st.look, 3);
	made_up(sum, 0.005);
	pr.rounds = 4;
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_BUDGET);
	assert_int_equal(st.look, 0);
}

/* Clearly separated times: nothing is decided before the start count,
 * then the faster policy is significant after Holm. */
static void test_significant_when_separated(void **state)
{
	double t[3][MAXR];
	struct wb_policy_summary sum[3];
	struct wb_policy_plan pl = plan(2); /* 6 9 14 21 30, 0.01 each */
	struct wb_policy_progress pr;
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 2.0 + 0.01 * (i % 7); /* current */
		t[1][i] = 2.0 + 0.01 * ((i + 3) % 7); /* the same */
		t[2][i] = 1.2 + 0.01 * (i % 5); /* faster */
	}
	summarize_at(t, 3, 3, pl.conf, sum);
	pr = at(3);
	assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NONE);
	assert_int_equal(st.leading, 2);

	/* below 0.05 after Holm at 5 rounds, but 5 is no look */
	summarize_at(t, 3, 5, pl.conf, sum);
	pr = at(5);
	assert_true(sum[2].p_adj < WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NONE);

	summarize_at(t, 3, 6, pl.conf, sum);
	pr = at(6);
	assert_true(sum[2].p_adj >= sum[2].p_value);
	assert_true(sum[2].p_adj < pl.alpha);
	assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_SIGNIFICANT);
	assert_int_equal(st.leading, 2);
	assert_int_equal(st.look, 1);
	assert_string_equal(st.text, "significant");
	/* the interval is at the looks' level, and excludes 1 */
	assert_true(sum[2].conf >= pl.conf);
	assert_true(sum[2].speedup_lo > 1 && sum[2].speedup_hi > 1);
}

/* Four runs each reach p < 0.05 for one comparison, not for three after
 * Holm: the rule must not stop on the raw p. */
static void test_holm_holds_back(void **state)
{
	double t[4][MAXR];
	struct wb_policy_summary sum[4];
	struct wb_policy_plan pl = plan(3);
	struct wb_policy_progress pr = at(4);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 2.0 + 0.01 * i;
		t[1][i] = 1.5 + 0.01 * i;
		t[2][i] = 1.8 + 0.3 * (i % 2);
		t[3][i] = 1.9 + 0.3 * (i % 2);
	}
	summarize_at(t, 4, 4, pl.conf, sum);
	assert_true(sum[1].p_value < WB_POLICY_ALPHA);
	assert_true(sum[1].p_adj >= WB_POLICY_ALPHA);
	/* as if the first look were too early, at the level of one look */
	pl.at[0] = 4;
	pl.alpha = WB_POLICY_ALPHA;
	assert_int_equal(wb_policy_stop_check(sum, 4, &pl, &pr, &st), 0);
	assert_int_equal(st.look, 1);
	assert_int_equal(st.leading, 1);
	assert_int_not_equal(st.reason, WB_STOP_SIGNIFICANT);
}

/* Equal times, and times within 1% of each other: no difference. */
static void test_equal_is_no_difference(void **state)
{
	double t[2][MAXR];
	struct wb_policy_summary sum[2];
	struct wb_policy_plan pl = plan(1); /* 5 8 12 17 30 */
	struct wb_policy_progress pr = at(5);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++)
		t[0][i] = t[1][i] = 1.0;
	summarize_at(t, 2, 5, pl.conf, sum);
	assert_true(sum[1].p_value >= WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NO_DIFFERENCE);
	assert_string_equal(st.text, "no difference beyond 5%");

	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 1.0 + 0.001 * ((i * 3) % 8);
		t[1][i] = 1.0 + 0.001 * ((i * 5 + 1) % 8);
	}
	summarize_at(t, 2, 8, pl.conf, sum);
	pr = at(8);
	assert_true(sum[1].conf >= pl.conf);
	assert_true(wb_policy_same(&sum[1], pl.conf));
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NO_DIFFERENCE);
	/* an interval at 95% is not enough where the looks test at 99% */
	summarize_at(t, 2, 8, 0.95, sum);
	assert_true(sum[1].conf < pl.conf);
	assert_true(wb_policy_same(&sum[1], 0.95));
	assert_false(wb_policy_same(&sum[1], pl.conf));
}

/* A real 10% difference is not "no difference", even when not yet
 * significant. */
static void test_difference_not_same(void **state)
{
	double t[2][MAXR];
	struct wb_policy_summary sum[2];

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 1.0 + 0.2 * (i % 2);
		t[1][i] = 0.9 + 0.2 * ((i + 1) % 2);
	}
	summarize_at(t, 2, 4, 0.95, sum);
	assert_false(wb_policy_same(&sum[1], 0.95));
}

/* Times that swing widely on both sides settle nothing: the rounds go on
 * until the cap, which is then the reason. (Two sides of one bimodal
 * distribution would not do: their shift is known to be near 0, and that
 * is "no difference".) */
static void test_noisy_hits_cap(void **state)
{
	double t[3][MAXR];
	struct wb_policy_summary sum[3];
	struct wb_policy_plan pl;
	struct wb_policy_progress pr;
	struct wb_policy_stop st;

	(void)state;
	assert_int_equal(wb_policy_plan(2, 12, &pl), 0);
	for (int i = 0; i < MAXR; i++) {
		/* spread evenly over 1..2 s, in a different order on each
		 * side: a median shift near 0, known no better than -+15% */
		for (int p = 0; p < 3; p++) {
			double v = (i + 1) * 0.6180339887 + 0.29 * p;

			t[p][i] = 1.0 + (v - floor(v));
		}
	}
	for (int n = 1; n < 12; n++) {
		summarize_at(t, 3, n, pl.conf, sum);
		pr = at(n);
		assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st),
				 0);
		assert_int_equal(st.reason, WB_STOP_NONE);
	}
	summarize_at(t, 3, 12, pl.conf, sum);
	pr = at(12);
	assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_CAP);
	assert_string_equal(st.text, "cap of 12 repetitions reached");
}

/* A round that would end past the budget is not started. */
static void test_budget(void **state)
{
	double t[2][MAXR];
	struct wb_policy_summary sum[2];
	struct wb_policy_plan pl = plan(1);
	struct wb_policy_progress pr = at(2);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 1.0 + (i % 2);
		t[1][i] = 1.0 + ((i + 1) % 2);
	}
	summarize_at(t, 2, 2, pl.conf, sum);
	pr.elapsed_s = 100;
	pr.round_max_s = 50;
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NONE);
	pr.elapsed_s = 140;
	assert_int_equal(wb_policy_stop_check(sum, 2, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_BUDGET);
	assert_string_equal(st.text, "time budget of 180 s used");
}

/* A policy with a failed run cannot lead; with none left, stop. */
static void test_failed_cannot_lead(void **state)
{
	struct wb_policy_summary sum[3];
	double t[3][MAXR];
	struct wb_policy_plan pl = plan(2);
	struct wb_policy_progress pr = at(5);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 2.0 + 0.01 * i;
		t[1][i] = 1.0 + 0.01 * i;
		t[2][i] = 1.9 + 0.2 * (i % 2);
	}
	summarize_at(t, 3, 5, pl.conf, sum);
	sum[1].failed = 1;
	assert_int_equal(wb_policy_leading(sum, 3), 2);
	sum[2].failed = 1;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NOTHING);
	assert_int_equal(st.leading, 0);
	assert_string_equal(wb_policy_stop_word(st.reason),
			    "nothing_to_compare");
}

static void test_adjust_and_bad_args(void **state)
{
	struct wb_policy_summary sum[3];
	struct wb_policy_plan pl = plan(2);
	struct wb_policy_progress pr = at(1);
	struct wb_policy_stop st;

	(void)state;
	memset(sum, 0, sizeof(sum));
	sum[1].has_cmp = true;
	sum[1].p_value = 0.01;
	sum[2].has_cmp = false; /* never compared: out of the family */
	assert_int_equal(wb_policy_adjust(sum, 3), 0);
	assert_true(fabs(sum[1].p_adj - 0.01) < 1e-12);
	assert_true(isnan(sum[2].p_adj));
	assert_int_equal(wb_policy_adjust(sum, 0), -EINVAL);
	assert_int_equal(wb_policy_stop_check(sum, 3, NULL, &pr, &st), -EINVAL);
	pl.n = 0;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st), -EINVAL);
	pl = plan(2);
	pr.budget_s = 0;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pl, &pr, &st), -EINVAL);
	assert_null(wb_policy_stop_word(WB_STOP_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_of_looks),
		cmocka_unit_test(test_between_levels_not_significant),
		cmocka_unit_test(test_budget_look),
		cmocka_unit_test(test_significant_when_separated),
		cmocka_unit_test(test_holm_holds_back),
		cmocka_unit_test(test_equal_is_no_difference),
		cmocka_unit_test(test_difference_not_same),
		cmocka_unit_test(test_noisy_hits_cap),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_failed_cannot_lead),
		cmocka_unit_test(test_adjust_and_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
