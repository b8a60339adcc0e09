// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "counters/osstat.h"
#include "mem/layout.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int wb_layout_reserve(struct wb_layout *l, uint64_t span, uint64_t hint,
		      char *why, size_t whylen)
{
	uint64_t a = WB_LAYOUT_ALIGN;
	uint64_t len;
	char *p;

	memset(l, 0, sizeof(*l));
	if (!span)
		return -EINVAL;
	span = (span + a - 1) & ~(a - 1);
	len = span + a; /* room to align the start */
	p = mmap((void *)(uintptr_t)hint, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		int err = errno;
		struct rlimit as;

		/* A PROT_NONE reservation costs no memory, but it counts
		 * against RLIMIT_AS: say which limit was in the way. */
		getrlimit(RLIMIT_AS, &as);
		snprintf(why, whylen,
			 "cannot reserve %llu GiB of address space: %s%s",
			 (unsigned long long)(len >> 30), strerror(err),
			 as.rlim_cur != RLIM_INFINITY ? " (RLIMIT_AS is set)"
						      : "");
		return -err;
	}
	if (hint && (uintptr_t)p < hint) {
		munmap(p, len);
		snprintf(why, whylen,
			 "no address space at or above 0x%llx (5-level "
			 "paging not in use)",
			 (unsigned long long)hint);
		return -ENOMEM;
	}
	l->res = p;
	l->res_len = len;
	l->base = (char *)(((uintptr_t)p + a - 1) & ~(uintptr_t)(a - 1));
	l->span = span;
	return 0;
}

static int log2u(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

int wb_layout_map(struct wb_layout *l, uint64_t off, uint64_t len,
		  size_t page_size, enum wb_mem_kind kind, unsigned int flags,
		  char *why, size_t whylen)
{
	int mflags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	char *p = l->base + off;
	int advice = -1;

	if (!len || off + len > l->span || off % page_size || len % page_size) {
		snprintf(why, whylen, "piece +%llu/%llu outside the layout",
			 (unsigned long long)off, (unsigned long long)len);
		return -EINVAL;
	}
	if (kind == WB_MEM_HUGETLB)
		mflags |= MAP_HUGETLB | (log2u(page_size) << MAP_HUGE_SHIFT);
	else
		mflags |= MAP_NORESERVE; /* what is used is faulted at once */
	if (mmap(p, len, PROT_READ | PROT_WRITE, mflags, -1, 0) == MAP_FAILED) {
		int err = errno;

		snprintf(why, whylen, "mmap of %llu bytes (%s) failed: %s",
			 (unsigned long long)len,
			 kind == WB_MEM_HUGETLB ? "hugetlb" : "anon",
			 strerror(err));
		return -err;
	}
	if (kind == WB_MEM_BASE)
		advice = MADV_NOHUGEPAGE;
	else if ((kind == WB_MEM_THP || kind == WB_MEM_MTHP) &&
		 !(flags & WB_LAYOUT_NO_ADVICE))
		advice = MADV_HUGEPAGE;
	if (advice >= 0 && madvise(p, len, advice)) {
		int err = errno;

		snprintf(why, whylen, "madvise(%s) failed: %s",
			 advice == MADV_HUGEPAGE ? "MADV_HUGEPAGE"
						 : "MADV_NOHUGEPAGE",
			 strerror(err));
		return -err;
	}
	/* A hugetlb pool that runs dry would raise SIGBUS on the first
	 * write; populating through madvise reports it as an error. */
	if (kind == WB_MEM_HUGETLB && madvise(p, len, MADV_POPULATE_WRITE)) {
		int err = errno;

		snprintf(why, whylen,
			 "hugetlb pool of %zu-byte pages cannot back %llu "
			 "bytes: %s",
			 page_size, (unsigned long long)len, strerror(err));
		return -ENOMEM;
	}
	if (flags & WB_LAYOUT_NO_FAULT)
		return 0;
	for (uint64_t o = 0; o < len; o += WB_4K)
		((volatile char *)p)[o] = 1;
	return 0;
}

void wb_layout_touch(const struct wb_layout *l, const uint64_t *off, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		((volatile char *)l->base)[off[i]] = 1;
}

int wb_layout_verify(const struct wb_layout *l, uint64_t off, uint64_t len,
		     size_t page_size, enum wb_mem_kind kind, char *how,
		     size_t howlen, char *why, size_t whylen)
{
	struct wb_mem m = {
		.addr = l->base + off,
		.len = len,
		.page_size = page_size,
		.kind = kind,
	};

	return wb_mem_verify(&m, how, howlen, why, whylen);
}

void *wb_layout_ring(const struct wb_layout *l, const uint64_t *off, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t j = i + 1 == n ? 0 : i + 1;
		void **slot = (void **)(l->base + off[i] + (i % 64) * 64);

		*slot = l->base + off[j] + (j % 64) * 64;
	}
	return n ? l->base + off[0] : NULL;
}

void wb_layout_free(struct wb_layout *l)
{
	if (l->res)
		munmap(l->res, l->res_len);
	memset(l, 0, sizeof(*l));
}

long wb_vmpte_bytes(void)
{
	uint64_t kb;
	int err = wb_pid_status_kb(0, "VmPTE", &kb);

	return err ? err : (long)kb * 1024;
}
