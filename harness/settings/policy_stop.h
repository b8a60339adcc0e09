/* SPDX-License-Identifier: MIT */
/*
 * When `walkbench policy` has repeated enough: a pure rule over the
 * per-policy summaries, so that it can be tested on made-up samples.
 *
 * Repetitions go in rounds (every policy once per round). The first
 * wb_policy_start_reps() rounds are always run: fewer could not reach
 * WB_POLICY_ALPHA after Holm's adjustment whatever the times. After each
 * round the leading policy (the fastest by median among those whose every
 * run succeeded) decides: stop when its Holm-adjusted p is below
 * WB_POLICY_ALPHA, or when the interval of its speed-up lies within
 * 1 -+ WB_POLICY_SAME; else at the cap of rounds, or when another round
 * would not fit in the time budget.
 */
#ifndef WB_POLICY_STOP_H
#define WB_POLICY_STOP_H

#include <stddef.h>

#include "settings/policy.h"

/* A speed-up whose whole interval lies within 1 -+ this is no difference
 * worth having. */
#define WB_POLICY_SAME 0.05

enum wb_policy_stop_reason {
	WB_STOP_NONE, /* go on with another round */
	WB_STOP_SIGNIFICANT,
	WB_STOP_NO_DIFFERENCE,
	WB_STOP_CAP,
	WB_STOP_BUDGET,
	/* every policy but current failed a run or could not be applied:
	 * more rounds cannot change the outcome */
	WB_STOP_NOTHING,
};

/* Where the repetitions are, as the caller counts them. */
struct wb_policy_progress {
	int rounds; /* rounds done */
	int start; /* rounds before the first test (wb_policy_start_reps) */
	int cap; /* --reps: the most rounds */
	double elapsed_s; /* spent measuring so far */
	double round_max_s; /* the longest round so far */
	double budget_s; /* --budget */
};

struct wb_policy_stop {
	enum wb_policy_stop_reason reason;
	int leading; /* index of the leading policy; 0 when there is none */
	char text[96]; /* "significant", "cap of 30 repetitions reached", ... */
};

/*
 * The fewest repetitions per policy for which @family comparisons with
 * current can reach WB_POLICY_ALPHA after Holm: the smallest Holm-adjusted
 * p is family * 2 / C(2n, n). At least 1.
 */
int wb_policy_start_reps(int family);

/*
 * Holm-adjust the p-values of @sum[1..n-1] against current as one family
 * (those with a comparison) into p_adj. -EINVAL when n < 1.
 */
int wb_policy_adjust(struct wb_policy_summary *sum, int n);

/* The fastest policy by median (not current) whose every run succeeded and
 * that has a comparison with current; 0 when there is none. */
int wb_policy_leading(const struct wb_policy_summary *sum, int n);

/* True when the speed-up interval of @s lies within 1 -+ WB_POLICY_SAME at
 * a level of at least 95%. */
bool wb_policy_same(const struct wb_policy_summary *s);

/*
 * Decide after a round from @sum (summarized and adjusted, index 0 =
 * current) and @pr. -EINVAL on a bad argument.
 */
int wb_policy_stop_check(const struct wb_policy_summary *sum, int n,
			 const struct wb_policy_progress *pr,
			 struct wb_policy_stop *out);

/* The stop reason as a JSON word: "significant", "no_difference", "cap",
 * "budget", "nothing_to_compare"; NULL for WB_STOP_NONE. */
const char *wb_policy_stop_word(enum wb_policy_stop_reason r);

#endif
