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

#include "settings/policy.h"
#include "settings/policy_stop.h"

#define MAXR 40

/* Runs of @np policies, @n each, wall times from @t[p][i]; summarized
 * against policy 0 and adjusted, as the verb does after a round. */
static void summarize(const double (*t)[MAXR], int np, int n,
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
		assert_int_equal(wb_policy_summarize(runs, n, p ? base : NULL,
						     p ? n : 0, false, &sum[p]),
				 0);
	}
	assert_int_equal(wb_policy_adjust(sum, np), 0);
}

static struct wb_policy_progress at(int rounds, int family)
{
	return (struct wb_policy_progress){
		.rounds = rounds,
		.start = wb_policy_start_reps(family),
		.cap = 30,
		.elapsed_s = 1,
		.round_max_s = 0.1,
		.budget_s = 180,
	};
}

static void test_start_reps(void **state)
{
	(void)state;
	/* 2 / C(8, 4) = 0.029 < 0.05; two policies need 2 * p < 0.05,
	 * and 2 / C(10, 5) = 0.008 is the first; eight need 6 */
	assert_int_equal(wb_policy_start_reps(1), 4);
	assert_int_equal(wb_policy_start_reps(2), 5);
	assert_int_equal(wb_policy_start_reps(8), 6);
	assert_int_equal(wb_policy_start_reps(0), 1);
}

/* Clearly separated times: nothing is decided before the start count,
 * then the faster policy is significant after Holm. */
static void test_significant_when_separated(void **state)
{
	double t[3][MAXR];
	struct wb_policy_summary sum[3];
	struct wb_policy_progress pr;
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 2.0 + 0.01 * (i % 7); /* current */
		t[1][i] = 2.0 + 0.01 * ((i + 3) % 7); /* the same */
		t[2][i] = 1.2 + 0.01 * (i % 5); /* faster */
	}
	summarize(t, 3, 3, sum);
	pr = at(3, 2);
	assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NONE);
	assert_int_equal(st.leading, 2);

	summarize(t, 3, 5, sum);
	pr = at(5, 2);
	assert_true(sum[2].p_adj >= sum[2].p_value);
	assert_true(sum[2].p_adj < WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_SIGNIFICANT);
	assert_int_equal(st.leading, 2);
	assert_string_equal(st.text, "significant");
	/* the same times before the start count decide nothing */
	pr.start = 6;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NONE);
	assert_true(sum[2].speedup_lo > 1 && sum[2].speedup_hi > 1);
}

/* Four runs each reach p < 0.05 for one comparison, not for three after
 * Holm: the rule must not stop on the raw p. */
static void test_holm_holds_back(void **state)
{
	double t[4][MAXR];
	struct wb_policy_summary sum[4];
	struct wb_policy_progress pr = at(4, 3);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 2.0 + 0.01 * i;
		t[1][i] = 1.5 + 0.01 * i;
		t[2][i] = 1.8 + 0.3 * (i % 2);
		t[3][i] = 1.9 + 0.3 * (i % 2);
	}
	summarize(t, 4, 4, sum);
	assert_true(sum[1].p_value < WB_POLICY_ALPHA);
	assert_true(sum[1].p_adj >= WB_POLICY_ALPHA);
	pr.rounds = 4;
	pr.start = 4; /* as if the start count were too low */
	assert_int_equal(wb_policy_stop_check(sum, 4, &pr, &st), 0);
	assert_int_equal(st.leading, 1);
	assert_int_not_equal(st.reason, WB_STOP_SIGNIFICANT);
}

