// SPDX-License-Identifier: MIT
/*
 * The runner: the defaults of `run`, plans from NAME=VALUE parameters, the
 * `run` command line for callers that need a program of their own, one
 * instance refused, crashed or measured, the probe's batches, refusals and
 * parent-side steps, and the exit code from the instances' statuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/env.h"
#include "runner/runner.h"
#include "settings/journal.h"

struct count_state {
	uint64_t runs, iterations;
};

static int counts_setup(struct wb_ctx *ctx, void **state)
{
	static struct count_state st;

	if (ctx->param[0] == 0)
		return wb_refuse(ctx, WB_BADINPUT, EINVAL, "n must be > 0");
	memset(&st, 0, sizeof(st));
	*state = &st;
	return 0;
}

static void counts_run(void *state, uint64_t n)
{
	struct count_state *st = state;

	st->runs++;
	st->iterations += n;
}

static int counts_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct count_state *st = state;

	(void)ctx;
	wb_fact(f, "runs", (double)st->runs, "experiment");
	return wb_fact(f, "iterations", (double)st->iterations, "experiment");
}

static void counts_teardown(void *state)
{
	(void)state;
}

static int counts_predict(const struct wb_ctx *ctx, struct wb_prediction *p)
{
	return wb_predict(p, "iterations", (double)ctx->param[0], WB_TOL_EXACT,
			  0, "n per batch");
}

static uint64_t counts_iterations(const struct wb_ctx *ctx)
{
	return ctx->param[0];
}

static uint64_t counts_footprint(const struct wb_ctx *ctx)
{
	return ctx->param[0] << 20;
}

static const struct wb_param counts_params[] = {
	{ .name = "n", .unit = "count", .min = 0, .max = 1 << 20 },
	{ 0 },
};

static const struct wb_kernel counts = {
	.name = "counts",
	.suite = "test",
	.per_iteration = "iteration",
	.params = counts_params,
	.setup = counts_setup,
	.run = counts_run,
	.check = counts_check,
	.teardown = counts_teardown,
	.predict = counts_predict,
	.iterations = counts_iterations,
	.footprint = counts_footprint,
};

static int crash_setup(struct wb_ctx *ctx, void **state)
{
	(void)ctx, (void)state;
	raise(SIGSEGV);
	return 0;
}

static const struct wb_kernel crashes = {
	.name = "crashes",
	.suite = "test",
	.params = counts_params,
	.setup = crash_setup,
	.run = counts_run,
};

/*
 * A kernel with parent-side steps: it needs 2 CPUs, and its
 * prepare_system() sets a stand-in setting through the journal (mode 0)
 * or refuses, with a reason (1) or without one (2). check() reports the
 * setting as the child sees it. The setting is a file named after the
 * test process, which is the parent of the probe's child.
 */
static void setting_path(pid_t test, char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/wb-test-runner-setting.%d", (int)test);
}

static int gated_prepare_system(struct wb_ctx *ctx)
{
	char path[64];

	if (ctx->param[0] == 1)
		return wb_refuse(ctx, WB_MISSING, ENOSPC, "no pool for it");
	if (ctx->param[0] == 2)
		return -ENOSPC;
	setting_path(getpid(), path, sizeof(path));
	return ctx->journal ? wb_journal_set(ctx->journal, path, "1") : 0;
}

static int gated_setup(struct wb_ctx *ctx, void **state)
{
	(void)ctx;
	*state = NULL;
	return 0;
}

static void gated_run(void *state, uint64_t n)
{
	(void)state, (void)n;
}

static int gated_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	char path[64], buf[8] = "";
	FILE *fp;

	(void)ctx, (void)state;
	setting_path(getppid(), path, sizeof(path));
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	if (!fgets(buf, sizeof(buf), fp))
		buf[0] = 0;
	fclose(fp);
	return wb_fact(f, "setting", atof(buf), "experiment");
}

