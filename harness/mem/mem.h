/* SPDX-License-Identifier: MIT */
/*
 * Memory with a requested and verified page size. A mapping is faulted in
 * and then checked page by page through /proc/self/pagemap and
 * /proc/kpageflags (root) or /proc/self/smaps (AnonHugePages,
 * KernelPageSize) otherwise. A caller must not measure a mapping whose
 * verify() did not succeed.
 */
#ifndef WB_MEM_H
#define WB_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WB_4K ((size_t)4096)
#define WB_2M ((size_t)2 << 20)
#define WB_1G ((size_t)1 << 30)

enum wb_mem_kind {
	WB_MEM_BASE, /* anonymous, MADV_NOHUGEPAGE */
	WB_MEM_THP, /* anonymous, MADV_HUGEPAGE, 2 MiB aligned */
	WB_MEM_HUGETLB, /* MAP_HUGETLB with the page size's MAP_HUGE_* */
	/* anonymous, MADV_HUGEPAGE, folios of page_size (8K..1M, mTHP):
	 * the size's switch must be ready first (mem/mthp.h) */
	WB_MEM_MTHP,
};

struct wb_mem {
	void *addr;
	size_t len; /* rounded up to page_size */
	size_t page_size;
	enum wb_mem_kind kind;
	void *map_base; /* what to munmap (THP over-allocates to align) */
	size_t map_len;
};

/* Map @len bytes with pages of @page_size and fault them in (write). */
int wb_mem_alloc(struct wb_mem *m, size_t len, size_t page_size,
		 enum wb_mem_kind kind, char *why, size_t whylen);
/*
 * Verify every page of @m has @m->page_size. 0 when all are; -EMEDIUMTYPE
 * when some are not (why[] counts them), other -errno when it cannot tell.
 * @how receives the method used. Base, THP and hugetlb fall back to smaps
 * when PFNs are hidden (not root); an mTHP folio size shows nowhere but in
 * kpageflags, so WB_MEM_MTHP gives -EACCES or -EPERM then.
 */
int wb_mem_verify(const struct wb_mem *m, char *how, size_t howlen, char *why,
		  size_t whylen);
void wb_mem_free(struct wb_mem *m);

/* What /proc/self/smaps says about the VMAs overlapping [start, end). */
struct wb_smaps_sum {
	uint64_t overlap; /* bytes of [start, end) inside some VMA */
	uint64_t rss, anon_huge, hugetlb;
	uint64_t kernel_page_size; /* common to the VMAs seen, 0 if mixed */
	int vmas, non_4k_vmas;
};
int wb_smaps_scan(uintptr_t start, uintptr_t end, struct wb_smaps_sum *s);

#endif
