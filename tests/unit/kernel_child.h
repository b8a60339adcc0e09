/* SPDX-License-Identifier: MIT */
/*
 * Runs one kernel instance the way the harness does (setup, run, check,
 * predict, teardown) in a forked child, so a kernel's mappings and
 * page-table growth never leak into the test process, and hands back what
 * happened.
 */
#ifndef WB_TEST_KERNEL_CHILD_H
#define WB_TEST_KERNEL_CHILD_H

/*
 * AddressSanitizer maps shadow memory for whatever setup allocates, and
 * those page tables land in VmPTE too: exact page-table counts cannot be
 * observed in the sanitizer build, so those checks skip there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_EXACT_VMPTE_UNDER_ASAN()                                          \
	do {                                                                   \
		print_message("# SKIP exact VmPTE and fault counts: ASan "     \
			      "shadow memory adds page tables and faults\n");  \
		skip();                                                        \
	} while (0)
#else
#define SKIP_EXACT_VMPTE_UNDER_ASAN()                                          \
	do {                                                                   \
	} while (0)
#endif

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/env.h"
#include "runner/kernel.h"

struct child_result {
	enum wb_status status;
	int setup_err, check_err, predict_err;
	char why[WB_WHY_LEN];
	struct wb_facts facts;
	struct wb_prediction pred;
	long minflt; /* faults of the child inside run() */
	uint64_t iterations;
};

struct child_opts {
	uint64_t mem_limit_bytes;
	bool allow_settings;
};

/* 5-level paging is in use when a hint above 47 bits is honoured. */
static inline bool test_la57_active(void)
{
	void *p = mmap((void *)(1ull << 50), 4096, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool high = p != MAP_FAILED && (uintptr_t)p >= (1ull << 47);

	if (p != MAP_FAILED)
		munmap(p, 4096);
	return high;
}

static inline double fact_of(const struct wb_facts *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].name, name))
			return f->kv[i].value;
	return -1;
}

static inline const struct wb_pred_item *pred_of(const struct wb_prediction *p,
						 const char *q)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->item[i].quantity, q))
			return &p->item[i];
	return NULL;
}

static inline void child_body(const struct wb_kernel *k, const uint64_t *param,
			      const struct child_opts *o, int fd)
{
	static struct wb_sysinfo sys;
	struct wb_ctx ctx = { .kernel = k, .cpu = -1, .cpu_other = -1 };
	struct child_result r;
	void *state = NULL;
	ssize_t n;

	memset(&r, 0, sizeof(r));
	sys.la57_active = test_la57_active();
	ctx.sys = &sys;
	ctx.seed = 1;
	ctx.quick = true;
	ctx.mem_limit_bytes = o ? o->mem_limit_bytes : 1ull << 30;
	ctx.allow_settings = o && o->allow_settings;
	for (int i = 0; i < WB_MAX_PARAMS && k->params[i].name; i++)
		ctx.param[i] = param[i];
	r.setup_err = k->setup(&ctx, &state);
	if (!r.setup_err) {
		struct rusage a, b;

		r.iterations = k->iterations ? k->iterations(&ctx) : 1000;
		if (k->prepare)
			k->prepare(state, r.iterations);
		getrusage(RUSAGE_SELF, &a);
		k->run(state, r.iterations);
		getrusage(RUSAGE_SELF, &b);
		r.minflt = b.ru_minflt - a.ru_minflt;
		r.check_err = k->check(&ctx, state, &r.facts);
		k->teardown(state);
	}
	r.predict_err = k->predict(&ctx, &r.pred);
	r.status = ctx.status; /* WB_OK unless setup or check refused */
	memcpy(r.why, ctx.why, sizeof(r.why));
	n = write(fd, &r, sizeof(r));
	_exit(n == sizeof(r) ? 0 : 1);
}

/* 0, or -errno when the child could not be run or died. */
static inline int run_child(const struct wb_kernel *k, const uint64_t *param,
			    const struct child_opts *o, struct child_result *r)
{
	int p[2], wst;
	size_t got = 0;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		child_body(k, param, o, p[1]);
	}
	close(p[1]);
	while (got < sizeof(*r)) {
		ssize_t n = read(p[0], (char *)r + got, sizeof(*r) - got);

		if (n <= 0)
			break;
		got += n;
	}
	close(p[0]);
	if (waitpid(pid, &wst, 0) < 0)
		return -errno;
	return got == sizeof(*r) && WIFEXITED(wst) && !WEXITSTATUS(wst)
		       ? 0
		       : -ECHILD;
}

#endif
