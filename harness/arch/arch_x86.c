// SPDX-License-Identifier: MIT
/*
 * x86-64: what the CPU declares of itself through CPUID. Compiled on every
 * architecture; empty where CPUID does not exist (arch_arm64.c is the other).
 */
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/arch.h"
#include "core/env.h"
#include "core/sysfs.h"

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

void wb_arch_identity(struct wb_sysinfo *s)
{
	unsigned int a, b, c, d, max_ext, fam, model;
	char brand[49], *p, flags[4096];

	__cpuid(0, a, b, c, d);
	memcpy(s->vendor, &b, 4);
	memcpy(s->vendor + 4, &d, 4);
	memcpy(s->vendor + 8, &c, 4);
	s->vendor[12] = 0;

	__cpuid(1, a, b, c, d);
	/* Display family and model as Linux computes them. */
	fam = (a >> 8) & 0xf;
	model = (a >> 4) & 0xf;
	if (fam == 0xf)
		fam += (a >> 20) & 0xff;
	if (fam >= 0x6)
		model += ((a >> 16) & 0xf) << 4;
	s->family = fam;
	s->model = model;
	s->stepping = a & 0xf;
	s->has_hypervisor_flag = (c >> 31) & 1;

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		s->la57 = (c >> 16) & 1;

	max_ext = __get_cpuid_max(0x80000000, NULL);
	if (max_ext >= 0x80000001) {
		__cpuid(0x80000001, a, b, c, d);
		s->pdpe1gb = (d >> 26) & 1;
	}
	if (max_ext >= 0x80000004) {
		unsigned int w[3][4]; /* brand may be misaligned for ints */

		for (unsigned int i = 0; i < 3; i++)
			__cpuid(0x80000002 + i, w[i][0], w[i][1], w[i][2],
				w[i][3]);
		memcpy(brand, w, sizeof(w));
		brand[48] = 0;
		p = brand + strspn(brand, " ");
		snprintf(s->model_name, sizeof(s->model_name), "%s", p);
	}

	/* Leaf 0x40000000 is only defined under a hypervisor. */
	if (s->has_hypervisor_flag) {
		char id[13];
		size_t o = 0;

		__cpuid(0x40000000, a, b, c, d);
		memcpy(id, &b, 4);
		memcpy(id + 4, &c, 4);
		memcpy(id + 8, &d, 4);
		for (int i = 0; i < 12; i++)
			if (id[i])
				s->hypervisor[o++] = id[i];
		s->hypervisor[o] = 0;
	}

	/* The kernel's flags as well: a CPUID a hypervisor filters can hide
	 * what the kernel found. */
	if (wb_cpuinfo_field("flags", flags, sizeof(flags))) {
		wb_env_missing(s, "cpu_flags");
		return;
	}
	s->pdpe1gb |= has_word(flags, "pdpe1gb");
	s->la57 |= has_word(flags, "la57");
	s->has_hypervisor_flag |= has_word(flags, "hypervisor");
}

/*
 * 5-level paging in use: a hint above the 47-bit user half is honoured only
 * when the kernel runs 5-level page tables; with 4 levels it is ignored and
 * the mapping lands below 2^47. No MAP_FIXED, so nothing can be replaced.
 */
static bool probe_la57_active(long page)
{
	void *hint = (void *)(1UL << 48);
	void *p = mmap(hint, (size_t)page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	bool high;

	if (p == MAP_FAILED)
		return false;
	high = (uintptr_t)p >= (1UL << 47);
	munmap(p, (size_t)page);
	return high;
}

/* x86-64 has one page size for its tables (4K) and 4 or 5 levels: 48 or
 * 57 bits of virtual address. */
void wb_arch_regime(struct wb_sysinfo *s)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0) {
		wb_env_missing(s, "page_size");
		page = 4096;
	} else {
		s->page_size = (uint64_t)page;
	}
	s->la57_active = probe_la57_active(page);
	s->pt_levels = s->la57_active ? 5 : 4;
	s->va_bits = s->la57_active ? 57 : 48;
}

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
