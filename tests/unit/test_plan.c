// SPDX-License-Identifier: MIT
/* Plans: sweeps, overrides, the tlb_reach grid the issue asks for, and the
 * functional grid of emulated quick runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mem/mem.h"
#include "core/env.h"
#include "core/parse.h"
#include "runner/plan.h"

static void test_sweep_has_powers_of_two(void **st)
{
	uint64_t v[256];
	size_t n = wb_sweep(8, 512 << 10, 4, v, 256);

	(void)st;
	/* 16 octaves at 4 points each, plus the end point */
	assert_int_equal(n, 65);
	assert_int_equal(v[0], 8);
	assert_int_equal(v[n - 1], 512 << 10);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i] > v[i - 1]);
	for (uint64_t p = 8; p <= (512 << 10); p <<= 1) {
		int found = 0;

		for (size_t i = 0; i < n; i++)
			found |= v[i] == p;
		assert_true(found);
	}
	assert_int_equal(wb_sweep(8, 4, 2, v, 256), 0);
}

static void test_tlb_reach_plan(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	struct wb_plan plan = { 0 };
	char err[128];
	uint64_t max4k = 0, max2m = 0, max16k = 0;
	size_t n4k = 0, n16k = 0;

	(void)st;
	assert_non_null(k);
	assert_int_equal(
		wb_plan_add_kernel(&plan, k, false, NULL, 0, err, sizeof(err)),
		0);
	for (size_t i = 0; i < plan.n; i++) {
		uint64_t psz = plan.inst[i].param[0], n = plan.inst[i].param[1];

		if (psz == WB_4K) {
			n4k++;
			max4k = n > max4k ? n : max4k;
		} else if (psz == 16 << 10) {
			/* mTHP folios count 4K pages: the 4K line's points */
			n16k++;
			max16k = n > max16k ? n : max16k;
		} else if (psz == WB_2M) {
			max2m = n > max2m ? n : max2m;
		}
	}
	assert_int_equal(n4k, 65);
	assert_int_equal(max4k, 512 << 10);
	assert_int_equal(n16k, 65);
	assert_int_equal(max16k, 512 << 10);
	/* 2M pages stop at 8 GiB */
	assert_int_equal(max2m, 4096);
	assert_non_null(strstr(plan.inst[0].name, "page_size:4K"));
	wb_plan_free(&plan);
}

static void test_override_fixes_a_param(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	struct wb_override ov = { .kernel = NULL,
				  .name = "pages",
				  .value = 16 };
	struct wb_plan plan = { 0 };
	char err[128];

	(void)st;
	assert_int_equal(
		wb_plan_add_kernel(&plan, k, true, &ov, 1, err, sizeof(err)),
		0);
	assert_int_equal(plan.n, 4); /* quick: 4K, 16K, 64K and 2M */
	assert_string_equal(plan.inst[0].name,
			    "tlb_reach/page_size:4K/pages:16");
	wb_plan_free(&plan);
}

static void test_param_parse(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	uint64_t v;

	(void)st;
	assert_int_equal(wb_param_parse(&k->params[0], "2M", &v), 0);
	assert_int_equal(v, WB_2M);
	assert_true(wb_param_parse(&k->params[0], "1G", &v) < 0);
	assert_true(wb_param_parse(&k->params[0], "3K", &v) < 0);
	assert_int_equal(wb_param_parse(&k->params[1], "1K", &v), 0);
	assert_int_equal(v, 1024);
	assert_true(wb_param_parse(&k->params[1], "0", &v) < 0);
	assert_true(wb_param_parse(&k->params[1], "12abc", &v) < 0);
	assert_true(wb_parse_size("1.5G", &v) == 0 && v == 3ull << 29);
	assert_true(wb_parse_size("-1", &v) < 0);
	assert_true(wb_parse_size("99999999999999999999", &v) < 0);
}

static size_t count_with(const struct wb_plan *p, int pi, uint64_t v)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->inst[i].param[pi] == v;
	return n;
}

static void plans(const struct wb_kernel *k, struct wb_plan *quick,
		  struct wb_plan *func, const struct wb_override *ov,
		  size_t nov)
{
	char err[128];

	assert_int_equal(
		wb_plan_add_kernel(quick, k, true, ov, nov, err, sizeof(err)),
		0);
	assert_int_equal(wb_plan_add_grid(func, k, false, WB_GRID_FUNCTIONAL,
					  ov, nov, err, sizeof(err)),
			 0);
}

static bool in_plan(const struct wb_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->inst[i].name, name))
			return true;
	return false;
}

/* @in's parameter @pi is the smallest or largest of the instances of @q
 * whose other parameters equal @in's. */
