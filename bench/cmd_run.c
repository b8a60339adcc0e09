// SPDX-License-Identifier: MIT
/*
 * walkbench run [SUITE|KERNEL ...] [options]: plan the instances, measure
 * each in its own supervised child, write one results file.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/busy.h"
#include "cmd.h"
#include "cmd_run.h"
#include "version.h"
#include "counters/counters.h"
#include "core/env.h"
#include "runner/gbshim.h"
#include "runner/instance.h"
#include "runner/needs.h"
#include "settings/journal.h"
#include "settings/signals.h"
#include "core/lock.h"
#include "runner/plan.h"
#include "results/results.h"
#include "runner/supervise.h"
#include "core/topo.h"

struct run_args {
	const char *names[WB_RUN_MAX_NAMES];
	int nnames;
	struct wb_override ov[WB_RUN_MAX_PARAMS];
	const char *ovtext[WB_RUN_MAX_PARAMS];
	int nov;
	struct wb_run_opts opts;
	const char *out, *results_dir;
	const char *path; /* the results file, rewritten after each instance */
	int written, write_failed;
	double timeout_s, mem_fraction;
	int passes; /* children per instance, each with a share of reps */
	double busy_wall_s, busy_others_s, busy_steal_s; /* summed passes */
	int json;
	const char *cmd; /* the verb, for errors: "run", "vm run" */
	char cmdline[1024];
};

static const struct wb_opt run_opts[] = {
	{ WB_FLAG("--quick", struct run_cli, quick),
	  .help = "fewer points and repetitions (3)" },
	{ WB_INT("--reps", struct run_cli, reps, 1, 1000),
	  .help = "repetitions per instance (default 9)" },
	{ WB_INT("--passes", struct run_cli, passes, 1, 1000),
	  .help = "measure each instance in N children, one after the other "
		  "over the plan, sharing the repetitions (default 3; quick: "
		  "one per repetition)" },
	{ WB_DOUBLE("--min-time", struct run_cli, min_time_s, 0, 60),
	  .flags = WB_OPT_MIN_OPEN, .arg = "S", .want = "seconds in (0, 60]",
	  .help = "minimum seconds per repetition (default 0.1; quick 0.02)" },
	{ WB_INT("--cpu", struct run_cli, cpu, 0, INT_MAX),
	  .help = "PU to pin the measuring thread to (default: last)" },
	{ WB_LIST("--param", struct run_cli, params, nparams), .alias = "-p",
	  .arg = "[K.]NAME=V",
	  .help = "fix a parameter (of kernel K, or of every kernel that has "
		  "it) instead of sweeping it; repeatable" },
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
	  .arg = "P",
	  .help = "test only: P% more work in the timed region, to check that "
		  "compare catches a slowdown" },
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
	a->opts.quick = c.quick;
	a->opts.allow_settings = c.allow_settings;
	a->opts.cpu = c.cpu;
	a->opts.seed = (unsigned int)c.seed;
	a->opts.test_delay_pct = (unsigned int)c.test_delay_pct;
	a->json = c.json;
	a->out = c.out;
	a->results_dir = c.results_dir;
	a->timeout_s = c.timeout_s;
	a->mem_fraction = c.mem_fraction;
	a->opts.reps = c.reps ? c.reps : (a->opts.quick ? 3 : 9);
	if (c.passes > a->opts.reps)
		return wb_error(WB_EXIT_USAGE,
				"--passes %d: more passes than repetitions "
				"(%d)",
				c.passes, a->opts.reps);
	/* quick runs feed the CI gate: one repetition per process */
	a->passes = c.passes	    ? c.passes
		    : a->opts.quick ? a->opts.reps
				    : (a->opts.reps < 3 ? a->opts.reps : 3);
	a->opts.min_time_s = c.min_time_s > 0 ? c.min_time_s
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

struct summary {
	int n[16];
	int measured;
};

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

