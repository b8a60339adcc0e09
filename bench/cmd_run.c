// SPDX-License-Identifier: MIT
/*
 * walkbench run [SUITE|KERNEL ...] [options]: plan the instances and let
 * the runner (harness/runner/runner.h) measure each in its own supervised
 * child into one results file; what it reports is printed here.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_run.h"
#include "runner/instance.h"
#include "settings/journal.h"
#include "core/parse.h"
#include "settings/signals.h"
#include "runner/plan.h"
#include "results/results.h"
#include "runner/runner.h"
#include "core/topo.h"
#include "core/env.h"

struct run_args {
	const char *names[WB_RUN_MAX_NAMES];
	int nnames;
	struct wb_override ov[WB_RUN_MAX_PARAMS];
	const char *ovtext[WB_RUN_MAX_PARAMS];
	int nov;
	struct wb_run_opts opts;
	const char *out, *results_dir;
	double timeout_s, mem_fraction;
	int passes; /* children per instance, each with a share of reps */
	enum wb_grid grid;
	const char *grid_reason;
	int max_passes; /* an unstable instance's cap, extra passes included */
	bool kernel_passes; /* wb_runner.kernel_passes */
	double extra_time_s; /* < 0: the runner's default */
	int json;
	const char *cmd; /* the verb, for errors: "run", "vm run" */
	char cmdline[1024];
};

/* auto first; then in the order of enum wb_grid */
static const char *const grids[] = { "auto", "sweep", "functional", NULL };

static const struct wb_opt run_opts[] = {
	{ WB_FLAG("--quick", struct run_cli, quick),
	  .help = "fewer points and repetitions (6)" },
	{ WB_CHOICE("--grid", struct run_cli, grid, grids),
	  .help = "the parameters' points: sweep, or functional (the fewest "
		  "that exercise every fact and check, one repetition, one "
		  "pass, quick values). auto: functional for --quick on an "
		  "emulated (TCG) machine, else sweep" },
	{ WB_INT("--reps", struct run_cli, reps, 1, 1000),
	  .help = "repetitions per instance (default 9)" },
	{ WB_INT("--passes", struct run_cli, passes, 1, 1000),
	  .help = "measure each instance in N children, one after the other "
		  "over the plan, sharing the repetitions (default 3, or a "
		  "kernel's own when neither --passes nor --reps is given: "
		  "huge_access 6; quick: two repetitions per child)" },
	{ WB_INT("--max-passes", struct run_cli, max_passes, 1, 1000),
	  .help = "at most N passes for an instance whose processes disagree "
		  "(unstable) until each of its modes is seen twice, or for "
		  "the sides of an undecided huge-vs-base pair; at least "
		  "--passes (default 9; quick 6; scaled for a kernel with "
		  "more passes)" },
	{ WB_DOUBLE("--extra-time", struct run_cli, extra_time_s, 0, HUGE_VAL),
	  .arg = "S", .want = "seconds >= 0",
	  .help = "seconds the extra passes of unstable instances and "
		  "undecided pairs may take "
		  "in all (default: half the time of the first passes, a "
		  "quarter with --quick; 0: "
		  "none)" },
	{ WB_DOUBLE("--min-time", struct run_cli, min_time_s, 0, 60),
	  .flags = WB_OPT_MIN_OPEN, .arg = "S", .want = "seconds in (0, 60]",
	  .help = "minimum seconds per repetition (default 0.1; quick 0.01)" },
	{ WB_INT("--cpu", struct run_cli, cpu, 0, INT_MAX),
	  .help = "PU to pin the measuring thread to (default: last)" },
	{ WB_LIST("--param", struct run_cli, params, nparams), .alias = "-p",
	  .arg = "[K.]NAME=V",
	  .help = "fix a parameter (of kernel K, or of every kernel that has "
		  "it) instead of sweeping it; V is a number, a size or the "
		  "name of a choice (walkbench list shows them); repeatable" },
	{ WB_STR("--out", struct run_cli, out), .arg = "FILE",
	  .help = "results file (must not exist)" },
	{ WB_STR("--results-dir", struct run_cli, results_dir), .arg = "DIR",
	  .help = "where new results go (default: results)" },
	{ WB_DOUBLE("--timeout", struct run_cli, timeout_s, 0, HUGE_VAL),
	  .flags = WB_OPT_MIN_OPEN, .arg = "S", .want = "seconds > 0",
	  .help = "per-instance wall-clock limit (default 300)" },
	{ WB_DOUBLE("--mem-fraction", struct run_cli, mem_fraction, 0, 0.9),
	  .flags = WB_OPT_MIN_OPEN, .arg = "F",
	  .help = "most of MemTotal an instance may map (0.5)" },
	{ WB_FLAG("--allow-settings", struct run_cli, allow_settings),
	  .help = "let kernels change THP mode and hugepage pools (through "
		  "the restore journal)" },
	{ WB_INT("--seed", struct run_cli, seed, 0, INT_MAX),
	  .help = "seed for random page orders (default 1)" },
	{ WB_FLAG("--json", struct run_cli, json),
	  .help = "print the results JSON on stdout" },
	{ WB_INT("--test-delay-pct", struct run_cli, test_delay_pct, 0, 1000),
	  .flags = WB_OPT_TEST, .arg = "P",
	  .help = "test only: P% more work in the timed region, to check that "
		  "compare catches a slowdown" },
	{ WB_FLAG("--test-counters-in-loop", struct run_cli,
		  test_counters_in_loop),
	  .flags = WB_OPT_TEST,
	  .help = "test only: count page faults and TLB flushes inside the "
		  "timed loop also where that adds to the time (fault "
		  "kernels), to measure what it adds" },
	{ NULL },
};

