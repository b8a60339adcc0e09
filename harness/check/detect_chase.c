// SPDX-License-Identifier: MIT
/*
 * The dependent-load chase every detect probe times (detect.h): one random
 * cycle over n elements, each load's address read from the previous one,
 * so no two loads overlap and each pays its full translation.
 */
#include "check/detect.h"
#include "core/clock.h"
#include "core/rng.h"

#define LINE 64

void **wb_chase_link(uint64_t *rng, uint32_t *order, char *base, size_t n,
		     size_t stride, bool rotate)
{
	size_t lines = stride / LINE ? stride / LINE : 1;

	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	/* Sattolo: one cycle through all n */
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = wb_rng_next(rng) % i;
		uint32_t t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (size_t k = 0; k < n; k++) {
		size_t nx = (k + 1) % n;
		void **from = (void **)(base + order[k] * stride +
					(rotate ? (k % lines) * LINE : 0));

		*from = base + order[nx] * stride +
			(rotate ? (nx % lines) * LINE : 0);
	}
	return (void **)(base + order[0] * stride);
}

double wb_chase_ns(void **head, size_t warm, size_t iters)
{
	void **q = head;
	double t0, t1;

	for (size_t i = 0; i < warm; i++)
		q = *q;
	t0 = (double)wb_now_ns();
	for (size_t i = 0; i < iters; i++)
		q = *q;
	t1 = (double)wb_now_ns();
	__asm__ volatile("" : : "r"(q) : "memory");
	return (t1 - t0) / (double)iters;
}
