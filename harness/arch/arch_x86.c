// SPDX-License-Identifier: MIT
/*
 * x86-64: what the CPU declares of itself through CPUID. Compiled on every
 * architecture; empty where CPUID does not exist (arch_arm64.c is the other).
 */
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "core/env.h"

/* CPUID's own account of the TLBs, one string; never used as a result. */
void wb_arch_tlb_leaves(const struct wb_sysinfo *s, char *out, size_t len)
{
	unsigned int a, b, c, d, max;
	size_t o = 0;

	out[0] = 0;
	if (!strcmp(s->vendor, "AuthenticAMD")) {
		__cpuid(0x80000000, max, b, c, d);
		if (max >= 0x80000006) {
			unsigned int a5, b5, a6, b6;

			__cpuid(0x80000005, a5, b5, c, d);
			__cpuid(0x80000006, a6, b6, c, d);
			snprintf(out, len,
				 "0x80000005: L1 DTLB 4K %u, 2M %u; "
				 "0x80000006: L2 DTLB 4K %u, 2M %u",
				 (b5 >> 16) & 0xff, (a5 >> 16) & 0xff,
				 (b6 >> 16) & 0xfff, (a6 >> 16) & 0xfff);
		}
		return;
	}
	__cpuid(0, max, b, c, d);
	if (max >= 2) {
		__cpuid(2, a, b, c, d);
		o += snprintf(out + o, len - o, "leaf 2: %08x %08x %08x %08x",
			      a, b, c, d);
	}
	if (max < 0x18)
		return;
	__cpuid_count(0x18, 0, max, b, c, d);
	for (unsigned int sub = 0; sub <= max && sub < 16 && o < len; sub++) {
		static const char *const types[] = { "",	"data", "instr",
						     "unified", "load", "store",
						     "",	"" };
		__cpuid_count(0x18, sub, a, b, c, d);
		if (!(d & 0x1f))
			continue;
		o += snprintf(
			out + o, len - o,
			"; leaf 0x18.%u: L%u %s %s%s%s%s %u entries %u-way",
			sub, (d >> 5) & 7, types[(d & 0x1f) & 7],
			b & 1 ? "4K" : "", b & 2 ? "2M" : "", b & 4 ? "4M" : "",
			b & 8 ? "1G" : "", (b >> 16) * c, b >> 16);
	}
}

/* CPUID's L2 DTLB 2M entries (AMD 0x80000006), 0 when it gives none. */
uint64_t wb_arch_l2_2m_entries(const struct wb_sysinfo *s)
{
	unsigned int a, b, c, d;

	if (strcmp(s->vendor, "AuthenticAMD"))
		return 0;
	__cpuid(0x80000000, a, b, c, d);
	if (a < 0x80000006)
		return 0;
	__cpuid(0x80000006, a, b, c, d);
	return (a >> 16) & 0xfff;
}
#endif
