// SPDX-License-Identifier: MIT
/* Baseline keys, default names, sample counts, refusals and lookup. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "results/baseline.h"

static json_t *wb_of(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	assert_non_null(j);
	return j;
}

static void expect_key(const char *wbtext, const char *want)
{
	json_t *wb = wb_of(wbtext);
	char key[64];

	assert_int_equal(wb_baseline_cpu_key(wb, key, sizeof(key)), 0);
	assert_string_equal(key, want);
	json_decref(wb);
}

static void test_cpu_key(void **state)
{
	(void)state;
	expect_key("{\"env\": {\"vendor\": \"GenuineIntel\", \"family\": 6, "
		   "\"model\": 167, \"hypervisor\": \"KVMKVMKVM\"}}",
		   "intel-6-167-kvm");
	/* no hypervisor at all, or an empty one: bare metal */
	expect_key("{\"env\": {\"vendor\": \"AuthenticAMD\", \"family\": 26, "
		   "\"model\": 68}}",
		   "amd-26-68-metal");
	expect_key("{\"env\": {\"vendor\": \"AuthenticAMD\", \"family\": 26, "
		   "\"model\": 68, \"hypervisor\": \"\"}}",
		   "amd-26-68-metal");
	/* the env's hypervisor wins; context.walkbench's is the fallback */
	expect_key("{\"hypervisor\": \"KVMKVMKVM\", \"env\": {\"vendor\": "
		   "\"GenuineIntel\", \"family\": 6, \"model\": 143}}",
		   "intel-6-143-kvm");
	expect_key("{\"hypervisor\": \"KVMKVMKVM\", \"emulated\": true, "
		   "\"env\": {\"vendor\": \"AuthenticAMD\", \"family\": 25, "
		   "\"model\": 1, \"hypervisor\": \"TCGTCGTCGTCG\"}}",
		   "amd-25-1-tcg-emulated");
	expect_key("{\"emulated\": false, \"env\": {\"vendor\": \"Weird "
		   "Vendor!\", \"family\": 1, \"model\": 2, \"hypervisor\": "
		   "\"Odd HV-1\"}}",
		   "weirdvendor-1-2-oddhv1");
	/* a missing CPUID number is said, not invented */
	expect_key("{\"env\": {}}", "unknown-na-na-metal");
}

static void test_cpu_key_too_long(void **state)
{
	json_t *wb = wb_of("{\"env\": {\"vendor\": \"GenuineIntel\", "
			   "\"family\": 6, \"model\": 167}}");
	char key[8];

	(void)state;
	assert_int_equal(wb_baseline_cpu_key(wb, key, sizeof(key)), -ENOSPC);
	json_decref(wb);
}

static void expect_name(const char *cmdline, int quick, const char *want)
{
	char text[512], name[WB_BASELINE_NAME_MAX + 1];
	json_t *wb;

	snprintf(text, sizeof(text), "{\"command_line\": \"%s\"%s}", cmdline,
		 quick ? ", \"quick\": true" : "");
	wb = wb_of(text);
	assert_int_equal(wb_baseline_default_name(wb, name, sizeof(name)), 0);
	assert_string_equal(name, want);
	json_decref(wb);
}

static void test_default_name(void **state)
{
	(void)state;
	expect_name("walkbench run tlb --quick --out results/x.json", 0,
		    "tlb-quick");
	expect_name("walkbench run tlb --quick --reps 8 --out new.json", 1,
		    "tlb-quick");
	/* values of options are not suite names */
	expect_name("walkbench run --cpu 1 tlb walk_depth --param pages=16 "
		    "--reps 8 --min-time 0.01 --seed 3",
		    0, "tlb+walk_depth");
	expect_name("walkbench run", 0, "all");
	expect_name("walkbench run --quick", 0, "all-quick");
	/* the quick field alone is enough */
	expect_name("walkbench run tlb_reach -p page_size=4K", 1,
		    "tlb_reach-quick");
}

static void test_default_name_invalid(void **state)
{
	json_t *wb = wb_of("{\"command_line\": \"walkbench run a/b\"}");
	char name[WB_BASELINE_NAME_MAX + 1];

	char text[256];

	(void)state;
	assert_int_equal(wb_baseline_default_name(wb, name, sizeof(name)),
			 -EINVAL);
	json_decref(wb);
	/* a name longer than the limit is refused, not cut */
	snprintf(text, sizeof(text),
		 "{\"command_line\": \"walkbench run %0100d --quick\"}", 0);
	wb = wb_of(text);
	assert_int_equal(wb_baseline_default_name(wb, name, sizeof(name)),
			 -EINVAL);
	json_decref(wb);
	/* selectors that fit alone but not together */
	snprintf(text, sizeof(text),
		 "{\"command_line\": \"walkbench run %040d %040d\"}", 1, 2);
	wb = wb_of(text);
	assert_int_equal(wb_baseline_default_name(wb, name, sizeof(name)),
			 -EINVAL);
	json_decref(wb);
}

static void test_name_valid(void **state)
{
	char long_name[WB_BASELINE_NAME_MAX + 2];

	(void)state;
	assert_true(wb_baseline_name_valid("tlb-quick"));
	assert_true(wb_baseline_name_valid("tlb+walk_depth.v2"));
	memset(long_name, 'a', sizeof(long_name));
	long_name[WB_BASELINE_NAME_MAX] = 0;
	assert_true(wb_baseline_name_valid(long_name));
	long_name[WB_BASELINE_NAME_MAX] = 'a';
	long_name[WB_BASELINE_NAME_MAX + 1] = 0;
	assert_false(wb_baseline_name_valid(long_name));
	assert_false(wb_baseline_name_valid(""));
	assert_false(wb_baseline_name_valid("a/b"));
	assert_false(wb_baseline_name_valid("a b"));
	assert_false(wb_baseline_name_valid(".."));
	assert_false(wb_baseline_name_valid("."));
}

