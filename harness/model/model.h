/* SPDX-License-Identifier: MIT */
/*
 * The reference paging model: pure C, no system calls, no globals. What the
 * kernels' predict() calls. The full API of each part is in its own header;
 * these are the entry points other parts of walkbench rely on.
 */
#ifndef WBM_MODEL_H
#define WBM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WBM_4K ((uint64_t)4096)
#define WBM_2M ((uint64_t)2 << 20)
#define WBM_1G ((uint64_t)1 << 30)

/* One mapping: [start, start + len) with pages of page_size. */
struct wbm_map {
	uint64_t start, len, page_size;
};

/*
 * Page-table pages per level for one address space. Level 1 holds the
 * tables of PTEs, 2 of PMDs, 3 of PUDs, 4 of P4Ds (5-level only); the top
 * level (PGD) is always one page. vmpte_bytes is what Linux's VmPTE shows
 * for the same layout.
 */
struct wbm_pt_count {
	uint64_t tables[6]; /* index = level, [0] unused */
	uint64_t total_bytes; /* every table page incl. the top */
	uint64_t vmpte_bytes;
};

/* levels is 4 or 5. Overlapping or misaligned maps give -EINVAL. */
int wbm_pt_count(const struct wbm_map *maps, size_t n, int levels,
		 struct wbm_pt_count *out);

/* Worst-case memory references for one translation through k stacked
 * layers, guest first: prod(d_i + 1) - 1 with d_i the leaf depth. */
int wbm_walk_worst(const int *levels, const uint64_t *page_sizes, int k,
		   uint64_t *refs);

/* A CPU's TLB reach from the bundled table, in pages of @page_size:
 * @l1 for the first-level DTLB, @l2 for the second-level TLB (0 if that
 * level does not hold this size). -ENOENT for a CPU not in the table. */
int wbm_cpu_tlb_reach(const char *vendor, unsigned int family,
		      unsigned int model, uint64_t page_size, uint64_t *l1,
		      uint64_t *l2, const char **row_name);

/*
 * The reach, in 4K pages, of a chase over every 4K page of memory backed
 * by folios of @folio_size (a power of two from 8K below 2M: mTHP). The
 * folio is mapped by 4K PTEs; a TLB that coalesces up to c contiguous,
 * aligned PTEs holds min(c, folio / 4K) pages per entry, so the reach at a
 * level is its 4K entries x that. With @coalesce false, or a row without
 * coalescing, it is the 4K reach. @factor1/@factor2 (may be NULL) get the
 * pages per entry used at each level. -EINVAL for another size, -ENOENT
 * for a CPU not in the table.
 */
int wbm_cpu_folio_reach(const char *vendor, unsigned int family,
			unsigned int model, uint64_t folio_size, bool coalesce,
			uint64_t *l1, uint64_t *l2, uint32_t *factor1,
			uint32_t *factor2, const char **row_name);

#endif
