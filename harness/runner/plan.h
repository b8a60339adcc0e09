/* SPDX-License-Identifier: MIT */
/*
 * The plan: which (kernel, parameters) instances a run measures, in order.
 * Parameters the user did not set are swept as their wb_param says.
 */
#ifndef WB_PLAN_H
#define WB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runner/kernel.h"

struct wb_instance {
	const struct wb_kernel *kernel;
	uint64_t param[WB_MAX_PARAMS];
	char name[160]; /* "kernel/param:value/..." */
};

struct wb_plan {
	struct wb_instance *inst;
	size_t n, cap;
};

struct wb_override {
	const struct wb_kernel *kernel; /* NULL: every kernel with the name */
	char name[32];
	uint64_t value;
};

/* Adds every instance of @k. @err names a bad override (-EINVAL/-ERANGE). */
int wb_plan_add_kernel(struct wb_plan *plan, const struct wb_kernel *k,
		       bool quick, const struct wb_override *ov, size_t nov,
		       char *err, size_t errlen);
void wb_plan_free(struct wb_plan *plan);

/* The values a sweep takes: @per_octave points per doubling in [lo, hi],
 * every power of two included. Returns the count, at most @max. */
size_t wb_sweep(uint64_t lo, uint64_t hi, unsigned int per_octave,
		uint64_t *out, size_t max);

/* Parses a value for @p: sizes and page sizes take K/M/G suffixes. */
int wb_param_parse(const struct wb_param *p, const char *s, uint64_t *v);
/* Formats a value for names and JSON ("4K" for unit "pagesize"). */
const char *wb_param_format(const struct wb_param *p, uint64_t v, char *buf,
			    size_t len);
/* Fills ctx->kernel and ctx->param from @in. */
void wb_instance_ctx(const struct wb_instance *in, struct wb_ctx *ctx);

#endif