const struct wb_opt_table run_table = {
	.cmd = "run",
	.usage = "walkbench run [SUITE|KERNEL ...] [options]",
	.about = "Measures every instance of the named suites or kernels (all "
		 "when none\nis named), each in its own pinned child, and "
		 "writes one results file.\n",
	.opts = run_opts,
	.epilog = "Exit: 0 ok, 1 an instance failed or crashed, 2 bad usage, "
		  "3 a needed\nresource is missing, 4 everything was skipped, "
		  "5 a measurement could\nnot be trusted (e.g. page size not "
		  "verified).\n",
	.max_args = WB_RUN_MAX_NAMES,
};

void run_cli_init(struct run_cli *c)
{
	*c = (struct run_cli){ .cpu = -1,
			       .seed = 1,
			       .timeout_s = 300,
			       .mem_fraction = 0.5,
			       .extra_time_s = -1,
			       .results_dir = "results" };
}

static int valid_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; wb_kernels[i]; i++) {
		const char *s = wb_kernels[i]->suite;
		int seen = 0;

		for (int j = 0; j < i; j++)
			seen |= !strcmp(wb_kernels[j]->suite, s);
		if (!seen && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? ", " : "", s);
	}
	for (int i = 0; wb_kernels[i] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, ", %s",
					wb_kernels[i]->name);
	return 0;
}

static int parse_param(struct run_args *a, const char *spec)
{
	const char *eq = strchr(spec, '='), *dot = strchr(spec, '.');
	struct wb_override *o;
	char kname[64] = "";

	if (!eq || eq == spec)
		return wb_opt_bad(a->cmd, "--param", spec,
				  "[KERNEL.]NAME=VALUE");
	o = &a->ov[a->nov];
	if (dot && dot < eq) {
		snprintf(kname, sizeof(kname), "%.*s", (int)(dot - spec), spec);
		o->kernel = wb_kernel_find(kname);
		if (!o->kernel)
			return wb_opt_bad(a->cmd, "--param", spec,
					  "a kernel's name before the '.' "
					  "(walkbench list)");
		spec = dot + 1;
	}
	snprintf(o->name, sizeof(o->name), "%.*s", (int)(eq - spec), spec);
	a->ovtext[a->nov++] = eq + 1;
	return 0;
}

static int selected(const struct run_args *a, const struct wb_kernel *k);

/* Checked once the selection is known: a value only has to suit the
 * kernels that will run. */
