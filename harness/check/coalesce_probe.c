// SPDX-License-Identifier: MIT
/*
 * The coalescing measurement behind `walkbench detect` (coalesce.h,
 * bench/DETECT.md "Coalescing").
 *
 * Each size's region is faulted while its switch is set and the settings
 * are put back before the next size is switched: a folio, once faulted,
 * stays what it is, so every region can then be chased in the same
 * interleaved rounds (every size at every point once per round, in a
 * fresh random order) and slow drift of the machine hits all alike.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check/coalesce.h"
#include "check/detect.h"
#include "core/clock.h"
#include "core/env.h"
#include "core/parse.h"
#include "core/rng.h"
#include "mem/mem.h"

#define LINE 64

struct region {
	struct wb_coal_size *s;
	struct wb_mem mem;
	size_t top; /* points of the grid this size reaches */
	double *ts; /* [point * reps + r] */
};

struct coal {
	const struct wb_coal_opts *o;
	struct wb_coal_report *r;
	uint64_t rng;
	uint32_t *order;
	size_t reach, reps, npts;
	double m[WB_COAL_POINTS];
	struct region reg[WB_MTHP_MAX];
	struct wb_mem base, ctl;
	double *t4, *tc;
};

static double elapsed(double t0)
{
	return ((double)wb_now_ns() - t0) / 1e9;
}

/* Points of the grid (m = 2, 4, ...) a folio of @size reaches: the chase
 * cannot tell more pages per entry than the folio has. */
static size_t reaches(const struct coal *c, uint64_t size)
{
	size_t k = 0;

	while (k < c->npts && c->m[k] <= (double)(size / WB_4K))
		k++;
	return k;
}

static void mark_all(struct wb_coal_report *r, enum wb_coal_state st,
		     const char *why)
{
	for (int i = 0; i < r->n; i++) {
		r->s[i].state = st;
		snprintf(r->s[i].why, sizeof(r->s[i].why), "%s", why);
	}
}

/* The grid's largest m whose regions fit a quarter of MemAvailable (the
 * machine is shared; detect must never push it into swap). */
static int plan(struct coal *c, char *why, size_t whylen)
{
	size_t top = c->o->quick ? 8 : 16;
	struct wb_sysinfo sys = { 0 };
	uint64_t budget;

	wb_env_probe(&sys);
	budget = sys.mem_available_bytes / 4;
	for (; top >= 2; top /= 2) {
		uint64_t bytes = 0;

		c->npts = 0;
		for (size_t m = 2; m <= top && c->npts < WB_COAL_POINTS; m *= 2)
			c->m[c->npts++] = (double)m;
		for (int i = 0; i < c->r->n; i++) {
			size_t k = reaches(c, c->r->s[i].size);

			if (k)
				bytes += (uint64_t)c->m[k - 1] * c->reach *
					 WB_4K;
		}
		/* the 4K region and the control */
		bytes += (uint64_t)top * c->reach * (WB_4K + LINE);
		if (!budget || bytes <= budget)
			return 0;
	}
	snprintf(why, whylen,
		 "the regions for twice the L2 TLB reach do not fit a quarter "
		 "of MemAvailable (%" PRIu64 " MiB)",
		 budget >> 20);
	return -ENOMEM;
}

/* Faults size @i's region with its switch set, then puts settings back. */
static int fault_size(struct coal *c, int i, char *why, size_t whylen)
{
	struct wb_coal_size *s = &c->r->s[i];
	struct region *g = &c->reg[i];
	char w[300], how[64], sz[16];
	int err, rerr = 0;

	g->s = s;
	g->top = reaches(c, s->size);
	if (!g->top) {
		s->state = WB_COAL_NOT_MEASURED;
		snprintf(s->why, sizeof(s->why),
			 "a folio of %s holds fewer pages than the first "
			 "point's multiple of the reach",
			 wb_format_size(s->size, sz, sizeof(sz)));
		return 0;
	}
	w[0] = 0;
	err = c->o->ready ? c->o->ready(c->o->arg, s->size, w, sizeof(w))
			  : wb_mthp_check(s->size, w, sizeof(w));
	if (!err) {
		size_t len = (size_t)c->m[g->top - 1] * c->reach * WB_4K;

		err = wb_mem_alloc(&g->mem, len, s->size, WB_MEM_MTHP, w,
				   sizeof(w));
		if (err) {
			s->state = WB_COAL_NOT_MEASURED;
		} else {
			int v = wb_mem_verify(&g->mem, how, sizeof(how), w,
					      sizeof(w));

			/* khugepaged must not collapse it into 2 MiB pages
			 * once the switches are back; the folios stay */
			madvise(g->mem.addr, g->mem.len, MADV_NOHUGEPAGE);
			if (v) {
				s->state = wb_coal_verdict(s->size, v, w, NULL,
							   s->why,
							   sizeof(s->why));
				wb_mem_free(&g->mem);
				err = v;
			}
		}
	} else {
		s->state = err == -EPERM ? WB_COAL_NOT_READY
					 : WB_COAL_NOT_MEASURED;
	}
	if (err && !s->why[0])
		snprintf(s->why, sizeof(s->why), "%s", w);
	if (c->o->release)
		rerr = c->o->release(c->o->arg, why, whylen);
	if (c->o->progress)
		fprintf(c->o->progress, "coalescing: %s region %s\n",
			wb_format_size(s->size, sz, sizeof(sz)),
			err ? s->why : "faulted and verified");
	return rerr;
}

