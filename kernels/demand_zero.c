// SPDX-License-Identifier: MIT
/*
 * demand_zero: fresh anonymous memory. Reads map the shared zero page (the
 * huge zero page under THP) and allocate nothing; the first write to each
 * page allocates one frame in one fault. The timed region is one fault
 * storm over a fresh mapping made by prepare(); check() repeats the
 * sequence read-then-write with the faults counted and the frames read
 * from pagemap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "faults.h"
#include "mem/faulting.h"
#include "runner/kernel.h"
#include "mem/mem.h"
#include "counters/osstat.h"
#include "mem/pfns.h"

enum {
	P_MIB,
	P_PAGE_SIZE,
	P_PHASE
};
enum {
	PH_READ = 1,
	PH_WRITE = 2,
	PH_WRITE_AFTER_READ = 3
};

static const uint64_t page_sizes[] = { WB_4K, WB_2M, 0 };
static const uint64_t phases[] = { PH_READ, PH_WRITE, PH_WRITE_AFTER_READ, 0 };

static const char *const phase_names[] = { "", "read", "write",
					   "write-after-read", NULL };

static const struct wb_param params[] = {
	{ .name = "mib",
	  .unit = "MiB",
	  .help = "size of the fresh mapping",
	  .def = 64,
	  .quick = 16,
	  .min = 1,
	  .max = 16384 },
	{ .name = "page_size",
	  .unit = "pagesize",
	  .help = "4K (MADV_NOHUGEPAGE) or 2M (THP, MADV_HUGEPAGE)",
	  .def = WB_4K,
	  .quick = WB_4K,
	  .min = WB_4K,
	  .max = WB_2M,
	  .choices = page_sizes },
	{ .name = "phase",
	  .unit = "enum",
	  .help = "timed faults: read (1, zero page), write (2, first "
		  "write), write-after-read (3, first write after a read)",
	  .def = PH_WRITE,
	  .quick = PH_WRITE,
	  .min = 1,
	  .max = 3,
	  .choices = phases,
	  .names = phase_names },
	{ 0 },
};

struct dz {
	struct wb_ctx *ctx;
	size_t len, unit;
	int phase;
	struct wb_anon map;
	struct wb_batch_log log;
	char batch_how[64]; /* how the last batch was verified */
};

static uint64_t dz_iterations(const struct wb_ctx *ctx)
{
	return (ctx->param[P_MIB] << 20) / ctx->param[P_PAGE_SIZE];
}

static int dz_setup(struct wb_ctx *ctx, void **state)
{
	struct dz *s;

	if (ctx->param[P_PAGE_SIZE] == WB_2M && wb_need_thp(ctx))
		return -ENOTSUP;
	if (ctx->mem_limit_bytes &&
	    (ctx->param[P_MIB] << 20) * 2 > ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_SKIPPED, ENOMEM,
				 "mib=%llu exceeds the memory limit",
				 (unsigned long long)ctx->param[P_MIB]);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->unit = ctx->param[P_PAGE_SIZE];
	s->len = ctx->param[P_MIB] << 20;
	s->phase = (int)ctx->param[P_PHASE];
	*state = s;
	return 0;
}

/*
 * A read-faulted THP mapping holds no anonymous THP for smaps to count:
 * each 2M unit maps the huge zero page (or, with use_zero_page off, a THP
 * of its own). Either way its 512 frames are one compound page, in order
 * from a 2M-aligned frame flagged THP.
 */
static int dz_verify_huge_read(const struct wb_anon *m, char *why,
			       size_t whylen)
{
	size_t n = m->len / WB_4K, per = WB_2M / WB_4K;
	uint64_t *pfn = malloc(n * sizeof(*pfn)), flags = 0, bad = 0;
	int err;

	if (!pfn)
		return -ENOMEM;
	err = wb_pfns(0, m->addr, n, pfn);
	for (size_t u = 0; !err && u < n / per; u++) {
		uint64_t head = pfn[u * per];
		bool ok = head && head % per == 0;

		for (size_t i = 1; ok && i < per; i++)
			ok = pfn[u * per + i] == head + i;
		if (ok)
			err = wb_kpageflags(head, &flags);
		bad += !ok || !(flags & (1ull << WB_KPF_THP));
	}
	free(pfn);
	if (err) {
		snprintf(why, whylen, "pagemap: %s", strerror(-err));
		return err;
	}
	if (bad) {
		snprintf(why, whylen,
			 "%llu of %zu 2M units read-faulted into 4K frames",
			 (unsigned long long)bad, n / per);
		return -EMEDIUMTYPE;
	}
	return 0;
}

