// SPDX-License-Identifier: MIT
/*
 * walkbench run [SUITE|KERNEL ...] [options]: plan the instances and let
 * the runner (harness/runner/runner.h) measure each in its own supervised
 * child into one results file; what it reports is printed here.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "runner/instance.h"
#include "settings/journal.h"
#include "core/parse.h"
#include "runner/plan.h"
#include "results/results.h"
#include "runner/runner.h"
#include "core/topo.h"

#define MAX_OVERRIDES 32
#define MAX_NAMES 64

struct run_args {
	const char *names[MAX_NAMES];
	int nnames;
	struct wb_override ov[MAX_OVERRIDES];
	const char *ovtext[MAX_OVERRIDES];
	int nov;
	struct wb_run_opts opts;
	const char *out, *results_dir;
	double timeout_s, mem_fraction;
	int passes; /* children per instance, each with a share of reps */
	int json;
	char cmdline[1024];
};

/* Signal handlers get no argument: these two are how they reach the run. */
static volatile sig_atomic_t stop_requested;
static struct wb_journal *signal_journal;

/* The first signal stops the run gracefully (the partial results are
 * written, then settings restored); a second one restores and dies. */
static void on_signal(int sig)
{
	if (stop_requested) {
		if (signal_journal)
			wb_journal_restore_signal(signal_journal);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	stop_requested = 1;
}

static const char usage_text[] =
	"usage: walkbench run [SUITE|KERNEL ...] [options]\n"
	"\n"
	"Measures every instance of the named suites or kernels (all when "
	"none\n"
	"is named), each in its own pinned child, and writes one results "
	"file.\n"
	"\n"
	"  --quick              fewer points and repetitions (3)\n"
	"  --reps N             repetitions per instance (default 9)\n"
	"  --passes N           measure each instance in N children, one\n"
	"                       after the other over the plan, sharing the\n"
	"                       repetitions (default 3; quick: one per\n"
	"                       repetition)\n"
	"  --min-time S         minimum seconds per repetition (default 0.1;\n"
	"                       quick 0.02)\n"
	"  --cpu N              PU to pin the measuring thread to (default: "
	"last)\n"
	"  --param [K.]NAME=V   fix a parameter (of kernel K, or of every "
	"kernel\n"
	"                       that has it) instead of sweeping it\n"
	"  --out FILE           results file (must not exist)\n"
	"  --results-dir DIR    where new results go (default: results)\n"
	"  --timeout S          per-instance wall-clock limit (default 300)\n"
	"  --mem-fraction F     most of MemTotal an instance may map (0.5)\n"
	"  --allow-settings     let kernels change THP mode and hugepage "
	"pools\n"
	"                       (through the restore journal)\n"
	"  --seed N             seed for random page orders (default 1)\n"
	"  --json               print the results JSON on stdout\n"
	"  --test-delay-pct P   test only: P%% more work in the timed region, "
	"to\n"
	"                       check that compare catches a slowdown\n"
	"\n"
	"Exit: 0 ok, 1 an instance failed or crashed, 2 bad usage, 3 a needed\n"
	"resource is missing, 4 everything was skipped, 5 a measurement could\n"
	"not be trusted (e.g. page size not verified).\n";

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
		return wb_error(WB_EXIT_USAGE,
				"--param '%s': expected [KERNEL.]NAME=VALUE",
				spec);
	if (a->nov == MAX_OVERRIDES)
		return wb_error(WB_EXIT_USAGE, "too many --param options");
	o = &a->ov[a->nov];
	if (dot && dot < eq) {
		snprintf(kname, sizeof(kname), "%.*s", (int)(dot - spec), spec);
		o->kernel = wb_kernel_find(kname);
		if (!o->kernel)
			return wb_error(WB_EXIT_USAGE,
					"--param '%s': no kernel '%s'", spec,
					kname);
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

static int need_arg(int argc, char **argv, int i)
{
	if (i + 1 >= argc)
		return wb_error(WB_EXIT_USAGE, "option %s needs a value",
				argv[i]);
	return 0;
}

static int parse_args(struct run_args *a, int argc, char **argv)
{
	size_t off = 0;
	int err, reps = -1, passes = -1;
	double min_time = -1;

	for (int i = 0; i < argc && off < sizeof(a->cmdline); i++)
		off += (size_t)snprintf(a->cmdline + off,
					sizeof(a->cmdline) - off, "%s%s",
					i ? " " : "walkbench ", argv[i]);
	a->opts.cpu = -2;
	a->opts.seed = 1;
	a->timeout_s = 300;
	a->mem_fraction = 0.5;
	a->results_dir = "results";
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--quick")) {
			a->opts.quick = true;
		} else if (!strcmp(s, "--json")) {
			a->json = 1;
		} else if (!strcmp(s, "--allow-settings")) {
			a->opts.allow_settings = true;
		} else if (!strcmp(s, "--reps")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_int(argv[++i], &reps) || reps < 1 ||
			    reps > 1000)
				return wb_error(WB_EXIT_USAGE,
						"--reps '%s': need 1 to 1000",
						argv[i]);
		} else if (!strcmp(s, "--passes")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_int(argv[++i], &passes) || passes < 1 ||
			    passes > 1000)
				return wb_error(WB_EXIT_USAGE,
						"--passes '%s': need 1 to 1000",
						argv[i]);
		} else if (!strcmp(s, "--min-time")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_double(argv[++i], &min_time) ||
			    min_time <= 0 || min_time > 60)
				return wb_error(WB_EXIT_USAGE,
						"--min-time '%s': need seconds "
						"in (0, 60]",
						argv[i]);
		} else if (!strcmp(s, "--cpu")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_int(argv[++i], &a->opts.cpu) ||
			    a->opts.cpu < 0 || wb_topo_cpu_valid(a->opts.cpu))
				return wb_error(
					WB_EXIT_USAGE,
					"--cpu '%s': no such CPU available "
					"here (online: 0-%ld)",
					argv[i],
					sysconf(_SC_NPROCESSORS_ONLN) - 1);
		} else if (!strcmp(s, "--param") || !strcmp(s, "-p")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			if ((err = parse_param(a, argv[++i])))
				return err;
		} else if (!strcmp(s, "--out")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			a->out = argv[++i];
		} else if (!strcmp(s, "--results-dir")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			a->results_dir = argv[++i];
		} else if (!strcmp(s, "--timeout")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_double(argv[++i], &a->timeout_s) ||
			    a->timeout_s <= 0)
				return wb_error(
					WB_EXIT_USAGE,
					"--timeout '%s': need seconds > 0",
					argv[i]);
		} else if (!strcmp(s, "--mem-fraction")) {
			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_double(argv[++i], &a->mem_fraction) ||
			    a->mem_fraction <= 0 || a->mem_fraction > 0.9)
				return wb_error(
					WB_EXIT_USAGE,
					"--mem-fraction '%s': need (0, 0.9]",
					argv[i]);
		} else if (!strcmp(s, "--test-delay-pct")) {
			int pct;

			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_int(argv[++i], &pct) || pct < 0 ||
			    pct > 1000)
				return wb_error(
					WB_EXIT_USAGE,
					"--test-delay-pct '%s': need 0 to 1000",
					argv[i]);
			a->opts.test_delay_pct = (unsigned int)pct;
		} else if (!strcmp(s, "--seed")) {
			int seed;

			if ((err = need_arg(argc, argv, i)))
				return err;
			if (wb_parse_int(argv[++i], &seed) || seed < 0)
				return wb_error(
					WB_EXIT_USAGE,
					"--seed '%s': need an integer >= 0",
					argv[i]);
			a->opts.seed = (unsigned int)seed;
		} else if (s[0] == '-') {
			return wb_error(WB_EXIT_USAGE,
					"run: unknown option '%s' (see "
					"walkbench run --help)",
					s);
		} else if (!wb_selector_valid(s)) {
			char names[1024];

			valid_names(names, sizeof(names));
			return wb_error(WB_EXIT_USAGE,
					"no suite or kernel '%s' (valid: %s)",
					s, names);
		} else if (a->nnames < MAX_NAMES) {
			a->names[a->nnames++] = s;
		}
	}
	err = check_overrides(a);
	if (err)
		return err;
	a->opts.reps = reps > 0 ? reps : (a->opts.quick ? 3 : 9);
	if (passes > a->opts.reps)
		return wb_error(WB_EXIT_USAGE,
				"--passes %d: more passes than repetitions "
				"(%d)",
				passes, a->opts.reps);
	/* quick runs feed the CI gate: one repetition per process */
	a->passes = passes > 0	    ? passes
		    : a->opts.quick ? a->opts.reps
				    : (a->opts.reps < 3 ? a->opts.reps : 3);
	a->opts.min_time_s = min_time > 0 ? min_time
					  : (a->opts.quick ? 0.02 : 0.1);
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
		e = wb_plan_add_kernel(plan, wb_kernels[i], a->opts.quick,
				       a->ov, (size_t)a->nov, err, sizeof(err));
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

