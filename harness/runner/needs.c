// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/env.h"
#include "runner/kernel.h"
#include "runner/needs.h"

int wb_needs_check(unsigned int requires, const struct wb_sysinfo *s, char *why,
		   size_t len)
{
	const char *miss = NULL;

	if ((requires & (WB_NEED_ROOT | WB_NEED_PAGEMAP_PFN)) && !s->root)
		miss = (requires & WB_NEED_ROOT) ? "needs root"
						 : "needs root to read PFNs "
						   "from /proc/self/pagemap";
	else if ((requires & WB_NEED_THP) &&
		 (!s->thp_enabled[0] || !strcmp(s->thp_enabled, "never")))
		miss = "needs transparent huge pages (THP is off or absent)";
	else if ((requires & WB_NEED_HUGETLB_2M) && !s->hugetlb_2m)
		miss = "needs 2 MiB hugetlb pages (no hugepages-2048kB pool)";
	else if ((requires & WB_NEED_HUGETLB_1G) &&
		 (!s->hugetlb_1g || !s->pdpe1gb))
		miss = s->pdpe1gb ? "needs 1 GiB hugetlb pages (no "
				    "hugepages-1048576kB pool)"
				  : "needs 1 GiB pages (CPU has no pdpe1gb)";
	else if ((requires & WB_NEED_2CPUS) && s->ncpus_online < 2)
		miss = "needs 2 CPUs";
	else if ((requires & WB_NEED_KVM) && !s->kvm_usable)
		miss = "needs a usable /dev/kvm";
	else if ((requires & WB_NEED_LA57) && !s->la57_active)
		miss = "needs 5-level paging (la57) in use";
	if (!miss)
		return 0;
	snprintf(why, len, "%s", miss);
	return (requires & WB_NEED_ROOT) && !s->root ? -EPERM : -ENODEV;
}
