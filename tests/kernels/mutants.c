// SPDX-License-Identifier: MIT
/*
 * Mutants: kernels that lie to the checker on purpose, each beside an
 * honest twin that differs only in the lie, linked only into
 * build/walkbench-test. tests/cli/validate_mutants.sh runs every pair and
 * wants the lie refused or FAILed and the twin PASSed, so a checker that
 * let everything through, or nothing, fails it either way.
 *
 *   mut_pages      honest: pages present by pagemap, predicted all
 *   mut_offbyone   the same count + 1, still labelled pagemap
 *   mut_nosource   the true count recorded with no source
 *   mut_fromparams the parameter itself recorded as the fact ("params")
 *   mut_thp        honest: 2M THP verified, AnonHugePages from smaps
 *   mut_thp_4k     the region refaulted as 4K, claimed verified anyway
 *   mut_fork       honest: a helper forked, its state from /proc
 *   mut_fork_lost  the fork fails, setup carries on as if it had not
 *   mut_knee       honest: a synthetic step where it is predicted
 *   mut_knee_2x    the same step at twice the predicted knee
 *
 * tests/unit/test_contract.c runs only the honest ones: the others break
 * the contract by design.
 */

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/kernel.h"
#include "mem/mem.h"
#include "mem/pagemap.h"

struct mut_state {
	struct wb_mem mem;
	uint64_t pages;
	uint64_t spin; /* busy-loop rounds per access (knee pair) */
	pid_t helper; /* fork pair; -1 when the fork failed */
	volatile uint64_t sink;
};

static const struct wb_param pages_params[] = {
	{ .name = "pages",
	  .unit = "pages",
	  .help = "4K pages mapped and written in setup",
	  .def = 16,
	  .quick = 16,
	  .min = 1,
	  .max = 1u << 16 },
	{ 0 },
};

static int map_pages(struct wb_ctx *ctx, struct mut_state **sp, uint64_t pages,
		     size_t page_size, enum wb_mem_kind kind)
{
	struct mut_state *s = calloc(1, sizeof(*s));
	char why[WB_WHY_LEN];
	int err;

	if (!s)
		return wb_refuse(ctx, WB_FAILED, ENOMEM, "out of memory");
	s->pages = pages;
	s->helper = -1;
	err = wb_mem_alloc(&s->mem, pages * page_size, page_size, kind, why,
			   sizeof(why));
	if (err) {
		free(s);
		return wb_refuse(ctx, WB_MISSING, err, "%s", why);
	}
	*sp = s;
	return 0;
}

static int pages_setup(struct wb_ctx *ctx, void **statep)
{
	return map_pages(ctx, (struct mut_state **)statep,
			 wb_param(ctx, "pages"), WB_4K, WB_MEM_BASE);
}

/* One read of the first page per access: the timed curve is the spin
 * loop's alone, with no TLB or cache step of the machine to mistake for
 * the knee. */
static void mut_run(void *state, uint64_t iterations)
{
	struct mut_state *s = state;
	const volatile char *p = s->mem.addr;
	uint64_t sum = 0;

	for (uint64_t n = 0; n < iterations; n++) {
		uint64_t acc = n;

		for (uint64_t j = 0; j < s->spin; j++)
			__asm__ volatile("" : "+r"(acc));
		sum += p[(n & 63) * 64] + acc;
	}
	s->sink = sum;
}

static void mut_teardown(void *state)
{
	struct mut_state *s = state;

	if (s->helper > 0) {
		kill(s->helper, SIGKILL);
		waitpid(s->helper, NULL, 0);
	}
	wb_mem_free(&s->mem);
	free(s);
}

static int verify(struct wb_ctx *ctx, struct mut_state *s,
		  struct wb_facts *facts)
{
	char why[WB_WHY_LEN];

	facts->page_size_verified = !wb_mem_verify(
		&s->mem, facts->page_size_how, sizeof(facts->page_size_how),
		why, sizeof(why));
	if (!facts->page_size_verified)
		return wb_refuse(ctx, WB_UNTRUSTED, EMEDIUMTYPE, "%s", why);
	return 0;
}