/*
 * Was the last timed batch really served with pages of the size asked
 * for? A THP fault falls back to 4K silently when no 2M block is free (or
 * when THP is off for the process while MADV_HUGEPAGE still succeeds);
 * such a batch is counted, and check() refuses the instance.
 */
static void dz_verify_batch(struct dz *s)
{
	struct wb_mem vm = { .addr = s->map.addr,
			     .len = s->map.len,
			     .page_size = s->unit,
			     .kind = s->unit == WB_2M ? WB_MEM_THP
						      : WB_MEM_BASE };
	char why[160] = "";
	int err;

	if (!s->map.addr)
		return;
	if (s->unit == WB_2M && s->phase == PH_READ) {
		snprintf(s->batch_how, sizeof(s->batch_how),
			 "pagemap+kpageflags");
		err = dz_verify_huge_read(&s->map, why, sizeof(why));
	} else {
		err = wb_mem_verify(&vm, s->batch_how, sizeof(s->batch_how),
				    why, sizeof(why));
	}
	wb_batch_verified(&s->log, s->unit == WB_2M, err, why, s->batch_how);
}

/* A fresh, untouched mapping of @n units; for phase 3 already read. */
static int dz_map(struct dz *s, uint64_t n)
{
	int err;

	wb_anon_unmap(&s->map);
	err = wb_anon_map(&s->map, n * s->unit, s->unit == WB_2M);
	if (err)
		return err;
	if (s->phase == PH_WRITE_AFTER_READ)
		wb_touch_read(s->map.addr, s->map.len, WB_4K);
	return 0;
}

static void dz_prepare(void *state, uint64_t n)
{
	struct dz *s = state;
	int err;

	dz_verify_batch(s);
	err = dz_map(s, n);
	wb_batch_failed(&s->log, err, "mmap or madvise of its mapping");
}

static void dz_run(void *state, uint64_t n)
{
	struct dz *s = state;
	size_t len = n * s->unit;

	if (!s->map.addr)
		return;
	if (len > s->map.len)
		len = s->map.len;
	if (s->phase == PH_READ)
		wb_touch_read(s->map.addr, len, s->unit);
	else
		wb_touch_write(s->map.addr, len, s->unit, 1);
}

struct dz_pass {
	uint64_t faults, distinct, zero_pages;
	uint64_t rss_kb;
};

/* Frames of the mapping after a pass: distinct PFNs, zero-page count. */
static int dz_frames(const struct wb_anon *m, uint64_t *pfns,
		     struct dz_pass *out)
{
	size_t n = m->len / WB_4K;
	uint64_t last = 0, flags = 0;
	int err = wb_pfns(0, m->addr, n, pfns);

	if (err)
		return err;
	out->distinct = wb_count_distinct(pfns, n);
	out->zero_pages = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pfns[i])
			continue;
		if (pfns[i] != last) {
			err = wb_kpageflags(pfns[i], &flags);
			if (err)
				return err;
			last = pfns[i];
		}
		out->zero_pages += !!(flags & (1ull << WB_KPF_ZERO_PAGE));
	}
	return wb_pid_status_kb(0, "RssAnon", &out->rss_kb);
}

/* Minor faults and time of one touch pass over @m. */
static int dz_counted(const struct wb_anon *m, int write, uint64_t *faults,
		      uint64_t *ns)
{
	struct wb_minflt c;
	uint64_t a, b, t;
	int err = wb_minflt_open(&c);

	if (err)
		return err;
	/* first calls fault too (vDSO data, stack): not the pass's */
	t = wb_now_ns();
	err = wb_minflt_read(&c, &a);
	if (!err)
		err = wb_minflt_read(&c, &a);
	t = wb_now_ns();
	if (write)
		wb_touch_write(m->addr, m->len, WB_4K, 2);
	else
		wb_touch_read(m->addr, m->len, WB_4K);
	t = wb_now_ns() - t;
	if (!err)
		err = wb_minflt_read(&c, &b);
	wb_minflt_close(&c);
	*faults = b - a;
	if (ns)
		*ns = t;
	return err;
}

