/* SPDX-License-Identifier: MIT */
/*
 * When `walkbench policy` has repeated enough: a pure rule over the
 * per-policy summaries, so that it can be tested on made-up samples.
 *
 * Repetitions go in rounds (every policy once per round). The leading
 * policy (the fastest by median among those whose every run succeeded) is
 * tested only at planned looks, fixed before the first run from the
 * family size and the cap alone (wb_policy_plan): L looks at round counts
 * growing by WB_POLICY_LOOK_GROWTH, the last at the cap, each at the level
 * WB_POLICY_ALPHA / L. Testing after every round and stopping at the first
 * success would make a false "significant" far likelier than
 * WB_POLICY_ALPHA; with L looks at alpha / L each, the union bound keeps
 * it at most WB_POLICY_ALPHA whatever the dependence between the looks.
 *
 * At a look: stop when the leading policy's Holm-adjusted p is below the
 * level per look, or when its speed-up interval, at the matching
 * confidence 1 - alpha / L, lies within 1 -+ WB_POLICY_SAME. The cap is
 * the last look; a round that would end past the time budget is not
 * started, and the round before it is then taken as one more look (at the
 * same level: it replaces the looks not reached, so there are never more
 * than L).
 */
#ifndef WB_POLICY_STOP_H
#define WB_POLICY_STOP_H

#include <stddef.h>

#include "settings/policy.h"

/* A speed-up whose whole interval lies within 1 -+ this is no difference
 * worth having. */
#define WB_POLICY_SAME 0.05

/* Each planned look is this many times the rounds of the one before
 * (rounded up); a look that would fall within WB_POLICY_LOOK_MERGE of the
 * cap is left to the cap, so that two looks are never a round apart. */
#define WB_POLICY_LOOK_GROWTH 1.5
#define WB_POLICY_LOOK_MERGE 1.25
#define WB_POLICY_LOOKS_MAX 16

/* The looks planned before the first round. */
struct wb_policy_plan {
	int family; /* policies compared with current (Holm's family) */
	int cap; /* --reps: the most rounds, and the last look */
	int n; /* looks planned, L */
	int at[WB_POLICY_LOOKS_MAX]; /* rounds at each look, increasing */
	double alpha; /* the level per look: WB_POLICY_ALPHA / n */
	double conf; /* the speed-up interval's level: 1 - alpha */
	/* false when even the cap is too few repetitions for p < alpha
	 * after Holm: the plan is then the one look at the cap */
	bool reachable;
};

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
	double elapsed_s; /* spent measuring so far */
	double round_max_s; /* the longest round so far */
	double budget_s; /* --budget */
};

struct wb_policy_stop {
	enum wb_policy_stop_reason reason;
	int leading; /* index of the leading policy; 0 when there is none */
	/* the look this round is (1-based) when it is one, else 0: a
	 * planned round count, or the last round before the budget */
	int look;
	char text[96]; /* "significant", "cap of 30 repetitions reached", ... */
};

/*
 * Plan the looks for @family comparisons with current and at most @cap
 * rounds. The first look is the fewest rounds n for which
 * family * 2 / C(2n, n), the smallest Holm-adjusted p, is below the level
 * per look of the plan that starts at n; the next ones grow by
 * WB_POLICY_LOOK_GROWTH up to the cap. -EINVAL when @family or @cap is
 * below 1 or @cap above 1000.
 */
int wb_policy_plan(int family, int cap, struct wb_policy_plan *out);

/* The number of the look (1-based) that round @rounds is in @pl, or 0
 * when it is not a planned look. */
int wb_policy_look_of(const struct wb_policy_plan *pl, int rounds);

/*
 * Holm-adjust the p-values of @sum[1..n-1] against current as one family
 * (those with a comparison) into p_adj. -EINVAL when n < 1.
 */
int wb_policy_adjust(struct wb_policy_summary *sum, int n);

/* The fastest policy by median (not current) whose every run succeeded and
 * that has a comparison with current; 0 when there is none. */
int wb_policy_leading(const struct wb_policy_summary *sum, int n);

/* True when the speed-up interval of @s lies within 1 -+ WB_POLICY_SAME at
 * a level of at least @conf. */
bool wb_policy_same(const struct wb_policy_summary *s, double conf);

/*
 * Decide after a round from @sum (summarized with intervals at
 * @pl->conf and adjusted, index 0 = current), the plan @pl and @pr.
 * -EINVAL on a bad argument.
 */
int wb_policy_stop_check(const struct wb_policy_summary *sum, int n,
			 const struct wb_policy_plan *pl,
			 const struct wb_policy_progress *pr,
			 struct wb_policy_stop *out);

/* The stop reason as a JSON word: "significant", "no_difference", "cap",
 * "budget", "nothing_to_compare"; NULL for WB_STOP_NONE. */
const char *wb_policy_stop_word(enum wb_policy_stop_reason r);

#endif
