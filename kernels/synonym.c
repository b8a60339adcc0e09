// SPDX-License-Identifier: MIT
/*
 * synonym: one physical page (a memfd) mapped at two virtual addresses
 * that differ only in bit k (k >= 12). A virtually indexed, physically
 * tagged L1D whose way (sets x line = S x B) is larger than a page would
 * index the two views differently; with S x B <= P the index bits lie in
 * the page offset and no synonym can arise. The timed loop writes a line
 * through one view and reads it through the other; alias=1 is the
 * baseline with both accesses through the one view.
 * arm64 requires data and unified caches to behave as PIPT (Arm ARM, DDI
 * 0487, "Data and unified caches"), so there S x B <= P does not decide
 * anything: no synonym is predicted whatever the geometry, and the kernel
 * measures the same coherence and cost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/arch.h"
#include "core/env.h"
#include "mem/faulting.h"
#include "runner/kernel.h"
#include "mem/mem.h"
#include "mem/pagemap.h"
#include "model/vipt.h"
#include "mem/vaslot.h"

enum {
	P_ALIAS
};

static const uint64_t aliases[] = { 1, 12, 16, 30, 0 };

static const struct wb_param params[] = {
	{ .name = "alias",
	  .unit = "bit",
	  .help = "1: one view (baseline); k: second view at +2^k bytes",
	  .def = 12,
	  .quick = 12,
	  .min = 1,
	  .max = 40,
	  .choices = aliases },
	{ 0 },
};

struct syn {
	int fd;
	struct wb_vaslot slot;
	volatile unsigned char *a, *b;
	uint64_t mismatches;
	char how[64]; /* how setup verified the views as 4K pages */
};

struct l1d {
	uint64_t size, ways, line;
	const char *from;
	const char *source; /* results/README.md's word for @from */
};

/* L1D geometry: the fingerprint's (hwloc, which reads it from sysfs on
 * Linux) when there is one, else libc's sysconf (cpuid on x86), else
 * sysfs. */
static int l1d_geom(const struct wb_ctx *ctx, struct l1d *g)
{
	FILE *f;

	if (ctx->sys && ctx->sys->l1d.size_bytes && ctx->sys->l1d.ways &&
	    ctx->sys->l1d.line_bytes) {
		g->size = ctx->sys->l1d.size_bytes;
		g->ways = ctx->sys->l1d.ways;
		g->line = ctx->sys->l1d.line_bytes;
		g->from = "hwloc";
		g->source = "sysfs";
		return 0;
	}
	/* glibc answers from CPUID on x86 only */
	if (!ctx->sys || !wb_arch_is_arm64(ctx->sys)) {
		g->size = (uint64_t)sysconf(_SC_LEVEL1_DCACHE_SIZE);
		g->ways = (uint64_t)sysconf(_SC_LEVEL1_DCACHE_ASSOC);
		g->line = (uint64_t)sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
		g->from = "sysconf";
		g->source = "cpuid";
		if ((long)g->size > 0 && (long)g->ways > 0 && (long)g->line > 0)
			return 0;
	}
	g->from = g->source = "sysfs";
	f = fopen("/sys/devices/system/cpu/cpu0/cache/index0/"
		  "ways_of_associativity",
		  "re");
	if (!f || fscanf(f, "%lu", (unsigned long *)&g->ways) != 1)
		g->ways = 0;
	if (f)
		fclose(f);
	f = fopen("/sys/devices/system/cpu/cpu0/cache/index0/size", "re");
	if (!f || fscanf(f, "%luK", (unsigned long *)&g->size) != 1)
		g->size = 0;
	if (f)
		fclose(f);
	g->size <<= 10;
	f = fopen("/sys/devices/system/cpu/cpu0/cache/index0/"
		  "coherency_line_size",
		  "re");
	if (!f || fscanf(f, "%lu", (unsigned long *)&g->line) != 1)
		g->line = 0;
	if (f)
		fclose(f);
	return g->size && g->ways && g->line ? 0 : -ENOENT;
}

/* Each view maps its page as one 4K page (a memfd page never is more, but
 * what is claimed is read, not assumed). */
static int syn_verify(const struct syn *s, char *how, size_t howlen, char *why,
		      size_t whylen)
{
	volatile unsigned char *view[2] = { s->a, s->b };
	int err = 0;

	for (int i = 0; i < 2 && !err; i++) {
		struct wb_mem vm = { .addr = (void *)view[i],
				     .len = WB_4K,
				     .page_size = WB_4K,
				     .kind = WB_MEM_BASE };

		err = wb_mem_verify(&vm, how, howlen, why, whylen);
	}
	return err;
}

