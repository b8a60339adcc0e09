/* SPDX-License-Identifier: MIT */
/*
 * Knee finding for latency curves, and the measured TLB geometry.
 *
 * A curve is n points x[i] (page counts, ascending), each measured reps
 * times (y[i * reps + r]). Knees are the upward steps of a piecewise
 * constant fit: optimal partitioning minimising the squared error of the
 * per-point low quantiles (wb_cp_low_quantile) plus a penalty per segment (see bench/DETECT.md); a run
 * of rising segments is one knee. A sharp knee's position is the last point
 * below 20% of the step (the pages that all still hit); a gradual one's
 * the last point below half the step. Its confidence is the fraction of
 * bootstrap curves (each point's median redrawn from its own repeats) that
 * put the knee at the same point.
 */
#ifndef WB_DETECT_H
#define WB_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WB_KNEES_MAX 8

struct wb_knee {
	size_t idx; /* index of the last point at the lower level */
	double x; /* x[idx] */
	double x_next; /* x[idx + 1]: the knee lies in [x, x_next) */
	double low, high; /* segment levels either side (median of points) */
	double confidence; /* 0..1 */
	bool gradual; /* the rise spans more than one sweep step */
};

/*
 * Segments @y (n values) into constant pieces. cuts[] gets the index of the
 * first point of every segment after the first, ascending. @penalty is in
 * squared units of y per added segment. -EINVAL for n == 0.
 */
int wb_cp_segment(const double *y, size_t n, double penalty, size_t *cuts,
		  size_t maxcuts, size_t *ncuts);
/* Robust noise estimate: MAD of successive differences / sqrt(2). */
double wb_cp_noise(const double *y, size_t n);

/*
 * Upward knees of a repeated curve whose step is at least @min_step (units
 * of y). @log_scale segments log(y) (for raw timings, whose noise grows
 * with the level; y > 0). @seed drives the bootstrap. out[] gets up to
 * WB_KNEES_MAX knees in x order. -EINVAL for n < 4 or reps == 0, -ENOMEM.
 */
int wb_cp_knees(const double *x, const double *y, size_t n, size_t reps,
		double min_step, bool log_scale, uint64_t seed,
		struct wb_knee *out, size_t *nout);
/* Same on a single (already summarised) curve, no confidence (set to 1). */
int wb_cp_knees_1(const double *x, const double *y, size_t n, double min_step,
		  bool log_scale, struct wb_knee *out, size_t *nout);

/* Steps smaller than this (ns per access) are not called a TLB level. */
#define WB_KNEE_MIN_STEP_NS 0.5
/* No first-level DTLB has more entries than this. */
#define WB_L1_MAX_ENTRIES 256

/*
 * Which knees are the L1 DTLB and the L2 TLB: the first at or below
 * @l1_max pages is the L1's; the L2's is the first step after it that is at
 * least half as high as the largest (smaller ones are cache effects or
 * noise, later ones the walk running out of caches); with @ncache > 0, the
 * first after it that is not a cache's. A chase with one line per page holds
 * N lines at N pages, so on a curve without a cache control a knee whose
 * interval meets [lines / 2, 1.25 lines] of a cache in @cache_lines is
 * that cache's, never a TLB's. -1 where none.
 */
void wb_cp_knees_assign(const struct wb_knee *k, size_t nk, double l1_max,
			const double *cache_lines, size_t ncache, int *l1,
			int *l2);

double wb_cp_median(double *v, size_t n); /* sorts v; NaN for n == 0 */
/* Element (n-1)/8 of sorted v (the minimum below 9 values): a summary
 * that ignores repeats slowed by other work on the machine. */
double wb_cp_low_quantile(double *v, size_t n);

/* One measured figure. */
struct wb_figure {
	bool found;
	double value, confidence;
	double resolution; /* the knee lies below value + resolution */
	bool gradual; /* see struct wb_knee */
	char why[160]; /* when !found */
};

/* Associativity from conflict patterns; ways 0: not inferred. */
struct wb_assoc {
	int ways, sets;
	char how[200]; /* the capacities seen, or why none */
};

struct wb_geometry {
	struct wb_figure l1_4k, l2_4k, l1_2m, l2_2m;
	double l1_hit_ns; /* chase ns/access while the L1 DTLB holds all */
	double l2_hit_extra_ns; /* L1 DTLB miss that hits the L2 TLB */
	double walk_extra_ns; /* L2 TLB miss (walk) over an L2 TLB hit */
	bool thp_ok; /* 2 MiB pages were verified */
	char thp_why[160];
	bool control_ok; /* cache-line control in one verified 2 MiB page */
	struct wb_assoc l1_assoc, l2_assoc; /* 4K */
	double pwc_near_ns, pwc_far_ns; /* walk with near / far PMD entries */
	char pwc_note[200];
	double seconds;
	int cpu;
};

struct wb_detect_opts {
	bool quick;
	int cpu;
	uint64_t seed;
	/* the swept curves are printed here when non-NULL */
	FILE *progress;
};

/*
 * The chase (detect_chase.c): links @n elements at @base + i * @stride into
 * one random cycle (Sattolo, drawn from @rng; @order holds n indices) and
 * returns its head. With @rotate the line used inside element k of the
 * visit order is k modulo the element's lines, so the loads spread over
 * every cache set.
 */
void **wb_chase_link(uint64_t *rng, uint32_t *order, char *base, size_t n,
		     size_t stride, bool rotate);
/* ns per load of @iters dependent loads from @head after @warm untimed. */
double wb_chase_ns(void **head, size_t warm, size_t iters);

/* Pins to opts->cpu and measures. -errno with why[] on failure. */
int wb_detect_measure(const struct wb_detect_opts *o, struct wb_geometry *g,
		      char *why, size_t whylen);

#endif