/* Pages of the mapping pagemap says are present, the size verified. */
static int resident(struct wb_ctx *ctx, struct mut_state *s,
		    struct wb_facts *facts, uint64_t *out)
{
	int err = wb_pagemap_present((uintptr_t)s->mem.addr, s->pages, out);

	if (err)
		return wb_refuse(ctx, WB_FAILED, err, "pagemap: %s",
				 strerror(-err));
	return verify(ctx, s, facts);
}

static int pages_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	uint64_t n;

	return resident(ctx, state, facts, &n)
		       ?: wb_fact(facts, "resident_pages", (double)n,
				  "pagemap");
}

/* (a) a system's number off by one, under the system's source */
static int offbyone_check(struct wb_ctx *ctx, void *state,
			  struct wb_facts *facts)
{
	uint64_t n;

	return resident(ctx, state, facts, &n)
		       ?: wb_fact(facts, "resident_pages", (double)n + 1,
				  "pagemap");
}

/* (e) the true number, said to come from nowhere */
static int nosource_check(struct wb_ctx *ctx, void *state,
			  struct wb_facts *facts)
{
	uint64_t n;

	return resident(ctx, state, facts, &n)
		       ?: wb_fact(facts, "resident_pages", (double)n, NULL);
}

/* (f) the prediction's own input recorded as the measurement */
static int fromparams_check(struct wb_ctx *ctx, void *state,
			    struct wb_facts *facts)
{
	uint64_t n;

	return resident(ctx, state, facts, &n)
		       ?: wb_fact(facts, "resident_pages",
				  (double)wb_param(ctx, "pages"), "params");
}

static int pages_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	snprintf(out->model, sizeof(out->model), "every page written once");
	return wb_predict(out, "resident_pages", (double)wb_param(ctx, "pages"),
			  WB_TOL_EXACT, 0, "setup writes every page");
}

#define PAGES_KERNEL(id, sum, chk)                                             \
	const struct wb_kernel wb_k_##id = {                                   \
		.name = #id,                                                   \
		.suite = "test",                                               \
		.summary = "test only: " sum,                                  \
		.per_iteration = "access",                                     \
		.params = pages_params,                                        \
		.setup = pages_setup,                                          \
		.run = mut_run,                                                \
		.check = chk,                                                  \
		.teardown = mut_teardown,                                      \
		.predict = pages_predict,                                      \
	}

PAGES_KERNEL(mut_pages, "pages present by pagemap, as predicted", pages_check);
PAGES_KERNEL(mut_offbyone, "mutant: pagemap's count of pages plus one",
	     offbyone_check);
PAGES_KERNEL(mut_nosource, "mutant: a fact recorded without a source",
	     nosource_check);
PAGES_KERNEL(mut_fromparams, "mutant: the parameter recorded as the fact",
	     fromparams_check);

/* (b) THP: 2 MiB pages, AnonHugePages of the region from smaps. */
static const struct wb_param thp_params[] = {
	{ .name = "huge_pages",
	  .unit = "pages",
	  .help = "2M pages mapped and written in setup",
	  .def = 2,
	  .quick = 2,
	  .min = 1,
	  .max = 64 },
	{ 0 },
};

static int thp_setup(struct wb_ctx *ctx, void **statep)
{
	return map_pages(ctx, (struct mut_state **)statep,
			 wb_param(ctx, "huge_pages"), WB_2M, WB_MEM_THP);
}

/*
 * The harness's THP mapping, emptied and refaulted under MADV_NOHUGEPAGE:
 * the same addresses, now 4K pages, with nothing in struct wb_mem saying
 * so.
 */
static int thp_4k_setup(struct wb_ctx *ctx, void **statep)
{
	struct mut_state *s;
	int err = thp_setup(ctx, statep);

	if (err)
		return err;
	s = *statep;
	if (madvise(s->mem.addr, s->mem.len, MADV_DONTNEED) ||
	    madvise(s->mem.addr, s->mem.len, MADV_NOHUGEPAGE)) {
		err = -errno;
		mut_teardown(s);
		return wb_refuse(ctx, WB_FAILED, -err, "madvise: %s",
				 strerror(-err));
	}
	memset(s->mem.addr, 1, s->mem.len);
	return 0;
}

