/* SPDX-License-Identifier: MIT */
/*
 * PTE coalescing, measured: how many contiguous 4K pages of a multi-size
 * THP folio one L2 TLB entry holds (bench/DETECT.md, "Coalescing").
 *
 * A chase over N = m x R pages (R: the measured 4K L2 TLB reach, m = 2, 4,
 * 8, ...) runs on base 4K pages, on a region of verified folios of size S,
 * and as a control over the same N cache lines packed into N / 64 pages
 * (all L2 TLB hits: the L2-hit level at the same cache footprint, which
 * grows with N). If an entry held c pages of a folio, the S chase fits the
 * L2 TLB up to m = c while the 4K chase walks. Per point
 *
 *	q = (t4K - tS) / (t4K - tcontrol)
 *
 * is the share of the 4K chase's translation cost the folios save: near 1
 * while the S chase still hits, near 0 past it. The factor is the largest
 * m of an unbroken run from m = 2 with q >= 1/2 (an entry holding c pages
 * gives q(2c) <= (c - 1) / (2c - 1) < 1/2 under any replacement), 1 when
 * q(2) < 1/2: no coalescing.
 */
#ifndef WB_COALESCE_H
#define WB_COALESCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mem/mthp.h"

/* multiples of the reach measured: 2, 4, ..., at most 2^WB_COAL_POINTS */
#define WB_COAL_POINTS 6
/* q at or above this: the folio chase still sits at the L2-hit level */
#define WB_COAL_NEAR 0.5

/* One size's curve: per point i, the repeats [i * reps + r] of each chase
 * (ns per load). m[] ascending. */
struct wb_coal_curve {
	size_t n, reps;
	const double *m;
	const double *t4, *ts, *ctl;
};

struct wb_coal_est {
	int factor; /* 4K pages per entry; 1: no coalescing */
	bool at_least; /* still at the hit level at the largest m measured */
	double confidence; /* bootstrap: share of curves giving the same */
	/* per point, from the low quantiles of the repeats */
	double q[WB_COAL_POINTS];
	double lvl4[WB_COAL_POINTS], lvls[WB_COAL_POINTS], lvlc[WB_COAL_POINTS];
	char why[200]; /* when not estimable */
};

/*
 * The factor of one curve. @min_step (ns): a 4K chase less than this above
 * the control does not walk, and the point says nothing. @max_factor: the
 * folio's pages (S / 4K); a factor reaching it is exact, not a lower bound.
 * -ENODATA with why[] when the 4K chase at the first point does not walk;
 * -EINVAL for a malformed curve. @seed drives the bootstrap.
 */
int wb_coal_estimate(const struct wb_coal_curve *c, double min_step,
		     int max_factor, uint64_t seed, struct wb_coal_est *e);

enum wb_coal_state {
	WB_COAL_MEASURED,
	WB_COAL_NOT_READY, /* the size's switch is not set and may not be */
	WB_COAL_FELL_BACK, /* the region did not get (or keep) the size */
	WB_COAL_NOT_MEASURED, /* anything else: memory, no reach, no walk */
};

struct wb_coal_size {
	uint64_t size;
	enum wb_coal_state state;
	struct wb_coal_est est;
	size_t points; /* of est's arrays */
	double m[WB_COAL_POINTS];
	char hist[200]; /* the folios the region held, verified */
	char why[400]; /* when not measured */
};

/*
 * What a size's region may be measured as: @verified is wb_mem_verify()'s
 * answer when the region was faulted (@vwhy its reason), @after the folios
 * read back once the chases are done. WB_COAL_MEASURED, WB_COAL_FELL_BACK
 * (the region did not get, or did not keep, folios of @size) or
 * WB_COAL_NOT_MEASURED (the folios could not be read), with why[].
 */
enum wb_coal_state wb_coal_verdict(uint64_t size, int verified,
				   const char *vwhy,
				   const struct wb_folio_hist *after, char *why,
				   size_t whylen);

/* "4 pages per L2 TLB entry", "at least 8 ...", "no coalescing". */
void wb_coal_factor_text(const struct wb_coal_size *s, char *buf, size_t len);

struct wb_coal_opts {
	bool quick;
	uint64_t seed;
	double reach; /* measured 4K L2 TLB entries; 0: not measured */
	double min_step;
	FILE *progress;
	/*
	 * Makes folios of @size the first a MADV_HUGEPAGE fault tries (0), or
	 * says why not (-errno, why[]). NULL: only sizes already so.
	 */
	int (*ready)(void *arg, uint64_t size, char *why, size_t whylen);
	/* Puts the settings back once a size's region is faulted. */
	int (*release)(void *arg, char *why, size_t whylen);
	void *arg;
};

struct wb_coal_report {
	struct wb_coal_size s[WB_MTHP_MAX];
	int n;
	char note[200]; /* when no size was tried at all */
	double seconds;
	double max_m;
	size_t reps;
};

/* Measures every offered size between 4K and 2M, pinned already. 0, or
 * -errno when settings could not be put back (why[]). */
int wb_coal_measure(const struct wb_coal_opts *o, struct wb_coal_report *r,
		    char *why, size_t whylen);

#endif
