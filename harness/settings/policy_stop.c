// SPDX-License-Identifier: MIT
/*
 * The stopping rule of `walkbench policy` (policy_stop.h): pure, over the
 * summaries the caller computed after each round.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check/stats.h"
#include "settings/policy_stop.h"

int wb_policy_start_reps(int family)
{
	if (family < 1)
		return 1;
	return (int)wb_mwu_reps_needed(WB_POLICY_ALPHA / family);
}

int wb_policy_adjust(struct wb_policy_summary *sum, int n)
{
	double p[WB_POLICY_MAX];
	int err;

	if (n < 1 || n > WB_POLICY_MAX)
		return -EINVAL;
	if (n == 1)
		return 0;
	for (int i = 1; i < n; i++)
		p[i - 1] = sum[i].has_cmp ? sum[i].p_value : NAN;
	err = wb_holm(p, (size_t)(n - 1), p);
	if (err)
		return err;
	for (int i = 1; i < n; i++)
		sum[i].p_adj = sum[i].has_cmp ? p[i - 1] : NAN;
	return 0;
}

int wb_policy_leading(const struct wb_policy_summary *sum, int n)
{
	int lead = 0;

	for (int i = 1; i < n; i++) {
		const struct wb_policy_summary *s = &sum[i];

		/* a policy with a failed run is never recommended, so it
		 * cannot settle the question either */
		if (s->failed || !s->ok || !s->has_cmp)
			continue;
		if (!lead || s->metric_median_s < sum[lead].metric_median_s)
			lead = i;
	}
	return lead;
}

bool wb_policy_same(const struct wb_policy_summary *s)
{
	/* below 95% the interval is only the range of the differences,
	 * too little to claim that nothing is there */
	return s->has_cmp && s->conf >= 0.95 - 1e-9 &&
	       s->speedup_lo >= 1 - WB_POLICY_SAME &&
	       s->speedup_hi <= 1 + WB_POLICY_SAME;
}

static void say(struct wb_policy_stop *out, enum wb_policy_stop_reason r,
		const char *text)
{
	out->reason = r;
	snprintf(out->text, sizeof(out->text), "%s", text);
}

int wb_policy_stop_check(const struct wb_policy_summary *sum, int n,
			 const struct wb_policy_progress *pr,
			 struct wb_policy_stop *out)
{
	memset(out, 0, sizeof(*out));
	if (n < 1 || pr->rounds < 0 || pr->cap < 1 || !(pr->budget_s > 0))
		return -EINVAL;
	if (!pr->rounds)
		return 0;
	out->leading = wb_policy_leading(sum, n);
	if (!out->leading) {
		say(out, WB_STOP_NOTHING, "no policy left to compare");
		return 0;
	}
	if (pr->rounds >= pr->start) {
		const struct wb_policy_summary *l = &sum[out->leading];

		if (l->p_adj < WB_POLICY_ALPHA) {
			say(out, WB_STOP_SIGNIFICANT, "significant");
			return 0;
		}
		if (wb_policy_same(l)) {
			say(out, WB_STOP_NO_DIFFERENCE,
			    "no difference beyond 5%");
			return 0;
		}
	}
	if (pr->rounds >= pr->cap) {
		out->reason = WB_STOP_CAP;
		snprintf(out->text, sizeof(out->text),
			 "cap of %d repetitions reached", pr->cap);
		return 0;
	}
	/* the next round would most likely end past the budget */
	if (pr->elapsed_s + pr->round_max_s > pr->budget_s) {
		out->reason = WB_STOP_BUDGET;
		snprintf(out->text, sizeof(out->text),
			 "time budget of %g s used", pr->budget_s);
	}
	return 0;
}

const char *wb_policy_stop_word(enum wb_policy_stop_reason r)
{
	switch (r) {
	case WB_STOP_SIGNIFICANT:
		return "significant";
	case WB_STOP_NO_DIFFERENCE:
		return "no_difference";
	case WB_STOP_CAP:
		return "cap";
	case WB_STOP_BUDGET:
		return "budget";
	case WB_STOP_NOTHING:
		return "nothing_to_compare";
	default:
		return NULL;
	}
}
