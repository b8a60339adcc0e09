// SPDX-License-Identifier: MIT
/*
 * How do we know this CPU is emulated? The sources, recorded in
 * emulated_by for the results (wb_env_emulated() in env.c reads it). On
 * x86-64 CPUID's hypervisor vendor says so ("TCGTCGTCGTCG"). arm64 has no
 * such register, so two other facts stand in:
 * - MIDR_EL1 of qemu's "max" CPU under TCG: implementer 0 (reserved for
 *   software) and part number 0x051 ('Q'). Under KVM, qemu's "max" is the
 *   host CPU and carries the host's MIDR, so this MIDR means TCG.
 * - wb.accel=tcg on the kernel command line: walkbench vm run, which chose
 *   the accelerator, puts it there (vm/vm_qemu.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "core/env.h"

#define MIDR_PATH "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1"

/* Appends "; @what" (or @what first) to @s->emulated_by. */
static void add_source(struct wb_sysinfo *s, const char *what)
{
	size_t n = strlen(s->emulated_by);

	snprintf(s->emulated_by + n, sizeof(s->emulated_by) - n, "%s%s",
		 n ? "; " : "", what);
}

static void from_midr(struct wb_sysinfo *s, const char *path)
{
	char line[64], what[160];
	struct wb_midr m;
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && !wb_midr_from_sysfs(line, &m) &&
	    wb_midr_qemu_max(&m)) {
		snprintf(what, sizeof(what),
			 "MIDR_EL1 0x%08llx: qemu's max CPU (implementer 0, "
			 "part 'Q'), presented only under TCG",
			 strtoull(line, NULL, 16));
		add_source(s, what);
	}
	fclose(f);
}

static void from_cmdline(struct wb_sysinfo *s, const char *path)
{
	char buf[4096], *tok, *save;
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, "wb.accel=tcg"))
			add_source(s,
				   "kernel command line wb.accel=tcg, from the "
				   "walkbench vm run that started qemu");
}

void wb_env_emulated_from(struct wb_sysinfo *s, const char *midr,
			  const char *cmdline)
{
	if (!strcmp(s->hypervisor, "TCGTCGTCGTCG"))
		add_source(s, "CPUID hypervisor vendor TCGTCGTCGTCG");
	from_midr(s, midr);
	from_cmdline(s, cmdline);
}

void wb_env_probe_emulated(struct wb_sysinfo *s)
{
	wb_env_emulated_from(s, MIDR_PATH, "/proc/cmdline");
}
