// SPDX-License-Identifier: MIT
/*
 * Guest/native pairing shared by vm pair and plot: which files pair, and
 * the per-benchmark ratio and model references, on results built in
 * memory (same shape as a walkbench results file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "results/vm_pairing.h"

#define ENV                                                                    \
	"{\"vendor\":\"GenuineIntel\",\"family\":6,\"model\":167,"             \
	"\"model_name\":\"Test CPU\",\"la57_active\":false}"

/* A results root with one median aggregate (@run, @ns in @unit) and,
 * when @guest, a guest object over host @host_model. */
static json_t *results(const char *run, double ns, const char *unit, bool guest,
		       bool emulated, int host_model)
{
	char text[2048];
	json_error_t e;
	json_t *r;

	snprintf(text, sizeof(text),
		 "{\"context\":{\"walkbench\":{\"env\":" ENV
		 ",\"emulated\":%s%s}},\"benchmarks\":["
		 "{\"name\":\"%s\",\"run_name\":\"%s\",\"run_type\":"
		 "\"iteration\",\"real_time\":999,\"time_unit\":\"ns\"},"
		 "{\"name\":\"%s_median\",\"run_name\":\"%s\",\"run_type\":"
		 "\"aggregate\",\"aggregate_name\":\"median\",\"kernel\":"
		 "\"tlb_reach\",\"params\":{\"page_size\":\"4K\"},"
		 "\"real_time\":%g,\"time_unit\":\"%s\"}]}",
		 emulated ? "true" : "false",
		 guest ? ",\"guest\":{\"accel\":\"kvm\",\"host_backing\":"
			 "\"4K\",\"fallback_reason\":null,\"host_env\":" ENV "}"
		       : "",
		 run, run, run, run, ns, unit);
	r = json_loads(text, 0, &e);
	assert_non_null(r);
	if (guest && host_model)
		json_object_set_new(
			json_object_get(json_object_get(wb_pair_wb(r), "guest"),
					"host_env"),
			"model", json_integer(host_model));
	return r;
}

static void ratio_and_references(void **state)
{
	json_t *n = results("tlb_reach/page_size:4K", 2.0, "ns", false, false,
			    0);
	json_t *g = results("tlb_reach/page_size:4K", 0.003, "us", true, false,
			    0);
	struct wb_pair p;
	char why[256];

	(void)state;
	assert_false(wb_pair_is_guest(wb_pair_wb(n)));
	assert_true(wb_pair_is_guest(wb_pair_wb(g)));
	assert_null(
		wb_pair_refuse(wb_pair_wb(n), wb_pair_wb(g), why, sizeof(why)));
	assert_int_equal(wb_pair_compute(n, g, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.rows[0].run, "tlb_reach/page_size:4K");
	/* the median aggregate, not the iteration entry; us -> ns */
	assert_true(fabs(p.rows[0].native_ns - 2.0) < 1e-9);
	assert_true(fabs(p.rows[0].guest_ns - 3.0) < 1e-9);
	assert_true(fabs(p.rows[0].ratio - 1.5) < 1e-9);
	/* 4-level 4K over 4-level 4K: 4 references native, 24 nested */
	assert_int_equal(p.rows[0].ref1d, 4);
	assert_int_equal(p.rows[0].ref2d, 24);
	assert_int_equal(p.levels[0], 4);
	assert_string_equal(p.host_backing, "4K");
	wb_pair_free(&p);
	json_decref(n);
	json_decref(g);
}

/* The levels of each side: env.pt_levels, else the guest kernel's package
 * (guest.kernel_paging), else x86-64's by la57_active. */
static void levels_from_the_regime(void **state)
{
	json_t *n = results("r", 2.0, "ns", false, false, 0);
	json_t *g = results("r", 2.0, "ns", true, false, 0);
	json_t *gwb = wb_pair_wb(g), *guest = json_object_get(gwb, "guest");
	struct wb_pair p;

	(void)state;
	/* an arm64 guest kernel of 4K granule and 39 bits: 3 levels, by
	 * its package */
	json_object_set_new(guest, "kernel_paging",
			    json_pack("{s:i,s:i,s:i}", "granule", 4096,
				      "va_bits", 39, "levels", 3));
	assert_int_equal(wb_pair_compute(n, g, &p), 0);
	assert_int_equal(p.levels[0], 3);
	assert_int_equal(p.levels[1], 4);
	/* (3+1)(4+1)-1 nested references for the smallest pages */
	assert_int_equal(p.rows[0].ref1d, 3);
	assert_int_equal(p.rows[0].ref2d, 19);
	wb_pair_free(&p);
	/* what the guest recorded itself wins over its package: 64K
	 * granule, 52 bits (FEAT_LVA), 3 levels, but the benchmark's 4K
	 * pages are no page there, so no references */
	json_object_set_new(json_object_get(gwb, "env"), "arch",
			    json_string("aarch64"));
	json_object_set_new(json_object_get(gwb, "env"), "page_size",
			    json_integer(65536));
	json_object_set_new(json_object_get(gwb, "env"), "va_bits",
			    json_integer(52));
	assert_int_equal(wb_pair_compute(n, g, &p), 0);
	assert_int_equal(p.levels[0], 3);
	assert_int_equal(p.rows[0].ref2d, 0);
	wb_pair_free(&p);
	/* an x86-64 guest with 5-level paging in use */
	json_object_del(json_object_get(gwb, "env"), "arch");
	json_object_del(guest, "kernel_paging");
	json_object_set_new(json_object_get(gwb, "env"), "la57_active",
			    json_true());
	assert_int_equal(wb_pair_compute(n, g, &p), 0);
	assert_int_equal(p.levels[0], 5);
	assert_int_equal(p.rows[0].ref2d, 29);
	wb_pair_free(&p);
	json_decref(n);
	json_decref(g);
}

static void refusals(void **state)
{
	json_t *n = results("a", 1, "ns", false, false, 0);
	json_t *tcg = results("a", 1, "ns", true, true, 0);
	json_t *other = results("a", 1, "ns", true, false, 85);
	const char *no;
	char why[512];

	(void)state;
	assert_true(wb_pair_emulated(wb_pair_wb(tcg)));
	no = wb_pair_refuse(wb_pair_wb(n), wb_pair_wb(tcg), why, sizeof(why));
	assert_non_null(no);
	assert_non_null(strstr(no, "emulated"));
	no = wb_pair_refuse(wb_pair_wb(n), wb_pair_wb(other), why, sizeof(why));
	assert_non_null(no);
	assert_non_null(strstr(no, "different machines"));
	no = wb_pair_refuse(wb_pair_wb(n), wb_pair_wb(n), why, sizeof(why));
	assert_non_null(no);
	assert_non_null(strstr(no, "no context.walkbench.guest"));
	no = wb_pair_refuse(wb_pair_wb(other), wb_pair_wb(other), why,
			    sizeof(why));
	assert_non_null(no);
	assert_non_null(strstr(no, "comes from a guest"));
	json_decref(n);
	json_decref(tcg);
	json_decref(other);
}

static void nothing_in_common(void **state)
{
	json_t *n = results("a", 1, "ns", false, false, 0);
	json_t *g = results("b", 1, "ns", true, false, 0);
	struct wb_pair p;

	(void)state;
	assert_int_equal(wb_pair_compute(n, g, &p), 0);
	assert_int_equal(p.n, 0);
	wb_pair_free(&p);
	json_decref(n);
	json_decref(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ratio_and_references),
		cmocka_unit_test(levels_from_the_regime),
		cmocka_unit_test(refusals),
		cmocka_unit_test(nothing_in_common),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