/*
 * The reference: will-it-scale's page_fault1 in miniature, sharing no
 * code with this kernel's path (wb_anon_map, wb_touch_write), so that
 * what those add shows as a ratio above 1: mmap, the same page-size
 * advice, one byte written per page with only the writes timed, munmap.
 */
static uint64_t dz_ref_pass(size_t len, size_t unit)
{
	size_t map_len = len + (unit == WB_2M ? WB_2M : 0);
	char *base = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *p;
	uint64_t t;

	if (base == MAP_FAILED)
		return 0;
	/* a THP needs a 2 MiB-aligned range */
	p = (volatile char *)(((uintptr_t)base + unit - 1) &
			      ~(uintptr_t)(unit - 1));
	if (madvise((void *)p, len,
		    unit == WB_2M ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
		munmap(base, map_len);
		return 0;
	}
	t = wb_now_ns();
	for (size_t off = 0; off < len; off += unit)
		p[off] = 1;
	t = wb_now_ns() - t;
	munmap(base, map_len);
	return t;
}

/* One timed write pass: the reference loop, or this kernel's path. */
static uint64_t dz_one_pass(struct dz *s, size_t len, int own)
{
	uint64_t n = len / s->unit, t;
	int phase = s->phase;

	if (!own)
		return dz_ref_pass(len, s->unit);
	s->phase = PH_WRITE;
	if (dz_map(s, n)) {
		s->phase = phase;
		return 0;
	}
	t = wb_now_ns();
	dz_run(s, n);
	t = wb_now_ns() - t;
	wb_anon_unmap(&s->map);
	s->phase = phase;
	return t;
}

/*
 * The reference for the first-write rate (dz_ref_pass) against this
 * kernel's own prepare/run path, alternated so that both see the same
 * machine; best of seven each.
 */
static void dz_compare(struct dz *s, double *ref, double *own)
{
	/* long enough passes (>= 64 MiB) that a scheduler tick is noise */
	size_t len = s->len > ((size_t)64 << 20) ? s->len : (size_t)64 << 20;
	uint64_t n = len / s->unit, best[2] = { UINT64_MAX, UINT64_MAX };

	for (int rep = 0; rep < 14; rep++) {
		uint64_t t = dz_one_pass(s, len, rep & 1);

		if (t && t < best[rep & 1])
			best[rep & 1] = t;
	}
	*ref = best[0] == UINT64_MAX ? 0 : (double)best[0] / (double)n;
	*own = best[1] == UINT64_MAX ? 0 : (double)best[1] / (double)n;
}

/*
 * What the timed batches left: a batch whose mapping failed timed nothing,
 * and one of the wrong page size timed other faults.
 */
static int dz_refuse_batches(struct wb_ctx *ctx, struct dz *s)
{
	dz_verify_batch(s);
	wb_anon_unmap(&s->map);
	return wb_batch_refuse(ctx, &s->log,
			       s->unit == WB_2M ? "2M pages" : "4K pages");
}

/* The check's own mapping after its write pass; the timed batches were
 * verified one by one (dz_refuse_batches). */
static int dz_verify_checked(struct wb_ctx *ctx, struct dz *s,
			     const struct wb_anon *m, struct wb_facts *f,
			     char *why, size_t whylen)
{
	struct wb_mem vm = { .addr = m->addr,
			     .len = m->len,
			     .page_size = s->unit,
			     .kind = s->unit == WB_2M ? WB_MEM_THP
						      : WB_MEM_BASE };
	int err = wb_mem_verify(&vm, f->page_size_how, sizeof(f->page_size_how),
				why, whylen);

	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "the check's mapping is not %s pages: %s",
				 s->unit == WB_2M ? "2M THP" : "4K", why);
	f->page_size_verified = true;
	f->page_size_bytes = s->unit;
	return 0;
}

/*
 * The readers the check uses (the fault counter, pagemap, kpageflags,
 * /proc/self/status, the distinct count's copy and sort of @n PFNs) grow
 * the heap and stack the first time they run, by up to 68 kB in a static
 * aarch64 build: run them once before the baseline, so that
 * read_rss_growth_kb is the mapping's alone.
 */
static void dz_warm(uint64_t *pfns, size_t n)
{
	struct wb_minflt c;
	uint64_t v = 0, flags;

	wb_count_distinct(pfns, n);

	if (!wb_minflt_open(&c)) {
		wb_minflt_read(&c, &v);
		wb_minflt_close(&c);
	}
	if (!wb_pfns(0, pfns, 1, &v) && v)
		wb_kpageflags(v, &flags);
	wb_pid_status_kb(0, "RssAnon", &v);
}

