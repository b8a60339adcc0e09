/* SPDX-License-Identifier: MIT */
/*
 * What the two `walk` kernels share: a sparse layout of 4K pages in a
 * private stretch of address space (harness/mem/layout.h), linked into one
 * pointer-chasing ring, with the VmPTE growth of building it measured and
 * the pages verified as 4K before anything is timed.
 */
#ifndef WB_WALK_H
#define WB_WALK_H

#include "runner/kernel.h"
#include "mem/layout.h"
#include "model/model.h"

#define WALK_MAX_MAPS 64

struct walk_state {
	struct wb_layout l;
	void **cur; /* where the chase goes on from */
	struct wbm_map maps[WALK_MAX_MAPS]; /* ascending offsets */
	size_t nmaps;
	uint64_t *order; /* the pages' offsets, to verify them again */
	uint64_t pages;
	long vmpte_delta_bytes;
	char how[64];
	/* counted from pagemap by walk_check(), after the timed runs */
	uint64_t present, pmd_entries, pud_entries;
};

/* Paging levels in use: 5 with la57 active, else 4. */
int walk_levels(const struct wb_ctx *ctx);
/* A reproducible random permutation of 0..n-1 from @seed. */
void walk_shuffle(uint64_t *a, uint64_t n, uint64_t seed);
/*
 * Map @maps (at most WALK_MAX_MAPS, offsets from 0, 4K pages, whole ranges
 * mapped, only the pages at @order faulted), measure VmPTE around it,
 * verify the pages as 4K and link them in @order. Refuses through @ctx on
 * failure.
 */
int walk_build(struct wb_ctx *ctx, struct walk_state **out,
	       const struct wbm_map *maps, size_t nmaps, uint64_t hint,
	       const uint64_t *order, uint64_t n);
void walk_run(void *state, uint64_t iterations);
/* Facts of both kernels; fills the pagemap counts of the state. */
int walk_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts);
void walk_teardown(void *state);
/*
 * stlb_miss_user_per_access of a ring of @pages distinct 4K pages visited
 * once per round: at least 1 - (L1 + L2 entries) / pages (walk.c says
 * why). Nothing for a CPU not in the model's table or a ring the TLBs
 * could hold.
 */
int walk_predict_stlb(const struct wb_ctx *ctx, struct wb_prediction *out,
		      uint64_t pages);
/* vmpte_delta_bytes for @maps moved to @base, from wbm_pt_count(). */
int walk_predict_vmpte(const struct wb_ctx *ctx, struct wb_prediction *out,
		       struct wbm_map *maps, size_t nmaps, uint64_t base,
		       const char *what);

#endif
