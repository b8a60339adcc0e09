// SPDX-License-Identifier: MIT
/*
 * huge_access: the same access pattern over the same working set on base
 * pages, THP and hugetlbfs pages, so that the difference is translation.
 *
 * One kernel, not one per pattern: the layout, backing, verification and
 * prediction are the same for both patterns, only the timed loop differs.
 *
 *   pattern 1 (chase): one dependent load per 4K page of the working set,
 *     pages in random order, the line within the page rotated so that the
 *     loads spread over the L1D sets. Every access is a new 4K page: with
 *     base pages a TLB miss once the working set exceeds the TLB reach.
 *   pattern 2 (scan): independent 8-byte loads one cache line apart,
 *     sequentially through the working set and round again (throughput).
 *
 *   backing 1 base 4K (MADV_NOHUGEPAGE), 2 THP (MADV_HUGEPAGE in any THP
 *     mode but never), 3 THP with mode "always" and no madvise (switched
 *     through the settings journal when allowed), 4 hugetlbfs 2M,
 *     5 hugetlbfs 1G (needs the 1 GiB pool, i.e. pdpe1gb), 6..12
 *     multi-size THP folios of 16K, 32K, 64K, 128K, 256K, 512K, 1M
 *     (MADV_HUGEPAGE with only that size's switch enabled first, switched
 *     through the settings journal when allowed). An mTHP folio is mapped
 *     by PTEs like 4K pages: the chase still visits every 4K page, so it
 *     compares point by point with base 4K, and what a folio buys is the
 *     CPU's PTE coalescing (if any), not a larger translation.
 *
 * The mapping sits alone in its own 512 GiB-aligned stretch of address
 * space (harness/mem/layout.h), so VmPTE growth is its page tables only. Every
 * page is verified to have the backing's page size before anything is
 * timed; an instance that got a silent fallback is refused as untrusted.
 * hugetlb pages come from the pool; a pool too small is grown through the
 * settings journal (restored by the harness) only when settings changes
 * are allowed. Speed-up over base pages is computed across instances by
 * validate and the plots, not here.
 *
 * One iteration is one load (an access).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/arch.h"
#include "core/env.h"
#include "core/sysfs.h"
#include "core/rng.h"
#include "settings/journal.h"
#include "runner/kernel.h"
#include "mem/layout.h"
#include "mem/mthp.h"
#include "mem/pagemap.h"
#include "model/model.h"

enum {
	PAT_CHASE = 1,
	PAT_SCAN = 2
};
enum {
	B_BASE = 1,
	B_THP,
	B_THP_ALWAYS,
	B_HUGETLB_2M,
	B_HUGETLB_1G,
	B_MTHP_16K,
	B_MTHP_32K,
	B_MTHP_64K,
	B_MTHP_128K,
	B_MTHP_256K,
	B_MTHP_512K,
	B_MTHP_1M,
};

#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)
#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

static const uint64_t patterns[] = { PAT_CHASE, PAT_SCAN, 0 };
static const uint64_t backings[] = {
	B_BASE,
	B_THP,
	B_THP_ALWAYS,
	B_HUGETLB_2M,
	B_HUGETLB_1G,
	B_MTHP_16K,
	B_MTHP_32K,
	B_MTHP_64K,
	B_MTHP_128K,
	B_MTHP_256K,
	B_MTHP_512K,
	B_MTHP_1M,
	0,
};
/* a quick run keeps every translation size and two folio sizes */
static const uint64_t quick_backings[] = {
	B_BASE,	      B_THP,	  B_THP_ALWAYS, B_HUGETLB_2M,
	B_HUGETLB_1G, B_MTHP_16K, B_MTHP_64K,	0,
};
static const char *const backing_name[] = {
	"",	      "base 4K",    "THP (madvise)", "THP (always)",
	"hugetlb 2M", "hugetlb 1G", "mTHP 16K",	     "mTHP 32K",
	"mTHP 64K",   "mTHP 128K",  "mTHP 256K",     "mTHP 512K",
	"mTHP 1M",    NULL,
};
static const char *const pattern_name[] = { "", "chase", "scan", NULL };
/* what --param and the results name them */
static const char *const backing_names[] = {
	"",	      "base",	   "thp",      "thp-always", "hugetlb-2m",
	"hugetlb-1g", "mthp-16k",  "mthp-32k", "mthp-64k",   "mthp-128k",
	"mthp-256k",  "mthp-512k", "mthp-1m",  NULL,
};

