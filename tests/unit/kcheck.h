/* SPDX-License-Identifier: MIT */
/*
 * Runs one kernel instance the way the harness does (setup, prepare+run,
 * check, predict, teardown) in a forked child, and compares every
 * predicted quantity with the fact of the same name. The child's verdict
 * and a transcript come back over a pipe.
 */
#ifndef WB_TEST_KCHECK_H
#define WB_TEST_KCHECK_H

#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/kernel.h"

#define KC_SKIP 77

struct kc_result {
	int status; /* 0 all matched, 1 mismatch, KC_SKIP, else error */
	char text[8192];
	struct wb_facts facts;
};

static const double *kc_fact(const struct wb_facts *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].name, name))
			return &f->kv[i].value;
	return NULL;
}

static int kc_within(const struct wb_pred_item *it, double m)
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
	}
	return 0;
}

/* Quantities in @ignore (NULL-terminated) are printed, not judged:
 * timing ratios are not test material. */
static int kc_child(const struct wb_kernel *k, const uint64_t *param, int np,
		    const char *const *ignore, struct kc_result *r)
{
	struct wb_ctx ctx = { .kernel = k,
			      .cpu = -1,
			      .cpu_other = -1,
			      .quick = true,
			      .seed = 1 };
	struct wb_prediction pred = { 0 };
	void *state = NULL;
	size_t off = 0;
	int bad = 0, err;
	uint64_t n;
	cpu_set_t set;

#define SAY(...)                                                               \
	off += (size_t)snprintf(r->text + off,                                 \
				off < sizeof(r->text) ? sizeof(r->text) - off  \
						      : 0,                     \
				__VA_ARGS__)
	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) >= 2) {
		int first = -1;

		for (int c = 0; c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &set))
				continue;
			if (first < 0)
				first = c;
			else {
				ctx.cpu = c;
				ctx.cpu_other = first;
				break;
			}
		}
		CPU_ZERO(&set);
		CPU_SET(ctx.cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	for (int i = 0; i < np; i++)
		ctx.param[i] = param[i];
	err = k->setup(&ctx, &state);
	if (err) {
		SAY("setup: %d (%s)\n", err, ctx.why);
		return ctx.status == WB_MISSING || ctx.status == WB_SKIPPED
			       ? KC_SKIP
			       : 2;
	}
	n = k->iterations ? k->iterations(&ctx) : 1000;
	for (int rep = 0; rep < 2; rep++) {
		if (k->prepare)
			k->prepare(state, n);
		k->run(state, n);
	}
	err = k->check(&ctx, state, &r->facts);
	if (err) {
		SAY("check: %d (%s)\n", err, ctx.why);
		k->teardown(state);
		return ctx.status == WB_MISSING || ctx.status == WB_SKIPPED
			       ? KC_SKIP
			       : 2;
	}
	k->teardown(state);
	err = k->predict(&ctx, &pred);
	if (err) {
		SAY("predict: %d\n", err);
		return 2;
	}
	for (int i = 0; i < r->facts.n; i++)
		SAY("fact %s = %g\n", r->facts.kv[i].name,
		    r->facts.kv[i].value);
	for (int i = 0; i < pred.n; i++) {
		const struct wb_pred_item *it = &pred.item[i];
		const double *m = kc_fact(&r->facts, it->quantity);
		int skip = 0;

		for (int j = 0; ignore && ignore[j]; j++)
			skip |= !strcmp(ignore[j], it->quantity);
		if (!m) {
			SAY("MISSING fact %s\n", it->quantity);
			bad = 1;
			continue;
		}
		if (skip) {
			SAY("(not judged) %s = %g, predicted %g\n",
			    it->quantity, *m, it->value);
			continue;
		}
		if (!kc_within(it, *m)) {
			SAY("MISMATCH %s = %g, predicted %g (%s)\n",
			    it->quantity, *m, it->value, it->basis);
			bad = 1;
		}
	}
	return bad;
#undef SAY
}

/* Fork, run, collect. */
static void kc_run(const struct wb_kernel *k, const uint64_t *param, int np,
		   const char *const *ignore, struct kc_result *r)
{
	int fd[2];
	pid_t pid;
	int st;

	memset(r, 0, sizeof(*r));
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's shadow memory adds faults, frames and page tables of its
	 * own: the exact counts these kernels predict are not observable */
	if (!strcmp(k->suite, "cow") || !strcmp(k->suite, "shared")) {
		print_message("# SKIP exact fault, RSS and VmPTE counts: "
			      "ASan shadow memory adds its own\n");
		skip();
	}
#endif
	if (pipe(fd)) {
		r->status = 3;
		return;
	}
	pid = fork();
	if (!pid) {
		struct kc_result *mine = calloc(1, sizeof(*mine));
		ssize_t w;

		close(fd[0]);
		mine->status = kc_child(k, param, np, ignore, mine);
		w = write(fd[1], mine, sizeof(*mine));
		_exit(w == (ssize_t)sizeof(*mine) ? 0 : 3);
	}
	close(fd[1]);
	{
		size_t got = 0;
		ssize_t n;

		while (got < sizeof(*r) &&
		       (n = read(fd[0], (char *)r + got, sizeof(*r) - got)) > 0)
			got += (size_t)n;
		if (got != sizeof(*r)) {
			r->status = 4;
			snprintf(r->text, sizeof(r->text),
				 "child died without a verdict");
		}
	}
	close(fd[0]);
	waitpid(pid, &st, 0);
}

#endif
