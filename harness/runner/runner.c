// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check/hostline.h"
#include "core/busy.h"
#include "core/clock.h"
#include "core/topo.h"
#include "counters/counters.h"
#include "runner/gbshim.h"
#include "runner/needs.h"
#include "runner/runner.h"
#include "runner/supervise.h"
#include "runner/undecided.h"
#include "settings/journal.h"
#include "version.h"

void wb_runner_init(struct wb_runner *r, bool quick)
{
	memset(r, 0, sizeof(*r));
	r->opts.cpu = WB_RUNNER_CPU_DEFAULT;
	r->opts.cpu_other = -1;
	r->opts.seed = 1;
	r->opts.quick = quick;
	/* two repetitions per process show what one process spreads over
	 * (the within-process part of the stability test) */
	r->opts.reps = quick ? 6 : 9;
	r->passes = 3;
	r->max_passes = quick ? 6 : 9;
	r->extra_time_s = -1;
	/* 0.01 s repetitions keep tlb --quick, extra passes included,
	 * under 20 s on 2 vCPUs (harness/DESIGN.md, "Stability") */
	r->opts.min_time_s = quick ? 0.01 : 0.1;
	r->timeout_s = 300;
	r->mem_fraction = 0.5;
	r->lock.fd = -1;
}

int wb_runner_plan_kernel(struct wb_plan *plan, const char *name, bool quick,
			  const char *const *params, int nparams, char *err,
			  size_t len)
{
	const struct wb_kernel *k = wb_kernel_find(name);
	struct wb_override ov[WB_MAX_PARAMS];

	if (!k) {
		snprintf(err, len, "no kernel '%s'", name);
		return -EINVAL;
	}
	if (nparams > WB_MAX_PARAMS) {
		snprintf(err, len, "kernel %s: too many parameters", name);
		return -E2BIG;
	}
	for (int i = 0; i < nparams; i++) {
		const char *eq = strchr(params[i], '=');
		int pi;

		memset(&ov[i], 0, sizeof(ov[i]));
		ov[i].kernel = k;
		if (eq)
			snprintf(ov[i].name, sizeof(ov[i].name), "%.*s",
				 (int)(eq - params[i]), params[i]);
		pi = eq ? wb_param_index(k, ov[i].name) : -1;
		if (pi < 0 ||
		    wb_param_parse(&k->params[pi], eq + 1, &ov[i].value)) {
			snprintf(err, len, "kernel %s: bad parameter '%s'",
				 name, params[i]);
			return -EINVAL;
		}
	}
	return wb_plan_add_kernel(plan, k, quick, ov, (size_t)nparams, err,
				  len);
}

static void report(struct wb_runner *r, const struct wb_runner_event *ev)
{
	if (r->report)
		r->report(r->report_arg, ev);
}

