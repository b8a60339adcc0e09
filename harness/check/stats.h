/* SPDX-License-Identifier: MIT */
/*
 * Statistics over repetitions: order statistics, the Mann-Whitney U test,
 * the Hodges-Lehmann shift with its distribution-free (Moses) confidence
 * interval, and a change-point rule for knees in a curve.
 *
 * Inputs are never modified (functions sort private copies). Every function
 * returns 0 or -errno: -EINVAL for empty input or a bad argument, -ENOMEM.
 */
#ifndef WB_STATS_H
#define WB_STATS_H

#include <stdbool.h>
#include <stddef.h>

int wb_median(const double *x, size_t n, double *out);
/* Linear interpolation between order statistics (Hyndman-Fan type 7, the
 * default of R and numpy); q in [0, 1]. */
int wb_quantile(const double *x, size_t n, double q, double *out);
/* Mean after dropping floor(frac * n) values at each end; frac in [0, 0.5). */
int wb_trimmed_mean(const double *x, size_t n, double frac, double *out);

struct wb_mwu {
	double u_x; /* U of the first sample: pairs (x, y) with x > y, ties 1/2 */
	double u_y; /* n_x * n_y - u_x */
	double z; /* normal score (0 when exact) */
	double p; /* two-sided p-value */
	bool exact; /* p from the exact null distribution */
	bool ties;
};

/*
 * Two-sided Mann-Whitney U test of x against y. The p-value is exact (the
 * permutation distribution of U) when there are no ties and both samples
 * have at most WB_MWU_EXACT_MAX values; otherwise it is the normal
 * approximation with the tie-corrected variance and a continuity
 * correction of 1/2, as scipy.stats.mannwhitneyu computes it.
 */
#define WB_MWU_EXACT_MAX 30
int wb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		    struct wb_mwu *out);
/* The smallest two-sided p-value the test can give with these sample
 * sizes: 2 / C(nx + ny, nx) (all of one sample below all of the other). */
double wb_mwu_min_p(size_t nx, size_t ny);
/* The smallest n such that n repetitions on each side can reach alpha. */
size_t wb_mwu_reps_needed(double alpha);

/*
 * Holm's step-down adjustment of n p-values for testing them as one
 * family: adj[i] < alpha for some i happens with probability at most
 * alpha when no null hypothesis is false, whatever their dependence.
 * NaN p-values are left out of the family and stay NaN. @adj may be @p.
 */
int wb_holm(const double *p, size_t n, double *adj);

/*
 * Hodges-Lehmann estimate of the shift y - x (the median of all nx * ny
 * differences) and its Moses confidence interval at level conf: the k-th
 * smallest and k-th largest difference, k from the lower (1 - conf) / 2
 * quantile of U's null distribution (exact for small samples, normal
 * otherwise). *achieved gets the level actually covered, which is below
 * conf when the samples are too small to reach it (the interval is then
 * the full range of differences).
 */
int wb_hodges_lehmann(const double *x, size_t nx, const double *y, size_t ny,
		      double conf, double *est, double *lo, double *hi,
		      double *achieved);

/*
 * Knees of a curve sampled at evenly spaced x (e.g. log2 pages): indices i
 * where the curve leaves a plateau, i.e. the step from y[i] to y[i+1] is
 * a rise of more than WB_KNEE_MIN_RISE (relative) and more than 3 scaled
 * median absolute deviations above the median step (steps are compared as
 * log ratios, so the rule does not depend on the unit). Consecutive rising
 * steps are one knee, at the first. Returns the number of knees found (at
 * most cap) in *nk. y must be positive.
 */
#define WB_KNEE_MIN_RISE 0.10
int wb_knees(const double *y, size_t n, size_t *idx, size_t cap, size_t *nk);

#endif