/* One chase over @n elements of @base: one lap to warm, at least one
 * timed. */
static double chase(struct coal *c, char *base, size_t n, size_t stride,
		    bool rotate)
{
	void **head = wb_chase_link(&c->rng, c->order, base, n, stride, rotate);
	size_t iters = c->o->quick ? 50000 : 100000;

	return wb_chase_ns(head, n < 4096 ? 4096 : n, iters < n ? n : iters);
}

/* Every round: every point, every series (4K, control, each size that
 * reaches the point) in a fresh random order. */
static void rounds(struct coal *c, int nreg)
{
	for (size_t r = 0; r < c->reps; r++)
		for (size_t k = 0; k < c->npts; k++) {
			size_t n = (size_t)c->m[k] * c->reach;
			int who[WB_MTHP_MAX + 2], nw = 0;

			who[nw++] = -2; /* 4K */
			who[nw++] = -1; /* control */
			for (int i = 0; i < nreg; i++)
				if (c->reg[i].ts && c->reg[i].top > k)
					who[nw++] = i;
			for (int i = nw - 1; i > 0; i--) {
				int j = (int)(wb_rng_next(&c->rng) %
					      (uint64_t)(i + 1)),
				    t = who[i];

				who[i] = who[j];
				who[j] = t;
			}
			for (int i = 0; i < nw; i++) {
				size_t at = k * c->reps + r;

				if (who[i] == -2)
					c->t4[at] = chase(c, c->base.addr, n,
							  WB_4K, true);
				else if (who[i] == -1)
					c->tc[at] = chase(c, c->ctl.addr, n,
							  LINE, false);
				else
					c->reg[who[i]].ts[at] = chase(
						c, c->reg[who[i]].mem.addr, n,
						WB_4K, true);
			}
		}
}

/* Reads the folios back and judges each measured size. */
static void judge(struct coal *c, int nreg)
{
	for (int i = 0; i < nreg; i++) {
		struct region *g = &c->reg[i];
		struct wb_coal_size *s = g->s;
		struct wb_folio_hist h;
		struct wb_coal_curve cv = { .n = g->top,
					    .reps = c->reps,
					    .m = c->m,
					    .t4 = c->t4,
					    .ts = g->ts,
					    .ctl = c->tc };
		int err;

		if (!g->ts)
			continue;
		err = wb_folio_hist((uintptr_t)g->mem.addr, g->mem.len, &h);
		if (err) {
			s->state = WB_COAL_NOT_MEASURED;
			snprintf(s->why, sizeof(s->why),
				 "cannot read the folios back: %s",
				 strerror(-err));
			continue;
		}
		wb_folio_hist_text(&h, s->hist, sizeof(s->hist));
		s->state = wb_coal_verdict(s->size, 0, "", &h, s->why,
					   sizeof(s->why));
		if (s->state != WB_COAL_MEASURED)
			continue;
		s->points = g->top;
		memcpy(s->m, c->m, sizeof(s->m));
		err = wb_coal_estimate(&cv, c->o->min_step,
				       (int)(s->size / WB_4K),
				       c->o->seed + s->size, &s->est);
		if (err) {
			s->state = WB_COAL_NOT_MEASURED;
			snprintf(s->why, sizeof(s->why), "%s",
				 err == -ENODATA ? s->est.why
						 : "malformed curve");
		}
	}
}

static void release_all(struct coal *c, int nreg)
{
	for (int i = 0; i < nreg; i++) {
		if (c->reg[i].mem.addr)
			wb_mem_free(&c->reg[i].mem);
		free(c->reg[i].ts);
	}
	if (c->base.addr)
		wb_mem_free(&c->base);
	if (c->ctl.addr)
		wb_mem_free(&c->ctl);
	free(c->t4);
	free(c->tc);
	free(c->order);
}

