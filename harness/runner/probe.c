// SPDX-License-Identifier: MIT
/*
 * wb_runner_probe(): one instance through the kernel contract in a
 * supervised child, without Google Benchmark, so that a test sees exactly
 * the faults, frames and page tables of a known number of iterations.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/topo.h"
#include "runner/needs.h"
#include "runner/runner.h"
#include "runner/supervise.h"
#include "settings/journal.h"

struct probe_arg {
	const struct wb_probe_opts *o;
	const struct wb_instance *in;
	bool predict_only;
};

static void measure(const struct probe_arg *a, struct wb_ctx *ctx,
		    struct wb_probe_result *r)
{
	const struct wb_kernel *k = a->in->kernel;
	void *state = NULL;

	r->setup_err = k->setup(ctx, &state);
	if (r->setup_err) {
		r->stage = WB_PROBE_SETUP;
		r->err = r->setup_err;
		return;
	}
	r->iterations = k->iterations ? k->iterations(ctx) : 1000;
	for (int b = 0; b < (a->o->batches > 0 ? a->o->batches : 1); b++) {
		struct rusage ru0, ru1;

		if (k->prepare)
			k->prepare(state, r->iterations);
		getrusage(RUSAGE_SELF, &ru0);
		k->run(state, r->iterations);
		getrusage(RUSAGE_SELF, &ru1);
		r->minflt = ru1.ru_minflt - ru0.ru_minflt;
	}
	r->check_err = k->check ? k->check(ctx, state, &r->facts) : 0;
	if (r->check_err) {
		r->stage = WB_PROBE_CHECK;
		r->err = r->check_err;
	}
	if (k->teardown)
		k->teardown(state);
}

static int probe_child(void *argp, int out_fd)
{
	const struct probe_arg *a = argp;
	const struct wb_kernel *k = a->in->kernel;
	struct wb_probe_result r;
	struct wb_ctx ctx;
	size_t off = 0;

	memset(&r, 0, sizeof(r));
	wb_run_ctx(a->in, &a->o->opts, &ctx);
	/* settings change only in the parent (prepare_system) */
	ctx.journal = NULL;
	if (a->o->opts.cpu >= 0 &&
	    wb_topo_pin(a->o->opts.cpu, ctx.why, sizeof(ctx.why))) {
		ctx.status = WB_MISSING;
		r.stage = WB_PROBE_SETUP;
		r.err = r.setup_err = -EINVAL;
	} else if (!a->predict_only) {
		measure(a, &ctx, &r);
	}
	r.predict_err = k->predict ? k->predict(&ctx, &r.pred) : -ENOSYS;
	/* WB_OK unless setup or check refused */
	r.status = ctx.status;
	memcpy(r.why, ctx.why, sizeof(r.why));
	while (off < sizeof(r)) {
		ssize_t n = write(out_fd, (char *)&r + off, sizeof(r) - off);

		if (n < 0 && errno != EINTR)
			return WB_FAILED;
		if (n > 0)
			off += (size_t)n;
	}
	return (int)r.status;
}

/*
 * The parent-side steps the options ask for, as the runner makes them. A
 * refusal fills @res with the step, its return and the kernel's own
 * status and reason, unembellished, so a test can tell a reason from none.
 */
static void before_child(const struct wb_probe_opts *o,
			 const struct wb_instance *in,
			 struct wb_probe_result *res)
{
	const struct wb_kernel *k = in->kernel;
	struct wb_ctx ctx;

	if (o->check_needs) {
		res->err = wb_needs_check(k->requires, o->opts.sys, res->why,
					  sizeof(res->why));
		if (res->err) {
			res->stage = WB_PROBE_NEEDS;
			res->status = WB_MISSING;
			return;
		}
	}
	if (!o->prepare_system || !k->prepare_system)
		return;
	wb_run_ctx(in, &o->opts, &ctx);
	res->err = k->prepare_system(&ctx);
	if (!res->err)
		return;
	res->stage = WB_PROBE_PREPARE_SYSTEM;
	res->status = ctx.status;
	memcpy(res->why, ctx.why, sizeof(res->why));
}

int wb_runner_probe(const struct wb_probe_opts *o, const struct wb_instance *in,
		    struct wb_probe_result *res)
{
	struct probe_arg a = { .o = o, .in = in };
	struct wb_supervise_opts so = {
		.timeout_s = o->timeout_s > 0 ? o->timeout_s : 300,
	};
	struct wb_probe_result refusal;
	struct wb_child_result cr;
	bool restore;
	int err, rerr = 0;

	memset(res, 0, sizeof(*res));
	before_child(o, in, res);
	refusal = *res;
	a.predict_only = refusal.stage != WB_PROBE_RAN;
	restore = o->prepare_system && in->kernel->prepare_system &&
		  o->opts.journal && refusal.stage != WB_PROBE_NEEDS;
	err = wb_supervise(&so, probe_child, &a, &cr);
	/* a reserved pool does not outlive the instance it was for */
	if (restore)
		rerr = wb_journal_restore(o->opts.journal);
	if (err)
		return err;
	if (cr.record && cr.record_len == sizeof(*res) &&
	    cr.status < WB_CRASHED) {
		memcpy(res, cr.record, sizeof(*res));
		err = 0;
	} else {
		res->status = cr.status;
		snprintf(res->why, sizeof(res->why), "%s%s%s",
			 wb_status_name(cr.status),
			 cr.signal ? " by signal " : " without a result",
			 cr.signal ? strsignal(cr.signal) : "");
		err = -ECHILD;
	}
	if (!err && a.predict_only) {
		res->stage = refusal.stage;
		res->err = refusal.err;
		res->status = refusal.status;
		memcpy(res->why, refusal.why, sizeof(res->why));
	}
	memcpy(res->stderr_tail, cr.stderr_tail, sizeof(res->stderr_tail));
	wb_child_result_free(&cr);
	return err ? err : rerr;
}
