// SPDX-License-Identifier: MIT
/*
 * How often `policy` calls a policy significantly faster when none is:
 * every policy's run times drawn from one distribution, the stopping rule
 * (harness/settings/policy_stop.h) applied round after round as the verb
 * applies it, TRIALS times. Prints the share of trials that stopped
 * "significant", "no difference" and at the cap.
 *
 * Usage: policy_null POLICIES CAP TRIALS SPREAD, SPREAD 15 (1 + 0.2u +
 * 0.1u seconds, about +-15%) or 50 (1 + u seconds, +-50%).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/policy.h"
#include "settings/policy_stop.h"

#define MAX_POLICIES WB_POLICY_MAX
#define MAX_ROUNDS 100

/* xorshift64, a fixed seed: the figure is the same on every machine */
static double uniform(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (double)(*x >> 11) * 0x1p-53;
}

static struct wb_policy_sample runs[MAX_POLICIES][MAX_ROUNDS];

static int trial(int np, int spread, const struct wb_policy_plan *pl,
		 uint64_t *x, struct wb_policy_stop *st)
{
	struct wb_policy_summary sum[MAX_POLICIES];
	struct wb_policy_progress pr = { .budget_s = 1e9 };
	double base[MAX_ROUNDS];

	for (int r = 0; r < MAX_ROUNDS; r++) {
		for (int p = 0; p < np; p++) {
			struct wb_policy_sample *s = &runs[p][r];

			memset(s, 0, sizeof(*s));
			s->ok = true;
			s->wall_s = spread == 15 ? 1 + 0.2 * uniform(x) +
							   0.1 * uniform(x)
						 : 1 + uniform(x);
			s->cpu_s = s->wall_s;
		}
		base[r] = runs[0][r].wall_s;
		for (int p = 0; p < np; p++)
			if (wb_policy_summarize_at(
				    runs[p], r + 1, p ? base : NULL,
				    p ? r + 1 : 0, false, pl->conf, &sum[p]))
				return -1;
		pr.rounds = r + 1;
		if (wb_policy_adjust(sum, np) ||
		    wb_policy_stop_check(sum, np, pl, &pr, st))
			return -1;
		if (st->reason != WB_STOP_NONE)
			return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int np, cap, trials, spread, n[8] = { 0 };
	uint64_t x = 88172645463325252ull;
	struct wb_policy_plan pl;

	if (argc != 5)
		goto usage;
	np = atoi(argv[1]);
	cap = atoi(argv[2]);
	trials = atoi(argv[3]);
	spread = atoi(argv[4]);
	if (np < 2 || np > MAX_POLICIES || cap < 1 || cap > MAX_ROUNDS ||
	    trials < 1 || (spread != 15 && spread != 50))
		goto usage;
	if (wb_policy_plan(np - 1, cap, &pl)) {
		fprintf(stderr, "policy_null: no plan for %d policies\n", np);
		return 1;
	}
	for (int t = 0; t < trials; t++) {
		struct wb_policy_stop st;

		if (trial(np, spread, &pl, &x, &st)) {
			fprintf(stderr, "policy_null: the rule did not stop\n");
			return 1;
		}
		n[st.reason < 8 ? st.reason : 0]++;
	}
	printf("policies %d, +-%d%%, cap %d, %d trials: significant %.2f%%, "
	       "no difference %.2f%%, cap %.2f%%\n",
	       np, spread, cap, trials, 100.0 * n[WB_STOP_SIGNIFICANT] / trials,
	       100.0 * n[WB_STOP_NO_DIFFERENCE] / trials,
	       100.0 * n[WB_STOP_CAP] / trials);
	return 0;
usage:
	fprintf(stderr,
		"usage: policy_null POLICIES(2..%d) CAP(1..100) "
		"TRIALS SPREAD(15|50)\n",
		MAX_POLICIES);
	return 2;
}
