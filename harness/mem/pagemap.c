// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "mem/pagemap.h"

#define PAGE 4096u

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
	return read_entries(p->pm, addr / PAGE, n, entries);
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
