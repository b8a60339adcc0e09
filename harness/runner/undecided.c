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

#include "check/stability.h"
#include "runner/undecided.h"

size_t wb_undecided_pairs(const struct wb_plan *plan, struct wb_results *res,
			  bool *mark)
{
	size_t n = 0, nres = json_array_size(res->instances), judged = plan->n;
	struct wb_stability sb, sh;
	int err_b = 0;

	for (size_t h = 0; h < plan->n && h < nres; h++) {
		size_t b = wb_plan_base_of(plan, h);

		if (b >= plan->n || b >= nres || !wb_results_ok(res, b) ||
		    !wb_results_ok(res, h))
			continue;
		/* the plan puts a base's partners right after it: each base
		 * is judged once, not once per partner */
		if (b != judged) {
			err_b = wb_results_judge(res, b, &sb);
			judged = b;
		}
		if (err_b || wb_results_judge(res, h, &sh) || !sb.judged ||
		    !sh.judged)
			continue;
		if (wb_versus(&sb, &sh) != WB_VS_SAME ||
		    fabs(sh.median / sb.median - 1) <= WB_SAME_FRAC)
			continue;
		mark[b] = mark[h] = true;
		n++;
	}
	return n;
}
