// SPDX-License-Identifier: MIT
/*
 * The host's backing seen from a guest: the classification of injected
 * chase timings, the lines-up test of modes against shares, and the probe
 * itself on this machine (skipped without a hypervisor or without THP).
 * Timings in the made-up cases are those a 2-vCPU KVM guest on AMD Zen 5
 * gave: 2.57 ns against 0.93 ns per load on guest 4 KiB pages.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check/hostline.h"
#include "core/env.h"
#include "mem/hostpage.h"
#include "results/host_backing.h"
#include "results/resultsread.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* every guest 2 MiB page splintered by 4 KiB host pages: share 0 */
static void test_all_splintered(void **st)
{
	const double sp[] = { 2.55, 2.60, 2.57, 2.58 };
	const double de[] = { 0.93, 0.94, 0.92, 0.93 };
	struct wb_hostpage h;

	(void)st;
	assert_int_equal(wb_hostpage_classify(2.57, 0.93, sp, de, N(sp), &h),
			 0);
	assert_true(h.measurable);
	assert_int_equal(h.sampled, 4);
	assert_int_equal(h.huge, 0);
	assert_true(h.share == 0.0);
	assert_true(fabs(h.r_base - 2.57 / 0.93) < 1e-12);
	assert_true(h.ratio_min > 2.7 && h.ratio_max < 2.83);
	assert_non_null(strstr(h.how, "0 of 4"));
}

/* half backed by 2 MiB host pages (ratio near 1), half not */
static void test_half(void **st)
{
	const double sp[] = { 0.95, 2.57, 1.00, 2.60 };
	const double de[] = { 0.93, 0.93, 0.94, 0.93 };
	struct wb_hostpage h;

	(void)st;
	assert_int_equal(wb_hostpage_classify(2.57, 0.93, sp, de, N(sp), &h),
			 0);
	assert_true(h.measurable);
	assert_int_equal(h.huge, 2);
	assert_true(h.share == 0.5);
	assert_true(fabs(h.ratio_median - (1.00 / 0.94 + 2.57 / 0.93) / 2) <
		    1e-12);
}

/* the cut is sqrt(r_base): r_base 4, ratios just either side of 2 */
static void test_cut(void **st)
{
	const double sp[] = { 1.99, 2.01 };
	const double de[] = { 1.0, 1.0 };
	struct wb_hostpage h;

	(void)st;
	assert_int_equal(wb_hostpage_classify(4.0, 1.0, sp, de, N(sp), &h), 0);
	assert_int_equal(h.huge, 1);
	assert_true(h.share == 0.5);
}

/* a TLB that holds 512 entries as cheaply as 8 tells nothing */
static void test_not_measurable(void **st)
{
	const double sp[] = { 1.0, 1.1 };
	const double de[] = { 1.0, 1.0 };
	struct wb_hostpage h;

	(void)st;
	assert_int_equal(wb_hostpage_classify(1.2, 1.0, sp, de, N(sp), &h), 0);
	assert_false(h.measurable);
	assert_true(isnan(h.share));
	assert_true(fabs(h.r_base - 1.2) < 1e-12);
	assert_non_null(strstr(h.how, "does not tell 512 entries from 8"));
	/* no page sampled */
	assert_int_equal(wb_hostpage_classify(2.57, 0.93, sp, de, 0, &h), 0);
	assert_false(h.measurable);
	assert_true(isnan(h.share));
	assert_non_null(strstr(h.how, "no guest 2 MiB page"));
}

static void test_bad_input(void **st)
{
	const double sp[] = { 1.0, 0.0 };
	const double de[] = { 1.0, 1.0 };
	double many[WB_HOSTPAGE_MAX + 1];
	struct wb_hostpage h;

	(void)st;
	for (size_t i = 0; i < N(many); i++)
		many[i] = 1.0;
	assert_int_equal(wb_hostpage_classify(2.0, 1.0, sp, de, 2, &h),
			 -EINVAL);
	assert_int_equal(wb_hostpage_classify(0.0, 1.0, sp, de, 1, &h),
			 -EINVAL);
	assert_int_equal(wb_hostpage_classify(NAN, 1.0, sp, de, 1, &h),
			 -EINVAL);
	assert_int_equal(
		wb_hostpage_classify(2.0, 1.0, many, many, N(many), &h),
		-EINVAL);
}

/* natively the probe does not run */
static void test_native(void **st)
{
	struct wb_sysinfo sys;
	struct wb_hostpage h;
	struct wb_hostpage_opts o = { .sys = &sys };

	(void)st;
	memset(&sys, 0, sizeof(sys));
	assert_true(wb_hostpage_is_native(&sys));
	assert_int_equal(wb_hostpage_probe(&o, &h), 0);
	assert_true(h.native && h.measurable);
	assert_true(h.share == 1.0);
	assert_int_equal(h.sampled, 0);
	assert_string_equal(h.how, "native: no host below");
	sys.has_hypervisor_flag = true;
	assert_false(wb_hostpage_is_native(&sys));
	/* an emulated guest: no timing is taken */
	strcpy(sys.hypervisor, "TCGTCGTCGTCG");
	assert_int_equal(wb_hostpage_probe(&o, &h), 0);
	assert_false(h.native || h.measurable);
	assert_true(isnan(h.share));
	assert_int_equal(h.sampled, 0);
	assert_non_null(strstr(h.how, "TCG"));
}

