// SPDX-License-Identifier: MIT
/*
 * Real kernels run under interference, linked only into
 * build/walkbench-test. Each test kernel puts an obstacle into its
 * instance's process and then hands every step to the kernel it wraps,
 * with that kernel's parameters fixed but for the size:
 *
 *   test_cow_nofork  cow_storm, with fork refused (seccomp, EAGAIN)
 *   test_dz_nomap    demand_zero, with the address space capped below
 *                    what a timed batch maps (RLIMIT_AS)
 *   test_cow_nothp   cow_storm at 2M, THP off for the process
 *   test_dz_nothp    demand_zero at 2M, THP off for the process
 *
 * THP off is prctl(PR_SET_THP_DISABLE): madvise(MADV_HUGEPAGE) still
 * succeeds and does nothing. The obstacle stands through the timed batches
 * and is lifted before check(), where it can be (the address-space cap and
 * THP; a seccomp filter stays): interference that passes leaves a check
 * that works, and only the kernel's account of its batches can tell. A
 * failed step must give the instance status failed, an advice that does
 * nothing untrusted, each with the reason; never ok with a time
 * (tests/cli/run_interference.sh, and the contract test expects these
 * refusals).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#include "counters/osstat.h"
#include "mem/mem.h"
#include "runner/kernel.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

enum obstacle {
	NO_FORK,
	NO_MAP,
	NO_THP,
};

/* A parameter of the wrapped kernel fixed to a value. */
struct fixed {
	const char *name;
	uint64_t value;
};

struct wrapped {
	const char *kernel;
	enum obstacle obstacle;
	struct fixed fixed[4]; /* NULL-terminated */
};

struct wrap {
	const struct wb_kernel *k;
	enum obstacle obstacle;
	struct rlimit as; /* RLIMIT_AS before the cap */
	/* the wrapped kernel's view of the instance: its own parameter
	 * order; kept, since a kernel may hold on to its ctx */
	struct wb_ctx ctx;
	void *inner;
};

/* Every process creation fails with EAGAIN, threads still start: clone3
 * says ENOSYS, so that libc falls back to clone, whose flags tell. */
static int refuse_fork(void)
{
#ifdef NATIVE_ARCH
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
#ifdef __NR_clone3
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
#endif
#ifdef __NR_fork
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fork, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAGAIN),
#endif
#ifdef __NR_vfork
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_vfork, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAGAIN),
#endif
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* the flags' low word (both architectures are little
		 * endian) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAGAIN),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
				   .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
#else
	return -ENOSYS;
#endif
}

/* What is mapped now, and a little more for the harness: not a timed
 * batch's mapping (at least 64 MiB). Only the soft limit, so that it can
 * be lifted again. */
static int cap_address_space(struct rlimit *old)
{
	struct rlimit r;
	uint64_t kb;
	int err = wb_pid_status_kb(0, "VmSize", &kb);

	if (err)
		return err;
	if (getrlimit(RLIMIT_AS, old))
		return -errno;
	r = *old;
	r.rlim_cur = (kb << 10) + (32ull << 20);
	return setrlimit(RLIMIT_AS, &r) ? -errno : 0;
}

static int put_obstacle(struct wb_ctx *ctx, struct wrap *s)
{
	int err;

	switch (s->obstacle) {
	case NO_FORK:
		err = refuse_fork();
		if (err)
			return wb_refuse(ctx, WB_MISSING, err,
					 "cannot install the seccomp filter "
					 "that refuses fork: %s",
					 strerror(-err));
		return 0;
	case NO_MAP:
		err = cap_address_space(&s->as);
		if (err)
			return wb_refuse(ctx, WB_MISSING, err,
					 "cannot cap the address space: %s",
					 strerror(-err));
		return 0;
	case NO_THP:
		if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
			return wb_refuse(ctx, WB_MISSING, errno,
					 "prctl(PR_SET_THP_DISABLE): %s",
					 strerror(errno));
		return 0;
	}
	return -EINVAL;
}

/* Before check(): the obstacles that can be taken away are. */
static int lift_obstacle(struct wrap *s)
{
	if (s->obstacle == NO_MAP && setrlimit(RLIMIT_AS, &s->as))
		return -errno;
	if (s->obstacle == NO_THP && prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0))
		return -errno;
	return 0;
}

/* @in (this test kernel's instance) as the wrapped kernel sees it. */
static int inner_ctx(const struct wrapped *w, const struct wb_ctx *in,
		     struct wb_ctx *out)
{
	const struct wb_kernel *k = wb_kernel_find(w->kernel);

	if (!k)
		return -ENOENT;
	*out = *in;
	out->kernel = k;
	for (int i = 0; k->params[i].name; i++) {
		int mine = in->kernel ? wb_param_index(in->kernel,
						       k->params[i].name)
				      : -1;

		out->param[i] = mine >= 0 ? in->param[mine] : k->params[i].def;
		for (const struct fixed *f = w->fixed; f->name; f++)
			if (!strcmp(f->name, k->params[i].name))
				out->param[i] = f->value;
	}
	return 0;
}

