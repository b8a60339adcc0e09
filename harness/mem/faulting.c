// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/sysfs.h"
#include "mem/faulting.h"
#include "runner/kernel.h"
#include "mem/mem.h"

int wb_anon_map(struct wb_anon *a, size_t len, int huge)
{
	size_t align = huge ? WB_2M : WB_4K;
	char *p;

	memset(a, 0, sizeof(*a));
	len = (len + align - 1) & ~(align - 1);
	a->map_len = len + (huge ? WB_2M : 0);
	p = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a->map_base = p;
	a->addr = (char *)(((uintptr_t)p + align - 1) &
			   ~(uintptr_t)(align - 1));
	a->len = len;
	if (madvise(a->addr, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
		int err = -errno;

		wb_anon_unmap(a);
		return err;
	}
	return 0;
}

void wb_anon_unmap(struct wb_anon *a)
{
	if (a->map_base)
		munmap(a->map_base, a->map_len);
	memset(a, 0, sizeof(*a));
}

uint64_t wb_touch_read(const char *p, size_t len, size_t stride)
{
	uint64_t sum = 0;

	for (size_t off = 0; off < len; off += stride)
		sum += ((const volatile char *)p)[off];
	return sum;
}

void wb_touch_write(char *p, size_t len, size_t stride, char v)
{
	for (size_t off = 0; off < len; off += stride)
		((volatile char *)p)[off] = v;
}

int wb_thp_mode(char *buf, size_t len)
{
	return wb_sysfs_word("/sys/kernel/mm/transparent_hugepage/enabled", buf,
			     len);
}

int wb_need_thp(struct wb_ctx *ctx)
{
	char mode[16];

	if (wb_thp_mode(mode, sizeof(mode)) || !strcmp(mode, "never"))
		return wb_refuse(
			ctx, WB_MISSING, ENOTSUP,
			"transparent huge pages are disabled "
			"(/sys/kernel/mm/transparent_hugepage/enabled)");
	return 0;
}

void wb_batch_failed(struct wb_batch_log *b, int err, const char *step)
{
	if (err && !b->err) {
		b->err = err;
		b->step = step;
	}
}

void wb_batch_verified(struct wb_batch_log *b, bool huge, int verify_err,
		       const char *why, const char *how)
{
	b->batches++;
	if (!verify_err)
		return;
	if (huge)
		b->not_huge++;
	else
		b->not_base++;
	if (!b->why[0])
		snprintf(b->why, sizeof(b->why), "%.110s (%.40s)", why, how);
}

int wb_batch_refuse(struct wb_ctx *ctx, const struct wb_batch_log *b,
		    const char *size)
{
	if (b->err)
		return wb_refuse(ctx, WB_FAILED, b->err,
				 "a timed batch failed at %s: %s", b->step,
				 strerror(abs(b->err)));
	if (!b->batches)
		return wb_refuse(ctx, WB_FAILED, ENODATA,
				 "no timed batch was prepared");
	if (b->not_huge || b->not_base)
		return wb_refuse(
			ctx, WB_UNTRUSTED, EMEDIUMTYPE,
			"%llu of %llu timed batches were not %s: %s",
			(unsigned long long)(b->not_huge + b->not_base),
			(unsigned long long)b->batches, size, b->why);
	return 0;
}
