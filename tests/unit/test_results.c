// SPDX-License-Identifier: MIT
/* The results writer: atomic, never overwriting, failing before a run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/results.h"

static char dir[64];

static int setup_dir(void **st)
{
	(void)st;
	snprintf(dir, sizeof(dir), "/tmp/wb-results.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **st)
{
	char cmd[128];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static int count_files(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	if (!dp)
		return -1;
	while ((e = readdir(dp)))
		n += e->d_name[0] != '.';
	closedir(dp);
	return n;
}

static void test_write_never_overwrites(void **st)
{
	char path[128], buf[64] = "";
	json_t *a = json_pack("{s:i}", "a", 1), *b = json_pack("{s:i}", "b", 2);
	FILE *f;

	(void)st;
	snprintf(path, sizeof(path), "%s/r.json", dir);
	assert_int_equal(wb_results_write(path, a, 0), 0);
	assert_int_equal(wb_results_write(path, b, 0), -EEXIST);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"a\""));
	assert_null(strstr(buf, "\"b\""));
	/* no temporary file left behind */
	assert_int_equal(count_files(dir), 1);
	json_decref(a);
	json_decref(b);
}

static void test_new_path_is_unique(void **st)
{
	char p1[256], p2[256];
	json_t *a = json_object();

	(void)st;
	assert_int_equal(wb_results_new_path(dir, "tlb", p1, sizeof(p1)), 0);
	assert_int_equal(wb_results_check_dir(p1), 0);
	assert_int_equal(wb_results_write(p1, a, 0), 0);
	assert_int_equal(wb_results_new_path(dir, "tlb", p2, sizeof(p2)), 0);
	assert_string_not_equal(p1, p2);
	json_decref(a);
}

static void test_unwritable_dir_found_early(void **st)
{
	(void)st;
	assert_true(wb_results_check_dir("/dev/null/sub/r.json") < 0);
	assert_true(wb_results_check_dir("/proc/sys/walkbench/r.json") < 0);
}

static void test_add_instance_fields(void **st)
{
	static const char ctx[] = "{\"context\":{\"host_name\":\"h\"},"
				  "\"benchmarks\":[]}";
	static const char gb[] =
		"{\"benchmarks\":[{\"name\":\"k/x:1/min_time:0.1/real_time\","
		"\"run_type\":\"iteration\",\"real_time\":2.5,"
		"\"time_unit\":\"ns\"},{\"name\":\"k/x:1_cv\",\"run_type\":"
		"\"aggregate\",\"aggregate_name\":\"cv\",\"real_time\":0.01,"
		"\"time_unit\":\"ns\"}]}";
	struct wb_results r;
	json_t *inst = json_pack("{s:s,s:s,s:s,s:{s:i},s:b}", "name", "k/x:1",
				 "kernel", "k", "suite", "s", "params", "x", 1,
				 "page_size_verified", 1);
	json_t *b0, *b1;

	(void)st;
	assert_int_equal(wb_results_init(&r, ctx, json_object()), 0);
	assert_int_equal(wb_results_add(&r, inst, gb, "access"), 0);
	b0 = json_array_get(r.benchmarks, 0);
	b1 = json_array_get(r.benchmarks, 1);
	assert_string_equal(json_string_value(json_object_get(b0, "name")),
			    "k/x:1");
	assert_string_equal(json_string_value(json_object_get(b1, "name")),
			    "k/x:1_cv");
	assert_true(json_number_value(json_object_get(b0, "ns_per_access")) ==
		    2.5);
	/* a coefficient of variation is not a time per access */
	assert_null(json_object_get(b1, "ns_per_access"));
	assert_true(json_is_true(json_object_get(b0, "page_size_verified")));
	assert_int_equal(json_array_size(r.instances), 1);
	assert_int_equal(wb_results_add(&r, json_object(), "{not json", "x"),
			 -EINVAL);
	wb_results_free(&r);
}

static json_t *pass_inst(const char *status, int verified, double secs)
{
	return json_pack("{s:s,s:s,s:s,s:{s:i},s:b,s:s,s:s,s:f}", "name",
			 "k/x:1", "kernel", "k", "suite", "s", "params", "x", 1,
			 "page_size_verified", verified, "status", status,
			 "why", "", "seconds", secs);
}

static const char *entry_str(json_t *e, const char *k)
{
	return json_string_value(json_object_get(e, k));
}