static void syn_teardown(void *state)
{
	struct syn *s = state;

	if (!s)
		return;
	wb_vaslot_release(&s->slot);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

static int syn_setup(struct wb_ctx *ctx, void **state)
{
	unsigned int k = (unsigned int)ctx->param[P_ALIAS];
	size_t off = k >= 12 ? (size_t)1 << k : 0;
	struct syn *s;
	char why[160];
	void *p;
	int err;

	if (k != 1 && (k < 12 || k > 40))
		return wb_refuse(ctx, WB_BADINPUT, EINVAL,
				 "alias=%u: 1 or 12..40", k);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = memfd_create("walkbench-synonym", MFD_CLOEXEC);
	if (s->fd < 0 || ftruncate(s->fd, WB_4K)) {
		err = -errno;
		syn_teardown(s);
		return wb_refuse(ctx, WB_MISSING, err, "memfd: %s",
				 strerror(-err));
	}
	/* aligned to 2^(k+1): the two views differ in bit k alone */
	err = wb_vaslot_reserve(&s->slot, off + WB_4K, off ? off << 1 : WB_4K);
	if (err) {
		syn_teardown(s);
		return err;
	}
	for (int i = 0; i < (off ? 2 : 1); i++) {
		p = mmap((char *)s->slot.base + i * off, WB_4K,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, s->fd,
			 0);
		if (p == MAP_FAILED) {
			err = -errno;
			syn_teardown(s);
			return err;
		}
		if (i == 0)
			s->a = s->b = p;
		else
			s->b = p;
	}
	s->a[0] = 1; /* fault both views in: setup, not the timed loop */
	s->mismatches += s->b[0] != 1;
	err = syn_verify(s, s->how, sizeof(s->how), why, sizeof(why));
	if (err) {
		syn_teardown(s);
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "the views are not 4K pages: %s", why);
	}
	*state = s;
	return 0;
}

/* One iteration: write a line through one view, read it through the
 * other; the line rotates over the page so a pair is never served from a
 * store just made to the same address. */
static void syn_run(void *state, uint64_t n)
{
	struct syn *s = state;
	uint64_t bad = 0;

	for (uint64_t i = 0; i < n; i++) {
		size_t off = (i & 63) * 64;

		s->a[off] = (unsigned char)i;
		bad += s->b[off] != (unsigned char)i;
	}
	s->mismatches += bad;
}

static double syn_time(struct syn *s, bool alias, uint64_t n)
{
	volatile unsigned char *b = s->b;
	uint64_t t;

	if (!alias)
		s->b = s->a;
	t = wb_now_ns();
	syn_run(s, n);
	t = wb_now_ns() - t;
	s->b = b;
	return (double)t / (double)n;
}

/* Read again after the timed runs; setup's reading agreed, or it would
 * have refused. */
static int syn_reverify(struct wb_ctx *ctx, const struct syn *s,
			struct wb_facts *f)
{
	char why[160];
	int err = syn_verify(s, f->page_size_how, sizeof(f->page_size_how), why,
			     sizeof(why));

	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "after the timed runs the views are not 4K "
				 "pages: %s",
				 why);
	f->page_size_verified = true;
	f->page_size_bytes = WB_4K;
	return 0;
}