static int wrap_setup(const struct wrapped *w, struct wb_ctx *ctx, void **state)
{
	struct wrap *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	err = inner_ctx(w, ctx, &s->ctx);
	if (err) {
		free(s);
		return wb_refuse(ctx, WB_MISSING, err, "no kernel %s",
				 w->kernel);
	}
	s->k = s->ctx.kernel;
	s->obstacle = w->obstacle;
	/* fork and THP are refused before setup, the address space capped
	 * after it: setup maps nothing a batch needs */
	err = w->obstacle != NO_MAP ? put_obstacle(ctx, s) : 0;
	if (!err) {
		err = s->k->setup(&s->ctx, &s->inner);
		if (err) {
			ctx->status = s->ctx.status;
			memcpy(ctx->why, s->ctx.why, sizeof(ctx->why));
		}
	}
	if (!err && w->obstacle == NO_MAP) {
		err = put_obstacle(ctx, s);
		if (err)
			s->k->teardown(s->inner);
	}
	if (err) {
		free(s);
		return err;
	}
	*state = s;
	return 0;
}

static void wrap_prepare(void *state, uint64_t n)
{
	struct wrap *s = state;

	if (s->k->prepare)
		s->k->prepare(s->inner, n);
}

static void wrap_run(void *state, uint64_t n)
{
	struct wrap *s = state;

	s->k->run(s->inner, n);
}

static int wrap_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct wrap *s = state;
	int err = lift_obstacle(s);

	if (err)
		return wb_refuse(ctx, WB_FAILED, err,
				 "cannot lift the obstacle: %s",
				 strerror(-err));
	err = s->k->check(&s->ctx, s->inner, f);
	ctx->status = s->ctx.status;
	memcpy(ctx->why, s->ctx.why, sizeof(ctx->why));
	return err;
}

static void wrap_teardown(void *state)
{
	struct wrap *s = state;

	if (!s)
		return;
	s->k->teardown(s->inner);
	free(s);
}

static int wrap_predict(const struct wrapped *w, const struct wb_ctx *ctx,
			struct wb_prediction *out)
{
	struct wb_ctx in;
	int err = inner_ctx(w, ctx, &in);

	return err ?: in.kernel->predict(&in, out);
}

static uint64_t wrap_iterations(const struct wrapped *w,
				const struct wb_ctx *ctx)
{
	struct wb_ctx in;

	if (inner_ctx(w, ctx, &in) || !in.kernel->iterations)
		return 0;
	return in.kernel->iterations(&in);
}

static uint64_t wrap_footprint(const struct wrapped *w,
			       const struct wb_ctx *ctx)
{
	struct wb_ctx in;

	if (inner_ctx(w, ctx, &in) || !in.kernel->footprint)
		return 0;
	return in.kernel->footprint(&in);
}

/* the size, the one parameter left free; both wrapped kernels take it */
static const struct wb_param params[] = {
	{ .name = "mib",
	  .unit = "MiB",
	  .help = "memory of the wrapped kernel's region",
	  .def = 64,
	  .quick = 64,
	  .min = 64,
	  .max = 1024 },
	{ 0 },
};

#define WRAP(NAME, KERNEL, OBSTACLE, SUMMARY, ...)                             \
	static const struct wrapped w_##NAME = { KERNEL,                       \
						 OBSTACLE,                     \
						 { __VA_ARGS__, { 0 } } };     \
	static int NAME##_setup(struct wb_ctx *ctx, void **state)              \
	{                                                                      \
		return wrap_setup(&w_##NAME, ctx, state);                      \
	}                                                                      \
	static int NAME##_predict(const struct wb_ctx *ctx,                    \
				  struct wb_prediction *out)                   \
	{                                                                      \
		return wrap_predict(&w_##NAME, ctx, out);                      \
	}                                                                      \
	static uint64_t NAME##_iterations(const struct wb_ctx *ctx)            \
	{                                                                      \
		return wrap_iterations(&w_##NAME, ctx);                        \
	}                                                                      \
	static uint64_t NAME##_footprint(const struct wb_ctx *ctx)             \
	{                                                                      \
		return wrap_footprint(&w_##NAME, ctx);                         \
	}                                                                      \
	const struct wb_kernel wb_k_##NAME = {                                 \
		.name = #NAME,                                                 \
		.suite = "test",                                               \
		.summary = SUMMARY,                                            \
		.per_iteration = "fault",                                      \
		.params = params,                                              \
		.requires = WB_NEED_PAGEMAP_PFN,                               \
		.setup = NAME##_setup,                                         \
		.prepare = wrap_prepare,                                       \
		.run = wrap_run,                                               \
		.check = wrap_check,                                           \
		.teardown = wrap_teardown,                                     \
		.predict = NAME##_predict,                                     \
		.iterations = NAME##_iterations,                               \
		.footprint = NAME##_footprint,                                 \
		.faults_in_loop = true,                                        \
	}

WRAP(test_cow_nofork, "cow_storm", NO_FORK,
     "test only: cow_storm with fork refused (must fail)",
     { "page_size", WB_4K }, { "writer", 1 }, { "percent", 100 });
WRAP(test_dz_nomap, "demand_zero", NO_MAP,
     "test only: demand_zero with its batches' mmap refused (must fail)",
     { "page_size", WB_4K }, { "phase", 2 });
WRAP(test_cow_nothp, "cow_storm", NO_THP,
     "test only: cow_storm at 2M with THP off for the process (must be "
     "untrusted)",
     { "page_size", WB_2M }, { "writer", 1 }, { "percent", 100 });
WRAP(test_dz_nothp, "demand_zero", NO_THP,
     "test only: demand_zero at 2M with THP off for the process (must be "
     "untrusted)",
     { "page_size", WB_2M }, { "phase", 2 });
