// SPDX-License-Identifier: MIT
/*
 * The measurements behind `walkbench detect` (detect.h, bench/DETECT.md).
 *
 * A dependent-load chase over N pages (one load per page, a random single
 * cycle, the line inside each page rotating with the visit index) is timed
 * beside a control chase over the same number of cache lines packed into
 * one verified 2 MiB page. The control sees the same cache capacity effects
 * (the L1D knee at L1D size / 64 lines is the first step of a raw 4K curve)
 * but never leaves the first-level DTLB, so chase minus control is the
 * translation cost alone. Sweeps are interleaved (every point once per
 * repeat) so slow drift hits all points alike.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/clock.h"
#include "check/detect.h"
#include "core/env.h"
#include "core/rng.h"
#include "mem/mem.h"
#include "core/topo.h"

#define LINE 64

struct probe {
	const struct wb_detect_opts *o;
	uint64_t rng;
	uint32_t *order;
	size_t order_cap;
	struct wb_mem ctl; /* control: one 2 MiB page (or 4K pages) */
	bool ctl_huge;
	size_t ctl_lines;
	double t0;
};

static void **link(struct probe *p, char *base, size_t n, size_t stride,
		   bool rotate)
{
	return wb_chase_link(&p->rng, p->order, base, n, stride, rotate);
}

static double chase(void **head, size_t n, bool quick)
{
	size_t warm = 2 * n < 4096 ? 4096 : 2 * n;
	size_t iters = quick ? 100000 : 200000;

	if (iters < 2 * n)
		iters = 2 * n;
	return wb_chase_ns(head, warm, iters);
}

/* 8 points per octave from @lo to @hi: multiples of 2^(octave - 3). */
static size_t grid(size_t lo, size_t hi, double *x, size_t max)
{
	size_t n = 0;

	for (size_t v = lo; v <= hi && n < max;) {
		size_t step = 1;

		while (step * 16 <= v)
			step *= 2;
		x[n++] = (double)v;
		v += step;
	}
	return n;
}

/*
 * Translation cost curve: chase over pages of @psz minus the control. The
 * control of a point is summarised first (its low quantile) and taken from
 * every repeat of the chase: a difference of pairs would let a disturbed
 * control make a chase look fast.
 */
static int sweep(struct probe *p, char *base, size_t psz, const double *x,
		 size_t n, size_t reps, double *d, double *raw)
{
	double *c = calloc(n * reps, sizeof(*c));

	if (!c)
		return -ENOMEM;
	for (size_t r = 0; r < reps; r++)
		for (size_t i = 0; i < n; i++) {
			size_t np = (size_t)x[i];

			raw[i * reps + r] = chase(link(p, base, np, psz, true),
						  np, p->o->quick);
			if (np <= p->ctl_lines)
				c[i * reps + r] = chase(
					link(p, p->ctl.addr, np, LINE, false),
					np, p->o->quick);
		}
	for (size_t i = 0; i < n; i++) {
		double ctl = wb_cp_low_quantile(c + i * reps, reps);

		for (size_t r = 0; r < reps; r++)
			d[i * reps + r] = raw[i * reps + r] - ctl;
	}
	free(c);
	return 0;
}

static void figure(struct wb_figure *f, const struct wb_knee *k)
{
	f->found = true;
	f->value = k->x;
	f->confidence = k->confidence;
	f->resolution = k->x_next - k->x;
	f->gradual = k->gradual;
}

static void not_found(struct wb_figure *f, const char *fmt, double a)
{
	f->found = false;
	snprintf(f->why, sizeof(f->why), fmt, a);
}

#define L1_MAX WB_L1_MAX_ENTRIES
#define MIN_STEP WB_KNEE_MIN_STEP_NS

/* Assign the knees of one page size to L1 and L2. */
static void assign(const struct wb_knee *k, size_t nk, struct wb_figure *l1,
		   struct wb_figure *l2, double *l2_extra, double *walk_extra,
		   double top)
{
	int i1, i2;

	wb_cp_knees_assign(k, nk, L1_MAX, NULL, 0, &i1, &i2);
	if (i1 >= 0) {
		figure(l1, &k[i1]);
		if (l2_extra)
			*l2_extra = k[i1].high - k[i1].low;
	} else {
		not_found(l1, "no step at or below %.0f pages", L1_MAX);
	}
	if (i2 >= 0) {
		figure(l2, &k[i2]);
		if (walk_extra)
			*walk_extra = k[i2].high - k[i2].low;
	} else {
		not_found(l2, "no second step up to %.0f pages", top);
	}
}

