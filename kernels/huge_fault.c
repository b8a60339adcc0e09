// SPDX-License-Identifier: MIT
/*
 * huge_fault: what it costs to get 2 MiB of memory mapped, by the ways
 * Linux has: 512 base-page faults, one THP fault, base pages collapsed
 * into a THP afterwards (MADV_COLLAPSE, what khugepaged does in the
 * background, here synchronous), or faults that each allocate one
 * multi-size THP folio of 16K..1M (ops 4..10: a MADV_HUGEPAGE region with
 * only that size enabled first, switched through the settings journal
 * when allowed; 2 MiB / folio faults per region).
 *
 * One iteration is one 2 MiB region (`region`). prepare() maps a fresh
 * region per iteration (untimed; for `collapse` also faults it in as base
 * pages); run() writes one byte of every 4K page of each region (`fault`
 * and `thp`: the faults are the work) or collapses each region with one
 * madvise (`collapse`). The batch size is fixed (iterations()) so the
 * memory faulted per batch stays bounded.
 *
 * check() verifies after the timed runs that the last batch got what was
 * asked for (base pages 4K, THP and collapsed regions PMD-mapped THPs,
 * mTHP regions whole folios of the size, from pagemap and kpageflags); a
 * batch that fell back is refused as untrusted. Allocation, fallback and
 * compaction are visible as /proc/vmstat deltas per region, and for mTHP
 * as the size's own anon_fault_alloc / anon_fault_fallback deltas
 * (system-wide counters: another process faulting THPs at the same time
 * adds to them).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runner/kernel.h"
#include "mem/faulting.h"
#include "mem/layout.h"
#include "mem/mthp.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

enum {
	OP_BASE = 1,
	OP_THP,
	OP_COLLAPSE,
	OP_MTHP_16K,
	OP_MTHP_32K,
	OP_MTHP_64K,
	OP_MTHP_128K,
	OP_MTHP_256K,
	OP_MTHP_512K,
	OP_MTHP_1M,
};

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

static const uint64_t ops[] = {
	OP_BASE,     OP_THP,	   OP_COLLAPSE,	 OP_MTHP_16K,  OP_MTHP_32K,
	OP_MTHP_64K, OP_MTHP_128K, OP_MTHP_256K, OP_MTHP_512K, OP_MTHP_1M,
	0,
};
/* a quick run keeps the three 2M ways and two folio sizes */
static const uint64_t quick_ops[] = { OP_BASE,	   OP_THP,	OP_COLLAPSE,
				      OP_MTHP_16K, OP_MTHP_64K, 0 };
static const char *const op_name[] = {
	"",
	"base-page faults",
	"THP fault",
	"MADV_COLLAPSE",
	"16K folio faults",
	"32K folio faults",
	"64K folio faults",
	"128K folio faults",
	"256K folio faults",
	"512K folio faults",
	"1M folio faults",
};

/* what --param and the results name them */
static const char *const op_names[] = {
	"",	     "base",	  "thp",      "collapse",
	"mthp-16k",  "mthp-32k",  "mthp-64k", "mthp-128k",
	"mthp-256k", "mthp-512k", "mthp-1m",  NULL,
};

static bool op_mthp(uint64_t op)
{
	return op >= OP_MTHP_16K && op <= OP_MTHP_1M;
}

/* The folio size of an mTHP op, 0 for the others. */
static uint64_t op_folio(uint64_t op)
{
	return op_mthp(op) ? (uint64_t)16384 << (op - OP_MTHP_16K) : 0;
}

static const struct wb_param params[] = {
	{ .name = "op",
	  .unit = "enum",
	  .help = "base (1): fault 512 base pages, thp (2): fault one THP, "
		  "collapse (3): collapse faulted base pages into a THP, "
		  "fault the region as folios: mthp-16k (4), mthp-32k (5), "
		  "mthp-64k (6), mthp-128k (7), mthp-256k (8), mthp-512k (9), "
		  "mthp-1m (10)",
	  .def = OP_BASE,
	  .quick = OP_BASE,
	  .min = 1,
	  .max = OP_MTHP_1M,
	  .choices = ops,
	  .quick_choices = quick_ops,
	  .names = op_names },
	{ .name = "regions",
	  .unit = "regions",
	  .help = "2 MiB regions per timed batch",
	  .def = 64,
	  .quick = 32,
	  .min = 1,
	  .max = 4096 },
	{ 0 },
};