static const struct wb_param gated_params[] = {
	{ .name = "mode", .unit = "", .min = 0, .max = 2 },
	{ 0 },
};

static const struct wb_kernel gated = {
	.name = "gated",
	.suite = "test",
	.per_iteration = "iteration",
	.params = gated_params,
	.requires = WB_NEED_2CPUS,
	.prepare_system = gated_prepare_system,
	.setup = gated_setup,
	.run = gated_run,
	.check = gated_check,
	.teardown = counts_teardown,
	.predict = counts_predict,
};

static struct wb_instance instance_of(const struct wb_kernel *k, uint64_t n)
{
	struct wb_instance in = { .kernel = k, .param = { n } };

	snprintf(in.name, sizeof(in.name), "%s/n:%llu", k->name,
		 (unsigned long long)n);
	return in;
}

static void defaults_are_runs(void **st)
{
	struct wb_runner r;

	(void)st;
	wb_runner_init(&r, false);
	assert_int_equal(r.opts.reps, 9);
	assert_int_equal(r.passes, 3);
	assert_true(r.opts.min_time_s == 0.1);
	assert_int_equal(r.opts.cpu, WB_RUNNER_CPU_DEFAULT);
	assert_int_equal(r.opts.seed, 1);
	assert_true(r.timeout_s == 300 && r.mem_fraction == 0.5);
	assert_int_equal(r.max_passes, 9);
	assert_true(r.extra_time_s < 0); /* half the first passes' time */
	wb_runner_init(&r, true);
	/* two repetitions per process */
	assert_int_equal(r.opts.reps, 6);
	assert_int_equal(r.passes, 3);
	assert_int_equal(r.max_passes, 6);
	assert_true(r.opts.min_time_s == 0.01);
	assert_true(r.opts.quick);
}

