// SPDX-License-Identifier: MIT
/* walk_depth and walk_pwc: VmPTE growth equals the model exactly, pages
 * verified as 4K, bad parameters refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kernel_probe.h"
#include "model/model.h"

#define K4 ((uint64_t)1 << 12)
#define M2 ((uint64_t)1 << 21)
#define G1 ((uint64_t)1 << 30)
#define G512 ((uint64_t)1 << 39)
#define T256 ((uint64_t)1 << 48)

static void expect_exact_vmpte(const struct wb_kernel *k, const uint64_t *p)
{
	struct wb_probe_result r;
	const struct wb_pred_item *it;
	double got;

	SKIP_EXACT_VMPTE_UNDER_ASAN();
	assert_int_equal(probe_kernel(k, p, 0, &r), 0);
	if (r.status != WB_OK)
		print_message("# %s: %s\n", k->name, r.why);
	assert_int_equal(r.status, WB_OK);
	assert_int_equal(r.check_err, 0);
	assert_int_equal(r.predict_err, 0);
	assert_true(r.facts.page_size_verified);
	assert_true(strstr(r.facts.page_size_how, "smaps") != NULL);
	it = pred_of(&r.pred, "vmpte_delta_bytes");
	assert_non_null(it);
	assert_int_equal(it->tol_kind, WB_TOL_EXACT);
	got = fact_of(&r.facts, "vmpte_delta_bytes");
	print_message("# %s %llu/%llu: vmpte_delta_bytes %.0f predicted %.0f\n",
		      k->name, (unsigned long long)p[0],
		      (unsigned long long)p[1], got, it->value);
	assert_true(it->value > 0);
	assert_true(got == it->value);
	assert_true(fact_of(&r.facts, "page_size_bytes") == 4096);
}

static void depth_vmpte_matches_model(void **s)
{
	static const uint64_t strides[] = { K4, M2, G1, G512 };

	(void)s;
	for (int i = 0; i < 4; i++) {
		uint64_t p[] = { strides[i], 1024 };

		expect_exact_vmpte(wb_kernel_find("walk_depth"), p);
	}
}

static void depth_deeper_stride_more_tables(void **s)
{
	struct wb_probe_result a, b;
	uint64_t pa[] = { M2, 512 }, pb[] = { G512, 512 };

	(void)s;
	SKIP_EXACT_VMPTE_UNDER_ASAN();
	assert_int_equal(probe_kernel(wb_kernel_find("walk_depth"), pa, 0, &a),
			 0);
	assert_int_equal(probe_kernel(wb_kernel_find("walk_depth"), pb, 0, &b),
			 0);
	assert_int_equal(a.status, WB_OK);
	assert_int_equal(b.status, WB_OK);
	/* 64 PTE tables + 1 PMD + 1 PUD vs 64 of each */
	assert_true(fact_of(&a.facts, "vmpte_delta_bytes") == 66 * 4096.0);
	assert_true(fact_of(&b.facts, "vmpte_delta_bytes") == 192 * 4096.0);
}

/*
 * predict() is pure: every prediction names something a run measures.
 * A ring of 8192 pages misses the second-level TLB on all but L1 + L2 of
 * its accesses a round; one the TLBs could hold, or a CPU the model does
 * not know, gets no such bound.
 */
static void walk_predicts_misses(void **s)
{
	struct wb_sysinfo sys = { .vendor = "GenuineIntel",
				  .family = 6,
				  .model = 0xa7 };
	static const char *const kernels[] = { "walk_depth", "walk_pwc" };
	uint64_t l1 = 0, l2 = 0;

	(void)s;
	assert_int_equal(wbm_cpu_tlb_reach(sys.vendor, sys.family, sys.model,
					   K4, &l1, &l2, NULL),
			 0);
	for (int i = 0; i < 2; i++) {
		const struct wb_kernel *k = wb_kernel_find(kernels[i]);
		struct wb_ctx ctx = { .kernel = k, .sys = &sys };
		struct wb_prediction p = { 0 };
		const struct wb_pred_item *it;

		ctx.param[0] = i ? 64 : M2;
		ctx.param[1] = 8192;
		assert_int_equal(k->predict(&ctx, &p), 0);
		it = pred_of(&p, "stlb_miss_user_per_access");
		assert_non_null(it);
		assert_int_equal(it->tol_kind, WB_TOL_MIN);
		assert_true(it->value == 1.0 - (double)(l1 + l2) / 8192);
		assert_null(pred_of(&p, "walk_refs_worst_per_access"));
		assert_null(pred_of(&p, "walk_refs_new_per_access"));

		memset(&p, 0, sizeof(p));
		ctx.param[1] = 1024;
		assert_int_equal(k->predict(&ctx, &p), 0);
		assert_null(pred_of(&p, "stlb_miss_user_per_access"));

		memset(&p, 0, sizeof(p));
		ctx.param[1] = 8192;
		snprintf(sys.vendor, sizeof(sys.vendor), "NoSuchVendor");
		assert_int_equal(k->predict(&ctx, &p), 0);
		assert_null(pred_of(&p, "stlb_miss_user_per_access"));
		snprintf(sys.vendor, sizeof(sys.vendor), "GenuineIntel");
	}
}