static bool group_end(const struct wb_plan *q, const struct wb_instance *in,
		      int pi)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t i = 0; i < q->n; i++) {
		bool same = true;

		for (int p = 0; p < WB_MAX_PARAMS && same; p++)
			same = p == pi || q->inst[i].param[p] == in->param[p];
		if (!same)
			continue;
		lo = q->inst[i].param[pi] < lo ? q->inst[i].param[pi] : lo;
		hi = q->inst[i].param[pi] > hi ? q->inst[i].param[pi] : hi;
	}
	return in->param[pi] == lo || in->param[pi] == hi;
}

/* Every kernel: a subset of the quick plan that keeps every choice and
 * each ranged parameter's ends (the smallest only where it says so). */
static void test_functional_keeps_choices_and_ends(void **st)
{
	(void)st;
	for (size_t ki = 0; wb_kernels[ki]; ki++) {
		const struct wb_kernel *k = wb_kernels[ki];
		struct wb_plan q = { 0 }, f = { 0 };

		plans(k, &q, &f, NULL, 0);
		assert_true(f.n >= 1 && f.n <= q.n);
		for (size_t i = 0; i < f.n; i++)
			assert_true(in_plan(&q, f.inst[i].name));
		for (int pi = 0; k->params && k->params[pi].name; pi++) {
			const struct wb_param *p = &k->params[pi];
			uint64_t lo = UINT64_MAX, hi = 0;

			for (size_t i = 0; i < q.n; i++) {
				uint64_t v = q.inst[i].param[pi];

				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
				/* a choice that changes what is checked */
				if (p->choices)
					assert_true(count_with(&f, pi, v) > 0);
			}
			if (p->choices || !p->quick_per_octave)
				continue;
			assert_true(count_with(&f, pi, lo) > 0);
			if (p->functional == WB_FUNC_LOWEST) {
				assert_int_equal(count_with(&f, pi, lo), f.n);
				continue;
			}
			assert_true(count_with(&f, pi, hi) > 0);
			for (size_t i = 0; i < f.n; i++)
				assert_true(group_end(&q, &f.inst[i], pi));
		}
		wb_plan_free(&q);
		wb_plan_free(&f);
	}
}

/* What it keeps, kernel by kernel, where the sweep had more. */
static void test_functional_instances(void **st)
{
	static const struct {
		const char *kernel;
		size_t n;
		const char *some[4];
	} want[] = {
		/* the page count moves only the knees */
		{ "tlb_reach",
		  4,
		  { "tlb_reach/page_size:4K/pages:8",
		    "tlb_reach/page_size:16K/pages:8",
		    "tlb_reach/page_size:64K/pages:8",
		    "tlb_reach/page_size:2M/pages:8" } },
		/* 2 patterns x 7 quick backings (5 page sizes, mTHP 16K
		 * and 64K) x {4M, 1G} */
		{ "huge_access",
		  28,
		  { "huge_access/pattern:chase/backing:base/ws:4M",
		    "huge_access/pattern:scan/backing:thp/ws:1G" } },
		{ "walk_pwc",
		  2,
		  { "walk_pwc/upper_entries:16/pages:8192",
		    "walk_pwc/upper_entries:8192/pages:8192" } },
		/* procs 1 and 4 for each backing and alignment */
		{ "shared_map",
		  2 * 5 * 2,
		  { "shared_map/procs:1/backing:memfd/mib:16/align:on-1g" } },
		/* all choices: nothing swept over a range */
		{ "walk_depth", 5, { "walk_depth/stride:4K/pages:8192" } },
		/* quick page sizes 4K, 64K, 2M x 3 writers x 2 shares */
		{ "cow_storm",
		  18,
		  { "cow_storm/mib:32/page_size:2M/writer:both/percent:10" } },
		{ "demand_zero",
		  6,
		  { "demand_zero/mib:16/page_size:2M/"
		    "phase:write-after-read" } },
	};

	(void)st;
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		const struct wb_kernel *k = wb_kernel_find(want[w].kernel);
		struct wb_plan q = { 0 }, f = { 0 };

		assert_non_null(k);
		plans(k, &q, &f, NULL, 0);
		if (f.n != want[w].n)
			fail_msg("%s: %zu functional instances, want %zu",
				 k->name, f.n, want[w].n);
		for (int i = 0; i < 4 && want[w].some[i]; i++)
			if (!in_plan(&f, want[w].some[i]))
				fail_msg("%s not in the functional plan",
					 want[w].some[i]);
		wb_plan_free(&q);
		wb_plan_free(&f);
	}
}

