// SPDX-License-Identifier: MIT
/*
 * CPU choice on synthetic hwloc topologies (no particular machine needed),
 * then real pinning on this machine's CPUs in forked children.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/env.h"
#include "core/topo.h"
#include "core/topo_hwloc.h"

#define SYNTH                                                                  \
	"pack:2 l3:1(size=8388608) core:2 l2:1(size=1048576) "                 \
	"l1d:1(size=49152) pu:2"

static int synth_setup(void **state)
{
	hwloc_topology_t t;

	if (hwloc_topology_init(&t) || hwloc_topology_set_synthetic(t, SYNTH) ||
	    hwloc_topology_load(t))
		return -1;
	*state = t;
	return 0;
}

static int synth_teardown(void **state)
{
	hwloc_topology_destroy(*state);
	return 0;
}

static hwloc_bitmap_t set_of(const char *list)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();

	assert_int_equal(hwloc_bitmap_list_sscanf(b, list), 0);
	return b;
}

static void test_synthetic_choice(void **state)
{
	hwloc_topology_t t = *state;
	hwloc_bitmap_t all = hwloc_bitmap_alloc();
	hwloc_bitmap_t b;

	/* pack:2 core:2 pu:2 -> PUs 0..7, cores {0,1} {2,3} {4,5} {6,7} */
	assert_int_equal(wb_topo_allowed(t, all), 0);
	assert_int_equal(hwloc_bitmap_weight(all), 8);
	assert_int_equal(wb_topo_default_cpu_in(t, all), 7);
	/* Another core, not the SMT sibling 6. */
	assert_int_equal(wb_topo_other_cpu_in(t, all, 7), 5);
	assert_int_equal(wb_topo_other_cpu_in(t, all, 0), 7);
	assert_int_equal(wb_topo_other_cpu_in(t, all, 99), -ENOENT);
	assert_int_equal(wb_topo_other_cpu_in(t, all, -1), -ENOENT);

	b = set_of("6-7"); /* one core: fall back to the sibling */
	assert_int_equal(wb_topo_default_cpu_in(t, b), 7);
	assert_int_equal(wb_topo_other_cpu_in(t, b, 7), 6);
	hwloc_bitmap_free(b);

	b = set_of("0,3");
	assert_int_equal(wb_topo_default_cpu_in(t, b), 3);
	assert_int_equal(wb_topo_other_cpu_in(t, b, 3), 0);
	hwloc_bitmap_free(b);

	b = set_of("7");
	assert_int_equal(wb_topo_other_cpu_in(t, b, 7), -ENOENT);
	hwloc_bitmap_free(b);

	b = hwloc_bitmap_alloc();
	assert_int_equal(wb_topo_default_cpu_in(t, b), -ENOENT);
	hwloc_bitmap_free(b);

	/* PUs that the topology does not have are never chosen. */
	b = set_of("2,40");
	assert_int_equal(wb_topo_default_cpu_in(t, b), 2);
	hwloc_bitmap_free(b);
	hwloc_bitmap_free(all);
}

static void test_synthetic_caches(void **state)
{
	hwloc_topology_t t = *state;
	struct wb_cache_geom g;

	assert_int_equal(wb_topo_cache_in(t, 5, 1, &g), 0);
	assert_int_equal(g.size_bytes, 49152);
	assert_int_equal(wb_topo_cache_in(t, 5, 2, &g), 0);
	assert_int_equal(g.size_bytes, 1048576);
	assert_int_equal(wb_topo_cache_in(t, 5, 0, &g), 0);
	assert_int_equal(g.size_bytes, 8388608);
	assert_int_equal(wb_topo_cache_in(t, 5, 4, &g), -ENOENT);
	assert_int_equal(wb_topo_cache_in(t, 8, 1, &g), -ENOENT);
}

static void test_invalid_cpu(void **state)
{
	char why[128];

	(void)state;
	assert_int_equal(wb_topo_cpu_valid(-1), -ENOENT);
	assert_int_equal(wb_topo_cpu_valid(100000), -ENOENT);
	assert_int_equal(wb_topo_pin(100000, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "100000"));
	assert_int_equal(wb_topo_other_cpu(100000), -ENOENT);
}

/* Child: pin, then check the kernel keeps running us there. */
static int pin_child(int cpu)
{
	char why[256];

	if (wb_topo_pin(cpu, why, sizeof(why))) {
		print_message("# pin CPU %d: %s\n", cpu, why);
		return 1;
	}
	if (why[0])
		print_message("# CPU %d: %s\n", cpu, why);
	for (int i = 0; i < 10000; i++) {
		if (sched_getcpu() != cpu)
			return 2;
		if (i % 1000 == 0)
			sched_yield();
	}
	return 0;
}

static void test_pin_each_cpu(void **state)
{
	cpu_set_t mask;
	int pinned = 0;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(mask), &mask), 0);
	assert_int_equal(wb_topo_cpu_valid(wb_topo_default_cpu()), 0);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		pid_t pid;
		int st;

		if (!CPU_ISSET(cpu, &mask) || wb_topo_cpu_valid(cpu))
			continue;
		pid = fork();
		assert_true(pid >= 0);
		if (!pid)
			_exit(pin_child(cpu));
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
		pinned++;
	}
	assert_true(pinned >= 1);
	print_message("# pinned and verified on %d CPU(s)\n", pinned);
}

/* taskset narrows what counts as allowed. */
static void test_affinity_respected(void **state)
{
	cpu_set_t mask;
	pid_t pid;
	int st, first = -1;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(mask), &mask), 0);
	if (CPU_COUNT(&mask) < 2) {
		print_message("# SKIP needs 2 allowed CPUs, have %d\n",
			      CPU_COUNT(&mask));
		skip();
	}
	for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
		if (CPU_ISSET(i, &mask))
			first = i;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(first, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			_exit(1);
		if (wb_topo_default_cpu() != first)
			_exit(2);
		if (wb_topo_other_cpu(first) != -ENOENT)
			_exit(3);
		/* Topology loads are slow: the CPUs that exist suffice. */
		for (int i = 0; i < CPU_COUNT(&mask) + 2; i++)
			if (i != first && !wb_topo_cpu_valid(i))
				_exit(4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_not_equal(wb_topo_other_cpu(first), -ENOENT);
}

static void test_real_l1d(void **state)
{
	struct wb_cache_geom g;
	int err;

	(void)state;
	err = wb_topo_l1d(wb_topo_default_cpu(), &g);
	if (err == -ENOENT) {
		print_message("# SKIP hwloc reports no L1d cache here\n");
		skip();
	}
	assert_int_equal(err, 0);
	assert_true(g.size_bytes >= 4096);
	assert_true(g.line_bytes == 0 || g.line_bytes >= 16);
	print_message("# L1d %llu bytes, %u ways, %u-byte lines\n",
		      (unsigned long long)g.size_bytes, g.ways, g.line_bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_synthetic_choice,
						synth_setup, synth_teardown),
		cmocka_unit_test_setup_teardown(test_synthetic_caches,
						synth_setup, synth_teardown),
		cmocka_unit_test(test_invalid_cpu),
		cmocka_unit_test(test_pin_each_cpu),
		cmocka_unit_test(test_affinity_respected),
		cmocka_unit_test(test_real_l1d),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