static int check_overrides(struct run_args *a)
{
	for (int n = 0; n < a->nov; n++) {
		struct wb_override *o = &a->ov[n];
		int found = 0;

		for (int i = 0; wb_kernels[i]; i++) {
			const struct wb_kernel *k = wb_kernels[i];
			const struct wb_param *p;
			int pi;

			if ((o->kernel && o->kernel != k) || !selected(a, k))
				continue;
			pi = wb_param_index(k, o->name);
			if (pi < 0)
				continue;
			p = &k->params[pi];
			found = 1;
			if (wb_param_parse(p, a->ovtext[n], &o->value) &&
			    p->names) {
				char names[256];

				wb_param_names(p, names, sizeof(names));
				return wb_error(
					WB_EXIT_USAGE,
					"--param %s=%s: %s takes one of "
					"%s (or its number)",
					o->name, a->ovtext[n], k->name, names);
			}
			if (wb_param_parse(p, a->ovtext[n], &o->value))
				return wb_error(
					WB_EXIT_USAGE,
					"--param %s=%s: bad value for %s (unit "
					"%s, %llu..%llu%s)",
					o->name, a->ovtext[n], k->name, p->unit,
					(unsigned long long)p->min,
					(unsigned long long)p->max,
					p->choices ? ", or one of its choices"
						   : "");
		}
		if (!found)
			return wb_error(WB_EXIT_USAGE,
					"--param: no selected kernel has a "
					"parameter '%s'",
					o->name);
	}
	return 0;
}

int run_names_valid(const char *const *names, int n)
{
	char valid[1024];

	for (int i = 0; i < n; i++) {
		if (wb_selector_valid(names[i]))
			continue;
		valid_names(valid, sizeof(valid));
		return wb_error(WB_EXIT_USAGE,
				"no suite or kernel '%s' (valid: %s)", names[i],
				valid);
	}
	return 0;
}

/* The --param values, once the names are known. */
static int take_params(struct run_args *a, const char *const *params, int n)
{
	int err;

	for (int i = 0; i < n; i++) {
		err = parse_param(a, params[i]);
		if (err)
			return err;
	}
	return check_overrides(a);
}

int run_params_valid(const char *cmd, const char *const *names, int nnames,
		     const char *const *params, int nparams)
{
	struct run_args a = { .cmd = cmd, .nnames = nnames };

	memcpy(a.names, names, (size_t)nnames * sizeof(*names));
	return take_params(&a, params, nparams);
}

/* The grid asked for, or the default for this machine (wb_grid_default()). */
static int pick_grid(struct run_args *a, const struct run_cli *c)
{
	struct wb_sysinfo sys;
	bool emulated = false;

	if (c->grid) {
		a->grid = (enum wb_grid)(c->grid - 1);
		a->grid_reason =
			a->grid == WB_GRID_FUNCTIONAL
				? "--grid functional: the fewest points "
				  "that exercise every fact and check"
				: "--grid sweep: every point of the "
				  "sweeps";
		return 0;
	}
	/* only a quick run can be functional by default: the probe is
	 * spared otherwise */
	if (c->quick) {
		if (wb_env_probe(&sys))
			return WB_EXIT_USAGE;
		emulated = wb_env_emulated(&sys);
	}
	a->grid = wb_grid_default(c->quick, emulated, &a->grid_reason);
	return 0;
}

