// SPDX-License-Identifier: MIT
/*
 * LD_PRELOAD shim for `walkbench policy`: huge pages for a program that
 * cannot be changed. Large anonymous private mmaps (>= 2 MiB) get
 * madvise(MADV_HUGEPAGE) (WB_SHIM_MODE=thp, the default), or are mapped
 * with MAP_HUGETLB from the 2 MiB pool when the length is a multiple of
 * 2 MiB (WB_SHIM_MODE=hugetlb; plain pages when the pool is short).
 * glibc's malloc maps through an internal entry this shim cannot see;
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1|2 covers malloc instead.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>

#define HUGE_2M (2ul << 20)

typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	mmap_fn real = (mmap_fn)dlsym(RTLD_NEXT, "mmap");
	const char *mode = getenv("WB_SHIM_MODE");
	int anon = (flags & MAP_ANONYMOUS) && (flags & MAP_PRIVATE) &&
		   !(flags & MAP_HUGETLB) && fd == -1;
	void *p;

	if (!real)
		return MAP_FAILED;
	if (!anon || len < HUGE_2M)
		return real(addr, len, prot, flags, fd, off);
	if (mode && !strcmp(mode, "hugetlb") && !(len % HUGE_2M) &&
	    !(flags & MAP_FIXED)) {
		p = real(addr, len, prot, flags | MAP_HUGETLB, fd, off);
		if (p != MAP_FAILED)
			return p;
	}
	p = real(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && (!mode || !strcmp(mode, "thp")))
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
