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

/* arm64's data caches behave as PIPT: no synonym is predicted, even for
 * an L1D whose way is larger than a page, and the model says why. */
static void arm64_pipt(void **st)
{
	struct wb_sysinfo sys = { .arch = "aarch64", .page_size = 4096 };
	struct wb_ctx ctx = { .sys = &sys };
	struct wb_prediction p = { 0 };
	const struct wb_pred_item *it;

	(void)st;
	/* 64 KiB 4-way, 64 B lines: S x B = 16 KiB > P on a VIPT cache */
	sys.l1d = (struct wb_cache_geom){ 65536, 4, 64 };
	ctx.param[0] = 13;
	assert_int_equal(wb_k_synonym.predict(&ctx, &p), 0);
	assert_non_null(strstr(p.model, "PIPT"));
	it = pred_of(&p, "vipt_no_synonyms");
	assert_non_null(it);
	assert_true(it->value == 1);
	/* the same geometry on x86 is a VIPT cache that can alias */
	snprintf(sys.arch, sizeof(sys.arch), "x86_64");
	memset(&p, 0, sizeof(p));
	assert_int_equal(wb_k_synonym.predict(&ctx, &p), 0);
	it = pred_of(&p, "vipt_no_synonyms");
	assert_non_null(it);
	assert_true(it->value == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synonym_baseline),
		cmocka_unit_test(synonym_bit12),
		cmocka_unit_test(synonym_bit30),
		cmocka_unit_test(arm64_pipt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
