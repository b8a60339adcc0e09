// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "mem/mem.h"
#include "mem/mthp.h"
#include "mem/pagemap.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

static int log2u(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

int wb_mem_alloc(struct wb_mem *m, size_t len, size_t page_size,
		 enum wb_mem_kind kind, char *why, size_t whylen)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t map_len;
	char *p;

	memset(m, 0, sizeof(*m));
	if (!len ||
	    (kind == WB_MEM_MTHP ? !wb_mthp_size(page_size)
				 : page_size != WB_4K && page_size != WB_2M &&
					   page_size != WB_1G)) {
		snprintf(why, whylen, "bad length or page size");
		return -EINVAL;
	}
	len = (len + page_size - 1) & ~(page_size - 1);
	map_len = len;
	if (kind == WB_MEM_HUGETLB)
		flags |= MAP_HUGETLB | (log2u(page_size) << MAP_HUGE_SHIFT);
	else if (kind == WB_MEM_THP || kind == WB_MEM_MTHP)
		map_len += page_size; /* room to align the start */
	p = mmap(NULL, map_len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED) {
		int err = errno;

		snprintf(why, whylen, "mmap of %zu bytes (%s) failed: %s",
			 map_len, kind == WB_MEM_HUGETLB ? "hugetlb" : "anon",
			 strerror(err));
		return -err;
	}
	m->map_base = p;
	m->map_len = map_len;
	if (kind == WB_MEM_THP || kind == WB_MEM_MTHP)
		p = (char *)(((uintptr_t)p + page_size - 1) & ~(page_size - 1));
	m->addr = p;
	m->len = len;
	m->page_size = page_size;
	m->kind = kind;
	if (kind != WB_MEM_HUGETLB &&
	    madvise(p, len,
		    kind == WB_MEM_BASE ? MADV_NOHUGEPAGE : MADV_HUGEPAGE)) {
		int err = errno;

		snprintf(why, whylen, "madvise(%s) failed: %s",
			 kind == WB_MEM_BASE ? "MADV_NOHUGEPAGE"
					     : "MADV_HUGEPAGE",
			 strerror(err));
		wb_mem_free(m);
		return -err;
	}
	/* Fault every page in now: setup, never inside a timed region. A
	 * hugetlb pool that runs dry raises SIGBUS here, so it is populated
	 * with MAP_POPULATE semantics through madvise first. */
	if (kind == WB_MEM_HUGETLB && madvise(p, len, MADV_POPULATE_WRITE)) {
		int err = errno;

		snprintf(why, whylen,
			 "hugetlb pool for %zu-byte pages cannot back %zu "
			 "bytes: %s",
			 page_size, len, strerror(err));
		wb_mem_free(m);
		return -err;
	}
	for (size_t off = 0; off < len; off += WB_4K)
		((volatile char *)p)[off] = 1;
	return 0;
}

void wb_mem_free(struct wb_mem *m)
{
	if (m->map_base)
		munmap(m->map_base, m->map_len);
	memset(m, 0, sizeof(*m));
}

int wb_smaps_scan(uintptr_t start, uintptr_t end, struct wb_smaps_sum *s)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	int in = 0;

	memset(s, 0, sizeof(*s));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uintptr_t a, b;
		unsigned long long kb;

		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &a, &b) == 2 &&
		    strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = a < end && b > start;
			if (in) {
				s->overlap += (b < end ? b : end) -
					      (a > start ? a : start);
				s->vmas++;
			}
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "Rss: %llu kB", &kb) == 1)
			s->rss += kb << 10;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			s->anon_huge += kb << 10;
		else if (sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1 ||
			 sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1)
			s->hugetlb += kb << 10;
		else if (sscanf(line, "KernelPageSize: %llu kB", &kb) == 1) {
			s->non_4k_vmas += kb != 4;
			if (s->vmas == 1)
				s->kernel_page_size = kb << 10;
			else if (s->kernel_page_size != kb << 10)
				s->kernel_page_size = 0;
		}
	}
	fclose(f);
	return 0;
}

