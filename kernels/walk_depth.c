// SPDX-License-Identifier: MIT
/*
 * walk_depth: how much a TLB miss costs when each access needs a new entry
 * at a chosen paging level.
 *
 * Layout: `pages` 4K pages in 64 columns of pages/64 rows. Column c starts
 * at c * stride and holds its rows as consecutive 4K pages (stride 4K: the
 * columns interleave into one contiguous run). The chase visits the pages
 * column by column in a random column order, one random row at a time, so
 * two successive accesses are always in different columns: with stride
 * 2M each access needs another PTE table (a new PMD entry), with 1G
 * another PMD table, with 512G another PUD table, with 256T (5-level
 * paging) another P4D table. 64 columns are more than the paging-structure
 * caches hold at those levels, and pages (default 8192) are more than any
 * second-level TLB holds, so every access misses the TLB and walks from
 * the stride's level down. The number of pages and the data touched are
 * the same in every variant: only the walk differs.
 *
 * One iteration is one dependent load (an access).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "walk.h"

#define COLS 64
#define S4K ((uint64_t)1 << 12)
#define S2M ((uint64_t)1 << 21)
#define S1G ((uint64_t)1 << 30)
#define S512G ((uint64_t)1 << 39)
#define S256T ((uint64_t)1 << 48)

static const uint64_t strides[] = { S4K, S2M, S1G, S512G, S256T, 0 };

static const struct wb_param params[] = {
	{ .name = "stride",
	  .unit = "bytes",
	  .help = "distance between successive pages: 4K, 2M, 1G, 512G, "
		  "256T (5-level paging only)",
	  .def = S4K,
	  .quick = S4K,
	  .min = S4K,
	  .max = S256T,
	  .choices = strides },
	{ .name = "pages",
	  .unit = "pages",
	  .help = "distinct 4K pages chased, a multiple of 64 (the same in "
		  "every variant)",
	  .def = 8192,
	  .quick = 8192,
	  .min = 64,
	  .max = 32768 },
	{ 0 },
};

/* The paging level whose entry changes between two successive accesses. */
static int stride_level(uint64_t stride)
{
	for (int i = 0; strides[i]; i++)
		if (strides[i] == stride)
			return i + 1;
	return -1;
}

static int check_params(const struct wb_ctx *ctx, uint64_t stride,
			uint64_t pages, char *why, size_t len)
{
	if (stride_level(stride) < 0) {
		snprintf(why, len,
			 "stride %llu is not 4K, 2M, 1G, 512G or 256T",
			 (unsigned long long)stride);
		return WB_BADINPUT;
	}
	if (pages < 64 || pages > 32768 || pages % COLS) {
		snprintf(why, len,
			 "pages %llu is not a multiple of 64 in [64, 32768]",
			 (unsigned long long)pages);
		return WB_BADINPUT;
	}
	if (stride == S256T && walk_levels(ctx) < 5) {
		snprintf(why, len,
			 "stride 256T needs 5-level paging (la57 not active)");
		return WB_SKIPPED;
	}
	return 0;
}

/* One map per column (one in all for stride 4K); returns how many. */
static size_t layout_maps(uint64_t stride, uint64_t pages, struct wbm_map *maps)
{
	uint64_t rows = pages / COLS;

	if (stride == S4K) {
		maps[0] = (struct wbm_map){ 0, pages * S4K, S4K };
		return 1;
	}
	for (int c = 0; c < COLS; c++)
		maps[c] = (struct wbm_map){ c * stride, rows * S4K, S4K };
	return COLS;
}

static uint64_t page_off(uint64_t stride, uint64_t c, uint64_t r)
{
	if (stride == S4K)
		return (r * COLS + c) * S4K;
	return c * stride + r * S4K;
}

static int walk_depth_setup(struct wb_ctx *ctx, void **state)
{
	uint64_t stride = ctx->param[0], pages = ctx->param[1];
	uint64_t rows = pages / COLS, col[COLS], *row, *order;
	struct wbm_map maps[COLS];
	struct walk_state *st;
	size_t nmaps;
	char why[WB_WHY_LEN];
	int bad = check_params(ctx, stride, pages, why, sizeof(why));
	int err;

	if (bad)
		return wb_refuse(ctx, bad, EINVAL, "%s", why);
	if (ctx->mem_limit_bytes && pages * S4K > ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "%llu pages exceed the memory limit",
				 (unsigned long long)pages);
	row = malloc(rows * sizeof(*row));
	order = malloc(pages * sizeof(*order));
	if (!row || !order) {
		free(row);
		free(order);
		return wb_refuse(ctx, WB_MISSING, ENOMEM, "out of memory");
	}
	walk_shuffle(col, COLS, ctx->seed);
	walk_shuffle(row, rows, ctx->seed + 1);
	for (uint64_t k = 0; k < pages; k++)
		order[k] = page_off(stride, col[k % COLS], row[k / COLS]);
	nmaps = layout_maps(stride, pages, maps);
	err = walk_build(ctx, &st, maps, nmaps, stride == S256T ? S256T : 0,
			 order, pages);
	free(row);
	free(order);
	if (!err)
		*state = st;
	return err;
}

static int walk_depth_predict(const struct wb_ctx *ctx,
			      struct wb_prediction *out)
{
	uint64_t stride = ctx->param[0], pages = ctx->param[1];
	int levels = walk_levels(ctx);
	struct wbm_map maps[COLS];
	size_t nmaps;
	char why[WB_WHY_LEN], what[64];
	int err;

	if (check_params(ctx, stride, pages, why, sizeof(why)))
		return -EINVAL;
	nmaps = layout_maps(stride, pages, maps);
	snprintf(what, sizeof(what), "%zu runs of 4K pages", nmaps);
	snprintf(out->model, sizeof(out->model), "x86-64 %d-level radix tables",
		 levels);
	/* the layout's tables do not depend on where it sits, only on its
	 * alignment to a top-level entry, as in setup */
	err = walk_predict_vmpte(ctx, out, maps, nmaps,
				 stride == S256T ? S256T : S512G * 2, what);
	/* What the stride changes, the entries each walk reads, no counter
	 * counts; that deeper walks cost more is the ordering check below.
	 * What a counter can refute is that every access walks at all. */
	return err ?: walk_predict_stlb(ctx, out, pages);
}

/* A deeper stride needs more new entries per access, so it is no faster. */
static const struct wb_xcheck xchecks[] = {
	{ .kind = WB_XCHECK_ORDER_BY_PARAM,
	  .row = "ns_ge_shallower_stride",
	  .metric = "ns_per_access",
	  .param = "stride",
	  .same = { "pages" } },
	{ 0 },
};

static const struct wb_plot_hint plots[] = {
	{ .style = WB_PLOT_BARS,
	  .name = "walk_depth",
	  .title = "Page-walk depth",
	  .caption = "Median time per access for each stride (kernel "
		     "walk_depth).",
	  .x = "stride",
	  .y = "ns_per_access" },
	{ 0 },
};

const struct wb_kernel wb_k_walk_depth = {
	.name = "walk_depth",
	.suite = "walk",
	.summary = "TLB-missing chase whose accesses need new entries from a "
		   "chosen paging level down",
	.per_iteration = "access",
	.params = params,
	.setup = walk_depth_setup,
	.run = walk_run,
	.check = walk_check,
	.teardown = walk_teardown,
	.predict = walk_depth_predict,
	.xchecks = xchecks,
	.plots = plots,
};
