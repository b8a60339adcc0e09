// SPDX-License-Identifier: MIT
/*
 * Huge-vs-base pairs whose class is not settled: both sides stable, their
 * medians more than WB_SAME_FRAC apart, and their processes not saying so
 * (wb_versus() gives "same"). More processes of both sides, measured side
 * by side, settle it one way or the other; the runner gives them extra
 * passes as it does unstable instances (harness/DESIGN.md, "Side by
 * side").
 */
#include <math.h>
#include <string.h>

#include "check/stability.h"
#include "runner/undecided.h"

/* @a and @b agree on every parameter the check holds the same */
static bool same_point(const struct wb_instance *a, const struct wb_instance *b,
		       const struct wb_xcheck *x)
{
	for (size_t s = 0; s < WB_MAX_PARAMS && x->same[s]; s++) {
		int j = wb_param_index(a->kernel, x->same[s]);

		if (j < 0 || a->param[j] != b->param[j])
			return false;
	}
	return true;
}

static bool ok(const struct wb_results *res, size_t i)
{
	json_t *inst = json_array_get(res->instances, i);
	const char *st = json_string_value(json_object_get(inst, "status"));

	return st && !strcmp(st, "ok");
}

/* The base instance @h is compared with, or plan->n */
static size_t base_of(const struct wb_plan *plan, size_t h,
		      const struct wb_xcheck *x, int v)
{
	const struct wb_instance *in = &plan->inst[h];

	for (size_t b = 0; b < plan->n; b++)
		if (plan->inst[b].kernel == in->kernel &&
		    plan->inst[b].param[v] == x->base &&
		    same_point(&plan->inst[b], in, x))
			return b;
	return plan->n;
}

size_t wb_undecided_pairs(const struct wb_plan *plan, struct wb_results *res,
			  bool *mark)
{
	size_t n = 0;

	for (size_t h = 0; h < plan->n && h < json_array_size(res->instances);
	     h++) {
		const struct wb_xcheck *x = wb_kernel_versus(
			plan->inst[h].kernel);
		struct wb_stability sb, sh;
		int v = x ? wb_param_index(plan->inst[h].kernel, x->param) : -1;
		size_t b;

		if (v < 0 || plan->inst[h].param[v] == x->base)
			continue;
		b = base_of(plan, h, x, v);
		if (b >= json_array_size(res->instances) || !ok(res, b) ||
		    !ok(res, h) || wb_results_judge(res, b, &sb) ||
		    wb_results_judge(res, h, &sh) || !sb.judged || !sh.judged)
			continue;
		if (wb_versus(&sb, &sh) != WB_VS_SAME ||
		    fabs(sh.median / sb.median - 1) <= WB_SAME_FRAC)
			continue;
		mark[b] = mark[h] = true;
		n++;
	}
	return n;
}