static int exit_code(const struct summary *s, int total, int interrupted)
{
	if (interrupted)
		return 130;
	if (s->n[WB_FAILED] || s->n[WB_CRASHED] || s->n[WB_TIMEOUT] ||
	    s->n[WB_OOM])
		return WB_EXIT_FAILED;
	if (s->n[WB_UNTRUSTED])
		return WB_EXIT_UNTRUSTED;
	if (!s->measured)
		return s->n[WB_MISSING] == total ? WB_EXIT_MISSING
						 : WB_EXIT_SKIPPED;
	return 0;
}

static json_t *walkbench_context(const struct run_args *a,
				 const struct wb_sysinfo *sys)
{
	struct wb_counters *c = NULL;
	json_t *wb;
	char pmu[160] = "none: counters could not be opened";

	if (!wb_counters_open(&c)) {
		snprintf(pmu, sizeof(pmu), "%s", wb_counters_pmu_state(c));
		wb_counters_close(c);
	}
	wb = json_pack("{s:i,s:s,s:s,s:s,s:b,s:b,s:i,s:s,s:s,s:i,s:i,s:f,s:b,"
		       "s:o}",
		       "schema_version", WB_RESULTS_SCHEMA, "version",
		       WB_VERSION, "git_commit", WB_GIT_COMMIT, "command_line",
		       a->cmdline, "complete", 0, "pinned", a->opts.cpu >= 0,
		       "pinned_cpu", a->opts.cpu, "pmu", pmu,
		       "gb_library_build_type", gb_library_build_type(),
		       "repetitions", a->opts.reps, "passes", a->passes,
		       "min_time_s", a->opts.min_time_s, "quick", a->opts.quick,
		       "env", wb_env_to_json(sys));
	if (wb) {
		json_object_set_new(wb, "hypervisor",
				    json_string(sys->hypervisor));
		json_object_set_new(wb, "emulated", json_false());
		if (a->opts.test_delay_pct)
			json_object_set_new(
				wb, "test_delay_pct",
				json_integer(a->opts.test_delay_pct));
		json_object_set_new(
			wb, "mem_limit_bytes",
			json_integer((json_int_t)a->opts.mem_limit_bytes));
	}
	return wb;
}

static uint64_t mem_available_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	unsigned long long kb = 0;
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb << 10;
}

/* Refuse before forking rather than push the machine into swap or OOM. */
static int memory_guard(struct run_args *a, const struct wb_instance *in,
			char *why, size_t len)
{
	struct wb_ctx ctx = { 0 };
	uint64_t need, avail;

	if (!in->kernel->footprint)
		return 0;
	wb_run_ctx(in, &a->opts, &ctx);
	need = in->kernel->footprint(&ctx);
	if (need > a->opts.mem_limit_bytes) {
		snprintf(why, len,
			 "needs %llu bytes, more than the memory limit of %llu "
			 "(--mem-fraction)",
			 (unsigned long long)need,
			 (unsigned long long)a->opts.mem_limit_bytes);
		return -ENOMEM;
	}
	avail = mem_available_bytes();
	if (avail && need > avail / 10 * 9) {
		snprintf(why, len,
			 "needs %llu bytes, only %llu available (MemAvailable)",
			 (unsigned long long)need, (unsigned long long)avail);
		return -ENOMEM;
	}
	return 0;
}

/* Rewrites the run's own file after each instance: a run that is killed
 * keeps what it measured, marked incomplete. Exit code on failure. */
static int checkpoint(struct run_args *a, struct wb_results *res)
{
	int err;

	if (a->busy_wall_s > 0)
		json_object_set_new(
			res->walkbench, "machine_busy",
			json_pack("{s:f, s:f, s:f, s:s}", "others_cpu",
				  a->busy_others_s / a->busy_wall_s,
				  "steal_cpu", a->busy_steal_s / a->busy_wall_s,
				  "measured_s", a->busy_wall_s, "what",
				  "CPUs' worth of time used by other processes "
				  "(others_cpu) and taken by the hypervisor "
				  "(steal_cpu) while children measured"));
	err = wb_results_write(a->path, res->root, a->written);

	if (err) {
		a->write_failed = 1;
		return wb_error(WB_EXIT_MISSING, "cannot write %s: %s", a->path,
				strerror(-err));
	}
	a->written = 1;
	return 0;
}

