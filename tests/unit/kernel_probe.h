/* SPDX-License-Identifier: MIT */
/*
 * Runs one kernel instance through the runner's probe (wb_runner_probe):
 * the kernel contract in a supervised child pinned as a run pins it, one
 * warm-up batch and one counted batch of iterations() iterations, so a
 * kernel's mappings and page-table growth never leak into the test
 * process and its faults are counted exactly. probe_check() also compares
 * every predicted quantity with the fact of the same name. probe_opts()
 * and probe_instance() are for tests that set options of their own
 * (test_contract.c: the probed machine, requirements, prepare_system).
 */
#ifndef WB_TEST_KERNEL_PROBE_H
#define WB_TEST_KERNEL_PROBE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "core/env.h"
#include "core/topo.h"
#include "runner/runner.h"

/*
 * AddressSanitizer maps shadow memory for whatever setup allocates, and
 * those page tables and faults land in the counts too: exact fault, RSS
 * and VmPTE counts cannot be observed in the sanitizer build, so those
 * checks skip there.
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

#define PROBE_SKIP 77

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

static inline const double *fact_ptr(const struct wb_facts *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].name, name))
			return &f->kv[i].value;
	return NULL;
}

/* Where fact @name was read, NULL when there is no such fact. */
static inline const char *source_of(const struct wb_facts *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].name, name))
			return f->kv[i].source;
	return NULL;
}

static inline const struct wb_pred_item *pred_of(const struct wb_prediction *p,
						 const char *q)
{
	for (int i = 0; i < p->n; i++)
		if (!strcmp(p->item[i].quantity, q))
			return &p->item[i];
	return NULL;
}

/*
 * The options of a quick run's child: seed 1, pinned to the default CPU
 * with its other CPU, @sys as the machine, at most @mem_limit_bytes mapped
 * (0: 1 GiB). The rest is the caller's.
 */
static inline void probe_opts(struct wb_probe_opts *o,
			      const struct wb_sysinfo *sys,
			      uint64_t mem_limit_bytes)
{
	memset(o, 0, sizeof(*o));
	o->opts.sys = sys;
	o->opts.quick = true;
	o->opts.seed = 1;
	o->opts.mem_limit_bytes = mem_limit_bytes ? mem_limit_bytes
						  : 1ull << 30;
	o->opts.cpu = wb_topo_default_cpu();
	o->opts.cpu_other = wb_topo_other_cpu(o->opts.cpu);
}

/* @k's instance with @param (a value for each of its parameters) through
 * wb_runner_probe(), which says what the result is. */
static inline int probe_instance(const struct wb_probe_opts *o,
				 const struct wb_kernel *k,
				 const uint64_t *param,
				 struct wb_probe_result *r)
{
	struct wb_instance in = { .kernel = k };

	for (int i = 0; i < WB_MAX_PARAMS && k->params && k->params[i].name;
	     i++)
		in.param[i] = param[i];
	snprintf(in.name, sizeof(in.name), "%s", k->name);
	return wb_runner_probe(o, &in, r);
}

/*
 * Two batches, the second counted, on a machine that is not probed.
 * @mem_limit_bytes 0 is 1 GiB. 0, or -errno when the child could not be
 * run or ended without a result.
 */
static inline int probe_kernel(const struct wb_kernel *k, const uint64_t *param,
			       uint64_t mem_limit_bytes,
			       struct wb_probe_result *r)
{
	/* only what the kernels ask of a machine that is not probed */
	struct wb_sysinfo sys = { .la57_active = test_la57_active() };
	struct wb_probe_opts o;

	probe_opts(&o, &sys, mem_limit_bytes);
	o.batches = 2;
	o.timeout_s = 120;
	return probe_instance(&o, k, param, r);
}

static inline int probe_within(const struct wb_pred_item *it, double m)
{
	double p = it->value;

	switch (it->tol_kind) {
	case WB_TOL_EXACT:
		return m == p;
	case WB_TOL_REL:
		return fabs(m - p) <= it->tol * fabs(p);
	case WB_TOL_ABS:
		return fabs(m - p) <= it->tol;
	case WB_TOL_MIN:
		return m >= p;
	case WB_TOL_MAX:
		return m <= p;
	case WB_TOL_KNEE: /* no sweep here: the relative part only */
		return fabs(m - p) <= it->tol * fabs(p);
	}
	return 0;
}

struct probe_check {
	int verdict; /* 0 all held, 1 a mismatch, PROBE_SKIP, else error */
	char text[8192];
	struct wb_probe_result r;
};

/* Quantities in @ignore (NULL-terminated) are printed, not judged:
 * timing ratios are not test material. */
static inline void probe_check(const struct wb_kernel *k, const uint64_t *param,
			       const char *const *ignore, struct probe_check *c)
{
	const struct wb_probe_result *r = &c->r;
	size_t off = 0;

#define SAY(...)                                                               \
	off += (size_t)snprintf(c->text + off,                                 \
				off < sizeof(c->text) ? sizeof(c->text) - off  \
						      : 0,                     \
				__VA_ARGS__)
	memset(c, 0, sizeof(*c));
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's shadow memory adds faults, frames and page tables of its
	 * own: the exact counts these kernels predict are not observable */
	if (!strcmp(k->suite, "cow") || !strcmp(k->suite, "shared")) {
		print_message("# SKIP exact fault, RSS and VmPTE counts: "
			      "ASan shadow memory adds its own\n");
		skip();
	}
#endif
	if (probe_kernel(k, param, 0, &c->r)) {
		SAY("child died without a verdict: %s\n%s", r->why,
		    r->stderr_tail);
		c->verdict = 4;
		return;
	}
	if (r->setup_err || r->check_err) {
		SAY("%s: %d (%s)\n", r->setup_err ? "setup" : "check",
		    r->setup_err ? r->setup_err : r->check_err, r->why);
		c->verdict = r->status == WB_MISSING || r->status == WB_SKIPPED
				     ? PROBE_SKIP
				     : 2;
		return;
	}
	if (r->predict_err) {
		SAY("predict: %d\n", r->predict_err);
		c->verdict = 2;
		return;
	}
	for (int i = 0; i < r->facts.n; i++) {
		SAY("fact %s = %g (%s)\n", r->facts.kv[i].name,
		    r->facts.kv[i].value, r->facts.kv[i].source);
		if (!wb_source_valid(r->facts.kv[i].source)) {
			SAY("NO SOURCE for fact %s\n", r->facts.kv[i].name);
			c->verdict = 1;
		}
	}
	for (int i = 0; i < r->pred.n; i++) {
		const struct wb_pred_item *it = &r->pred.item[i];
		const double *m = fact_ptr(&r->facts, it->quantity);
		int unjudged = 0;

		for (int j = 0; ignore && ignore[j]; j++)
			unjudged |= !strcmp(ignore[j], it->quantity);
		if (!m) {
			SAY("MISSING fact %s\n", it->quantity);
			c->verdict = 1;
			continue;
		}
		if (unjudged) {
			SAY("(not judged) %s = %g, predicted %g\n",
			    it->quantity, *m, it->value);
			continue;
		}
		if (!probe_within(it, *m)) {
			SAY("MISMATCH %s = %g, predicted %g (%s)\n",
			    it->quantity, *m, it->value, it->basis);
			c->verdict = 1;
		}
	}
#undef SAY
}

#endif