/* A benchmark whose repetitions carry the given passes (-1: none) */
static void make_bench(struct wb_rbench *b, json_t **reps, const int *pass,
		       size_t n)
{
	static double real_time_ns[] = { 5, 6, 7, 8, 9, 10, 11, 12 };

	assert_true(n <= sizeof(real_time_ns) / sizeof(real_time_ns[0]));
	memset(b, 0, sizeof(*b));
	b->real_time_ns = real_time_ns;
	b->name = "k/pages:1";
	b->page_size_verified = true;
	for (size_t i = 0; i < n; i++) {
		reps[i] = json_object();
		if (pass[i] >= 0)
			json_object_set_new(reps[i], "pass",
					    json_integer(pass[i]));
	}
	b->reps = reps;
	b->nreps = n;
}

static void free_reps(json_t **reps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(reps[i]);
}

static void test_samples(void **state)
{
	static const int none[] = { -1, -1, -1 };
	static const int passes[] = { 0, 0, 1, 1, 2, 2 };
	struct wb_rbench b;
	json_t *reps[6];

	(void)state;
	make_bench(&b, reps, none, 3);
	assert_int_equal(wb_baseline_samples(&b), 3);
	free_reps(reps, 3);
	/* two repetitions in one process are one independent sample */
	make_bench(&b, reps, passes, 6);
	assert_int_equal(wb_baseline_samples(&b), 3);
	free_reps(reps, 6);
}

static void test_refuse(void **state)
{
	static const int none[] = { -1, -1, -1, -1 };
	struct wb_rbench b[2];
	json_t *reps[2][4];
	struct wb_rfile r = { .path = "x.json", .b = b, .nb = 2 };
	char why[256];

	(void)state;
	make_bench(&b[0], reps[0], none, 4);
	make_bench(&b[1], reps[1], none, 2);
	b[1].name = "k/pages:2";
	r.wb = wb_of("{\"complete\": true}");
	assert_int_equal(wb_baseline_refuse(&r, why, sizeof(why)), 0);
	assert_int_equal(wb_baseline_min_samples(&r), 2);

	b[1].page_size_verified = false;
	assert_int_equal(wb_baseline_refuse(&r, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "x.json: "));
	assert_non_null(strstr(why, "'k/pages:2'"));
	assert_non_null(strstr(why, "not verified"));

	r.nb = 0;
	assert_int_equal(wb_baseline_refuse(&r, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "no benchmarks"));
	assert_int_equal(wb_baseline_min_samples(&r), 0);

	r.nb = 1;
	json_object_set_new(r.wb, "complete", json_false());
	assert_int_equal(wb_baseline_refuse(&r, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "incomplete"));
	json_decref(r.wb);
	free_reps(reps[0], 4);
	free_reps(reps[1], 2);
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("{}\n", f);
	fclose(f);
}

static void test_find(void **state)
{
	char dir[] = "/tmp/wb-bl-XXXXXX", p[512], have[256], missing[512];
	enum wb_baseline_miss miss;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/intel-6-167-kvm", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/amd-26-68-metal", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/intel-6-167-kvm/tlb-quick.json", dir);
	touch(p);
	snprintf(p, sizeof(p), "%s/intel-6-167-kvm/all.json", dir);
	touch(p);
	/* not a baseline: neither listed nor found */
	snprintf(p, sizeof(p), "%s/intel-6-167-kvm/notes.txt", dir);
	touch(p);

	assert_int_equal(wb_baseline_find(dir, "intel-6-167-kvm", "tlb-quick",
					  p, sizeof(p), have, sizeof(have),
					  &miss),
			 0);
	assert_int_equal(miss, WB_BASELINE_FOUND);
	assert_non_null(strstr(p, "/intel-6-167-kvm/tlb-quick.json"));

	assert_int_equal(wb_baseline_find(dir, "intel-6-143-metal", "tlb-quick",
					  p, sizeof(p), have, sizeof(have),
					  &miss),
			 0);
	assert_int_equal(miss, WB_BASELINE_NO_KEY);
	assert_string_equal(have, "amd-26-68-metal, intel-6-167-kvm");

	assert_int_equal(wb_baseline_find(dir, "intel-6-167-kvm", "walk", p,
					  sizeof(p), have, sizeof(have), &miss),
			 0);
	assert_int_equal(miss, WB_BASELINE_NO_NAME);
	assert_string_equal(have, "all, tlb-quick");

	assert_int_equal(wb_baseline_find(dir, "amd-26-68-metal", "all", p,
					  sizeof(p), have, sizeof(have), &miss),
			 0);
	assert_int_equal(miss, WB_BASELINE_NO_NAME);
	assert_string_equal(have, "none");

	/* no baseline directory at all */
	snprintf(missing, sizeof(missing), "%s/nothing-here", dir);
	assert_int_equal(wb_baseline_find(missing, "intel-6-167-kvm", "all", p,
					  sizeof(p), have, sizeof(have), &miss),
			 0);
	assert_int_equal(miss, WB_BASELINE_NO_KEY);
	assert_string_equal(have, "none");

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_key),
		cmocka_unit_test(test_cpu_key_too_long),
		cmocka_unit_test(test_default_name),
		cmocka_unit_test(test_default_name_invalid),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
