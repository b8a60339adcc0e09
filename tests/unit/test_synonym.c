// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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
	v = fact_ptr(&c.r.facts, "alias_offset_bytes");
	assert_non_null(v);
	assert_true(*v == (alias == 1 ? 0 : (double)(1ull << alias)));
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