/* The probe on this machine, as a guest sees it. */
static void test_probe_here(void **st)
{
	struct wb_sysinfo sys;
	struct wb_hostpage h;
	struct wb_hostpage_opts o = { .sys = &sys, .seed = 1 };

	(void)st;
	wb_env_probe(&sys);
	if (wb_hostpage_is_native(&sys)) {
		print_message("# SKIP no hypervisor below: the probe does not "
			      "run natively\n");
		skip();
	}
	assert_int_equal(wb_hostpage_probe(&o, &h), 0);
	print_message("# share %.2f sampled %zu r_base %.2f (%.2f vs %.2f ns) "
		      "ratios %.2f..%.2f in %.2f ms: %s\n",
		      h.share, h.sampled, h.r_base, h.base_spread_ns,
		      h.base_dense_ns, h.ratio_min, h.ratio_max,
		      h.seconds * 1e3, h.how);
	if (!h.measurable && h.sampled == 0) {
		print_message("# SKIP %s\n", h.how);
		skip();
	}
	if (!h.measurable) {
		/* sampled but the TLB cannot tell: that is a result too */
		assert_true(h.r_base < WB_HOSTPAGE_MIN_RBASE);
		return;
	}
	assert_true(h.sampled > 0);
	assert_true(h.share >= 0.0 && h.share <= 1.0);
	assert_true(h.r_base > 0);
}

/* two modes, the fast one on 2 MiB host pages */
static void test_lines_up(void **st)
{
	const double med[] = { 44.6, 161.6, 170.2, 45.0 };
	const double share[] = { 1.0, 0.0, 0.125, 0.875 };
	struct wb_stability s;
	struct wb_hostline h;

	(void)st;
	assert_int_equal(wb_stability(med, NULL, N(med), &s), 0);
	assert_false(s.stable);
	assert_int_equal(s.nmodes, 2);
	assert_int_equal(wb_hostline(&s, med, share, N(med), &h), 0);
	assert_true(h.lines_up);
	assert_true(h.lo[0] == 0.875 && h.hi[0] == 1.0);
	assert_true(h.lo[1] == 0.0 && h.hi[1] == 0.125);
	assert_non_null(strstr(h.explanation, "line up"));
	assert_null(strchr(h.explanation, '\n'));
}

static void test_does_not_line_up(void **st)
{
	const double med[] = { 44.6, 161.6, 170.2, 45.0 };
	const double overlap[] = { 0.0, 0.0, 0.0, 0.0 };
	const double reversed[] = { 0.0, 1.0, 1.0, 0.0 };
	const double missing[] = { 1.0, 0.0, NAN, 1.0 };
	struct wb_stability s;
	struct wb_hostline h;

	(void)st;
	assert_int_equal(wb_stability(med, NULL, N(med), &s), 0);
	assert_int_equal(wb_hostline(&s, med, overlap, N(med), &h), 0);
	assert_false(h.lines_up);
	assert_non_null(strstr(h.explanation, "overlap"));
	assert_int_equal(wb_hostline(&s, med, reversed, N(med), &h), 0);
	assert_false(h.lines_up);
	assert_non_null(strstr(h.explanation, "lower share"));
	/* a process whose share was not measurable */
	assert_int_equal(wb_hostline(&s, med, missing, N(med), &h), 0);
	assert_false(h.lines_up);
	assert_non_null(strstr(h.explanation, "not measured in process 3"));
}

static void test_stable_nothing_to_line_up(void **st)
{
	const double med[] = { 30.0, 30.5, 31.0 };
	const double share[] = { 0.0, 1.0, 0.5 };
	struct wb_stability s;
	struct wb_hostline h;

	(void)st;
	assert_int_equal(wb_stability(med, NULL, N(med), &s), 0);
	assert_true(s.stable);
	assert_int_equal(wb_hostline(&s, med, share, N(med), &h), 0);
	assert_false(h.lines_up);
	assert_non_null(strstr(h.explanation, "stable"));
	assert_int_equal(wb_hostline(&s, med, share, 0, &h), -EINVAL);
}

/* the record, from repetition entries as a results file holds them */
static void test_record(void **st)
{
	const double t[] = { 44.6, 44.9, 161.6, 162.0, 170.2, 45.0 };
	const int pass[] = { 0, 0, 1, 1, 2, 3 };
	const double share[] = { 1.0, 0.0, 0.0, 1.0 };
	json_t *reps[N(t)], *rec = json_object();
	struct wb_stability s;

	(void)st;
	for (size_t i = 0; i < N(t); i++)
		reps[i] = json_pack("{s:f,s:s,s:i,s:f}", "real_time", t[i],
				    "time_unit", "ns", "pass", pass[i],
				    WB_SHARE_KEY, share[pass[i]]);
	assert_int_equal(wb_reps_stability(reps, N(t), &s), 0);
	assert_int_equal(wb_host_backing_record(rec, reps, N(t), &s), 0);
	assert_true(json_is_true(json_object_get(rec, WB_HOSTLINE_KEY)));
	/* one repetition without its share: that process has none */
	json_object_del(reps[3], WB_SHARE_KEY);
	assert_int_equal(wb_host_backing_record(rec, reps, N(t), &s), 0);
	assert_true(json_is_false(json_object_get(rec, WB_HOSTLINE_KEY)));
	assert_non_null(strstr(
		json_string_value(json_object_get(rec, WB_HOSTLINE_WHY_KEY)),
		"not measured"));
	for (size_t i = 0; i < N(t); i++)
		json_decref(reps[i]);
	json_decref(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_splintered),
		cmocka_unit_test(test_half),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_not_measurable),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_probe_here),
		cmocka_unit_test(test_lines_up),
		cmocka_unit_test(test_does_not_line_up),
		cmocka_unit_test(test_stable_nothing_to_line_up),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
