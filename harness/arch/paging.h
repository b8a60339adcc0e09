/* SPDX-License-Identifier: MIT */
/*
 * The translation regime of this kernel's user address space, as the
 * model's page-table counts need it: the granule, the virtual address
 * size and the levels of tables, each read from the running system.
 */
#ifndef WB_ARCH_PAGING_H
#define WB_ARCH_PAGING_H

#include <stddef.h>

struct wb_sysinfo;

struct wb_paging {
	const char *arch; /* "x86-64", "arm64" */
	unsigned long granule; /* bytes of a base page and of a table */
	int va_bits;
	int levels;
	char how[160]; /* where the figures came from */
};

/*
 * Fills @p. 0 when the model's radix counts (wbm_pt_count: 512-entry 4K
 * tables, 4 or 5 levels) describe this regime table for table: x86-64,
 * and arm64 with a 4K granule and a 48-bit address space (Arm ARM D8.2:
 * levels 0-3 resolve 9 bits each). Otherwise -ENOTSUP with @why naming the
 * regime found, and @p still filled as far as it was read.
 */
int wb_paging_probe(const struct wb_sysinfo *s, struct wb_paging *p, char *why,
		    size_t len);
/* Table levels for a granule and address size: each level resolves
 * log2(granule / 8) bits above the page offset (Arm ARM D8.2); x86-64 is
 * the 4K granule with 48 or 57 bits. */
int wb_paging_levels(unsigned long granule, int va_bits);
/* The smallest arm64 Linux address size for @granule that holds an
 * address of @bits bits (4K: 39, 48; 16K: 36, 47, 48; 64K: 42, 48). */
int wb_paging_va_size(unsigned long granule, int bits);
/* "x86-64 4-level radix tables", "arm64 4K granule, 48-bit VA: 4-level
 * tables" */
void wb_paging_name(const struct wb_paging *p, char *buf, size_t len);

#endif
