// SPDX-License-Identifier: MIT
/*
 * detect on arm64: the same timed measurements, with less beside them.
 * No register gives TLB sizes, the CPU is known by MIDR only through the
 * model's table, nothing in-band names a hypervisor, and a coalesced TLB
 * entry there follows the contiguous bit the kernel chose to set.
 */
#include <stdio.h>

#include "arch/arch.h"
#include "check/detect_arch.h"
#include "core/env.h"
#include "model/cpu.h"

static int add(struct wb_detect_limit *out, int n, int max, const char *what,
	       const char *fmt, const char *arg)
{
	if (n >= max)
		return n;
	out[n].what = what;
	snprintf(out[n].says, sizeof(out[n].says), fmt, arg);
	return n + 1;
}

int wb_detect_arch_limits(const struct wb_sysinfo *s,
			  struct wb_detect_limit *out, int max)
{
	struct wbm_cpu row;
	char id[96];
	int n = 0;

	if (!wb_arch_is_arm64(s))
		return 0;
	n = add(out, n, max, "tlb_sizes", "%s",
		"arm64 declares no TLB sizes in registers: the measured "
		"figures and the model's row are all there is");
	snprintf(id, sizeof(id), "MIDR implementer 0x%02x part 0x%03x",
		 s->family, s->model);
	if (!wbm_cpu_lookup(s->vendor, s->family, s->model, &row))
		n = add(out, n, max, "model_row", "the model's row found by %s",
			id);
	else
		n = add(out, n, max, "model_row",
			"%s: not in the model's table, so its TLBs are "
			"unknown (not guessed from a neighbour)",
			id);
	if (!s->hypervisor[0])
		n = add(out, n, max, "hypervisor", "%s",
			"arm64 has no in-band hypervisor identification: "
			"whether this is a guest is not established");
	n = add(out, n, max, "coalescing", "%s",
		"arm64 coalesces through the contiguous bit the kernel sets "
		"(16 x 4K = 64K with the 4K granule): no coalescing seen may "
		"be the kernel's choice, not the CPU's limit");
	n = add(out, n, max, "cycles", "%s",
		"times are ns from the generic timer; cycles would need the "
		"PMU's cycle counter");
	return n;
}