static int sweep_size(struct probe *p, size_t psz, size_t lo, size_t hi,
		      size_t reps, struct wb_figure *l1, struct wb_figure *l2,
		      double *l1_ns, double *l2_extra, double *walk_extra,
		      char *why, size_t whylen)
{
	double x[128], *d, *raw;
	struct wb_knee k[WB_KNEES_MAX];
	size_t n = grid(lo, hi, x, 128), nk;
	struct wb_mem m;
	char how[64];
	int err;

	err = wb_mem_alloc(&m, hi * psz, psz,
			   psz == WB_4K ? WB_MEM_BASE : WB_MEM_THP, why,
			   whylen);
	if (err)
		return err;
	err = wb_mem_verify(&m, how, sizeof(how), why, whylen);
	if (err) {
		wb_mem_free(&m);
		return err;
	}
	d = calloc(n * reps, sizeof(*d));
	raw = calloc(n * reps, sizeof(*raw));
	if (!d || !raw) {
		free(d);
		free(raw);
		wb_mem_free(&m);
		return -ENOMEM;
	}
	if (p->o->progress)
		fprintf(p->o->progress, "%.2f s: %s mapped and verified\n",
			((double)wb_now_ns() - p->t0) / 1e9,
			psz == WB_4K ? "4K" : "2M");
	err = sweep(p, m.addr, psz, x, n, reps, d, raw);
	if (err) {
		free(d);
		free(raw);
		wb_mem_free(&m);
		return err;
	}
	if (p->o->progress)
		fprintf(p->o->progress, "%.2f s: %s swept\n",
			((double)wb_now_ns() - p->t0) / 1e9,
			psz == WB_4K ? "4K" : "2M");
	if (p->o->progress)
		for (size_t i = 0; i < n; i++) {
			double a[reps], b[reps];

			memcpy(a, d + i * reps, sizeof(a));
			memcpy(b, raw + i * reps, sizeof(b));
			fprintf(p->o->progress,
				"curve %s %6.0f pages: %8.2f ns, translation "
				"%8.2f ns\n",
				psz == WB_4K ? "4K" : "2M", x[i],
				wb_cp_low_quantile(b, reps),
				wb_cp_low_quantile(a, reps));
		}
	/* a page split during the sweep would void it */
	err = wb_mem_verify(&m, how, sizeof(how), why, whylen);
	if (!err)
		err = wb_cp_knees(x, d, n, reps, MIN_STEP, false,
				  p->o->seed + psz, k, &nk);
	if (!err) {
		assign(k, nk, l1, l2, l2_extra, walk_extra, x[n - 1]);
		if (l1_ns)
			*l1_ns = wb_cp_low_quantile(raw, reps);
	}
	free(d);
	free(raw);
	wb_mem_free(&m);
	return err;
}

/*
 * Conflict capacity: k pages S pages apart fall into the same sets when S
 * is a multiple of the set count (a set index taken from the low bits of
 * the page number). cap[j] gets the largest k that stays below @thr for
 * stride 2^(s0 + j) pages; 0 when even one page does not.
 */
static int conflict_caps(struct probe *p, char *base, int s0, int ns,
			 size_t kmax, double thr, size_t *cap)
{
	for (int j = 0; j < ns; j++) {
		size_t stride = (size_t)1 << (s0 + j), k;

		for (k = 1; k <= kmax; k++) {
			double v[3];

			for (size_t r = 0; r < 3; r++)
				v[r] = chase(
					link(p, base, k, stride * WB_4K, true),
					k, true);
			if (wb_cp_median(v, 3) > thr)
				break;
		}
		cap[j] = k - 1;
	}
	return 0;
}

/*
 * Reads ways and sets from the capacities: ways * sets / S while S is below
 * the set count, then ways. Consistent only if every step before the
 * plateau halves.
 */
static void infer(const size_t *cap, int s0, int ns, size_t kmax,
		  struct wb_assoc *a)
{
	int j;

