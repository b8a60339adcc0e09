/* SPDX-License-Identifier: MIT */
/*
 * Physical frames of a range, for kernels that check sharing: read with
 * one pagemap file per call instead of one open per page. PFNs read as 0
 * without CAP_SYS_ADMIN; these calls turn that into -EPERM. The single
 * lookups (wb_kpageflags) are in mem/pagemap.h.
 */
#ifndef WB_PFNS_H
#define WB_PFNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mem/pagemap.h"

/* PFN of each 4K page of [addr, addr + n * 4K) in @pid (0: self); 0 for a
 * page not present. -EPERM when a present page shows PFN 0. */
int wb_pfns(pid_t pid, const void *addr, size_t n, uint64_t *pfns);
/* Distinct nonzero values of @v (sorted copy, @v untouched). */
size_t wb_count_distinct(const uint64_t *v, size_t n);

#endif