/* Returns 0, or the exit code; *help when --help was printed. */
static int parse_args(struct run_args *a, int argc, char **argv, bool *help)
{
	struct run_cli c;
	struct wb_opt_parse p = { .t = &run_table,
				  .dst = &c,
				  .args = a->names };
	size_t off = 0;
	int err;

	for (int i = 0; i < argc && off < sizeof(a->cmdline); i++)
		off += (size_t)snprintf(a->cmdline + off,
					sizeof(a->cmdline) - off, "%s%s",
					i ? " " : "walkbench ", argv[i]);
	a->cmd = run_table.cmd;
	run_cli_init(&c);
	err = wb_opt_parse(&p, argc, argv);
	*help = p.help;
	if (err || p.help)
		return err;
	a->nnames = p.nargs;
	err = run_names_valid(a->names, a->nnames);
	if (err)
		return err;
	/* the table knows no topology: a CPU must be one we may run on */
	if (c.cpu >= 0 && wb_topo_cpu_valid(c.cpu)) {
		char val[16], want[64];

		snprintf(val, sizeof(val), "%d", c.cpu);
		snprintf(want, sizeof(want),
			 "a CPU available here (online: 0-%ld)",
			 sysconf(_SC_NPROCESSORS_ONLN) - 1);
		return wb_opt_bad("run", "--cpu", val, want);
	}
	err = take_params(a, c.params, c.nparams);
	if (err)
		return err;
	err = pick_grid(a, &c);
	if (err)
		return err;
	a->opts.quick = c.quick || a->grid == WB_GRID_FUNCTIONAL;
	a->opts.allow_settings = c.allow_settings;
	a->opts.cpu = c.cpu;
	a->opts.seed = (unsigned int)c.seed;
	a->opts.test_delay_pct = (unsigned int)c.test_delay_pct;
	a->opts.test_counters_in_loop = c.test_counters_in_loop;
	a->json = c.json;
	a->out = c.out;
	a->results_dir = c.results_dir;
	a->timeout_s = c.timeout_s;
	a->mem_fraction = c.mem_fraction;
	/* facts do not vary from one repetition or process to the next */
	a->opts.reps = c.reps			       ? c.reps
		       : a->grid == WB_GRID_FUNCTIONAL ? 1
		       : a->opts.quick		       ? 6
						       : 9;
	if (c.passes > a->opts.reps)
		return wb_error(WB_EXIT_USAGE,
				"--passes %d: more passes than repetitions "
				"(%d)",
				c.passes, a->opts.reps);
	/* quick runs: two repetitions per process, so that each shows
	 * what one process spreads over (harness/DESIGN.md, "Stability") */
	a->passes = c.passes			    ? c.passes
		    : a->grid == WB_GRID_FUNCTIONAL ? 1
		    : a->opts.quick		    ? (a->opts.reps + 1) / 2
				    : (a->opts.reps < 3 ? a->opts.reps : 3);
	if (c.max_passes && c.max_passes < a->passes)
		return wb_error(WB_EXIT_USAGE,
				"--max-passes %d: fewer than the passes (%d)",
				c.max_passes, a->passes);
	a->kernel_passes = !c.passes && !c.reps &&
			   a->grid != WB_GRID_FUNCTIONAL;
	a->max_passes = c.max_passes ? c.max_passes : (a->opts.quick ? 6 : 9);
	if (a->max_passes < a->passes)
		a->max_passes = a->passes;
	a->extra_time_s = c.extra_time_s;
	a->opts.min_time_s = c.min_time_s > 0 ? c.min_time_s
					      : (a->opts.quick ? 0.01 : 0.1);
	return 0;
}

static int selected(const struct run_args *a, const struct wb_kernel *k)
{
	if (!a->nnames)
		return 1;
	for (int i = 0; i < a->nnames; i++)
		if (!strcmp(a->names[i], k->name) ||
		    !strcmp(a->names[i], k->suite))
			return 1;
	return 0;
}

static int make_plan(struct run_args *a, struct wb_plan *plan)
{
	char err[256] = "";

	for (int i = 0; wb_kernels[i]; i++) {
		int e;

		if (!selected(a, wb_kernels[i]))
			continue;
		e = wb_plan_add_grid(plan, wb_kernels[i], a->opts.quick,
				     a->grid, a->ov, (size_t)a->nov, err,
				     sizeof(err));
		if (e)
			return wb_error(WB_EXIT_USAGE, "%s",
					err[0] ? err : strerror(-e));
	}
	if (!plan->n)
		return wb_error(WB_EXIT_USAGE, "nothing to run");
	return 0;
}

static void tag_for(const struct run_args *a, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	if (!a->nnames) {
		snprintf(buf, len, "all");
		return;
	}
	for (int i = 0; i < a->nnames && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? "+" : "", a->names[i]);
}

/* Room for the text of an unstable instance with each mode's count. */
#define ROW_MODES_WIDTH 40

static void print_row(FILE *f, const struct wb_runner_event *ev)
{
	const struct wb_stability *st = ev->stability;
	const char *name = ev->in->name;
	char text[160];

	if (isnan(ev->median)) {
		fprintf(f, "%-52s %-9s %10s %6s  %s\n", name, ev->status, "-",
			"-", ev->why);
		return;
	}
	/* a median between modes describes none of them: the modes
	 * instead, with their counts when they fit */
	if (st && !st->stable) {
		if (wb_stability_text(st, true, text, sizeof(text)) ||
		    strlen(text) > ROW_MODES_WIDTH)
			wb_stability_text(st, false, text, sizeof(text));
		fprintf(f, "%-52s %-9s %s  ns/%s%s\n", name, ev->status, text,
			ev->unit,
			ev->host_modes ? "  (modes follow the host's backing)"
				       : "");
		return;
	}
	/* strays set aside: the median of the processes that agree, and
	 * the strays named, since a median over every repetition holds them */
	if (st && st->noutliers &&
	    !wb_stability_text(st, true, text, sizeof(text))) {
		fprintf(f, "%-52s %-9s %10.3f %6s  ns/%s  %s\n", name,
			ev->status, st->median, "-", ev->unit,
			text + strcspn(text, "("));
		return;
	}
	fprintf(f, "%-52s %-9s %10.3f %5.1f%%  ns/%s\n", name, ev->status,
		ev->median, ev->cv * 100, ev->unit);
}

