// SPDX-License-Identifier: MIT
/* huge_access: page tables equal the model exactly, THP verified as huge,
 * base pages never reported as huge, huge pages counted from pagemap and
 * kpageflags rather than computed, empty pools refused with a reason, bad
 * parameters refused, a forced fallback caught by verification; mTHP
 * folios switched through the journal, verified, and a region that fell
 * back to 4K refused. huge_fault: faults per region per way, and per
 * folio size. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel_probe.h"
#include "mthp_probe.h"
#include "mem/layout.h"
#include "mem/pagemap.h"
#include "model/model.h"

#define MIB ((uint64_t)1 << 20)

enum {
	CHASE = 1,
	SCAN = 2
};
enum {
	BASE = 1,
	THP,
	THP_ALWAYS,
	TLB2M,
	TLB1G,
	MTHP16K,
	MTHP32K,
	MTHP64K,
	MTHP1M = 12
};

static const struct wb_kernel *k(void)
{
	return wb_kernel_find("huge_access");
}

static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return 0;
}

static bool thp_mode(const char *mode)
{
	char buf[128], want[32];

	snprintf(want, sizeof(want), "[%s]", mode);
	return !read_file("/sys/kernel/mm/transparent_hugepage/enabled", buf,
			  sizeof(buf)) &&
	       strstr(buf, want);
}

static long pool_free(const char *kb)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path),
		 "/sys/kernel/mm/hugepages/hugepages-%skB/free_hugepages", kb);
	return read_file(path, buf, sizeof(buf)) ? -1 : atol(buf);
}

static void expect_pt_exact(const struct wb_probe_result *r)
{
	const struct wb_pred_item *it = pred_of(&r->pred, "page_table_bytes");
	double got = fact_of(&r->facts, "page_table_bytes");

	SKIP_EXACT_VMPTE_UNDER_ASAN();
	assert_non_null(it);
	print_message("# page_table_bytes %.0f predicted %.0f (%s)\n", got,
		      it->value, it->basis);
	assert_true(it->value > 0);
	assert_true(got == it->value);
}

/* huge_pages_used comes from the scan after the runs: pagemap and
 * kpageflags as root, smaps otherwise. */
static void expect_counted(const struct wb_probe_result *r)
{
	const char *src = source_of(&r->facts, "huge_pages_used");

	assert_non_null(src);
	assert_string_equal(src, geteuid() ? "smaps" : "pagemap+kpageflags");
}

static void base_is_never_huge(void **s)
{
	struct wb_probe_result r;

	(void)s;
	for (uint64_t pat = CHASE; pat <= SCAN; pat++) {
		uint64_t p[] = { pat, BASE, 8 * MIB };

		assert_int_equal(probe_kernel(k(), p, 0, &r), 0);
		if (r.status != WB_OK)
			print_message("# %s\n", r.why);
		assert_int_equal(r.status, WB_OK);
		assert_true(r.facts.page_size_verified);
		assert_true(fact_of(&r.facts, "huge_pages_used") == 0);
		expect_counted(&r);
		assert_true(fact_of(&r.facts, "page_size_bytes") == 4096);
		assert_true(pred_of(&r.pred, "huge_pages_used")->value == 0);
		expect_pt_exact(&r);
	}
}

static void thp_verified_huge(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { CHASE, THP, 8 * MIB };

	(void)s;
	if (thp_mode("never")) {
		print_message("# SKIP THP mode is never\n");
		skip();
	}
	assert_int_equal(probe_kernel(k(), p, 0, &r), 0);
	if (r.status == WB_UNTRUSTED) {
		/* a fallback is refused, never measured: that is correct,
		 * but here THP works in madvise mode, so say so */
		print_message("# THP fallback refused: %s\n", r.why);
	}
	assert_int_equal(r.status, WB_OK);
	assert_true(r.facts.page_size_verified);
	assert_true(fact_of(&r.facts, "huge_pages_used") == 4);
	expect_counted(&r);
	assert_true(fact_of(&r.facts, "page_size_bytes") == 2 * MIB);
	expect_pt_exact(&r);
}

static void thp_always_needs_permission(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { SCAN, THP_ALWAYS, 4 * MIB };

	(void)s;
	if (thp_mode("always")) {
		print_message("# SKIP THP already in mode always\n");
		skip();
	}
	assert_int_equal(probe_kernel(k(), p, 0, &r), 0);
	assert_int_equal(r.status, WB_MISSING);
	assert_non_null(strstr(r.why, "settings changes"));
}