static void print_row(FILE *f, const char *name, const char *status,
		      double median, double cv, const char *unit,
		      const char *why)
{
	if (isnan(median))
		fprintf(f, "%-52s %-9s %10s %6s  %s\n", name, status, "-", "-",
			why);
	else
		fprintf(f, "%-52s %-9s %10.3f %5.1f%%  ns/%s\n", name, status,
			median, cv * 100, unit);
}

void run_report(void *arg, const struct wb_runner_event *ev)
{
	const struct run_report *o = arg;

	switch (ev->kind) {
	case WB_RUNNER_ROW:
		print_row(o->rows, ev->in->name, ev->status, ev->median, ev->cv,
			  ev->unit, ev->why);
		fflush(o->rows);
		break;
	case WB_RUNNER_MISSING:
		fprintf(o->progress, "[%zu/%zu] %s: missing: %s\n",
			ev->index + 1, ev->count, ev->in->name, ev->why);
		break;
	case WB_RUNNER_PROGRESS:
		if (ev->passes > 1)
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
	int err;

	if (a->out) {
		if (!access(a->out, F_OK))
			return wb_error(WB_EXIT_USAGE,
					"--out %s: file exists; results are "
					"never overwritten",
					a->out);
		snprintf(path, len, "%s", a->out);
	} else {
		tag_for(a, tag, sizeof(tag));
		err = wb_results_new_path(a->results_dir, tag, path, len);
		if (err)
			return wb_error(WB_EXIT_MISSING, "results path: %s",
					strerror(-err));
	}
	err = wb_results_check_dir(path);
	if (err)
		return wb_error(WB_EXIT_MISSING,
				"cannot write results to %s: %s", path,
				strerror(-err));
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct wb_plan plan = { 0 };
	struct wb_runner r;
	struct run_report rep = { .rows = stdout, .progress = stderr };
	struct sigaction sa = { .sa_handler = on_signal };
	char path[4096];
	int err, rc;

	if (wb_wants_help(argc, argv)) {
		fputs(usage_text, stdout);
		return 0;
	}
	err = parse_args(&a, argc, argv);
	if (err)
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
	r.timeout_s = a.timeout_s;
	r.mem_fraction = a.mem_fraction;
	r.path = path;
	r.cmdline = a.cmdline;
	r.stop = &stop_requested;
	r.report = run_report;
	r.report_arg = &rep;
	err = wb_runner_start(&r);
	if (err) {
		rc = wb_error(r.err.code, "%s", r.err.text);
		wb_runner_close(&r);
		wb_plan_free(&plan);
		return rc;
	}
	signal_journal = r.opts.journal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fprintf(stderr, "walkbench: %zu instance(s), pinned to CPU %d\n",
		plan.n, r.opts.cpu);
	rc = wb_runner_run(&r, &plan) ? wb_error(r.err.code, "%s", r.err.text)
				      : 0;
	wb_runner_restore(&r);
	signal_journal = NULL;
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
