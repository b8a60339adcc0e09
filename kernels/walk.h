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

struct walk_state {
	struct wb_layout l;
	void **cur; /* where the chase goes on from */
	uint64_t *order; /* the pages' offsets, to verify them again */
	uint64_t pages;
	long vmpte_delta_bytes;
	char how[64];
};

/* Paging levels in use: 5 with la57 active, else 4. */
int walk_levels(const struct wb_ctx *ctx);
/* A reproducible random permutation of 0..n-1 from @seed. */
void walk_shuffle(uint64_t *a, uint64_t n, uint64_t seed);
/*
 * Map @maps (offsets from 0, 4K pages, whole ranges mapped, only the pages
 * at @order faulted), measure VmPTE around it, verify the pages as 4K and
 * link them in @order. Refuses through @ctx on failure.
 */
int walk_build(struct wb_ctx *ctx, struct walk_state **out,
	       const struct wbm_map *maps, size_t nmaps, uint64_t hint,
	       const uint64_t *order, uint64_t n);
void walk_run(void *state, uint64_t iterations);
int walk_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts);
void walk_teardown(void *state);
/* vmpte_delta_bytes for @maps moved to @base, from wbm_pt_count(). */
int walk_predict_vmpte(const struct wb_ctx *ctx, struct wb_prediction *out,
		       struct wbm_map *maps, size_t nmaps, uint64_t base,
		       const char *what);

#endif
