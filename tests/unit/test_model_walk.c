// SPDX-License-Identifier: MIT
/* Walk cost: the published 2D table, k layers, expected cost with caches. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/pwc.h"
#include "model/walk.h"

static uint64_t worst2(int lg, uint64_t pg, int lh, uint64_t ph)
{
	int lv[2] = { lg, lh };
	uint64_t ps[2] = { pg, ph }, refs = 0;

	assert_int_equal(wbm_walk_worst(lv, ps, 2, &refs), 0);
	return refs;
}

static void published_2d_table(void **state)
{
	(void)state;
	assert_int_equal(worst2(4, WBM_4K, 4, WBM_4K), 24);
	assert_int_equal(worst2(5, WBM_4K, 5, WBM_4K), 35);
	assert_int_equal(worst2(5, WBM_4K, 4, WBM_4K), 29);
	assert_int_equal(worst2(4, WBM_2M, 4, WBM_4K), 19);
	assert_int_equal(worst2(4, WBM_2M, 4, WBM_2M), 15);
	assert_int_equal(worst2(4, WBM_4K, 4, WBM_1G), 14);
	assert_int_equal(worst2(4, WBM_1G, 4, WBM_1G), 8);
}

static void one_and_k_layers(void **state)
{
	int lv[3] = { 4, 4, 4 };
	uint64_t ps[3] = { WBM_4K, WBM_4K, WBM_4K }, refs;

	(void)state;
	assert_int_equal(wbm_walk_worst(lv, ps, 1, &refs), 0);
	assert_int_equal(refs, 4);
	/* a TEE's third layer: 5 x 5 x 5 - 1 */
	assert_int_equal(wbm_walk_worst(lv, ps, 3, &refs), 0);
	assert_int_equal(refs, 124);
	ps[1] = WBM_2M;
	assert_int_equal(wbm_walk_worst(lv, ps, 3, &refs), 0);
	assert_int_equal(refs, 5 * 4 * 5 - 1);
}

static void seed_formula_leaves_out_guest_reads(void **state)
{
	uint64_t g, h;

	(void)state;
	/* Lg x Ln + Ln = 20 host reads; the 4 guest reads make 24 */
	assert_int_equal(wbm_walk_2d_split(4, WBM_4K, 4, WBM_4K, &g, &h), 0);
	assert_int_equal(h, 4 * 4 + 4);
	assert_int_equal(g + h, worst2(4, WBM_4K, 4, WBM_4K));
}

static void bad_layers(void **state)
{
	int lv[2] = { 3, 4 };
	uint64_t ps[2] = { WBM_4K, WBM_4K }, refs;

	(void)state;
	assert_int_equal(wbm_walk_worst(lv, ps, 2, &refs), -EINVAL);
	lv[0] = 4;
	ps[1] = 8192;
	assert_int_equal(wbm_walk_worst(lv, ps, 2, &refs), -EINVAL);
	assert_int_equal(wbm_walk_worst(lv, ps, 0, &refs), -EINVAL);
}

static void expected_without_caches_is_worst(void **state)
{
	struct wbm_layer l[3];
	double e;

	(void)state;
	memset(l, 0, sizeof(l));
	l[0] = (struct wbm_layer){ .levels = 5, .page_size = WBM_4K };
	l[1] = (struct wbm_layer){ .levels = 4, .page_size = WBM_2M };
	l[2] = (struct wbm_layer){ .levels = 4, .page_size = WBM_4K };
	assert_int_equal(wbm_walk_expected(l, 3, &e), 0);
	assert_true(e > 6 * 4 * 5 - 1 - 1e-9 && e < 6 * 4 * 5 - 1 + 1e-9);
}

static void expected_by_hand(void **state)
{
	struct wbm_layer l[2];
	double e;

	(void)state;
	memset(l, 0, sizeof(l));
	/* native 4K, PDE cache hits half the time: 0.5 x 1 + 0.5 x 4 */
	l[0].levels = 4;
	l[0].page_size = WBM_4K;
	l[0].pwc_hit[2] = 0.5;
	assert_int_equal(wbm_walk_layer_expected(&l[0], &e), 0);
	assert_true(e > 2.5 - 1e-12 && e < 2.5 + 1e-12);
	/* PDE 0.5, PDPTE 0.5 of the rest, PML4E always:
	 * 0.5 x 1 + 0.25 x 2 + 0.25 x 3 = 1.75 */
	l[0].pwc_hit[3] = 0.5;
	l[0].pwc_hit[4] = 1.0;
	assert_int_equal(wbm_walk_layer_expected(&l[0], &e), 0);
	assert_true(e > 1.75 - 1e-12 && e < 1.75 + 1e-12);
	/* 2D: guest 1.75 reads, host no PWC (4), nested TLB 0.75:
	 * 1.75 + 2.75 x 0.25 x 4 = 4.5 */
	l[0].ntlb_hit = 0.75;
	l[1].levels = 4;
	l[1].page_size = WBM_4K;
	assert_int_equal(wbm_walk_expected(l, 2, &e), 0);
	assert_true(e > 4.5 - 1e-12 && e < 4.5 + 1e-12);
	l[0].pwc_hit[2] = 1.5;
	assert_int_equal(wbm_walk_expected(l, 2, &e), -EINVAL);
}

static void pwc_from_trace(void **state)
{
	/* one PDE-cache entry: A, A+4K (same 2M: hit, 1 read), B (other 2M:
	 * miss, evicts A), A (miss) -> 4 + 1 + 4 + 4 = 13 reads in 4 walks */
	const uint64_t a = 1ull << 40, b = a + (2 << 20);
	const uint64_t trace[] = { a, a + 4096, b, a };
	uint32_t entries[6] = { 0, 0, 1, 0, 0, 0 };
	struct wbm_pwc_result r;
	struct wbm_layer l;
	double e;

	(void)state;
	assert_int_equal(wbm_pwc_trace(4, WBM_4K, entries, trace, 4, &r), 0);
	assert_int_equal(r.reads, 13);
	assert_int_equal(r.first_hits[2], 1);
	assert_true(r.hit[2] > 0.25 - 1e-12 && r.hit[2] < 0.25 + 1e-12);
	/* the rates reproduce the trace's mean through the analytic model */
	memset(&l, 0, sizeof(l));
	l.levels = 4;
	l.page_size = WBM_4K;
	memcpy(l.pwc_hit, r.hit, sizeof(l.pwc_hit));
	assert_int_equal(wbm_walk_layer_expected(&l, &e), 0);
	assert_true(e > 3.25 - 1e-12 && e < 3.25 + 1e-12);
	/* with a PDPTE cache too, B hits it: reads 2 instead of 4 */
	entries[3] = 4;
	assert_int_equal(wbm_pwc_trace(4, WBM_4K, entries, trace, 4, &r), 0);
	assert_int_equal(r.reads, 4 + 1 + 2 + 2);
	assert_int_equal(r.first_hits[3], 2);
	entries[2] = 100000;
	assert_int_equal(wbm_pwc_trace(4, WBM_4K, entries, trace, 4, &r),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(published_2d_table),
		cmocka_unit_test(one_and_k_layers),
		cmocka_unit_test(seed_formula_leaves_out_guest_reads),
		cmocka_unit_test(bad_layers),
		cmocka_unit_test(expected_without_caches_is_worst),
		cmocka_unit_test(expected_by_hand),
		cmocka_unit_test(pwc_from_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