static const struct wb_param params[] = {
	{ .name = "pattern",
	  .unit = "enum",
	  .help = "chase (1): random page chase, scan (2): sequential "
		  "line scan",
	  .def = PAT_CHASE,
	  .quick = PAT_CHASE,
	  .min = 1,
	  .max = 2,
	  .choices = patterns,
	  .names = pattern_name },
	{ .name = "backing",
	  .unit = "enum",
	  .help = "base (1): 4K pages, thp (2): THP madvise, thp-always (3), "
		  "hugetlb-2m (4), hugetlb-1g (5), mTHP folios: mthp-16k (6), "
		  "mthp-32k (7), mthp-64k (8), mthp-128k (9), mthp-256k (10), "
		  "mthp-512k (11), mthp-1m (12)",
	  .def = B_BASE,
	  .quick = B_BASE,
	  .min = 1,
	  .max = B_MTHP_1M,
	  .choices = backings,
	  .quick_choices = quick_backings,
	  .names = backing_names },
	{ .name = "ws",
	  .unit = "bytes",
	  .help = "working set, a multiple of 2M",
	  .def = 64 * MIB,
	  .quick = 64 * MIB,
	  .min = 4 * MIB,
	  .max = 64 * GIB,
	  .lo = 4 * MIB,
	  .hi = 16 * GIB,
	  .quick_hi = GIB,
	  .per_octave = 1,
	  .quick_per_octave = 1 },
	{ 0 },
};

struct huge_state {
	struct wb_layout l;
	int pattern;
	void **cur; /* chase */
	uint64_t ws, off; /* scan */
	uint64_t sum;
	uint64_t map_len, page_size;
	enum wb_mem_kind kind;
	long pt_bytes;
	char how[64];
};

static bool backing_mthp(int b)
{
	return b >= B_MTHP_16K && b <= B_MTHP_1M;
}

/* The size verification expects: the page, or for mTHP the folio. */
static uint64_t backing_page_size(int b)
{
	if (backing_mthp(b))
		return (uint64_t)16384 << (b - B_MTHP_16K);
	return b == B_BASE ? WB_4K : b == B_HUGETLB_1G ? WB_1G : WB_2M;
}

static enum wb_mem_kind backing_kind(int b)
{
	return b == B_BASE	   ? WB_MEM_BASE
	       : backing_mthp(b)   ? WB_MEM_MTHP
	       : b <= B_THP_ALWAYS ? WB_MEM_THP
				   : WB_MEM_HUGETLB;
}

/* The size one page-table entry maps: a folio below 2M is PTE-mapped. */
static uint64_t backing_pte_size(int b)
{
	return backing_mthp(b) ? WB_4K : backing_page_size(b);
}

static int check_params(const struct wb_ctx *ctx, char *why, size_t len)
{
	uint64_t pat = ctx->param[0], b = ctx->param[1], ws = ctx->param[2];

	if (pat != PAT_CHASE && pat != PAT_SCAN) {
		snprintf(why, len, "pattern %" PRIu64 " is not 1 or 2", pat);
		return -EINVAL;
	}
	if (b < B_BASE || b > B_MTHP_1M) {
		snprintf(why, len, "backing %" PRIu64 " is not 1..%d", b,
			 B_MTHP_1M);
		return -EINVAL;
	}
	if (ws < 4 * MIB || ws > 64 * GIB || ws % WB_2M) {
		snprintf(why, len,
			 "ws %" PRIu64 " is not a multiple of 2M in [4M, 64G]",
			 ws);
		return -EINVAL;
	}
	return 0;
}

static bool may_change(const struct wb_ctx *ctx)
{
	return ctx->allow_settings && ctx->journal && geteuid() == 0;
}

static int thp_ready(struct wb_ctx *ctx, int b)
{
	char mode[32];
	int err = wb_sysfs_word(THP_ENABLED, mode, sizeof(mode));

	if (err)
		return wb_refuse(ctx, WB_MISSING, err,
				 "THP not available (%s unreadable)",
				 THP_ENABLED);
	if (b == B_THP && strcmp(mode, "never"))
		return 0;
	if (b == B_THP_ALWAYS && !strcmp(mode, "always"))
		return 0;
	if (!may_change(ctx))
		return wb_refuse(ctx, WB_MISSING, EPERM,
				 "THP mode is '%s' (%s) and settings changes "
				 "are not allowed",
				 mode, THP_ENABLED);
	err = wb_journal_set(ctx->journal, THP_ENABLED,
			     b == B_THP ? "madvise" : "always");
	if (err)
		return wb_refuse(ctx, WB_MISSING, err,
				 "cannot switch THP mode in %s: %s",
				 THP_ENABLED, strerror(-err));
	return 0;
}

