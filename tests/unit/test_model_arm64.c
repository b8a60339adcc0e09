// SPDX-License-Identifier: MIT
/*
 * The arm64 translation regimes against published figures: levels per
 * granule and VA size, block sizes, contiguous runs, stage-1 x stage-2
 * worst cases, Linux's VmPTE for sample layouts, the CPU table's Arm rows,
 * and an independent per-page count of the tables for random layouts.
 *
 * "Arm ARM" is the Arm Architecture Reference Manual for A-profile, DDI
 * 0487, issue A chapter D4 unless a row says otherwise.
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
#include "model/pt.h"
#include "model/regime.h"
#include "model/walk.h"

#define K4 ((uint64_t)4 << 10)
#define K16 ((uint64_t)16 << 10)
#define K64 ((uint64_t)64 << 10)
#define M2 ((uint64_t)2 << 20)
#define M32 ((uint64_t)32 << 20)
#define M512 ((uint64_t)512 << 20)
#define G1 ((uint64_t)1 << 30)
#define G16 ((uint64_t)16 << 30)
#define G64 ((uint64_t)64 << 30)
#define G512 ((uint64_t)512 << 30)
#define T4 ((uint64_t)4 << 40)

/* One published row: a regime and the figures a source gives for it. */
struct row {
	uint64_t granule;
	int va_bits;
	int levels; /* lookup levels from TnSZ */
	uint64_t top_entries;
	uint64_t blocks[3]; /* leaf sizes above the page, 0-terminated */
};

/*
 * Levels: Arm ARM D4.2.7 Tables D4-25 (4KB), D4-26 (16KB), D4-27 (64KB):
 * the initial lookup level for each TnSZ (VA = 64 - TnSZ); Linux's
 * ARM64_HW_PGTABLE_LEVELS gives the same. Blocks: Table D4-20 (4KB: 1GB at
 * level 1, 2MB at level 2; 16KB: 32MB at level 2; 64KB: 512MB at level 2).
 * 52 bits: FEAT_LPA2 (4KB level 0 512GB blocks, 16KB level 1 64GB blocks,
 * a level -1 with 4KB) and FEAT_LVA/FEAT_LPA (64KB, 4TB level 1 blocks),
 * chapter D8 of later issues.
 */
static const struct row published[] = {
	{ K4, 39, 3, 512, { M2, G1, 0 } },
	{ K4, 48, 4, 512, { M2, G1, 0 } },
	{ K4, 52, 5, 16, { M2, G1, G512 } },
	{ K16, 36, 2, 2048, { M32, 0 } },
	{ K16, 47, 3, 2048, { M32, 0 } },
	{ K16, 48, 4, 2, { M32, 0 } },
	{ K16, 52, 4, 32, { M32, G64, 0 } },
	{ K64, 42, 2, 8192, { M512, 0 } },
	{ K64, 48, 3, 64, { M512, 0 } },
	{ K64, 52, 3, 1024, { M512, T4, 0 } },
};

/* 0 when the model gives every figure of @w, -1 at the first that differs. */
static int check_row(const struct row *w)
{
	struct wbm_regime r;
	int d, n = 0;

	if (wbm_regime_arm64(w->granule, w->va_bits, &r) ||
	    r.levels != w->levels ||
	    wbm_regime_top_entries(&r) != w->top_entries ||
	    wbm_regime_entries(&r) != w->granule / 8 ||
	    wbm_regime_leaf_level(&r, w->granule) != 1)
		return -1;
	for (; n < 3 && w->blocks[n]; n++)
		if (wbm_regime_leaf_depth(&r, w->blocks[n], &d) ||
		    d != r.levels - wbm_regime_leaf_level(&r, w->blocks[n]) + 1)
			return -1;
	/* no other size is a leaf: walk every entry span */
	for (int l = 2; l <= r.levels; l++) {
		uint64_t span = wbm_regime_entry_span(&r, l);
		int listed = 0;

		for (int i = 0; i < n; i++)
			listed |= w->blocks[i] == span;
		if (listed != (wbm_regime_leaf_level(&r, span) == l))
			return -1;
	}
	return 0;
}

static void levels_and_blocks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++)
		assert_int_equal(check_row(&published[i]), 0);
}

