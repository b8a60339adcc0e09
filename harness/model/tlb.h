/* SPDX-License-Identifier: MIT */
/*
 * A TLB simulator: levels of set-associative LRU structures, each holding
 * some page sizes. A lookup goes from level 1 up, skipping levels with no
 * structure for the page size; a hit fills the levels below it, a miss at
 * every level is a page walk and fills every level (a mostly-inclusive
 * hierarchy, which is what a cyclic chase sees on both vendors).
 *
 * Memory is allocated once in wbm_tlb_new(); an access allocates nothing.
 */
#ifndef WBM_TLB_H
#define WBM_TLB_H

#include "model.h"

#define WBM_TLB_MAX 8 /* structures */
#define WBM_TLB_LEVELS 3

/* Page-size bits for wbm_tlb_struct.sizes. */
#define WBM_SZ_4K 1u
#define WBM_SZ_2M 2u
#define WBM_SZ_1G 4u

struct wbm_tlb_struct {
	int level; /* 1 = L1 DTLB, 2 = second-level TLB */
	unsigned int sizes; /* WBM_SZ_* bits */
	uint32_t entries, ways; /* ways == entries: fully associative */
};

struct wbm_tlb_geom {
	int n;
	struct wbm_tlb_struct s[WBM_TLB_MAX];
};

/* Size bit for a page size, 0 if not 4K/2M/1G. */
unsigned int wbm_tlb_size_bit(uint64_t page_size);

/* -EINVAL for an empty or inconsistent geometry (entries not a multiple of
 * ways, two structures at one level holding one size, level out of range). */
int wbm_tlb_geom_check(const struct wbm_tlb_geom *g);

/* Entries at @level holding @page_size, 0 if none. */
uint32_t wbm_tlb_entries(const struct wbm_tlb_geom *g, int level,
			 uint64_t page_size);

struct wbm_tlb;

int wbm_tlb_new(const struct wbm_tlb_geom *g, struct wbm_tlb **out);
void wbm_tlb_free(struct wbm_tlb *t);
/* Empties every structure and zeroes the counters. */
void wbm_tlb_flush(struct wbm_tlb *t);
/* Zeroes the counters, keeps the contents (after a warm-up). */
void wbm_tlb_clear_stats(struct wbm_tlb *t);

/*
 * One translation of @va in a page of @size_bit (one WBM_SZ_* bit).
 * Returns the level that hit, or 0 for a page walk.
 */
int wbm_tlb_access(struct wbm_tlb *t, uint64_t va, unsigned int size_bit);

struct wbm_tlb_stats {
	uint64_t accesses;
	uint64_t lookups[WBM_TLB_LEVELS + 1]; /* by level */
	uint64_t misses[WBM_TLB_LEVELS + 1]; /* by level */
	uint64_t walks;
};
void wbm_tlb_stats(const struct wbm_tlb *t, struct wbm_tlb_stats *st);

/*
 * The tlb_reach kernel's pattern: @npages pages of @page_size from a
 * 1 GiB-aligned base, visited in a random cyclic order fixed by @seed
 * (a permutation, so each pass touches each page once). @order must hold
 * @npages entries; it is filled here so a sweep reuses one buffer.
 */
int wbm_chase_order(uint64_t npages, uint64_t seed, uint32_t *order);

/* Runs @warm passes, clears the counters, then @passes passes. */
int wbm_tlb_run_chase(struct wbm_tlb *t, const uint32_t *order, uint64_t npages,
		      uint64_t page_size, uint64_t warm, uint64_t passes);

/* Misses per access at @level (0 = walks per access) after a run. */
double wbm_tlb_miss_rate(const struct wbm_tlb_stats *st, int level);

/*
 * Knee of @level (0: the last level, i.e. page walks) for the chase over
 * pages of @page_size: the largest page count whose miss rate at that level
 * stays below one half, found by bisection up to @max_pages. @order needs
 * @max_pages entries. -ENOENT if no structure holds that size there.
 */
int wbm_tlb_knee(struct wbm_tlb *t, uint32_t *order, uint64_t max_pages,
		 uint64_t page_size, int level, uint64_t seed,
		 uint64_t *knee_pages);

#endif
