// SPDX-License-Identifier: MIT
/*
 * tlb_reach: a dependent-load chase over N pages, one load per page. Pages
 * are visited in one random cycle so neither the prefetchers nor the page
 * walker's locality help, and the cache line used in each page rotates with
 * the visit index so the loads spread over every L1 set instead of piling
 * into one. While N pages fit the first-level DTLB every load hits it; past
 * its reach each load pays an STLB lookup, past the STLB's a page walk:
 * the curve of ns per access against N steps up at those reaches.
 *
 * One iteration is one load. The timed region is the chase only; mapping,
 * faulting and page-size verification happen in setup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/rng.h"
#include "runner/kernel.h"
#include "mem/mem.h"
#include "model/model.h"

#define LINE 64

struct tlb_state {
	struct wb_mem mem;
	void **cur;
	uint64_t pages;
	unsigned int extra_pct; /* test-only injected slowdown */
	char how[64];
};

static const uint64_t page_sizes[] = { WB_4K, WB_2M, 0 };

/* Largest sweep per page size: 2 GiB of 4K pages, 8 GiB of 2M pages
 * (quick: 128 MiB and 1 GiB), so a sweep fits half of a 24 GiB machine. */
static bool tlb_admit(const struct wb_ctx *ctx)
{
	uint64_t bytes = ctx->param[0] * ctx->param[1];

	if (ctx->param[0] == WB_4K)
		return bytes <= (ctx->quick ? 128ull << 20 : 2ull << 30);
	return bytes <= (ctx->quick ? 1ull << 30 : 8ull << 30);
}

static int tlb_setup(struct wb_ctx *ctx, void **statep)
{
	uint64_t psz = ctx->param[0], n = ctx->param[1];
	uint64_t lines = psz / LINE, rng = ctx->seed * 2654435761u + 1;
	struct tlb_state *s;
	uint32_t *order;
	char why[WB_WHY_LEN];
	int err;

	if (n * psz > ctx->mem_limit_bytes && ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "%llu pages of %llu bytes exceed the memory "
				 "limit of %llu bytes",
				 (unsigned long long)n, (unsigned long long)psz,
				 (unsigned long long)ctx->mem_limit_bytes);
	s = calloc(1, sizeof(*s));
	order = malloc(n * sizeof(*order));
	if (!s || !order) {
		free(s);
		free(order);
		return wb_refuse(ctx, WB_FAILED, ENOMEM, "out of memory");
	}
	err = wb_mem_alloc(&s->mem, n * psz, psz,
			   psz == WB_4K ? WB_MEM_BASE : WB_MEM_THP, why,
			   sizeof(why));
	if (err) {
		free(s);
		free(order);
		return wb_refuse(ctx, WB_MISSING, err, "%s", why);
	}
	/* Never measure a silent fallback to smaller pages. */
	err = wb_mem_verify(&s->mem, s->how, sizeof(s->how), why, sizeof(why));
	if (err) {
		wb_mem_free(&s->mem);
		free(s);
		free(order);
		return wb_refuse(
			ctx, err == -EMEDIUMTYPE ? WB_UNTRUSTED : WB_MISSING,
			err, "%s page size not verified: %s",
			psz == WB_4K ? "4K" : "2M", why);
	}
	/* Sattolo's shuffle gives a single cycle through all pages. */
	for (uint64_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (uint64_t i = n - 1; i > 0; i--) {
		uint64_t j = wb_rng_next(&rng) % i;
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (uint64_t k = 0; k < n; k++) {
		uint64_t next = (k + 1) % n;
		char *base = s->mem.addr;
		void **from = (void **)(base + order[k] * psz +
					(k % lines) * LINE);
		void *to = base + order[next] * psz + (next % lines) * LINE;

		*from = to;
	}
	s->cur = (void **)((char *)s->mem.addr + order[0] * psz);
	s->pages = n;
	s->extra_pct = ctx->test_delay_pct;
	free(order);
	*statep = s;
	return 0;
}

static void tlb_run(void *state, uint64_t iterations)
{
	struct tlb_state *s = state;
	void **p = s->cur;

	/* an injected slowdown is more of the same loads, so it scales
	 * with whatever one access costs at this N */
	iterations += iterations * s->extra_pct / 100;
	while (iterations--)
		p = *p;
	/* keep the chain's end live so the loads are not elided */
	s->cur = p;
	__asm__ volatile("" : : "r"(p) : "memory");
}

static int tlb_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct tlb_state *s = state;
	struct wb_smaps_sum sm;
	char why[WB_WHY_LEN];
	int err;

	/* verify again: a huge page split during the run would mean the
	 * curve measured something else */
	err = wb_mem_verify(&s->mem, s->how, sizeof(s->how), why, sizeof(why));
	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "page size changed during the run: %s", why);
	f->page_size_verified = true;
	snprintf(f->page_size_how, sizeof(f->page_size_how), "%s", s->how);
	/* the pages and their size are parameters; what the system holds
	 * of them after the run is the fact */
	err = wb_smaps_scan((uintptr_t)s->mem.addr,
			    (uintptr_t)s->mem.addr + s->mem.len, &sm);
	if (err)
		return wb_refuse(ctx, WB_MISSING, err,
				 "cannot read /proc/self/smaps: %s",
				 strerror(-err));
	return wb_fact(f, "resident_bytes", (double)sm.rss, "smaps");
}

