// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem/pagemap.h"

/* pagemap has one entry per base page of the running kernel: 4K on x86-64
 * and with arm64's 4K granule, 16K or 64K with the others */
static uint64_t base_page(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096;
}

static int open_kpageflags(void)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int wb_pagemap_open(struct wb_pagemap *p, pid_t pid, bool kflags)
{
	char path[64];
	int err;

	p->kf = -1;
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	p->pm = open(path, O_RDONLY | O_CLOEXEC);
	if (p->pm < 0)
		return -errno;
	if (!kflags)
		return 0;
	p->kf = open_kpageflags();
	if (p->kf >= 0)
		return 0;
	err = p->kf;
	p->kf = -1;
	close(p->pm);
	p->pm = -1;
	return err;
}

void wb_pagemap_close(struct wb_pagemap *p)
{
	if (p->pm >= 0)
		close(p->pm);
	if (p->kf >= 0)
		close(p->kf);
	p->pm = p->kf = -1;
}

/* Entries of 8 bytes from @index on; a short read goes on where it ended. */
static int read_entries(int fd, uint64_t index, size_t n, uint64_t *v)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = pread(fd, v + done, (n - done) * sizeof(*v),
				  (off_t)((index + done) * sizeof(*v)));

		if (r <= 0 || r % sizeof(*v))
			return r < 0 ? -errno : -EIO;
		done += (size_t)r / sizeof(*v);
	}
	return 0;
}

int wb_pagemap_read(const struct wb_pagemap *p, uintptr_t addr, size_t n,
		    uint64_t *entries)
{
	return read_entries(p->pm, addr / base_page(), n, entries);
}

int wb_pagemap_frame(uint64_t e, uint64_t *pfn)
{
	*pfn = e & WB_PM_PFN_MASK;
	if (!(e & WB_PM_PRESENT))
		return -ENOENT;
	return *pfn ? 0 : -EPERM;
}

int wb_pagemap_kflags(const struct wb_pagemap *p, uint64_t pfn, uint64_t *flags)
{
	return read_entries(p->kf, pfn, 1, flags);
}

int wb_pagemap_kflags_of(const struct wb_pagemap *p, const uint64_t *e,
			 size_t n, uint64_t *flags)
{
	size_t i = 0;

	while (i < n) {
		uint64_t pfn, next;
		size_t run = 1;
		int err = wb_pagemap_frame(e[i], &pfn);

		if (err == -ENOENT) {
			flags[i++] = WB_KPF_ABSENT;
			continue;
		}
		if (err)
			return err;
		while (i + run < n && !wb_pagemap_frame(e[i + run], &next) &&
		       next == pfn + run)
			run++;
		err = read_entries(p->kf, pfn, run, flags + i);
		if (err)
			return err;
		i += run;
	}
	return 0;
}

int wb_pagemap_present(uintptr_t addr, size_t n, uint64_t *present)
{
	struct wb_pagemap p;
	uint64_t e[512];
	int err = wb_pagemap_open(&p, 0, false);

	*present = 0;
	/* a bounded buffer, whatever the range's size */
	for (size_t done = 0; !err && done < n;) {
		size_t k = n - done < 512 ? n - done : 512;

		err = wb_pagemap_read(&p, addr + done * base_page(), k, e);
		for (size_t i = 0; !err && i < k; i++)
			*present += !!(e[i] & WB_PM_PRESENT);
		done += k;
	}
	wb_pagemap_close(&p);
	return err;
}

int wb_pagemap_pfn(const void *addr, uint64_t *pfn)
{
	struct wb_pagemap p;
	uint64_t e;
	int err = wb_pagemap_open(&p, 0, false);

	if (err)
		return err;
	err = wb_pagemap_read(&p, (uintptr_t)addr, 1, &e);
	wb_pagemap_close(&p);
	return err ? err : wb_pagemap_frame(e, pfn);
}

int wb_kpageflags(uint64_t pfn, uint64_t *flags)
{
	int fd = open_kpageflags();
	int err;

	if (fd < 0)
		return fd;
	err = read_entries(fd, pfn, 1, flags);
	close(fd);
	return err;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Heads among the frames of e[0..n <= 512), appended to @out. */
static int heads_in(const struct wb_pagemap *p, const uint64_t *e, size_t n,
		    uint64_t *out, size_t *nout)
{
	const uint64_t want = (1ull << WB_KPF_THP) | (1ull << WB_KPF_HUGE);
	uint64_t flags[512];
	int err = wb_pagemap_kflags_of(p, e, n, flags);

	for (size_t k = 0; !err && k < n; k++)
		if (flags[k] != WB_KPF_ABSENT &&
		    (flags[k] & (1ull << WB_KPF_COMPOUND_HEAD)) &&
		    (flags[k] & want))
			out[(*nout)++] = e[k] & WB_PM_PFN_MASK;
	return err;
}

int wb_pagemap_huge_heads(uintptr_t addr, size_t len, uint64_t *heads)
{
	size_t pages = len / base_page(), nout = 0, distinct = 0;
	uint64_t e[512], *out = malloc((pages ? pages : 1) * sizeof(*out));
	struct wb_pagemap p;
	int err;

	if (!out)
		return -ENOMEM;
	err = wb_pagemap_open(&p, 0, true);
	for (size_t i = 0; i < pages && !err; i += 512) {
		size_t n = pages - i < 512 ? pages - i : 512;

		err = wb_pagemap_read(&p, addr + i * base_page(), n, e);
		err = err ?: heads_in(&p, e, n, out, &nout);
	}
	if (!err) {
		/* a frame mapped twice in the range is one huge page */
		qsort(out, nout, sizeof(*out), cmp_u64);
		for (size_t i = 0; i < nout; i++)
			distinct += !i || out[i] != out[i - 1];
		*heads = distinct;
	}
	wb_pagemap_close(&p);
	free(out);
	return err;
}