static double entry_num(json_t *e, const char *k)
{
	return json_number_value(json_object_get(e, k));
}

/* Three passes of one instance, with a second instance between them in
 * the file: repetitions pool in order, aggregates are recomputed over all
 * of them, the other instance's entries stay where they were. */
static void test_passes_pool_repetitions(void **st)
{
	static const char ctx[] = "{\"context\":{},\"benchmarks\":[]}";
	static const char p0[] =
		"{\"benchmarks\":[{\"name\":\"k/x:1\",\"run_type\":"
		"\"iteration\",\"real_time\":1.0,\"cpu_time\":1.0,"
		"\"time_unit\":\"ns\",\"faults\":2.0,\"iterations\":10}]}";
	static const char p1[] =
		"{\"benchmarks\":[{\"name\":\"k/x:1\",\"run_type\":"
		"\"iteration\",\"real_time\":3.0,\"cpu_time\":3.0,"
		"\"time_unit\":\"ns\",\"faults\":2.0,\"iterations\":10},"
		"{\"name\":\"k/x:1\",\"run_type\":\"iteration\",\"real_time\":"
		"2.0,\"cpu_time\":2.0,\"time_unit\":\"ns\",\"faults\":2.0,"
		"\"iterations\":10},{\"name\":\"k/x:1_mean\",\"run_type\":"
		"\"aggregate\",\"aggregate_name\":\"mean\",\"real_time\":9}]}";
	static const char other[] =
		"{\"benchmarks\":[{\"name\":\"o\",\"run_type\":\"iteration\","
		"\"real_time\":7.0,\"time_unit\":\"ns\"}]}";
	struct wb_results r;
	json_t *e, *inst;
	const char *names[] = { "k/x:1",	"k/x:1",
				"k/x:1",	"k/x:1_mean",
				"k/x:1_median", "k/x:1_stddev",
				"k/x:1_cv",	"o" };
	size_t i;

	(void)st;
	assert_int_equal(wb_results_init(&r, ctx, json_object()), 0);
	assert_int_equal(
		wb_results_add(&r, pass_inst("ok", 1, 1), p0, "access"), 0);
	assert_int_equal(wb_results_add(&r,
					json_pack("{s:s,s:s}", "name", "o",
						  "status", "ok"),
					other, "access"),
			 0);
	assert_int_equal(wb_results_add_pass(&r, 0, pass_inst("ok", 1, 2), p1,
					     "access", 1),
			 0);
	assert_int_equal(json_array_size(r.benchmarks), 8);
	json_array_foreach(r.benchmarks, i, e)
		assert_string_equal(entry_str(e, "name"), names[i]);
	for (i = 0; i < 3; i++) {
		e = json_array_get(r.benchmarks, i);
		assert_int_equal(entry_num(e, "repetition_index"), i);
		assert_int_equal(entry_num(e, "repetitions"), 3);
		assert_int_equal(json_integer_value(json_object_get(e, "pass")),
				 i ? 1 : 0);
	}
	/* 1, 3, 2: mean 2, median 2, sample stddev 1, cv 0.5 */
	assert_true(entry_num(json_array_get(r.benchmarks, 3), "real_time") ==
		    2.0);
	assert_true(entry_num(json_array_get(r.benchmarks, 3),
			      "ns_per_access") == 2.0);
	assert_true(entry_num(json_array_get(r.benchmarks, 4), "real_time") ==
		    2.0);
	assert_true(
		fabs(entry_num(json_array_get(r.benchmarks, 5), "real_time") -
		     1.0) < 1e-12);
	e = json_array_get(r.benchmarks, 6);
	assert_true(fabs(entry_num(e, "real_time") - 0.5) < 1e-12);
	assert_string_equal(entry_str(e, "aggregate_unit"), "percentage");
	assert_null(json_object_get(e, "ns_per_access"));
	assert_true(entry_num(e, "faults") == 0);
	assert_int_equal(entry_num(e, "iterations"), 3);
	assert_null(json_object_get(e, "pass"));
	inst = json_array_get(r.instances, 0);
	assert_int_equal(entry_num(inst, "passes_measured"), 2);
	assert_true(entry_num(inst, "seconds") == 3);
	assert_string_equal(entry_str(inst, "status"), "ok");

	/* a later pass that crashed, unverified: the instance says so, the
	 * repetitions measured so far stay */
	inst = pass_inst("crashed", 0, 1);
	json_object_set_new(inst, "why", json_string("crashed by signal"));
	assert_int_equal(wb_results_add_pass(&r, 0, inst, NULL, "access", 2),
			 0);
	assert_int_equal(json_array_size(r.benchmarks), 8);
	inst = json_array_get(r.instances, 0);
	assert_string_equal(entry_str(inst, "status"), "crashed");
	assert_string_equal(entry_str(inst, "why"),
			    "pass 3: crashed by signal");
	assert_true(json_is_false(json_object_get(inst, "page_size_verified")));
	assert_int_equal(entry_num(inst, "passes_measured"), 2);
	/* an instance that is not in the file */
	assert_int_equal(wb_results_add_pass(&r, 9, pass_inst("ok", 1, 1), p0,
					     "access", 1),
			 -EINVAL);
	wb_results_free(&r);
}