static int syn_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct syn *s = state;
	const uint64_t n = 1 << 20;
	double single = 1e30, alias = 1e30;
	struct l1d g;
	uint64_t pa = 0, pb = 0, wide_bad = 0, mism;
	int err;

	/* every byte value through both directions, then wider stores */
	for (int v = 0; v < 256; v++) {
		s->a[v * 16] = (unsigned char)v;
		wide_bad += s->b[v * 16] != (unsigned char)v;
		s->b[v * 16 + 1] = (unsigned char)~v;
		wide_bad += s->a[v * 16 + 1] != (unsigned char)~v;
	}
	for (uint64_t i = 0; i < 512; i++) {
		((volatile uint64_t *)s->a)[i] = i * 0x0101010101010101ull;
		wide_bad += ((volatile uint64_t *)s->b)[i] !=
			    i * 0x0101010101010101ull;
	}
	for (int rep = 0; rep < 3; rep++) {
		double t = syn_time(s, false, n);

		single = t < single ? t : single;
		t = syn_time(s, true, n);
		alias = t < alias ? t : alias;
	}
	mism = s->mismatches + wide_bad;
	{
		const struct wb_fact_row rows[] = {
			{ "coherence_mismatches", (double)mism, "experiment" },
			{ "coherent", mism ? 0 : 1, "experiment" },
			{ "ns_per_pair_single", single, "timing" },
			{ "ns_per_pair_alias", alias, "timing" },
			{ "alias_vs_single_ns_ratio", alias / single,
			  "timing" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
	/*
	 * Two views of one frame: a synonym the L1D does not resolve would
	 * show as a read through one view missing a write through the
	 * other. What the model says of the geometry is the prediction;
	 * this is what the writes and reads found. One view tests nothing.
	 */
	if (!err && s->a != s->b)
		err = wb_fact(f, "vipt_no_synonyms", mism ? 0 : 1,
			      "experiment");
	if (!err && !wb_pagemap_pfn((const void *)s->a, &pa) &&
	    !wb_pagemap_pfn((const void *)s->b, &pb))
		err = wb_fact(f, "alias_same_pfn", pa == pb, "pagemap");
	/* what the model was given, not something it is checked against */
	if (!err && !l1d_geom(ctx, &g)) {
		err = wb_input(f, "l1d_size_bytes", (double)g.size, g.source);
		if (!err)
			err = wb_input(f, "l1d_ways", (double)g.ways, g.source);
		if (!err)
			err = wb_input(f, "l1d_line_bytes", (double)g.line,
				       g.source);
	}
	if (err)
		return err;
	return syn_reverify(ctx, s, f);
}

static int syn_predict(const struct wb_ctx *ctx, struct wb_prediction *p)
{
	unsigned int k = (unsigned int)ctx->param[P_ALIAS];
	uint64_t off = k >= 12 ? (uint64_t)1 << k : 0, way;
	struct wbm_vipt v;
	char basis[96];
	struct l1d g;

	wb_predict(p, "coherence_mismatches", 0, WB_TOL_EXACT, 0,
		   "one frame behind both views: the CPU keeps them coherent");
	wb_predict(p, "coherent", 1, WB_TOL_EXACT, 0,
		   "one frame behind both views");
	if (ctx->sys && wb_arch_is_arm64(ctx->sys)) {
		snprintf(p->model, sizeof(p->model),
			 "arm64: data caches behave as PIPT (Arm ARM); "
			 "S x B <= P does not apply");
		if (off)
			wb_predict(p, "vipt_no_synonyms", 1, WB_TOL_EXACT, 0,
				   "arm64 data caches behave as PIPT: no "
				   "synonyms whatever S x B");
		return 0;
	}
	if (l1d_geom(ctx, &g)) {
		snprintf(p->model, sizeof(p->model),
			 "VIPT S x B <= P: L1D geometry unknown");
		return 0;
	}
	if (wbm_vipt_check(g.size, g.ways, g.line, WB_4K, &v)) {
		snprintf(p->model, sizeof(p->model),
			 "VIPT S x B <= P: L1D geometry %llu/%llu/%llu refused",
			 (unsigned long long)g.size, (unsigned long long)g.ways,
			 (unsigned long long)g.line);
		return 0;
	}
	way = v.span;
	snprintf(p->model, sizeof(p->model),
		 "model VIPT S x B <= P, L1D %llu B %llu-way %llu B lines (%s)",
		 (unsigned long long)g.size, (unsigned long long)g.ways,
		 (unsigned long long)g.line, g.from);
	snprintf(basis, sizeof(basis),
		 "S x B = %llu x %llu = %llu %s P = 4096, %llu colours; "
		 "views' index bits %s",
		 (unsigned long long)v.sets, (unsigned long long)g.line,
		 (unsigned long long)way, v.ok ? "<=" : ">",
		 (unsigned long long)v.colours,
		 off & (way - 1) ? "differ" : "agree");
	/* only two views can show a synonym, and only when they differ in
	 * the index bits; which set a line sits in nothing here can read,
	 * so that is part of the prediction, not a fact */
	if (off)
		wb_predict(p, "vipt_no_synonyms", v.ok || !(off & (way - 1)),
			   WB_TOL_EXACT, 0, basis);
	return 0;
}

const struct wb_kernel wb_k_synonym = {
	.name = "synonym",
	.suite = "synonym",
	.summary = "one frame at two virtual addresses: coherence and cost",
	.per_iteration = "pair",
	.requires = WB_NEED_4K_PAGES,
	.params = params,
	.setup = syn_setup,
	.run = syn_run,
	.check = syn_check,
	.teardown = syn_teardown,
	.predict = syn_predict,
};
