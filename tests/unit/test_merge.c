// SPDX-License-Identifier: MIT
/* Merging runs from many hosts: grouping, pooling, statistics, outliers. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "results/merge.h"

#define MAXF 8

static void near(double got, double want, double tol, int line)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("line %d: got %.17g, want %.17g", line, got, want);
}
#define assert_double_equal(got, want, tol) near(got, want, tol, __LINE__)

struct fleet {
	struct wb_rfile f[MAXF];
	char path[MAXF][64];
	size_t n;
};

/*
 * One results file: host @host, CPU model @model, benchmark "k/x" with
 * repetitions t0, 2 t0, 3 t0 (median 2 t0), a second benchmark "k/y" at
 * 1 ns, page_size_verified @psv on "k/x", and @extra walkbench fields.
 */
static void add(struct fleet *fl, const char *host, int model, double t0,
		const char *extra, const char *psv)
{
	char text[4096];
	char why[256];
	FILE *f;
	size_t i = fl->n++;

	snprintf(fl->path[i], sizeof(fl->path[i]), "/tmp/wb-merge-%d-%zu.json",
		 (int)getpid(), i);
	snprintf(text, sizeof(text),
		 "{\"context\": {\"host_name\": \"%s\", \"date\": \"d\", "
		 "\"walkbench\": {\"schema_version\": 1, \"version\": "
		 "\"0.1.0\", %s \"env\": {\"vendor\": \"GenuineIntel\", "
		 "\"family\": 6, \"model\": %d, \"model_name\": \"CPU %d\", "
		 "\"kernel\": \"6.1\", \"hypervisor\": \"\", \"thp_enabled\": "
		 "\"madvise\"}, \"instances\": [{\"name\": \"k/x\", "
		 "\"status\": \"ok\"}, {\"name\": \"k/z\", \"status\": "
		 "\"untrusted\"}]}}, \"benchmarks\": ["
		 "{\"name\": \"k/x\", \"run_type\": \"iteration\", "
		 "\"real_time\": %.17g, \"time_unit\": \"ns\", "
		 "\"page_size_verified\": %s},"
		 "{\"name\": \"k/x\", \"run_type\": \"iteration\", "
		 "\"real_time\": %.17g, \"time_unit\": \"ns\", "
		 "\"page_size_verified\": %s},"
		 "{\"name\": \"k/x\", \"run_type\": \"iteration\", "
		 "\"real_time\": %.17g, \"time_unit\": \"ns\", "
		 "\"page_size_verified\": %s},"
		 "{\"name\": \"k/y\", \"run_type\": \"iteration\", "
		 "\"real_time\": 1, \"time_unit\": \"ns\", "
		 "\"page_size_verified\": true}]}",
		 host, extra, model, model, t0, psv, 2 * t0, psv, 3 * t0, psv);
	f = fopen(fl->path[i], "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(
		wb_rfile_load(fl->path[i], &fl->f[i], why, sizeof(why)), 0);
}

static void fleet_free(struct fleet *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		wb_rfile_free(&fl->f[i]);
		unlink(fl->path[i]);
	}
	fl->n = 0;
}

static const struct wb_merge_bench *bench(const struct wb_merge_group *g,
					  const char *name)
{
	for (size_t i = 0; i < g->nb; i++)
		if (!strcmp(g->b[i].name, name))
			return &g->b[i];
	fail_msg("no benchmark %s", name);
	return NULL;
}