/* The check can fail: rows with one wrong figure each are refused. */
static void wrong_rows_fail(void **state)
{
	static const struct row wrong[] = {
		{ K64, 48, 4, 64, { M512, 0 } }, /* 64K at 48 bits is 3 */
		{ K16, 48, 4, 2, { M32, G64, 0 } }, /* 64G needs LPA2 */
		{ K4, 48, 4, 512, { M2, 0 } }, /* 1G blocks left out */
		{ K4, 39, 3, 1024, { M2, G1, 0 } }, /* top of 512 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		assert_int_equal(check_row(&wrong[i]), -1);
}

static void refused_combinations(void **state)
{
	struct wbm_regime r;
	int d;

	(void)state;
	assert_int_equal(wbm_regime_arm64(K4, 47, &r), -EINVAL);
	assert_int_equal(wbm_regime_arm64(K4, 42, &r), -EINVAL);
	assert_int_equal(wbm_regime_arm64(K16, 39, &r), -EINVAL);
	assert_int_equal(wbm_regime_arm64(K64, 39, &r), -EINVAL);
	assert_int_equal(wbm_regime_arm64(K64, 57, &r), -EINVAL);
	assert_int_equal(wbm_regime_arm64(8192, 48, &r), -EINVAL);
	assert_int_equal(wbm_regime_arm64(M2, 48, &r), -EINVAL);
	/* pages of another granule are no leaf */
	assert_int_equal(wbm_regime_arm64(K16, 48, &r), 0);
	assert_int_equal(wbm_regime_leaf_depth(&r, K4, &d), -EINVAL);
	assert_int_equal(wbm_regime_leaf_depth(&r, M2, &d), -EINVAL);
	assert_int_equal(wbm_regime_leaf_depth(&r, G1, &d), -EINVAL);
	assert_int_equal(wbm_regime_arm64(K64, 42, &r), 0);
	assert_int_equal(wbm_regime_leaf_depth(&r, T4, &d), -EINVAL);
	/* x86-64 keeps its own sizes */
	assert_int_equal(wbm_regime_x86(3, &r), -EINVAL);
	assert_int_equal(wbm_regime_x86(4, &r), 0);
	assert_int_equal(wbm_regime_leaf_depth(&r, K16, &d), -EINVAL);
	assert_int_equal(wbm_regime_leaf_depth(&r, G512, &d), -EINVAL);
}

/*
 * Contiguous runs: Arm ARM "The Contiguous bit" (chapter D4); Linux
 * CONT_PTE_SHIFT / CONT_PMD_SHIFT: 4K 16 x 4K = 64K and 16 x 2M = 32M;
 * 16K 128 x 16K = 2M and 32 x 32M = 1G; 64K 32 x 64K = 2M and 32 x 512M =
 * 16G; Linux's IOMMU armv8pt_contig_count_lg2(): 16 x 1G = 16G for 4K.
 */
static void contiguous_runs(void **state)
{
	static const struct {
		uint64_t granule;
		unsigned int n1, n2;
		uint64_t reach1, reach2;
	} rows[] = {
		{ K4, 16, 16, K64, M32 },
		{ K16, 128, 32, M2, G1 },
		{ K64, 32, 32, M2, G16 },
	};
	struct wbm_regime r;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(wbm_regime_arm64(rows[i].granule, 48, &r), 0);
		assert_int_equal(wbm_regime_contig(&r, 1), rows[i].n1);
		assert_int_equal(wbm_regime_contig(&r, 2), rows[i].n2);
		assert_true(rows[i].n1 * wbm_regime_entry_span(&r, 1) ==
			    rows[i].reach1);
		assert_true(rows[i].n2 * wbm_regime_entry_span(&r, 2) ==
			    rows[i].reach2);
		/* above the first block level only 4K's 1G blocks */
		assert_int_equal(wbm_regime_contig(&r, 3),
				 rows[i].granule == K4 ? 16 : 0);
		assert_int_equal(wbm_regime_contig(&r, 4), 0);
	}
	assert_int_equal(wbm_regime_arm64(K4, 48, &r), 0);
	assert_true(16 * wbm_regime_entry_span(&r, 3) == G16);
	assert_int_equal(wbm_regime_x86(4, &r), 0);
	assert_int_equal(wbm_regime_contig(&r, 1), 0);
}

/*
 * Stage 1 over stage 2: each of the d1 stage-1 reads and the final IPA is
 * translated by stage 2, (d1 + 1)(d2 + 1) - 1 references (the same rule as
 * x86 nested paging; Arm ARM D4.1 "two stages of translation").
 */
