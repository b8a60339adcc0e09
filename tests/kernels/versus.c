// SPDX-License-Identifier: MIT
/*
 * A huge-vs-base pair whose class a few more processes decide, linked
 * only into build/walkbench-test for tests/cli/run_undecided.sh:
 * test_versus with backing "huge" does pct% of the base instance's work,
 * except in the process whose seed (--seed + pass) is "slow", which does
 * slow_pct%. With pct 92 and slow_pct 110 at seed 3, three processes a
 * side are 8% apart by the medians but one huge process lies 10% above
 * every base one, so the U test cannot say faster (p = 0.35); three more
 * processes of each side, seeds 4-6, all 8% faster, make it say so
 * (p = 0.03). The huge side spreads by 1.2x, inside the 25% floor. The work is test_bimodal's chain of multiply-adds: nothing
 * but the work sets the time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "runner/kernel.h"

#define ROUNDS 200

enum {
	V_BASE = 1,
	V_HUGE = 2
};

struct versus_state {
	uint64_t rounds;
	volatile uint64_t sink;
};

static const uint64_t backings[] = { V_BASE, V_HUGE, 0 };
static const char *const backing_names[] = { "", "base", "huge", NULL };

static const struct wb_param params[] = {
	{ .name = "backing",
	  .unit = "enum",
	  .help = "base (1): the reference, huge (2): pct% of its work",
	  .def = V_BASE,
	  .quick = V_BASE,
	  .min = 1,
	  .max = 2,
	  .choices = backings,
	  .names = backing_names },
	{ .name = "pct",
	  .unit = "%",
	  .help = "the huge side's work in percent of the base side's",
	  .def = 92,
	  .quick = 92,
	  .min = 10,
	  .max = 1000 },
	{ .name = "slow",
	  .unit = "seed",
	  .help = "the seed of the one huge process that does slow_pct% (0: "
		  "none)",
	  .def = 3,
	  .quick = 3,
	  .min = 0,
	  .max = 1u << 20 },
	{ .name = "slow_pct",
	  .unit = "%",
	  .help = "that process's work in percent of the base side's",
	  .def = 110,
	  .quick = 110,
	  .min = 10,
	  .max = 1000 },
	{ 0 },
};

static uint64_t rounds_of(const struct wb_ctx *ctx)
{
	uint64_t pct = wb_param(ctx, "pct");

	if (wb_param(ctx, "backing") == V_BASE)
		return ROUNDS;
	if (wb_param(ctx, "slow") && ctx->seed == wb_param(ctx, "slow"))
		pct = wb_param(ctx, "slow_pct");
	return ROUNDS * pct / 100;
}

static int versus_setup(struct wb_ctx *ctx, void **statep)
{
	struct versus_state *s = calloc(1, sizeof(*s));

	if (!s)
		return wb_refuse(ctx, WB_FAILED, ENOMEM, "out of memory");
	s->rounds = rounds_of(ctx);
	*statep = s;
	return 0;
}

static void versus_run(void *state, uint64_t iterations)
{
	struct versus_state *s = state;
	uint64_t x = s->sink | 1;

	for (uint64_t n = 0; n < iterations; n++)
		for (uint64_t k = 0; k < s->rounds; k++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
	s->sink = x;
}

static int versus_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	struct versus_state *s = state;

	(void)ctx;
	return wb_fact(facts, "rounds_per_iteration", (double)s->rounds,
		       "experiment");
}

static void versus_teardown(void *state)
{
	free(state);
}

static int versus_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	snprintf(out->model, sizeof(out->model), "rounds chosen by the seed");
	return wb_predict(out, "rounds_per_iteration", (double)rounds_of(ctx),
			  WB_TOL_EXACT, 0, "the work each process was given");
}

static const struct wb_xcheck xchecks[] = {
	{ .kind = WB_XCHECK_HUGE_VS_BASE,
	  .row = "ns_huge_le_base",
	  .metric = "ns_per_iteration",
	  .param = "backing",
	  .base = V_BASE,
	  .same = { "pct", "slow", "slow_pct" } },
	{ 0 },
};

const struct wb_kernel wb_k_test_versus = {
	.name = "test_versus",
	.suite = "test",
	.summary = "test only: a huge-vs-base pair 8% apart with one huge "
		   "process reaching across",
	.per_iteration = "iteration",
	.params = params,
	.setup = versus_setup,
	.run = versus_run,
	.check = versus_check,
	.teardown = versus_teardown,
	.predict = versus_predict,
	.xchecks = xchecks,
};