static void hugetlb_pool(uint64_t backing, const char *kb, const char *tag)
{
	struct wb_probe_result r;
	uint64_t p[] = { CHASE, backing, 4 * MIB };
	long avail = pool_free(kb);
	uint64_t need = backing == TLB1G ? 1 : 2;

	assert_int_equal(probe_kernel(k(), p, 0, &r), 0);
	print_message("# hugetlb %s: status %d %s\n", tag, r.status, r.why);
	if (avail < 0 || (uint64_t)avail < need) {
		assert_int_equal(r.status, WB_MISSING);
		assert_non_null(strstr(r.why, tag));
		assert_true(strstr(r.why, "not allowed") ||
			    strstr(r.why, "no hugetlb"));
		return;
	}
	assert_int_equal(r.status, WB_OK);
	assert_true(r.facts.page_size_verified);
	assert_true(fact_of(&r.facts, "huge_pages_used") == need);
	expect_counted(&r);
	expect_pt_exact(&r);
}

static void hugetlb_2m(void **s)
{
	(void)s;
	hugetlb_pool(TLB2M, "2048", "2M");
}

static void hugetlb_1g(void **s)
{
	(void)s;
	hugetlb_pool(TLB1G, "1048576", "1G");
}

static void bad_params(void **s)
{
	static const uint64_t bad[][3] = {
		{ 0, BASE, 4 * MIB },	  { 3, BASE, 4 * MIB },
		{ CHASE, 0, 4 * MIB },	  { CHASE, 13, 4 * MIB },
		{ CHASE, BASE, 3 * MIB }, { CHASE, BASE, 2 * MIB },
	};
	static const char *const token[] = { "pattern", "pattern", "backing",
					     "backing", "ws",	   "ws" };
	struct wb_probe_result r;

	(void)s;
	for (int i = 0; i < 6; i++) {
		assert_int_equal(probe_kernel(k(), bad[i], 0, &r), 0);
		assert_int_equal(r.status, WB_BADINPUT);
		assert_non_null(strstr(r.why, token[i]));
		assert_int_not_equal(r.predict_err, 0);
	}
}

static void mem_limit_refused(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { CHASE, BASE, 8 * MIB };

	(void)s;
	assert_int_equal(probe_kernel(k(), p, 4 * MIB, &r), 0);
	assert_int_equal(r.status, WB_MISSING);
	assert_non_null(strstr(r.why, "memory limit"));
}

/* Base pages claimed as THP must fail verification: the check that turns
 * a silent fallback into an untrusted instance. */
static void fallback_caught(void **s)
{
	struct wb_layout l;
	char how[64], why[256];
	int err;

	(void)s;
	assert_int_equal(wb_layout_reserve(&l, 4 * MIB, 0, why, sizeof(why)),
			 0);
	assert_int_equal(wb_layout_map(&l, 0, 4 * MIB, WB_4K, WB_MEM_BASE, 0,
				       why, sizeof(why)),
			 0);
	err = wb_layout_verify(&l, 0, 4 * MIB, WB_2M, WB_MEM_THP, how,
			       sizeof(how), why, sizeof(why));
	print_message("# base claimed as THP: %d %s (%s)\n", err, why, how);
	assert_int_equal(err, -EMEDIUMTYPE);
	assert_int_equal(wb_layout_verify(&l, 0, 4 * MIB, WB_4K, WB_MEM_BASE,
					  how, sizeof(how), why, sizeof(why)),
			 0);
	wb_layout_free(&l);
}

/* What huge_access records as huge_pages_used for @l: the heads a scan of
 * pagemap + kpageflags finds, as its check() counts them. */
static int heads(const struct wb_layout *l, uint64_t len, uint64_t *n)
{
	return wb_pagemap_huge_heads((uintptr_t)l->base, len, n);
}

/*
 * huge_pages_used is counted, not computed: on a layout mapped as
 * huge_access maps one, pages kept small (MADV_NOHUGEPAGE) count 0 where
 * map_len / page_size would say 2, and THP pages count their THPs.
 */
