/* SPDX-License-Identifier: MIT */
/*
 * A translation regime: the shape of one architecture's radix tables for a
 * granule and virtual-address size, so the footprint and walk models serve
 * x86-64 and arm64 with one implementation.
 *
 * Levels are numbered as everywhere else in the model: 1 is the table that
 * holds the smallest pages (x86 PTE table, Arm lookup level 3), and
 * @levels is the top table. Arm's lookup level is 4 - l: model level 1 is
 * Arm level 3, 2 is Arm level 2, 3 Arm level 1, 4 Arm level 0 and, with
 * FEAT_LPA2 and the 4K granule, 5 is Arm level -1.
 *
 * Sources: Arm Architecture Reference Manual for A-profile (DDI 0487),
 * issue A chapter D4 "The AArch64 Virtual Memory System Architecture":
 * D4.2.6 "The VMSAv8-64 translation table format", Table D4-20 (granule,
 * block and page sizes: blocks at levels 1 and 2 for 4KB, level 2 only for
 * 16KB and 64KB) and its subsection "Concatenated translation tables for
 * the initial stage 2 lookup"; D4.2.7 "The algorithm for finding the
 * translation table entries", Tables D4-25, D4-26 and D4-27 (the lookup
 * levels for each TnSZ with the 4KB, 16KB and 64KB granule). The 52-bit
 * sizes and their extra blocks are FEAT_LPA2 and FEAT_LVA/FEAT_LPA of later
 * issues. Linux's arch/arm64/include/asm/pgtable-hwdef.h derives the same
 * level counts (ARM64_HW_PGTABLE_LEVELS: ceil((va - shift) / (shift - 3)))
 * and the contiguous runs (CONT_PTE_SHIFT, CONT_PMD_SHIFT).
 */
#ifndef WBM_REGIME_H
#define WBM_REGIME_H

#include "model.h"

enum wbm_arch {
	WBM_ARCH_X86_64 = 0,
	WBM_ARCH_ARM64 = 1,
};

#define WBM_16K ((uint64_t)16384)
#define WBM_64K ((uint64_t)65536)
#define WBM_REGIME_MAX_LEVELS 5

struct wbm_regime {
	enum wbm_arch arch;
	uint64_t granule; /* bytes of a table and of the smallest page */
	int va_bits; /* input address bits translated */
	int levels; /* tables walked for a granule-sized page */
};

/* x86-64 with 4- or 5-level paging (48 or 57 bits); -EINVAL otherwise. */
int wbm_regime_x86(int levels, struct wbm_regime *r);

/*
 * arm64 stage 1 (or stage 2, whose tables have the same shape without
 * concatenation) with granule 4K, 16K or 64K and @va_bits from 25 to 52.
 * More than 48 bits needs FEAT_LPA2 (4K, 16K) or FEAT_LVA (64K); such a
 * regime is taken to also have 52-bit output addresses, which is what
 * allows the largest blocks (wbm_regime_leaf_depth). levels =
 * ceil((va_bits - log2 granule) / (log2 granule - 3)). -EINVAL for
 * another granule or size.
 */
int wbm_regime_arm64(uint64_t granule, int va_bits, struct wbm_regime *r);

/* log2 of the granule, and address bits resolved by one table. */
int wbm_regime_page_shift(const struct wbm_regime *r);
int wbm_regime_bits_per_level(const struct wbm_regime *r);
/* Entries in a full table (granule / 8) and in the top table. */
uint64_t wbm_regime_entries(const struct wbm_regime *r);
uint64_t wbm_regime_top_entries(const struct wbm_regime *r);
/* Bytes of the top table: its entries x 8 (a page on x86). */
uint64_t wbm_regime_top_bytes(const struct wbm_regime *r);
/* Bytes of address one entry of a level-@level table maps (1: a page). */
uint64_t wbm_regime_entry_span(const struct wbm_regime *r, int level);
/* Bytes of address one level-@level table covers; the top covers it all. */
uint64_t wbm_regime_cover(const struct wbm_regime *r, int level);
/* Bytes of input address space: 1 << va_bits. */
uint64_t wbm_regime_space(const struct wbm_regime *r);

/*
 * The table level whose entries map @page_size (a page or a block), or 0
 * if the regime has no such leaf. x86: 4K (1), 2M (2), 1G (3). arm64 4K
 * granule: 4K (1), 2M (2), 1G (3), and 512G (4) with 52 bits; 16K: 16K
 * (1), 32M (2), and 64G (3) with 52 bits; 64K: 64K (1), 512M (2), and 4T
 * (3) with 52 bits.
 */
int wbm_regime_leaf_level(const struct wbm_regime *r, uint64_t page_size);

/* Table reads of one walk to a leaf of @page_size: levels - leaf + 1. */
int wbm_regime_leaf_depth(const struct wbm_regime *r, uint64_t page_size,
			  int *depth);

/*
 * The contiguous hint at @level (arm64 only): how many adjacent, aligned
 * entries with the Contiguous bit set one TLB entry may hold (Arm ARM,
 * "The Contiguous bit"), or 0 where the model has none (every x86 level).
 * 4K granule: 16 at levels 1, 2 and 3 (64K, 32M, 16G); 16K: 128 at level 1
 * (2M), 32 at level 2 (1G); 64K: 32 at levels 1 and 2 (2M, 16G). Runs of
 * the 52-bit blocks are left out: see README.md, "arm64".
 */
unsigned int wbm_regime_contig(const struct wbm_regime *r, int level);

/* "x86-64 4-level", "arm64 4K granule, 48-bit VA, 4 levels". */
int wbm_regime_describe(const struct wbm_regime *r, char *buf, size_t len);

/*
 * Page-table footprint under @r: out->tables[l] for l = 1..levels (the top
 * is always 1), total_bytes = every table (full tables are a granule, the
 * top its own size), vmpte_bytes = what Linux charges to
 * mm->pgtables_bytes: the tables of levels 1 to min(3, levels - 1), each a
 * granule (mm_inc_nr_ptes/pmds/puds add PTRS_PER_* x 8; a folded level is
 * no table and charges nothing; the top and a P4D level never do).
 * Mappings are checked as wbm_maps_check() does, against the regime's
 * leaves and address space; -EINVAL on any problem.
 */
int wbm_pt_count_regime(const struct wbm_map *maps, size_t n,
			const struct wbm_regime *r, struct wbm_pt_count *out);

#endif