static int thp_fact(struct wb_ctx *ctx, struct mut_state *s,
		    struct wb_facts *facts)
{
	uintptr_t a = (uintptr_t)s->mem.addr;
	struct wb_smaps_sum sum;
	int err = wb_smaps_scan(a, a + s->mem.len, &sum);

	if (err)
		return wb_refuse(ctx, WB_FAILED, err, "smaps: %s",
				 strerror(-err));
	return wb_fact(facts, "thp_bytes", (double)sum.anon_huge, "smaps");
}

static int thp_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	return verify(ctx, state, facts) ?: thp_fact(ctx, state, facts);
}

/* the verification's answer dropped, its method claimed */
static int thp_4k_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	char why[WB_WHY_LEN];

	wb_mem_verify(&((struct mut_state *)state)->mem, facts->page_size_how,
		      sizeof(facts->page_size_how), why, sizeof(why));
	facts->page_size_verified = true;
	return thp_fact(ctx, state, facts);
}

static int thp_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	snprintf(out->model, sizeof(out->model), "every page a THP");
	return wb_predict(out, "thp_bytes",
			  (double)(wb_param(ctx, "huge_pages") * WB_2M),
			  WB_TOL_EXACT, 0, "the region is THP-backed");
}

#define THP_KERNEL(id, sum, set, chk)                                          \
	const struct wb_kernel wb_k_##id = {                                   \
		.name = #id,                                                   \
		.suite = "test",                                               \
		.summary = "test only: " sum,                                  \
		.per_iteration = "access",                                     \
		.params = thp_params,                                          \
		.requires = WB_NEED_THP,                                       \
		.setup = set,                                                  \
		.run = mut_run,                                                \
		.check = chk,                                                  \
		.teardown = mut_teardown,                                      \
		.predict = thp_predict,                                        \
	}

THP_KERNEL(mut_thp, "2M THP verified, AnonHugePages as predicted", thp_setup,
	   thp_check);
THP_KERNEL(mut_thp_4k, "mutant: 4K pages claimed verified as THP", thp_4k_setup,
	   thp_4k_check);

/* (d) a helper process the instance needs, forked in setup. */
static int fork_setup_how(struct wb_ctx *ctx, void **statep, bool lose)
{
	struct mut_state *s;
	int err = map_pages(ctx, &s, 1, WB_4K, WB_MEM_BASE);
	pid_t pid;

	if (err)
		return err;
	/*
	 * CLONE_SIGHAND without CLONE_VM is EINVAL on every kernel: a fork
	 * that fails the same way everywhere, with no limit to set.
	 */
	pid = lose ? (pid_t)syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, NULL,
				    NULL, 0)
		   : fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	if (pid < 0 && !lose) {
		err = -errno;
		mut_teardown(s);
		return wb_refuse(ctx, WB_FAILED, -err, "fork: %s",
				 strerror(-err));
	}
	/* the mutant keeps going as if it had its helper */
	s->helper = pid;
	*statep = s;
	return 0;
}

static int fork_setup(struct wb_ctx *ctx, void **statep)
{
	return fork_setup_how(ctx, statep, false);
}

static int fork_lost_setup(struct wb_ctx *ctx, void **statep)
{
	return fork_setup_how(ctx, statep, true);
}

/* 1 when /proc/<helper>/status says the helper is alive. */
static int fork_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	struct mut_state *s = state;
	char path[64], line[128];
	bool alive = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)s->helper);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "State:", 6))
			alive = !strchr(line, 'Z') && !strchr(line, 'X');
	if (f)
		fclose(f);
	return verify(ctx, s, facts)
		       ?: wb_fact(facts, "helper_alive", alive, "status");
}

