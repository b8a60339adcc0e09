/* SPDX-License-Identifier: MIT */
/*
 * Paging-structure caches fed with an address trace: per-level LRU caches
 * of the given sizes (fully associative), each trace address treated as
 * one walk. The result is the per-level hit rates in the form struct
 * wbm_layer.pwc_hit takes, so wbm_walk_layer_expected() on them gives the
 * trace's mean reads per walk exactly.
 */
#ifndef WBM_PWC_H
#define WBM_PWC_H

#include <stddef.h>
#include <stdint.h>

#define WBM_PWC_MAX_ENTRIES 256

struct wbm_pwc_result {
	uint64_t walks;
	uint64_t reads; /* page-table reads over all walks */
	uint64_t first_hits[6]; /* walks whose lowest cached level was j */
	double hit[6]; /* P(hit at j | every lower cache missed) */
	double reads_per_walk;
};

/*
 * @entries[j], j = 2..levels: entries of the cache for level-j entries
 * (0: none, at most WBM_PWC_MAX_ENTRIES). Levels at or below the leaf of
 * @page_size are ignored. -EINVAL for bad levels, sizes or page size.
 */
int wbm_pwc_trace(int levels, uint64_t page_size, const uint32_t *entries,
		  const uint64_t *trace, size_t n, struct wbm_pwc_result *out);

#endif