/* Equal times, and times within 1% of each other: no difference. */
static void test_equal_is_no_difference(void **state)
{
	double t[2][MAXR];
	struct wb_policy_summary sum[2];
	struct wb_policy_progress pr = at(4, 1);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++)
		t[0][i] = t[1][i] = 1.0;
	summarize(t, 2, 4, sum);
	assert_true(sum[1].p_value >= WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_stop_check(sum, 2, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NO_DIFFERENCE);
	assert_string_equal(st.text, "no difference beyond 5%");

	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 1.0 + 0.001 * ((i * 3) % 8);
		t[1][i] = 1.0 + 0.001 * ((i * 5 + 1) % 8);
	}
	summarize(t, 2, 8, sum);
	pr = at(8, 1);
	assert_true(sum[1].conf >= 0.95);
	assert_true(wb_policy_same(&sum[1]));
	assert_int_equal(wb_policy_stop_check(sum, 2, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NO_DIFFERENCE);
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
	summarize(t, 2, 4, sum);
	assert_false(wb_policy_same(&sum[1]));
}

/* Times that swing widely on both sides settle nothing: the rounds go on
 * until the cap, which is then the reason. (Two sides of one bimodal
 * distribution would not do: their shift is known to be near 0, and that
 * is "no difference".) */
static void test_noisy_hits_cap(void **state)
{
	double t[3][MAXR];
	struct wb_policy_summary sum[3];
	struct wb_policy_progress pr;
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		/* spread evenly over 1..2 s, in a different order on each
		 * side: a median shift near 0, known no better than -+15% */
		for (int p = 0; p < 3; p++) {
			double v = (i + 1) * 0.6180339887 + 0.29 * p;

			t[p][i] = 1.0 + (v - floor(v));
		}
	}
	for (int n = 1; n < 12; n++) {
		summarize(t, 3, n, sum);
		pr = at(n, 2);
		pr.cap = 12;
		assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), 0);
		assert_int_equal(st.reason, WB_STOP_NONE);
	}
	summarize(t, 3, 12, sum);
	pr = at(12, 2);
	pr.cap = 12;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_CAP);
	assert_string_equal(st.text, "cap of 12 repetitions reached");
}

/* A round that would end past the budget is not started. */
static void test_budget(void **state)
{
	double t[2][MAXR];
	struct wb_policy_summary sum[2];
	struct wb_policy_progress pr = at(2, 1);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 1.0 + (i % 2);
		t[1][i] = 1.0 + ((i + 1) % 2);
	}
	summarize(t, 2, 2, sum);
	pr.elapsed_s = 100;
	pr.round_max_s = 50;
	assert_int_equal(wb_policy_stop_check(sum, 2, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NONE);
	pr.elapsed_s = 140;
	assert_int_equal(wb_policy_stop_check(sum, 2, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_BUDGET);
	assert_string_equal(st.text, "time budget of 180 s used");
}

/* A policy with a failed run cannot lead; with none left, stop. */
static void test_failed_cannot_lead(void **state)
{
	struct wb_policy_summary sum[3];
	double t[3][MAXR];
	struct wb_policy_progress pr = at(5, 2);
	struct wb_policy_stop st;

	(void)state;
	for (int i = 0; i < MAXR; i++) {
		t[0][i] = 2.0 + 0.01 * i;
		t[1][i] = 1.0 + 0.01 * i;
		t[2][i] = 1.9 + 0.2 * (i % 2);
	}
	summarize(t, 3, 5, sum);
	sum[1].failed = 1;
	assert_int_equal(wb_policy_leading(sum, 3), 2);
	sum[2].failed = 1;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), 0);
	assert_int_equal(st.reason, WB_STOP_NOTHING);
	assert_int_equal(st.leading, 0);
	assert_string_equal(wb_policy_stop_word(st.reason),
			    "nothing_to_compare");
}

static void test_adjust_and_bad_args(void **state)
{
	struct wb_policy_summary sum[3];
	struct wb_policy_progress pr = at(1, 2);
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
	pr.cap = 0;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), -EINVAL);
	pr = at(1, 2);
	pr.budget_s = 0;
	assert_int_equal(wb_policy_stop_check(sum, 3, &pr, &st), -EINVAL);
	assert_null(wb_policy_stop_word(WB_STOP_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_reps),
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
