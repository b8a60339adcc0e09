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

/* The looks of a plan whose first is at @first rounds, into @at; their
 * number. */
static int looks_from(int first, int cap, int *at)
{
	int n = 0;

	if (first >= cap) {
		at[0] = cap;
		return 1;
	}
	at[n++] = first;
	for (int k = 1; n < WB_POLICY_LOOKS_MAX - 1; k++) {
		int next = (int)ceil(first * pow(WB_POLICY_LOOK_GROWTH, k) -
				     1e-9);

		if (next <= at[n - 1])
			next = at[n - 1] + 1;
		/* a look just short of the cap would cost a level share
		 * and buy a round or two */
		if (next >= cap || next * WB_POLICY_LOOK_MERGE > cap)
			break;
		at[n++] = next;
	}
	at[n++] = cap;
	return n;
}

int wb_policy_plan(int family, int cap, struct wb_policy_plan *out)
{
	memset(out, 0, sizeof(*out));
	if (family < 1 || cap < 1)
		return -EINVAL;
	out->family = family;
	out->cap = cap;
	for (int first = 1; first <= cap; first++) {
		int n = looks_from(first, cap, out->at);

		/* the first look must be able to succeed: the smallest
		 * Holm-adjusted p is family times the smallest raw one */
		if (family * wb_mwu_min_p((size_t)first, (size_t)first) <
		    WB_POLICY_ALPHA / n) {
			out->n = n;
			out->reachable = true;
			break;
		}
	}
	if (!out->reachable)
		out->n = looks_from(cap, cap, out->at);
	out->alpha = WB_POLICY_ALPHA / out->n;
	out->conf = 1 - out->alpha;
	return 0;
}

int wb_policy_look_of(const struct wb_policy_plan *pl, int rounds)
{
	for (int i = 0; i < pl->n; i++)
		if (pl->at[i] == rounds)
			return i + 1;
	return 0;
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

bool wb_policy_same(const struct wb_policy_summary *s, double conf)
{
	/* below @conf the interval is only the range of the differences,
	 * too little to claim that nothing is there */
	return s->has_cmp && s->conf >= conf - 1e-9 &&
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
			 const struct wb_policy_plan *pl,
			 const struct wb_policy_progress *pr,
			 struct wb_policy_stop *out)
{
	const struct wb_policy_summary *l;
	bool cap, budget;

	memset(out, 0, sizeof(*out));
	if (n < 1 || !pl || pl->n < 1 || pl->n > WB_POLICY_LOOKS_MAX ||
	    pl->cap < 1 || !(pl->alpha > 0) || pr->rounds < 0 ||
	    !(pr->budget_s > 0))
		return -EINVAL;
	if (!pr->rounds)
		return 0;
	out->leading = wb_policy_leading(sum, n);
	if (!out->leading) {
		say(out, WB_STOP_NOTHING, "no policy left to compare");
		return 0;
	}
	cap = pr->rounds >= pl->cap;
	/* the next round would most likely end past the budget */
	budget = !cap && pr->elapsed_s + pr->round_max_s > pr->budget_s;
	out->look = wb_policy_look_of(pl, pr->rounds);
	if (!out->look && budget && pr->rounds >= pl->at[0]) {
		/* the last round is one more look in place of the planned
		 * ones it will not reach: still at most pl->n in all */
		out->look = 1;
		for (int i = 0; i < pl->n && pl->at[i] < pr->rounds; i++)
			out->look++;
	}
	l = &sum[out->leading];
	if (out->look && l->p_adj < pl->alpha) {
		say(out, WB_STOP_SIGNIFICANT, "significant");
		return 0;
	}
	if (out->look && wb_policy_same(l, pl->conf)) {
		say(out, WB_STOP_NO_DIFFERENCE, "no difference beyond 5%");
		return 0;
	}
	if (cap) {
		out->reason = WB_STOP_CAP;
		snprintf(out->text, sizeof(out->text),
			 "cap of %d repetitions reached", pl->cap);
	} else if (budget) {
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