static int dz_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct dz *s = state;
	struct dz_pass rd = { 0 }, wr = { 0 };
	struct wb_anon m;
	uint64_t *pfns, rss0 = 0, thp0 = 0, thp1 = 0, zp0 = 0, zp1 = 0, ns;
	double ref, own;
	char why[160];
	int err, vm_err;

	err = dz_refuse_batches(ctx, s);
	if (err)
		return err;
	pfns = malloc(s->len / WB_4K * sizeof(*pfns));
	if (!pfns)
		return -ENOMEM;
	err = wb_anon_map(&m, s->len, s->unit == WB_2M);
	if (err) {
		free(pfns);
		return err;
	}
	/* the PFN buffer's own pages must not count as growth */
	memset(pfns, 0, s->len / WB_4K * sizeof(*pfns));
	dz_warm(pfns, s->len / WB_4K);
	vm_err = wb_vmstat("thp_fault_alloc", &thp0);
	vm_err = vm_err ?: wb_vmstat("thp_zero_page_alloc", &zp0);
	err = wb_pid_status_kb(0, "RssAnon", &rss0);
	if (!err)
		err = dz_counted(&m, 0, &rd.faults, NULL);
	if (!err)
		err = dz_frames(&m, pfns, &rd);
	if (!err)
		err = dz_counted(&m, 1, &wr.faults, &ns);
	if (!err)
		err = dz_frames(&m, pfns, &wr);
	vm_err = vm_err ?: wb_vmstat("thp_fault_alloc", &thp1);
	vm_err = vm_err ?: wb_vmstat("thp_zero_page_alloc", &zp1);
	if (err == -EPERM) {
		err = wb_refuse(
			ctx, WB_MISSING, EPERM,
			"pagemap hides PFNs: the zero-page and new-frame "
			"checks need CAP_SYS_ADMIN");
		goto out;
	}
	if (err)
		goto out;
	err = dz_verify_checked(ctx, s, &m, f, why, sizeof(why));
	if (err)
		goto out;
	{
		const struct wb_fact_row rows[] = {
			{ "read_minor_faults", (double)rd.faults,
			  "perf:minor-faults" },
			{ "read_pfn_distinct", (double)rd.distinct, "pagemap" },
			{ "read_pages_zero_page", (double)rd.zero_pages,
			  "pagemap+kpageflags" },
			{ "read_rss_growth_kb",
			  (double)rd.rss_kb - (double)rss0, "status" },
			{ "write_minor_faults", (double)wr.faults,
			  "perf:minor-faults" },
			{ "write_pfn_distinct", (double)wr.distinct,
			  "pagemap" },
			{ "write_pages_zero_page", (double)wr.zero_pages,
			  "pagemap+kpageflags" },
			{ "bytes_allocated",
			  ((double)wr.rss_kb - (double)rss0) * 1024, "status" },
			{ "write_after_read_ns_per_fault",
			  (double)ns / (double)wr.faults,
			  "timing+perf:minor-faults" },
			/* the timed phase's faults and the memory they
			 * mapped, so a fault's cost can be put per MiB: a
			 * read maps the zero page, a write a new frame */
			{ "timed_faults",
			  (double)(s->phase == PH_READ ? rd.faults : wr.faults),
			  "perf:minor-faults" },
			{ "timed_mapped_bytes",
			  (double)(s->phase == PH_READ ? rd.zero_pages
						       : wr.distinct) *
				  WB_4K,
			  s->phase == PH_READ ? "pagemap+kpageflags"
					      : "pagemap" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
	/* unreadable /proc/vmstat: no deltas rather than made-up ones */
	if (!err && !vm_err)
		err = wb_fact(f, "thp_fault_alloc_delta", (double)(thp1 - thp0),
			      "vmstat");
	if (!err && !vm_err)
		err = wb_fact(f, "thp_zero_page_alloc_delta",
			      (double)(zp1 - zp0), "vmstat");
	/* only THP batches are verified: with 4K pages there is no count */
	if (!err && s->unit == WB_2M && s->log.batches)
		err = wb_fact(f, "timed_batches_not_huge",
			      (double)s->log.not_huge, s->batch_how);
	if (err)
		goto out;
	dz_compare(s, &ref, &own);
	if (ref > 0 && own > 0) {
		const struct wb_fact_row rows[] = {
			{ "ref_loop_ns_per_fault", ref, "timing" },
			{ "kernel_loop_ns_per_fault", own, "timing" },
			{ "kernel_vs_ref_ns_ratio", own / ref, "timing" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
out:
	wb_anon_unmap(&m);
	free(pfns);
	return err;
}

static void dz_teardown(void *state)
{
	struct dz *s = state;

	if (!s)
		return;
	wb_anon_unmap(&s->map);
	free(s);
}

static int dz_predict(const struct wb_ctx *ctx, struct wb_prediction *p)
{
	uint64_t len = ctx->param[P_MIB] << 20, unit = ctx->param[P_PAGE_SIZE];
	uint64_t units = len / unit, pages = len / WB_4K;
	int huge = unit == WB_2M;

	snprintf(p->model, sizeof(p->model),
		 "demand paging: zero page on read, one frame per write");
	wb_predict(p, "read_minor_faults", (double)units, WB_TOL_EXACT, 0,
		   huge ? "one fault per 2M maps the huge zero page"
			: "one read fault per 4K page");
	wb_predict(p, "read_pfn_distinct", huge ? 512 : 1, WB_TOL_EXACT, 0,
		   huge ? "the 512 frames of the one huge zero page"
			: "every page maps the one zero frame");
	wb_predict(p, "read_pages_zero_page", (double)pages, WB_TOL_EXACT, 0,
		   "kpageflags ZERO_PAGE on every frame read");
	wb_predict(p, "read_rss_growth_kb", 0, WB_TOL_ABS, 64,
		   "the zero page is not counted in RSS (64 kB slack)");
	wb_predict(p, "write_minor_faults", (double)units, WB_TOL_EXACT, 0,
		   huge ? "one fault per 2M replaces the huge zero page"
			: "one write fault per 4K page");
	wb_predict(p, "write_pfn_distinct", (double)pages, WB_TOL_EXACT, 0,
		   "a new frame for every page");
	wb_predict(p, "write_pages_zero_page", 0, WB_TOL_EXACT, 0,
		   "no page maps the zero page after a write");
	wb_predict(p, "bytes_allocated", (double)len, WB_TOL_ABS, 65536,
		   "one frame per page written (64 KiB slack)");
	/* timed reads allocate no THP: nothing to verify, nothing counted */
	if (huge && ctx->param[P_PHASE] != PH_READ)
		wb_predict(p, "timed_batches_not_huge", 0, WB_TOL_EXACT, 0,
			   "every timed batch's THPs verified (smaps)");
	/* 2M: a THP fault's cost is mostly finding a free 2M block, which
	 * varies run to run with fragmentation: reported, not predicted */
	if (!huge)
		wb_predict(p, "kernel_vs_ref_ns_ratio", 1, WB_TOL_REL, 0.10,
			   "same work as a minimal mmap+write loop");
	return 0;
}

/* the mapping, plus the reference comparison's passes (>= 64 MiB) */
static uint64_t dz_footprint(const struct wb_ctx *ctx)
{
	uint64_t len = ctx->param[P_MIB] << 20;

	return len + (len > (64ull << 20) ? len : 64ull << 20);
}

/* One plot for the fault kernels of the suite (faults.h). */
const struct wb_plot_hint wb_fault_plots[] = {
	{ .style = WB_PLOT_BARS,
	  .name = "cow_faults",
	  .title = "Fault rates",
	  .caption = "Page faults per second, and the time per MiB the faults "
		     "mapped (time per fault x measured faults per MiB), "
		     "medians over processes (suite cow).",
	  .whole_suite = true,
	  .y = "faults_per_s",
	  .y_ns = "ns_per_fault",
	  .faults = "timed_faults",
	  .mapped_bytes = "timed_mapped_bytes" },
	{ 0 },
};

const struct wb_kernel wb_k_demand_zero = {
	.name = "demand_zero",
	.suite = "cow",
	.summary = "read faults map the zero page; first writes allocate",
	.per_iteration = "fault",
	.params = params,
	.requires = WB_NEED_PAGEMAP_PFN | WB_NEED_4K_PAGES,
	.setup = dz_setup,
	.prepare = dz_prepare,
	.run = dz_run,
	.check = dz_check,
	.teardown = dz_teardown,
	.predict = dz_predict,
	.footprint = dz_footprint,
	.iterations = dz_iterations,
	.faults_in_loop = true,
	.plots = wb_fault_plots,
};
