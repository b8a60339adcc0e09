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
#include "runner/runner.h"
#include "runner/supervise.h"

struct probe_arg {
	const struct wb_probe_opts *o;
	const struct wb_instance *in;
};

static int probe_child(void *argp, int out_fd)
{
	const struct probe_arg *a = argp;
	const struct wb_kernel *k = a->in->kernel;
	struct wb_probe_result r;
	struct wb_ctx ctx;
	void *state = NULL;
	size_t off = 0;

	memset(&r, 0, sizeof(r));
	wb_run_ctx(a->in, &a->o->opts, &ctx);
	/* settings change only in the parent (prepare_system) */
	ctx.journal = NULL;
	if (a->o->opts.cpu >= 0 &&
	    wb_topo_pin(a->o->opts.cpu, r.why, sizeof(r.why))) {
		r.status = WB_MISSING;
		r.setup_err = -EINVAL;
		goto out;
	}
	r.setup_err = k->setup(&ctx, &state);
	if (!r.setup_err) {
		r.iterations = k->iterations ? k->iterations(&ctx) : 1000;
		for (int b = 0; b < (a->o->batches > 0 ? a->o->batches : 1);
		     b++) {
			struct rusage ru0, ru1;

			if (k->prepare)
				k->prepare(state, r.iterations);
			getrusage(RUSAGE_SELF, &ru0);
			k->run(state, r.iterations);
			getrusage(RUSAGE_SELF, &ru1);
			r.minflt = ru1.ru_minflt - ru0.ru_minflt;
		}
		r.check_err = k->check ? k->check(&ctx, state, &r.facts) : 0;
		if (k->teardown)
			k->teardown(state);
	}
	r.predict_err = k->predict ? k->predict(&ctx, &r.pred) : -ENOSYS;
	/* WB_OK unless setup or check refused */
	r.status = ctx.status;
	memcpy(r.why, ctx.why, sizeof(r.why));
out:
	while (off < sizeof(r)) {
		ssize_t n = write(out_fd, (char *)&r + off, sizeof(r) - off);

		if (n < 0 && errno != EINTR)
			return WB_FAILED;
		if (n > 0)
			off += (size_t)n;
	}
	return (int)r.status;
}

int wb_runner_probe(const struct wb_probe_opts *o, const struct wb_instance *in,
		    struct wb_probe_result *res)
{
	struct probe_arg a = { .o = o, .in = in };
	struct wb_supervise_opts so = {
		.timeout_s = o->timeout_s > 0 ? o->timeout_s : 300,
	};
	struct wb_child_result cr;
	int err;

	memset(res, 0, sizeof(*res));
	err = wb_supervise(&so, probe_child, &a, &cr);
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
	memcpy(res->stderr_tail, cr.stderr_tail, sizeof(res->stderr_tail));
	wb_child_result_free(&cr);
	return err;
}
