// SPDX-License-Identifier: MIT
/*
 * walk_pwc: where the paging-structure caches run out.
 *
 * Every access is a TLB miss: `pages` (default 8192, more than any
 * second-level TLB holds) 4K pages are chased in random order. What varies
 * is how many page-table pages the leaves are spread over: `upper_entries`
 * PTE tables, i.e. that many distinct PMD entries, laid out side by side
 * (table t covers [t * 2M, (t + 1) * 2M)), so they also fall under
 * upper_entries / 512 (rounded up) distinct PUD entries.
 *
 * A walk whose PMD entry is in the PDE cache reads only the PTE; once
 * upper_entries exceeds that cache (tens of entries on current cores) it
 * also reads the PMD entry, and once upper_entries / 512 exceeds the
 * PDPTE cache (a handful) the PUD entry too. So ns per access steps up
 * where each cache level runs out, while the number of TLB misses and the
 * data touched stay the same.
 *
 * The pages of one table are spaced evenly through it: from 64 pages per
 * table down, that is 32 KiB or more apart, one PTE per cache line, so the
 * cache footprint of the PTEs stays the same across the sweep. Below
 * upper_entries = pages / 64 the PTEs share lines (8 per line at 512 pages
 * per table); read the lowest points with that in mind.
 *
 * One iteration is one dependent load (an access).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "walk.h"

#define S4K ((uint64_t)1 << 12)
#define S2M ((uint64_t)1 << 21)
#define S512G ((uint64_t)1 << 39)

static const struct wb_param params[] = {
	{ .name = "upper_entries",
	  .unit = "entries",
	  .help = "distinct PMD entries (PTE tables) the pages are spread "
		  "over; a power of two, pages / 512 to pages",
	  .def = 64,
	  .quick = 64,
	  .min = 1,
	  .max = 32768,
	  .lo = 16,
	  .hi = 8192,
	  .quick_hi = 8192,
	  .per_octave = 1,
	  .quick_per_octave = 1 },
	{ .name = "pages",
	  .unit = "pages",
	  .help = "distinct 4K pages chased, a power of two",
	  .def = 8192,
	  .quick = 8192,
	  .min = 512,
	  .max = 32768 },
	{ 0 },
};

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* 0, WB_BADINPUT, or WB_SKIPPED for a swept point this page count cannot
 * make (more tables than pages, or more than 512 pages per table). */
static int check_params(uint64_t tables, uint64_t pages, char *why, size_t len)
{
	if (!pow2(pages) || pages < 512 || pages > 32768) {
		snprintf(why, len,
			 "pages %llu is not a power of two in [512, 32768]",
			 (unsigned long long)pages);
		return WB_BADINPUT;
	}
	if (!pow2(tables) || tables > 32768) {
		snprintf(why, len,
			 "upper_entries %llu is not a power of two in "
			 "[1, 32768]",
			 (unsigned long long)tables);
		return WB_BADINPUT;
	}
	if (tables > pages || pages / tables > 512) {
		snprintf(why, len,
			 "upper_entries %llu outside [pages / 512, pages] = "
			 "[%llu, %llu]",
			 (unsigned long long)tables,
			 (unsigned long long)(pages / 512),
			 (unsigned long long)pages);
		return WB_SKIPPED;
	}
	return 0;
}

static int walk_pwc_setup(struct wb_ctx *ctx, void **state)
{
	uint64_t tables = ctx->param[0], pages = ctx->param[1];
	uint64_t per = pages / tables, *idx, *order;
	struct wbm_map map;
	struct walk_state *st;
	char why[WB_WHY_LEN];
	int err = check_params(tables, pages, why, sizeof(why));

	if (err)
		return wb_refuse(ctx, err, EINVAL, "%s", why);
	if (ctx->mem_limit_bytes && pages * S4K > ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "%llu pages exceed the memory limit",
				 (unsigned long long)pages);
	idx = malloc(pages * sizeof(*idx));
	order = malloc(pages * sizeof(*order));
	if (!idx || !order) {
		free(idx);
		free(order);
		return wb_refuse(ctx, WB_MISSING, ENOMEM, "out of memory");
	}
	walk_shuffle(idx, pages, ctx->seed);
	for (uint64_t k = 0; k < pages; k++) {
		uint64_t t = idx[k] / per, j = idx[k] % per;

		order[k] = t * S2M + j * (S2M / per);
	}
	map = (struct wbm_map){ 0, tables * S2M, S4K };
	err = walk_build(ctx, &st, &map, 1, 0, order, pages);
	free(idx);
	free(order);
	if (!err)
		*state = st;
	return err;
}

static int walk_pwc_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	uint64_t tables = ctx->param[0], pages = ctx->param[1];
	uint64_t pud = (tables + 511) / 512;
	int levels = walk_levels(ctx);
	/* every 2M of the range holds a used page, so its page tables are
	 * those of the whole range */
	struct wbm_map map = { 0, tables * S2M, S4K };
	char why[WB_WHY_LEN];
	int err = check_params(tables, pages, why, sizeof(why));

	if (err)
		return -EINVAL;
	snprintf(out->model, sizeof(out->model), "x86-64 %d-level radix tables",
		 levels);
	err = walk_predict_vmpte(ctx, out, &map, 1, S512G * 2,
				 "one range of upper_entries x 2M, 4K pages");
	/* the premise of the sweep, that every access walks, is what a
	 * counter can refute; the entries each walk reads none counts */
	if (!err)
		err = walk_predict_stlb(ctx, out, pages);
	if (!err)
		err = wb_predict(out, "distinct_pmd_entries", (double)tables,
				 WB_TOL_EXACT, 0, "layout: one per PTE table");
	if (!err)
		err = wb_predict(out, "distinct_pud_entries", (double)pud,
				 WB_TOL_EXACT, 0,
				 "layout: 512 PMD entries each");
	return err;
}

/* The entries are counted from pagemap (walk_check()), not taken from
 * the layout's parameters: a page placed elsewhere than planned shows. */
static int walk_pwc_check(struct wb_ctx *ctx, void *state,
			  struct wb_facts *facts)
{
	struct walk_state *st = state;
	int err = walk_check(ctx, state, facts);

	if (!err)
		err = wb_fact(facts, "distinct_pmd_entries",
			      (double)st->pmd_entries, "pagemap");
	if (!err)
		err = wb_fact(facts, "distinct_pud_entries",
			      (double)st->pud_entries, "pagemap");
	return err;
}

const struct wb_kernel wb_k_walk_pwc = {
	.name = "walk_pwc",
	.suite = "walk",
	.summary = "TLB-missing chase over a varying number of PMD/PUD "
		   "entries: where the paging-structure caches run out",
	.per_iteration = "access",
	.params = params,
	.setup = walk_pwc_setup,
	.run = walk_run,
	.check = walk_pwc_check,
	.teardown = walk_teardown,
	.predict = walk_pwc_predict,
};