static const char *const vmstat_names[] = {
	"thp_fault_alloc",
	"thp_fault_fallback",
	"thp_collapse_alloc",
	"compact_stall",
};
#define NSTAT (sizeof(vmstat_names) / sizeof(vmstat_names[0]))

struct fault_state {
	struct wb_layout l;
	int op;
	uint64_t cap; /* regions reserved */
	uint64_t batch; /* regions prepared and not yet run */
	uint64_t last; /* regions of the last run, still mapped */
	uint64_t regions_run;
	int collapse_err; /* first MADV_COLLAPSE failure, 0 if none */
	bool prepare_failed;
	uint64_t stat0[NSTAT];
	uint64_t folio; /* mTHP ops: the folio size, else 0 */
	struct wb_mthp_stats mthp0;
};

static int vmstat_read(uint64_t *v)
{
	FILE *f = fopen("/proc/vmstat", "re");
	char name[64];
	unsigned long long x;

	memset(v, 0, NSTAT * sizeof(*v));
	if (!f)
		return -errno;
	while (fscanf(f, "%63s %llu", name, &x) == 2)
		for (size_t i = 0; i < NSTAT; i++)
			if (!strcmp(name, vmstat_names[i]))
				v[i] = x;
	fclose(f);
	return 0;
}

static int check_params(struct wb_ctx *ctx)
{
	uint64_t op = ctx->param[0], regions = ctx->param[1];

	if (op < OP_BASE || op > OP_MTHP_1M)
		return wb_refuse(ctx, WB_BADINPUT, EINVAL,
				 "op %" PRIu64 " is not 1..%d", op, OP_MTHP_1M);
	if (regions < 1 || regions > 4096)
		return wb_refuse(ctx, WB_BADINPUT, EINVAL,
				 "regions %" PRIu64 " is not in [1, 4096]",
				 regions);
	return 0;
}

/* In the parent: an mTHP op's folio size switched on through the
 * journal (restored after the instance). */
static int huge_fault_prepare_system(struct wb_ctx *ctx)
{
	int err = check_params(ctx);

	if (err || !op_mthp(ctx->param[0]))
		return err;
	return wb_mthp_ready(ctx, op_folio(ctx->param[0]));
}