	a->ways = a->sets = 0;
	/* a capacity of kmax means the threshold was never crossed */
	for (j = 1; j < ns; j++)
		if (cap[j] == cap[j - 1] && cap[j] > 0 && cap[j] < kmax)
			break;
	if (j == ns)
		return;
	for (int i = 1; i < j; i++) {
		/* the half-step threshold lets a few pages of the overflow
		 * ramp count as hits: allow 15% */
		double d = (double)cap[i - 1] - 2.0 * (double)cap[i];

		if (d < -0.15 * cap[i - 1] - 1 || d > 0.15 * cap[i - 1] + 1)
			return;
	}
	a->ways = (int)cap[j];
	a->sets = 1 << (s0 + j - 1);
}

static void caps_str(const size_t *cap, int s0, int ns, char *out, size_t len)
{
	size_t o = 0;

	o += snprintf(out, len, "strides of %d..%d pages hold", 1 << s0,
		      1 << (s0 + ns - 1));
	for (int j = 0; j < ns && o < len; j++)
		o += snprintf(out + o, len - o, " %zu", cap[j]);
	if (o < len)
		snprintf(out + o, len - o, " pages");
}

static void assoc(struct probe *p, struct wb_geometry *g)
{
	size_t cap[10];
	double thr;

	if (!g->l1_4k.found || g->l2_hit_extra_ns < MIN_STEP) {
		snprintf(g->l1_assoc.how, sizeof(g->l1_assoc.how),
			 "needs the L1 DTLB 4K knee and its step");
		return;
	}
	/* up to 2048 pages at a stride of 2048 need 16 GiB of address
	 * space; only the pages linked are faulted, as base pages */
	{
		size_t len = (size_t)1 << 34;
		char *base = mmap(NULL, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				  -1, 0);

		if (base == MAP_FAILED) {
			snprintf(g->l1_assoc.how, sizeof(g->l1_assoc.how),
				 "mmap of 16 GiB of address space failed");
			return;
		}
		madvise(base, len, MADV_NOHUGEPAGE);
		/* L1: 1..128 pages apart, threshold halfway to an L2 hit */
		thr = g->l1_hit_ns + g->l2_hit_extra_ns / 2;
		conflict_caps(p, base, 0, 8, (size_t)g->l1_4k.value + 16, thr,
			      cap);
		infer(cap, 0, 8, (size_t)g->l1_4k.value + 16, &g->l1_assoc);
		caps_str(cap, 0, 8, g->l1_assoc.how, sizeof(g->l1_assoc.how));
		if (g->l2_4k.found && g->walk_extra_ns >= MIN_STEP) {
			size_t kmax = (size_t)(g->l2_4k.value +
					       g->l2_4k.resolution) /
					      16 +
				      16;

			/* L2: 16..2048 pages apart (all in one L1 set),
			 * threshold halfway from an L2 hit to a walk */
			thr = g->l1_hit_ns + g->l2_hit_extra_ns +
			      g->walk_extra_ns / 2;
			conflict_caps(p, base, 4, 8, kmax, thr, cap);
			infer(cap, 4, 8, kmax, &g->l2_assoc);
			caps_str(cap, 4, 8, g->l2_assoc.how,
				 sizeof(g->l2_assoc.how));
		} else {
			snprintf(g->l2_assoc.how, sizeof(g->l2_assoc.how),
				 "needs the L2 TLB 4K knee and its step");
		}
		munmap(base, len);
	}
}

/*
 * Paging-structure caches: N pages past the L2 TLB's reach, each page's PTE
 * in a cache line of its own in both layouts, so the walks read as many
 * distinct PTE lines; "near" pages are 8 pages apart (N / 64 PMD entries),
 * "far" pages 2 MiB apart (N PMD entries, each PTE in its own table). A
 * walker caching upper-level entries (Intel's PDE cache, AMD's page walk
 * cache) skips the PMD read for near pages only: far minus near is what
 * missing it costs. The PMD entries' own cache lines (N / 8 against
 * N / 512) are the one difference left in the data the walks touch.
 */
