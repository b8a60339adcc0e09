// SPDX-License-Identifier: MIT
/*
 * shootdown: a thread pinned on a second CPU keeps reading a mapping
 * while the measuring thread changes it with mprotect, a MAP_FIXED mmap
 * over it (munmap + mmap in one call, so the reader never meets a hole)
 * or madvise(MADV_DONTNEED). Every such change must flush the reader's
 * TLB: on x86-64 an IPI to the other CPU, counted in /proc/interrupts.
 * arm64 invalidates other CPUs' TLBs with broadcast TLBI instructions
 * (TLBI ...IS, then DSB ISH): no interrupt reaches the reader, so there
 * the IPIs are recorded as not counted (missing_metrics), never as 0, and
 * the cost is in the time alone. threads=1 is the same loop with no
 * reader, so no remote flush: the difference is the shootdown's cost.
 * One iteration is one operation followed by a read of every page by the
 * measuring thread (so the next operation has translations to flush in
 * both variants).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/arch.h"
#include "mem/faulting.h"
#include "runner/kernel.h"
#include "mem/mem.h"
#include "counters/osstat.h"

enum {
	P_OP,
	P_PAGES,
	P_THREADS
};
enum {
	OP_MPROTECT = 1,
	OP_REMAP = 2,
	OP_DONTNEED = 3
};

static const uint64_t ops[] = { OP_MPROTECT, OP_REMAP, OP_DONTNEED, 0 };
static const uint64_t page_counts[] = { 1, 16, 512, 0 };
static const uint64_t threads[] = { 2, 1, 0 };

static const char *const op_names[] = { "", "mprotect", "remap", "dontneed",
					NULL };

static const struct wb_param params[] = {
	{ .name = "op",
	  .unit = "enum",
	  .help = "mprotect (1), remap (2): mmap MAP_FIXED over it, dontneed "
		  "(3): madvise DONTNEED",
	  .def = OP_MPROTECT,
	  .quick = OP_MPROTECT,
	  .min = 1,
	  .max = 3,
	  .choices = ops,
	  .names = op_names },
	{ .name = "pages",
	  .unit = "pages",
	  .help = "4K pages per operation",
	  .def = 1,
	  .quick = 1,
	  .min = 1,
	  .max = 262144,
	  .choices = page_counts },
	{ .name = "threads",
	  .unit = "",
	  .help = "2: a reader on the other CPU (x86-64: a flush IPI per "
		  "op, counted; arm64: broadcast TLBI, no IPI to count); 1: no "
		  "reader (baseline)",
	  .def = 2,
	  .quick = 2,
	  .min = 1,
	  .max = 2,
	  .choices = threads },
	{ 0 },
};

/* Operations check() counts flushes over, and its time limit. */
#define CHECK_OPS 2000
#define CHECK_NS 2000000000ull

struct sd {
	int op, cpu_other;
	size_t len;
	char *addr;
	uint64_t flip;
	pthread_t reader;
	bool has_reader;
	atomic_bool stop;
	atomic_ulong sweeps;
	/* the first operation that failed: a failed mprotect or mmap
	 * changes no PTE and flushes nothing, so what was timed is not the
	 * operation's cost */
	int op_err;
	const char *op_failed;
	char how[64]; /* how setup verified the range as 4K pages */
};

static void *sd_reader(void *arg)
{
	struct sd *s = arg;

	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		wb_touch_read(s->addr, s->len, WB_4K);
		atomic_fetch_add_explicit(&s->sweeps, 1, memory_order_relaxed);
	}
	return NULL;
}

static void sd_teardown(void *state)
{
	struct sd *s = state;

	if (!s)
		return;
	if (s->has_reader) {
		atomic_store(&s->stop, true);
		pthread_join(s->reader, NULL);
	}
	if (s->addr)
		munmap(s->addr, s->len);
	free(s);
}