/* The kernel's system changes happen here, in the parent, journaled. */
static int prepare_system(struct run_args *a, const struct wb_instance *in,
			  char *why, size_t len)
{
	struct wb_ctx ctx = { 0 };

	if (!in->kernel->prepare_system)
		return 0;
	wb_run_ctx(in, &a->opts, &ctx);
	if (!in->kernel->prepare_system(&ctx))
		return 0;
	snprintf(why, len, "%s", ctx.why[0] ? ctx.why : "system setup failed");
	return -1;
}

/* The median and cv of instance @family over every pass so far. */
static void family_stats(const struct wb_results *res, size_t family,
			 double *median, double *cv)
{
	json_t *b;
	size_t i;

	*median = *cv = NAN;
	json_array_foreach(res->benchmarks, i, b) {
		const char *n = json_string_value(
			json_object_get(b, "aggregate_name"));
		double v = json_number_value(json_object_get(b, "real_time"));

		if ((size_t)json_integer_value(
			    json_object_get(b, "family_index")) != family)
			continue;
		if (!n && isnan(*median))
			*median = v; /* one repetition: no aggregates */
		else if (n && !strcmp(n, "median"))
			*median = v;
		else if (n && !strcmp(n, "cv"))
			*cv = v;
	}
	if (isnan(*cv) && !isnan(*median))
		*cv = 0;
}

/* Repetitions of pass @pass: @reps shared out as evenly as they go. */
static int pass_reps(int reps, int passes, int pass)
{
	return reps / passes + (pass < reps % passes);
}

/* What else ran while this child measured goes with each repetition, so
 * that compare can leave out samples taken on a busy machine. */
static void mark_busy(struct run_args *a, json_t *gb,
		      const struct wb_busy_mark *m0,
		      const struct wb_busy_mark *m1)
{
	double others, steal, wall = m1->wall_s - m0->wall_s;
	json_t *b;
	size_t i;

	wb_busy_between(m0, m1, &others, &steal);
	/* per pass the tick-counted numbers are coarse; over the run they
	 * are not */
	a->busy_wall_s += wall;
	a->busy_others_s += others * wall;
	a->busy_steal_s += steal * wall;
	json_array_foreach(json_object_get(gb, "benchmarks"), i, b) {
		if (json_object_get(b, "aggregate_name"))
			continue;
		json_object_set_new(b, "others_cpu", json_real(others));
		json_object_set_new(b, "steal_cpu", json_real(steal));
	}
}

struct pass_state {
	struct wb_supervise_opts so;
	int pass, passes;
	double t0;
	size_t done, total;
};

/* An instance that was not ok in an earlier pass is not measured again. */
static int measured_before(const struct wb_results *res, size_t i)
{
	json_t *inst = json_array_get(res->instances, i);
	const char *st = json_string_value(json_object_get(inst, "status"));

	return st && !strcmp(st, "ok");
}

static int record_missing(struct run_args *a, const struct wb_instance *in,
			  const struct pass_state *ps, size_t i,
			  struct wb_results *res, struct summary *sum,
			  const char *nwhy)
{
	const char *unit = in->kernel->per_iteration ?: "iteration";
	json_t *inst = wb_instance_json(in);
	int err;

	wb_instance_set_status(inst, WB_MISSING, nwhy);
	sum->n[WB_MISSING]++;
	print_row(stdout, in->name, "missing", NAN, NAN, unit, nwhy);
	fprintf(stderr, "[%zu/%zu] %s: missing: %s\n", i + 1,
		ps->total / ps->passes, in->name, nwhy);
	err = wb_results_add(res, inst, NULL, unit);
	if (err)
		return wb_error(WB_EXIT_FAILED, "results: %s", strerror(-err));
	return checkpoint(a, res);
}