static void plan_from_params(void **st)
{
	static const char *const good[] = { "pages=8", "page_size=4K" };
	static const char *const bad_value[] = { "pages=lots" };
	static const char *const bad_name[] = { "nope=1" };
	static const char *const no_eq[] = { "pages" };
	struct wb_plan plan = { 0 };
	char err[256];

	(void)st;
	assert_int_equal(wb_runner_plan_kernel(&plan, "tlb_reach", true, good,
					       2, err, sizeof(err)),
			 0);
	assert_int_equal(plan.n, 1);
	assert_string_equal(plan.inst[0].name,
			    "tlb_reach/page_size:4K/pages:8");
	wb_plan_free(&plan);
	assert_int_equal(wb_runner_plan_kernel(&plan, "nokernel", true, good, 2,
					       err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "nokernel"));
	assert_int_equal(wb_runner_plan_kernel(&plan, "tlb_reach", true,
					       bad_value, 1, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "pages=lots"));
	assert_int_equal(wb_runner_plan_kernel(&plan, "tlb_reach", true,
					       bad_name, 1, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(wb_runner_plan_kernel(&plan, "tlb_reach", true, no_eq,
					       1, err, sizeof(err)),
			 -EINVAL);
	wb_plan_free(&plan);
}

static void run_command_line(void **st)
{
	static const char *const kernel[] = { "tlb_reach" };
	static const char *const params[] = { "pages=8", "page_size=4K" };
	static const char *const args[] = { "tlb", "--reps", "3" };
	struct wb_run_request policy = { .names = kernel,
					 .nnames = 1,
					 .quick = true,
					 .params = params,
					 .nparams = 2,
					 .results_dir = "/tmp/d" };
	struct wb_run_request pair = { .args = args,
				       .nargs = 3,
				       .out = "n.json" };
	static const char *const want_policy[] = {
		"run",		"tlb_reach",	 "--quick",
		"--param",	"pages=8",	 "--param",
		"page_size=4K", "--results-dir", "/tmp/d",
	};
	static const char *const want_pair[] = { "run", "tlb",	 "--reps",
						 "3",	"--out", "n.json" };
	struct wb_run_command c;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *many[WB_RUN_COMMAND_MAX];

	(void)st;
	assert_true(n > 0);
	exe[n] = 0;
	assert_int_equal(wb_run_command(&c, &policy), 0);
	assert_string_equal(c.argv[0], exe);
	assert_int_equal(c.argc, 10);
	for (int i = 1; i < c.argc; i++)
		assert_string_equal(c.argv[i], want_policy[i - 1]);
	assert_null(c.argv[c.argc]);
	assert_int_equal(wb_run_command(&c, &pair), 0);
	assert_int_equal(c.argc, 7);
	for (int i = 1; i < c.argc; i++)
		assert_string_equal(c.argv[i], want_pair[i - 1]);
	for (int i = 0; i < WB_RUN_COMMAND_MAX; i++)
		many[i] = "x";
	pair.args = many;
	pair.nargs = WB_RUN_COMMAND_MAX;
	assert_int_equal(wb_run_command(&c, &pair), -E2BIG);
}

/*
 * The runner limits a child's data segment (RLIMIT_DATA), and ASan's
 * shadow memory already counts far beyond any such limit: in the
 * sanitizer build a supervised child cannot map anything.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_CHILD_UNDER_ASAN()                                                \
	do {                                                                   \
		print_message("# SKIP a child under RLIMIT_DATA: ASan shadow " \
			      "memory exceeds it\n");                          \
		skip();                                                        \
	} while (0)
#else
#define SKIP_CHILD_UNDER_ASAN()                                                \
	do {                                                                   \
	} while (0)
#endif

static void runner_for_instances(struct wb_runner *r, struct wb_sysinfo *sys)
{
	wb_runner_init(r, true);
	memset(sys, 0, sizeof(*sys));
	r->opts.sys = sys;
	r->opts.cpu = -1;
	r->opts.reps = 1;
	r->passes = 1;
	r->opts.min_time_s = 0.001;
	r->opts.mem_limit_bytes = 64ull << 20;
	r->timeout_s = 30;
}

static void instance_refused_before_fork(void **st)
{
	struct wb_runner r;
	struct wb_sysinfo sys;
	struct wb_instance in = instance_of(&counts, 128);
	struct wb_runner_record rec;

	(void)st;
	runner_for_instances(&r, &sys);
	assert_int_equal(wb_runner_instance(&r, &in, 0, &rec), 0);
	assert_true(rec.refused);
	assert_int_equal(rec.status, WB_MISSING);
	assert_non_null(strstr(rec.why, "memory limit"));
	assert_string_equal(
		json_string_value(json_object_get(rec.inst, "status")),
		"missing");
	assert_null(rec.gb);
	wb_runner_record_free(&rec);
}

static void instance_crash_recorded(void **st)
{
	struct wb_runner r;
	struct wb_sysinfo sys;
	struct wb_instance in = instance_of(&crashes, 1);
	struct wb_runner_record rec;

	(void)st;
	SKIP_CHILD_UNDER_ASAN();
	runner_for_instances(&r, &sys);
	assert_int_equal(wb_runner_instance(&r, &in, 0, &rec), 0);
	assert_false(rec.refused);
	if (rec.status != WB_CRASHED)
		print_message("# %s\n", json_string_value(json_object_get(
						rec.inst, "stderr_tail")));
	assert_int_equal(rec.status, WB_CRASHED);
	assert_non_null(strstr(rec.why, "crashed by signal"));
	assert_int_equal(
		json_integer_value(json_object_get(rec.inst, "signal")),
		SIGSEGV);
	assert_null(rec.gb);
	wb_runner_record_free(&rec);
}

static void instance_measured(void **st)
{
	struct wb_runner r;
	struct wb_sysinfo sys;
	struct wb_instance in = instance_of(&counts, 16);
	struct wb_runner_record rec;
	json_t *gb;

	(void)st;
	SKIP_CHILD_UNDER_ASAN();
	runner_for_instances(&r, &sys);
	assert_int_equal(wb_runner_instance(&r, &in, 0, &rec), 0);
	if (rec.status != WB_OK)
		print_message("# %s: %s\n", rec.why,
			      json_string_value(json_object_get(
				      rec.inst, "stderr_tail")));
	assert_int_equal(rec.status, WB_OK);
	assert_string_equal(rec.why, "");
	assert_non_null(rec.gb);
	gb = json_loads(rec.gb, 0, NULL);
	assert_non_null(gb);
	assert_true(json_array_size(json_object_get(gb, "benchmarks")) >= 1);
	json_decref(gb);
	assert_true(json_number_value(json_object_get(
			    json_object_get(rec.inst, "facts"), "runs")) >= 1);
	wb_runner_record_free(&rec);
}

static void probe_counts_batches(void **st)
{
	struct wb_sysinfo sys = { 0 };
	struct wb_probe_opts o = { .batches = 2, .timeout_s = 30 };
	struct wb_instance in = instance_of(&counts, 16);
	struct wb_probe_result r;

	(void)st;
	o.opts.sys = &sys;
	o.opts.cpu = -1;
	o.opts.cpu_other = -1;
	assert_int_equal(wb_runner_probe(&o, &in, &r), 0);
	assert_int_equal(r.status, WB_OK);
	assert_int_equal(r.setup_err, 0);
	assert_int_equal(r.check_err, 0);
	assert_int_equal(r.predict_err, 0);
	assert_int_equal(r.iterations, 16);
	assert_true(r.facts.n == 2);
	assert_true(r.facts.kv[0].value == 2); /* runs */
	assert_true(r.facts.kv[1].value == 32); /* iterations */
	assert_int_equal(r.pred.n, 1);
}

static void probe_refusal_and_crash(void **st)
{
	struct wb_sysinfo sys = { 0 };
	struct wb_probe_opts o = { .batches = 1, .timeout_s = 30 };
	struct wb_instance bad = instance_of(&counts, 0);
	struct wb_instance crash = instance_of(&crashes, 1);
	struct wb_probe_result r;

	(void)st;
	o.opts.sys = &sys;
	o.opts.cpu = -1;
	assert_int_equal(wb_runner_probe(&o, &bad, &r), 0);
	assert_int_equal(r.status, WB_BADINPUT);
	assert_int_equal(r.setup_err, -EINVAL);
	assert_string_equal(r.why, "n must be > 0");
	assert_int_equal(wb_runner_probe(&o, &crash, &r), -ECHILD);
	assert_int_equal(r.status, WB_CRASHED);
	assert_non_null(strstr(r.why, "by signal"));
}

static bool fact_is(const struct wb_facts *f, const char *name, double v)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].name, name))
			return f->kv[i].value == v;
	return false;
}