static int huge_fault_setup(struct wb_ctx *ctx, void **state)
{
	uint64_t op = ctx->param[0], regions = ctx->param[1];
	struct fault_state *st;
	char mode[32], why[WB_WHY_LEN];
	int err;

	err = check_params(ctx);
	if (err)
		return err;
	if (ctx->mem_limit_bytes && regions * WB_2M > ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "%" PRIu64 " regions exceed the memory limit",
				 regions);
	/* the child only checks: the parent switched the size, if allowed */
	if (op_mthp(op)) {
		err = wb_mthp_ready(ctx, op_folio(op));
		if (err)
			return err;
	} else if (op != OP_BASE) {
		err = wb_thp_mode(mode, sizeof(mode));
		if (err)
			return wb_refuse(ctx, WB_MISSING, err,
					 "THP not available (%s unreadable)",
					 THP_ENABLED);
		if (!strcmp(mode, "never"))
			return wb_refuse(ctx, WB_MISSING, EPERM,
					 "THP disabled (%s is never)",
					 THP_ENABLED);
		/* with "always" the pages are huge before the collapse */
		if (op == OP_COLLAPSE && !strcmp(mode, "always"))
			return wb_refuse(
				ctx, WB_SKIPPED, EPERM,
				"THP mode always: nothing to collapse");
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return wb_refuse(ctx, WB_MISSING, ENOMEM, "out of memory");
	st->op = (int)op;
	st->cap = regions;
	st->folio = op_folio(op);
	err = wb_layout_reserve(&st->l, regions * WB_2M, 0, why, sizeof(why));
	if (!err)
		err = vmstat_read(st->stat0);
	if (!err && st->folio && wb_mthp_stats_read(st->folio, &st->mthp0))
		snprintf(why, sizeof(why), "no stats for %" PRIu64 "K folios",
			 st->folio >> 10),
			err = -ENOENT;
	if (err) {
		wb_layout_free(&st->l);
		free(st);
		return wb_refuse(ctx, WB_MISSING, err, "%s",
				 why[0] ? why : "cannot read /proc/vmstat");
	}
	*state = st;
	return 0;
}

/* Fresh, unfaulted regions (collapse: faulted as base pages). */
static void huge_fault_prepare(void *state, uint64_t iterations)
{
	struct fault_state *st = state;
	char why[WB_WHY_LEN];
	enum wb_mem_kind kind = st->op == OP_BASE ? WB_MEM_BASE
				: st->folio	  ? WB_MEM_MTHP
						  : WB_MEM_THP;
	unsigned int flags = st->op == OP_COLLAPSE ? WB_LAYOUT_NO_ADVICE
						   : WB_LAYOUT_NO_FAULT;

	if (iterations > st->cap) {
		wb_layout_free(&st->l);
		st->cap = 0;
		if (wb_layout_reserve(&st->l, iterations * WB_2M, 0, why,
				      sizeof(why))) {
			st->prepare_failed = true;
			return;
		}
		st->cap = iterations;
	}
	st->batch = 0;
	/* MAP_FIXED over the old regions drops their pages */
	if (wb_layout_map(&st->l, 0, iterations * WB_2M,
			  st->folio ? st->folio : WB_4K, kind, flags, why,
			  sizeof(why))) {
		st->prepare_failed = true;
		return;
	}
	st->batch = iterations;
}

static void huge_fault_run(void *state, uint64_t iterations)
{
	struct fault_state *st = state;
	volatile char *p = st->l.base;

	if (iterations > st->batch) {
		st->prepare_failed = true; /* check() says so */
		return;
	}
	if (st->op == OP_COLLAPSE) {
		for (uint64_t i = 0; i < iterations; i++)
			if (madvise((char *)p + i * WB_2M, WB_2M,
				    MADV_COLLAPSE) &&
			    !st->collapse_err)
				st->collapse_err = errno;
	} else {
		for (uint64_t o = 0; o < iterations * WB_2M; o += WB_4K)
			p[o] = 1;
	}
	st->batch = 0; /* a region is faulted once */
	st->last = iterations;
	st->regions_run += iterations;
}

/* The folio size's own allocation and fallback counters, per region. */
static int mthp_facts(const struct fault_state *st, struct wb_facts *facts)
{
	struct wb_mthp_stats now;
	double n = (double)st->regions_run;
	int err = wb_mthp_stats_read(st->folio, &now);

	if (!err)
		err = wb_fact(facts, "mthp_anon_fault_alloc_per_region",
			      (double)(now.anon_fault_alloc -
				       st->mthp0.anon_fault_alloc) /
				      n,
			      "sysfs");
	if (!err)
		err = wb_fact(facts, "mthp_anon_fault_fallback_per_region",
			      (double)(now.anon_fault_fallback -
				       st->mthp0.anon_fault_fallback) /
				      n,
			      "sysfs");
	return err;
}

static int huge_fault_check(struct wb_ctx *ctx, void *state,
			    struct wb_facts *facts)
{
	struct fault_state *st = state;
	uint64_t now[NSTAT], n = st->regions_run;
	char why[WB_WHY_LEN] = "";
	int err;

	if (st->prepare_failed || !n)
		return wb_refuse(
			ctx, WB_FAILED, EIO,
			"regions could not be prepared before a batch");
	if (st->collapse_err)
		return wb_refuse(ctx, WB_UNTRUSTED, st->collapse_err,
				 "MADV_COLLAPSE failed: %s",
				 strerror(st->collapse_err));
	err = vmstat_read(now);
	for (size_t i = 0; !err && i < NSTAT; i++) {
		char name[48];

		snprintf(name, sizeof(name), "%s_per_region", vmstat_names[i]);
		err = wb_fact(facts, name, (double)(now[i] - st->stat0[i]) / n,
			      "vmstat");
	}
	if (!err && st->folio)
		err = mthp_facts(st, facts);
	if (err)
		return err;
	/* The last batch is still mapped: is it what was asked for? */
	err = wb_layout_verify(&st->l, 0, st->last * WB_2M,
			       st->op == OP_BASE ? WB_4K
			       : st->folio	 ? st->folio
						 : WB_2M,
			       st->op == OP_BASE ? WB_MEM_BASE
			       : st->folio	 ? WB_MEM_MTHP
						 : WB_MEM_THP,
			       facts->page_size_how,
			       sizeof(facts->page_size_how), why, sizeof(why));
	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "%s: pages not verified: %s", op_name[st->op],
				 why);
	facts->page_size_verified = true;
	facts->page_size_bytes = st->folio	     ? st->folio
				 : st->op == OP_BASE ? WB_4K
						     : WB_2M;
	/* how many regions the timed runs went through, counted by run() */
	return wb_fact(facts, "regions", (double)n, "experiment");
}

