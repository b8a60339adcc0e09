// SPDX-License-Identifier: MIT
/*
 * contract_demo: the smallest complete kernel, linked only into
 * build/walkbench-test. It is what kernels/README.md ("Adding a kernel")
 * walks through: this file, one line in tests/kernels/kernels.def and its
 * own test (tests/cli/contract_demo.sh); the contract test
 * (tests/unit/test_contract.c, build/tests/test_contract_tk) covers it
 * with no further edit.
 *
 * setup() maps N base pages, writes each and verifies their size; run()
 * reads one byte per page; check() asks the kernel how many of the pages
 * are present (pagemap, the fact's source) and verifies their size again,
 * and predict() says all of them are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/kernel.h"
#include "mem/mem.h"
#include "mem/pagemap.h"

struct demo_state {
	struct wb_mem mem;
	uint64_t pages;
	volatile uint64_t sink;
};

static const struct wb_param params[] = {
	{ .name = "pages",
	  .unit = "pages",
	  .help = "4K pages mapped and written in setup, read in the timed "
		  "region",
	  .def = 64,
	  .quick = 16,
	  .min = 1,
	  .max = 1u << 16 },
	{ 0 },
};

static int demo_setup(struct wb_ctx *ctx, void **statep)
{
	struct demo_state *s = calloc(1, sizeof(*s));
	char why[WB_WHY_LEN], how[64];
	int err;

	if (!s)
		return wb_refuse(ctx, WB_FAILED, ENOMEM, "out of memory");
	s->pages = wb_param(ctx, "pages");
	err = wb_mem_alloc(&s->mem, s->pages * WB_4K, WB_4K, WB_MEM_BASE, why,
			   sizeof(why));
	if (err) {
		free(s);
		return wb_refuse(ctx, WB_MISSING, err, "%s", why);
	}
	/* read before timing; check() reads again after */
	err = wb_mem_verify(&s->mem, how, sizeof(how), why, sizeof(why));
	if (err) {
		wb_mem_free(&s->mem);
		free(s);
		return wb_refuse(ctx, WB_UNTRUSTED, err, "%s", why);
	}
	*statep = s;
	return 0;
}

static void demo_run(void *state, uint64_t iterations)
{
	struct demo_state *s = state;
	const volatile char *p = s->mem.addr;
	uint64_t sum = 0, i = 0;

	for (uint64_t n = 0; n < iterations; n++) {
		sum += p[i * WB_4K];
		i = i + 1 == s->pages ? 0 : i + 1;
	}
	s->sink = sum;
}

static int demo_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	struct demo_state *s = state;
	uint64_t resident;
	char why[WB_WHY_LEN];
	int err = wb_pagemap_present((uintptr_t)s->mem.addr, s->pages,
				     &resident);

	if (err)
		return wb_refuse(ctx, WB_FAILED, err, "pagemap: %s",
				 strerror(-err));
	facts->page_size_verified = !wb_mem_verify(
		&s->mem, facts->page_size_how, sizeof(facts->page_size_how),
		why, sizeof(why));
	if (!facts->page_size_verified)
		return wb_refuse(ctx, WB_UNTRUSTED, EMEDIUMTYPE, "%s", why);
	return wb_fact(facts, "resident_pages", (double)resident, "pagemap");
}

static void demo_teardown(void *state)
{
	struct demo_state *s = state;

	wb_mem_free(&s->mem);
	free(s);
}

static int demo_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	snprintf(out->model, sizeof(out->model), "every page written once");
	return wb_predict(out, "resident_pages", (double)wb_param(ctx, "pages"),
			  WB_TOL_EXACT, 0,
			  "setup writes every page, nothing is swapped");
}

const struct wb_kernel wb_k_contract_demo = {
	.name = "contract_demo",
	.suite = "test",
	.summary = "test only: N pages written in setup, read when timed",
	.per_iteration = "access",
	.params = params,
	.setup = demo_setup,
	.run = demo_run,
	.check = demo_check,
	.teardown = demo_teardown,
	.predict = demo_predict,
};