/* A value fixed with --param stays: the grid thins only what sweeps. */
static void test_functional_keeps_overrides(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	struct wb_override ov = { .name = "pages", .value = 64 };
	struct wb_plan q = { 0 }, f = { 0 };

	(void)st;
	plans(k, &q, &f, &ov, 1);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.inst[0].name, "tlb_reach/page_size:4K/pages:64");
	assert_string_equal(f.inst[3].name, "tlb_reach/page_size:2M/pages:64");
	wb_plan_free(&q);
	wb_plan_free(&f);
}

/* The quantities the predictions of @p name, into @q (at most @max). */
static size_t quantities(const struct wb_plan *p, const struct wb_sysinfo *sys,
			 char (*q)[48], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		struct wb_ctx ctx = { .quick = true, .cpu = -1, .sys = sys };
		struct wb_prediction pr = { 0 };

		wb_instance_ctx(&p->inst[i], &ctx);
		if (!p->inst[i].kernel->predict ||
		    p->inst[i].kernel->predict(&ctx, &pr))
			continue;
		for (int j = 0; j < pr.n; j++) {
			size_t k = 0;

			while (k < n && strcmp(q[k], pr.item[j].quantity))
				k++;
			if (k == n && n < max)
				snprintf(q[n++], sizeof(q[0]), "%s",
					 pr.item[j].quantity);
		}
	}
	return n;
}

/* Two instances of @p that an xcheck @x compares: not for knees, which
 * read timings only. */
static bool xcheck_pair(const struct wb_plan *p, const struct wb_xcheck *x)
{
	const struct wb_kernel *k = p->n ? p->inst[0].kernel : NULL;
	int pi = k ? wb_param_index(k, x->param) : -1;

	for (size_t a = 0; pi >= 0 && a < p->n; a++)
		for (size_t b = 0; b < p->n; b++) {
			const uint64_t *va = p->inst[a].param,
				       *vb = p->inst[b].param;
			bool same = va[pi] != vb[pi];

			for (int s = 0; same && s < WB_MAX_PARAMS && x->same[s];
			     s++) {
				int si = wb_param_index(k, x->same[s]);

				same = si >= 0 && va[si] == vb[si];
			}
			if (same && (x->kind != WB_XCHECK_HUGE_VS_BASE ||
				     va[pi] == x->base))
				return true;
		}
	return false;
}

/* Every prediction any quick instance makes, some functional instance
 * makes too; every check across instances but knees still has a pair. */
static void test_functional_checks_every_fact(void **st)
{
	struct wb_sysinfo sys = { .vendor = "GenuineIntel",
				  .family = 6,
				  .model = 167,
				  .l1d = { 48 << 10, 12, 64 } };

	(void)st;
	for (size_t ki = 0; wb_kernels[ki]; ki++) {
		const struct wb_kernel *k = wb_kernels[ki];
		struct wb_plan q = { 0 }, f = { 0 };
		char qq[64][48], fq[64][48];
		size_t nq, nf;

		plans(k, &q, &f, NULL, 0);
		nq = quantities(&q, &sys, qq, 64);
		nf = quantities(&f, &sys, fq, 64);
		for (size_t i = 0; i < nq; i++) {
			size_t j = 0;

			while (j < nf && strcmp(qq[i], fq[j]))
				j++;
			if (j == nf)
				fail_msg("%s: no functional instance predicts "
					 "%s",
					 k->name, qq[i]);
		}
		for (const struct wb_xcheck *x = k->xchecks;
		     x && x->kind != WB_XCHECK_END; x++)
			if (x->kind != WB_XCHECK_KNEE && xcheck_pair(&q, x) &&
			    !xcheck_pair(&f, x))
				fail_msg("%s: no functional pair for %s",
					 k->name, x->row);
		wb_plan_free(&q);
		wb_plan_free(&f);
	}
}

static void test_grid_rule(void **st)
{
	const char *why = NULL;
	enum wb_grid g;

	(void)st;
	assert_int_equal(wb_grid_default(true, true, &why), WB_GRID_FUNCTIONAL);
	assert_string_equal(why, WB_GRID_EMULATED_WHY);
	assert_int_equal(wb_grid_default(false, true, &why), WB_GRID_SWEEP);
	assert_int_equal(wb_grid_default(true, false, &why), WB_GRID_SWEEP);
	assert_int_equal(wb_grid_parse("functional", &g), 0);
	assert_string_equal(wb_grid_name(g), "functional");
	assert_int_equal(wb_grid_parse("sweep", &g), 0);
	assert_string_equal(wb_grid_name(g), "sweep");
	assert_true(wb_grid_parse("quick", &g) < 0);
}

