/* SPDX-License-Identifier: MIT */
/* Huge-vs-base pairs a few more processes may still decide. */
#ifndef WB_UNDECIDED_H
#define WB_UNDECIDED_H

#include <stdbool.h>
#include <stddef.h>

#include "results/results.h"
#include "runner/plan.h"

/*
 * Marks in @mark[plan->n] both instances of every huge-vs-base pair
 * (WB_XCHECK_HUGE_VS_BASE) of @res that is undecided: both ok and
 * stable, their medians more than WB_SAME_FRAC apart, and wb_versus()
 * "same" because their processes do not say so. Returns the pairs marked.
 */
size_t wb_undecided_pairs(const struct wb_plan *plan, struct wb_results *res,
			  bool *mark);

#endif