static void read_setting(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "re");

	buf[0] = 0;
	assert_non_null(fp);
	if (!fgets(buf, (int)len, fp))
		buf[0] = 0;
	fclose(fp);
}

/* The parent-side steps: only when asked, as the runner makes them, the
 * refusal as the kernel gave it, a prediction from every instance. */
static void probe_parent_steps(void **st)
{
	struct wb_sysinfo sys = { .ncpus_online = 1 };
	struct wb_probe_opts o = { .batches = 1, .timeout_s = 30 };
	struct wb_instance in = instance_of(&gated, 0);
	struct wb_probe_result r;
	struct wb_journal *j;
	char dir[] = "/tmp/wb-test-runner.XXXXXX", jpath[PATH_MAX], setting[64],
	     buf[8];
	FILE *fp;

	(void)st;
	assert_non_null(mkdtemp(dir));
	snprintf(jpath, sizeof(jpath), "%s/journal", dir);
	setting_path(getpid(), setting, sizeof(setting));
	fp = fopen(setting, "we");
	assert_non_null(fp);
	fputs("0\n", fp);
	fclose(fp);
	assert_int_equal(wb_journal_open(&j, jpath), 0);
	o.opts.sys = &sys;
	o.opts.cpu = -1;
	o.opts.journal = j;

	/* not asked: neither step, whatever the machine */
	assert_int_equal(wb_runner_probe(&o, &in, &r), 0);
	assert_int_equal(r.stage, WB_PROBE_RAN);
	assert_int_equal(r.status, WB_OK);
	assert_true(fact_is(&r.facts, "setting", 0));

	o.check_needs = true;
	o.prepare_system = true;
	assert_int_equal(wb_runner_probe(&o, &in, &r), 0);
	assert_int_equal(r.stage, WB_PROBE_NEEDS);
	assert_int_equal(r.err, -ENODEV);
	assert_int_equal(r.status, WB_MISSING);
	assert_string_equal(r.why, "needs 2 CPUs");
	assert_int_equal(r.setup_err, 0);
	assert_int_equal(r.facts.n, 0);
	assert_int_equal(r.predict_err, 0);
	assert_int_equal(r.pred.n, 1);

	sys.ncpus_online = 2;
	assert_int_equal(wb_runner_probe(&o, &in, &r), 0);
	assert_int_equal(r.stage, WB_PROBE_RAN);
	assert_int_equal(r.err, 0);
	assert_true(fact_is(&r.facts, "setting", 1));
	/* put back after the child */
	read_setting(setting, buf, sizeof(buf));
	assert_string_equal(buf, "0\n");

	in = instance_of(&gated, 1);
	assert_int_equal(wb_runner_probe(&o, &in, &r), 0);
	assert_int_equal(r.stage, WB_PROBE_PREPARE_SYSTEM);
	assert_int_equal(r.err, -ENOSPC);
	assert_int_equal(r.status, WB_MISSING);
	assert_string_equal(r.why, "no pool for it");
	assert_int_equal(r.facts.n, 0);
	assert_int_equal(r.pred.n, 1);

	/* no reason is made up for a kernel that gave none */
	in = instance_of(&gated, 2);
	assert_int_equal(wb_runner_probe(&o, &in, &r), 0);
	assert_int_equal(r.stage, WB_PROBE_PREPARE_SYSTEM);
	assert_int_equal(r.err, -ENOSPC);
	assert_int_equal(r.status, WB_OK);
	assert_string_equal(r.why, "");

	wb_journal_close(j);
	unlink(setting);
	rmdir(dir);
}

