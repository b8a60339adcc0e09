// SPDX-License-Identifier: MIT
/*
 * Page-table counts: hand cases, a brute-force cross-check that builds real
 * radix trees in memory for thousands of random mapping sets, mapping
 * checks, and the fleet / inverted-table break-even against hand figures.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/pt.h"

struct node {
	struct node *child[512];
};

struct tree {
	struct node *root;
	uint64_t count[6];
};

static void free_node(struct node *n, int level)
{
	if (level > 1)
		for (int i = 0; i < 512; i++)
			if (n->child[i])
				free_node(n->child[i], level - 1);
	free(n);
}

/* Marks one page: creates every table from the top down to its leaf's. */
static void insert_page(struct tree *t, int levels, uint64_t va, int leaf)
{
	struct node *n = t->root;

	for (int l = levels; l > leaf; l--) {
		unsigned int idx = (va >> (12 + 9 * (l - 1))) & 511;

		if (!n->child[idx]) {
			n->child[idx] = calloc(1, sizeof(struct node));
			assert_non_null(n->child[idx]);
			t->count[l - 1]++;
		}
		n = n->child[idx];
	}
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int overlaps(const struct wbm_map *m, size_t n, const struct wbm_map *x)
{
	for (size_t i = 0; i < n; i++)
		if (x->start < m[i].start + m[i].len &&
		    m[i].start < x->start + x->len)
			return 1;
	return 0;
}

/* A random set: clustered so tables are shared, spread so some are not. */
static size_t random_set(uint64_t *seed, int levels, struct wbm_map *m)
{
	static const uint64_t sizes[3] = { WBM_4K, WBM_2M, WBM_1G };
	static const int spreads[] = { 22, 30, 31, 39, 40, 44, 47, 48 };
	int nspread = levels == 5 ? 8 : 7;
	uint64_t space = wbm_pt_cover(levels);
	int spread = spreads[rnd(seed) % nspread];
	uint64_t base = (rnd(seed) % (space >> spread)) << spread;
	size_t n = 0, want = 1 + rnd(seed) % 8;

	if (levels == 5 && rnd(seed) % 2)
		spread = 52 + rnd(seed) % 5;
	for (size_t tries = 0; n < want && tries < 64; tries++) {
		uint64_t r = rnd(seed) % 10;
		uint64_t ps = sizes[r < 7 ? 0 : r < 9 ? 1 : 2];
		uint64_t maxp = ps == WBM_4K ? 700 : ps == WBM_2M ? 40 : 3;
		struct wbm_map x;

		x.page_size = ps;
		x.len = (1 + rnd(seed) % maxp) * ps;
		x.start = (base + (rnd(seed) & ((1ull << spread) - 1))) / ps *
			  ps;
		if (x.start + x.len > space || x.start + x.len < x.start ||
		    overlaps(m, n, &x))
			continue;
		m[n++] = x;
	}
	return n;
}

static void brute_force_radix(void **state)
{
	uint64_t seed = 12345, pages = 0, tables = 0;
	int sets = 0;

	(void)state;
	for (int iter = 0; iter < 3000; iter++) {
		int levels = iter % 3 ? 4 : 5;
		struct wbm_map m[8];
		size_t n = random_set(&seed, levels, m);
		struct tree t = { calloc(1, sizeof(struct node)), { 0 } };
		struct wbm_pt_count c;

		assert_non_null(t.root);
		if (!n) {
			free(t.root);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			for (uint64_t a = m[i].start; a < m[i].start + m[i].len;
			     a += m[i].page_size, pages++)
				insert_page(&t, levels, a,
					    wbm_pt_leaf_level(m[i].page_size));
		t.count[levels] = 1;
		assert_int_equal(wbm_pt_count(m, n, levels, &c), 0);
		for (int l = 1; l <= levels; l++) {
			tables += t.count[l];
			if (c.tables[l] != t.count[l])
				print_message("# set %d level %d: model %llu "
					      "tree %llu\n",
					      iter, l,
					      (unsigned long long)c.tables[l],
					      (unsigned long long)t.count[l]);
			assert_int_equal(c.tables[l], t.count[l]);
		}
		free_node(t.root, levels);
		sets++;
	}
	print_message("# %d random mapping sets cross-checked (%llu pages, "
		      "%llu tables)\n",
		      sets, (unsigned long long)pages,
		      (unsigned long long)tables);
	assert_true(sets > 2500);
}

static void hand_cases(void **state)
{
	struct wbm_pt_count c;
	/* 8 MiB of 4K at 2 MiB + 4K: straddles 5 PTE tables */
	struct wbm_map a[] = { { (2 << 20) + 4096, 8 << 20, WBM_4K } };
	/* 1 GiB of 2M pages and 1 GiB page, 512 GiB apart */
	struct wbm_map b[] = { { 1ull << 39, 1ull << 30, WBM_2M },
			       { 2ull << 39, 1ull << 30, WBM_1G } };

	(void)state;
	assert_int_equal(wbm_pt_count(a, 1, 4, &c), 0);
	assert_int_equal(c.tables[1], 5);
	assert_int_equal(c.tables[2], 1);
	assert_int_equal(c.tables[3], 1);
	assert_int_equal(c.tables[4], 1);
	assert_int_equal(c.total_bytes, 8 * 4096);
	assert_int_equal(c.vmpte_bytes, 7 * 4096);
	assert_int_equal(wbm_pt_count(b, 2, 4, &c), 0);
	assert_int_equal(c.tables[1], 0);
	assert_int_equal(c.tables[2], 1);
	assert_int_equal(c.tables[3], 2);
	assert_int_equal(c.vmpte_bytes, 3 * 4096);
	/* 5 levels: the P4D is a table but Linux does not charge it */
	assert_int_equal(wbm_pt_count(b, 2, 5, &c), 0);
	assert_int_equal(c.tables[4], 1);
	assert_int_equal(c.tables[5], 1);
	assert_int_equal(c.total_bytes, 5 * 4096);
	assert_int_equal(c.vmpte_bytes, 3 * 4096);
	/* unsorted input is counted the same */
	struct wbm_map r[] = { b[1], b[0] };
	assert_int_equal(wbm_pt_count(r, 2, 4, &c), 0);
	assert_int_equal(c.tables[3], 2);
}

static void bad_mappings_are_reported(void **state)
{
	struct wbm_map m[] = { { 0x200000, 0x200000, WBM_2M },
			       { 0x1000, 0x2000, WBM_4K },
			       { 0x300000, 0x1000, WBM_4K } };
	struct wbm_pt_count c;
	enum wbm_map_err why;
	size_t bad, other;

	(void)state;
	assert_int_equal(wbm_maps_check(m, 3, 4, &bad, &other, &why), -EINVAL);
	assert_int_equal(why, WBM_MAP_OVERLAP);
	assert_int_equal(bad, 2);
	assert_int_equal(other, 0);
	assert_int_equal(wbm_pt_count(m, 3, 4, &c), -EINVAL);
	m[2].start = 0x400000;
	assert_int_equal(wbm_maps_check(m, 3, 4, &bad, &other, &why), 0);
	m[0].start = 0x201000;
	assert_int_equal(wbm_maps_check(m, 3, 4, &bad, &other, &why), -EINVAL);
	assert_int_equal(why, WBM_MAP_UNALIGNED);
	assert_int_equal(bad, 0);
	m[0].start = 0x200000;
	m[1].page_size = 8192;
	assert_int_equal(wbm_maps_check(m, 3, 4, &bad, &other, &why), -EINVAL);
	assert_int_equal(why, WBM_MAP_BAD_PAGE_SIZE);
	m[1].page_size = WBM_4K;
	m[1].start = 1ull << 48;
	assert_int_equal(wbm_maps_check(m, 3, 4, &bad, &other, &why), -EINVAL);
	assert_int_equal(why, WBM_MAP_BEYOND);
	assert_int_equal(wbm_maps_check(m, 3, 5, &bad, &other, &why), 0);
	assert_int_equal(wbm_maps_check(m, 3, 3, &bad, &other, &why), -EINVAL);
}

static void ipt_break_even_by_hand(void **state)
{
	struct wbm_fleet_spec s = { .procs = 10,
				    .private_bytes = 1ull << 30,
				    .private_page = WBM_4K,
				    .shared_page = WBM_4K,
				    .phys_bytes = 1ull << 40,
				    .ipt_entry_bytes = 16,
				    .levels = 4 };
	struct wbm_fleet f;

	(void)state;
	/* one process: PGD + PUD + PMD + 512 PTE = 515 pages = 2109440 B;
	 * inverted: 2^28 frames x 16 B = 4 GiB;
	 * 4294967296 / 2109440 = 2036.07, so 2037 processes outgrow it */
	assert_int_equal(wbm_fleet(&s, &f), 0);
	assert_int_equal(f.per_proc.total_bytes, 515 * 4096);
	assert_int_equal(f.ipt_bytes, 4ull << 30);
	assert_int_equal(f.hier_bytes, 10 * 515 * 4096);
	assert_int_equal(f.breakeven_procs, 2037);
	assert_true(2036ull * 515 * 4096 <= f.ipt_bytes);
	assert_true(2037ull * 515 * 4096 > f.ipt_bytes);
}

static void sharing(void **state)
{
	struct wbm_fleet_spec s = { .procs = 100,
				    .shared_bytes = 4ull << 30,
				    .private_page = WBM_4K,
				    .shared_page = WBM_2M,
				    .phys_bytes = 1ull << 36,
				    .ipt_entry_bytes = 16,
				    .levels = 4,
				    .share = WBM_SHARE_HUGETLB_PMD };
	struct wbm_fleet f;

	(void)state;
	/* 4 GiB of 2M hugetlb: 4 PMD tables, shared; PUD + PGD private */
	assert_int_equal(wbm_fleet(&s, &f), 0);
	assert_int_equal(f.per_proc.tables[2], 4);
	assert_int_equal(f.shared_once_bytes, 4 * 4096);
	assert_int_equal(f.hier_bytes, 100 * 2 * 4096 + 4 * 4096);
	/* Linux still charges each process for the shared PMD pages */
	assert_int_equal(f.vmpte_bytes_per_proc, 5 * 4096);
	/* branch what-if with 4K pages: 2048 PTE + 4 PMD tables shared */
	s.shared_page = WBM_4K;
	s.share = WBM_SHARE_BRANCHES;
	assert_int_equal(wbm_fleet(&s, &f), 0);
	assert_int_equal(f.shared_once_bytes, (2048 + 4) * 4096);
	assert_int_equal(f.hier_bytes, 100 * 2 * 4096 + (2048 + 4) * 4096);
	s.share = WBM_SHARE_NONE;
	assert_int_equal(wbm_fleet(&s, &f), 0);
	assert_int_equal(f.hier_bytes, 100ull * (2048 + 4 + 2) * 4096);
}

static void population_matches_fleet(void **state)
{
	struct wbm_proc_map m[2] = {
		{ { 1ull << 39, 1ull << 30, WBM_4K }, 0, 0 },
		{ { 2ull << 39, 4ull << 30, WBM_2M }, 7, 1 },
	};
	struct wbm_proc procs[5];
	struct wbm_fleet_spec s = { .procs = 5,
				    .private_bytes = 1ull << 30,
				    .private_page = WBM_4K,
				    .shared_bytes = 4ull << 30,
				    .shared_page = WBM_2M,
				    .phys_bytes = 1ull << 36,
				    .ipt_entry_bytes = 16,
				    .levels = 4 };
	enum wbm_share modes[] = { WBM_SHARE_NONE, WBM_SHARE_HUGETLB_PMD,
				   WBM_SHARE_BRANCHES };
	struct wbm_fleet f;
	struct wbm_pop p;
	size_t bad;

	(void)state;
	for (int i = 0; i < 5; i++)
		procs[i] = (struct wbm_proc){ m, 2 };
	for (int i = 0; i < 3; i++) {
		s.share = modes[i];
		assert_int_equal(wbm_fleet(&s, &f), 0);
		assert_int_equal(wbm_pop_count(procs, 5, 4, modes[i], &p, &bad),
				 0);
		assert_int_equal(p.pt_bytes, f.hier_bytes);
		assert_int_equal(p.vmpte_bytes, 5 * f.vmpte_bytes_per_proc);
		assert_int_equal(p.data_bytes, f.data_bytes);
	}
	/* the same object at another address in one process: that process
	 * shares nothing, the other four still do */
	struct wbm_proc_map moved[2] = { m[0], m[1] };
	moved[1].map.start = 3ull << 39;
	procs[4] = (struct wbm_proc){ moved, 2 };
	assert_int_equal(
		wbm_pop_count(procs, 5, 4, WBM_SHARE_HUGETLB_PMD, &p, &bad), 0);
	assert_int_equal(p.pt_bytes, p.pt_bytes_unshared - 3 * 4 * 4096);
	/* a process with overlapping mappings is named */
	moved[1].map.start = 1ull << 39;
	assert_int_equal(wbm_pop_count(procs, 5, 4, WBM_SHARE_NONE, &p, &bad),
			 -EINVAL);
	assert_int_equal(bad, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_cases),
		cmocka_unit_test(brute_force_radix),
		cmocka_unit_test(bad_mappings_are_reported),
		cmocka_unit_test(ipt_break_even_by_hand),
		cmocka_unit_test(sharing),
		cmocka_unit_test(population_matches_fleet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
