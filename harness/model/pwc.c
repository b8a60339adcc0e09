// SPDX-License-Identifier: MIT
/*
 * A walk that first hits the cache of level j reads levels j-1 .. leaf and,
 * as it goes, fills the caches of the levels it read (those above the leaf).
 * A walk that hits nothing reads every level and fills every cache.
 */
#include <errno.h>
#include <string.h>

#include "pwc.h"
#include "walk.h"

struct lru {
	uint32_t n, used;
	uint64_t key[WBM_PWC_MAX_ENTRIES]; /* most recent first */
};

static int lru_find(struct lru *c, uint64_t key)
{
	for (uint32_t i = 0; i < c->used; i++)
		if (c->key[i] == key) {
			memmove(c->key + 1, c->key, i * sizeof(*c->key));
			c->key[0] = key;
			return 1;
		}
	return 0;
}

static void lru_fill(struct lru *c, uint64_t key)
{
	uint32_t keep = c->used < c->n ? c->used : c->n - 1;

	memmove(c->key + 1, c->key, keep * sizeof(*c->key));
	c->key[0] = key;
	if (c->used < c->n)
		c->used++;
}

int wbm_pwc_trace(int levels, uint64_t page_size, const uint32_t *entries,
		  const uint64_t *trace, size_t n, struct wbm_pwc_result *out)
{
	struct lru c[6];
	int d, leaf, err = wbm_leaf_depth(levels, page_size, &d);
	uint64_t reached[6] = { 0 };

	memset(out, 0, sizeof(*out));
	if (err)
		return err;
	leaf = levels - d + 1;
	for (int j = 0; j < 6; j++) {
		c[j].n = j > leaf && j <= levels ? entries[j] : 0;
		c[j].used = 0;
		if (c[j].n > WBM_PWC_MAX_ENTRIES)
			return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		int hit = 0;

		/* the level-j entry is named by the address bits above it */
		for (int j = leaf + 1; j <= levels && !hit; j++) {
			reached[j]++;
			if (c[j].n &&
			    lru_find(&c[j], trace[i] >> (12 + 9 * (j - 1))))
				hit = j;
		}
		out->reads += hit ? (uint64_t)(hit - leaf) : (uint64_t)d;
		if (hit)
			out->first_hits[hit]++;
		for (int j = leaf + 1; j <= (hit ? hit - 1 : levels); j++)
			if (c[j].n)
				lru_fill(&c[j], trace[i] >> (12 + 9 * (j - 1)));
	}
	out->walks = n;
	for (int j = leaf + 1; j <= levels; j++)
		out->hit[j] = reached[j] ? (double)out->first_hits[j] /
						   (double)reached[j]
					 : 0.0;
	out->reads_per_walk = n ? (double)out->reads / (double)n : 0.0;
	return 0;
}