/* Make sure the pool has @need free pages of @ps bytes. */
static int pool_ready(struct wb_ctx *ctx, uint64_t ps, uint64_t need)
{
	const char *tag = ps == WB_1G ? "1G" : "2M";
	char dir[96], path[128], val[32];
	uint64_t nr = 0, free_pages = 0;
	int err;

	snprintf(dir, sizeof(dir), "/sys/kernel/mm/hugepages/hugepages-%ukB",
		 (unsigned int)(ps >> 10));
	snprintf(path, sizeof(path), "%s/free_hugepages", dir);
	if (wb_sysfs_u64(path, &free_pages))
		return wb_refuse(ctx, WB_MISSING, ENOENT,
				 "no hugetlb %s pool (%s missing%s)", tag, dir,
				 ps == WB_1G ? "; CPU without pdpe1gb?" : "");
	snprintf(path, sizeof(path), "%s/nr_hugepages", dir);
	if (wb_sysfs_u64(path, &nr))
		return wb_refuse(ctx, WB_MISSING, EIO, "cannot read %s", path);
	if (free_pages >= need)
		return 0;
	if (!may_change(ctx))
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "hugetlb %s pool has %" PRIu64
				 " free of %" PRIu64
				 " needed (nr_hugepages=%" PRIu64
				 ") and settings changes not allowed",
				 tag, free_pages, need, nr);
	snprintf(val, sizeof(val), "%" PRIu64, nr + need - free_pages);
	err = wb_journal_set(ctx->journal, path, val);
	if (!err)
		err = wb_sysfs_u64(path, &nr);
	snprintf(path, sizeof(path), "%s/free_hugepages", dir);
	if (!err)
		err = wb_sysfs_u64(path, &free_pages);
	if (err || free_pages < need)
		return wb_refuse(ctx, WB_MISSING, err ? err : ENOMEM,
				 "could reserve only %" PRIu64 " of %" PRIu64
				 " hugetlb %s pages (nr_hugepages=%" PRIu64 ")",
				 free_pages, need, tag, nr);
	return 0;
}

/* The chase ring and the scan start; untimed. */
static int build_pattern(struct huge_state *st, uint64_t seed)
{
	uint64_t n = st->ws / WB_4K, s = seed * 0x9e3779b97f4a7c15ull + 1;
	uint64_t *off;

	if (st->pattern == PAT_SCAN)
		return 0;
	off = malloc(n * sizeof(*off));
	if (!off)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++)
		off[i] = i * WB_4K;
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j, t;

		j = wb_rng_next(&s) % i;
		t = off[i - 1];
		off[i - 1] = off[j];
		off[j] = t;
	}
	st->cur = wb_layout_ring(&st->l, off, n);
	free(off);
	return 0;
}

static void huge_teardown(void *state);

/*
 * In the parent, before the child: switch THP mode or fill the pool the
 * instance needs, through the journal. In the child setup() finds them
 * ready, or refuses with the reason, since it has no journal.
 */
static int huge_prepare_system(struct wb_ctx *ctx)
{
	int b = (int)ctx->param[1];
	uint64_t ps, map_len;
	char why[WB_WHY_LEN];
	int err = check_params(ctx, why, sizeof(why));

	if (err)
		return wb_refuse(ctx, WB_BADINPUT, err, "%s", why);
	ps = backing_page_size(b);
	map_len = (ctx->param[2] + ps - 1) / ps * ps;
	if (ctx->mem_limit_bytes && map_len > ctx->mem_limit_bytes)
		return 0; /* setup() refuses it with the numbers */
	if (b == B_THP || b == B_THP_ALWAYS)
		return thp_ready(ctx, b);
	if (backing_mthp(b))
		return wb_mthp_ready(ctx, ps);
	if (b >= B_HUGETLB_2M)
		return pool_ready(ctx, ps, map_len / ps);
	return 0;
}