static void stage2_worst_cases(void **state)
{
	static const struct {
		uint64_t g1;
		int va1;
		uint64_t p1, g2;
		int va2;
		uint64_t p2, refs;
	} rows[] = {
		{ K4, 48, K4, K4, 48, K4, 24 }, /* 5 x 5 - 1 */
		{ K4, 52, K4, K4, 52, K4, 35 }, /* 6 x 6 - 1 */
		{ K16, 48, K16, K16, 48, K16, 24 },
		{ K16, 47, K16, K16, 48, K16, 19 }, /* 4 x 5 - 1 */
		{ K64, 48, K64, K64, 48, K64, 15 }, /* 4 x 4 - 1 */
		{ K64, 42, K64, K64, 42, K64, 8 }, /* 3 x 3 - 1 */
		{ K4, 39, K4, K4, 48, K4, 19 },
		{ K4, 48, K4, K64, 48, M512, 14 }, /* 5 x 3 - 1 */
		{ K4, 48, M2, K4, 48, M2, 15 }, /* 4 x 4 - 1 */
		{ K16, 48, M32, K64, 48, M512, 11 }, /* 4 x 3 - 1 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct wbm_regime r[2];
		uint64_t ps[2] = { rows[i].p1, rows[i].p2 }, refs = 0;

		assert_int_equal(
			wbm_regime_arm64(rows[i].g1, rows[i].va1, &r[0]), 0);
		assert_int_equal(
			wbm_regime_arm64(rows[i].g2, rows[i].va2, &r[1]), 0);
		assert_int_equal(wbm_walk_worst_regime(r, ps, 2, &refs), 0);
		assert_true(refs == rows[i].refs);
	}
}

/* The regime path gives the x86 answers the old functions gave. */
static void x86_unchanged(void **state)
{
	const int lv[2] = { 4, 4 };
	const uint64_t ps[2] = { K4, K4 };
	struct wbm_regime r[2];
	uint64_t a, b;
	struct wbm_map m = { 0x201000, 8 << 20, K4 };
	struct wbm_pt_count c1, c2;

	(void)state;
	assert_int_equal(wbm_walk_worst(lv, ps, 2, &a), 0);
	wbm_regime_x86(4, &r[0]);
	wbm_regime_x86(4, &r[1]);
	assert_int_equal(wbm_walk_worst_regime(r, ps, 2, &b), 0);
	assert_true(a == 24 && b == 24);
	assert_int_equal(wbm_pt_count(&m, 1, 4, &c1), 0);
	assert_int_equal(wbm_pt_count_regime(&m, 1, &r[0], &c2), 0);
	assert_memory_equal(&c1, &c2, sizeof(c1));
	assert_true(c1.tables[1] == 5 && c1.vmpte_bytes == 28672);
	/* x86 4K pages equal arm64's 4K granule at 48 bits, table for table */
	assert_int_equal(wbm_regime_arm64(K4, 48, &r[1]), 0);
	assert_int_equal(wbm_pt_count_regime(&m, 1, &r[1], &c2), 0);
	assert_memory_equal(&c1, &c2, sizeof(c1));
}

/*
 * VmPTE is mm->pgtables_bytes: mm_inc_nr_ptes/pmds/puds add PTRS_PER_* x 8
 * (one granule) per table, folded levels add nothing and the PGD and P4D
 * are never charged (include/linux/mm.h, mm/memory.c __p4d_alloc).
 */
static void vmpte_samples(void **state)
{
	static const struct {
		uint64_t granule;
		int va;
		struct wbm_map m;
		uint64_t t1, t2, t3, t4, vmpte, total;
	} rows[] = {
		/* 8M of 4K at 0, 39 bits: 4 PTE + 1 PMD, PGD of 512 */
		{ K4, 39, { 0, 8 << 20, K4 }, 4, 1, 1, 0, 5 * K4, 6 * K4 },
		/* 1G of 64K at 1T, 48 bits: 512M per PTE table, 4T per PMD
		 * table, a PGD of 64 entries (512 bytes) */
		{ K64,
		  48,
		  { (uint64_t)1 << 40, G1, K64 },
		  2,
		  1,
		  1,
		  0,
		  3 * K64,
		  3 * K64 + 512 },
		/* 1G of 16K at 0, 48 bits: 32M per PTE table; PMD, PUD and
		 * a PGD of 2 entries (16 bytes) */
		{ K16, 48, { 0, G1, K16 }, 32, 1, 1, 1, 34 * K16, 34 * K16 + 16 },
		/* one 4K page, 52 bits: PTE PMD PUD charged, P4D not, PGD of
		 * 16 entries */
		{ K4, 52, { 0, K4, K4 }, 1, 1, 1, 1, 3 * K4, 4 * K4 + 128 },
		/* 1G of 2M blocks at 1G, 4K granule: no PTE table */
		{ K4, 48, { G1, G1, M2 }, 0, 1, 1, 1, 2 * K4, 3 * K4 },
		/* one 512M block with 64K at 42 bits: only the top table */
		{ K64, 42, { 0, M512, M512 }, 0, 1, 0, 0, 0, K64 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct wbm_regime r;
		struct wbm_pt_count c;

		assert_int_equal(
			wbm_regime_arm64(rows[i].granule, rows[i].va, &r), 0);
		assert_int_equal(wbm_pt_count_regime(&rows[i].m, 1, &r, &c), 0);
		assert_true(c.tables[1] == rows[i].t1);
		assert_true(c.tables[2] == rows[i].t2);
		assert_true(c.tables[3] == rows[i].t3);
		assert_true(c.tables[4] == rows[i].t4);
		assert_true(c.vmpte_bytes == rows[i].vmpte);
		assert_true(c.total_bytes == rows[i].total);
	}
}

static void maps_refused(void **state)
{
	struct wbm_regime r;
	struct wbm_pt_count c;
	size_t bad, other;
	enum wbm_map_err why;
	struct wbm_map m[2] = { { 0, M2, M2 }, { M2, K64, K64 } };

	(void)state;
	assert_int_equal(wbm_regime_arm64(K16, 48, &r), 0);
	/* 2M is no page or block of the 16K granule */
	assert_int_equal(wbm_maps_check_regime(m, 1, &r, &bad, &other, &why),
			 -EINVAL);
	assert_int_equal(why, WBM_MAP_NOT_LEAF);
	assert_int_equal(wbm_pt_count_regime(m, 1, &r, &c), -EINVAL);
	/* 64K granule: a 64K page not aligned to 512M is fine, 2M is not */
	assert_int_equal(wbm_regime_arm64(K64, 48, &r), 0);
	assert_int_equal(
		wbm_maps_check_regime(&m[1], 1, &r, &bad, &other, &why), 0);
	assert_int_equal(wbm_maps_check_regime(m, 2, &r, &bad, &other, &why),
			 -EINVAL);
	assert_int_equal(bad, 0);
	/* beyond 2^42 */
	assert_int_equal(wbm_regime_arm64(K64, 42, &r), 0);
	m[1].start = (uint64_t)1 << 42;
	assert_int_equal(
		wbm_maps_check_regime(&m[1], 1, &r, &bad, &other, &why),
		-EINVAL);
	assert_int_equal(why, WBM_MAP_BEYOND);
}

/* ---- an independent count: every leaf's tables, deduplicated ---- */

struct idset {
	uint64_t *v;
	size_t n, cap;
};

static void idset_add(struct idset *s, uint64_t id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		assert_non_null(s->v);
	}
	s->v[s->n++] = id;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t idset_distinct(struct idset *s)
{
	uint64_t n = 0;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	for (size_t i = 0; i < s->n; i++)
		n += !i || s->v[i] != s->v[i - 1];
	return n;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Each leaf (page or block) needs the table of every level from its own
 * up to the top; the table of level l holding address a is a / cover(l),
 * cover(l) = granule x entries^l computed here from the granule alone.
 */
static void per_leaf_count(void **state)
{
	static const struct {
		uint64_t granule;
		int va;
	} regs[] = { { K4, 39 },  { K4, 48 },  { K4, 52 },  { K16, 36 },
		     { K16, 47 }, { K16, 48 }, { K64, 42 }, { K64, 48 } };
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (size_t ri = 0; ri < sizeof(regs) / sizeof(regs[0]); ri++) {
		for (int trial = 0; trial < 40; trial++) {
			struct wbm_regime r;
			struct wbm_map m[6];
			struct wbm_pt_count c;
			struct idset ids[WBM_REGIME_MAX_LEVELS + 1] = { 0 };
			uint64_t g = regs[ri].granule, bpl = 0, space, slot;
			size_t n = 1 + rnd(&seed) % 6;

			for (uint64_t e = g / 8; e > 1; e >>= 1)
				bpl++;
			assert_int_equal(wbm_regime_arm64(g, regs[ri].va, &r),
					 0);
			space = (uint64_t)1 << regs[ri].va;
			/* slots aligned to the largest leaf used; every other
			 * trial packs them into one level-3 table's range so
			 * that mappings share tables */
			slot = space / n;
			if (trial % 2 && (g << (2 * bpl)) / n < slot)
				slot = (g << (2 * bpl)) / n;
			slot -= slot % (g << bpl);
			for (size_t i = 0; i < n; i++) {
				/* the granule or the first block, sizes kept
				 * small enough to enumerate */
				uint64_t ps = rnd(&seed) % 4 ? g : g << bpl;
				uint64_t most = slot / ps < 300 ? slot / ps
								: 300;
				uint64_t len, room, off;

				if (!most)
					ps = g, most = 1;
				len = ps * (1 + rnd(&seed) % most);
				room = slot - len;
				off = room ? rnd(&seed) % room : 0;
				off -= off % ps;
				m[i] = (struct wbm_map){ i * slot + off, len,
							 ps };
			}
			assert_int_equal(wbm_pt_count_regime(m, n, &r, &c), 0);
			for (size_t i = 0; i < n; i++) {
				int leaf = m[i].page_size == g ? 1 : 2;

				for (uint64_t a = m[i].start;
				     a < m[i].start + m[i].len;
				     a += m[i].page_size)
					for (int l = leaf; l < r.levels; l++) {
						int sh = 0;

						while (((g << (bpl * l)) >>
							sh) > 1)
							sh++;
						idset_add(&ids[l], a >> sh);
					}
			}
			for (int l = 1; l < r.levels; l++) {
				assert_true(idset_distinct(&ids[l]) ==
					    c.tables[l]);
				free(ids[l].v);
			}
			assert_true(c.tables[r.levels] == 1);
		}
	}
}

/* Arm rows of the CPU table: keys from MIDR, N1 from its TRM, unknowns. */
static void arm_cpu_rows(void **state)
{
	struct wbm_cpu c;
	uint64_t l1, l2;
	const char *row;

	(void)state;
	assert_int_equal(wbm_cpu_lookup("ARM", 0x41, 0xd0c, &c), 0);
	assert_string_equal(c.name, "Neoverse N1");
	/* N1 TRM 6.2: L1 DTLB 48 FA, L2 TLB 1280 5-way; 7.1: 64K 4-way */
	assert_int_equal(
		wbm_cpu_tlb_reach("ARM", 0x41, 0xd0c, K4, &l1, &l2, &row), 0);
	assert_true(l1 == 48 && l2 == 1280);
	assert_string_equal(row, "Neoverse N1");
	assert_int_equal(
		wbm_cpu_tlb_reach("ARM", 0x41, 0xd0c, G1, &l1, &l2, &row), 0);
	assert_true(l1 == 0 && l2 == 1280); /* 1G blocks are split in L1 */
	assert_true(c.l1d_bytes == K64 && c.l1d_ways == 4 && c.l1d_line == 64);
	assert_int_equal(wbm_cpu_coalesce(&c, 1), 1);
	/* V1, N2, V2 are listed but their TLBs are unknown, never guessed */
	for (unsigned int part = 0xd40; part <= 0xd4f; part++) {
		int err = wbm_cpu_lookup("ARM", 0x41, part, &c);

		if (part != 0xd40 && part != 0xd49 && part != 0xd4f) {
			assert_int_equal(err, -ENOENT);
			continue;
		}
		assert_int_equal(err, 0);
		assert_int_equal(c.dtlb.n, 0);
		assert_int_equal(wbm_cpu_tlb_reach("ARM", 0x41, part, K4, &l1,
						   &l2, &row),
				 -ENOENT);
	}
	/* another implementer, or an x86 vendor with an Arm part number */
	assert_int_equal(wbm_cpu_lookup("arm64-0x61", 0x61, 0xd0c, &c),
			 -ENOENT);
	assert_int_equal(wbm_cpu_lookup("GenuineIntel", 0x41, 0xd0c, &c),
			 -ENOENT);
	assert_int_equal(wbm_cpu_by_name("neoverse-n1", &c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_and_blocks),
		cmocka_unit_test(wrong_rows_fail),
		cmocka_unit_test(refused_combinations),
		cmocka_unit_test(contiguous_runs),
		cmocka_unit_test(stage2_worst_cases),
		cmocka_unit_test(x86_unchanged),
		cmocka_unit_test(vmpte_samples),
		cmocka_unit_test(maps_refused),
		cmocka_unit_test(per_leaf_count),
		cmocka_unit_test(arm_cpu_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
