// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/rng.h"
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
	for (size_t i = 0; i < nmaps; i++)
		if (maps[i].start + maps[i].len > span)
			span = maps[i].start + maps[i].len;
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
	return 0;
}

int walk_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	struct walk_state *st = state;
	int err = walk_reverify(ctx, st, facts);

	if (err)
		return err;
	wb_fact(facts, "vmpte_delta_bytes", (double)st->vmpte_delta_bytes);
	wb_fact(facts, "pages", (double)st->pages);
	wb_fact(facts, "page_size_bytes", (double)WB_4K);
	return 0;
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
