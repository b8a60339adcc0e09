// SPDX-License-Identifier: MIT
/*
 * The smallest program that does what tlb_reach's timed region does: a
 * dependent-load chase over N 4K pages in a random cycle, the line offset
 * rotated per visit, pinned to one CPU and timed with clock_gettime. It
 * is the yardstick for the harness's overhead (tests/perf/overhead.sh).
 * usage: chase_min PAGES CPU REPS  -> median ns per access on stdout
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 16,
		 rng = 2654435762u;
	int cpu = argc > 2 ? atoi(argv[2]) : 0,
	    reps = argc > 3 ? atoi(argv[3]) : 9;
	uint64_t iters = 50 * 1000 * 1000;
	double t[101];
	cpu_set_t set;
	uint32_t *order = malloc(n * sizeof(*order));
	char *mem = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void **p;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (!order || mem == MAP_FAILED || reps > 101 ||
	    sched_setaffinity(0, sizeof(set), &set))
		return 1;
	madvise(mem, n * 4096, MADV_NOHUGEPAGE);
	for (uint64_t i = 0; i < n; i++)
		order[i] = i;
	for (uint64_t i = n - 1; i > 0; i--) {
		uint64_t j, x;

		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		j = rng % i;
		x = order[i], order[i] = order[j], order[j] = x;
	}
	for (uint64_t k = 0; k < n; k++) {
		uint64_t nx = (k + 1) % n;

		*(void **)(mem + order[k] * 4096 + (k % 64) * 64) =
			mem + order[nx] * 4096 + (nx % 64) * 64;
	}
	p = (void **)(mem + order[0] * 4096);
	for (uint64_t i = 0; i < iters; i++) /* warm-up */
		p = *p;
	for (int r = 0; r < reps; r++) {
		double t0 = now();

		for (uint64_t i = 0; i < iters; i++)
			p = *p;
		t[r] = (now() - t0) / iters;
		__asm__ volatile("" : : "r"(p) : "memory");
	}
	qsort(t, reps, sizeof(t[0]), cmp);
	printf("%.4f\n", t[reps / 2]);
	return 0;
}
