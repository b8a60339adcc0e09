/* SPDX-License-Identifier: MIT */
/*
 * The runner: the one way an instance is measured. For each instance of a
 * plan it checks the kernel's requirements and memory footprint, lets the
 * kernel change settings (journaled) in this process, measures it in a
 * supervised child (instance.c under Google Benchmark), and records what
 * came back in the results file, rewritten after every instance. `run`,
 * the guest side of `vm` (which runs `run`) and `claims` use it in
 * process; what they print is theirs, told through the report callback.
 *
 * Used as: wb_runner_init(), set the fields the caller decides,
 * wb_runner_start(), wb_runner_run() over a plan, wb_runner_restore(),
 * wb_runner_finish(), wb_runner_close(). Functions return 0 or -errno;
 * on failure err says what, with the exit code a verb returns for it.
 */
#ifndef WB_RUNNER_H
#define WB_RUNNER_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/env.h"
#include "core/lock.h"
#include "results/results.h"
#include "runner/instance.h"
#include "runner/plan.h"

/* opts.cpu: the last allowed PU (wb_topo_default_cpu()); any negative
 * opts.cpu means the same */
#define WB_RUNNER_CPU_DEFAULT (-2)

enum wb_runner_event_kind {
	/* an instance's table line: its status when it was not measured,
	 * else its statistics over every pass after its last one (extra
	 * passes included) */
	WB_RUNNER_ROW,
	/* refused before a child was forked (requirements, memory) */
	WB_RUNNER_MISSING,
	/* one pass of an instance is recorded */
	WB_RUNNER_PROGRESS,
	/* something went wrong that does not stop the run */
	WB_RUNNER_WARNING,
};

struct wb_runner_event {
	enum wb_runner_event_kind kind;
	const struct wb_instance *in; /* NULL for a warning */
	const char *unit; /* what one iteration is: "access" */
	size_t index, count; /* the instance's place in the plan, its size */
	int pass, passes; /* PROGRESS of an extra pass: passes is the cap */
	bool extra; /* PROGRESS: a pass added to an unstable instance */
	const char *status, *why;
	double median, cv; /* ROW: NAN unless measured */
	/* ROW: over the processes that measured it; NULL when not judged
	 * (one process) */
	const struct wb_stability *stability;
	/* ROW: an unstable instance whose modes follow the host's backing
	 * of each process (check/hostline.h) */
	bool host_modes;
	double left_s; /* PROGRESS: estimate for the rest of the run */
	const char *text; /* WARNING */
};

typedef void (*wb_runner_report_fn)(void *arg,
				    const struct wb_runner_event *ev);

struct wb_runner_error {
	int code; /* WB_EXIT_* */
	char text[PATH_MAX + 256];
};

struct wb_runner {
	/* set by the caller, defaults from wb_runner_init() */
	struct wb_run_opts opts; /* journal, sys, cpu_other: the runner's */
	int passes; /* children per instance, each with a share of reps */
	/* a kernel's min_passes may raise passes for its instances (false
	 * when the user fixed --passes or --reps) */
	bool kernel_passes;
	/* Adaptive passes (harness/DESIGN.md, "Stability"): an instance
	 * judged unstable with a mode seen in one process only gets more
	 * passes, up to max_passes in all, while the extra passes have used
	 * less than extra_time_s (< 0: half the wall time of the first
	 * passes; 0: no extra passes). */
	int max_passes;
	double extra_time_s;
	double timeout_s; /* per child */
	double mem_fraction; /* of physical memory an instance may map */
	const char *path; /* the results file; must not exist */
	const char *cmdline; /* recorded in the file */
	/* the plan's grid (wb_grid_name(), NULL: "sweep") and why, recorded
	 * in the file */
	const char *grid, *grid_reason;
	const volatile sig_atomic_t *stop; /* set asynchronously to stop early */
	wb_runner_report_fn report; /* may be NULL */
	void *report_arg;

	/* the runner's own */
	struct wb_sysinfo sys;
	struct wb_results res;
	struct wb_lock lock;
	bool have_results;
	bool restored; /* since the last instance */
	int written, write_failed;
	int n[16]; /* instances per status (enum wb_status) */
	int measured; /* instances with measurements */
	double busy_wall_s, busy_others_s, busy_steal_s; /* summed passes */
	double t0;
	size_t done, total;
	/* wall time of the first passes; the extra passes' budget and
	 * what they used */
	double first_s, extra_budget_s, extra_used_s;
	int extra_passes;
	struct wb_runner_error err;
};

/* What one pass of one instance produced. */
struct wb_runner_record {
	enum wb_status status;
	bool refused; /* not forked: a requirement or the memory check */
	char why[WB_WHY_LEN]; /* why it is not ok, "" when it is */
	json_t *inst; /* the instance object, with status and why */
	char *gb; /* Google Benchmark's JSON text; NULL if nothing measured */
};

/*
 * The defaults of `walkbench run` (with --quick when @quick): 9 or 6
 * repetitions in 3 passes, up to 9 or 6 passes for an unstable instance
 * within half the first passes' time, 0.1 or 0.01 s each, 300 s per
 * child, half the memory, seed 1, the default CPU.
 */