/* One child's JSON with repetitions of @n times */
static char *reps_json(const double *t, size_t n)
{
	json_t *a = json_array(), *gb;
	char *text;

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:f,s:s,s:i}", "name", "k/x:1",
				     "run_type", "iteration", "real_time", t[i],
				     "time_unit", "ns", "iterations", 10));
	gb = json_pack("{s:o}", "benchmarks", a);
	text = json_dumps(gb, JSON_COMPACT);
	json_decref(gb);
	return text;
}

static void add_pass_of(struct wb_results *r, int pass, double a, double b)
{
	const double t[] = { a, b };
	char *gb = reps_json(t, 2);

	if (!pass)
		assert_int_equal(
			wb_results_add(r, pass_inst("ok", 1, 1), gb, "access"),
			0);
	else
		assert_int_equal(wb_results_add_pass(r, 0,
						     pass_inst("ok", 1, 1), gb,
						     "access", pass),
				 0);
	free(gb);
}

/* One process cannot be judged: neither "stable" nor "stability". */
static void test_one_pass_not_judged(void **st)
{
	static const char ctx[] = "{\"context\":{},\"benchmarks\":[]}";
	struct wb_results r;
	struct wb_stability s;
	json_t *inst;

	(void)st;
	assert_int_equal(
		wb_results_init(&r, ctx, json_pack("{s:i}", "passes", 1)), 0);
	add_pass_of(&r, 0, 10.0, 30.0);
	inst = json_array_get(r.instances, 0);
	assert_null(json_object_get(inst, "stable"));
	assert_null(json_object_get(inst, "stability"));
	assert_int_equal(entry_num(inst, "passes_added"), 0);
	assert_int_equal(wb_results_judge(&r, 0, &s), -ENODATA);
	assert_false(s.judged);
	wb_results_free(&r);
}

/* Processes at 10 and 40 ns, each agreeing within 1%: unstable, two
 * modes; the first time only one process is in the slow mode (not
 * resolved), then a fourth process, beyond the run's 3 passes, resolves
 * it and counts as added. */
static void test_stability_recorded(void **st)
{
	static const char ctx[] = "{\"context\":{},\"benchmarks\":[]}";
	struct wb_results r;
	json_t *inst, *s, *m;

	(void)st;
	assert_int_equal(
		wb_results_init(&r, ctx, json_pack("{s:i}", "passes", 3)), 0);
	add_pass_of(&r, 0, 10.0, 10.1);
	add_pass_of(&r, 1, 40.0, 40.2);
	inst = json_array_get(r.instances, 0);
	/* two processes are judged */
	assert_true(json_is_false(json_object_get(inst, "stable")));
	add_pass_of(&r, 2, 10.1, 10.0);
	s = json_object_get(inst, "stability");
	assert_non_null(s);
	assert_true(json_is_false(json_object_get(inst, "stable")));
	assert_int_equal(entry_num(s, "processes"), 3);
	assert_true(json_is_false(json_object_get(s, "resolved")));
	assert_int_equal(entry_num(s, "passes_added"), 0);
	assert_int_equal(json_array_size(json_object_get(s, "modes")), 2);
	m = json_array_get(json_object_get(s, "modes"), 1);
	assert_int_equal(entry_num(m, "processes"), 1);
	assert_true(fabs(entry_num(m, "median") - 40.1) < 1e-9);
	assert_true(fabs(entry_num(s, "lo") - 10.05) < 1e-9);
	assert_true(fabs(entry_num(s, "hi") - 40.1) < 1e-9);
	assert_true(entry_num(s, "tolerance") > 1.19);
	assert_true(entry_num(s, "within") > 0);
	assert_non_null(strstr(entry_str(s, "test"), "25%"));

	add_pass_of(&r, 3, 39.9, 40.0);
	s = json_object_get(inst, "stability");
	assert_true(json_is_true(json_object_get(s, "resolved")));
	assert_int_equal(entry_num(s, "processes"), 4);
	assert_int_equal(entry_num(s, "passes_added"), 1);
	assert_int_equal(entry_num(inst, "passes_added"), 1);
	m = json_array_get(json_object_get(s, "modes"), 0);
	assert_int_equal(entry_num(m, "processes"), 2);
	assert_true(entry_num(m, "hi") < 11);
	wb_results_free(&r);
}