static int huge_setup(struct wb_ctx *ctx, void **state)
{
	int b = (int)ctx->param[1];
	uint64_t ws = ctx->param[2], ps, map_len;
	struct huge_state *st;
	char why[WB_WHY_LEN];
	long before, after;
	int err = check_params(ctx, why, sizeof(why));

	if (err)
		return wb_refuse(ctx, WB_BADINPUT, err, "%s", why);
	ps = backing_page_size(b);
	map_len = (ws + ps - 1) / ps * ps;
	if (ctx->mem_limit_bytes && map_len > ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "%s mapping of %" PRIu64
				 " bytes exceeds the memory limit of %" PRIu64,
				 backing_name[b], map_len,
				 ctx->mem_limit_bytes);
	if (b == B_THP || b == B_THP_ALWAYS)
		err = thp_ready(ctx, b);
	else if (backing_mthp(b))
		err = wb_mthp_ready(ctx, ps); /* the child only checks */
	else if (b >= B_HUGETLB_2M)
		err = pool_ready(ctx, ps, map_len / ps);
	if (err)
		return err;
	st = calloc(1, sizeof(*st));
	if (!st)
		return wb_refuse(ctx, WB_MISSING, ENOMEM, "out of memory");
	st->pattern = (int)ctx->param[0];
	st->ws = ws;
	st->map_len = map_len;
	st->page_size = ps;
	st->kind = backing_kind(b);
	before = wb_vmpte_bytes();
	err = before < 0
		      ? (int)before
		      : wb_layout_reserve(&st->l, map_len, 0, why, sizeof(why));
	if (!err)
		err = wb_layout_map(&st->l, 0, map_len, ps, backing_kind(b),
				    b == B_THP_ALWAYS ? WB_LAYOUT_NO_ADVICE : 0,
				    why, sizeof(why));
	if (err) {
		wb_layout_free(&st->l);
		free(st);
		return wb_refuse(ctx, WB_MISSING, err, "%s: %s",
				 backing_name[b], why);
	}
	after = wb_vmpte_bytes();
	st->pt_bytes = after - before;
	/* Never measure a silent fallback to smaller pages. */
	err = wb_layout_verify(&st->l, 0, map_len, ps, backing_kind(b), st->how,
			       sizeof(st->how), why, sizeof(why));
	if (err) {
		err = wb_refuse(ctx, WB_UNTRUSTED, err,
				"%s pages not verified (%s): %s",
				backing_name[b], st->how, why);
		huge_teardown(st);
		return err;
	}
	err = build_pattern(st, ctx->seed);
	if (err) {
		wb_layout_free(&st->l);
		free(st);
		return wb_refuse(ctx, WB_MISSING, err, "out of memory");
	}
	*state = st;
	return 0;
}

static void huge_run(void *state, uint64_t iterations)
{
	struct huge_state *st = state;

	if (st->pattern == PAT_CHASE) {
		void **p = st->cur;

		while (iterations--)
			p = *p;
		st->cur = p;
	} else {
		const char *base = st->l.base;
		uint64_t off = st->off, sum = st->sum;

		while (iterations--) {
			sum += *(const volatile uint64_t *)(base + off);
			off += 64;
			if (off == st->ws)
				off = 0;
		}
		st->off = off;
		st->sum = sum;
	}
}

/*
 * Huge pages behind the mapping, counted after the timed runs: distinct
 * THP or hugetlb heads in pagemap + kpageflags, or where PFNs are hidden
 * smaps's PMD-mapped THP and hugetlb bytes in units of the page size.
 */
static int count_huge(const struct huge_state *st, int b, uint64_t *n,
		      const char **source)
{
	uintptr_t a = (uintptr_t)st->l.base;
	struct wb_smaps_sum sm;
	int err;

	*source = "pagemap+kpageflags";
	/* a folio below 2M shows only in kpageflags (verified as root) */
	if (st->kind == WB_MEM_MTHP) {
		struct wb_folio_hist h;

		err = wb_folio_hist(a, st->map_len, &h);
		*n = err ? 0 : h.folios[__builtin_ctzll(st->page_size) - 12];
		return err;
	}
	err = wb_pagemap_huge_heads(a, st->map_len, n);
	if (err != -EPERM && err != -EACCES)
		return err;
	*source = "smaps";
	err = wb_smaps_scan(a, a + st->map_len, &sm);
	if (err)
		return err;
	if (b >= B_HUGETLB_2M)
		*n = sm.hugetlb / st->page_size;
	else
		*n = sm.anon_huge / WB_2M;
	return 0;
}

/*
 * The mapping read again after the timed runs: a THP split (or collapsed)
 * meanwhile means the times are of other pages. Setup's reading agreed,
 * or it would have refused.
 */