/*
 * The instances a huge-vs-base check compares are measured side by side:
 * in huge_access's plan every (pattern, ws) group is one block, each block
 * holds every backing once, and no instance is lost or doubled against
 * the plain odometer (quick grid: |pattern| x |backing| x |ws| less what
 * admit() drops). A kernel without such a check keeps its last parameter
 * fastest.
 */
static void test_side_by_side_order(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("huge_access"),
			       *t = wb_kernel_find("tlb_reach");
	struct wb_plan plan = { 0 }, tp = { 0 };
	char err[128];
	int pat, back, ws;
	size_t blocks = 0, nbase = 0;

	(void)st;
	assert_non_null(k);
	assert_non_null(t);
	pat = wb_param_index(k, "pattern");
	back = wb_param_index(k, "backing");
	ws = wb_param_index(k, "ws");
	assert_true(pat >= 0 && back >= 0 && ws >= 0);
	assert_int_equal(
		wb_plan_add_kernel(&plan, k, true, NULL, 0, err, sizeof(err)),
		0);
	assert_true(plan.n > 4);
	for (size_t i = 0; i < plan.n; i++) {
		const struct wb_instance *a = &plan.inst[i];
		bool new_block = !i || a->param[pat] != a[-1].param[pat] ||
				 a->param[ws] != a[-1].param[ws];

		nbase += a->param[back] == 1;
		if (!new_block) {
			/* inside a block only the backing moves, upwards */
			assert_true(a->param[back] > a[-1].param[back]);
			continue;
		}
		blocks++;
		/* a block once closed never opens again */
		for (size_t j = 0; j + 1 < i; j++)
			assert_false(plan.inst[j].param[pat] == a->param[pat] &&
				     plan.inst[j].param[ws] == a->param[ws]);
	}
	/* one block per (pattern, ws) with a base instance in each */
	assert_int_equal(blocks, nbase);
	assert_int_equal(plan.inst[0].param[back], 1);
	assert_int_equal(
		wb_plan_add_kernel(&tp, t, true, NULL, 0, err, sizeof(err)), 0);
	assert_true(tp.n > 2);
	assert_int_equal(tp.inst[0].param[0], tp.inst[1].param[0]);
	assert_true(tp.inst[1].param[1] > tp.inst[0].param[1]);
	wb_plan_free(&plan);
	wb_plan_free(&tp);
}

/* Each huge instance finds the base instance of its own point (pattern
 * and ws), in the block just before it; a base instance and a kernel
 * without the check find none. */
static void test_base_of(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("huge_access"),
			       *t = wb_kernel_find("tlb_reach");
	struct wb_plan plan = { 0 }, tp = { 0 };
	char err[128];
	int pat, back, ws;
	size_t paired = 0;
	uint64_t base;

	(void)st;
	assert_non_null(wb_kernel_versus(k));
	base = wb_kernel_versus(k)->base;
	pat = wb_param_index(k, "pattern");
	back = wb_param_index(k, "backing");
	ws = wb_param_index(k, "ws");
	assert_int_equal(
		wb_plan_add_kernel(&plan, k, true, NULL, 0, err, sizeof(err)),
		0);
	for (size_t i = 0; i < plan.n; i++) {
		const struct wb_instance *a = &plan.inst[i];
		size_t b = wb_plan_base_of(&plan, i);

		if (a->param[back] == base) {
			assert_int_equal(b, plan.n);
			continue;
		}
		assert_true(b < i);
		assert_int_equal(plan.inst[b].param[back], base);
		assert_int_equal(plan.inst[b].param[pat], a->param[pat]);
		assert_int_equal(plan.inst[b].param[ws], a->param[ws]);
		/* side by side: only huge instances between them */
		for (size_t j = b + 1; j < i; j++)
			assert_true(plan.inst[j].param[back] != base);
		paired++;
	}
	assert_true(paired > 0);
	assert_int_equal(
		wb_plan_add_kernel(&tp, t, true, NULL, 0, err, sizeof(err)), 0);
	for (size_t i = 0; i < tp.n; i++)
		assert_int_equal(wb_plan_base_of(&tp, i), tp.n);
	wb_plan_free(&plan);
	wb_plan_free(&tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_has_powers_of_two),
		cmocka_unit_test(test_tlb_reach_plan),
		cmocka_unit_test(test_override_fixes_a_param),
		cmocka_unit_test(test_param_parse),
		cmocka_unit_test(test_functional_keeps_choices_and_ends),
		cmocka_unit_test(test_functional_instances),
		cmocka_unit_test(test_functional_keeps_overrides),
		cmocka_unit_test(test_functional_checks_every_fact),
		cmocka_unit_test(test_grid_rule),
		cmocka_unit_test(test_side_by_side_order),
		cmocka_unit_test(test_base_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
