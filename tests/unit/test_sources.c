// SPDX-License-Identifier: MIT
/*
 * Fact provenance: a kernel cannot record a fact without naming where it
 * was read (wb_fact), and validate refuses a results file whose facts or
 * inputs do not say (wb_validate_sources), naming the instance and fact.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "check/validate.h"
#include "runner/kernel.h"

static void vocabulary(void **s)
{
	static const char *const good[] = {
		"pagemap",
		"kpageflags",
		"smaps",
		"status",
		"vmstat",
		"meminfo",
		"interrupts",
		"timing",
		"cpuid",
		"sysfs",
		"experiment",
		"perf:minor-faults",
		"perf:tlb:tlb_flush",
		"pagemap+kpageflags",
		"pagemap+kpageflags+smaps",
		"status+perf:minor-faults",
		NULL,
	};
	static const char *const bad[] = {
		"",
		"model",
		"params",
		"mincore",
		"Pagemap",
		"pagemap+",
		"+pagemap",
		"pagemap++smaps",
		"pagemap kpageflags",
		"smaps+model",
		"perf:",
		"perf:Cycles",
		"perf: x",
		NULL,
	};

	(void)s;
	for (int i = 0; good[i]; i++)
		if (!wb_source_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (int i = 0; bad[i]; i++)
		if (wb_source_valid(bad[i]))
			fail_msg("'%s' taken", bad[i]);
	assert_false(wb_source_valid(NULL));
}

static void fact_needs_a_source(void **s)
{
	struct wb_facts f = { 0 };

	(void)s;
	assert_int_equal(wb_fact(&f, "pages", 16, NULL), -EINVAL);
	assert_int_equal(wb_fact(&f, "pages", 16, ""), -EINVAL);
	assert_int_equal(wb_fact(&f, "pages", 16, "params"), -EINVAL);
	assert_int_equal(f.n, 0);
	assert_int_equal(wb_fact(&f, "pages", 16, "pagemap"), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.kv[0].source, "pagemap");
	/* a new value of the fact takes its new source with it */
	assert_int_equal(wb_fact(&f, "pages", 17, "smaps"), 0);
	assert_int_equal(f.n, 1);
	assert_true(f.kv[0].value == 17);
	assert_string_equal(f.kv[0].source, "smaps");
	/* and a refused one leaves the old pair alone */
	assert_int_equal(wb_fact(&f, "pages", 18, "model"), -EINVAL);
	assert_true(f.kv[0].value == 17);
	assert_int_equal(wb_input(&f, "l1d_ways", 12, "model"), -EINVAL);
	assert_int_equal(wb_input(&f, "l1d_ways", 12, "cpuid"), 0);
	assert_int_equal(f.ninput, 1);
	assert_int_equal(f.n, 1);
}

/* A results file of one instance with @facts and @sources (JSON text,
 * NULL to leave the key out), and @inst_extra merged into the instance. */
static json_t *file_with(const char *facts, const char *sources,
			 const char *inst_extra)
{
	json_t *inst = json_pack("{s:s,s:s,s:s}", "name", "k/p:1", "kernel",
				 "k", "status", "ok");
	json_t *root;

	if (facts)
		json_object_set_new(inst, "facts", json_loads(facts, 0, NULL));
	if (sources)
		json_object_set_new(inst, "fact_sources",
				    json_loads(sources, 0, NULL));
	if (inst_extra) {
		json_t *extra = json_loads(inst_extra, 0, NULL);

		json_object_update(inst, extra);
		json_decref(extra);
	}
	root = json_pack("{s:{s:{s:[o]}},s:[]}", "context", "walkbench",
			 "instances", inst, "benchmarks");
	assert_non_null(root);
	return root;
}

static void expect(json_t *root, int want, const char *why_has)
{
	char why[200] = "";

	assert_int_equal(wb_validate_sources(root, why, sizeof(why)), want);
	if (why_has && !strstr(why, why_has))
		fail_msg("why '%s' does not say '%s'", why, why_has);
	assert_null(strchr(why, '\n'));
	json_decref(root);
}

static void validate_refuses_unsourced(void **s)
{
	(void)s;
	expect(file_with("{\"a\": 1, \"b\": 2}",
			 "{\"a\": \"pagemap\", \"b\": \"perf:minor-faults\"}",
			 NULL),
	       0, NULL);
	/* nothing to source */
	expect(file_with(NULL, NULL, NULL), 0, NULL);
	expect(file_with("{}", NULL, NULL), 0, NULL);
	expect(file_with("{\"a\": 1, \"b\": 2}", "{\"a\": \"pagemap\"}", NULL),
	       -EINVAL, "instance k/p:1: fact b has no source");
	expect(file_with("{\"a\": 1}", "{\"a\": 3}", NULL), -EINVAL,
	       "fact a has no source");
	expect(file_with("{\"a\": 1}", "{\"a\": \"model\"}", NULL), -EINVAL,
	       "fact a: source 'model'");
	expect(file_with("{\"a\": 1}", NULL, NULL), -EINVAL, "no fact_sources");
	expect(file_with("{\"a\": 1}", "{\"a\": \"pagemap\"}",
			 "{\"inputs\": {\"l1d_ways\": 12}}"),
	       -EINVAL, "instance k/p:1: input l1d_ways has no source");
	expect(file_with("{\"a\": 1}", "{\"a\": \"pagemap\"}",
			 "{\"inputs\": {\"l1d_ways\": 12}, \"input_sources\": "
			 "{\"l1d_ways\": \"sysfs\"}}"),
	       0, NULL);
	expect(file_with("[1]", "{}", NULL), -EINVAL, "not an object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vocabulary),
		cmocka_unit_test(fact_needs_a_source),
		cmocka_unit_test(validate_refuses_unsourced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
