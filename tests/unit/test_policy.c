// SPDX-License-Identifier: MIT
/* Policy candidates, /proc field parsing, summaries and the
 * recommendation, on synthetic runs: nothing here runs a command or
 * changes a setting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "settings/policy.h"
#include "settings/policy_stop.h"

#define MIB (1024.0 * 1024.0)

static const struct wb_policy_env found = {
	.enabled = "madvise",
	.defrag = "madvise",
	.khugepaged_defrag = "1",
	.nr_2m = 0,
	.have_2m_pool = true,
	.shim_path = "/x/libwbthp.so",
	.peak_rss_bytes = 100u << 20,
};

static int find(const struct wb_policy_set *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->p[i].name, name))
			return i;
	return -1;
}

static void test_field_kb(void **state)
{
	const char text[] = "Rss:  2048 kB\nAnonHugePages:    1024 kB\n"
			    "VmPTE:\t  12 kB\nBad: x kB\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(wb_policy_field_kb(text, "AnonHugePages", &v), 0);
	assert_int_equal(v, 1024 * 1024);
	assert_int_equal(wb_policy_field_kb(text, "VmPTE", &v), 0);
	assert_int_equal(v, 12 * 1024);
	assert_int_equal(wb_policy_field_kb(text, "Rss", &v), 0);
	assert_int_equal(v, 2048 * 1024);
	/* a prefix of a field name is not the field */
	assert_int_equal(wb_policy_field_kb(text, "AnonHuge", &v), -ENOENT);
	assert_int_equal(wb_policy_field_kb(text, "Bad", &v), -EINVAL);
}

static void test_candidates_unprivileged(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;

	(void)state;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_string_equal(s.p[0].name, "current");
	assert_true(find(&s, "process:thp-off") > 0);
	assert_true(s.p[find(&s, "process:thp-off")].thp_disable);
	assert_true(find(&s, "process:thp-advise") > 0);
	for (int i = 0; i < s.n; i++)
		assert_false(s.p[i].system);
	/* what could not be tried is said */
	assert_true(s.n_not_tried >= 2);
	assert_non_null(strstr(s.not_tried[s.n_not_tried - 1], "root"));

	e.shim_path = NULL;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(find(&s, "process:thp-advise"), -1);
	assert_non_null(strstr(s.not_tried[0], "shim"));
}

static void test_candidates_root(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;
	int i;

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_true(find(&s, "thp=never") > 0);
	assert_true(find(&s, "thp=always") > 0);
	assert_true(find(&s, "thp=always,defrag=always") > 0);
	assert_true(find(&s, "thp=always,defrag=defer+madvise") > 0);
	/* identical to thp=always with defrag as found: not run twice */
	assert_int_equal(find(&s, "thp=always,defrag=madvise"), -1);
	/* identical to the settings as found: that is "current" */
	assert_int_equal(find(&s, "thp=madvise"), -1);
	assert_true(find(&s, "thp=always,khugepaged_defrag=0") > 0);
	/* no hugetlb mapping of its own: only the preload pool policy */
	assert_int_equal(find(&s, "hugetlb-pool"), -1);
	i = find(&s, "hugetlb-pool+preload");
	assert_true(i > 0);
	assert_true(s.p[i].system);
	assert_int_equal(s.p[i].shim, WB_SHIM_HUGETLB);
	/* 100 MiB peak: 50 pages of 2 MiB plus slack */
	assert_true(s.p[i].knobs.pool_2m_pages >= 50);

	e.maps_hugetlb = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_true(find(&s, "hugetlb-pool") > 0);
	assert_true(s.n <= WB_POLICY_MAX);
}

static void test_apply_text(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;
	char buf[1024];

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(wb_policy_apply_text(&s.p[find(&s, "thp=always,defrag="
							    "defer+madvise")],
					      &e, buf, sizeof(buf)),
			 0);
	assert_non_null(strstr(buf, "echo always > " WB_THP_DIR "/enabled"));
	assert_non_null(
		strstr(buf, "echo defer+madvise > " WB_THP_DIR "/defrag"));
	assert_int_equal(
		wb_policy_apply_text(&s.p[find(&s, "process:thp-advise")], &e,
				     buf, sizeof(buf)),
		0);
	assert_non_null(strstr(buf, "LD_PRELOAD=/x/libwbthp.so"));
	assert_non_null(strstr(buf, "glibc.malloc.hugetlb=1"));
	assert_int_equal(
		wb_policy_apply_text(&s.p[find(&s, "hugetlb-pool+preload")], &e,
				     buf, sizeof(buf)),
		0);
	assert_non_null(strstr(buf, WB_HUGETLB_2M_NR));
}