static void huge_pages_counted_not_computed(void **s)
{
	struct wb_layout l;
	char how[64], why[256];
	uint64_t n = 99;
	int err;

	(void)s;
	assert_int_equal(wb_layout_reserve(&l, 4 * MIB, 0, why, sizeof(why)),
			 0);
	assert_int_equal(wb_layout_map(&l, 0, 4 * MIB, WB_4K, WB_MEM_BASE, 0,
				       why, sizeof(why)),
			 0);
	err = heads(&l, 4 * MIB, &n);
	if (err == -EPERM || err == -EACCES) {
		wb_layout_free(&l);
		print_message("# SKIP PFNs and kpageflags need root\n");
		skip();
	}
	assert_int_equal(err, 0);
	print_message("# 4 MiB kept small: %llu huge pages (formula: %llu)\n",
		      (unsigned long long)n,
		      (unsigned long long)(4 * MIB / WB_2M));
	assert_true(n == 0);
	assert_true(n != 4 * MIB / WB_2M);
	if (thp_mode("never")) {
		wb_layout_free(&l);
		print_message("# SKIP the THP half: THP mode is never\n");
		return;
	}
	/* the same range again, as THP */
	assert_int_equal(wb_layout_map(&l, 0, 4 * MIB, WB_2M, WB_MEM_THP, 0,
				       why, sizeof(why)),
			 0);
	err = wb_layout_verify(&l, 0, 4 * MIB, WB_2M, WB_MEM_THP, how,
			       sizeof(how), why, sizeof(why));
	assert_int_equal(heads(&l, 4 * MIB, &n), 0);
	print_message("# 4 MiB as THP (%s): %llu huge pages\n", err ? why : how,
		      (unsigned long long)n);
	if (!err)
		assert_true(n == 2);
	else /* no free 2M blocks: what is there is counted, not 2 */
		assert_true(n < 2);
	wb_layout_free(&l);
}

/* predict() is pure: called in-process with a CPU from the table and one
 * that is not in it. */
static void predict_reach_and_walk(void **s)
{
	struct wb_sysinfo sys = { .vendor = "GenuineIntel",
				  .family = 6,
				  .model = 0xa7 };
	struct wb_ctx ctx = { .kernel = k(), .sys = &sys };
	struct wb_prediction p = { 0 };
	const struct wb_pred_item *l1, *l2, *st;
	uint64_t e1 = 0, e2 = 0;

	(void)s;
	ctx.param[0] = CHASE;
	ctx.param[1] = THP;
	ctx.param[2] = 64 * MIB;
	assert_int_equal(k()->predict(&ctx, &p), 0);
	l1 = pred_of(&p, "l1_dtlb_reach_bytes");
	l2 = pred_of(&p, "l2_tlb_reach_bytes");
	assert_non_null(l1);
	assert_non_null(l2);
	print_message("# %s: THP L1 reach %.0f, L2 reach %.0f\n", p.model,
		      l1->value, l2->value);
	assert_true(l1->value >= 2.0 * MIB && l2->value > l1->value);
	/* knees within a quarter or one sweep step, no wider */
	assert_int_equal(l1->tol_kind, WB_TOL_KNEE);
	assert_true(l1->tol <= 0.25 && l2->tol <= 0.25);
	assert_true(pred_of(&p, "huge_pages_used")->value == 32);
	/* a THP is visited many times a round: no miss bound */
	assert_null(pred_of(&p, "stlb_miss_user_per_access"));
	assert_null(pred_of(&p, "walk_refs_worst_per_miss"));

	/* the base-page ring of 16384 pages misses the second-level TLB
	 * on all but L1 + L2 of its accesses a round */
	memset(&p, 0, sizeof(p));
	ctx.param[1] = BASE;
	assert_int_equal(k()->predict(&ctx, &p), 0);
	assert_true(pred_of(&p, "huge_pages_used")->value == 0);
	assert_int_equal(wbm_cpu_tlb_reach(sys.vendor, sys.family, sys.model,
					   WB_4K, &e1, &e2, NULL),
			 0);
	st = pred_of(&p, "stlb_miss_user_per_access");
	assert_non_null(st);
	assert_int_equal(st->tol_kind, WB_TOL_MIN);
	assert_true(st->value == 1.0 - (double)(e1 + e2) / 16384);
	/* the scan visits each page 64 times in a row: no bound either */
	memset(&p, 0, sizeof(p));
	ctx.param[0] = 2;
	assert_int_equal(k()->predict(&ctx, &p), 0);
	assert_null(pred_of(&p, "stlb_miss_user_per_access"));
	ctx.param[0] = CHASE;

	memset(&p, 0, sizeof(p));
	snprintf(sys.vendor, sizeof(sys.vendor), "NoSuchVendor");
	assert_int_equal(k()->predict(&ctx, &p), 0);
	assert_null(pred_of(&p, "l1_dtlb_reach_bytes"));
	assert_non_null(strstr(p.model, "not in the CPU table"));
}

