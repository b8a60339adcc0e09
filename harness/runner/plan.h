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

/*
 * Which points of the parameters a run measures. The functional grid is
 * for machines whose timings are not results (an emulated guest): of the
 * quick sweep it keeps every choice of a parameter with choices[] and, of
 * each swept numeric parameter, what its wb_param.functional says (the
 * smallest and largest admitted values, or the smallest), for each
 * combination of the other parameters. A parameter fixed with --param is
 * kept as given.
 */
enum wb_grid {
	WB_GRID_SWEEP,
	WB_GRID_FUNCTIONAL,
};

#define WB_GRID_EMULATED_WHY                                                   \
	"emulated: timings are not results; the fewest points that "           \
	"exercise every fact and check"

const char *wb_grid_name(enum wb_grid g);
/* -EINVAL for a name that is no grid */
int wb_grid_parse(const char *s, enum wb_grid *g);
/*
 * The grid of a run that asks for none, and in *why the reason the
 * results give for it: functional for a quick run on an emulated machine,
 * else the sweep. The one place the rule is stated.
 */
enum wb_grid wb_grid_default(bool quick, bool emulated, const char **why);
/* wb_plan_add_kernel() on @grid; the functional grid is a quick one */
int wb_plan_add_grid(struct wb_plan *plan, const struct wb_kernel *k,
		     bool quick, enum wb_grid grid,
		     const struct wb_override *ov, size_t nov, char *err,
		     size_t errlen);
void wb_plan_free(struct wb_plan *plan);
/*
 * The instance of @plan that instance @i is compared with by its kernel's
 * huge-vs-base check (wb_kernel_versus()): the base-page instance at the
 * same point. plan->n when @i has no such check or is itself the base.
 */
size_t wb_plan_base_of(const struct wb_plan *plan, size_t i);

/* The values a sweep takes: @per_octave points per doubling in [lo, hi],
 * every power of two included. Returns the count, at most @max. */
size_t wb_sweep(uint64_t lo, uint64_t hi, unsigned int per_octave,
		uint64_t *out, size_t max);

/* Parses a value for @p: sizes and page sizes take K/M/G suffixes. */
int wb_param_parse(const struct wb_param *p, const char *s, uint64_t *v);
/* Formats a value for names and JSON ("4K" for unit "pagesize"). */
const char *wb_param_format(const struct wb_param *p, uint64_t v, char *buf,
			    size_t len);
/* "a|b|c": the names of @p's choices, "" when it names none; the length */
size_t wb_param_names(const struct wb_param *p, char *buf, size_t len);
/*
 * A value of parameter @param of @k as written now: a number its names
 * table names becomes the name (old results files wrote numbers), other
 * values are copied as they are. The one place readers map old values.
 */
int wb_param_canonical(const struct wb_kernel *k, const char *param,
		       const char *value, char *buf, size_t len);
/* A value of parameter @param of @k read from a file: a name of its table
 * (any case), else a number or size; -EINVAL when it is neither. */
int wb_param_value(const struct wb_kernel *k, const char *param, const char *s,
		   uint64_t *v);
/* wb_param_canonical() over each value of an instance name
 * "kernel/param:value/..." (a name of no kernel is copied) */
int wb_name_canonical(const char *name, char *buf, size_t len);
/* Fills ctx->kernel and ctx->param from @in. */
void wb_instance_ctx(const struct wb_instance *in, struct wb_ctx *ctx);

#endif
