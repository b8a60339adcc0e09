// SPDX-License-Identifier: MIT
/* Plans: sweeps, overrides, and the tlb_reach grid the issue asks for. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mem/mem.h"
#include "core/parse.h"
#include "runner/plan.h"

static void test_sweep_has_powers_of_two(void **st)
{
	uint64_t v[256];
	size_t n = wb_sweep(8, 512 << 10, 4, v, 256);

	(void)st;
	/* 16 octaves at 4 points each, plus the end point */
	assert_int_equal(n, 65);
	assert_int_equal(v[0], 8);
	assert_int_equal(v[n - 1], 512 << 10);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i] > v[i - 1]);
	for (uint64_t p = 8; p <= (512 << 10); p <<= 1) {
		int found = 0;

		for (size_t i = 0; i < n; i++)
			found |= v[i] == p;
		assert_true(found);
	}
	assert_int_equal(wb_sweep(8, 4, 2, v, 256), 0);
}

static void test_tlb_reach_plan(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	struct wb_plan plan = { 0 };
	char err[128];
	uint64_t max4k = 0, max2m = 0;
	size_t n4k = 0;

	(void)st;
	assert_non_null(k);
	assert_int_equal(
		wb_plan_add_kernel(&plan, k, false, NULL, 0, err, sizeof(err)),
		0);
	for (size_t i = 0; i < plan.n; i++) {
		uint64_t psz = plan.inst[i].param[0], n = plan.inst[i].param[1];

		if (psz == WB_4K) {
			n4k++;
			max4k = n > max4k ? n : max4k;
		} else {
			max2m = n > max2m ? n : max2m;
		}
	}
	assert_int_equal(n4k, 65);
	assert_int_equal(max4k, 512 << 10);
	/* 2M pages stop at 8 GiB */
	assert_int_equal(max2m, 4096);
	assert_non_null(strstr(plan.inst[0].name, "page_size:4K"));
	wb_plan_free(&plan);
}

static void test_override_fixes_a_param(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	struct wb_override ov = { .kernel = NULL,
				  .name = "pages",
				  .value = 16 };
	struct wb_plan plan = { 0 };
	char err[128];

	(void)st;
	assert_int_equal(
		wb_plan_add_kernel(&plan, k, true, &ov, 1, err, sizeof(err)),
		0);
	assert_int_equal(plan.n, 2); /* 4K and 2M */
	assert_string_equal(plan.inst[0].name,
			    "tlb_reach/page_size:4K/pages:16");
	wb_plan_free(&plan);
}

static void test_param_parse(void **st)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	uint64_t v;

	(void)st;
	assert_int_equal(wb_param_parse(&k->params[0], "2M", &v), 0);
	assert_int_equal(v, WB_2M);
	assert_true(wb_param_parse(&k->params[0], "1G", &v) < 0);
	assert_true(wb_param_parse(&k->params[0], "3K", &v) < 0);
	assert_int_equal(wb_param_parse(&k->params[1], "1K", &v), 0);
	assert_int_equal(v, 1024);
	assert_true(wb_param_parse(&k->params[1], "0", &v) < 0);
	assert_true(wb_param_parse(&k->params[1], "12abc", &v) < 0);
	assert_true(wb_parse_size("1.5G", &v) == 0 && v == 3ull << 29);
	assert_true(wb_parse_size("-1", &v) < 0);
	assert_true(wb_parse_size("99999999999999999999", &v) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_has_powers_of_two),
		cmocka_unit_test(test_tlb_reach_plan),
		cmocka_unit_test(test_override_fixes_a_param),
		cmocka_unit_test(test_param_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
