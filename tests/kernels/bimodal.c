// SPDX-License-Identifier: MIT
/*
 * Kernels whose time depends on the process, linked only into
 * build/walkbench-test for tests/cli/run_stability.sh: test_bimodal does
 * four times the work in each process whose seed (--seed + pass, fresh
 * in every pass) is a multiple of "every", as a host that backs some
 * processes' memory with 4 KiB pages and others' with 2 MiB pages makes a
 * 2D walk slower in some processes than in others; test_steady, its
 * twin, does the same work in every process. The work is a dependent
 * chain of multiply-adds on registers: no memory, so nothing but the
 * work itself sets the time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "runner/kernel.h"

/* rounds of the chain per iteration, and how many more a slow process
 * does */
#define ROUNDS 32
#define SLOW_FACTOR 4

struct chain_state {
	uint64_t rounds; /* per iteration in this process */
	uint64_t iterations, done; /* counted by run() */
	volatile uint64_t sink;
};

static const struct wb_param bimodal_params[] = {
	{ .name = "every",
	  .unit = "passes",
	  .help = "a process is slow when its seed is a multiple of this",
	  .def = 2,
	  .quick = 2,
	  .min = 1,
	  .max = 1u << 20 },
	{ 0 },
};

static uint64_t rounds_of(const struct wb_ctx *ctx)
{
	uint64_t every = ctx->kernel->params ? wb_param(ctx, "every") : 0;

	return every && ctx->seed % every == 0 ? ROUNDS * SLOW_FACTOR : ROUNDS;
}

static int chain_setup(struct wb_ctx *ctx, void **statep)
{
	struct chain_state *s = calloc(1, sizeof(*s));

	if (!s)
		return wb_refuse(ctx, WB_FAILED, ENOMEM, "out of memory");
	s->rounds = rounds_of(ctx);
	*statep = s;
	return 0;
}

static void chain_run(void *state, uint64_t iterations)
{
	struct chain_state *s = state;
	uint64_t x = s->sink | 1, done = 0;

	for (uint64_t n = 0; n < iterations; n++) {
		for (uint64_t k = 0; k < s->rounds; k++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		done += s->rounds;
	}
	s->sink = x;
	s->iterations += iterations;
	s->done += done;
}

static int chain_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	struct chain_state *s = state;

	(void)ctx;
	if (!s->iterations)
		return 0;
	return wb_fact(facts, "rounds_per_iteration",
		       (double)s->done / (double)s->iterations, "experiment");
}

static void chain_teardown(void *state)
{
	free(state);
}

static int chain_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	snprintf(out->model, sizeof(out->model), "rounds chosen by the seed");
	return wb_predict(out, "rounds_per_iteration", (double)rounds_of(ctx),
			  WB_TOL_EXACT, 0,
			  "a slow process does more rounds per iteration");
}

const struct wb_kernel wb_k_test_bimodal = {
	.name = "test_bimodal",
	.suite = "test",
	.summary = "test only: 4x the work in processes whose seed is a "
		   "multiple of N",
	.per_iteration = "iteration",
	.params = bimodal_params,
	.setup = chain_setup,
	.run = chain_run,
	.check = chain_check,
	.teardown = chain_teardown,
	.predict = chain_predict,
};

const struct wb_kernel wb_k_test_steady = {
	.name = "test_steady",
	.suite = "test",
	.summary = "test only: the same work in every process",
	.per_iteration = "iteration",
	.setup = chain_setup,
	.run = chain_run,
	.check = chain_check,
	.teardown = chain_teardown,
	.predict = chain_predict,
};
