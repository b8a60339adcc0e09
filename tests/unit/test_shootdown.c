// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sched.h>

#include "kernel_probe.h"

extern const struct wb_kernel wb_k_shootdown;

/* How many ops find the reader on its CPU depends on the machine's load:
 * judged here only as "some" versus "hardly any". */
static const char *const load_dependent[] = { "tlb_ipis_cpu_other_per_op",
					      NULL };

static int two_cpus(void)
{
	cpu_set_t set;

	return !sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) >= 2;
}

/* op (1 mprotect, 2 remap, 3 DONTNEED), pages, threads */
static void expect_flushes(uint64_t op, uint64_t pages, uint64_t threads)
{
	const uint64_t p[] = { op, pages, threads };
	struct probe_check c;
	const double *ipis, *ops;

	if (!two_cpus()) {
		print_message("# SKIP shootdown needs 2 CPUs, this process "
			      "may use fewer\n");
		skip();
	}
	probe_check(&wb_k_shootdown, p, load_dependent, &c);
	print_message("%s", c.text);
	if (c.verdict == PROBE_SKIP) {
		print_message("# SKIP %s", c.text);
		skip();
	}
	assert_int_equal(c.verdict, 0);
	ipis = fact_ptr(&c.r.facts, "tlb_ipis_cpu_other");
	ops = fact_ptr(&c.r.facts, "ops");
	assert_non_null(ipis);
	assert_non_null(ops);
	if (threads == 2)
		assert_true(*ipis > 0);
	else
		assert_true(*ipis < *ops / 2);
}

static void mprotect_reader(void **st)
{
	(void)st;
	expect_flushes(1, 1, 2);
}

static void mprotect_alone(void **st)
{
	(void)st;
	expect_flushes(1, 1, 1);
}

static void remap_reader(void **st)
{
	(void)st;
	expect_flushes(2, 16, 2);
}

static void dontneed_reader(void **st)
{
	(void)st;
	expect_flushes(3, 16, 2);
}

static void dontneed_alone(void **st)
{
	(void)st;
	expect_flushes(3, 16, 1);
}

/*
 * Under an arm64 identity the same operations run and are checked, and the
 * IPIs, which arm64's broadcast TLBI does not send, are not counted: no
 * fact, a reason in their place, and no IPI prediction.
 */
static void arm64_uncounted(void **st)
{
	const uint64_t p[] = { 1, 1, 2 };
	struct wb_sysinfo sys = { .arch = "aarch64", .page_size = 4096 };
	struct wb_probe_opts o;
	struct wb_probe_result r;
	bool named = false;

	(void)st;
	if (!two_cpus()) {
		print_message("# SKIP shootdown needs 2 CPUs, this process "
			      "may use fewer\n");
		skip();
	}
	probe_opts(&o, &sys, 0);
	o.batches = 2;
	o.timeout_s = 120;
	assert_int_equal(probe_instance(&o, &wb_k_shootdown, p, &r), 0);
	if (r.status != WB_OK)
		fail_msg("status %d: %s", r.status, r.why);
	assert_non_null(fact_ptr(&r.facts, "ops"));
	assert_non_null(fact_ptr(&r.facts, "check_ns_per_op"));
	assert_null(fact_ptr(&r.facts, "tlb_ipis_cpu_other"));
	assert_null(fact_ptr(&r.facts, "tlb_ipis_cpu_other_per_op"));
	for (int i = 0; i < r.facts.nuncounted; i++)
		if (!strcmp(r.facts.uncounted[i].name, "tlb_ipis_cpu_other"))
			named = strstr(r.facts.uncounted[i].why,
				       "broadcast TLBI") != NULL;
	assert_true(named);
	assert_int_equal(r.pred.n, 0);
	assert_non_null(strstr(r.pred.model, "TLBI"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mprotect_reader),
		cmocka_unit_test(mprotect_alone),
		cmocka_unit_test(remap_reader),
		cmocka_unit_test(dontneed_reader),
		cmocka_unit_test(dontneed_alone),
		cmocka_unit_test(arm64_uncounted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
