// SPDX-License-Identifier: MIT
/*
 * The schema checker (harness/results/schema_check.c): every case runs
 * through the C checker and through Debian's python3-jsonschema
 * (Draft202012Validator), and both must give the verdict the case states.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "results/schema_check.h"

/* schema NULL: the results schema compiled in */
struct scase {
	const char *schema, *doc;
	int valid;
};

#define MINI                                                                   \
	"{\"context\": {\"walkbench\": {\"env\": {}, \"instances\": ["         \
	"{\"name\": \"k/a:1\", \"status\": \"%s\", \"params\": {\"a\": "       \
	"%s}}]}},"                                                             \
	"\"benchmarks\": [{\"name\": \"k/a:1\", \"run_type\": \"%s\", "        \
	"\"real_time\": %s, \"time_unit\": \"%s\"%s}]}"

static char minis[8][512];

static const struct scase cases[] = {
	{ "{\"type\": \"integer\"}", "3", 1 },
	{ "{\"type\": \"integer\"}", "3.0", 1 }, /* 2020-12: zero fraction */
	{ "{\"type\": \"integer\"}", "3.5", 0 },
	{ "{\"type\": \"integer\"}", "true", 0 },
	{ "{\"type\": \"number\"}", "3", 1 },
	{ "{\"type\": \"number\"}", "false", 0 },
	{ "{\"type\": \"number\"}", "\"3\"", 0 },
	{ "{\"type\": [\"number\", \"null\"]}", "null", 1 },
	{ "{\"type\": [\"number\", \"null\"]}", "\"x\"", 0 },
	{ "{\"type\": \"boolean\"}", "0", 0 },
	{ "{\"type\": \"object\"}", "[]", 0 },
	{ "{\"type\": \"array\"}", "[]", 1 },
	{ "{\"enum\": [\"ok\", \"failed\"]}", "\"ok\"", 1 },
	{ "{\"enum\": [\"ok\", \"failed\"]}", "\"okay\"", 0 },
	{ "{\"enum\": [\"ok\"]}", "1", 0 },
	{ "{\"minimum\": 0}", "-1", 0 },
	{ "{\"minimum\": 0}", "0", 1 },
	{ "{\"minimum\": 0}", "\"-1\"", 1 }, /* bounds apply to numbers */
	{ "{\"maximum\": 1}", "1.5", 0 },
	{ "{\"type\": [\"number\", \"null\"], \"maximum\": 1}", "null", 1 },
	{ "{\"required\": [\"a\"]}", "{\"b\": 1}", 0 },
	{ "{\"required\": [\"a\"]}", "{\"a\": null}", 1 },
	{ "{\"required\": [\"a\"]}", "[]", 1 }, /* required: objects only */
	{ "{\"properties\": {\"a\": {\"type\": \"string\"}}}", "{\"a\": 1}",
	  0 },
	{ "{\"properties\": {\"a\": {\"type\": \"string\"}}}", "{\"b\": 1}",
	  1 },
	{ "{\"additionalProperties\": false}", "{\"b\": 1}", 0 },
	{ "{\"properties\": {\"a\": true}, \"additionalProperties\": false}",
	  "{\"a\": 1}", 1 },
	{ "{\"additionalProperties\": {\"type\": \"number\"}}",
	  "{\"x\": 1, \"y\": \"z\"}", 0 },
	{ "{\"items\": {\"type\": \"string\"}}", "[\"a\", 2]", 0 },
	{ "{\"items\": {\"type\": \"string\"}}", "[]", 1 },
	{ "{\"items\": {\"type\": \"string\"}}", "{\"a\": 2}", 1 },
	{ "{\"$defs\": {\"p\": {\"type\": \"integer\", \"minimum\": 1}}, "
	  "\"items\": {\"$ref\": \"#/$defs/p\"}}",
	  "[1, 2, 0]", 0 },
	{ "{\"$defs\": {\"p\": {\"type\": \"integer\", \"minimum\": 1}}, "
	  "\"items\": {\"$ref\": \"#/$defs/p\"}}",
	  "[1, 2, 3]", 1 },
	{ "{\"$defs\": {\"p\": {\"enum\": [\"a\"]}}, "
	  "\"properties\": {\"a/b\": {\"$ref\": \"#/$defs/p\"}}}",
	  "{\"a/b\": \"b\"}", 0 },
	{ "false", "1", 0 },
	{ "true", "{}", 1 },
	/* the results schema: filled in by setup from MINI */
	{ NULL, minis[0], 1 },
	{ NULL, minis[1], 0 },
	{ NULL, minis[2], 0 },
	{ NULL, minis[3], 0 },
	{ NULL, minis[4], 0 },
	{ NULL, minis[5], 1 },
	{ NULL, minis[6], 0 },
	{ NULL, "{\"context\": {}, \"benchmarks\": []}", 0 },
	{ NULL, "{\"benchmarks\": []}", 0 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int setup(void **st)
{
	(void)st;
	snprintf(minis[0], sizeof(minis[0]), MINI, "ok", "1", "iteration",
		 "1.5", "ns", "");
	snprintf(minis[1], sizeof(minis[1]), MINI, "okay", "1", "iteration",
		 "1.5", "ns", "");
	snprintf(minis[2], sizeof(minis[2]), MINI, "ok", "[1]", "iteration",
		 "1.5", "ns", "");
	snprintf(minis[3], sizeof(minis[3]), MINI, "ok", "1", "repeat", "1.5",
		 "ns", "");
	snprintf(minis[4], sizeof(minis[4]), MINI, "ok", "1", "iteration", "-1",
		 "ns", "");
	snprintf(minis[5], sizeof(minis[5]), MINI, "ok", "\"4K\"", "aggregate",
		 "1.5", "us",
		 ", \"aggregate_name\": \"median\", \"my_counter\": 2");
	snprintf(minis[6], sizeof(minis[6]), MINI, "ok", "1", "aggregate",
		 "1.5", "us", ", \"aggregate_name\": \"p99\"");
	return 0;
}

static json_t *schema_of(const struct scase *c)
{
	return c->schema ? json_loads(c->schema, JSON_DECODE_ANY, NULL)
			 : wb_results_schema();
}

static void test_c_verdicts(void **st)
{
	(void)st;
	for (size_t i = 0; i < NCASES; i++) {
		json_t *s = schema_of(&cases[i]);
		json_t *d = json_loads(cases[i].doc, JSON_DECODE_ANY, NULL);
		char why[300];
		int ret;

		assert_non_null(s);
		assert_non_null(d);
		ret = wb_schema_check(s, d, why, sizeof(why));
		if (ret != (cases[i].valid ? 0 : -EINVAL))
			fail_msg("case %zu (%s on %s): C says %d (%s)", i,
				 cases[i].schema ? cases[i].schema : "results",
				 cases[i].doc, ret, why);
		json_decref(s);
		json_decref(d);
	}
}

static const char py[] =
	"import json, sys, jsonschema\n"
	"V = jsonschema.Draft202012Validator\n"
	"for c in json.load(open(sys.argv[1])):\n"
	"    V.check_schema(c['schema'])\n"
	"    print(1 if V(c['schema']).is_valid(c['doc']) else 0)\n";

/* the same cases through python3-jsonschema, when the machine has it */
static void test_python_agrees(void **st)
{
	char dir[] = "/tmp/wb-schema.XXXXXX", path[64], cmd[256], line[16];
	json_t *all = json_array();
	FILE *p;
	size_t i = 0;

	(void)st;
	if (system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null")) {
		print_message("# SKIP no python3-jsonschema\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	for (size_t k = 0; k < NCASES; k++)
		json_array_append_new(
			all, json_pack("{s:o,s:o}", "schema",
				       schema_of(&cases[k]), "doc",
				       json_loads(cases[k].doc, JSON_DECODE_ANY,
						  NULL)));
	snprintf(path, sizeof(path), "%s/cases.json", dir);
	assert_int_equal(json_dump_file(all, path, 0), 0);
	json_decref(all);
	snprintf(path, sizeof(path), "%s/check.py", dir);
	p = fopen(path, "w");
	assert_non_null(p);
	fputs(py, p);
	fclose(p);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/check.py %s/cases.json",
		 dir, dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p) && i < NCASES) {
		if (atoi(line) != cases[i].valid)
			fail_msg("case %zu (%s on %s): python3-jsonschema says "
				 "%s",
				 i,
				 cases[i].schema ? cases[i].schema : "results",
				 cases[i].doc, line);
		i++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(i, NCASES);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_first_error_path(void **st)
{
	json_t *s = wb_results_schema(), *d;
	char why[300];

	(void)st;
	d = json_loads(minis[1], 0, NULL);
	assert_int_equal(wb_schema_check(s, d, why, sizeof(why)), -EINVAL);
	assert_string_equal(why,
			    "/context/walkbench/instances/0/status: "
			    "\"okay\" is not one of ok, failed, bad-input, "
			    "missing, skipped, untrusted, crashed, timeout, "
			    "oom");
	json_decref(d);
	d = json_loads("{\"context\": {\"walkbench\": {\"env\": {}}}, "
		       "\"benchmarks\": []}",
		       0, NULL);
	assert_int_equal(wb_schema_check(s, d, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "/context/walkbench: required property "
				 "\"instances\" is missing");
	json_decref(d);
	assert_string_equal(wb_results_schema_id(s),
			    "urn:walkbench:results:schema:1");
	json_decref(s);
	/* RFC 6901 escapes in the path */
	s = json_loads("{\"additionalProperties\": {\"type\": \"string\"}}", 0,
		       NULL);
	d = json_loads("{\"a/b~c\": 1}", 0, NULL);
	assert_int_equal(wb_schema_check(s, d, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "/a~1b~0c: 1 is not of type string");
	json_decref(s);
	json_decref(d);
}

/* a keyword outside the subset is refused, never silently passed */
static void test_unknown_keyword(void **st)
{
	json_t *s = json_loads("{\"type\": \"string\", \"pattern\": \"^a\"}", 0,
			       NULL);
	json_t *d = json_string("b");
	char why[300];

	(void)st;
	assert_int_equal(wb_schema_check(s, d, why, sizeof(why)), -ENOTSUP);
	assert_non_null(strstr(why, "pattern"));
	json_decref(s);
	s = json_loads("{\"$ref\": \"other.json#/x\"}", 0, NULL);
	assert_int_equal(wb_schema_check(s, d, why, sizeof(why)), -ENOTSUP);
	json_decref(s);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c_verdicts),
		cmocka_unit_test(test_python_agrees),
		cmocka_unit_test(test_first_error_path),
		cmocka_unit_test(test_unknown_keyword),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
