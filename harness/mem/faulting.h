/* SPDX-License-Identifier: MIT */
/*
 * Fresh anonymous mappings for fault kernels: 4K (MADV_NOHUGEPAGE) or THP
 * (2 MiB aligned, MADV_HUGEPAGE), not populated, and the loops that touch
 * one byte per unit. The touch loops are what fault kernels time.
 */
#ifndef WB_FAULTING_H
#define WB_FAULTING_H

#include "core/clock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wb_anon {
	char *addr;
	size_t len;
	void *map_base;
	size_t map_len;
};

/* Map @len bytes, not touched; @huge asks for THP. */
int wb_anon_map(struct wb_anon *a, size_t len, int huge);
void wb_anon_unmap(struct wb_anon *a);
/* Read / write one byte every @stride bytes of [p, p + len). */
uint64_t wb_touch_read(const char *p, size_t len, size_t stride);
void wb_touch_write(char *p, size_t len, size_t stride, char v);
/* "always", "madvise" or "never" from sysfs; -ENOENT without THP. */
int wb_thp_mode(char *buf, size_t len);
/* 0 when THP can back a 2M request here; else refuses @ctx naming why */
struct wb_ctx;
int wb_need_thp(struct wb_ctx *ctx);

/*
 * What a fault kernel's timed batches left, for check(): run() returns
 * nothing, so the first step that failed (that batch timed nothing) and
 * the batches whose region was not of the asked page size are kept here,
 * and the instance is refused instead of recorded ok.
 */
struct wb_batch_log {
	uint64_t batches, not_huge, not_base;
	int err; /* the first failed step's -errno */
	const char *step;
	char why[160]; /* the first verification that failed, and how */
};

/* Keeps @err (if any, and the first) with the @step that failed. */
void wb_batch_failed(struct wb_batch_log *b, int err, const char *step);
/* Counts one batch; @verify_err from its page-size reading (@why, @how). */
void wb_batch_verified(struct wb_batch_log *b, bool huge, int verify_err,
		       const char *why, const char *how);
/* 0, or refuses @ctx: failed naming the step, or untrusted naming the
 * page size (@size, "2M THPs") the batches did not get. */
int wb_batch_refuse(struct wb_ctx *ctx, const struct wb_batch_log *b,
		    const char *size);

#endif