static void exit_codes(void **st)
{
	volatile sig_atomic_t stop = 0;
	struct wb_runner r;

	(void)st;
	wb_runner_init(&r, true);
	r.stop = &stop;
	r.n[WB_MISSING] = 2;
	assert_int_equal(wb_runner_exit_code(&r, 2), WB_EXIT_MISSING);
	assert_int_equal(wb_runner_exit_code(&r, 3), WB_EXIT_SKIPPED);
	r.measured = 1;
	r.n[WB_OK] = 1;
	assert_int_equal(wb_runner_exit_code(&r, 3), 0);
	r.n[WB_UNTRUSTED] = 1;
	assert_int_equal(wb_runner_exit_code(&r, 4), WB_EXIT_UNTRUSTED);
	r.n[WB_CRASHED] = 1;
	assert_int_equal(wb_runner_exit_code(&r, 5), WB_EXIT_FAILED);
	stop = 1;
	assert_int_equal(wb_runner_exit_code(&r, 5), 130);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_runs),
		cmocka_unit_test(plan_from_params),
		cmocka_unit_test(run_command_line),
		cmocka_unit_test(instance_refused_before_fork),
		cmocka_unit_test(instance_crash_recorded),
		cmocka_unit_test(instance_measured),
		cmocka_unit_test(probe_counts_batches),
		cmocka_unit_test(probe_refusal_and_crash),
		cmocka_unit_test(probe_parent_steps),
		cmocka_unit_test(exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