/* A system policy without a journal is refused before anything changes. */
static void test_apply_needs_journal(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;
	uint64_t got;

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(
		wb_policy_apply(NULL, &e, &s.p[find(&s, "thp=never")], &got),
		-EPERM);
	assert_int_equal(wb_policy_apply(NULL, &e, &s.p[0], &got), 0);
}

static void fill(struct wb_policy_sample *r, int n, double t0, double step,
		 uint64_t rss)
{
	for (int i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].ok = true;
		r[i].wall_s = t0 + step * i;
		r[i].cpu_s = (t0 + step * i) / 2;
		r[i].maxrss_bytes = rss;
	}
}

static void summarize3(struct wb_policy_sample (*runs)[5], int np,
		       struct wb_policy_summary *sum)
{
	double base[5];

	for (int i = 0; i < 5; i++)
		base[i] = runs[0][i].wall_s;
	assert_int_equal(
		wb_policy_summarize(runs[0], 5, NULL, 0, false, &sum[0]), 0);
	for (int p = 1; p < np; p++)
		assert_int_equal(wb_policy_summarize(runs[p], 5, base, 5, false,
						     &sum[p]),
				 0);
	assert_int_equal(wb_policy_adjust(sum, np), 0);
}

static void test_recommend_faster(void **state)
{
	struct wb_policy_sample runs[3][5];
	struct wb_policy_summary sum[3];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 1000u << 20); /* current */
	fill(runs[1], 5, 2.1, 0.01, 1000u << 20); /* slower */
	fill(runs[2], 5, 1.0, 0.01, 1002u << 20); /* faster, same memory */
	summarize3(runs, 3, sum);
	assert_true(sum[2].has_cmp);
	assert_true(sum[2].p_value < WB_POLICY_ALPHA);
	assert_true(sum[2].speedup > 1.9 && sum[2].speedup < 2.1);
	assert_true(sum[2].shift_s < 0);
	assert_true(sum[2].shift_lo_s <= sum[2].shift_s);
	assert_true(sum[2].shift_hi_s >= sum[2].shift_s);
	assert_int_equal(wb_policy_recommend(sum, 3, &r), 0);
	assert_int_equal(r.best, 2);
	assert_true(r.significant);
	assert_false(r.bloat);
}

static void test_recommend_bloat_warned(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary sum[2];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 10u << 20);
	fill(runs[1], 5, 1.5, 0.01, 500u << 20); /* sparse touches, THP */
	summarize3(runs, 2, sum);
	assert_int_equal(wb_policy_recommend(sum, 2, &r), 0);
	assert_int_equal(r.best, 1);
	assert_true(r.bloat);
	assert_true(r.mem_delta_bytes > 400 * MIB);
}

/* Equal speed: the policy that costs less memory is chosen. */
static void test_recommend_tie_prefers_less_memory(void **state)
{
	struct wb_policy_sample runs[3][5];
	struct wb_policy_summary sum[3];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 100u << 20);
	fill(runs[1], 5, 1.0, 0.01, 900u << 20);
	fill(runs[2], 5, 1.01, 0.01, 110u << 20);
	summarize3(runs, 3, sum);
	assert_int_equal(wb_policy_recommend(sum, 3, &r), 0);
	assert_int_equal(r.best, 2);
}

static void test_recommend_failed_runs_excluded(void **state)
{
	struct wb_policy_sample runs[3][5];
	struct wb_policy_summary sum[3];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 100u << 20);
	fill(runs[1], 5, 0.5, 0.01, 100u << 20);
	runs[1][3].ok = false;
	runs[1][3].exit_code = 1;
	fill(runs[2], 5, 2.5, 0.01, 100u << 20);
	summarize3(runs, 3, sum);
	assert_int_equal(sum[1].failed, 1);
	assert_int_equal(sum[1].ok, 4);
	assert_int_equal(wb_policy_recommend(sum, 3, &r), 0);
	assert_int_equal(r.best, 0);
	assert_false(r.significant);
	/* a policy with a failed run is not even a leading candidate */
	assert_int_equal(r.leading, 0);
}

