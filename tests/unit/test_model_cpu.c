// SPDX-License-Identifier: MIT
/* The CPU table: every row parses, lookups by CPUID identity, unknown CPUs
 * are -ENOENT, and the VIPT check on the table's L1D geometries. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/cpu.h"
#include "model/vipt.h"

static void every_row_parses(void **state)
{
	static const char *const need[] = { "Zen 3",	    "Zen 4",
					    "Zen 5",	    "Skylake",
					    "Sunny Cove",   "Golden Cove",
					    "Redwood Cove", "Cypress Cove" };
	struct wbm_cpu c;
	int n = 0;

	(void)state;
	while (wbm_cpu_at(n, &c) == 0) {
		assert_true(strlen(c.source) > 20);
		/* the constant name table knows every row */
		assert_string_equal(wbm_cpu_static_name(c.name), c.name);
		n++;
		/* an Arm row may leave what its TRM was not found to say
		 * unknown, and must then say so */
		if (!c.dtlb.n) {
			assert_string_equal(c.vendor, "ARM");
			assert_non_null(strstr(c.source, "unknown"));
			continue;
		}
		assert_true(c.dtlb.n >= 2);
		assert_true(c.l1d_bytes && c.l1d_ways && c.l1d_line);
		assert_int_equal(wbm_tlb_geom_check(&c.dtlb), 0);
	}
	assert_int_equal(n, 12);
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		assert_int_equal(wbm_cpu_by_name(need[i], &c), 0);
	assert_int_equal(wbm_cpu_by_name("golden-cove", &c), 0);
	assert_int_equal(wbm_cpu_by_name("zen5", &c), 0);
	assert_int_equal(wbm_cpu_by_name("Zen 6", &c), -ENOENT);
}

static void lookup_by_cpuid(void **state)
{
	static const struct {
		const char *vendor;
		unsigned int family, model;
		const char *row;
	} cases[] = {
		{ "GenuineIntel", 6, 0x55, "Skylake" },
		{ "GenuineIntel", 6, 0x9e, "Skylake" },
		{ "GenuineIntel", 6, 0x6a, "Sunny Cove" },
		{ "GenuineIntel", 6, 167, "Cypress Cove" },
		{ "GenuineIntel", 6, 0x8f, "Golden Cove" },
		{ "GenuineIntel", 6, 0x97, "Golden Cove" },
		{ "GenuineIntel", 6, 0xad, "Redwood Cove" },
		{ "AuthenticAMD", 0x19, 0x01, "Zen 3" },
		{ "AuthenticAMD", 0x19, 0x21, "Zen 3" },
		{ "AuthenticAMD", 0x19, 0x11, "Zen 4" },
		{ "AuthenticAMD", 0x19, 0x61, "Zen 4" },
		{ "AuthenticAMD", 0x1a, 0x02, "Zen 5" },
		{ "AuthenticAMD", 0x1a, 0x44, "Zen 5" },
	};
	struct wbm_cpu c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(wbm_cpu_lookup(cases[i].vendor,
						cases[i].family, cases[i].model,
						&c),
				 0);
		assert_string_equal(c.name, cases[i].row);
	}
}

static void unknown_is_not_guessed(void **state)
{
	struct wbm_cpu c;
	uint64_t l1, l2;
	const char *row = "x";

	(void)state;
	/* Raptor Lake (0xB7) is not in the table: no nearest neighbour */
	assert_int_equal(wbm_cpu_lookup("GenuineIntel", 6, 0xb7, &c), -ENOENT);
	assert_int_equal(wbm_cpu_lookup("AuthenticAMD", 0x17, 0x31, &c),
			 -ENOENT);
	assert_int_equal(wbm_cpu_lookup("AuthenticAMD", 6, 0xa7, &c), -ENOENT);
	assert_int_equal(wbm_cpu_lookup("HygonGenuine", 0x18, 0x01, &c),
			 -ENOENT);
	assert_int_equal(wbm_cpu_tlb_reach("GenuineIntel", 6, 0xb7, WBM_4K, &l1,
					   &l2, &row),
			 -ENOENT);
	assert_null(row);
	assert_int_equal(l1, 0);
}

static void tlb_reach(void **state)
{
	uint64_t l1, l2;
	const char *row;

	(void)state;
	assert_int_equal(wbm_cpu_tlb_reach("GenuineIntel", 6, 0x55, WBM_4K, &l1,
					   &l2, &row),
			 0);
	assert_string_equal(row, "Skylake");
	assert_int_equal(l1, 64);
	assert_int_equal(l2, 1536);
	assert_int_equal(wbm_cpu_tlb_reach("GenuineIntel", 6, 0x55, WBM_1G, &l1,
					   &l2, &row),
			 0);
	assert_int_equal(l1, 4);
	assert_int_equal(l2, 16);
	assert_int_equal(wbm_cpu_tlb_reach("AuthenticAMD", 0x1a, 0x44, WBM_1G,
					   &l1, &l2, &row),
			 0);
	assert_string_equal(row, "Zen 5");
	assert_int_equal(l1, 96);
	assert_int_equal(l2, 0); /* the L2 DTLB holds everything but 1G */
}

/* Every row states its coalescing, and its source says where that comes
 * from: a factor for AMD rows, "none published" for the Intel ones. */