static int measure_one(struct run_args *a, const struct wb_instance *in,
		       struct pass_state *ps, size_t i, struct wb_results *res,
		       struct summary *sum)
{
	struct wb_run_opts po = a->opts;
	struct wb_child_arg arg = { .inst = in, .opts = &po };
	struct wb_child_result cr;
	json_t *rec = NULL, *inst, *gb = NULL;
	const char *unit = in->kernel->per_iteration ?: "iteration";
	double left, median = NAN, cv = NAN;
	char *gbtext = NULL;
	char nwhy[WB_WHY_LEN];
	struct wb_busy_mark m0, m1;
	int err, last = ps->pass == ps->passes - 1, busy_ok = 0;

	/* each pass a fresh child and, for random orders, a fresh seed */
	po.reps = pass_reps(a->opts.reps, ps->passes, ps->pass);
	po.seed = a->opts.seed + (unsigned int)ps->pass;
	if (!ps->pass && (wb_needs_check(in->kernel->requires, a->opts.sys,
					 nwhy, sizeof(nwhy)) ||
			  memory_guard(a, in, nwhy, sizeof(nwhy)))) {
		/* requirements that do not hold, or more memory than it may
		 * have: not forked */
		return record_missing(a, in, ps, i, res, sum, nwhy);
	}
	if (prepare_system(a, in, nwhy, sizeof(nwhy))) {
		if (!ps->pass)
			return record_missing(a, in, ps, i, res, sum, nwhy);
		memset(&cr, 0, sizeof(cr));
		cr.status = WB_MISSING;
		snprintf(cr.stderr_tail, sizeof(cr.stderr_tail), "%s", nwhy);
		goto record;
	}
	busy_ok = !wb_busy_mark(&m0);
	err = wb_supervise(&ps->so, wb_instance_child, &arg, &cr);
	busy_ok = busy_ok && !wb_busy_mark(&m1);
	/* each instance starts from the machine's own settings, and a
	 * reserved pool does not outlive the instance it was for */
	if (in->kernel->prepare_system && a->opts.journal) {
		int rerr = wb_journal_restore(a->opts.journal);

		if (rerr)
			fprintf(stderr,
				"walkbench: error: restoring settings: %s\n",
				strerror(-rerr));
	}
	if (err)
		return wb_error(WB_EXIT_FAILED, "cannot start a child: %s",
				strerror(-err));
record:
	if (cr.record)
		rec = json_loads(cr.record, 0, NULL);
	inst = rec ? json_incref(json_object_get(rec, "instance")) : NULL;
	gb = rec ? json_object_get(rec, "gb") : NULL;
	if (!inst) {
		inst = wb_instance_json(in);
		wb_instance_set_status(inst, cr.status,
				       cr.status == WB_TIMEOUT ? "timed out"
				       : cr.status == WB_MISSING
					       ? cr.stderr_tail
					       : "child ended without a "
						 "record");
	}
	if (cr.status >= WB_CRASHED || (!rec && cr.status != WB_MISSING)) {
		char why[160];

		snprintf(why, sizeof(why), "%s%s%s", wb_status_name(cr.status),
			 cr.signal ? " by signal " : "",
			 cr.signal ? strsignal(cr.signal) : "");
		wb_instance_set_status(inst, cr.status, why);
		if (cr.signal)
			json_object_set_new(inst, "signal",
					    json_integer(cr.signal));
		gb = NULL;
	}
	json_object_set_new(inst, "stderr_tail", json_string(cr.stderr_tail));
	json_object_set_new(inst, "seconds", json_real(cr.seconds));
	if (cr.status == WB_OK && gb) {
		if (busy_ok)
			mark_busy(a, gb, &m0, &m1);
		gbtext = json_dumps(gb, JSON_COMPACT);
	}
	if (!ps->pass) {
		if (gbtext)
			sum->measured++;
		sum->n[cr.status < 16 ? cr.status : WB_FAILED]++;
		err = wb_results_add(res, inst, gbtext, unit);
	} else {
		/* a later pass that fails moves the instance to its status */
		if (cr.status != WB_OK) {
			sum->n[WB_OK]--;
			sum->measured--;
			sum->n[cr.status < 16 ? cr.status : WB_FAILED]++;
		}
		err = wb_results_add_pass(res, i, inst, gbtext, unit, ps->pass);
	}
	free(gbtext);
	json_decref(rec);
	wb_child_result_free(&cr);
	if (err)
		return wb_error(WB_EXIT_FAILED,
				"cannot add %s to the results: %s", in->name,
				strerror(-err));
	inst = json_array_get(res->instances, i);
	if (last || !measured_before(res, i)) {
		if (measured_before(res, i))
			family_stats(res, i, &median, &cv);
		print_row(stdout, in->name,
			  json_string_value(json_object_get(inst, "status")),
			  median, cv, unit,
			  json_string_value(json_object_get(inst, "why")));
		fflush(stdout);
	}
	err = checkpoint(a, res);
	if (err)
		return err;
	ps->done++;
	left = ((double)time(NULL) - ps->t0) / (double)ps->done *
	       (double)(ps->total - ps->done);
	if (ps->passes > 1)
		fprintf(stderr,
			"[%zu/%zu] pass %d/%d %s: %s (about %.0f s left)\n",
			i + 1, ps->total / ps->passes, ps->pass + 1, ps->passes,
			in->name,
			json_string_value(json_object_get(inst, "status")),
			left);
	else
		fprintf(stderr, "[%zu/%zu] %s: %s (about %.0f s left)\n", i + 1,
			ps->total, in->name,
			json_string_value(json_object_get(inst, "status")),
			left);
	return 0;
}