void wb_runner_init(struct wb_runner *r, bool quick);
/*
 * Adds the instances of kernel @name with the parameters in @params
 * (NAME=VALUE) fixed, as `run NAME --param NAME=VALUE...` plans them.
 * -EINVAL with @err saying what is wrong.
 */
int wb_runner_plan_kernel(struct wb_plan *plan, const char *name, bool quick,
			  const char *const *params, int nparams, char *err,
			  size_t len);
/*
 * Takes the run lock (waiting for another walkbench), probes the machine,
 * resolves the CPUs and the memory limit, starts the results with the
 * run's context and, with opts.allow_settings, opens the settings journal.
 */
int wb_runner_start(struct wb_runner *r);
/*
 * Pass after pass over @plan, each instance measured (wb_runner_instance)
 * and recorded, the results file rewritten after each; then rounds of
 * extra passes over the instances that are unstable and not resolved
 * (max_passes, extra_time_s). Stops early when *stop is set.
 */
int wb_runner_run(struct wb_runner *r, const struct wb_plan *plan);
/*
 * Pass @pass of instance @in: the requirements and the memory check
 * (first pass only), the kernel's settings changes, the supervised child,
 * the settings put back. @rec is the caller's to free.
 */
int wb_runner_instance(struct wb_runner *r, const struct wb_instance *in,
		       int pass, struct wb_runner_record *rec);
void wb_runner_record_free(struct wb_runner_record *rec);
/* Puts back every setting the kernels changed (a no-op without them);
 * wb_runner_finish() does it unless it was done since the last instance. */
int wb_runner_restore(struct wb_runner *r);
/*
 * Restores, closes the journal, marks the results complete (unless
 * stopped or @complete is false) and writes them a last time. After a
 * failed checkpoint the last good one stays and nothing is written.
 */
int wb_runner_finish(struct wb_runner *r, bool complete);
/* Frees the results and releases the lock. */
void wb_runner_close(struct wb_runner *r);
/* The exit code of a run that went through: 130 stopped, 1 an instance
 * failed, 5 untrusted, 3 all missing, 4 nothing measured, else 0. */
int wb_runner_exit_code(const struct wb_runner *r, size_t instances);

/*
 * One instance through the kernel contract without Google Benchmark, for
 * tests that assert exact counts or the contract itself: in a supervised
 * child (pinned when opts.cpu >= 0), setup, then @batches times prepare
 * and run of iterations() (or 1000) iterations, check, teardown, predict.
 *
 * Unless asked, the parent-side steps of a run are not made: the kernel's
 * own refusals are what the count tests look at. With @check_needs the
 * requirements are checked against opts.sys first, and with
 * @prepare_system the kernel's prepare_system() runs in this process with
 * opts.journal (restored after the child), both as the runner makes them.
 * The memory check is never made. When either refuses, the child only
 * predicts, since predict() must not depend on the system.
 */
struct wb_probe_opts {
	struct wb_run_opts opts;
	int batches; /* the last one is the one counted */
	double timeout_s;
	bool check_needs;
	bool prepare_system;
};

/* Which step refused the instance; each runs only after the one before
 * went through. Pinning counts as setup. */
enum wb_probe_stage {
	WB_PROBE_RAN,
	WB_PROBE_NEEDS,
	WB_PROBE_PREPARE_SYSTEM,
	WB_PROBE_SETUP,
	WB_PROBE_CHECK,
};

struct wb_probe_result {
	enum wb_status status; /* as set with wb_refuse(), or the child's */
	/* the refusal as the step gave it, "" when it gave none, or how
	 * the child ended */
	char why[WB_WHY_LEN];
	enum wb_probe_stage stage;
	int err; /* what that step returned; 0 when it ran through */
	int setup_err, check_err, predict_err;
	struct wb_facts facts;
	struct wb_prediction pred;
	uint64_t iterations;
	long minflt; /* minor faults of the last run() */
	char stderr_tail[1024];
};

/* 0 with @res filled; -ECHILD when the child ended without a result
 * (res->status and res->why say how), or -errno, also when the journal
 * could not put the settings back (@res is filled then). */
int wb_runner_probe(const struct wb_probe_opts *o, const struct wb_instance *in,
		    struct wb_probe_result *res);

/*
 * `walkbench run ...` as a program of its own, for the callers that
 * cannot measure in process: `policy --kernel` compares huge-page
 * policies that apply to a whole program from exec (an LD_PRELOAD shim,
 * prctl) and measures the whole process (rusage, peak RSS, VmPTE); `vm
 * --pair` repeats the guest's arguments natively as they were given.
 */
#define WB_RUN_COMMAND_MAX 160

struct wb_run_request {
	const char *const *names; /* suites or kernels */
	int nnames;
	const char *const *args; /* further arguments of run, unchanged */
	int nargs;
	bool quick;
	const char *const *params; /* [KERNEL.]NAME=VALUE */
	int nparams;
	const char *out; /* --out FILE, or NULL */
	const char *results_dir; /* --results-dir DIR, or NULL */
};

struct wb_run_command {
	char exe[PATH_MAX]; /* this executable, argv[0] */
	char *argv[WB_RUN_COMMAND_MAX + 1];
	int argc;
};

/* Fills @c; the strings of @rq must outlive it. -E2BIG when too long. */
int wb_run_command(struct wb_run_command *c, const struct wb_run_request *rq);

#endif
