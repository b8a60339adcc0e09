/* SPDX-License-Identifier: MIT */
/*
 * The CPU table (cpus.tsv, compiled in): per microarchitecture, the data
 * TLB geometry per page size, paging-structure caches where published, and
 * the L1D geometry. Lookup by CPUID vendor/family/model or by row name; a
 * CPU not in the table is -ENOENT, never matched to a neighbour.
 * wbm_cpu_tlb_reach() is in model.h.
 */
#ifndef WBM_CPU_H
#define WBM_CPU_H

#include "tlb.h"

struct wbm_cpu {
	char name[48];
	char vendor[16]; /* CPUID vendor string: GenuineIntel, AuthenticAMD */
	unsigned int family;
	struct wbm_tlb_geom dtlb;
	/* PWC entries for the entries of level j (2..5), 0: not published */
	uint32_t pwc[6];
	/* PTE coalescing at TLB level j (1..WBM_TLB_LEVELS): how many
	 * contiguous, aligned 4K PTEs one entry can hold; 1: none */
	uint32_t coalesce[WBM_TLB_LEVELS + 1];
	uint64_t l1d_bytes;
	uint32_t l1d_ways, l1d_line;
	char source[512];
};

/* Row for a CPUID identity; -ENOENT if no row lists that model. */
int wbm_cpu_lookup(const char *vendor, unsigned int family, unsigned int model,
		   struct wbm_cpu *out);
/* Row by name, case-insensitive ("zen5", "Golden Cove"): ignores spaces,
 * '-' and '_'. -ENOENT if none. */
int wbm_cpu_by_name(const char *name, struct wbm_cpu *out);
/* The @i-th row (0-based); -ENOENT past the end. */
int wbm_cpu_at(int i, struct wbm_cpu *out);

/* The row's coalescing factor at TLB @level (1 when none is published or
 * @level is out of range). */
uint32_t wbm_cpu_coalesce(const struct wbm_cpu *c, int level);

/* A constant copy of a row name (for wbm_cpu_tlb_reach's row_name). */
const char *wbm_cpu_static_name(const char *name);

/*
 * Parses a TLB structure list as in cpus.tsv: "4K:64:4,2M:32:4" at @level,
 * appended to @g. SIZES may join page sizes with '+' ("4K+2M"); WAYS 0 or
 * "FA" means fully associative. -EINVAL names nothing: the caller has the
 * token.
 */
int wbm_tlb_parse_level(const char *s, int level, struct wbm_tlb_geom *g);

#endif
