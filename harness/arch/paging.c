// SPDX-License-Identifier: MIT
/*
 * The regime of paging.h. x86-64 has one granule (4K) and 4 or 5 levels,
 * the latter when 5-level paging is active (env.c's probe). On arm64 the
 * granule is the kernel's page size, and the address size is read from
 * where the kernel places mappings: with a 4K granule Linux offers 39- or
 * 48-bit user address spaces (and 52-bit, LPA2, handed out only above a
 * hint beyond 2^48), so a fresh mapping above 2^39 means 48 bits; 16K
 * and 64K granules likewise (36/47/48 and 42/48 bits).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/paging.h"
#include "core/env.h"

void wb_paging_name(const struct wb_paging *p, char *buf, size_t len)
{
	if (p->granule == 4096 && p->arch[0] == 'x')
		snprintf(buf, len, "%s %d-level radix tables", p->arch,
			 p->levels);
	else
		snprintf(buf, len,
			 "%s %luK granule, %d-bit VA: %d-level tables", p->arch,
			 p->granule >> 10, p->va_bits, p->levels);
}

/* Levels for a granule and address size: each level resolves
 * log2(granule / 8) bits above the page offset (Arm ARM D8.2). */
int wb_paging_levels(unsigned long granule, int va_bits)
{
	int off = __builtin_ctzl(granule), per = off - 3;

	return (va_bits - off + per - 1) / per;
}

/*
 * The smallest address size Linux offers for @granule that holds an
 * address of @bits bits: mappings go top-down from just below the top,
 * so the highest one's bit length is the address size's.
 */
int wb_paging_va_size(unsigned long granule, int bits)
{
	static const int k4[] = { 39, 48, 0 }, k16[] = { 36, 47, 48, 0 },
			 k64[] = { 42, 48, 0 };
	const int *v = granule == 4096 ? k4 : granule == 16384 ? k16 : k64;

	for (; *v; v++)
		if (bits <= *v)
			return *v;
	return bits;
}

#if defined(__aarch64__)
/* Where an anonymous mapping lands, with @hint or none. */
static uintptr_t place(uintptr_t hint)
{
	void *p = mmap((void *)hint, 4096, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, 4096);
	return (uintptr_t)p;
}

int wb_paging_probe(const struct wb_sysinfo *s, struct wb_paging *p, char *why,
		    size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t low = place(0), high = place((uintptr_t)1 << 50);

	(void)s;
	p->arch = "arm64";
	p->granule = page > 0 ? (unsigned long)page : 0;
	if (!p->granule || !low) {
		snprintf(why, len,
			 "arm64: the page size or a mapping's "
			 "placement could not be read");
		return -ENOTSUP;
	}
	if (high >= (uintptr_t)1 << 48)
		p->va_bits = 52;
	else
		p->va_bits = wb_paging_va_size(p->granule,
					       64 - __builtin_clzl(low));
	p->levels = wb_paging_levels(p->granule, p->va_bits);
	snprintf(p->how, sizeof(p->how),
		 "sysconf page size %lu; mappings placed at 0x%lx (no hint), "
		 "0x%lx (hint 2^50)",
		 p->granule, (unsigned long)low, (unsigned long)high);
	if (p->granule == 4096 && p->va_bits == 48)
		return 0;
	snprintf(why, len,
		 "the model counts 4K-granule 48-bit arm64 tables only; this "
		 "kernel: %luK granule, %d-bit VA, %d levels (%s)",
		 p->granule >> 10, p->va_bits, p->levels, p->how);
	return -ENOTSUP;
}
#else
int wb_paging_probe(const struct wb_sysinfo *s, struct wb_paging *p, char *why,
		    size_t len)
{
	bool la57 = s && s->la57_active;

	(void)why;
	(void)len;
	p->arch = "x86-64";
	p->granule = 4096;
	p->va_bits = la57 ? 57 : 48;
	p->levels = wb_paging_levels(p->granule, p->va_bits);
	snprintf(p->how, sizeof(p->how), "%s",
		 la57 ? "5-level paging active (a mapping above 2^47)"
		      : "4-level paging (no mapping above 2^47)");
	return 0;
}
#endif
