// SPDX-License-Identifier: MIT
/*
 * TLB simulator: hand-computed LRU cases, set-associative thrashing, the
 * two-level hierarchy, knees, and a reference LRU (timestamps, linear
 * search) replaying random traces against both lookup paths.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/cpu.h"
#include "model/tlb.h"

#define PG(n) ((uint64_t)(n)*4096)

static struct wbm_tlb *one_level(uint32_t entries, uint32_t ways)
{
	struct wbm_tlb_geom g = { 1, { { 1, WBM_SZ_4K, entries, ways } } };
	struct wbm_tlb *t;

	assert_int_equal(wbm_tlb_new(&g, &t), 0);
	return t;
}

static void fully_associative_lru(void **state)
{
	/* 4 entries: A B C D A E B -> A hits once; E evicts B (LRU after A
	 * was touched), so B misses again. 6 misses of 7. */
	static const int seq[] = { 0, 1, 2, 3, 0, 4, 1 };
	static const int want[] = { 0, 0, 0, 0, 1, 0, 0 };
	struct wbm_tlb_stats st;

	struct wbm_tlb *t = one_level(4, 4);

	(void)state;
	for (int i = 0; i < 7; i++)
		assert_int_equal(wbm_tlb_access(t, PG(seq[i]) + 123, WBM_SZ_4K),
				 want[i]);
	wbm_tlb_stats(t, &st);
	assert_int_equal(st.accesses, 7);
	assert_int_equal(st.misses[1], 6);
	assert_int_equal(st.walks, 6);
	wbm_tlb_free(t);
}

static void large_fully_associative_uses_same_lru(void **state)
{
	/* 64 entries fully associative (hash path): a cycle of 64 pages
	 * hits after warm-up, 65 pages miss every time */
	struct wbm_tlb *t = one_level(64, 64);
	uint32_t order[65];
	struct wbm_tlb_stats st;

	(void)state;
	for (int i = 0; i < 65; i++)
		order[i] = i;
	assert_int_equal(wbm_tlb_run_chase(t, order, 64, WBM_4K, 1, 3), 0);
	wbm_tlb_stats(t, &st);
	assert_int_equal(st.accesses, 192);
	assert_int_equal(st.misses[1], 0);
	wbm_tlb_flush(t);
	assert_int_equal(wbm_tlb_run_chase(t, order, 65, WBM_4K, 1, 3), 0);
	wbm_tlb_stats(t, &st);
	assert_int_equal(st.misses[1], 195);
	wbm_tlb_free(t);
}

static void set_associative_thrash(void **state)
{
	/* 2 sets x 2 ways. Pages 0, 2, 4 all index set 0: three pages in a
	 * 2-way set with LRU miss every time although 4 entries exist. */
	struct wbm_tlb *t = one_level(4, 2);
	struct wbm_tlb_stats st;

	(void)state;
	for (int pass = 0; pass < 10; pass++)
		for (int p = 0; p <= 4; p += 2)
			wbm_tlb_access(t, PG(p), WBM_SZ_4K);
	wbm_tlb_stats(t, &st);
	assert_int_equal(st.misses[1], 30);
	/* pages 0..3 spread over both sets: only the 4 cold misses */
	wbm_tlb_flush(t);
	for (int pass = 0; pass < 10; pass++)
		for (int p = 0; p < 4; p++)
			wbm_tlb_access(t, PG(p), WBM_SZ_4K);
	wbm_tlb_stats(t, &st);
	assert_int_equal(st.misses[1], 4);
	wbm_tlb_free(t);
}

static void two_levels_and_page_sizes(void **state)
{
	/* L1: 2 entries for 4K only; L2: 4 entries for 4K and 2M */
	struct wbm_tlb_geom g = { 2,
				  { { 1, WBM_SZ_4K, 2, 2 },
				    { 2, WBM_SZ_4K | WBM_SZ_2M, 4, 4 } } };
	struct wbm_tlb *t;
	struct wbm_tlb_stats st;

	(void)state;
	assert_int_equal(wbm_tlb_new(&g, &t), 0);
	/* cycle of 3 4K pages: L1 always misses, L2 hits after warm-up */
	for (int pass = 0; pass < 5; pass++)
		for (int p = 0; p < 3; p++)
			wbm_tlb_access(t, PG(p), WBM_SZ_4K);
	wbm_tlb_stats(t, &st);
	assert_int_equal(st.misses[1], 15);
	assert_int_equal(st.lookups[2], 15);
	assert_int_equal(st.misses[2], 3);
	assert_int_equal(st.walks, 3);
	/* a 2M page skips L1 (no 2M structure there) */
	assert_int_equal(wbm_tlb_access(t, 1ull << 30, WBM_SZ_2M), 0);
	assert_int_equal(wbm_tlb_access(t, (1ull << 30) + 4096, WBM_SZ_2M), 2);
	/* a 1G page is held nowhere: always a walk */
	assert_int_equal(wbm_tlb_access(t, 1ull << 31, WBM_SZ_1G), 0);
	assert_int_equal(wbm_tlb_access(t, 1ull << 31, WBM_SZ_1G), 0);
	wbm_tlb_free(t);
}

/* Reference: per set, timestamps; the victim is the oldest. */
struct ref {
	uint32_t sets, ways;
	uint64_t *key, *stamp, clock;
};

