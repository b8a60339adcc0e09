/* SPDX-License-Identifier: MIT */
/*
 * Is one instance's time a single number? Each pass measures it in a fresh
 * process with fresh memory; on a virtual machine the host decides per
 * process whether that memory sits on 4 KiB or 2 MiB host pages, and the
 * time of a 2D walk follows. A median over processes that fell into
 * different modes describes none of them, so an instance is first tested
 * for being stable, and a verb that compares times uses only stable ones.
 *
 * The test (harness/DESIGN.md, "Stability"): the samples are the
 * per-process medians m_1..m_n and, for each process with two or more
 * repetitions, the relative half-range of its repetitions w_i
 * ((max - min) / 2 / median). W is the median of the w_i (0 when every
 * process ran one repetition), the spread inside one process that its
 * repetitions show. The instance is unstable when
 *
 *	max(m) / min(m) > 1 + tau,   tau = max(WB_STABLE_MIN_TOL, K * W)
 *
 * i.e. processes differ by more than the floor and by more than K times
 * what repetitions inside one process differ by (the ratio of between- to
 * within-process spread). Its modes are the groups of sorted m split at
 * every gap between neighbours larger than 1 + tau / 2; when no such gap
 * exists the one group is a spread, not a mode. One process cannot be
 * judged (judged false). An unstable instance is resolved when each mode
 * holds at least two processes: a mode seen once may be a single accident.
 *
 * Outliers: with n >= 6 processes, up to floor(n / 6) of them, taken from
 * the fast end, the slow end or both, may be set aside when the others
 * then pass the test above. The instance is stable over the others (its
 * median, lo and hi are theirs) and the set-aside medians are recorded.
 * On a virtual machine a lone process 2-4x slower than eleven agreeing
 * ones is common (the host's doing); without this rule it made an
 * instance unstable in one run and not in the next, so two runs of the
 * same suite disagreed on a quarter of their verdicts. A mode held by
 * more than one process in six is never set aside.
 */
#ifndef WB_STABILITY_H
#define WB_STABILITY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The floor: on a quiet 2-vCPU KVM guest, huge_access points that are not
 * bimodal spread over processes by up to 1.22x (scan and chase, 4 MiB to
 * 1 GiB, three runs); bimodal ones by 1.6x to 5x. A floor of 20% called
 * some of the former unstable in one run and not the next.
 */
#define WB_STABLE_MIN_TOL 0.25
#define WB_STABLE_WITHIN_K 4.0
#define WB_MODES_MAX 4
/* at most one process in this many may be set aside as an outlier */
#define WB_OUTLIER_ONE_IN 6
#define WB_OUTLIERS_MAX 8
/* two stable times whose medians differ by less are "same" */
#define WB_SAME_FRAC 0.05
/* the one-sided level of wb_versus()'s U test */
#define WB_VERSUS_ALPHA 0.05
/* per-process medians a verdict keeps for wb_versus() */
#define WB_STABLE_KEEP 64

struct wb_mode {
	double median, lo, hi; /* of the per-process medians in the mode */
	size_t n; /* processes */
};

struct wb_stability {
	bool judged; /* two or more processes */
	bool stable; /* judged and within the tolerance; true when !judged */
	bool resolved; /* stable, or every mode has two or more processes */
	size_t n; /* processes */
	double median, lo, hi; /* over the per-process medians */
	double spread; /* hi / lo */
	double within; /* W */
	double tolerance; /* 1 + tau */
	size_t nmodes; /* 1 when stable; merged down to WB_MODES_MAX */
	struct wb_mode modes[WB_MODES_MAX]; /* fastest first */
	size_t noutliers; /* processes set aside (stable only) */
	double outliers[WB_OUTLIERS_MAX]; /* their medians, ascending */
	/* the per-process medians the verdict stands on, ascending: the
	 * outliers left out; past WB_STABLE_KEEP, evenly spaced ones */
	size_t nkept;
	double kept[WB_STABLE_KEEP];
};

/*
 * Tests the per-process medians @med[n] (positive) with the relative
 * half-ranges @within[n] of their repetitions (NAN for a process with one
 * repetition; @within may be NULL). -EINVAL when n is 0 or a median is not
 * positive.
 */
int wb_stability(const double *med, const double *within, size_t n,
		 struct wb_stability *out);

/*
 * One line for a table: "12.34" when stable ("12.34 (1 outlier: 48.1)"
 * with outliers set aside), else
 * "unstable (44.6 | 161.6..204.9)" with each mode's range and, with
 * @counts, its number of processes ("44.6 x1 | 161.6..204.9 x2").
 */
int wb_stability_text(const struct wb_stability *s, bool counts, char *buf,
		      size_t len);

/* How time @x compares with time @base (e.g. huge pages with base pages). */
enum wb_versus {
	WB_VS_FASTER,
	WB_VS_SAME,
	WB_VS_SLOWER,
	WB_VS_UNSTABLE, /* either is unstable: no verdict */
};

/*
 * Faster (slower) when the median of @x is more than WB_SAME_FRAC below
 * (above) that of @base and their processes say so: the kept per-process
 * medians of @x lie all below (above) those of @base, or a one-sided
 * Mann-Whitney U test of them gives p <= WB_VERSUS_ALPHA. Same otherwise,
 * i.e. within 5% or within what the processes spread over. Unstable when
 * either is; no ratio of such medians is a result.
 *
 * With three processes a side the two conditions are one (the exact
 * test's smallest p is 0.05); with six, one process of each side may
 * overlap the other's. The extremes alone decided before, and two runs of
 * `run huge --quick` (six processes) then split on 1-3 of 18 points whose
 * medians were 6-11% apart, with one process reaching across.
 */
enum wb_versus wb_versus(const struct wb_stability *base,
			 const struct wb_stability *x);
const char *wb_versus_name(enum wb_versus v);

#endif