static int verify_smaps(const struct wb_mem *m, char *why, size_t whylen)
{
	struct wb_smaps_sum s;
	uintptr_t a = (uintptr_t)m->addr;
	int err = wb_smaps_scan(a, a + m->len, &s);

	if (err) {
		snprintf(why, whylen, "cannot read /proc/self/smaps: %s",
			 strerror(-err));
		return err;
	}
	if (s.overlap != m->len) {
		snprintf(why, whylen, "smaps covers %" PRIu64 " of %zu bytes",
			 s.overlap, m->len);
		return -EMEDIUMTYPE;
	}
	switch (m->kind) {
	case WB_MEM_BASE:
		if (s.anon_huge || s.kernel_page_size != WB_4K) {
			snprintf(why, whylen,
				 "%" PRIu64 " bytes of the 4K mapping are huge",
				 s.anon_huge);
			return -EMEDIUMTYPE;
		}
		return 0;
	case WB_MEM_THP:
		/* AnonHugePages counts PMD-mapped THPs only: a THP split
		 * back to PTEs would not be a 2M translation. */
		if (s.anon_huge < m->len) {
			snprintf(why, whylen,
				 "only %" PRIu64 " of %zu bytes are PMD-mapped "
				 "THPs (smaps AnonHugePages)",
				 s.anon_huge, m->len);
			return -EMEDIUMTYPE;
		}
		return 0;
	case WB_MEM_MTHP:
		/* a PMD-mapped THP would be a larger folio than asked */
		if (s.anon_huge || s.kernel_page_size != WB_4K) {
			snprintf(why, whylen,
				 "%" PRIu64 " bytes of the %zu-byte folio "
				 "mapping are PMD-mapped THPs",
				 s.anon_huge, m->page_size);
			return -EMEDIUMTYPE;
		}
		return 0;
	case WB_MEM_HUGETLB:
		if (s.kernel_page_size != m->page_size || s.hugetlb < m->len) {
			snprintf(why, whylen,
				 "hugetlb: KernelPageSize %" PRIu64 ", %" PRIu64
				 " of %zu bytes resident",
				 s.kernel_page_size, s.hugetlb, m->len);
			return -EMEDIUMTYPE;
		}
		return 0;
	}
	return -EINVAL;
}

/* Per page: present, and the kpageflags bits say what smaps only sums. */
static int verify_kpageflags(const struct wb_mem *m, char *why, size_t whylen)
{
	struct wb_pagemap pm;
	uint64_t bad = 0, pages = m->len / WB_4K, first_bad = 0;
	uint64_t e[512], f[512];
	int err = wb_pagemap_open(&pm, 0, true);

	if (err)
		return err;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t flags, pfn;
		int huge, ok;

		if (i % 512 == 0) {
			uint64_t n = pages - i < 512 ? pages - i : 512;

			err = wb_pagemap_read(
				&pm, (uintptr_t)m->addr + i * WB_4K, n, e);
			err = err ?: wb_pagemap_kflags_of(&pm, e, n, f);
			if (err)
				goto out;
		}
		flags = f[i % 512];
		if (flags == WB_KPF_ABSENT) {
			if (!bad++)
				first_bad = i;
			continue;
		}
		pfn = e[i % 512] & WB_PM_PFN_MASK;
		huge = m->kind == WB_MEM_THP ? WB_KPF_THP : WB_KPF_HUGE;
		if (m->kind == WB_MEM_BASE)
			ok = !(flags & (1ull << WB_KPF_THP)) &&
			     !(flags & (1ull << WB_KPF_HUGE));
		else
			/* a huge page starts on a frame aligned to its size */
			ok = (flags & (1ull << huge)) &&
			     (i % (m->page_size / WB_4K) != 0 ||
			      ((flags & (1ull << WB_KPF_COMPOUND_HEAD)) &&
			       pfn % (m->page_size / WB_4K) == 0));
		if (!ok && !bad++)
			first_bad = i;
	}
	if (bad) {
		snprintf(why, whylen,
			 "%" PRIu64 " of %" PRIu64
			 " 4K frames are not what a %zu-byte page needs (first "
			 "at +%" PRIu64 ")",
			 bad, pages, m->page_size,
			 (uint64_t)(first_bad * WB_4K));
		err = -EMEDIUMTYPE;
	}
out:
	wb_pagemap_close(&pm);
	return err;
}

/* Folio sizes show only in kpageflags: no fallback to smaps here. */
static int verify_folios(const struct wb_mem *m, char *how, size_t howlen,
			 char *why, size_t whylen)
{
	struct wb_folio_hist h;
	int err = wb_folio_hist((uintptr_t)m->addr, m->len, &h);

	if (err == -EPERM || err == -EACCES) {
		snprintf(why, whylen,
			 "a folio size shows only in /proc/kpageflags, which "
			 "needs root (CAP_SYS_ADMIN)");
		return err;
	}
	if (err) {
		snprintf(why, whylen, "cannot read pagemap/kpageflags: %s",
			 strerror(-err));
		return err;
	}
	snprintf(how, howlen, "pagemap+kpageflags+smaps");
	return wb_folio_hist_expect(&h, m->page_size, why, whylen);
}

int wb_mem_verify(const struct wb_mem *m, char *how, size_t howlen, char *why,
		  size_t whylen)
{
	int err = verify_smaps(m, why, whylen);

	snprintf(how, howlen, "smaps");
	if (err)
		return err;
	if (m->kind == WB_MEM_MTHP)
		return verify_folios(m, how, howlen, why, whylen);
	err = verify_kpageflags(m, why, whylen);
	if (err == -EPERM || err == -EACCES || err == -ENOENT) {
		/* PFNs hidden (not root): smaps alone has to do */
		why[0] = 0;
		return 0;
	}
	if (!err)
		snprintf(how, howlen, "pagemap+kpageflags+smaps");
	return err;
}