/* The 4K region and the control, over the largest point any size uses. */
static int common_regions(struct coal *c, size_t top, char *w, size_t wlen)
{
	size_t n = (size_t)c->m[top - 1] * c->reach;
	char how[64];
	int err;

	c->order = malloc(n * sizeof(*c->order));
	c->t4 = calloc(c->npts * c->reps, sizeof(double));
	c->tc = calloc(c->npts * c->reps, sizeof(double));
	if (!c->order || !c->t4 || !c->tc)
		return -ENOMEM;
	err = wb_mem_alloc(&c->base, n * WB_4K, WB_4K, WB_MEM_BASE, w, wlen);
	if (!err)
		err = wb_mem_verify(&c->base, how, sizeof(how), w, wlen);
	if (!err)
		err = wb_mem_alloc(&c->ctl, n * LINE + WB_4K, WB_4K,
				   WB_MEM_BASE, w, wlen);
	return err;
}

int wb_coal_measure(const struct wb_coal_opts *o, struct wb_coal_report *r,
		    char *why, size_t whylen)
{
	struct coal c = { .o = o, .r = r, .rng = o->seed * 2654435761u + 7 };
	double t0 = (double)wb_now_ns();
	uint64_t sizes[WB_MTHP_MAX];
	size_t top = 0;
	char w[300];
	int n, err, nreg, measured = 0;

	memset(r, 0, sizeof(*r));
	err = wb_mthp_offered(sizes, WB_MTHP_MAX, &n);
	if (err) {
		snprintf(r->note, sizeof(r->note),
			 "cannot read %s: %s (no transparent huge pages)",
			 WB_MTHP_DIR, strerror(-err));
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (wb_mthp_size(sizes[i]))
			r->s[r->n++].size = sizes[i];
	if (!r->n) {
		snprintf(r->note, sizeof(r->note),
			 "this kernel offers no anonymous folio sizes between "
			 "4K and 2M (per-size switches came with Linux 6.8)");
		return 0;
	}
	if (geteuid()) {
		mark_all(r, WB_COAL_NOT_MEASURED,
			 "a folio size shows only in /proc/kpageflags, which "
			 "needs root");
		return 0;
	}
	if (o->reach < 64) {
		mark_all(r, WB_COAL_NOT_MEASURED,
			 "needs the 4K L2 TLB reach, which was not found");
		return 0;
	}
	c.reach = (size_t)o->reach;
	c.reps = o->quick ? 9 : 15;
	r->reps = c.reps;
	err = plan(&c, w, sizeof(w));
	if (err) {
		mark_all(r, WB_COAL_NOT_MEASURED, w);
		return 0;
	}
	r->max_m = c.m[c.npts - 1];
	nreg = r->n;
	for (int i = 0; i < nreg; i++) {
		err = fault_size(&c, i, why, whylen);
		if (err)
			goto out; /* settings not back: stop here */
		if (c.reg[i].mem.addr) {
			measured++;
			if (c.reg[i].top > top)
				top = c.reg[i].top;
		}
	}
	if (!measured)
		goto out;
	err = common_regions(&c, top, w, sizeof(w));
	for (int i = 0; i < nreg && !err; i++)
		if (c.reg[i].mem.addr &&
		    !(c.reg[i].ts = calloc(c.npts * c.reps, sizeof(double))))
			err = -ENOMEM;
	if (err) {
		for (int i = 0; i < nreg; i++)
			if (c.reg[i].mem.addr) {
				r->s[i].state = WB_COAL_NOT_MEASURED;
				snprintf(r->s[i].why, sizeof(r->s[i].why),
					 "4K region or control: %s",
					 err == -ENOMEM ? "out of memory" : w);
			}
		err = 0;
		goto out;
	}
	if (o->progress)
		fprintf(o->progress,
			"coalescing: %.2f s: %d region(s) of up to %.0f x %zu "
			"pages ready\n",
			elapsed(t0), measured, c.m[top - 1], c.reach);
	rounds(&c, nreg);
	judge(&c, nreg);
	if (o->progress)
		for (int i = 0; i < nreg; i++)
			for (size_t k = 0; c.reg[i].ts && k < c.reg[i].top; k++)
				fprintf(o->progress,
					"coalescing %" PRIu64 "K m=%2.0f: 4K "
					"%.2f ns, folios %.2f, control %.2f, "
					"q %.2f\n",
					r->s[i].size >> 10, c.m[k],
					r->s[i].est.lvl4[k],
					r->s[i].est.lvls[k],
					r->s[i].est.lvlc[k], r->s[i].est.q[k]);
out:
	release_all(&c, nreg);
	r->seconds = elapsed(t0);
	return err;
}