static void warn(struct wb_runner *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(struct wb_runner *r, const char *fmt, ...)
{
	struct wb_runner_event ev = { .kind = WB_RUNNER_WARNING };
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ev.text = text;
	report(r, &ev);
}

/* Says what failed in r->err, with the exit code a verb returns for it. */
static int fail(struct wb_runner *r, int code, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct wb_runner *r, int code, int err, const char *fmt, ...)
{
	va_list ap;

	r->err.code = code;
	va_start(ap, fmt);
	vsnprintf(r->err.text, sizeof(r->err.text), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -EIO;
}

static json_t *run_context(const struct wb_runner *r)
{
	const struct wb_run_opts *o = &r->opts;
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
		       r->cmdline ? r->cmdline : "", "complete", 0, "pinned",
		       o->cpu >= 0, "pinned_cpu", o->cpu, "pmu", pmu,
		       "gb_library_build_type", gb_library_build_type(),
		       "repetitions", o->reps, "passes", r->passes,
		       "min_time_s", o->min_time_s, "quick", o->quick, "env",
		       wb_env_to_json(&r->sys));
	if (wb) {
		json_object_set_new(wb, "hypervisor",
				    json_string(r->sys.hypervisor));
		/* readers take a file without it for x86_64 (older files) */
		json_object_set_new(wb, "arch", json_string(r->sys.arch));
		/* a guest's host labels it again, knowing its accelerator */
		json_object_set_new(wb, "emulated",
				    json_boolean(wb_env_emulated(&r->sys)));
		json_object_set_new(wb, "grid",
				    json_string(r->grid ? r->grid : "sweep"));
		if (r->grid_reason)
			json_object_set_new(wb, "grid_reason",
					    json_string(r->grid_reason));
		if (o->test_delay_pct)
			json_object_set_new(wb, "test_delay_pct",
					    json_integer(o->test_delay_pct));
		if (o->test_counters_in_loop)
			json_object_set_new(wb, "test_counters_in_loop",
					    json_true());
		json_object_set_new(
			wb, "mem_limit_bytes",
			json_integer((json_int_t)o->mem_limit_bytes));
	}
	return wb;
}

int wb_runner_start(struct wb_runner *r)
{
	char lpath[256] = "", *ctx = NULL;
	int err;

	err = wb_lock_take(&r->lock, lpath, sizeof(lpath));
	if (err)
		return fail(r, WB_EXIT_MISSING, err,
			    "cannot take the run lock %s: %s", lpath,
			    strerror(-err));
	wb_env_probe(&r->sys);
	r->opts.sys = &r->sys;
	if (r->opts.cpu < 0)
		r->opts.cpu = wb_topo_default_cpu();
	r->opts.cpu_other = wb_topo_other_cpu(r->opts.cpu);
	r->opts.mem_limit_bytes = (uint64_t)((double)sysconf(_SC_PHYS_PAGES) *
					     (double)sysconf(_SC_PAGESIZE) *
					     r->mem_fraction);
	err = gb_context(&ctx);
	if (err || wb_results_init(&r->res, ctx, run_context(r))) {
		free(ctx);
		return fail(r, WB_EXIT_FAILED, err,
			    "cannot build the results context");
	}
	free(ctx);
	r->have_results = true;
	r->opts.journal = NULL;
	if (r->opts.allow_settings) {
		char jpath[512];

		err = wb_journal_default_path(jpath, sizeof(jpath));
		if (!err)
			err = wb_journal_open(&r->opts.journal, jpath);
		if (err)
			return fail(r, WB_EXIT_MISSING, err,
				    "--allow-settings: cannot open the "
				    "settings journal: %s",
				    strerror(-err));
	}
	return 0;
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
static int memory_guard(const struct wb_runner *r, const struct wb_instance *in,
			char *why, size_t len)
{
	struct wb_ctx ctx = { 0 };
	uint64_t need, avail, limit = r->opts.mem_limit_bytes;

	if (!in->kernel->footprint)
		return 0;
	wb_run_ctx(in, &r->opts, &ctx);
	need = in->kernel->footprint(&ctx);
	if (need > limit) {
		snprintf(why, len,
			 "needs %llu bytes, more than the memory limit of %llu "
			 "(--mem-fraction)",
			 (unsigned long long)need, (unsigned long long)limit);
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

/* The kernel's system changes happen here, in the parent, journaled. */
static int prepare_system(const struct wb_runner *r,
			  const struct wb_instance *in, char *why, size_t len)
{
	struct wb_ctx ctx = { 0 };

	if (!in->kernel->prepare_system)
		return 0;
	wb_run_ctx(in, &r->opts, &ctx);
	if (!in->kernel->prepare_system(&ctx))
		return 0;
	snprintf(why, len, "%s", ctx.why[0] ? ctx.why : "system setup failed");
	return -EAGAIN;
}

/* Repetitions of pass @pass: @reps shared out as evenly as they go. */
static int pass_reps(int reps, int passes, int pass)
{
	return reps / passes + (pass < reps % passes);
}

/* What else ran while this child measured goes with each repetition, so
 * that compare can leave out samples taken on a busy machine. */
static void mark_busy(struct wb_runner *r, json_t *gb,
		      const struct wb_busy_mark *m0,
		      const struct wb_busy_mark *m1)
{
	double others, steal, wall = m1->wall_s - m0->wall_s;
	json_t *b;
	size_t i;

	wb_busy_between(m0, m1, &others, &steal);
	/* per pass the tick-counted numbers are coarse; over the run they
	 * are not */
	r->busy_wall_s += wall;
	r->busy_others_s += others * wall;
	r->busy_steal_s += steal * wall;
	json_array_foreach(json_object_get(gb, "benchmarks"), i, b) {
		if (json_object_get(b, "aggregate_name"))
			continue;
		json_object_set_new(b, "others_cpu", json_real(others));
		json_object_set_new(b, "steal_cpu", json_real(steal));
	}
}

static void refused(struct wb_runner_record *rec, const struct wb_instance *in,
		    const char *why)
{
	rec->status = WB_MISSING;
	rec->refused = true;
	snprintf(rec->why, sizeof(rec->why), "%s", why);
	rec->inst = wb_instance_json(in);
	wb_instance_set_status(rec->inst, WB_MISSING, why);
}

/* The instance object from what the child wrote, or from how it ended. */
static void from_child(struct wb_runner *r, struct wb_runner_record *rec,
		       const struct wb_instance *in, struct wb_child_result *cr,
		       bool busy_ok, const struct wb_busy_mark *m0,
		       const struct wb_busy_mark *m1)
{
	json_t *rec_json = NULL, *inst, *gb;

	if (cr->record)
		rec_json = json_loads(cr->record, 0, NULL);
	inst = rec_json ? json_incref(json_object_get(rec_json, "instance"))
			: NULL;
	gb = rec_json ? json_object_get(rec_json, "gb") : NULL;
	if (!inst) {
		inst = wb_instance_json(in);
		wb_instance_set_status(inst, cr->status,
				       cr->status == WB_TIMEOUT ? "timed out"
				       : cr->status == WB_MISSING
					       ? cr->stderr_tail
					       : "child ended without a "
						 "record");
	}
	if (cr->status >= WB_CRASHED ||
	    (!rec_json && cr->status != WB_MISSING)) {
		char why[160];

		snprintf(why, sizeof(why), "%s%s%s", wb_status_name(cr->status),
			 cr->signal ? " by signal " : "",
			 cr->signal ? strsignal(cr->signal) : "");
		wb_instance_set_status(inst, cr->status, why);
		if (cr->signal)
			json_object_set_new(inst, "signal",
					    json_integer(cr->signal));
		gb = NULL;
	}
	json_object_set_new(inst, "stderr_tail", json_string(cr->stderr_tail));
	json_object_set_new(inst, "seconds", json_real(cr->seconds));
	if (cr->status == WB_OK && gb) {
		if (busy_ok)
			mark_busy(r, gb, m0, m1);
		rec->gb = json_dumps(gb, JSON_COMPACT);
	}
	rec->status = cr->status;
	rec->inst = inst;
	snprintf(rec->why, sizeof(rec->why), "%s",
		 json_string_value(json_object_get(inst, "why")) ?: "");
	json_decref(rec_json);
}

int wb_runner_instance(struct wb_runner *r, const struct wb_instance *in,
		       int pass, struct wb_runner_record *rec)
{
	struct wb_run_opts po = r->opts;
	struct wb_child_arg arg = { .inst = in, .opts = &po };
	struct wb_supervise_opts so = {
		.timeout_s = r->timeout_s,
		.stop = r->stop,
		/* the kernel's own limit plus room for the harness */
		.data_limit_bytes = r->opts.mem_limit_bytes + (256ull << 20),
	};
	struct wb_child_result cr;
	struct wb_busy_mark m0, m1;
	char why[WB_WHY_LEN];
	bool busy_ok;
	int err;

	memset(rec, 0, sizeof(*rec));
	/* each pass a fresh child and, for random orders, a fresh seed */
	po.reps = pass_reps(r->opts.reps, r->passes, pass);
	po.seed = r->opts.seed + (unsigned int)pass;
	if (!pass && (wb_needs_check(in->kernel->requires, r->opts.sys, why,
				     sizeof(why)) ||
		      memory_guard(r, in, why, sizeof(why)))) {
		/* requirements that do not hold, or more memory than it may
		 * have: not forked */
		refused(rec, in, why);
		return 0;
	}
	if (prepare_system(r, in, why, sizeof(why))) {
		if (!pass) {
			refused(rec, in, why);
			return 0;
		}
		memset(&cr, 0, sizeof(cr));
		cr.status = WB_MISSING;
		snprintf(cr.stderr_tail, sizeof(cr.stderr_tail), "%s", why);
		from_child(r, rec, in, &cr, false, NULL, NULL);
		return 0;
	}
	busy_ok = !wb_busy_mark(&m0);
	err = wb_supervise(&so, wb_instance_child, &arg, &cr);
	busy_ok = busy_ok && !wb_busy_mark(&m1);
	/* each instance starts from the machine's own settings, and a
	 * reserved pool does not outlive the instance it was for */
	if (in->kernel->prepare_system && r->opts.journal) {
		int rerr = wb_journal_restore(r->opts.journal);

		if (rerr)
			warn(r, "restoring settings: %s", strerror(-rerr));
	}
	if (err)
		return fail(r, WB_EXIT_FAILED, err, "cannot start a child: %s",
			    strerror(-err));
	from_child(r, rec, in, &cr, busy_ok, &m0, &m1);
	wb_child_result_free(&cr);
	return 0;
}

void wb_runner_record_free(struct wb_runner_record *rec)
{
	json_decref(rec->inst);
	free(rec->gb);
	memset(rec, 0, sizeof(*rec));
}

/* Rewrites the run's own file after each instance: a run that is killed
 * keeps what it measured, marked incomplete. */
static int checkpoint(struct wb_runner *r)
{
	int err;

	if (r->busy_wall_s > 0)
		json_object_set_new(
			r->res.walkbench, "machine_busy",
			json_pack("{s:f, s:f, s:f, s:s}", "others_cpu",
				  r->busy_others_s / r->busy_wall_s,
				  "steal_cpu", r->busy_steal_s / r->busy_wall_s,
				  "measured_s", r->busy_wall_s, "what",
				  "CPUs' worth of time used by other processes "
				  "(others_cpu) and taken by the hypervisor "
				  "(steal_cpu) while children measured"));
	err = wb_results_write(r->path, r->res.root, r->written);
	if (err) {
		r->write_failed = 1;
		return fail(r, WB_EXIT_MISSING, err, "cannot write %s: %s",
			    r->path, strerror(-err));
	}
	r->written = 1;
	return 0;
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

static const char *unit_of(const struct wb_instance *in)
{
	return in->kernel->per_iteration ? in->kernel->per_iteration
					 : "iteration";
}

/* Not forked: recorded once, on the first pass, and not counted done. */
static int record_refused(struct wb_runner *r, const struct wb_instance *in,
			  size_t i, size_t count, struct wb_runner_record *rec)
{
	struct wb_runner_event ev = {
		.kind = WB_RUNNER_ROW,
		.in = in,
		.unit = unit_of(in),
		.index = i,
		.count = count,
		.passes = r->passes,
		.status = "missing",
		.why = rec->why,
		.median = NAN,
		.cv = NAN,
	};
	int err;

	r->n[WB_MISSING]++;
	report(r, &ev);
	ev.kind = WB_RUNNER_MISSING;
	report(r, &ev);
	err = wb_results_add(&r->res, json_incref(rec->inst), NULL, ev.unit);
	if (err)
		return fail(r, WB_EXIT_FAILED, err, "results: %s",
			    strerror(-err));
	return checkpoint(r);
}

/* The table line of instance @i, from what the file holds now. */
static void row(struct wb_runner *r, const struct wb_instance *in, size_t i,
		size_t count)
{
	json_t *inst = json_array_get(r->res.instances, i);
	struct wb_stability st;
	struct wb_runner_event ev = {
		.kind = WB_RUNNER_ROW,
		.in = in,
		.unit = unit_of(in),
		.index = i,
		.count = count,
		.passes = r->passes,
		.median = NAN,
		.cv = NAN,
	};

	ev.status = json_string_value(json_object_get(inst, "status"));
	ev.why = json_string_value(json_object_get(inst, "why"));
	if (wb_results_ok(&r->res, i)) {
		family_stats(&r->res, i, &ev.median, &ev.cv);
		if (!wb_results_judge(&r->res, i, &st))
			ev.stability = &st;
		ev.host_modes = json_is_true(json_object_get(
			json_object_get(inst, "stability"), WB_HOSTLINE_KEY));
	}
	report(r, &ev);
}

/*
 * The first passes of @in: the run's, or more where its kernel asks for
 * them (wb_kernel.min_passes) and the user fixed neither --passes nor
 * --reps.
 */
static int first_passes(const struct wb_runner *r, const struct wb_instance *in)
{
	int k = (int)in->kernel->min_passes;

	return r->kernel_passes && k > r->passes ? k : r->passes;
}

/* The cap on @in's passes, extra ones included: max_passes, scaled with
 * its first passes. */
static int cap_passes(const struct wb_runner *r, const struct wb_instance *in)
{
	int first = first_passes(r, in);

	return first > r->passes ? r->max_passes * first / r->passes
				 : r->max_passes;
}

/* Passes instance @i has had so far, extra ones included. */
static int passes_of(const struct wb_runner *r, const struct wb_plan *plan,
		     size_t i)
{
	json_t *inst = json_array_get(r->res.instances, i);

	return first_passes(r, &plan->inst[i]) +
	       (int)json_integer_value(json_object_get(inst, "passes_added"));
}

/* Instance @i is ok, unstable with a mode seen in one process only, and
 * below the cap: another pass may resolve it. */
static bool wants_more(struct wb_runner *r, const struct wb_plan *plan,
		       size_t i)
{
	json_t *inst = json_array_get(r->res.instances, i);

	if (!r->extra_time_s || !wb_results_ok(&r->res, i) ||
	    passes_of(r, plan, i) >= cap_passes(r, &plan->inst[i]))
		return false;
	/* the verdict the writer kept when this pass joined (stable is
	 * absent when the instance could not be judged) */
	return json_is_false(json_object_get(inst, "stable")) &&
	       !json_is_true(json_object_get(json_object_get(inst, "stability"),
					     "resolved"));
}

/* Adds pass @pass of instance @i to the results and the counts. */
static int record(struct wb_runner *r, const struct wb_instance *in, int pass,
		  size_t i, struct wb_runner_record *rec)
{
	enum wb_status st = rec->status < 16 ? rec->status : WB_FAILED;
	int err;

	if (!pass) {
		if (rec->gb)
			r->measured++;
		r->n[st]++;
		/* passes beyond these are added ones (passes_added) */
		json_object_set_new(rec->inst, "passes_planned",
				    json_integer(first_passes(r, in)));
		err = wb_results_add(&r->res, json_incref(rec->inst), rec->gb,
				     unit_of(in));
	} else {
		/* a later pass that fails moves the instance to its status */
		if (rec->status != WB_OK) {
			r->n[WB_OK]--;
			r->measured--;
			r->n[st]++;
		}
		err = wb_results_add_pass(&r->res, i, json_incref(rec->inst),
					  rec->gb, unit_of(in), pass);
	}
	if (err)
		return fail(r, WB_EXIT_FAILED, err,
			    "cannot add %s to the results: %s", in->name,
			    strerror(-err));
	return checkpoint(r);
}

static void progress(struct wb_runner *r, const struct wb_instance *in,
		     size_t i, size_t count, int pass, double left_s)
{
	json_t *inst = json_array_get(r->res.instances, i);
	struct wb_runner_event ev = {
		.kind = WB_RUNNER_PROGRESS,
		.in = in,
		.unit = unit_of(in),
		.index = i,
		.count = count,
		.pass = pass,
		.passes = pass < first_passes(r, in) ? first_passes(r, in)
						     : cap_passes(r, in),
		.extra = pass >= first_passes(r, in),
		.median = NAN,
		.cv = NAN,
		.left_s = left_s,
	};

	ev.status = json_string_value(json_object_get(inst, "status"));
	ev.why = json_string_value(json_object_get(inst, "why"));
	report(r, &ev);
}

static void adaptive_context(struct wb_runner *r)
{
	json_object_set_new(
		r->res.walkbench, "adaptive",
		json_pack("{s:i,s:f,s:f,s:i,s:f,s:s}", "max_passes",
			  r->max_passes, "first_s", r->first_s, "extra_time_s",
			  r->extra_budget_s, "extra_passes", r->extra_passes,
			  "extra_s", r->extra_used_s, "rule",
			  "after the first passes, rounds of one more pass (a "
			  "fresh process) for each instance that is unstable "
			  "with a mode seen in one process only, until its "
			  "modes are resolved, and for both sides of each "
			  "huge-vs-base pair more than 5% apart by the medians "
			  "but not by the processes, until it is decided; each "
			  "up to max_passes (scaled by passes_planned), while "
			  "the extra passes have used less than extra_time_s "
			  "(--extra-time; default half the first passes' wall "
			  "time, a quarter in quick runs)"));
}

/* One pass of instance @i: measured, recorded; *@refused when it was
 * not forked (first pass only), which record_refused() reports itself. */
static int one_pass(struct wb_runner *r, const struct wb_plan *plan, size_t i,
		    int pass, bool *refused)
{
	const struct wb_instance *in = &plan->inst[i];
	struct wb_runner_record rec;
	int err;

	r->restored = false;
	err = wb_runner_instance(r, in, pass, &rec);
	if (err)
		return err;
	*refused = rec.refused;
	if (rec.refused)
		err = record_refused(r, in, i, plan->n, &rec);
	else
		err = record(r, in, pass, i, &rec);
	wb_runner_record_free(&rec);
	return err;
}

/* Both sides of each undecided huge-vs-base pair (runner/undecided.h)
 * below its cap join @pending; @mark is scratch of plan->n. */
static void add_undecided(struct wb_runner *r, const struct wb_plan *plan,
			  bool *pending, bool *mark)
{
	memset(mark, 0, plan->n * sizeof(*mark));
	if (!r->extra_time_s || !wb_undecided_pairs(plan, &r->res, mark))
		return;
	for (size_t i = 0; i < plan->n; i++)
		if (mark[i] &&
		    passes_of(r, plan, i) < cap_passes(r, &plan->inst[i]))
			pending[i] = true;
}

/*
 * Rounds of one more pass for each instance in @pending (unstable, not
 * resolved, below the cap) and for both sides of each undecided pair
 * while the budget lasts; each instance's row once it needs no more, the
 * others' and the @held ones' at the end.
 */
static int extra_passes(struct wb_runner *r, const struct wb_plan *plan,
			bool *pending, const bool *held)
{
	bool any = true, *mark = calloc(plan->n ? plan->n : 1, sizeof(*mark));
	int err = 0;

	if (!mark)
		return fail(r, WB_EXIT_FAILED, -ENOMEM, "out of memory");

	while (any && !err) {
		any = false;
		add_undecided(r, plan, pending, mark);
		for (size_t i = 0; i < plan->n && !err; i++) {
			int pass = passes_of(r, plan, i);
			double t, left, npend = 0;
			bool refused;

			if (!pending[i])
				continue;
			if ((r->stop && *r->stop) ||
			    r->extra_used_s >= r->extra_budget_s)
				goto out;
			t = wb_now_s();
			err = one_pass(r, plan, i, pass, &refused);
			r->extra_used_s += wb_now_s() - t;
			r->extra_passes++;
			any = true;
			/* in the file from the next checkpoint on */
			adaptive_context(r);
			if (err)
				break;
			if (!wants_more(r, plan, i)) {
				pending[i] = false;
				if (!held[i])
					row(r, &plan->inst[i], i, plan->n);
			}
			for (size_t j = 0; j < plan->n; j++)
				npend += pending[j];
			left = r->extra_used_s / r->extra_passes * npend;
			progress(r, &plan->inst[i], i, plan->n, pass,
				 fmin(left, fmax(0, r->extra_budget_s -
							    r->extra_used_s)));
		}
	}
out:
	for (size_t i = 0; i < plan->n; i++)
		if (pending[i] || held[i])
			row(r, &plan->inst[i], i, plan->n);
	free(mark);
	return err;
}

/*
 * Pass after pass over the whole plan, so that each instance's
 * repetitions come from several processes spread over the run: slow
 * spells of the machine and unlucky physical placements then show up as
 * spread within a file instead of as a shift between files.
 */
int wb_runner_run(struct wb_runner *r, const struct wb_plan *plan)
{
	bool *pending = calloc(plan->n ? plan->n : 1, sizeof(*pending));
	bool *held = calloc(plan->n ? plan->n : 1, sizeof(*held));
	int err = 0, most = r->passes;

	if (!pending || !held) {
		free(pending);
		free(held);
		return fail(r, WB_EXIT_FAILED, -ENOMEM, "out of memory");
	}
	r->t0 = wb_now_s();
	r->done = 0;
	r->total = 0;
	for (size_t i = 0; i < plan->n; i++) {
		int first = first_passes(r, &plan->inst[i]);

		r->total += (size_t)first;
		if (first > most)
			most = first;
	}
	r->extra_passes = 0;
	r->extra_used_s = 0;
	for (int pass = 0; pass < most && !err; pass++) {
		for (size_t i = 0; i < plan->n && !err; i++) {
			int first = first_passes(r, &plan->inst[i]);
			bool refused = false;

			if (r->stop && *r->stop)
				break;
			if (pass >= first)
				continue;
			if (pass && !wb_results_ok(&r->res, i)) {
				r->done++;
				continue;
			}
			err = one_pass(r, plan, i, pass, &refused);
			/* not forked: its line is out, it is not counted done */
			if (err || refused)
				continue;
			/* its line once it is measured for good: after its
			 * last pass, or at the first that was not ok; an
			 * unstable one waits for its extra passes */
			if (!wb_results_ok(&r->res, i) || pass == first - 1) {
				pending[i] = wants_more(r, plan, i);
				/* a side of a huge-vs-base pair: its line
				 * waits for the pair's extra passes */
				held[i] = wb_results_ok(&r->res, i) &&
					  wb_kernel_versus(
						  plan->inst[i].kernel);
				if (!pending[i] && !held[i])
					row(r, &plan->inst[i], i, plan->n);
			}
			r->done++;
			progress(r, &plan->inst[i], i, plan->n, pass,
				 (wb_now_s() - r->t0) / (double)r->done *
					 (double)(r->total - r->done));
		}
	}
	r->first_s = wb_now_s() - r->t0;
	/* quick runs feed CI, whose time must stay predictable: a quarter */
	r->extra_budget_s = r->extra_time_s >= 0 ? r->extra_time_s
			    : r->opts.quick	 ? r->first_s / 4
						 : r->first_s / 2;
	if (!err && !(r->stop && *r->stop)) {
		adaptive_context(r);
		err = checkpoint(r);
	}
	if (!err)
		err = extra_passes(r, plan, pending, held);
	else
		for (size_t i = 0; i < plan->n; i++)
			if (held[i])
				row(r, &plan->inst[i], i, plan->n);
	free(pending);
	free(held);
	return err;
}

int wb_runner_restore(struct wb_runner *r)
{
	int err;

	if (!r->opts.journal)
		return 0;
	r->restored = true;
	err = wb_journal_restore(r->opts.journal);
	if (err)
		warn(r, "restoring settings: %s (the next run retries)",
		     strerror(-err));
	return err;
}

int wb_runner_finish(struct wb_runner *r, bool complete)
{
	int err;

	if (r->opts.journal) {
		if (!r->restored)
			wb_runner_restore(r);
		wb_journal_close(r->opts.journal);
		r->opts.journal = NULL;
	}
	json_object_set_new(r->res.walkbench, "complete",
			    json_boolean(complete && !(r->stop && *r->stop)));
	/* after a failed checkpoint the disk is full: the last good
	 * checkpoint stays, said once */
	if (r->write_failed)
		return 0;
	err = wb_results_write(r->path, r->res.root, r->written);
	if (err)
		return fail(r, WB_EXIT_MISSING, err, "cannot write %s: %s",
			    r->path, strerror(-err));
	r->written = 1;
	return 0;
}

void wb_runner_close(struct wb_runner *r)
{
	if (r->opts.journal) {
		wb_journal_close(r->opts.journal);
		r->opts.journal = NULL;
	}
	if (r->have_results)
		wb_results_free(&r->res);
	r->have_results = false;
	wb_lock_release(&r->lock);
}

int wb_runner_exit_code(const struct wb_runner *r, size_t instances)
{
	if (r->stop && *r->stop)
		return 130;
	if (r->n[WB_FAILED] || r->n[WB_CRASHED] || r->n[WB_TIMEOUT] ||
	    r->n[WB_OOM])
		return WB_EXIT_FAILED;
	if (r->n[WB_UNTRUSTED])
		return WB_EXIT_UNTRUSTED;
	if (!r->measured)
		return r->n[WB_MISSING] == (int)instances ? WB_EXIT_MISSING
							  : WB_EXIT_SKIPPED;
	return 0;
}

static int push(struct wb_run_command *c, const char *s)
{
	if (c->argc == WB_RUN_COMMAND_MAX)
		return -E2BIG;
	c->argv[c->argc++] = (char *)s;
	c->argv[c->argc] = NULL;
	return 0;
}

int wb_run_command(struct wb_run_command *c, const struct wb_run_request *rq)
{
	ssize_t n = readlink("/proc/self/exe", c->exe, sizeof(c->exe) - 1);
	int err;

	c->argc = 0;
	c->argv[0] = NULL;
	if (n < 0)
		return -errno;
	c->exe[n] = 0;
	err = push(c, c->exe);
	if (!err)
		err = push(c, "run");
	for (int i = 0; !err && i < rq->nnames; i++)
		err = push(c, rq->names[i]);
	for (int i = 0; !err && i < rq->nargs; i++)
		err = push(c, rq->args[i]);
	if (!err && rq->quick)
		err = push(c, "--quick");
	for (int i = 0; !err && i < rq->nparams; i++) {
		err = push(c, "--param");
		if (!err)
			err = push(c, rq->params[i]);
	}
	if (!err && rq->out) {
		err = push(c, "--out");
		if (!err)
			err = push(c, rq->out);
	}
	if (!err && rq->results_dir) {
		err = push(c, "--results-dir");
		if (!err)
			err = push(c, rq->results_dir);
	}
	return err;
}
