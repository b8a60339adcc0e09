// SPDX-License-Identifier: MIT
/*
 * The paging regime from what the system shows (the granule, the user VA
 * size) to the level count the architecture gives it. Plain C on every
 * architecture, so it is tested on any machine against fixtures.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "model/regime.h"

int wb_arch_arm64_levels(uint64_t granule, unsigned int va_bits,
			 unsigned int *levels)
{
	struct wbm_regime r;
	int err = va_bits > 64 ? -EINVAL
			       : wbm_regime_arm64(granule, (int)va_bits, &r);

	if (!err)
		*levels = (unsigned int)r.levels;
	return err;
}

int wb_arch_va_bits_from_maps(const char *maps, unsigned int *va_bits)
{
	uint64_t top = 0;
	unsigned int bits = 0;

	for (const char *l = maps; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		uint64_t lo, hi;

		if (sscanf(l, "%" SCNx64 "-%" SCNx64, &lo, &hi) != 2 || hi < lo)
			return -EINVAL;
		/* the vsyscall page (x86) sits in the kernel's half */
		if (!memmem(l, n, "[vsyscall]", 10) && hi > top)
			top = hi;
		l = nl ? nl + 1 : NULL;
	}
	if (!top)
		return -ENOENT;
	while (bits < 64 && ((uint64_t)1 << bits) < top)
		bits++;
	*va_bits = bits;
	return 0;
}
