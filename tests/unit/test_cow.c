// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/prctl.h>

#include <cmocka.h>

#include "kernel_probe.h"
#include "mthp_probe.h"

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

/* Every prediction of @r held by the fact of the same name. */
static void expect_predictions(const struct wb_probe_result *r)
{
	for (int i = 0; i < r->pred.n; i++) {
		const struct wb_pred_item *it = &r->pred.item[i];
		const double *m = fact_ptr(&r->facts, it->quantity);

		assert_non_null(m);
		if (!probe_within(it, *m))
			print_message("# MISMATCH %s = %g, predicted %g\n",
				      it->quantity, *m, it->value);
		assert_true(probe_within(it, *m));
	}
	for (int i = 0; i < r->facts.n; i++)
		assert_true(wb_source_valid(r->facts.kv[i].source));
}

/*
 * COW over 64K folios (switched on through the journal): one fault per
 * page per writer as with 4K pages, and what one write does to a shared
 * folio read back in both processes. How the kernel treats the folio is
 * its own business (recorded, not asserted); that the parent, which
 * never wrote, still maps its whole folio, and that the child's 16 pages
 * are all accounted for, is not.
 */
static void cow_child_mthp(void **st)
{
	const uint64_t p[] = { 4, 64 << 10, 1, 100 };
	struct wb_probe_result r;
	double n4k, large, partial;

	(void)st;
	SKIP_EXACT_VMPTE_UNDER_ASAN();
	probe_mthp(&wb_k_cow_storm, p, 64 << 10, &r);
	assert_int_equal(r.status, WB_OK);
	assert_true(r.facts.page_size_verified);
	expect_predictions(&r);
	n4k = fact_of(&r.facts, "cow1_child_pages_4k_folios");
	large = fact_of(&r.facts, "cow1_child_pages_large_folios");
	partial = fact_of(&r.facts, "cow1_child_pages_partial");
	print_message("# one write to a shared 64K folio: child %g pages "
		      "in 4K folios, %g in whole large ones, %g in part of "
		      "one; %g of the other 15 still shared; whole folio "
		      "%g faults\n",
		      n4k, large, partial,
		      fact_of(&r.facts, "cow1_child_rest_shared"),
		      fact_of(&r.facts, "cow_folio_write_faults"));
	assert_true(n4k + large + partial == 16);
	assert_true(fact_of(&r.facts, "cow1_parent_pages_large_folios") == 16);
	assert_true(fact_of(&r.facts, "cow1_child_written_page_shared") == 0);
	assert_true(fact_of(&r.facts, "cow1_write_faults") >= 1);
}

/* THP off for the process: the folios fell back to 4K, and every
 * timed batch's region says so. */
static void cow_mthp_fallback_untrusted(void **st)
{
	const uint64_t p[] = { 4, 16 << 10, 1, 100 };
	struct wb_probe_result r;

	(void)st;
	mthp_skip_unless(16 << 10);
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), 0);
	probe_mthp(&wb_k_cow_storm, p, 16 << 10, &r);
	assert_int_equal(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
	assert_int_equal(r.status, WB_UNTRUSTED);
	assert_non_null(strstr(r.why, "16K folios"));
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
		cmocka_unit_test(cow_child_mthp),
		cmocka_unit_test(cow_mthp_fallback_untrusted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