static const struct wb_kernel *kf(void)
{
	return wb_kernel_find("huge_fault");
}

/* Faults in the timed region as the model says: 512 per region on base
 * pages, one per THP, none for a collapse; the result verified. */
static void fault_ops(void **s)
{
	static const char *const vm[] = { "", "", "thp_fault_alloc_per_region",
					  "thp_collapse_alloc_per_region" };
	struct wb_probe_result r;

	(void)s;
	for (uint64_t op = 1; op <= 3; op++) {
		uint64_t p[] = { op, 8 };
		const struct wb_pred_item *it;

		if (op > 1 && thp_mode("never")) {
			print_message("# SKIP THP mode is never\n");
			skip();
		}
		SKIP_EXACT_VMPTE_UNDER_ASAN();
		assert_int_equal(probe_kernel(kf(), p, 0, &r), 0);
		if (r.status != WB_OK)
			print_message("# op %llu: %s\n", (unsigned long long)op,
				      r.why);
		assert_int_equal(r.status, WB_OK);
		assert_int_equal(r.iterations, 8);
		assert_true(r.facts.page_size_verified);
		it = pred_of(&r.pred, "page_faults_per_region");
		assert_non_null(it);
		print_message(
			"# op %llu: %ld faults in run, predicted %.0f x 8; "
			"%s\n",
			(unsigned long long)op, r.minflt, it->value,
			r.facts.page_size_how);
		assert_true(r.minflt >= it->value * 8 &&
			    r.minflt <= it->value * 8 + 2);
		if (op > 1) {
			it = pred_of(&r.pred, vm[op]);
			assert_non_null(it);
			assert_true(it->value == 1);
			assert_true(fact_of(&r.facts, vm[op]) >= 1 - it->tol);
		}
	}
}

static void fault_bad_params(void **s)
{
	static const uint64_t bad[][2] = { { 0, 8 }, { 11, 8 }, { 1, 0 } };
	struct wb_probe_result r;

	(void)s;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(probe_kernel(kf(), bad[i], 0, &r), 0);
		assert_int_equal(r.status, WB_BADINPUT);
		assert_non_null(strstr(r.why, i < 2 ? "op" : "regions"));
	}
}

/*
 * mTHP backings with settings changes allowed: every 4K page in folios of
 * the size (pagemap + kpageflags), the folios counted, page tables as for
 * 4K pages exactly, and the switches as they were afterwards.
 */
static void mthp_verified(void **s)
{
	static const uint64_t b[] = { MTHP16K, MTHP64K };
	struct wb_probe_result r;

	(void)s;
	for (int i = 0; i < 2; i++) {
		uint64_t size = (uint64_t)16384 << (b[i] - MTHP16K);
		uint64_t p[] = { CHASE, b[i], 8 * MIB },
			 pb[] = { CHASE, BASE, 8 * MIB };
		struct wb_probe_result rb;

		probe_mthp(k(), p, size, &r);
		assert_int_equal(r.status, WB_OK);
		assert_true(r.facts.page_size_verified);
		assert_string_equal(r.facts.page_size_how,
				    "pagemap+kpageflags+smaps");
		assert_true(fact_of(&r.facts, "page_size_bytes") ==
			    (double)size);
		assert_true(fact_of(&r.facts, "huge_pages_used") ==
			    (double)(8 * MIB / size));
		assert_string_equal(source_of(&r.facts, "huge_pages_used"),
				    "pagemap+kpageflags");
		expect_pt_exact(&r);
		/* a PTE-mapped folio needs the tables of its 4K pages */
		assert_int_equal(probe_kernel(k(), pb, 0, &rb), 0);
		assert_true(pred_of(&r.pred, "page_table_bytes")->value ==
			    pred_of(&rb.pred, "page_table_bytes")->value);
		/* no reach knee: it depends on the CPU's PTE coalescing */
		assert_null(pred_of(&r.pred, "l1_dtlb_reach_bytes"));
	}
}