static void test_groups_hosts_and_outlier(void **state)
{
	struct fleet fl = { .n = 0 };
	const struct wb_merge_bench *b;
	struct wb_merge m;

	(void)state;
	/* model 1: a, b, c, d (d 1.5x slower), a again; model 2: e */
	add(&fl, "a", 1, 10, "", "true");
	add(&fl, "b", 1, 10.1, "", "true");
	add(&fl, "c", 1, 9.9, "\"complete\": false,", "true");
	add(&fl, "d", 1, 15, "", "true");
	add(&fl, "a", 1, 10.5, "", "true");
	add(&fl, "e", 2, 7, "", "true");
	assert_int_equal(wb_merge_build(fl.f, fl.n, &m), 0);
	assert_int_equal(m.ng, 2);
	assert_int_equal(m.nruns, 6);
	assert_int_equal(m.nhosts, 5);
	assert_string_equal(m.g[0].key, "GenuineIntel/6/1/CPU 1");
	assert_string_equal(m.g[0].slug, "GenuineIntel-6-1-CPU-1");
	assert_int_equal(m.g[0].nruns, 5);
	assert_int_equal(m.g[0].nhosts, 4);
	assert_int_equal(m.g[0].hosts[0].runs, 2);
	assert_int_equal(m.g[0].incomplete, 1);
	assert_int_equal(m.g[0].nenv, 1);
	/* one untrusted instance per file */
	assert_int_equal(m.g[0].status[3], 5);
	assert_string_equal(wb_merge_status_names[3], "untrusted");

	b = bench(&m.g[0], "k/x");
	assert_int_equal(b->nhv, 4);
	assert_int_equal(b->nruns, 5);
	/* host a pools 10,20,30 and 10.5,21,31.5: median (20 + 21) / 2 */
	assert_int_equal(b->hv[0].reps, 6);
	assert_int_equal(b->hv[0].runs, 2);
	assert_double_equal(b->hv[0].median_ns, 20.5, 1e-12);
	/* host values 20.5, 20.2, 19.8, 30: median 20.35 */
	assert_double_equal(b->median_ns, 20.35, 1e-12);
	assert_double_equal(b->min_ns, 19.8, 1e-12);
	assert_double_equal(b->max_ns, 30, 1e-12);
	assert_double_equal(b->spread, 30 / 19.8, 1e-12);
	/* |dev| 0.15, 0.15, 0.55, 9.65: MAD 0.35 */
	assert_double_equal(b->rcv, 1.4826 * 0.35 / 20.35, 1e-12);
	assert_int_equal(b->noutliers, 1);
	assert_true(b->hv[3].outlier);
	assert_string_equal(m.g[0].hosts[b->hv[3].host].name, "d");
	assert_double_equal(b->hv[3].mads, 9.65 / (1.4826 * 0.35), 1e-9);
	assert_false(b->hv[2].outlier);
	assert_string_equal(m.g[0].hosts[b->hv[b->max_hv].host].name, "d");
	assert_string_equal(m.g[0].hosts[b->hv[b->min_hv].host].name, "c");

	/* all at 1 ns: MAD 0, no deviation, no outlier */
	b = bench(&m.g[0], "k/y");
	assert_double_equal(b->median_ns, 1, 0);
	assert_double_equal(b->rcv, 0, 0);
	assert_int_equal(b->noutliers, 0);

	assert_int_equal(m.g[1].nhosts, 1);
	b = bench(&m.g[1], "k/x");
	assert_double_equal(b->median_ns, 14, 1e-12);
	assert_int_equal(b->noutliers, 0);
	wb_merge_free(&m);
	fleet_free(&fl);
}

static void test_unverified_left_out(void **state)
{
	struct fleet fl = { .n = 0 };
	const struct wb_merge_bench *b;
	struct wb_merge m;

	(void)state;
	add(&fl, "a", 1, 10, "", "true");
	add(&fl, "b", 1, 50, "", "false");
	assert_int_equal(wb_merge_build(fl.f, fl.n, &m), 0);
	assert_int_equal(m.runs[1].unverified, 1);
	assert_int_equal(m.g[0].unverified_runs, 1);
	b = bench(&m.g[0], "k/x");
	assert_int_equal(b->nruns, 2);
	assert_int_equal(b->unverified_runs, 1);
	assert_int_equal(b->nhv, 1);
	assert_double_equal(b->median_ns, 20, 1e-12);
	wb_merge_free(&m);
	fleet_free(&fl);
}