static int huge_reverify(struct wb_ctx *ctx, const struct huge_state *st,
			 struct wb_facts *facts)
{
	char why[WB_WHY_LEN];
	int err = wb_layout_verify(&st->l, 0, st->map_len, st->page_size,
				   st->kind, facts->page_size_how,
				   sizeof(facts->page_size_how), why,
				   sizeof(why));

	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "after the timed runs the pages are not "
				 "%" PRIu64 "-byte pages: %s",
				 st->page_size, why);
	facts->page_size_verified = true;
	facts->page_size_bytes = st->page_size;
	return 0;
}

static int huge_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	struct huge_state *st = state;
	const char *src;
	uint64_t used;
	int err = count_huge(st, (int)ctx->param[1], &used, &src);

	if (err)
		return wb_refuse(ctx, WB_MISSING, err,
				 "cannot count the huge pages: %s",
				 strerror(-err));
	err = huge_reverify(ctx, st, facts);
	if (err)
		return err;
	{
		const struct wb_fact_row rows[] = {
			{ "page_table_bytes", (double)st->pt_bytes, "status" },
			{ "huge_pages_used", (double)used, src },
			/* what verification accepted, sourced as it read it */
			{ "page_size_bytes", (double)st->page_size, st->how },
		};

		err = WB_FACTS_ADD(facts, rows);
	}
	return err;
}

static void huge_teardown(void *state)
{
	struct huge_state *st = state;

	if (!st)
		return;
	wb_layout_free(&st->l);
	free(st);
}

static int predict_reach(const struct wb_ctx *ctx, struct wb_prediction *out,
			 uint64_t ps)
{
	uint64_t l1 = 0, l2 = 0;
	const char *row = NULL;
	int err;

	if (!ctx->sys)
		return 0;
	err = wbm_cpu_tlb_reach(ctx->sys->vendor, ctx->sys->family,
				ctx->sys->model, ps, &l1, &l2, &row);
	if (err == -ENOENT) {
		snprintf(out->model, sizeof(out->model),
			 "%s family %u model %u not in the CPU table",
			 ctx->sys->vendor, ctx->sys->family, ctx->sys->model);
		return 0;
	}
	if (err)
		return err;
	snprintf(out->model, sizeof(out->model), "CPU table row %s",
		 row ? row : "?");
	/* where the knee in ns per access is expected, not a fact; a
	 * quarter either way (one step of the sweep where it is coarser)
	 * refutes a TLB of half or twice the size */
	err = wb_predict(out, "l1_dtlb_reach_bytes", (double)(l1 * ps),
			 WB_TOL_KNEE, 0.25,
			 "wbm_cpu_tlb_reach L1 entries x size");
	if (!err && l2)
		err = wb_predict(out, "l2_tlb_reach_bytes", (double)(l2 * ps),
				 WB_TOL_KNEE, 0.25,
				 "wbm_cpu_tlb_reach L2 entries x size");
	/*
	 * The base-page chase is a ring over ws / 4K pages, each visited
	 * once a round: a hit needs its entry held for a whole round, so at
	 * most L1 + L2 accesses of a round hit, whatever the replacement.
	 * Huge pages are visited many times a round: no such bound.
	 */
	if (!err && ctx->param[0] == PAT_CHASE && ps == WB_4K &&
	    l1 + l2 < ctx->param[2] / ps) {
		double pages = (double)(ctx->param[2] / ps);
		char basis[96];

		snprintf(basis, sizeof(basis),
			 "ring of %.0f pages, at most %llu + %llu TLB hits a "
			 "round",
			 pages, (unsigned long long)l1, (unsigned long long)l2);
		err = wb_predict(out, "stlb_miss_user_per_access",
				 1.0 - (double)(l1 + l2) / pages, WB_TOL_MIN, 0,
				 basis);
	}
	return err;
}