static uint64_t tlb_footprint(const struct wb_ctx *ctx)
{
	return ctx->param[0] * ctx->param[1];
}

static void tlb_teardown(void *state)
{
	struct tlb_state *s = state;

	wb_mem_free(&s->mem);
	free(s);
}

static int tlb_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	uint64_t l1 = 0, l2 = 0;
	const char *row = NULL;
	int err;

	if (!ctx->sys)
		return -EINVAL;
	err = wbm_cpu_tlb_reach(ctx->sys->vendor, ctx->sys->family,
				ctx->sys->model, ctx->param[0], &l1, &l2, &row);
	if (err) {
		snprintf(out->model, sizeof(out->model),
			 "unknown CPU %s family %u model %u: no prediction",
			 ctx->sys->vendor, ctx->sys->family, ctx->sys->model);
		return 0;
	}
	snprintf(out->model, sizeof(out->model), "%s", row);
	/* knee positions move with replacement and with what else the TLB
	 * holds (stack, code): a quarter either way (one sweep step where
	 * the sweep is coarser) allows that and still refutes a TLB of half
	 * or twice the size */
	if (l1)
		wb_predict(out, "l1_dtlb_reach_pages", (double)l1, WB_TOL_KNEE,
			   0.25, "first-level DTLB entries for this page size");
	if (l2)
		wb_predict(out, "l2_tlb_reach_pages", (double)l2, WB_TOL_KNEE,
			   0.25, "second-level TLB entries for this page size");
	return 0;
}

static const struct wb_param tlb_params[] = {
	{ .name = "page_size",
	  .unit = "pagesize",
	  .help = "page size backing the chase (4K base pages, 2M THP)",
	  .def = WB_4K,
	  .quick = WB_4K,
	  .min = WB_4K,
	  .max = WB_2M,
	  .choices = page_sizes },
	{ .name = "pages",
	  .unit = "pages",
	  .help = "pages in the chase, one load each",
	  .def = 64,
	  .quick = 64,
	  .min = 1,
	  .max = 1u << 24,
	  .lo = 8,
	  .hi = 512u << 10,
	  .quick_hi = 512u << 10,
	  .per_octave = 4,
	  .quick_per_octave = 2,
	  /* the page count moves only the knees, which are timings */
	  .functional = WB_FUNC_LOWEST },
	{ 0 },
};

/* The predicted reaches are knees of the curve over pages. */
static const struct wb_xcheck tlb_xchecks[] = {
	{ .kind = WB_XCHECK_KNEE,
	  .row = "l1_dtlb_reach_pages",
	  .metric = "ns_per_access",
	  .param = "pages",
	  .knee = 1 },
	{ .kind = WB_XCHECK_KNEE,
	  .row = "l2_tlb_reach_pages",
	  .metric = "ns_per_access",
	  .param = "pages",
	  .knee = 2 },
	{ 0 },
};

static const struct wb_plot_hint tlb_plots[] = {
	{ .style = WB_PLOT_CURVE,
	  .name = "tlb_reach",
	  .title = "TLB reach",
	  .caption = "Median time per access against pages touched, one line "
		     "per page size; circles mark detected knees, dashed "
		     "lines the model's predicted TLB reach.",
	  .x = "pages",
	  .logx = true,
	  .series = "page_size",
	  .y = "ns_per_access",
	  .marks = { "l1_dtlb_reach_pages", "l2_tlb_reach_pages" },
	  .mark_names = { "L1 dTLB", "L2 TLB" } },
	{ 0 },
};

const struct wb_kernel wb_k_tlb_reach = {
	.name = "tlb_reach",
	.suite = "tlb",
	.summary = "dependent loads over N pages: TLB reach knees",
	.per_iteration = "access",
	.params = tlb_params,
	.requires = 0,
	.setup = tlb_setup,
	.run = tlb_run,
	.check = tlb_check,
	.teardown = tlb_teardown,
	.predict = tlb_predict,
	.admit = tlb_admit,
	.footprint = tlb_footprint,
	.xchecks = tlb_xchecks,
	.plots = tlb_plots,
};
