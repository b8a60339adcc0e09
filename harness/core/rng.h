/* SPDX-License-Identifier: MIT */
/*
 * The one pseudo-random generator: Marsaglia's xorshift64 (13, 7, 17).
 * Shuffles and test noise need speed and a sequence fixed by the seed, not
 * quality; every user draws from this one so a seed means the same order
 * everywhere. Header-only, so the kernels' setup and the pure checks need
 * nothing linked for it.
 */
#ifndef WB_RNG_H
#define WB_RNG_H

#include <stdint.h>

/* The next value; @s is the state and must never be 0. */
static inline uint64_t wb_rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
