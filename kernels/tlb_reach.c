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
 *
 * Between 4K and 2M (mTHP folios of 16K..1M) the region is made of folios
 * of that size, still mapped by 4K PTEs, and the chase loads every 4K page
 * of it: pages counts 4K pages and ns_per_access stays per load. A TLB
 * that holds one PTE per entry sees the 4K curve, knees where the 4K
 * line's are; one that coalesces c contiguous, aligned PTEs into an entry
 * sees them c times further right (at most folio / 4K times). The folio
 * size is switched on through the settings journal in the parent and read
 * back from pagemap+kpageflags in the child: a region that did not get it
 * is never measured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/rng.h"
#include "runner/kernel.h"
#include "mem/mem.h"
#include "mem/mthp.h"
#include "model/model.h"

#define LINE 64

struct tlb_state {
	struct wb_mem mem;
	void **cur;
	uint64_t pages;
	unsigned int extra_pct; /* test-only injected slowdown */
	char how[64];
};

static const uint64_t page_sizes[] = { WB_4K,	  16 << 10,  32 << 10,
				       64 << 10,  128 << 10, 256 << 10,
				       512 << 10, 1 << 20,   WB_2M,
				       0 };
static const uint64_t quick_sizes[] = { WB_4K, 16 << 10, 64 << 10, WB_2M, 0 };

/* A folio size between 4K and 2M: the chase steps over 4K pages. */
static bool is_mthp(uint64_t psz)
{
	return psz > WB_4K && psz < WB_2M;
}

/* What one chase step spans: a 4K page inside mTHP folios, else a page. */
static uint64_t step_bytes(uint64_t psz)
{
	return is_mthp(psz) ? WB_4K : psz;
}

/* The region: the pages chased, whole folios of an mTHP size. */
static uint64_t region_bytes(uint64_t psz, uint64_t pages)
{
	uint64_t b = pages * step_bytes(psz);

	return (b + psz - 1) / psz * psz;
}

/* Largest sweep per page size: 2 GiB of 4K pages (also over mTHP folios,
 * which count 4K pages), 8 GiB of 2M pages (quick: 128 MiB and 1 GiB), so
 * a sweep fits half of a 24 GiB machine. */
static bool tlb_admit(const struct wb_ctx *ctx)
{
	uint64_t bytes = step_bytes(ctx->param[0]) * ctx->param[1];
	if (ctx->param[0] != WB_2M)
		return bytes <= (ctx->quick ? 128ull << 20 : 2ull << 30);
	return bytes <= (ctx->quick ? 1ull << 30 : 8ull << 30);
}

/* In the parent: an mTHP size needs its switch (and no larger size's)
 * set before the child maps; through the journal with --allow-settings. */
static int tlb_prepare_system(struct wb_ctx *ctx)
{
	uint64_t psz = ctx->param[0];

	if (!is_mthp(psz))
		return 0;
	if (ctx->mem_limit_bytes &&
	    region_bytes(psz, ctx->param[1]) > ctx->mem_limit_bytes)
		return 0; /* setup() refuses it with the numbers */
	return wb_mthp_ready(ctx, psz);
}

static enum wb_mem_kind mem_kind(uint64_t psz)
{
	if (psz == WB_4K)
		return WB_MEM_BASE;
	return is_mthp(psz) ? WB_MEM_MTHP : WB_MEM_THP;
}

static int tlb_setup(struct wb_ctx *ctx, void **statep)
{
	uint64_t psz = ctx->param[0], n = ctx->param[1];
	uint64_t step = step_bytes(psz), len = region_bytes(psz, n);
	uint64_t lines = step / LINE, rng = ctx->seed * 2654435761u + 1;
	struct tlb_state *s;
	uint32_t *order;
	char why[WB_WHY_LEN], name[16];
	int err;

	if (len > ctx->mem_limit_bytes && ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "%llu pages of %llu bytes exceed the memory "
				 "limit of %llu bytes",
				 (unsigned long long)n,
				 (unsigned long long)step,
				 (unsigned long long)ctx->mem_limit_bytes);
	/* the parent switched the size, or setup refuses naming why */
	err = is_mthp(psz) ? wb_mthp_ready(ctx, psz) : 0;
	if (err)
		return err;
	if (psz >= 1 << 20)
		snprintf(name, sizeof(name), "%lluM",
			 (unsigned long long)(psz >> 20));
	else
		snprintf(name, sizeof(name), "%lluK",
			 (unsigned long long)(psz >> 10));
	s = calloc(1, sizeof(*s));
	order = malloc(n * sizeof(*order));
	if (!s || !order) {
		free(s);
		free(order);
		return wb_refuse(ctx, WB_FAILED, ENOMEM, "out of memory");
	}
	err = wb_mem_alloc(&s->mem, len, psz, mem_kind(psz), why, sizeof(why));
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
			err, "%s page size not verified: %s", name, why);
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
		void **from = (void **)(base + order[k] * step +
					(k % lines) * LINE);
		void *to = base + order[next] * step + (next % lines) * LINE;

		*from = to;
	}
	s->cur = (void **)((char *)s->mem.addr + order[0] * step);
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

