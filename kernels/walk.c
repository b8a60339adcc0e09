// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/rng.h"
#include "mem/pagemap.h"
#include "walk.h"

int walk_levels(const struct wb_ctx *ctx)
{
	return ctx->sys && ctx->sys->la57_active ? 5 : 4;
}

void walk_shuffle(uint64_t *a, uint64_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;

	for (uint64_t i = 0; i < n; i++)
		a[i] = i;
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = wb_rng_next(&s) % i, t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

int walk_build(struct wb_ctx *ctx, struct walk_state **out,
	       const struct wbm_map *maps, size_t nmaps, uint64_t hint,
	       const uint64_t *order, uint64_t n)
{
	struct walk_state *st = calloc(1, sizeof(*st));
	uint64_t span = 0;
	long before, after;
	char why[WB_WHY_LEN] = "";
	int err;

	if (st)
		st->order = malloc(n * sizeof(*order));
	if (!st || !st->order) {
		free(st);
		return wb_refuse(ctx, WB_MISSING, ENOMEM, "out of memory");
	}
	memcpy(st->order, order, n * sizeof(*order));
	if (nmaps > WALK_MAX_MAPS) {
		free(st->order);
		free(st);
		return wb_refuse(ctx, WB_BADINPUT, EINVAL,
				 "%zu runs of pages, more than %d", nmaps,
				 WALK_MAX_MAPS);
	}
	for (size_t i = 0; i < nmaps; i++) {
		size_t j = st->nmaps++;

		/* kept sorted: walk_count() sees each region once in order */
		for (; j > 0 && st->maps[j - 1].start > maps[i].start; j--)
			st->maps[j] = st->maps[j - 1];
		st->maps[j] = maps[i];
		if (maps[i].start + maps[i].len > span)
			span = maps[i].start + maps[i].len;
	}
	/* Everything allocated before the first VmPTE reading, so the
	 * growth is the layout's page tables and nothing else. */
	before = wb_vmpte_bytes();
	if (before < 0) {
		walk_teardown(st);
		return wb_refuse(ctx, WB_MISSING, (int)-before,
				 "VmPTE not in /proc/self/status");
	}
	err = wb_layout_reserve(&st->l, span, hint, why, sizeof(why));
	if (err) {
		walk_teardown(st);
		return wb_refuse(ctx, WB_MISSING, err, "%s", why);
	}
	for (size_t i = 0; i < nmaps && !err; i++)
		err = wb_layout_map(&st->l, maps[i].start, maps[i].len, WB_4K,
				    WB_MEM_BASE, WB_LAYOUT_NO_FAULT, why,
				    sizeof(why));
	if (err) {
		walk_teardown(st);
		return wb_refuse(ctx, WB_MISSING, err, "%s", why);
	}
	wb_layout_touch(&st->l, order, n);
	after = wb_vmpte_bytes();
	st->vmpte_delta_bytes = after - before;
	st->pages = n;
	err = wb_layout_verify_base(&st->l, order, n, st->how, sizeof(st->how),
				    why, sizeof(why));
	if (err) {
		walk_teardown(st);
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "pages not verified as 4K: %s", why);
	}
	st->cur = wb_layout_ring(&st->l, order, n);
	*out = st;
	return 0;
}

void walk_run(void *state, uint64_t iterations)
{
	struct walk_state *st = state;
	void **p = st->cur;

	while (iterations--)
		p = *p;
	st->cur = p;
}

/*
 * The pages present in the layout's runs, and the distinct 2 MiB and
 * 1 GiB regions holding them: each such region is one PMD entry pointing
 * at a PTE table, one PUD entry pointing at a PMD table. Only the runs
 * are read; the rest of the reservation is PROT_NONE, and setup's smaps
 * check found no page outside them. The present bit needs no privilege.
 */
