/* SPDX-License-Identifier: MIT */
/*
 * Mappings placed at chosen offsets inside a private stretch of address
 * space, so that the page-table pages they need are theirs alone and the
 * growth of VmPTE can be compared exactly with the paging model.
 *
 * The stretch is reserved PROT_NONE (no page tables, no commit charge) and
 * aligned to WB_LAYOUT_ALIGN: every table covering it at the levels Linux
 * counts in VmPTE (PTE, PMD and PUD tables; a PUD table covers 512 GiB on
 * both 4- and 5-level paging) then covers nothing else. Pieces are mapped
 * over the reservation with MAP_FIXED and faulted in at once.
 */
#ifndef WB_LAYOUT_H
#define WB_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "mem/mem.h"

#define WB_LAYOUT_ALIGN ((uint64_t)1 << 39) /* one PGD (or P4D) entry */

struct wb_layout {
	char *res; /* what to munmap */
	size_t res_len;
	char *base; /* WB_LAYOUT_ALIGN-aligned start */
	uint64_t span; /* usable bytes from base */
};

/*
 * Reserve @span bytes. @hint, when not 0, asks for an address at or above
 * it (needed above 128 TiB, where only a hint makes Linux use 5-level
 * addresses). -ENOMEM with why[] naming the size when the space is not
 * there (RLIMIT_AS, 47-bit address space).
 */
int wb_layout_reserve(struct wb_layout *l, uint64_t span, uint64_t hint,
		      char *why, size_t whylen);
enum {
	WB_LAYOUT_NO_ADVICE = 1 << 0, /* THP without MADV_HUGEPAGE ("always") */
	WB_LAYOUT_NO_FAULT = 1 << 1, /* map only; wb_layout_touch() later */
};

/*
 * Map [base + off, base + off + len) with pages of @page_size of @kind and
 * fault every page in by writing it. WB_MEM_BASE gets MADV_NOHUGEPAGE,
 * WB_MEM_THP MADV_HUGEPAGE. A hugetlb pool that cannot back the range
 * gives -ENOMEM, not SIGBUS.
 */
int wb_layout_map(struct wb_layout *l, uint64_t off, uint64_t len,
		  size_t page_size, enum wb_mem_kind kind, unsigned int flags,
		  char *why, size_t whylen);
/* Fault in the 4K pages at offsets @off[0..n) by writing them. */
void wb_layout_touch(const struct wb_layout *l, const uint64_t *off,
		     uint64_t n);
/*
 * Verify that the 4K pages at @off[0..n), and nothing else in the layout,
 * are present, and that none is part of a huge page: smaps over the whole
 * layout (KernelPageSize 4 kB, no AnonHugePages), then per page
 * pagemap + kpageflags where PFNs are visible. Return as wb_mem_verify().
 */
int wb_layout_verify_base(const struct wb_layout *l, const uint64_t *off,
			  uint64_t n, char *how, size_t howlen, char *why,
			  size_t whylen);
/* wb_mem_verify() for a mapped piece. */
int wb_layout_verify(const struct wb_layout *l, uint64_t off, uint64_t len,
		     size_t page_size, enum wb_mem_kind kind, char *how,
		     size_t howlen, char *why, size_t whylen);
/*
 * Link the 4K pages at offsets @off[0..n) into a ring in that order: page
 * i holds at line (i % 64) a pointer to the same slot of page i + 1, so
 * successive loads fall into different L1D sets. Returns the first slot.
 */
void *wb_layout_ring(const struct wb_layout *l, const uint64_t *off,
		     uint64_t n);
void wb_layout_free(struct wb_layout *l);

/* VmPTE in bytes, or -errno. */
long wb_vmpte_bytes(void);

#endif