/* The range is 4K pages, none of them part of a THP. */
static int sd_verify(const struct sd *s, char *how, size_t howlen, char *why,
		     size_t whylen)
{
	struct wb_mem vm = { .addr = s->addr,
			     .len = s->len,
			     .page_size = WB_4K,
			     .kind = WB_MEM_BASE };

	return wb_mem_verify(&vm, how, howlen, why, whylen);
}

static int sd_setup(struct wb_ctx *ctx, void **state)
{
	struct sd *s;
	cpu_set_t set;
	char why[160];
	int err;

	if (ctx->param[P_THREADS] == 2 && ctx->cpu_other < 0)
		return wb_refuse(ctx, WB_MISSING, ENODEV,
				 "needs a second CPU for the reader thread");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->op = (int)ctx->param[P_OP];
	s->cpu_other = ctx->cpu_other;
	s->len = ctx->param[P_PAGES] * WB_4K;
	s->addr = mmap(NULL, s->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->addr == MAP_FAILED) {
		err = -errno;
		s->addr = NULL;
		sd_teardown(s);
		return err;
	}
	if (madvise(s->addr, s->len, MADV_NOHUGEPAGE)) {
		err = -errno;
		sd_teardown(s);
		return wb_refuse(ctx, WB_FAILED, err,
				 "madvise(MADV_NOHUGEPAGE) failed: %s",
				 strerror(-err));
	}
	wb_touch_write(s->addr, s->len, WB_4K, 1);
	err = sd_verify(s, s->how, sizeof(s->how), why, sizeof(why));
	if (err) {
		sd_teardown(s);
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "the range is not 4K pages: %s", why);
	}
	if (ctx->param[P_THREADS] == 2) {
		err = -pthread_create(&s->reader, NULL, sd_reader, s);
		if (err) {
			sd_teardown(s);
			return err;
		}
		s->has_reader = true;
		CPU_ZERO(&set);
		CPU_SET(ctx->cpu_other, &set);
		err = -pthread_setaffinity_np(s->reader, sizeof(set), &set);
		if (err) {
			sd_teardown(s);
			return wb_refuse(ctx, WB_MISSING, err,
					 "cannot pin the reader to CPU %d",
					 ctx->cpu_other);
		}
		while (atomic_load(&s->sweeps) < 2)
			sched_yield();
	}
	*state = s;
	return 0;
}

/* The reader finished a sweep since we started looking (up to 10 ms). */
static bool sd_reader_running(struct sd *s)
{
	unsigned long n = atomic_load(&s->sweeps);
	uint64_t end = wb_now_ns() + 10000000;

	while (wb_now_ns() < end)
		if (atomic_load(&s->sweeps) != n)
			return true;
	return false;
}

static void sd_failed(struct sd *s, const char *what)
{
	if (!s->op_err) {
		s->op_err = errno;
		s->op_failed = what;
	}
}

static void sd_run(void *state, uint64_t n)
{
	struct sd *s = state;

	for (uint64_t i = 0; i < n; i++) {
		switch (s->op) {
		case OP_MPROTECT:
			/* read-only, then back: each call changes every PTE */
			if (mprotect(s->addr, s->len,
				     PROT_READ |
					     (s->flip++ & 1 ? PROT_WRITE : 0)))
				sd_failed(s, "mprotect");
			break;
		case OP_REMAP:
			if (mmap(s->addr, s->len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
				 0) == MAP_FAILED)
				sd_failed(s, "mmap(MAP_FIXED)");
			else if (madvise(s->addr, s->len, MADV_NOHUGEPAGE))
				sd_failed(s, "madvise(MADV_NOHUGEPAGE)");
			break;
		case OP_DONTNEED:
			if (madvise(s->addr, s->len, MADV_DONTNEED))
				sd_failed(s, "madvise(MADV_DONTNEED)");
			break;
		}
		wb_touch_read(s->addr, s->len, WB_4K);
	}
}

