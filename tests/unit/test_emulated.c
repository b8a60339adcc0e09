// SPDX-License-Identifier: MIT
/*
 * Which facts make a CPU emulated (core/env.h, env_emulated.c), and that
 * the results name them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/env.h"

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

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* From files as sysfs and /proc give them: qemu's max CPU's MIDR and the
 * host's wb.accel=tcg each count, with their source; a real core's MIDR,
 * a KVM guest's command line or a look-alike word do not. */
static void emulated_from_files(void **state)
{
	static const struct {
		const char *midr, *cmdline;
		bool emulated;
		const char *has;
	} rows[] = {
		{ "0x000000000f0510\n", "console=ttyAMA0\n", true,
		  "MIDR_EL1 0x000f0510" },
		{ "0x00000000410fd0c1\n", "console=ttyAMA0\n", false, NULL },
		{ "0x00000000410fd0c1\n", "panic=-1 wb.accel=tcg wb.args=Y\n",
		  true, "wb.accel=tcg" },
		{ "0x00000000410fd0c1\n", "wb.accel=kvm\n", false, NULL },
		{ "0x00000000410fd0c1\n", "xwb.accel=tcg wb.accel=tcgx\n",
		  false, NULL },
		/* implementer 0 with another part is not qemu's max */
		{ "0x000000000f0520\n", "\n", false, NULL },
	};
	char dir[] = "/tmp/wb-emul.XXXXXX", midr[64], cmd[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(midr, sizeof(midr), "%s/midr", dir);
	snprintf(cmd, sizeof(cmd), "%s/cmdline", dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct wb_sysinfo s;

		memset(&s, 0, sizeof(s));
		put(midr, rows[i].midr);
		put(cmd, rows[i].cmdline);
		wb_env_emulated_from(&s, midr, cmd);
		if (wb_env_emulated(&s) != rows[i].emulated)
			fail_msg("row %zu: emulated %d, want %d (%s)", i,
				 wb_env_emulated(&s), rows[i].emulated,
				 s.emulated_by);
		if (rows[i].has && !strstr(s.emulated_by, rows[i].has))
			fail_msg("row %zu: '%s' does not name %s", i,
				 s.emulated_by, rows[i].has);
	}
	/* absent files: nothing, and no error */
	unlink(midr);
	unlink(cmd);
	{
		struct wb_sysinfo s;

		memset(&s, 0, sizeof(s));
		wb_env_emulated_from(&s, midr, cmd);
		assert_false(wb_env_emulated(&s));
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emulated_sources),
		cmocka_unit_test(emulated_from_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
