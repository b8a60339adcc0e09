// SPDX-License-Identifier: MIT
/*
 * arm64: no register declares TLB sizes to user space (the TRMs give them,
 * the model's CPU table carries them), so detect shows none.
 */
#if defined(__aarch64__)
#include <stdio.h>

#include "arch/arch.h"
#include "core/env.h"

void wb_arch_tlb_leaves(const struct wb_sysinfo *s, char *out, size_t len)
{
	(void)s;
	snprintf(out, len, "none: arm64 declares no TLB sizes in registers");
}

uint64_t wb_arch_l2_2m_entries(const struct wb_sysinfo *s)
{
	(void)s;
	return 0;
}
#endif