#define ARM64_NO_IPI                                                           \
	"not counted on arm64: remote TLBs are invalidated by broadcast "      \
	"TLBI instructions, not IPIs; the cost is in the time"

struct sd_counts {
	uint64_t ipi_other, ipi_self, remote, received, trace;
	int has_self, has_remote, has_received, has_trace;
};

/* @ipis: the machine flushes remote TLBs by IPI (not arm64) */
static int sd_sample(struct sd *s, int cpu, int trace_fd, bool ipis,
		     struct sd_counts *c)
{
	int err = 0;

	memset(c, 0, sizeof(*c));
	if (ipis)
		err = wb_tlb_ipis(s->cpu_other, &c->ipi_other);
	c->has_self = ipis && cpu >= 0 && !wb_tlb_ipis(cpu, &c->ipi_self);
	c->has_remote = !wb_vmstat("nr_tlb_remote_flush", &c->remote);
	c->has_received = !wb_vmstat("nr_tlb_remote_flush_received",
				     &c->received);
	c->has_trace = trace_fd >= 0 && !wb_tlbflush_read(trace_fd, &c->trace);
	return err;
}

/* An operation that failed in the timed loop (or the check's) refuses the
 * instance: the time it left is not the operation's. */
static int sd_refuse_run(struct wb_ctx *ctx, const struct sd *s)
{
	if (!s->op_err)
		return 0;
	return wb_refuse(ctx, WB_FAILED, s->op_err,
			 "%s failed while timed or checked: %s", s->op_failed,
			 strerror(s->op_err));
}

/* The range read again after the timed and the check's operations: 4K
 * pages as setup found them, or the instance is not trusted. */
static int sd_reverify(struct wb_ctx *ctx, const struct sd *s,
		       struct wb_facts *f)
{
	char why[160];
	int err = sd_verify(s, f->page_size_how, sizeof(f->page_size_how), why,
			    sizeof(why));

	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "after the timed runs the range is not 4K "
				 "pages: %s",
				 why);
	/* setup's reading agreed, or it would have refused */
	f->page_size_verified = true;
	f->page_size_bytes = WB_4K;
	return 0;
}