/* Without settings changes a size that is not first for a MADV_HUGEPAGE
 * region is refused as missing, with the switch in the way named. */
static void mthp_needs_permission(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { SCAN, MTHP32K, 4 * MIB };
	char why[256];
	int err = wb_mthp_check(32 << 10, why, sizeof(why));

	(void)s;
	if (!err) {
		print_message("# SKIP 32K folios already first here\n");
		skip();
	}
	assert_int_equal(probe_kernel(k(), p, 0, &r), 0);
	print_message("# %s\n", r.why);
	assert_int_equal(r.status, WB_MISSING);
	assert_true(strstr(r.why, "settings changes") ||
		    strstr(r.why, "32kB") || strstr(r.why, "32K"));
}

/*
 * A region that fell back to 4K pages is refused as untrusted: THP off
 * for the process (inherited by the probe's child) leaves
 * MADV_HUGEPAGE accepted but every fault a 4K one. Without the folio
 * verification this instance would be recorded ok.
 */
static void mthp_fallback_untrusted(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { CHASE, MTHP64K, 4 * MIB };

	(void)s;
	mthp_skip_unless(64 << 10);
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), 0);
	probe_mthp(k(), p, 64 << 10, &r);
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
	assert_int_equal(r.status, WB_UNTRUSTED);
	assert_false(r.facts.page_size_verified);
	assert_non_null(strstr(r.why, "not verified"));
}

/* Fault the region as folios: 2 MiB / size faults per region in the
 * timed run, each allocating one folio of the size (the size's own
 * counter), the last batch verified. */
static void fault_mthp(void **s)
{
	static const uint64_t ops[] = { 4, 6 }; /* 16K, 64K */
	struct wb_probe_result r;

	(void)s;
	SKIP_EXACT_VMPTE_UNDER_ASAN();
	for (int i = 0; i < 2; i++) {
		uint64_t size = (uint64_t)16384 << (ops[i] - 4);
		uint64_t p[] = { ops[i], 8 }, per = 2 * MIB / size;

		probe_mthp(wb_kernel_find("huge_fault"), p, size, &r);
		assert_int_equal(r.status, WB_OK);
		assert_true(r.facts.page_size_verified);
		print_message(
			"# %lluK folios: %ld faults for 8 regions, "
			"%.1f allocated per region\n",
			(unsigned long long)size >> 10, r.minflt,
			fact_of(&r.facts, "mthp_anon_fault_alloc_per_region"));
		assert_true(pred_of(&r.pred, "page_faults_per_region")->value ==
			    (double)per);
		assert_true(r.minflt >= (long)(per * 8) &&
			    r.minflt <= (long)(per * 8) + 2);
		assert_true(
			fact_of(&r.facts, "mthp_anon_fault_alloc_per_region") >=
			0.95 * (double)per);
		assert_string_equal(
			source_of(&r.facts, "mthp_anon_fault_alloc_per_region"),
			"sysfs");
	}
}

/* The same with THP off for the process: the batch got 4K pages. */
static void fault_mthp_fallback_untrusted(void **s)
{
	struct wb_probe_result r;
	uint64_t p[] = { 4, 4 };

	(void)s;
	mthp_skip_unless(16 << 10);
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), 0);
	probe_mthp(wb_kernel_find("huge_fault"), p, 16 << 10, &r);
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
	assert_int_equal(r.status, WB_UNTRUSTED);
	assert_false(r.facts.page_size_verified);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base_is_never_huge),
		cmocka_unit_test(thp_verified_huge),
		cmocka_unit_test(thp_always_needs_permission),
		cmocka_unit_test(hugetlb_2m),
		cmocka_unit_test(hugetlb_1g),
		cmocka_unit_test(bad_params),
		cmocka_unit_test(mem_limit_refused),
		cmocka_unit_test(fallback_caught),
		cmocka_unit_test(huge_pages_counted_not_computed),
		cmocka_unit_test(predict_reach_and_walk),
		cmocka_unit_test(fault_ops),
		cmocka_unit_test(fault_bad_params),
		cmocka_unit_test(mthp_verified),
		cmocka_unit_test(mthp_needs_permission),
		cmocka_unit_test(mthp_fallback_untrusted),
		cmocka_unit_test(fault_mthp),
		cmocka_unit_test(fault_mthp_fallback_untrusted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
