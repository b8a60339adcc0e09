// SPDX-License-Identifier: MIT
/* How busy the rest of the machine was: /proc/stat parsing and the
 * arithmetic between two marks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/busy.h"

static void test_parse_stat(void **st)
{
	double busy, steal;

	(void)st;
	/* user nice system idle iowait irq softirq steal guest guest_nice */
	assert_int_equal(wb_busy_parse_stat("cpu  100 2 30 5000 7 1 4 9 50 0\n"
					    "cpu0 1 2 3 4 5 6 7 8 9 10\n",
					    &busy, &steal),
			 0);
	/* guest time is inside user and is not counted twice */
	assert_true(busy == 100 + 2 + 30 + 1 + 4);
	assert_true(steal == 9);
	/* kernels before steal accounting: seven fields */
	assert_int_equal(
		wb_busy_parse_stat("cpu  1 2 3 4 5 6 7\n", &busy, &steal), 0);
	assert_true(busy == 1 + 2 + 3 + 6 + 7 && steal == 0);
	assert_int_equal(
		wb_busy_parse_stat("cpu0 1 2 3 4 5 6 7 8\n", &busy, &steal),
		-EINVAL);
	assert_int_equal(wb_busy_parse_stat("cpu  1 2\n", &busy, &steal),
			 -EINVAL);
	assert_int_equal(wb_busy_parse_stat("", &busy, &steal), -EINVAL);
}

static void test_between(void **st)
{
	struct wb_busy_mark a = {
		.wall_s = 10, .busy_s = 100, .steal_s = 5, .ours_s = 20
	};
	struct wb_busy_mark b = {
		.wall_s = 12, .busy_s = 103.5, .steal_s = 5.2, .ours_s = 21.9
	};
	double others, steal;

	(void)st;
	/* 3.5 s busy in 2 s, 1.9 s of it ours: others 1.6 s = 0.8 CPU */
	wb_busy_between(&a, &b, &others, &steal);
	assert_true(others > 0.7999 && others < 0.8001);
	assert_true(steal > 0.0999 && steal < 0.1001);
	/* ticks lag the precise rusage: never below zero */
	b.busy_s = 101;
	wb_busy_between(&a, &b, &others, &steal);
	assert_true(others == 0);
	b.wall_s = 10;
	wb_busy_between(&a, &b, &others, &steal);
	assert_true(others == 0 && steal == 0);
}

static void test_mark_reads_this_machine(void **st)
{
	struct wb_busy_mark a, b;
	double others, steal;

	(void)st;
	assert_int_equal(wb_busy_mark(&a), 0);
	/* some CPU of our own between the marks */
	for (volatile long i = 0; i < 20000000; i++)
		;
	assert_int_equal(wb_busy_mark(&b), 0);
	assert_true(b.wall_s > a.wall_s);
	assert_true(b.ours_s > a.ours_s);
	assert_true(b.busy_s >= a.busy_s);
	wb_busy_between(&a, &b, &others, &steal);
	assert_true(others >= 0 && steal >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_mark_reads_this_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
