/* SPDX-License-Identifier: MIT */
/*
 * The architecture seam: everything that differs between x86-64 and arm64
 * (CPUID or MIDR, declared TLB geometry) is behind these functions, one
 * file per architecture, so the rest of walkbench has no #ifdef.
 */
#ifndef WB_ARCH_H
#define WB_ARCH_H

#include <stddef.h>
#include <stdint.h>

struct wb_sysinfo;

/* What the CPU declares of its TLBs, one line; never used as a result. */
void wb_arch_tlb_leaves(const struct wb_sysinfo *s, char *out, size_t len);
/* The declared L2 TLB entries for 2M pages, 0 when nothing declares it. */
uint64_t wb_arch_l2_2m_entries(const struct wb_sysinfo *s);

#endif