static void depth_256t_needs_la57(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { T256, 64 };

	(void)s;
	if (test_la57_active()) {
		expect_exact_vmpte(wb_kernel_find("walk_depth"), p);
		return;
	}
	assert_int_equal(probe_kernel(wb_kernel_find("walk_depth"), p, 0, &r),
			 0);
	assert_int_equal(r.status, WB_SKIPPED);
	assert_non_null(strstr(r.why, "la57"));
}

/* An arm64 regime of 3 levels (4K granule, 39-bit VA) is one the model
 * does not count: both walk kernels refuse it, naming the levels, and
 * predict nothing; at 4 levels they name the arm64 tables. */
static void arm64_three_levels(void **s)
{
	struct wb_sysinfo sys = { .arch = "aarch64",
				  .page_size = 4096,
				  .va_bits = 39,
				  .pt_levels = 3 };
	struct wb_ctx ctx = { .sys = &sys };
	const struct wb_kernel *depth = wb_kernel_find("walk_depth");
	const struct wb_kernel *pwc = wb_kernel_find("walk_pwc");
	struct wb_prediction p = { 0 };
	struct wb_probe_result r;
	struct wb_probe_opts o;
	uint64_t pd[] = { K4, 64 }, pp[] = { 2, 1024 };

	(void)s;
	probe_opts(&o, &sys, 0);
	o.batches = 2;
	assert_int_equal(probe_instance(&o, depth, pd, &r), 0);
	assert_int_equal(r.status, WB_SKIPPED);
	assert_non_null(strstr(r.why, "this regime has 3 levels"));
	assert_int_equal(probe_instance(&o, pwc, pp, &r), 0);
	assert_int_equal(r.status, WB_SKIPPED);
	assert_non_null(strstr(r.why, "this regime has 3 levels"));
	memcpy(ctx.param, pp, sizeof(pp));
	assert_int_equal(pwc->predict(&ctx, &p), 0);
	assert_int_equal(p.n, 0);
	sys.pt_levels = 4;
	sys.va_bits = 48;
	assert_int_equal(pwc->predict(&ctx, &p), 0);
	assert_true(p.n > 0);
	assert_non_null(strstr(p.model, "arm64 4K-granule 4-level"));
}

static void depth_bad_params(void **s)
{
	static const uint64_t bad[][2] = {
		{ 8192, 1024 }, { K4, 100 }, { M2, 0 }, { G1, 65536 }
	};
	struct wb_probe_result r;

	(void)s;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(probe_kernel(wb_kernel_find("walk_depth"),
					      bad[i], 0, &r),
				 0);
		assert_int_equal(r.status, WB_BADINPUT);
		assert_true(r.why[0] != 0);
		assert_int_not_equal(r.predict_err, 0);
	}
}

static void depth_mem_limit(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { K4, 1024 };

	(void)s;
	assert_int_equal(
		probe_kernel(wb_kernel_find("walk_depth"), p, 1 << 20, &r), 0);
	assert_int_equal(r.status, WB_MISSING);
	assert_non_null(strstr(r.why, "memory limit"));
}

static void pwc_vmpte_matches_model(void **s)
{
	static const uint64_t entries[] = { 2, 16, 512, 1024 };
	struct wb_probe_result r;

	(void)s;
	for (int i = 0; i < 4; i++) {
		uint64_t p[] = { entries[i], 1024 };

		expect_exact_vmpte(wb_kernel_find("walk_pwc"), p);
	}
	{
		uint64_t p[] = { 1024, 1024 };

		assert_int_equal(
			probe_kernel(wb_kernel_find("walk_pwc"), p, 0, &r), 0);
		assert_true(fact_of(&r.facts, "distinct_pud_entries") == 2);
		assert_true(pred_of(&r.pred, "distinct_pmd_entries")->value ==
			    1024);
	}
}

static void pwc_bad_params(void **s)
{
	static const uint64_t bad[][2] = { { 3, 1024 }, { 64, 1000 } };
	static const uint64_t unmakeable[][2] = { { 1, 1024 }, { 2048, 1024 } };
	struct wb_probe_result r;

	(void)s;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(
			probe_kernel(wb_kernel_find("walk_pwc"), bad[i], 0, &r),
			0);
		assert_int_equal(r.status, WB_BADINPUT);
		assert_non_null(strstr(r.why, i ? "pages" : "upper_entries"));
		assert_int_not_equal(r.predict_err, 0);
	}
	/* points of a sweep the page count cannot make are skipped */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(probe_kernel(wb_kernel_find("walk_pwc"),
					      unmakeable[i], 0, &r),
				 0);
		assert_int_equal(r.status, WB_SKIPPED);
		assert_non_null(strstr(r.why, "upper_entries"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(depth_vmpte_matches_model),
		cmocka_unit_test(depth_deeper_stride_more_tables),
		cmocka_unit_test(walk_predicts_misses),
		cmocka_unit_test(depth_256t_needs_la57),
		cmocka_unit_test(arm64_three_levels),
		cmocka_unit_test(depth_bad_params),
		cmocka_unit_test(depth_mem_limit),
		cmocka_unit_test(pwc_vmpte_matches_model),
		cmocka_unit_test(pwc_bad_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