/*
 * Pass after pass over the whole plan, so that each instance's
 * repetitions come from several processes spread over the run: slow
 * spells of the machine and unlucky physical placements then show up as
 * spread within a file instead of as a shift between files.
 */
static int measure(struct run_args *a, struct wb_plan *plan,
		   struct wb_results *res, struct summary *sum)
{
	struct pass_state ps = {
		.so = {
			.timeout_s = a->timeout_s,
			.stop = wb_signals_caught_flag(),
			/* the kernel's own limit plus room for the harness */
			.data_limit_bytes =
				a->opts.mem_limit_bytes + (256ull << 20),
		},
		.passes = a->passes,
		.t0 = (double)time(NULL),
		.total = plan->n * (size_t)a->passes,
	};
	int err;

	for (ps.pass = 0; ps.pass < ps.passes; ps.pass++) {
		for (size_t i = 0; i < plan->n && !wb_signals_caught(); i++) {
			if (ps.pass && !measured_before(res, i)) {
				ps.done++;
				continue;
			}
			err = measure_one(a, &plan->inst[i], &ps, i, res, sum);
			if (err)
				return err;
		}
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct wb_sysinfo sys;
	struct wb_plan plan = { 0 };
	struct wb_results res;
	struct summary sum = { 0 };
	char path[4096], tag[256], *ctx = NULL, lpath[256], holder[64];
	struct wb_lock lock = { .fd = -1 };
	int err, rc;
	bool help;

	err = parse_args(&a, argc, argv, &help);
	if (err || help)
		return err;
	err = make_plan(&a, &plan);
	if (err)
		return err;
	if (a.out) {
		if (!access(a.out, F_OK)) {
			wb_plan_free(&plan);
			return wb_error(WB_EXIT_USAGE,
					"--out %s: file exists; results are "
					"never overwritten",
					a.out);
		}
		snprintf(path, sizeof(path), "%s", a.out);
	} else {
		tag_for(&a, tag, sizeof(tag));
		err = wb_results_new_path(a.results_dir, tag, path,
					  sizeof(path));
		if (err) {
			wb_plan_free(&plan);
			return wb_error(WB_EXIT_MISSING, "results path: %s",
					strerror(-err));
		}
	}
	/* a results directory that cannot take the file is found out now,
	 * not after an hour of measuring */
	err = wb_results_check_dir(path);
	if (err) {
		wb_plan_free(&plan);
		return wb_error(WB_EXIT_MISSING,
				"cannot write results to %s: %s", path,
				strerror(-err));
	}
	a.path = path;
	err = wb_lock_default_path(lpath, sizeof(lpath));
	if (!err)
		err = wb_lock_acquire(&lock, lpath, 1, holder, sizeof(holder));
	if (err) {
		wb_plan_free(&plan);
		return wb_error(WB_EXIT_MISSING,
				"cannot take the run lock %s: %s", lpath,
				strerror(-err));
	}
	wb_env_probe(&sys);
	a.opts.sys = &sys;
	if (a.opts.cpu < 0)
		a.opts.cpu = wb_topo_default_cpu();
	a.opts.cpu_other = wb_topo_other_cpu(a.opts.cpu);
	a.opts.mem_limit_bytes = (uint64_t)((double)sysconf(_SC_PHYS_PAGES) *
					    (double)sysconf(_SC_PAGESIZE) *
					    a.mem_fraction);
	err = gb_context(&ctx);
	if (err || wb_results_init(&res, ctx, walkbench_context(&a, &sys))) {
		free(ctx);
		wb_plan_free(&plan);
		return wb_error(WB_EXIT_FAILED,
				"cannot build the results context");
	}
	free(ctx);
	if (a.opts.allow_settings) {
		char jpath[512];

		err = wb_journal_default_path(jpath, sizeof(jpath));
		if (!err)
			err = wb_journal_open(&a.opts.journal, jpath);
		if (err) {
			wb_results_free(&res);
			wb_plan_free(&plan);
			return wb_error(WB_EXIT_MISSING,
					"--allow-settings: cannot open the "
					"settings journal: %s",
					strerror(-err));
		}
		wb_signals_journal(a.opts.journal);
	}
	/* The first signal stops the run gracefully (the partial results
	 * are written, then settings restored); a second one restores and
	 * dies. */
	wb_signals_defer(true);
	wb_signals_install();
	fprintf(stderr, "walkbench: %zu instance(s), pinned to CPU %d\n",
		plan.n, a.opts.cpu);
	rc = measure(&a, &plan, &res, &sum);
	if (a.opts.journal) {
		err = wb_journal_restore(a.opts.journal);
		if (err)
			fprintf(stderr,
				"walkbench: error: restoring settings: %s (the "
				"next run retries)\n",
				strerror(-err));
		wb_signals_journal(NULL);
		wb_journal_close(a.opts.journal);
	}
	json_object_set_new(res.walkbench, "complete",
			    json_boolean(!wb_signals_caught() && !rc));
	/* after a failed checkpoint the disk is full: the last good
	 * checkpoint stays, said once */
	err = a.write_failed ? 0 : wb_results_write(path, res.root, a.written);
	if (a.write_failed) {
		/* rc already says why */
	} else if (err) {
		rc = wb_error(WB_EXIT_MISSING, "cannot write %s: %s", path,
			      strerror(-err));
	} else {
		if (a.json)
			json_dumpf(res.root, stdout,
				   JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%sresults: %s\n", a.json ? "\n" : "", path);
		if (!rc)
			rc = exit_code(&sum, (int)plan.n, wb_signals_caught());
	}
	wb_results_free(&res);
	wb_plan_free(&plan);
	wb_lock_release(&lock);
	return rc;
}
