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

int wb_arch_arm64_levels(uint64_t granule, unsigned int va_bits,
			 unsigned int *levels)
{
	static const struct {
		uint64_t granule;
		unsigned int va_bits, levels;
	} ok[] = {
		{ 4096, 39, 3 },  { 4096, 48, 4 },  { 4096, 52, 5 },
		{ 16384, 47, 3 }, { 16384, 48, 4 }, { 16384, 52, 4 },
		{ 65536, 42, 2 }, { 65536, 48, 3 }, { 65536, 52, 3 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i].granule == granule && ok[i].va_bits == va_bits) {
			*levels = ok[i].levels;
			return 0;
		}
	return -EINVAL;
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