/* Two hosts alone cannot outvote each other; a small relative difference
 * with MAD 0 is no outlier either. */
static void test_outlier_needs_hosts_and_size(void **state)
{
	struct fleet fl = { .n = 0 };
	const struct wb_merge_bench *b;
	struct wb_merge m;

	(void)state;
	add(&fl, "a", 1, 10, "", "true");
	add(&fl, "b", 1, 20, "", "true");
	assert_int_equal(wb_merge_build(fl.f, fl.n, &m), 0);
	assert_int_equal(bench(&m.g[0], "k/x")->noutliers, 0);
	wb_merge_free(&m);
	fleet_free(&fl);

	add(&fl, "a", 1, 10, "", "true");
	add(&fl, "b", 1, 10, "", "true");
	add(&fl, "c", 1, 10.2, "", "true");
	assert_int_equal(wb_merge_build(fl.f, fl.n, &m), 0);
	b = bench(&m.g[0], "k/x");
	assert_true(isinf(b->hv[2].mads));
	assert_int_equal(b->noutliers, 0);
	wb_merge_free(&m);
	fleet_free(&fl);
}

static void test_check_rejects(void **state)
{
	struct fleet fl = { .n = 0 };
	char why[512];

	(void)state;
	assert_int_equal(wb_merge_check(fl.f, 0, why, sizeof(why)), -EINVAL);
	add(&fl, "a", 1, 10, "", "true");
	add(&fl, "b", 1, 10, "", "true");
	assert_int_equal(wb_merge_check(fl.f, 2, why, sizeof(why)), 0);
	fl.f[1].path = fl.f[0].path;
	assert_int_equal(wb_merge_check(fl.f, 2, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "given twice"));
	fl.f[1].path = fl.path[1];
	json_object_set_new(fl.f[1].wb, "schema_version", json_integer(0));
	assert_int_equal(wb_merge_check(fl.f, 2, why, sizeof(why)), -EINVAL);
	assert_memory_equal(why, fl.path[1], strlen(fl.path[1]));
	assert_non_null(strstr(why, "schema_version 0 differs"));
	json_object_set_new(fl.f[1].wb, "schema_version", json_integer(1));
	json_object_set_new(fl.f[1].wb, "version", json_string("2.0.0"));
	assert_int_equal(wb_merge_check(fl.f, 2, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "major version"));
	/* same major, other minor: fine */
	json_object_set_new(fl.f[1].wb, "version", json_string("0.2.0"));
	assert_int_equal(wb_merge_check(fl.f, 2, why, sizeof(why)), 0);
	fleet_free(&fl);
}

static void test_json_and_mixed_env(void **state)
{
	struct fleet fl = { .n = 0 };
	struct wb_merge m;
	json_t *j, *g;

	(void)state;
	add(&fl, "a", 1, 10, "", "true");
	add(&fl, "b", 1, 10, "", "true");
	/* another kernel on the same CPU model */
	json_object_set_new(fl.f[1].env, "kernel", json_string("6.18"));
	assert_int_equal(wb_merge_build(fl.f, fl.n, &m), 0);
	assert_int_equal(m.g[0].nenv, 2);
	j = wb_merge_json(&m);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "runs")), 2);
	g = json_array_get(json_object_get(j, "groups"), 0);
	assert_true(json_is_true(json_object_get(g, "mixed")));
	assert_int_equal(json_array_size(json_object_get(g, "environments")),
			 2);
	assert_double_equal(
		json_real_value(json_object_get(
			json_array_get(json_object_get(g, "benchmarks"), 0),
			"median_ns")),
		20, 1e-12);
	json_decref(j);
	wb_merge_free(&m);
	fleet_free(&fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_hosts_and_outlier),
		cmocka_unit_test(test_unverified_left_out),
		cmocka_unit_test(test_outlier_needs_hosts_and_size),
		cmocka_unit_test(test_check_rejects),
		cmocka_unit_test(test_json_and_mixed_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
