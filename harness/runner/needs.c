// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
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
		/* arm64's 1G blocks are the 4K granule's: the pool says */
		miss = s->pdpe1gb || wb_arch_is_arm64(s)
			       ? "needs 1 GiB hugetlb pages (no "
				 "hugepages-1048576kB pool)"
			       : "needs 1 GiB pages (CPU has no pdpe1gb)";
	else if ((requires & WB_NEED_2CPUS) && s->ncpus_online < 2)
		miss = "needs 2 CPUs";
	else if ((requires & WB_NEED_KVM) && !s->kvm_usable)
		miss = "needs a usable /dev/kvm";
	else if ((requires & WB_NEED_LA57) && !s->la57_active)
		miss = "needs 5-level paging (la57) in use";
	else if ((requires & WB_NEED_X86_64) && wb_arch_is_arm64(s))
		miss = "needs x86-64 (does not run on arm64)";
	if (!miss && (requires & WB_NEED_4K_PAGES) && s->page_size &&
	    s->page_size != 4096) {
		snprintf(why, len,
			 "needs 4K base pages (this kernel's page size is "
			 "%lluK)",
			 (unsigned long long)s->page_size >> 10);
		return -ENODEV;
	}
	if (!miss)
		return 0;
	snprintf(why, len, "%s", miss);
	return (requires & WB_NEED_ROOT) && !s->root ? -EPERM : -ENODEV;
}

bool wb_needs_arm64(unsigned int requires, char *why, size_t len)
{
	const char *w = "";
	bool ok = true;

	if (requires & WB_NEED_X86_64) {
		ok = false;
		w = "reads what only x86-64 has";
	} else if (requires & WB_NEED_LA57) {
		ok = false;
		w = "needs x86-64's 5-level paging";
	} else if (requires & WB_NEED_4K_PAGES) {
		w = "with the 4K granule";
	}
	snprintf(why, len, "%s", w);
	return ok;
}
