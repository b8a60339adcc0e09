// SPDX-License-Identifier: MIT
/*
 * Named values of enumerated parameters: every choice has a name that
 * parses back to it, numbers still parse, and a results file written
 * with numbers pairs up with one written with names.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "results/canon.h"
#include "results/resultsread.h"
#include "runner/plan.h"

/* Each choice of each named parameter: a name, unique, parsed back from
 * itself in any case and from its number, and what format prints. */
static void test_every_choice_named(void **st)
{
	int named = 0;

	(void)st;
	for (int i = 0; wb_kernels[i]; i++) {
		const struct wb_kernel *k = wb_kernels[i];

		for (int j = 0; k->params && k->params[j].name; j++) {
			const struct wb_param *p = &k->params[j];

			if (!p->names)
				continue;
			named++;
			assert_non_null(p->choices);
			for (const uint64_t *c = p->choices; *c; c++) {
				const char *n = wb_param_value_name(p, *c);
				char up[64], num[24], buf[64];
				uint64_t v = 0;

				if (!n)
					fail_msg(
						"%s %s: value %llu has no name",
						k->name, p->name,
						(unsigned long long)*c);
				assert_null(strpbrk(n, "/: "));
				for (const uint64_t *d = p->choices; *d; d++)
					if (d != c &&
					    !strcasecmp(n, wb_param_value_name(
								   p, *d)))
						fail_msg("%s %s: %s twice",
							 k->name, p->name, n);
				assert_int_equal(wb_param_parse(p, n, &v), 0);
				assert_int_equal(v, *c);
				snprintf(up, sizeof(up), "%s", n);
				for (char *s = up; *s; s++)
					*s = (char)toupper((unsigned char)*s);
				v = 0;
				assert_int_equal(wb_param_parse(p, up, &v), 0);
				assert_int_equal(v, *c);
				snprintf(num, sizeof(num), "%llu",
					 (unsigned long long)*c);
				v = 0;
				assert_int_equal(wb_param_parse(p, num, &v), 0);
				assert_int_equal(v, *c);
				assert_string_equal(
					wb_param_format(p, *c, buf,
							sizeof(buf)),
					n);
			}
		}
	}
	/* huge_access x2, huge_fault, demand_zero, cow_storm, shared_map
	 * x2, shootdown */
	assert_int_equal(named, 8);
}

static void test_unknown_name_refused(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("huge_access");
	const struct wb_param *p = &k->params[wb_param_index(k, "backing")];
	char buf[256];
	uint64_t v;

	(void)st;
	assert_int_not_equal(wb_param_parse(p, "hugetlb-4m", &v), 0);
	assert_int_not_equal(wb_param_parse(p, "13", &v), 0);
	wb_param_names(p, buf, sizeof(buf));
	assert_string_equal(buf, "base|thp|thp-always|hugetlb-2m|hugetlb-1g|"
				 "mthp-16k|mthp-32k|mthp-64k|mthp-128k|"
				 "mthp-256k|mthp-512k|mthp-1m");
}

static void test_name_canonical(void **st)
{
	char buf[160];

	(void)st;
	assert_int_equal(wb_name_canonical("huge_access/pattern:1/backing:4/"
					   "ws:64M",
					   buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "huge_access/pattern:chase/backing:hugetlb-2m/"
				 "ws:64M");
	/* a new name stays as it is */
	assert_int_equal(wb_name_canonical(buf, buf + 80, 80), 0);
	assert_string_equal(buf + 80, buf);
	/* sizes, unnamed parameters and unknown kernels are not touched */
	wb_name_canonical("cow_storm/mib:32/page_size:2M/writer:3/percent:10",
			  buf, sizeof(buf));
	assert_string_equal(buf, "cow_storm/mib:32/page_size:2M/writer:both/"
				 "percent:10");
	wb_name_canonical("nosuch/backing:4", buf, sizeof(buf));
	assert_string_equal(buf, "nosuch/backing:4");
	wb_name_canonical("huge_access/backing:99", buf, sizeof(buf));
	assert_string_equal(buf, "huge_access/backing:99");
}

#define FILE_OF(name, pattern, backing)                                        \
	"{\"context\": {\"walkbench\": {\"env\": {}, \"instances\": "          \
	"[{\"name\": \"" name "\", \"kernel\": \"huge_access\", \"status\": "  \
	"\"ok\", \"params\": {\"pattern\": " pattern ", \"backing\": " backing \
	", \"ws\": \"64M\"}}]}}, \"benchmarks\": [{\"name\": \"" name "\", "   \
	"\"run_name\": \"" name "\", \"run_type\": \"iteration\", "            \
	"\"real_time\": 5, \"time_unit\": \"ns\", \"kernel\": "                \
	"\"huge_access\", \"params\": {\"pattern\": " pattern ", "             \
	"\"backing\": " backing ", \"ws\": \"64M\"}}, {\"name\": \"" name      \
	"_median\", \"run_name\": \"" name "\", \"run_type\": \"aggregate\", " \
	"\"aggregate_name\": \"median\"}]}"

static void write_to(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The same instance in a file of the numbered days and of the named. */
static void test_old_file_pairs_with_new(void **st)
{
	char po[64], pn[64], why[256];
	struct wb_rfile o, n;
	const struct wb_rbench *bo, *bn;
	json_t *agg;

	(void)st;
	snprintf(po, sizeof(po), "/tmp/wb-pn-old-%d.json", (int)getpid());
	snprintf(pn, sizeof(pn), "/tmp/wb-pn-new-%d.json", (int)getpid());
	write_to(po,
		 FILE_OF("huge_access/pattern:1/backing:4/ws:64M", "1", "4"));
	write_to(pn, FILE_OF("huge_access/pattern:chase/backing:hugetlb-2m/"
			     "ws:64M",
			     "\"chase\"", "\"hugetlb-2m\""));
	/* read as written, the two do not pair: the test can fail */
	assert_int_equal(wb_rfile_load(po, &o, why, sizeof(why)), 0);
	assert_null(wb_rfile_find(&o, "huge_access/pattern:chase/"
				      "backing:hugetlb-2m/ws:64M"));
	wb_rfile_free(&o);

	assert_int_equal(wb_rfile_load_named(po, &o, why, sizeof(why)), 0);
	assert_int_equal(wb_rfile_load_named(pn, &n, why, sizeof(why)), 0);
	assert_int_equal(o.nb, 1);
	bn = wb_rfile_find(&n, o.b[0].name);
	assert_non_null(bn);
	bo = &o.b[0];
	assert_true(json_equal(bo->params, bn->params));
	assert_non_null(bo->instance);
	assert_true(json_equal(json_object_get(bo->instance, "params"),
			       json_object_get(bn->instance, "params")));
	/* the aggregate keeps its suffix */
	agg = json_array_get(json_object_get(o.root, "benchmarks"), 1);
	assert_string_equal(wb_jstr(agg, "name"),
			    "huge_access/pattern:chase/backing:hugetlb-2m/"
			    "ws:64M_median");
	wb_rfile_free(&o);
	wb_rfile_free(&n);
	unlink(po);
	unlink(pn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_choice_named),
		cmocka_unit_test(test_unknown_name_refused),
		cmocka_unit_test(test_name_canonical),
		cmocka_unit_test(test_old_file_pairs_with_new),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