static int huge_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	int b = (int)ctx->param[1];
	int levels = wb_env_pt_levels(ctx->sys);
	uint64_t ps, map_len, deposit = 0;
	struct wbm_pt_count pt;
	struct wbm_map map;
	char why[WB_WHY_LEN], basis[96];
	int err = check_params(ctx, why, sizeof(why));

	if (err)
		return err;
	ps = backing_page_size(b);
	map_len = (ctx->param[2] + ps - 1) / ps * ps;
	/* placed as in setup: alone in a 512 GiB-aligned stretch; an mTHP
	 * folio needs the PTE tables of its 4K pages */
	map = (struct wbm_map){ (uint64_t)1 << 40, map_len,
				backing_pte_size(b) };
	/* the model's tables are x86-64's, which arm64's 4K granule shares
	 * at 4 and 5 levels; at 3 (39-bit VA) it predicts nothing */
	if (levels < 4) {
		snprintf(out->model, sizeof(out->model),
			 "none: the model counts 4- and 5-level tables, this "
			 "regime has %d",
			 levels);
		return 0;
	}
	snprintf(out->model, sizeof(out->model), "%s %d-level radix tables",
		 ctx->sys && wb_arch_is_arm64(ctx->sys) ? "arm64 4K-granule"
							: "x86-64",
		 levels);
	err = wbm_pt_count(&map, 1, levels, &pt);
	if (err)
		return err;
	/* Linux keeps one PTE table in reserve (deposited) for every
	 * PMD-mapped THP, to split it without allocating, and counts it. */
	if (backing_kind(b) == WB_MEM_THP)
		deposit = map_len / ps * WB_4K;
	snprintf(basis, sizeof(basis), "wbm_pt_count %d-level%s", levels,
		 deposit ? " + 1 deposited PTE table per THP" : "");
	err = wb_predict(out, "page_table_bytes",
			 (double)(pt.vmpte_bytes + deposit), WB_TOL_EXACT, 0,
			 basis);
	if (!err)
		err = wb_predict(out, "huge_pages_used",
				 ps > WB_4K ? (double)(map_len / ps) : 0,
				 WB_TOL_EXACT, 0,
				 backing_mthp(b) ? "mapping / folio size"
						 : "mapping / page size");
	/*
	 * A PTE-mapped folio's reach is 4K entries times what the CPU
	 * coalesces, which the model's CPU table does not say: no knee is
	 * predicted for it rather than the 4K one that coalescing would
	 * refute.
	 */
	if (!err && !backing_mthp(b))
		err = predict_reach(ctx, out, ps);
	return err;
}

/*
 * The predicted reaches are knees of the curve over the working set, in
 * pages of the instance's page size; huge pages must not be slower than
 * base pages on the same pattern and working set.
 */
static const struct wb_xcheck xchecks[] = {
	{ .kind = WB_XCHECK_KNEE,
	  .row = "l1_dtlb_reach_bytes",
	  .metric = "ns_per_access",
	  .param = "ws",
	  .knee = 1,
	  .per_fact = "page_size_bytes" },
	{ .kind = WB_XCHECK_KNEE,
	  .row = "l2_tlb_reach_bytes",
	  .metric = "ns_per_access",
	  .param = "ws",
	  .knee = 2,
	  .per_fact = "page_size_bytes" },
	{ .kind = WB_XCHECK_HUGE_VS_BASE,
	  .row = "ns_huge_le_base",
	  .metric = "ns_per_access",
	  .param = "backing",
	  .base = B_BASE,
	  .same = { "ws", "pattern" } },
	{ 0 },
};

static const struct wb_plot_hint plots[] = {
	{ .style = WB_PLOT_SPEEDUP,
	  .name = "huge_speedup",
	  .title = "Huge vs base pages",
	  .caption = "Base-page time divided by huge-page time on the same "
		     "pattern, against working-set size (kernel "
		     "huge_access).",
	  .x = "ws",
	  .xlabel = "working set",
	  .logx = true,
	  .series = "pattern",
	  .series_names = pattern_name,
	  .y = "ns_per_access",
	  .variant = "backing",
	  .variant_names = backing_names,
	  .base = B_BASE },
	{ 0 },
};

const struct wb_kernel wb_k_huge_access = {
	.name = "huge_access",
	.suite = "huge",
	.summary = "random page chase or line scan on base, THP and hugetlb "
		   "pages, each verified before timing",
	.per_iteration = "access",
	.requires = WB_NEED_4K_PAGES,
	.params = params,
	.prepare_system = huge_prepare_system,
	.setup = huge_setup,
	.run = huge_run,
	.check = huge_check,
	.teardown = huge_teardown,
	.predict = huge_predict,
	/* its huge-vs-base classes sit near the 5% line while its
	 * processes spread by 10-30% on a VM: three processes flip a point's
	 * class between two runs, six hold it (tests/perf/huge_agreement.sh) */
	.min_passes = 6,
	.xchecks = xchecks,
	.plots = plots,
};