/*
 * The folios that back the region, read back after the run: how the size
 * was verified names them ("pagemap+kpageflags+smaps: 8192 x 16K", cut to
 * what fits), and the count of whole folios of the size is a fact.
 */
static int folio_facts(const struct tlb_state *s, struct wb_facts *f)
{
	struct wb_folio_hist h;
	char text[128];
	size_t o = strlen(f->page_size_how);
	int order = __builtin_ctzll(s->mem.page_size) - 12;
	int err = wb_folio_hist((uintptr_t)s->mem.addr, s->mem.len, &h);

	if (err)
		return err;
	if (wb_folio_hist_text(&h, text, sizeof(text)) == 0 &&
	    o + 3 < sizeof(f->page_size_how))
		snprintf(f->page_size_how + o, sizeof(f->page_size_how) - o,
			 ": %.*s", (int)(sizeof(f->page_size_how) - o - 3),
			 text);
	return wb_fact(f, "folios_of_page_size", (double)h.folios[order],
		       "pagemap+kpageflags");
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
	f->page_size_bytes = s->mem.page_size;
	snprintf(f->page_size_how, sizeof(f->page_size_how), "%s", s->how);
	if (s->mem.kind == WB_MEM_MTHP) {
		err = folio_facts(s, f);
		if (err)
			return wb_refuse(ctx, WB_UNTRUSTED, err,
					 "cannot read the folios back: %s",
					 strerror(-err));
	}
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
	return region_bytes(ctx->param[0], ctx->param[1]);
}

static void tlb_teardown(void *state)
{
	struct tlb_state *s = state;

	wb_mem_free(&s->mem);
	free(s);
}

/*
 * The predicted reaches are the CPU table's entries per level. Over mTHP
 * folios the reach counts 4K pages: the 4K entries, each holding as many
 * pages as the CPU coalesces (at most the folio's). A coalesced entry also
 * needs the pages contiguous below the guest, which the item says
 * (coalesced_pages) so that validate can tell when that is not given.
 */
static int tlb_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	static const char *const quantity[3] = { "", "l1_dtlb_reach_pages",
						 "l2_tlb_reach_pages" };
	static const char *const level[3] = { "", "first-level DTLB",
					      "second-level TLB" };
	uint64_t l[3] = { 0 };
	uint32_t c[3] = { 1, 1, 1 };
	const char *row = NULL;
	bool folio = is_mthp(ctx->param[0]);
	char basis[96];
	int err;

	if (!ctx->sys)
		return -EINVAL;
	err = folio ? wbm_cpu_folio_reach(ctx->sys->vendor, ctx->sys->family,
					  ctx->sys->model, ctx->param[0], true,
					  &l[1], &l[2], &c[1], &c[2], &row)
		    : wbm_cpu_tlb_reach(ctx->sys->vendor, ctx->sys->family,
					ctx->sys->model, ctx->param[0], &l[1],
					&l[2], &row);
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
	for (int lv = 1; lv <= 2; lv++) {
		if (!l[lv])
			continue;
		if (folio)
			snprintf(basis, sizeof(basis),
				 "%s 4K entries x %u pages per entry (PTE "
				 "coalescing %s)",
				 level[lv], c[lv],
				 c[lv] > 1 ? "in the CPU table" : "none");
		else
			snprintf(basis, sizeof(basis),
				 "%s entries for this page size", level[lv]);
		err = wb_predict(out, quantity[lv], (double)l[lv], WB_TOL_KNEE,
				 0.25, basis);
		if (err)
			return err;
		out->item[out->n - 1].coalesced_pages = c[lv];
	}
	return 0;
}

static const struct wb_param tlb_params[] = {
	{ .name = "page_size",
	  .unit = "pagesize",
	  .help = "page size backing the chase (4K base pages, 16K..1M mTHP "
		  "folios, 2M THP); over mTHP folios the chase loads every 4K "
		  "page, so the knees sit at the 4K line's unless the CPU "
		  "coalesces PTEs, then that many times further right",
	  .def = WB_4K,
	  .quick = WB_4K,
	  .min = WB_4K,
	  .max = WB_2M,
	  .choices = page_sizes,
	  .quick_choices = quick_sizes },
	{ .name = "pages",
	  .unit = "pages",
	  .help = "pages in the chase, one load each (4K pages over mTHP "
		  "folios)",
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
		     "lines the model's predicted TLB reach. Over mTHP "
		     "folios (16K..1M) every 4K page is loaded and counted: "
		     "their knees sit on the 4K line's unless the CPU "
		     "coalesces PTEs, then that many times further right. "
		     "Only instances whose folio size pagemap+kpageflags "
		     "verified are drawn.",
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
	.requires = WB_NEED_4K_PAGES,
	.setup = tlb_setup,
	.run = tlb_run,
	.check = tlb_check,
	.teardown = tlb_teardown,
	.predict = tlb_predict,
	.prepare_system = tlb_prepare_system,
	.admit = tlb_admit,
	.footprint = tlb_footprint,
	.xchecks = tlb_xchecks,
	.plots = tlb_plots,
};
