/* SPDX-License-Identifier: MIT */
/*
 * What detect can and cannot establish on the architecture a fingerprint
 * describes, beyond its measurements (which are the same everywhere).
 */
#ifndef WB_DETECT_ARCH_H
#define WB_DETECT_ARCH_H

#include <stddef.h>

struct wb_sysinfo;

#define WB_DETECT_LIMITS 8

struct wb_detect_limit {
	const char *what; /* "tlb_sizes", "hypervisor", ... */
	char says[256];
};

/*
 * Fills @out with up to @max lines for @s's architecture and returns how
 * many: none on x86-64, where the fingerprint and CPUID stand beside the
 * measurements already.
 */
int wb_detect_arch_limits(const struct wb_sysinfo *s,
			  struct wb_detect_limit *out, int max);

#endif