static int fork_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	(void)ctx;
	snprintf(out->model, sizeof(out->model), "one helper");
	return wb_predict(out, "helper_alive", 1, WB_TOL_EXACT, 0,
			  "setup forked a helper that waits");
}

#define FORK_KERNEL(id, sum, set)                                              \
	const struct wb_kernel wb_k_##id = {                                   \
		.name = #id,                                                   \
		.suite = "test",                                               \
		.summary = "test only: " sum,                                  \
		.per_iteration = "access",                                     \
		.setup = set,                                                  \
		.run = mut_run,                                                \
		.check = fork_check,                                           \
		.teardown = mut_teardown,                                      \
		.predict = fork_predict,                                       \
	}

FORK_KERNEL(mut_fork, "a helper forked in setup, alive in check", fork_setup);
FORK_KERNEL(mut_fork_lost, "mutant: setup goes on after its fork failed",
	    fork_lost_setup);

/*
 * (c) A knee: spin rounds per access step from KNEE_LOW to KNEE_HIGH past
 * a number of pages. The step is 3x, far above any noise, and sharp, so
 * the knee finder places it at the last point below it. The sweep is 4
 * points per octave over 8..64 pages: steps under a quarter of the knee,
 * well below the L1 data cache's lines and the L1 DTLB limit, so that
 * neither level rule sets the step aside.
 */
#define KNEE_PAGES 16
#define KNEE_LOW 60
#define KNEE_HIGH 180

static const struct wb_param knee_params[] = {
	{ .name = "pages",
	  .unit = "pages",
	  .help = "the swept parameter; the spin steps up past the knee",
	  .def = 16,
	  .quick = 16,
	  .min = 1,
	  .max = 1u << 10,
	  .lo = 8,
	  .hi = 64,
	  .quick_hi = 64,
	  .per_octave = 4,
	  .quick_per_octave = 4 },
	{ 0 },
};

static int knee_setup_at(struct wb_ctx *ctx, void **statep, uint64_t knee)
{
	struct mut_state *s;
	int err = pages_setup(ctx, (void **)&s);

	if (err)
		return err;
	s->spin = s->pages <= knee ? KNEE_LOW : KNEE_HIGH;
	*statep = s;
	return 0;
}

static int knee_setup(struct wb_ctx *ctx, void **statep)
{
	return knee_setup_at(ctx, statep, KNEE_PAGES);
}

static int knee_2x_setup(struct wb_ctx *ctx, void **statep)
{
	return knee_setup_at(ctx, statep, 2 * KNEE_PAGES);
}

static int knee_check(struct wb_ctx *ctx, void *state, struct wb_facts *facts)
{
	return verify(ctx, state, facts);
}

static int knee_predict(const struct wb_ctx *ctx, struct wb_prediction *out)
{
	(void)ctx;
	snprintf(out->model, sizeof(out->model), "step at %d pages",
		 KNEE_PAGES);
	return wb_predict(out, "knee_pages", KNEE_PAGES, WB_TOL_KNEE, 0.25,
			  "the spin steps up past it");
}

static const struct wb_xcheck knee_xchecks[] = {
	{ .kind = WB_XCHECK_KNEE,
	  .row = "knee_pages",
	  .metric = "ns_per_access",
	  .param = "pages",
	  .knee = 1 },
	{ 0 },
};

#define KNEE_KERNEL(id, sum, set)                                              \
	const struct wb_kernel wb_k_##id = {                                   \
		.name = #id,                                                   \
		.suite = "test",                                               \
		.summary = "test only: " sum,                                  \
		.per_iteration = "access",                                     \
		.params = knee_params,                                         \
		.setup = set,                                                  \
		.run = mut_run,                                                \
		.check = knee_check,                                           \
		.teardown = mut_teardown,                                      \
		.predict = knee_predict,                                       \
		.xchecks = knee_xchecks,                                       \
	}

KNEE_KERNEL(mut_knee, "a timing step where the knee is predicted", knee_setup);
KNEE_KERNEL(mut_knee_2x, "mutant: the timing step at twice the knee",
	    knee_2x_setup);
