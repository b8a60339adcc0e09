/* SPDX-License-Identifier: MIT */
/*
 * Memory references per address translation: one layer, nested (2D) walks
 * and k stacked layers, worst case and expected with paging-structure caches
 * (PWC) and a nested TLB. wbm_walk_worst() is in model.h.
 *
 * Layers are listed guest first (outermost), host last (on arm64: stage 1,
 * then stage 2). A layer's leaf depth d is the number of table reads its
 * own walk makes: levels for 4K pages, levels - 1 for 2M, levels - 2 for
 * 1G on x86-64; levels - leaf level + 1 in any regime.
 */
#ifndef WBM_WALK_H
#define WBM_WALK_H

#include "model.h"
#include "regime.h"

#define WBM_MAX_LAYERS 8

/* -EINVAL unless levels is 4 or 5 and page_size 4K, 2M or 1G (x86-64). */
int wbm_leaf_depth(int levels, uint64_t page_size, int *depth);

/*
 * wbm_walk_worst() for layers of any regime (arm64 stage 1 over stage 2,
 * say): prod(d_i + 1) - 1 with d_i = wbm_regime_leaf_depth(). A stage-2
 * walk has the shape of a stage-1 walk of the same granule and size; the
 * concatenated initial tables stage 2 allows are not modelled.
 */
int wbm_walk_worst_regime(const struct wbm_regime *regimes,
			  const uint64_t *page_sizes, int k, uint64_t *refs);

struct wbm_layer {
	int levels; /* x86-64 paging levels, used when @regime is NULL */
	uint64_t page_size;
	/* The layer's translation regime; NULL: x86-64 with @levels. */
	const struct wbm_regime *regime;
	/*
	 * pwc_hit[j], j = 2..levels: probability that the walker finds the
	 * entry of level j (the pointer to a level j-1 table) in its PWC, so
	 * the reads of levels >= j are skipped. The walker tries the lowest
	 * level first, as Intel's PDE/PDPTE/PML4E caches are searched.
	 * Levels at or below the leaf are ignored. All 0: no PWC.
	 */
	double pwc_hit[6];
	/*
	 * Probability that a translation of this layer's output address
	 * through the layers below it (a nested TLB caching gPA -> hPA)
	 * hits, costing no reads. Ignored for the last layer.
	 */
	double ntlb_hit;
};

/* Expected reads of one layer's own walk with its PWC. */
int wbm_walk_layer_expected(const struct wbm_layer *l, double *refs);

/*
 * Expected references for one translation through @k layers:
 * E(1..k) = e1 + (e1 + 1) (1 - ntlb1) E(2..k), where e1 is layer 1's own
 * expected reads: each of its reads, and the final address, is an address
 * of the next layer. With every hit rate 0 this is prod(d_i + 1) - 1.
 */
int wbm_walk_expected(const struct wbm_layer *layers, int k, double *refs);

/* Reads per level for the worst case of a 2D walk: how many of the refs
 * are guest-table reads (d_g) and how many are host-table reads. */
int wbm_walk_2d_split(int lg, uint64_t pg, int lh, uint64_t ph,
		      uint64_t *guest_reads, uint64_t *host_reads);

#endif