static int sd_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct sd *s = state;
	struct sd_counts a, b;
	uint64_t t, sweeps, probe, n, done = 0, unseen = 0;
	int trace_fd = -1, err;
	bool ipis = !(ctx->sys && wb_arch_is_arm64(ctx->sys));

	err = sd_refuse_run(ctx, s);
	if (err)
		return err;
	if (s->cpu_other < 0)
		return wb_refuse(ctx, WB_MISSING, ENOENT,
				 "no other CPU for the reader");
	if (ipis && wb_tlb_ipis(s->cpu_other, &probe))
		return wb_refuse(ctx, WB_MISSING, ENOENT,
				 "no per-CPU \"TLB\" row in /proc/interrupts "
				 "for the other CPU");
	wb_tlbflush_open(s->cpu_other, &trace_fd);
	sd_run(s, 10); /* settle: first faults, VMA merges */
	sweeps = atomic_load(&s->sweeps);
	err = sd_sample(s, ctx->cpu, trace_fd, ipis, &a);
	t = wb_now_ns();
	for (n = 0; n < CHECK_OPS && wb_now_ns() - t < CHECK_NS; n++) {
		/* an op only right after the reader was seen running: one
		 * preempted by another task is off the mm and needs no IPI,
		 * which says nothing about the kernel's flushing */
		if (s->has_reader && !sd_reader_running(s)) {
			unseen++;
			continue;
		}
		sd_run(s, 1);
		done++;
	}
	t = wb_now_ns() - t;
	err = sd_sample(s, ctx->cpu, trace_fd, ipis, &b) ?: err;
	sweeps = atomic_load(&s->sweeps) - sweeps;
	if (trace_fd >= 0)
		close(trace_fd);
	if (err)
		return wb_refuse(ctx, WB_FAILED, err,
				 "the \"TLB\" row of /proc/interrupts for "
				 "CPU %d became unreadable",
				 s->cpu_other);
	/* the check's own operations, as the timed ones */
	err = sd_refuse_run(ctx, s);
	if (err)
		return err;
	if (!done)
		return wb_refuse(ctx, WB_UNTRUSTED, EAGAIN,
				 "the reader on CPU %d never ran within %d ms",
				 s->cpu_other, (int)(CHECK_NS / 1000000));
	{
		/* ops and sweeps: what this loop and the reader counted */
		const struct wb_fact_row rows[] = {
			{ "ops", (double)done, "experiment" },
			{ "ops_reader_not_running", (double)unseen,
			  "experiment" },
			{ "check_ns_per_op", (double)t / (double)done,
			  "timing" },
			{ "reader_sweeps", (double)sweeps, "experiment" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
	if (!err && ipis) {
		double n_ipi = (double)(b.ipi_other - a.ipi_other);

		err = wb_fact(f, "tlb_ipis_cpu_other", n_ipi, "interrupts")
			      ?: wb_fact(f, "tlb_ipis_cpu_other_per_op",
					 n_ipi / (double)done, "interrupts");
	} else if (!err) {
		err = wb_fact_uncounted(f, "tlb_ipis_cpu_other", ARM64_NO_IPI)
			      ?: wb_fact_uncounted(f,
						   "tlb_ipis_cpu_other_per_op",
						   ARM64_NO_IPI);
	}
	/* each only where the kernel has its source */
	if (!err && a.has_self && b.has_self)
		err = wb_fact(f, "tlb_ipis_cpu_self",
			      (double)(b.ipi_self - a.ipi_self), "interrupts");
	if (!err && a.has_remote && b.has_remote)
		err = wb_fact(f, "nr_tlb_remote_flush_delta",
			      (double)(b.remote - a.remote), "vmstat");
	if (!err && a.has_received && b.has_received)
		err = wb_fact(f, "nr_tlb_remote_flush_received_delta",
			      (double)(b.received - a.received), "vmstat");
	if (!err && a.has_trace && b.has_trace)
		err = wb_fact(f, "tlb_flush_events_cpu_other",
			      (double)(b.trace - a.trace),
			      "perf:tlb:tlb_flush");
	if (err)
		return err;
	return sd_reverify(ctx, s, f);
}

static int sd_predict(const struct wb_ctx *ctx, struct wb_prediction *p)
{
	/* nothing to count, so nothing to predict: the time is the result */
	if (ctx->sys && wb_arch_is_arm64(ctx->sys)) {
		snprintf(p->model, sizeof(p->model),
			 "arm64: broadcast TLBI, no flush IPIs; the cost is "
			 "the op's time over threads=1");
		return 0;
	}
	snprintf(p->model, sizeof(p->model),
		 "one flush IPI per PTE change while another CPU runs the mm");
	if (ctx->param[P_THREADS] == 2)
		wb_predict(p, "tlb_ipis_cpu_other_per_op", 0.9, WB_TOL_MIN, 0,
			   "reader seen running before each op: 1 IPI per "
			   "op (10% slack: it may be preempted just then)");
	else
		wb_predict(p, "tlb_ipis_cpu_other_per_op", 0.02, WB_TOL_MAX, 0,
			   "no reader: ~0 IPIs (2% slack for other processes)");
	return 0;
}

const struct wb_kernel wb_k_shootdown = {
	.name = "shootdown",
	.suite = "shootdown",
	.summary = "mprotect/remap/DONTNEED while another CPU reads",
	.per_iteration = "op",
	.params = params,
	.requires = WB_NEED_2CPUS | WB_NEED_4K_PAGES,
	.setup = sd_setup,
	.run = sd_run,
	.check = sd_check,
	.teardown = sd_teardown,
	.predict = sd_predict,
	.faults_in_loop = true,
};
