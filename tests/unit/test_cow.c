// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kernel_probe.h"

extern const struct wb_kernel wb_k_demand_zero;
extern const struct wb_kernel wb_k_cow_storm;

static const char *const timing[] = { "kernel_vs_ref_ns_ratio", NULL };

static void expect_match(const struct wb_kernel *k, const uint64_t *param)
{
	struct probe_check c;

	probe_check(k, param, timing, &c);
	print_message("%s", c.text);
	if (c.verdict == PROBE_SKIP) {
		print_message("# SKIP %s", c.text);
		skip();
	}
	assert_int_equal(c.verdict, 0);
}

static void demand_zero_4k(void **st)
{
	const uint64_t p[] = { 4, 4096, 2 };

	(void)st;
	expect_match(&wb_k_demand_zero, p);
}

static void demand_zero_4k_read_phase(void **st)
{
	const uint64_t p[] = { 2, 4096, 1 };

	(void)st;
	expect_match(&wb_k_demand_zero, p);
}

static void demand_zero_thp(void **st)
{
	const uint64_t p[] = { 8, 2 << 20, 3 };

	(void)st;
	expect_match(&wb_k_demand_zero, p);
}

/* mib, page size, writer (1 child, 2 parent, 3 both), percent */
static void cow_child_all_4k(void **st)
{
	const uint64_t p[] = { 4, 4096, 1, 100 };

	(void)st;
	expect_match(&wb_k_cow_storm, p);
}

static void cow_parent_subset_4k(void **st)
{
	const uint64_t p[] = { 4, 4096, 2, 10 };

	(void)st;
	expect_match(&wb_k_cow_storm, p);
}

static void cow_both_4k(void **st)
{
	const uint64_t p[] = { 4, 4096, 3, 100 };

	(void)st;
	expect_match(&wb_k_cow_storm, p);
}

static void cow_child_thp(void **st)
{
	const uint64_t p[] = { 8, 2 << 20, 1, 100 };

	(void)st;
	expect_match(&wb_k_cow_storm, p);
}

static void cow_both_subset_thp(void **st)
{
	const uint64_t p[] = { 8, 2 << 20, 3, 10 };

	(void)st;
	expect_match(&wb_k_cow_storm, p);
}

/* The parent writes after the child has copied every page out: it takes
 * each THP back whole, one fault per THP instead of 512. */
static void cow_both_all_thp(void **st)
{
	const uint64_t p[] = { 8, 2 << 20, 3, 100 };

	(void)st;
	expect_match(&wb_k_cow_storm, p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demand_zero_4k),
		cmocka_unit_test(demand_zero_4k_read_phase),
		cmocka_unit_test(demand_zero_thp),
		cmocka_unit_test(cow_child_all_4k),
		cmocka_unit_test(cow_parent_subset_4k),
		cmocka_unit_test(cow_both_4k),
		cmocka_unit_test(cow_child_thp),
		cmocka_unit_test(cow_both_subset_thp),
		cmocka_unit_test(cow_both_all_thp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