static void pwc(struct probe *p, struct wb_geometry *g)
{
	size_t n = 4096, len = (size_t)1 << 34, reps = 5;
	double near[5], far[5];
	char *base;

	if (g->l2_4k.found && 2 * g->l2_4k.value > n)
		n = 2 * (size_t)g->l2_4k.value;
	if (n > p->order_cap || n * WB_2M > len) {
		snprintf(g->pwc_note, sizeof(g->pwc_note),
			 "not measured: the L2 TLB reach is too large");
		return;
	}
	base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		snprintf(
			g->pwc_note, sizeof(g->pwc_note),
			"not measured: mmap of 16 GiB of address space failed");
		return;
	}
	madvise(base, len, MADV_NOHUGEPAGE);
	for (size_t r = 0; r < reps; r++) {
		near[r] = chase(link(p, base, n, 8 * WB_4K, true), n,
				p->o->quick);
		far[r] = chase(link(p, base, n, WB_2M, true), n, p->o->quick);
	}
	munmap(base, len);
	g->pwc_near_ns = wb_cp_median(near, reps);
	g->pwc_far_ns = wb_cp_median(far, reps);
	snprintf(g->pwc_note, sizeof(g->pwc_note),
		 "%zu pages past the L2 TLB: %.2f ns per access with N/64 PMD "
		 "entries, %.2f with N: %s",
		 n, g->pwc_near_ns, g->pwc_far_ns,
		 g->pwc_far_ns - g->pwc_near_ns >= MIN_STEP
			 ? "visible (walks that need a new PMD entry cost more)"
			 : "not visible at this size");
}

int wb_detect_measure(const struct wb_detect_opts *o, struct wb_geometry *g,
		      char *why, size_t whylen)
{
	struct probe p = { .o = o, .rng = o->seed * 2654435761u + 1 };
	size_t hi4 = o->quick ? 4096 : 8192, hi2 = 1024;
	size_t reps = o->quick ? 9 : 15;
	double t0 = (double)wb_now_ns(), l1_ns = 0;

	struct wb_sysinfo sys;
	char w[160], how[64];
	int err;

	memset(g, 0, sizeof(*g));
	p.t0 = t0;
	g->cpu = o->cpu;
	err = wb_topo_pin(o->cpu, why, whylen);
	if (err)
		return err;
	p.order_cap = 16384;
	p.order = malloc(p.order_cap * sizeof(*p.order));
	if (!p.order)
		return -ENOMEM;
	/* the control lives in one verified 2 MiB page when THP works */
	if (!wb_mem_alloc(&p.ctl, WB_2M, WB_2M, WB_MEM_THP, w, sizeof(w)) &&
	    !wb_mem_verify(&p.ctl, how, sizeof(how), w, sizeof(w))) {
		p.ctl_huge = true;
		p.ctl_lines = WB_2M / LINE;
		g->control_ok = true;
	} else {
		if (p.ctl.addr)
			wb_mem_free(&p.ctl);
		snprintf(g->thp_why, sizeof(g->thp_why), "%s", w);
		/* 64 base pages stay inside any first-level DTLB */
		err = wb_mem_alloc(&p.ctl, 16 * WB_4K, WB_4K, WB_MEM_BASE, why,
				   whylen);
		if (err)
			goto out;
		p.ctl_lines = 16 * WB_4K / LINE;
	}
	err = sweep_size(&p, WB_4K, 8, hi4, reps, &g->l1_4k, &g->l2_4k, &l1_ns,
			 &g->l2_hit_extra_ns, &g->walk_extra_ns, why, whylen);
	if (err)
		goto out;
	g->l1_hit_ns = l1_ns;
	assoc(&p, g);
	pwc(&p, g);
	/* 2 MiB: a failure here is a missing figure, not a failed detect */
	sys.mem_available_bytes = 0;
	wb_env_probe(&sys);
	if (sys.mem_available_bytes &&
	    hi2 * WB_2M > sys.mem_available_bytes / 2)
		hi2 = sys.mem_available_bytes / 2 / WB_2M;
	err = sweep_size(&p, WB_2M, 4, hi2, reps, &g->l1_2m, &g->l2_2m, NULL,
			 NULL, NULL, w, sizeof(w));
	if (err) {
		snprintf(g->thp_why, sizeof(g->thp_why), "%s", w);
		g->l1_2m.found = g->l2_2m.found = false;
		snprintf(g->l1_2m.why, sizeof(g->l1_2m.why), "%s", w);
		snprintf(g->l2_2m.why, sizeof(g->l2_2m.why), "%s", w);
		err = 0;
	} else {
		g->thp_ok = true;
	}
out:
	wb_mem_free(&p.ctl);
	free(p.order);
	g->seconds = ((double)wb_now_ns() - t0) / 1e9;
	return err;
}