/* Overlapping times: no recommendation to change. */
static void test_recommend_not_significant(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary sum[2];
	struct wb_policy_reco r;
	const double a[] = { 1.0, 1.3, 1.1, 1.4, 1.2 };
	const double b[] = { 1.05, 1.25, 1.15, 1.35, 0.9 };

	(void)state;
	fill(runs[0], 5, 1, 0, 1u << 20);
	fill(runs[1], 5, 1, 0, 1u << 20);
	for (int i = 0; i < 5; i++) {
		runs[0][i].wall_s = a[i];
		runs[1][i].wall_s = b[i];
	}
	summarize3(runs, 2, sum);
	assert_true(sum[1].p_value >= WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_recommend(sum, 2, &r), 0);
	assert_int_equal(r.best, 0);
	assert_non_null(strstr(r.reason, "no policy"));
	/* faster by the median (1.15 < 1.2), named but not recommended */
	assert_int_equal(r.leading, 1);
}

/* Significant alone, not as one of a family: the recommendation goes by
 * the Holm-adjusted p. */
static void test_recommend_uses_adjusted_p(void **state)
{
	struct wb_policy_sample runs[4][5];
	struct wb_policy_summary sum[4];
	struct wb_policy_reco r;
	const double a[] = { 1.00, 1.02, 1.04, 1.06, 0.94 };
	const double b[] = { 0.95, 0.97, 0.92, 0.93, 0.91 };

	(void)state;
	for (int p = 0; p < 4; p++)
		fill(runs[p], 5, 1, 0, 1u << 20);
	for (int i = 0; i < 5; i++) {
		runs[0][i].wall_s = a[i];
		runs[1][i].wall_s = b[i];
		runs[2][i].wall_s = a[(i + 1) % 5];
		runs[3][i].wall_s = a[(i + 2) % 5] + 0.001;
	}
	summarize3(runs, 4, sum);
	assert_true(sum[1].p_value < WB_POLICY_ALPHA);
	assert_true(sum[1].p_adj >= WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_recommend(sum, 4, &r), 0);
	assert_int_equal(r.best, 0);
	assert_int_equal(r.leading, 1);
}

static void test_recommend_current_failed(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary sum[2];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 1, 0, 1u << 20);
	for (int i = 0; i < 5; i++)
		runs[0][i].ok = false;
	assert_int_equal(
		wb_policy_summarize(runs[0], 5, NULL, 0, false, &sum[0]), 0);
	assert_int_equal(sum[0].ok, 0);
	assert_int_equal(wb_policy_recommend(sum, 1, &r), -EINVAL);
}

static void test_cpu_metric(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary s;
	double base[5];

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 1u << 20);
	fill(runs[1], 5, 1.0, 0.01, 1u << 20);
	for (int i = 0; i < 5; i++)
		base[i] = runs[0][i].cpu_s;
	assert_int_equal(wb_policy_summarize(runs[1], 5, base, 5, true, &s), 0);
	assert_true(s.metric_median_s == s.cpu_median_s);
	assert_true(s.cpu_median_s < s.wall_median_s);
	assert_true(s.speedup > 1.9 && s.speedup < 2.1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_kb),
		cmocka_unit_test(test_candidates_unprivileged),
		cmocka_unit_test(test_candidates_root),
		cmocka_unit_test(test_apply_text),
		cmocka_unit_test(test_apply_needs_journal),
		cmocka_unit_test(test_recommend_faster),
		cmocka_unit_test(test_recommend_bloat_warned),
		cmocka_unit_test(test_recommend_tie_prefers_less_memory),
		cmocka_unit_test(test_recommend_failed_runs_excluded),
		cmocka_unit_test(test_recommend_not_significant),
		cmocka_unit_test(test_recommend_uses_adjusted_p),
		cmocka_unit_test(test_recommend_current_failed),
		cmocka_unit_test(test_cpu_metric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
