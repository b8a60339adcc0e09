/* SPDX-License-Identifier: MIT */
/* The monotonic clock every timing outside Google Benchmark reads. */
#ifndef WB_CLOCK_H
#define WB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t wb_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static inline double wb_now_s(void)
{
	return (double)wb_now_ns() * 1e-9;
}

#endif
