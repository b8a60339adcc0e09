// SPDX-License-Identifier: MIT
/*
 * The translation regime (harness/arch/paging.h) and the emulation flag
 * (core/env.h): table levels per granule and address size as the Arm ARM
 * gives them, the address sizes Linux offers, the regime of this machine,
 * and which facts make a CPU emulated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "arch/paging.h"
#include "core/env.h"

/*
 * Arm ARM (DDI 0487), D8.2 "Translation process": with a 4KB granule each
 * level resolves 9 bits (levels 0-3 for 48 bits, level -1 added for 52
 * with FEAT_LPA2); 16KB resolves 11 (levels 0-3 for 48 bits, the top one
 * holding 2 entries; 1-3 for 47; 2-3 for 36); 64KB resolves 13 (levels
 * 1-3 for 48 and 52 bits, 2-3 for 42). x86-64: 4 levels for 48 bits, 5
 * for 57 (Intel SDM vol. 3A, 4.5).
 */
static void levels_per_granule(void **state)
{
	static const struct {
		unsigned long granule;
		int va, levels;
	} rows[] = {
		{ 4096, 39, 3 },  { 4096, 48, 4 },  { 4096, 52, 5 },
		{ 4096, 57, 5 },  { 16384, 36, 2 }, { 16384, 47, 3 },
		{ 16384, 48, 4 }, { 16384, 52, 4 }, { 65536, 42, 2 },
		{ 65536, 48, 3 }, { 65536, 52, 3 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = wb_paging_levels(rows[i].granule, rows[i].va);

		if (got != rows[i].levels)
			fail_msg("%luK granule, %d-bit VA: %d levels, want %d",
				 rows[i].granule >> 10, rows[i].va, got,
				 rows[i].levels);
	}
}

/* The highest mapping's bit length rounds up to a size Linux offers. */
static void va_sizes(void **state)
{
	(void)state;
	assert_int_equal(wb_paging_va_size(4096, 48), 48);
	assert_int_equal(wb_paging_va_size(4096, 47), 48);
	assert_int_equal(wb_paging_va_size(4096, 39), 39);
	assert_int_equal(wb_paging_va_size(4096, 30), 39);
	assert_int_equal(wb_paging_va_size(16384, 47), 47);
	assert_int_equal(wb_paging_va_size(16384, 40), 47);
	assert_int_equal(wb_paging_va_size(16384, 36), 36);
	assert_int_equal(wb_paging_va_size(65536, 42), 42);
	assert_int_equal(wb_paging_va_size(65536, 45), 48);
}

/* This machine's regime: x86-64 follows la57_active; an arm64 build is
 * accepted only for the 4K granule with 48 bits. */
static void this_machine(void **state)
{
	struct wb_sysinfo s;
	struct wb_paging p;
	char why[256] = "", name[96];
	int err;

	(void)state;
	assert_int_equal(wb_env_probe(&s), 0);
	err = wb_paging_probe(&s, &p, why, sizeof(why));
	wb_paging_name(&p, name, sizeof(name));
#if defined(__x86_64__)
	assert_int_equal(err, 0);
	assert_int_equal(p.granule, 4096);
	assert_int_equal(p.levels, s.la57_active ? 5 : 4);
	assert_string_equal(name, s.la57_active
					  ? "x86-64 5-level radix tables"
					  : "x86-64 4-level radix tables");
	s.la57_active = !s.la57_active;
	assert_int_equal(wb_paging_probe(&s, &p, why, sizeof(why)), 0);
	assert_int_equal(p.levels, s.la57_active ? 5 : 4);
#else
	if (err) {
		assert_int_equal(err, -ENOTSUP);
		assert_non_null(strstr(why, "granule"));
	} else {
		assert_string_equal(
			name, "arm64 4K granule, 48-bit VA: 4-level tables");
	}
#endif
}

/* Emulated: qemu's CPUID vendor, or a source recorded by the probe. */
static void emulated_sources(void **state)
{
	struct wb_sysinfo s;
	json_t *j;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_false(wb_env_emulated(&s));
	strcpy(s.hypervisor, "KVMKVMKVM");
	assert_false(wb_env_emulated(&s));
	strcpy(s.hypervisor, "TCGTCGTCGTCG");
	assert_true(wb_env_emulated(&s));
	memset(&s, 0, sizeof(s));
	wb_env_probe_emulated(&s);
	/* this machine's own answer agrees with its probe */
	assert_int_equal(wb_env_emulated(&s), s.emulated_by[0] != 0);
	strcpy(s.emulated_by, "kernel command line wb.accel=tcg");
	assert_true(wb_env_emulated(&s));
	j = wb_env_to_json(&s);
	assert_non_null(j);
	assert_string_equal(
		json_string_value(json_object_get(j, "emulated_by")),
		"kernel command line wb.accel=tcg");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_per_granule),
		cmocka_unit_test(va_sizes),
		cmocka_unit_test(this_machine),
		cmocka_unit_test(emulated_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
