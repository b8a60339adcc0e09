// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem/mem.h"
#include "mem/pfns.h"

int wb_pfns(pid_t pid, const void *addr, size_t n, uint64_t *pfns)
{
	char path[64];
	uint64_t buf[512];
	uintptr_t page = (uintptr_t)addr / 4096;
	int fd, err = 0;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < n && !err;) {
		size_t want = n - done < 512 ? n - done : 512;
		ssize_t r = pread(fd, buf, want * 8,
				  (off_t)((page + done) * sizeof(buf[0])));

		if (r <= 0) {
			err = r < 0 ? -errno : -EIO;
			break;
		}
		for (size_t i = 0; i < (size_t)r / 8; i++) {
			uint64_t e = buf[i];

			pfns[done + i] = (e & WB_PM_PRESENT)
						 ? e & WB_PM_PFN_MASK
						 : 0;
			if ((e & WB_PM_PRESENT) && !(e & WB_PM_PFN_MASK))
				err = -EPERM;
		}
		done += (size_t)r / 8;
	}
	close(fd);
	return err;
}

int wb_kpageflags(uint64_t pfn, uint64_t *flags)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = pread(fd, flags, sizeof(*flags), (off_t)(pfn * sizeof(*flags)));
	close(fd);
	if (r == sizeof(*flags))
		return 0;
	return r < 0 ? -errno : -EIO;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t wb_count_distinct(const uint64_t *v, size_t n)
{
	uint64_t *s = malloc(n * sizeof(*s) + 1);
	size_t d = 0;

	if (!s)
		return 0;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (s[i] && (i == 0 || s[i] != s[i - 1]))
			d++;
	free(s);
	return d;
}
