// SPDX-License-Identifier: MIT
/* Loading results files: structure checks and grouping of repetitions. */
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

#include "results/resultsread.h"

#define HEAD                                                                   \
	"{\"context\": {\"host_name\": \"h\", \"walkbench\": {\"version\": "   \
	"\"0.1.0\", \"env\": {\"vendor\": \"GenuineIntel\"}, "
#define INST                                                                   \
	"\"instances\": [{\"name\": \"k/pages:1\", \"status\": \"ok\", "       \
	"\"facts\": {\"x\": 1}}, {\"name\": \"k/pages:2\", \"status\": "       \
	"\"skipped\", \"why\": \"no THP\"}]}}, "
#define REP(n, t, unit, psv)                                                   \
	"{\"name\": \"" n "\", \"run_type\": \"iteration\", \"real_time\": " t \
	", \"time_unit\": \"" unit "\", \"suite\": \"tlb\", \"kernel\": "      \
	"\"k\", \"params\": {\"pages\": 1}, \"page_size_verified\": " psv      \
	", \"ns_per_access\": " t "}"

static char path[64];

static void write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/wb-rr-%d.json", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int load(const char *text, struct wb_rfile *r, char *why)
{
	write_file(text);
	return wb_rfile_load(path, r, why, 256);
}

#define R1 REP("k/pages:1", "2", "ns", "true")
#define R2 REP("k/pages:1", "3", "us", "true")
#define R3 REP("k/pages:1", "4", "ns", "true")
#define R4 REP("k/pages:1", "3", "ns", "false")
#define AGG "{\"name\": \"k/pages:1_mean\", \"run_type\": \"aggregate\"}"
#define BENCH "\"benchmarks\": ["

static const char three_reps[] = HEAD INST BENCH R1 ", " R2 ", " AGG ", " R3
						    "]}";
static const char unverified[] = HEAD INST BENCH R1 ", " R4 "]}";

static void test_groups_repetitions(void **state)
{
	struct wb_rfile r;
	const struct wb_rbench *b;
	char why[256] = "";
	double v[4];
	size_t n;

	(void)state;
	assert_int_equal(load(three_reps, &r, why), 0);
	assert_int_equal(r.nb, 1);
	b = wb_rfile_find(&r, "k/pages:1");
	assert_non_null(b);
	assert_int_equal(b->nreps, 3);
	assert_true(b->real_time_ns[1] == 3000);
	assert_true(b->page_size_verified);
	assert_string_equal(b->suite, "tlb");
	assert_non_null(b->instance);
	assert_true(wb_jnum(json_object_get(b->instance, "facts"), "x") == 1);
	wb_rbench_values(b, "ns_per_access", v, &n);
	assert_int_equal(n, 3);
	assert_true(v[2] == 4);
	assert_null(wb_rfile_find(&r, "k/pages:2"));
	assert_string_equal(wb_jstr(r.env, "vendor"), "GenuineIntel");
	assert_true(isnan(wb_jnum(r.env, "nothing")));
	wb_rfile_free(&r);
	unlink(path);
}

static void test_unverified_anywhere(void **state)
{
	struct wb_rfile r;
	char why[256] = "";

	(void)state;
	assert_int_equal(load(unverified, &r, why), 0);
	assert_false(r.b[0].page_size_verified);
	wb_rfile_free(&r);
	unlink(path);
}

static void expect_bad(const char *text, const char *what)
{
	struct wb_rfile r;
	char why[256] = "";

	assert_int_not_equal(load(text, &r, why), 0);
	if (!strstr(why, what) || !strstr(why, path))
		fail_msg("'%s' does not say '%s' and the file", why, what);
	assert_null(strchr(why, '\n'));
	unlink(path);
}

#define BAD_TIME REP("k", "\"x\"", "ns", "true")
#define BAD_UNIT REP("k", "1", "fortnights", "true")
#define BAD_INST "\"instances\": [{\"name\": \"a\"}]}}, "

static void test_bad_files(void **state)
{
	(void)state;
	expect_bad("", "empty file");
	expect_bad(HEAD INST BENCH, "not valid JSON");
	expect_bad("[1, 2]", "no 'context' object");
	expect_bad("{\"context\": {}, \"benchmarks\": []}",
		   "no context.walkbench");
	expect_bad("{\"context\": {\"walkbench\": {}}, \"benchmarks\": []}",
		   "no context.walkbench.env");
	expect_bad(HEAD INST "\"nobenchmarks\": 1}", "no 'benchmarks' array");
	expect_bad(HEAD INST BENCH BAD_TIME "]}",
		   "benchmarks[0] 'k': real_time");
	expect_bad(HEAD INST BENCH BAD_UNIT "]}", "time_unit 'fortnights'");
	expect_bad(HEAD INST BENCH "{\"name\": \"k\"}]}", "run_type");
	expect_bad(HEAD BAD_INST BENCH "]}", "instances[0] lacks a name");
}

#define PREP(t, pass)                                                          \
	"{\"name\": \"k/pages:1\", \"run_type\": \"iteration\", "              \
	"\"real_time\": " t ", \"time_unit\": \"ns\", \"pass\": " pass "}"

/* One sample per pass: the median of that pass's repetitions. */
static void test_units_are_passes(void **state)
{
	static const char passes[] =
		HEAD INST BENCH PREP("1", "0") ", " PREP("9", "1") ", " PREP(
			"3", "0") ", " PREP("5", "0") ", " PREP("7", "1") "]}";
	struct wb_rfile r;
	char why[256] = "";
	double *u;
	size_t n;
	bool by_pass;

	(void)state;
	assert_int_equal(load(passes, &r, why), 0);
	assert_int_equal(wb_rbench_units(&r.b[0], &u, &n, &by_pass), 0);
	assert_true(by_pass);
	assert_int_equal(n, 2);
	assert_true(u[0] == 3 && u[1] == 8);
	free(u);
	wb_rfile_free(&r);
	/* no pass fields: every repetition counts */
	assert_int_equal(load(three_reps, &r, why), 0);
	assert_int_equal(wb_rbench_units(&r.b[0], &u, &n, &by_pass), 0);
	assert_false(by_pass);
	assert_int_equal(n, 3);
	assert_true(u[1] == 3000);
	free(u);
	wb_rfile_free(&r);
	unlink(path);
	expect_bad(HEAD INST BENCH PREP("1", "-1") "]}",
		   "pass is not an integer");
	expect_bad(HEAD INST BENCH PREP("1", "\"a\"") "]}",
		   "pass is not an integer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_repetitions),
		cmocka_unit_test(test_unverified_anywhere),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_units_are_passes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