void run_report(void *arg, const struct wb_runner_event *ev)
{
	const struct run_report *o = arg;

	switch (ev->kind) {
	case WB_RUNNER_ROW:
		print_row(o->rows, ev);
		fflush(o->rows);
		break;
	case WB_RUNNER_MISSING:
		fprintf(o->progress, "[%zu/%zu] %s: missing: %s\n",
			ev->index + 1, ev->count, ev->in->name, ev->why);
		break;
	case WB_RUNNER_PROGRESS:
		if (ev->extra)
			fprintf(o->progress,
				"[%zu/%zu] extra pass %d (at most %d) %s: %s "
				"(at most %.0f s left)\n",
				ev->index + 1, ev->count, ev->pass + 1,
				ev->passes, ev->in->name, ev->status,
				ev->left_s);
		else if (ev->passes > 1)
			fprintf(o->progress,
				"[%zu/%zu] pass %d/%d %s: %s (about %.0f s "
				"left)\n",
				ev->index + 1, ev->count, ev->pass + 1,
				ev->passes, ev->in->name, ev->status,
				ev->left_s);
		else
			fprintf(o->progress,
				"[%zu/%zu] %s: %s (about %.0f s left)\n",
				ev->index + 1, ev->count, ev->in->name,
				ev->status, ev->left_s);
		break;
	case WB_RUNNER_WARNING:
		fprintf(o->progress, "walkbench: error: %s\n", ev->text);
		break;
	}
}

/* Where the results go: --out, or a new name under --results-dir; a
 * directory that cannot take the file is found out now, not after an
 * hour of measuring. Exit code on failure. */
static int results_path(const struct run_args *a, char *path, size_t len)
{
	char tag[256];

	tag_for(a, tag, sizeof(tag));
	return wb_results_pick_path(a->out, a->results_dir, tag, path, len);
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct wb_plan plan = { 0 };
	struct wb_runner r;
	struct run_report rep = { .rows = stdout, .progress = stderr };
	char path[4096];
	int err, rc;
	bool help;

	err = parse_args(&a, argc, argv, &help);
	if (err || help)
		return err;
	err = make_plan(&a, &plan);
	if (err)
		return err;
	err = results_path(&a, path, sizeof(path));
	if (err) {
		wb_plan_free(&plan);
		return err;
	}
	wb_runner_init(&r, a.opts.quick);
	r.opts = a.opts;
	r.passes = a.passes;
	r.max_passes = a.max_passes;
	r.kernel_passes = a.kernel_passes;
	r.extra_time_s = a.extra_time_s;
	r.timeout_s = a.timeout_s;
	r.mem_fraction = a.mem_fraction;
	r.path = path;
	r.cmdline = a.cmdline;
	r.grid = wb_grid_name(a.grid);
	r.grid_reason = a.grid_reason;
	r.stop = wb_signals_caught_flag();
	r.report = run_report;
	r.report_arg = &rep;
	err = wb_runner_start(&r);
	if (err) {
		rc = wb_error(r.err.code, "%s", r.err.text);
		wb_runner_close(&r);
		wb_plan_free(&plan);
		return rc;
	}
	/* The first signal stops the run gracefully (the partial results
	 * are written, then settings restored); a second one restores and
	 * dies. */
	wb_signals_journal(r.opts.journal);
	wb_signals_defer(true);
	wb_signals_install();
	fprintf(stderr, "walkbench: %zu instance(s), pinned to CPU %d\n",
		plan.n, r.opts.cpu);
	rc = wb_runner_run(&r, &plan) ? wb_error(r.err.code, "%s", r.err.text)
				      : 0;
	wb_runner_restore(&r);
	wb_signals_journal(NULL);
	err = wb_runner_finish(&r, !rc);
	if (r.write_failed) {
		/* rc already says why */
	} else if (err) {
		rc = wb_error(r.err.code, "%s", r.err.text);
	} else {
		if (a.json)
			json_dumpf(r.res.root, stdout,
				   JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%sresults: %s\n", a.json ? "\n" : "", path);
		if (!rc)
			rc = wb_runner_exit_code(&r, plan.n);
	}
	wb_runner_close(&r);
	wb_plan_free(&plan);
	return rc;
}