static void coalescing_column(void **state)
{
	struct wbm_cpu c;

	(void)state;
	for (int i = 0; wbm_cpu_at(i, &c) == 0; i++) {
		bool amd = !strcmp(c.vendor, "AuthenticAMD");

		assert_int_equal(wbm_cpu_coalesce(&c, 1), amd ? 4 : 1);
		assert_int_equal(wbm_cpu_coalesce(&c, 2), amd ? 4 : 1);
		assert_non_null(strstr(c.source, "PTE coalescing"));
		if (!amd)
			assert_non_null(strstr(c.source, "none published"));
	}
	assert_int_equal(wbm_cpu_coalesce(&c, 0), 1);
	assert_int_equal(wbm_cpu_coalesce(&c, 7), 1);
}

/* entries(4K) x min(c, folio / 4K), and 4K's reach without coalescing */
static void folio_reach(void **state)
{
	uint64_t l1, l2;
	uint32_t f1, f2;
	const char *row;

	(void)state;
	/* Zen 5: 96 / 4096 4K entries, coalescing 4 */
	assert_int_equal(wbm_cpu_folio_reach("AuthenticAMD", 0x1a, 0x02,
					     16 << 10, true, &l1, &l2, &f1, &f2,
					     &row),
			 0);
	assert_string_equal(row, "Zen 5");
	assert_int_equal(l1, 384);
	assert_int_equal(l2, 16384);
	assert_int_equal(f1, 4);
	assert_int_equal(f2, 4);
	/* 8K folios hold only two pages: the factor is capped by the folio */
	assert_int_equal(wbm_cpu_folio_reach("AuthenticAMD", 0x1a, 0x02,
					     8 << 10, true, &l1, &l2, &f1, &f2,
					     NULL),
			 0);
	assert_int_equal(l1, 192);
	assert_int_equal(f2, 2);
	/* a 1M folio is no better than 16K for a factor of 4 */
	assert_int_equal(wbm_cpu_folio_reach("AuthenticAMD", 0x1a, 0x02,
					     1 << 20, true, &l1, &l2, NULL,
					     NULL, NULL),
			 0);
	assert_int_equal(l2, 16384);
	/* without coalescing: the 4K reach */
	assert_int_equal(wbm_cpu_folio_reach("AuthenticAMD", 0x1a, 0x02,
					     64 << 10, false, &l1, &l2, &f1,
					     &f2, NULL),
			 0);
	assert_int_equal(l1, 96);
	assert_int_equal(l2, 4096);
	assert_int_equal(f1, 1);
	/* Golden Cove publishes none: 96 and 2048 at any folio size */
	assert_int_equal(wbm_cpu_folio_reach("GenuineIntel", 6, 0x8f, 64 << 10,
					     true, &l1, &l2, &f1, &f2, NULL),
			 0);
	assert_int_equal(l1, 96);
	assert_int_equal(l2, 2048);
	/* 4K, 2M, odd sizes are not folio sizes; unknown CPUs are unknown */
	assert_int_equal(wbm_cpu_folio_reach("AuthenticAMD", 0x1a, 0x02, WBM_4K,
					     true, &l1, &l2, NULL, NULL, NULL),
			 -EINVAL);
	assert_int_equal(wbm_cpu_folio_reach("AuthenticAMD", 0x1a, 0x02, WBM_2M,
					     true, &l1, &l2, NULL, NULL, NULL),
			 -EINVAL);
	assert_int_equal(wbm_cpu_folio_reach("AuthenticAMD", 0x1a, 0x02,
					     48 << 10, true, &l1, &l2, NULL,
					     NULL, NULL),
			 -EINVAL);
	assert_int_equal(wbm_cpu_folio_reach("GenuineIntel", 6, 0xb7, 16 << 10,
					     true, &l1, &l2, NULL, NULL, &row),
			 -ENOENT);
	assert_null(row);
}

static void vipt(void **state)
{
	struct wbm_cpu c;
	struct wbm_vipt v;

	(void)state;
	/* Zen 5 L1D: 48K, 12-way, 64 B: 64 sets x 64 B = 4096 <= 4096 */
	assert_int_equal(wbm_cpu_by_name("Zen 5", &c), 0);
	assert_int_equal(
		wbm_vipt_check(c.l1d_bytes, c.l1d_ways, c.l1d_line, 4096, &v),
		0);
	assert_int_equal(v.sets, 64);
	assert_int_equal(v.span, 4096);
	assert_true(v.ok);
	/* Golden Cove: the same 48K 12-way geometry */
	assert_int_equal(wbm_cpu_by_name("Golden Cove", &c), 0);
	assert_int_equal(
		wbm_vipt_check(c.l1d_bytes, c.l1d_ways, c.l1d_line, 4096, &v),
		0);
	assert_true(v.ok);
	/* 64K 4-way 64 B: 256 sets x 64 B = 16K > 4K: 4 colours */
	assert_int_equal(wbm_vipt_check(64 << 10, 4, 64, 4096, &v), 0);
	assert_false(v.ok);
	assert_int_equal(v.span, 16384);
	assert_int_equal(v.colours, 4);
	/* with 16K pages the same cache is fine */
	assert_int_equal(wbm_vipt_check(64 << 10, 4, 64, 16384, &v), 0);
	assert_true(v.ok);
	assert_int_equal(wbm_vipt_check(48 << 10, 5, 64, 4096, &v), -EINVAL);
	assert_int_equal(wbm_vipt_check(48 << 10, 12, 48, 4096, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_row_parses),
		cmocka_unit_test(lookup_by_cpuid),
		cmocka_unit_test(unknown_is_not_guessed),
		cmocka_unit_test(tlb_reach),
		cmocka_unit_test(coalescing_column),
		cmocka_unit_test(folio_reach),
		cmocka_unit_test(vipt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