static int walk_count(struct walk_state *st)
{
	uint64_t e[512], last_pmd = UINT64_MAX, last_pud = UINT64_MAX;
	struct wb_pagemap pm;
	int err = wb_pagemap_open(&pm, 0, false);

	if (err)
		return err;
	st->present = st->pmd_entries = st->pud_entries = 0;
	for (size_t m = 0; m < st->nmaps && !err; m++) {
		uintptr_t a = (uintptr_t)st->l.base + st->maps[m].start;
		uintptr_t end = a + st->maps[m].len;

		while (a < end && !err) {
			/* one read per 2 MiB region at most */
			uintptr_t next = (a | (WB_2M - 1)) + 1;
			size_t n = ((next < end ? next : end) - a) / WB_4K;

			err = wb_pagemap_read(&pm, a, n, e);
			for (size_t i = 0; i < n && !err; i++) {
				uintptr_t va = a + i * WB_4K;

				if (!(e[i] & WB_PM_PRESENT))
					continue;
				st->present++;
				if (va >> 21 != last_pmd)
					st->pmd_entries++;
				if (va >> 30 != last_pud)
					st->pud_entries++;
				last_pmd = va >> 21;
				last_pud = va >> 30;
			}
			a += n * WB_4K;
		}
	}
	wb_pagemap_close(&pm);
	return err;
}

/*
 * The pages read again after the timed runs (khugepaged may collapse what
 * setup found 4K); setup's reading agreed, or it would have refused.
 */
static int walk_reverify(struct wb_ctx *ctx, const struct walk_state *st,
			 struct wb_facts *facts)
{
	char why[WB_WHY_LEN] = "";
	int err = wb_layout_verify_base(
		&st->l, st->order, st->pages, facts->page_size_how,
		sizeof(facts->page_size_how), why, sizeof(why));

	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "after the timed runs the pages are not 4K: "
				 "%s",
				 why);
	facts->page_size_verified = true;
	facts->page_size_bytes = WB_4K;
	return 0;
}

int walk_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	struct walk_state *st = state;
	int err = walk_reverify(ctx, st, facts);

	if (err)
		return err;
	err = walk_count(st);
	if (err)
		return wb_refuse(ctx, WB_MISSING, err,
				 "cannot read /proc/self/pagemap: %s",
				 strerror(-err));
	err = wb_fact(facts, "vmpte_delta_bytes", (double)st->vmpte_delta_bytes,
		      "status");
	err = err ?: wb_fact(facts, "pages", (double)st->present, "pagemap");
	/* the value verification accepted, read where it read it */
	err = err ?: wb_fact(facts, "page_size_bytes", (double)WB_4K, st->how);
	return err;
}

void walk_teardown(void *state)
{
	struct walk_state *st = state;

	if (!st)
		return;
	wb_layout_free(&st->l);
	free(st->order);
	free(st);
}

int walk_predict_vmpte(const struct wb_ctx *ctx, struct wb_prediction *out,
		       struct wbm_map *maps, size_t nmaps, uint64_t base,
		       const char *what)
{
	struct wbm_pt_count pt;
	char basis[96];
	int levels = walk_levels(ctx);
	int err;

	for (size_t i = 0; i < nmaps; i++)
		maps[i].start += base;
	err = wbm_pt_count(maps, nmaps, levels, &pt);
	if (err)
		return err;
	snprintf(basis, sizeof(basis), "wbm_pt_count %d-level: %s", levels,
		 what);
	return wb_predict(out, "vmpte_delta_bytes", (double)pt.vmpte_bytes,
			  WB_TOL_EXACT, 0, basis);
}

/*
 * A hit at some moment needs its entry held since the page's previous
 * visit a whole round earlier, so the hits of any round of accesses were
 * all held at its start: at most L1 + L2 of them, whatever the
 * replacement policy. Every other access misses the second-level TLB.
 */
int walk_predict_stlb(const struct wb_ctx *ctx, struct wb_prediction *out,
		      uint64_t pages)
{
	uint64_t l1 = 0, l2 = 0;
	const char *row = NULL;
	char basis[96];

	if (!ctx->sys ||
	    wbm_cpu_tlb_reach(ctx->sys->vendor, ctx->sys->family,
			      ctx->sys->model, WB_4K, &l1, &l2, &row) ||
	    l1 + l2 >= pages)
		return 0;
	snprintf(basis, sizeof(basis),
		 "ring of %llu pages, at most %llu + %llu TLB hits a round",
		 (unsigned long long)pages, (unsigned long long)l1,
		 (unsigned long long)l2);
	return wb_predict(out, "stlb_miss_user_per_access",
			  1.0 - (double)(l1 + l2) / (double)pages, WB_TOL_MIN,
			  0, basis);
}
