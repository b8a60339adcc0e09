// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel_probe.h"

extern const struct wb_kernel wb_k_synonym;

static void expect_coherent(uint64_t alias)
{
	struct probe_check c;
	const double *v;

	probe_check(&wb_k_synonym, &alias, NULL, &c);
	print_message("%s", c.text);
	assert_int_equal(c.verdict, 0);
	v = fact_ptr(&c.r.facts, "coherent");
	assert_non_null(v);
	assert_true(*v == 1);
	/* both views map one frame, as pagemap reads it */
	v = fact_ptr(&c.r.facts, "alias_same_pfn");
	assert_non_null(v);
	assert_true(*v == 1);
	/* only two views can observe a synonym; one view records nothing */
	v = fact_ptr(&c.r.facts, "vipt_no_synonyms");
	if (alias == 1) {
		assert_null(v);
	} else {
		assert_non_null(v);
		assert_true(*v == 1);
		assert_string_equal(source_of(&c.r.facts, "vipt_no_synonyms"),
				    "experiment");
	}
	/* the L1D geometry is what the model was given, not a fact */
	assert_null(fact_ptr(&c.r.facts, "l1d_ways"));
	for (int i = 0; i < c.r.facts.ninput; i++)
		assert_true(!strcmp(c.r.facts.input[i].source, "sysfs") ||
			    !strcmp(c.r.facts.input[i].source, "cpuid"));
}

static void synonym_baseline(void **st)
{
	(void)st;
	expect_coherent(1);
}

static void synonym_bit12(void **st)
{
	(void)st;
	expect_coherent(12);
}

static void synonym_bit30(void **st)
{
	(void)st;
	expect_coherent(30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synonym_baseline),
		cmocka_unit_test(synonym_bit12),
		cmocka_unit_test(synonym_bit30),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