/* Processes within 5% of each other: stable, one mode of all of them. */
static void test_stable_recorded(void **st)
{
	static const char ctx[] = "{\"context\":{},\"benchmarks\":[]}";
	struct wb_results r;
	json_t *inst, *s;

	(void)st;
	assert_int_equal(
		wb_results_init(&r, ctx, json_pack("{s:i}", "passes", 3)), 0);
	add_pass_of(&r, 0, 10.0, 10.2);
	add_pass_of(&r, 1, 10.4, 10.3);
	add_pass_of(&r, 2, 9.9, 10.0);
	inst = json_array_get(r.instances, 0);
	s = json_object_get(inst, "stability");
	assert_true(json_is_true(json_object_get(inst, "stable")));
	assert_true(json_is_true(json_object_get(s, "resolved")));
	assert_int_equal(json_array_size(json_object_get(s, "modes")), 1);
	assert_int_equal(entry_num(s, "passes_added"), 0);
	wb_results_free(&r);
}

/* The first repetition of a fixed-iteration kernel is a warm-up: it goes,
 * and the aggregates are those of the others. */
static void test_drop_warmup(void **st)
{
	static const char text[] =
		"{\"benchmarks\":[{\"name\":\"k\",\"run_name\":\"k\",\"run_"
		"type\":"
		"\"iteration\",\"repetition_index\":0,\"real_time\":9.0,"
		"\"faults\":514},{\"name\":\"k\",\"run_name\":\"k\",\"run_"
		"type\":"
		"\"iteration\",\"repetition_index\":1,\"real_time\":2.0,"
		"\"faults\":512},{\"name\":\"k\",\"run_name\":\"k\",\"run_"
		"type\":"
		"\"iteration\",\"repetition_index\":2,\"real_time\":4.0,"
		"\"faults\":512},{\"name\":\"k_mean\",\"run_type\":"
		"\"aggregate\","
		"\"aggregate_name\":\"mean\",\"real_time\":5.0}]}";
	json_t *gb = json_loads(text, 0, NULL), *bm, *mean;

	(void)st;
	assert_non_null(gb);
	assert_int_equal(wb_results_drop_warmup(gb), 0);
	bm = json_object_get(gb, "benchmarks");
	/* 2 repetitions + mean, median, stddev, cv */
	assert_int_equal(json_array_size(bm), 6);
	assert_true(entry_num(json_array_get(bm, 0), "real_time") == 2.0);
	assert_int_equal(entry_num(json_array_get(bm, 0), "repetition_index"),
			 0);
	assert_int_equal(entry_num(json_array_get(bm, 1), "repetitions"), 2);
	mean = json_array_get(bm, 2);
	assert_string_equal(entry_str(mean, "aggregate_name"), "mean");
	assert_true(entry_num(mean, "real_time") == 3.0);
	assert_true(entry_num(mean, "faults") == 512);
	json_decref(gb);
	gb = json_object();
	assert_int_equal(wb_results_drop_warmup(gb), -EINVAL);
	json_decref(gb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_never_overwrites),
		cmocka_unit_test(test_new_path_is_unique),
		cmocka_unit_test(test_unwritable_dir_found_early),
		cmocka_unit_test(test_add_instance_fields),
		cmocka_unit_test(test_passes_pool_repetitions),
		cmocka_unit_test(test_drop_warmup),
		cmocka_unit_test(test_one_pass_not_judged),
		cmocka_unit_test(test_stability_recorded),
		cmocka_unit_test(test_stable_recorded),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
