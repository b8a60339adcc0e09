/* SPDX-License-Identifier: MIT */
/*
 * Virtually indexed, physically tagged caches: synonyms (one frame mapped
 * at two virtual addresses) land in one set only if the index and offset
 * bits lie inside the page offset, S x B <= P.
 */
#ifndef WBM_VIPT_H
#define WBM_VIPT_H

#include <stdint.h>

struct wbm_vipt {
	uint64_t sets; /* S = size / (ways x line) */
	uint64_t span; /* S x B: bytes of address the index and offset use */
	uint64_t page; /* P */
	int ok; /* S x B <= P */
	/* sets a synonym can fall into: span / page when it violates, else 1
	 * (the page colours the OS would have to manage) */
	uint64_t colours;
};

/* -EINVAL if a value is 0, not a power of two, or size is not a multiple
 * of ways x line. */
int wbm_vipt_check(uint64_t size, uint64_t ways, uint64_t line, uint64_t page,
		   struct wbm_vipt *out);

#endif
