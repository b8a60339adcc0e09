/* SPDX-License-Identifier: MIT */
/*
 * The one reader of /proc/<pid>/pagemap and /proc/kpageflags
 * (Documentation/admin-guide/mm/pagemap.rst). Page-size verification,
 * the sharing checks and single lookups all go through it, so the entry
 * format and the "PFNs hidden" rule are decoded in one place: without
 * CAP_SYS_ADMIN a present page reads with PFN 0, which comes back as
 * -EPERM, and /proc/kpageflags does not open (-EACCES).
 */
#ifndef WB_PAGEMAP_H
#define WB_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define WB_PM_PRESENT (1ull << 63)
#define WB_PM_PFN_MASK ((1ull << 55) - 1)
#define WB_KPF_COMPOUND_HEAD 15
#define WB_KPF_HUGE 17
#define WB_KPF_THP 22
#define WB_KPF_ZERO_PAGE 24
/* not a kpageflags bit: what wb_pagemap_kflags_of() gives an absent page */
#define WB_KPF_ABSENT (1ull << 63)

struct wb_pagemap {
	int pm; /* /proc/<pid>/pagemap */
	int kf; /* /proc/kpageflags; -1 unless asked for */
};

/* Open the pagemap of @pid (0: self) and, with @kflags, kpageflags. */
int wb_pagemap_open(struct wb_pagemap *p, pid_t pid, bool kflags);
void wb_pagemap_close(struct wb_pagemap *p);
/* Raw entries of the @n base pages (4K but on arm64's 16K and 64K
 * granules) from the one holding @addr. */
int wb_pagemap_read(const struct wb_pagemap *p, uintptr_t addr, size_t n,
		    uint64_t *entries);
/* The frame entry @e maps: 0, -ENOENT (not present) or -EPERM (hidden). */
int wb_pagemap_frame(uint64_t e, uint64_t *pfn);
/* kpageflags of @pfn; @p opened with @kflags. */
int wb_pagemap_kflags(const struct wb_pagemap *p, uint64_t pfn,
		      uint64_t *flags);
/*
 * kpageflags of the frames of pagemap entries @e[n] into @flags[n], frames
 * that follow each other read in one go (a 4K-page-at-a-time read of a
 * 1 GiB region is 262144 system calls); an absent entry gets
 * WB_KPF_ABSENT. -EPERM when the frames are hidden (not root).
 */
int wb_pagemap_kflags_of(const struct wb_pagemap *p, const uint64_t *e,
			 size_t n, uint64_t *flags);

/*
 * Distinct huge pages (THP of any size, hugetlb) behind the present 4K
 * pages of [addr, addr + len): frames kpageflags flags as a compound head
 * and THP or HUGE. What the memory is, read back after the fact, so a
 * caller can count huge pages rather than compute them. -EPERM when PFNs
 * are hidden, -EACCES when kpageflags does not open (not root).
 */
int wb_pagemap_huge_heads(uintptr_t addr, size_t len, uint64_t *heads);
/* How many of the @n 4K pages from @addr are present (no privilege
 * needed); 0 or -errno. */
int wb_pagemap_present(uintptr_t addr, size_t n, uint64_t *present);

/* Single lookups, each opening and closing its file. */
int wb_pagemap_pfn(const void *addr, uint64_t *pfn);
int wb_kpageflags(uint64_t pfn, uint64_t *flags);

#endif