static int ref_access(struct ref *r, uint64_t vpn)
{
	uint64_t *k = r->key + (vpn % r->sets) * r->ways;
	uint64_t *s = r->stamp + (vpn % r->sets) * r->ways;
	uint32_t victim = 0;

	r->clock++;
	for (uint32_t w = 0; w < r->ways; w++) {
		if (s[w] && k[w] == vpn) {
			s[w] = r->clock;
			return 1;
		}
		if (s[w] < s[victim])
			victim = w;
	}
	k[victim] = vpn;
	s[victim] = r->clock;
	return 0;
}

static void matches_reference_lru(void **state)
{
	static const uint32_t shapes[][2] = {
		{ 1, 1 },     { 8, 1 },	  { 16, 4 },  { 96, 6 },  { 48, 12 },
		{ 3072, 24 }, { 17, 17 }, { 32, 32 }, { 96, 96 }, { 2048, 16 }
	};
	uint64_t seed = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		uint32_t e = shapes[i][0], w = shapes[i][1];
		struct wbm_tlb *t = one_level(e, w);
		struct ref r = { e / w, w, calloc(e, 8), calloc(e, 8), 0 };
		uint64_t hits = 0;

		assert_non_null(r.key);
		assert_non_null(r.stamp);
		for (int n = 0; n < 200000; n++) {
			uint64_t vpn;

			seed = seed * 6364136223846793005ull +
			       1442695040888963407ull;
			/* a working set around the capacity, so both hits and
			 * evictions happen */
			vpn = (seed >> 33) % (e + e / 2 + 2);
			int h = wbm_tlb_access(t, vpn << 12, WBM_SZ_4K) == 1;

			assert_int_equal(h, ref_access(&r, vpn));
			hits += h;
		}
		assert_true(hits > 0);
		free(r.key);
		free(r.stamp);
		wbm_tlb_free(t);
	}
}

static void knees_for_table_rows(void **state)
{
	struct wbm_cpu c;
	struct wbm_tlb *t;
	uint32_t *order = malloc(8 * 4096 * sizeof(*order));
	uint64_t k;

	(void)state;
	assert_non_null(order);
	assert_int_equal(wbm_cpu_by_name("Skylake", &c), 0);
	assert_int_equal(wbm_tlb_new(&c.dtlb, &t), 0);
	assert_int_equal(wbm_tlb_knee(t, order, 8 * 1536, WBM_4K, 1, 1, &k), 0);
	assert_int_equal(k, 64);
	assert_int_equal(wbm_tlb_knee(t, order, 8 * 1536, WBM_4K, 2, 1, &k), 0);
	assert_int_equal(k, 1536);
	assert_int_equal(wbm_tlb_knee(t, order, 8 * 1536, WBM_4K, 0, 1, &k), 0);
	assert_int_equal(k, 1536);
	assert_int_equal(wbm_tlb_knee(t, order, 256, WBM_2M, 1, 1, &k), 0);
	assert_int_equal(k, 32);
	wbm_tlb_free(t);
	assert_int_equal(wbm_cpu_by_name("Zen 5", &c), 0);
	assert_int_equal(wbm_tlb_new(&c.dtlb, &t), 0);
	assert_int_equal(wbm_tlb_knee(t, order, 8 * 4096, WBM_4K, 1, 7, &k), 0);
	assert_int_equal(k, 96);
	assert_int_equal(wbm_tlb_knee(t, order, 8 * 4096, WBM_4K, 0, 7, &k), 0);
	assert_int_equal(k, 4096);
	/* 1G pages: only the L1 holds them, so walks start past 96 */
	assert_int_equal(wbm_tlb_knee(t, order, 1024, WBM_1G, 2, 7, &k),
			 -ENOENT);
	assert_int_equal(wbm_tlb_knee(t, order, 1024, WBM_1G, 0, 7, &k), 0);
	assert_int_equal(k, 96);
	wbm_tlb_free(t);
	free(order);
}

static void bad_geometry(void **state)
{
	struct wbm_tlb_geom g = { 1, { { 1, WBM_SZ_4K, 10, 4 } } };
	struct wbm_tlb *t;

	(void)state;
	assert_int_equal(wbm_tlb_new(&g, &t), -EINVAL);
	g = (struct wbm_tlb_geom){
		2, { { 1, WBM_SZ_4K, 8, 4 }, { 1, WBM_SZ_4K, 8, 4 } }
	};
	assert_int_equal(wbm_tlb_new(&g, &t), -EINVAL);
	memset(&g, 0, sizeof(g));
	assert_int_equal(wbm_tlb_parse_level("4K+2M:1536:12,1G:16:4", 2, &g),
			 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.s[0].sizes, WBM_SZ_4K | WBM_SZ_2M);
	assert_int_equal(g.s[1].ways, 4);
	assert_int_equal(wbm_tlb_parse_level("4K:64", 1, &g), -EINVAL);
	assert_int_equal(wbm_tlb_parse_level("3K:64:4", 1, &g), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fully_associative_lru),
		cmocka_unit_test(large_fully_associative_uses_same_lru),
		cmocka_unit_test(set_associative_thrash),
		cmocka_unit_test(two_levels_and_page_sizes),
		cmocka_unit_test(matches_reference_lru),
		cmocka_unit_test(knees_for_table_rows),
		cmocka_unit_test(bad_geometry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
