// SPDX-License-Identifier: MIT
/*
 * Kernels that misbehave on purpose, linked only into build/walkbench-test:
 * one crashes inside the timed region, one never returns from it, one
 * allocates until the memory limit stops it. The runner must record each
 * and go on with the others.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "runner/kernel.h"

static int ok_setup(struct wb_ctx *ctx, void **state)
{
	(void)ctx;
	*state = NULL;
	return 0;
}

static void crash_run(void *state, uint64_t iterations)
{
	(void)state, (void)iterations;
	raise(SIGSEGV);
}

static void hang_run(void *state, uint64_t iterations)
{
	(void)state, (void)iterations;
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static void hog_run(void *state, uint64_t iterations)
{
	(void)state, (void)iterations;
	for (;;) {
		char *p = malloc(64 << 20);

		if (!p)
			abort();
		memset(p, 1, 64 << 20);
	}
}

const struct wb_kernel wb_k_test_crash = {
	.name = "test_crash",
	.suite = "test",
	.per_iteration = "call",
	.summary = "test only: segfaults in the timed region",
	.setup = ok_setup,
	.run = crash_run,
};

const struct wb_kernel wb_k_test_hang = {
	.name = "test_hang",
	.suite = "test",
	.per_iteration = "call",
	.summary = "test only: never returns from the timed region",
	.setup = ok_setup,
	.run = hang_run,
};

const struct wb_kernel wb_k_test_hog = {
	.name = "test_hog",
	.suite = "test",
	.per_iteration = "call",
	.summary = "test only: allocates until the memory limit stops it",
	.setup = ok_setup,
	.run = hog_run,
};