static void huge_fault_teardown(void *state)
{
	struct fault_state *st = state;

	if (!st)
		return;
	wb_layout_free(&st->l);
	free(st);
}

static int huge_fault_predict(const struct wb_ctx *ctx,
			      struct wb_prediction *out)
{
	uint64_t op = ctx->param[0];
	static const double faults[] = { 0, 512, 1, 0 };
	int err;

	if (op < OP_BASE || op > OP_MTHP_1M)
		return -EINVAL;
	snprintf(out->model, sizeof(out->model), "Linux fault granularity");
	/* the process's own faults in the timed region */
	if (op_mthp(op))
		err = wb_predict(out, "page_faults_per_region",
				 (double)(WB_2M / op_folio(op)), WB_TOL_EXACT,
				 0, "one fault per folio of the 2 MiB");
	else
		err = wb_predict(out, "page_faults_per_region", faults[op],
				 WB_TOL_EXACT, 0,
				 "512 base pages, one THP, or none (collapse)");
	/* the size's counters count the whole system: tolerate a little */
	if (!err && op_mthp(op))
		err = wb_predict(out, "mthp_anon_fault_alloc_per_region",
				 (double)(WB_2M / op_folio(op)), WB_TOL_REL,
				 0.05, "one folio allocated per fault");
	if (!err && op_mthp(op))
		err = wb_predict(out, "mthp_anon_fault_fallback_per_region", 0,
				 WB_TOL_ABS, 0.1,
				 "no fault fell back to a smaller folio");
	/* vmstat counts the whole system: tolerate a little */
	if (!err)
		err = wb_predict(out, "thp_fault_alloc_per_region",
				 op == OP_THP, WB_TOL_ABS, 0.1,
				 "one THP allocated per THP fault");
	if (!err)
		err = wb_predict(out, "thp_collapse_alloc_per_region",
				 op == OP_COLLAPSE, WB_TOL_ABS, 0.1,
				 "one THP allocated per collapse");
	return err;
}

static uint64_t huge_fault_iterations(const struct wb_ctx *ctx)
{
	return ctx->param[1];
}

const struct wb_kernel wb_k_huge_fault = {
	.name = "huge_fault",
	.suite = "huge",
	.summary = "cost of mapping 2 MiB: 512 base-page faults, one THP "
		   "fault, MADV_COLLAPSE, or faults of 16K..1M folios",
	.per_iteration = "region",
	.requires = WB_NEED_4K_PAGES,
	.params = params,
	.prepare_system = huge_fault_prepare_system,
	.setup = huge_fault_setup,
	.prepare = huge_fault_prepare,
	.run = huge_fault_run,
	.check = huge_fault_check,
	.teardown = huge_fault_teardown,
	.predict = huge_fault_predict,
	.iterations = huge_fault_iterations,
	.faults_in_loop = true,
};
