// SPDX-License-Identifier: MIT
/*
 * cow_storm: a parent with M MiB written forks; then the child, the parent
 * or both write every page or a seeded subset. Each first write after the
 * fork is one copy-on-write fault (the second writer of a page reuses the
 * frame the first one left: still one fault). prepare() builds a fresh
 * populated region and forks a child that waits on a barrier; the timed
 * region releases the writers and waits until the child has written.
 * With THP the kernel either copies the huge page or splits the PMD and
 * copies 4K pages: check() records which from /proc/vmstat.
 *
 * With a multi-size THP folio (16K, 64K: PTE-mapped, the size switched on
 * through the settings journal when allowed) check() also records what
 * COW does with one: after a fork, the child writes one 4K page of a
 * shared folio, and the folios then backing the child's range (copied
 * whole as a new large folio, or one 4K page copied out of the shared
 * folio) and the frames the rest still shares with the parent are read
 * from pagemap and kpageflags, as are the faults writing the whole folio
 * takes. These are facts of this kernel, not predictions.
 *
 * In check() the two writers of writer=both take turns, the child first:
 * then which THPs the parent, the second writer, finds copied out whole
 * (and reuses with one fault) is decided by the pages written, not by
 * how the two interleaved, and the fault count is exact. The timed
 * region keeps them concurrent.
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
#include "mem/mthp.h"
#include "counters/osstat.h"
#include "mem/pfns.h"
#include "runner/procs.h"

enum {
	P_MIB,
	P_PAGE_SIZE,
	P_WRITER,
	P_PERCENT
};
enum {
	W_CHILD = 1,
	W_PARENT = 2,
	W_BOTH = 3
};

#define FOLIO_16K ((uint64_t)16 << 10)
#define FOLIO_64K ((uint64_t)64 << 10)

static const uint64_t page_sizes[] = { WB_4K, FOLIO_16K, FOLIO_64K, WB_2M, 0 };
static const uint64_t quick_page_sizes[] = { WB_4K, FOLIO_64K, WB_2M, 0 };
static const uint64_t writers[] = { W_CHILD, W_PARENT, W_BOTH, 0 };
static const uint64_t percents[] = { 100, 10, 0 };

static const char *const writer_names[] = { "", "child", "parent", "both",
					    NULL };

static const struct wb_param params[] = {
	{ .name = "mib",
	  .unit = "MiB",
	  .help = "memory written before fork",
	  .def = 256,
	  .quick = 32,
	  .min = 2,
	  .max = 16384 },
	{ .name = "page_size",
	  .unit = "pagesize",
	  .help = "4K (MADV_NOHUGEPAGE), 16K or 64K (mTHP folios) or 2M "
		  "(THP)",
	  .def = WB_4K,
	  .quick = WB_4K,
	  .min = WB_4K,
	  .max = WB_2M,
	  .choices = page_sizes,
	  .quick_choices = quick_page_sizes },
	{ .name = "writer",
	  .unit = "enum",
	  .help = "who writes after fork: child (1), parent (2), both (3)",
	  .def = W_CHILD,
	  .quick = W_CHILD,
	  .min = 1,
	  .max = 3,
	  .choices = writers,
	  .names = writer_names },
	{ .name = "percent",
	  .unit = "%",
	  .help = "share of the 4K pages written (seeded choice)",
	  .def = 100,
	  .quick = 100,
	  .min = 1,
	  .max = 100,
	  .choices = percents },
	{ 0 },
};

/* What the child leaves for the parent in shared memory. */
struct cow_shared {
	uint64_t child_faults;
	int child_err;
	uint64_t pfn[]; /* [pages] before, then [pages] after */
};

/* What the child of the one-write experiment reads in its own range. */
struct cow_one {
	struct wb_folio_hist after_one, after_all;
	uint64_t faults_one; /* the one write */
	uint64_t faults_all; /* writing every page of the folio */
	int err;
	uint64_t pfn[]; /* after the one write */
};

struct cow {
	size_t len, pages, nsel;
	size_t *sel; /* offsets of the pages written */
	int writer, huge;
	size_t folio; /* mTHP: the folio size, else 0 */
	bool checking;
	struct wb_anon mem;
	struct wb_procs procs;
	bool child_live;
	struct cow_shared *sh;
	size_t sh_len;
	uint64_t fork_ns;
	struct wb_batch_log log;
	char verify_how[64]; /* how the last batch was verified */
};

/* Seeded, reproducible: predict() counts the same pages. */
static bool cow_selected(unsigned int seed, size_t i, uint64_t percent)
{
	uint64_t x = ((uint64_t)seed << 32 | i) * 0x9e3779b97f4a7c15ull;

	if (percent >= 100)
		return true;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return x % 100 < percent;
}

static size_t cow_count(const struct wb_ctx *ctx)
{
	size_t pages = (ctx->param[P_MIB] << 20) / WB_4K, n = 0;

	for (size_t i = 0; i < pages; i++)
		n += cow_selected(ctx->seed, i, ctx->param[P_PERCENT]);
	return n;
}

static uint64_t cow_iterations(const struct wb_ctx *ctx)
{
	return cow_count(ctx) * (ctx->param[P_WRITER] == W_BOTH ? 2 : 1);
}

static void cow_write(struct cow *s)
{
	for (size_t i = 0; i < s->nsel; i++)
		((volatile char *)s->mem.addr)[s->sel[i]] = 3;
}

/* Counted write, for check(): minor faults of the calling thread. */
static int cow_write_counted(struct cow *s, uint64_t *faults)
{
	struct wb_minflt c;
	uint64_t a, b;
	int err = wb_minflt_open(&c);

	if (err)
		return err;
	err = wb_minflt_read(&c, &a);
	if (!err)
		err = wb_minflt_read(&c, &a);
	cow_write(s);
	if (!err)
		err = wb_minflt_read(&c, &b);
	wb_minflt_close(&c);
	*faults = b - a;
	return err;
}

static int cow_child(struct wb_procs *p, int idx, void *arg)
{
	struct cow *s = arg;
	uint64_t *before = s->sh->pfn, *after = s->sh->pfn + s->pages;
	int err = 0;

	(void)idx;
	if (s->checking)
		err = wb_pfns(0, s->mem.addr, s->pages, before);
	if (wb_procs_sync(p))
		return 1;
	if (s->writer & W_CHILD) {
		if (s->checking)
			err = err ?: cow_write_counted(s, &s->sh->child_faults);
		else
			cow_write(s);
	}
	if (s->checking)
		err = err ?: wb_pfns(0, s->mem.addr, s->pages, after);
	s->sh->child_err = err;
	wb_procs_sync(p);
	return 0;
}

/* Let the child finish; -ECHILD when it did not exit cleanly. */
static int cow_end_child(struct cow *s)
{
	int err;

	if (!s->child_live)
		return 0;
	err = wb_procs_release(&s->procs);
	err = wb_procs_join(&s->procs) ?: err;
	s->child_live = false;
	return err;
}

/*
 * The batch's region, written and not yet shared, has the page size asked
 * for. A THP request that silently got 4K pages (or a 4K one that got
 * THPs) would time other faults: such batches are counted, and check()
 * refuses the instance as untrusted.
 */
static struct wb_mem cow_region(const struct cow *s, const struct wb_anon *a)
{
	return (struct wb_mem){ .addr = a->addr,
				.len = a->len,
				.page_size = s->folio  ? s->folio
					     : s->huge ? WB_2M
						       : WB_4K,
				.kind = s->folio  ? WB_MEM_MTHP
					: s->huge ? WB_MEM_THP
						  : WB_MEM_BASE };
}

static const char *cow_size_name(const struct cow *s)
{
	return s->folio == FOLIO_16K   ? "16K folios"
	       : s->folio == FOLIO_64K ? "64K folios"
	       : s->huge	       ? "2M THPs"
				       : "4K pages";
}

static void cow_verify_batch(struct cow *s)
{
	struct wb_mem vm = cow_region(s, &s->mem);
	char why[160] = "";
	int err = wb_mem_verify(&vm, s->verify_how, sizeof(s->verify_how), why,
				sizeof(why));

	wb_batch_verified(&s->log, s->huge || s->folio, err, why,
			  s->verify_how);
}

/* Fresh region written by the parent, then a child waiting to write;
 * *step names what failed. */
static int cow_fork(struct cow *s, const char **step)
{
	uint64_t t;
	int err;

	*step = "the previous child's exit";
	err = cow_end_child(s);
	if (err)
		return err;
	wb_anon_unmap(&s->mem);
	*step = "mmap and madvise of the region";
	err = wb_anon_map(&s->mem, s->len, s->huge || s->folio);
	if (err)
		return err;
	wb_touch_write(s->mem.addr, s->mem.len, WB_4K, 1);
	if (!s->checking)
		cow_verify_batch(s);
	/*
	 * What the check reads after the storm (THPs still PMD-mapped) is
	 * the storm's only if khugepaged does not collapse the copied pages
	 * back into THPs meanwhile, as it did under a slow emulated CPU.
	 * MADV_NOHUGEPAGE, inherited by the child, keeps khugepaged away;
	 * THPs already mapped stay, and a write fault on a huge PMD takes
	 * the same path whatever the VMA's THP advice.
	 */
	*step = "madvise(MADV_NOHUGEPAGE) of the faulted region";
	if (s->checking && s->huge &&
	    madvise(s->mem.addr, s->mem.len, MADV_NOHUGEPAGE))
		return -errno;
	*step = "fork";
	t = wb_now_ns();
	err = wb_procs_start(&s->procs, 1, cow_child, s);
	s->fork_ns = wb_now_ns() - t;
	if (err)
		return err;
	s->child_live = true;
	*step = "the child's start";
	err = wb_procs_gather(&s->procs, 10000);
	if (err)
		wb_procs_kill(&s->procs), s->child_live = false;
	return err;
}

static void cow_teardown(void *state)
{
	struct cow *s = state;

	if (!s)
		return;
	cow_end_child(s);
	wb_anon_unmap(&s->mem);
	if (s->sh)
		munmap(s->sh, s->sh_len);
	free(s->sel);
	free(s);
}

static bool cow_is_folio(uint64_t ps)
{
	return ps == FOLIO_16K || ps == FOLIO_64K;
}

/* In the parent: a folio size switched on through the journal. */
static int cow_prepare_system(struct wb_ctx *ctx)
{
	if (!cow_is_folio(ctx->param[P_PAGE_SIZE]))
		return 0;
	return wb_mthp_ready(ctx, ctx->param[P_PAGE_SIZE]);
}

static int cow_setup(struct wb_ctx *ctx, void **state)
{
	struct cow *s;
	int err;

	if (ctx->param[P_PAGE_SIZE] == WB_2M && wb_need_thp(ctx))
		return -ENOTSUP;
	/* the child only checks what the parent switched */
	if (cow_is_folio(ctx->param[P_PAGE_SIZE])) {
		err = wb_mthp_ready(ctx, ctx->param[P_PAGE_SIZE]);
		if (err)
			return err;
	}
	if (ctx->mem_limit_bytes &&
	    (ctx->param[P_MIB] << 20) * 2 > ctx->mem_limit_bytes)
		return wb_refuse(ctx, WB_SKIPPED, ENOMEM,
				 "twice mib=%llu exceeds the memory limit",
				 (unsigned long long)ctx->param[P_MIB]);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->len = ctx->param[P_MIB] << 20;
	s->huge = ctx->param[P_PAGE_SIZE] == WB_2M;
	s->folio = cow_is_folio(ctx->param[P_PAGE_SIZE])
			   ? ctx->param[P_PAGE_SIZE]
			   : 0;
	s->writer = (int)ctx->param[P_WRITER];
	s->pages = s->len / WB_4K;
	s->sel = malloc(s->pages * sizeof(*s->sel));
	s->sh_len = sizeof(*s->sh) + 2 * s->pages * sizeof(uint64_t);
	s->sh = mmap(NULL, s->sh_len, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->sh == MAP_FAILED)
		s->sh = NULL;
	if (!s->sel || !s->sh) {
		cow_teardown(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->pages; i++)
		if (cow_selected(ctx->seed, i, ctx->param[P_PERCENT]))
			s->sel[s->nsel++] = i * WB_4K;
	*state = s;
	return 0;
}

static void cow_prepare(void *state, uint64_t n)
{
	struct cow *s = state;
	const char *step;
	int err;

	(void)n;
	err = cow_fork(s, &step);
	wb_batch_failed(&s->log, err, step);
}

static void cow_run(void *state, uint64_t n)
{
	struct cow *s = state;
	int err;

	(void)n;
	if (!s->child_live)
		return;
	err = wb_procs_release(&s->procs);
	if (s->writer & W_PARENT)
		cow_write(s);
	err = wb_procs_gather(&s->procs, 600000) ?: err;
	if (err)
		wb_batch_failed(&s->log, err, "the child's writes");
}

static size_t count_equal(const uint64_t *a, const uint64_t *b, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += a[i] && a[i] == b[i];
	return k;
}

static size_t count_present(const uint64_t *pfn, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += pfn[i] != 0;
	return k;
}

/*
 * What the timed batches left: any failed step, or a region not of the
 * asked page size, refuses the instance before its facts are collected.
 */
static int cow_refuse_batches(struct wb_ctx *ctx, struct cow *s)
{
	int err = cow_end_child(s);

	wb_batch_failed(&s->log, err, "the last child's exit");
	return wb_batch_refuse(ctx, &s->log, cow_size_name(s));
}

/* The check's own region, as the timed ones were before their fork. */
static int cow_verify_thp(struct wb_ctx *ctx, struct cow *s, struct wb_facts *f)
{
	struct wb_mem vm = cow_region(s, &s->mem);
	char why[160];
	int err = wb_mem_verify(&vm, f->page_size_how, sizeof(f->page_size_how),
				why, sizeof(why));

	if (err)
		return wb_refuse(ctx, WB_UNTRUSTED, err,
				 "the check's region is not %s: %s",
				 cow_size_name(s), why);
	/* and every timed batch's (cow_refuse_batches) */
	f->page_size_verified = true;
	f->page_size_bytes = s->folio ? s->folio : s->huge ? WB_2M : WB_4K;
	return 0;
}

/* Pages of @h in whole folios larger than 4K. */
static uint64_t hist_large_pages(const struct wb_folio_hist *h)
{
	uint64_t n = 0;

	for (int o = 1; o < WB_FOLIO_ORDERS; o++)
		n += h->folios[o] << o;
	return n;
}

struct cow_one_arg {
	char *addr;
	size_t len;
	struct cow_one *out;
};

/* The child: one write, its range read; then the rest of the folio
 * written, the faults counted, its range read again. */
static int cow_one_child(struct wb_procs *p, int idx, void *argp)
{
	struct cow_one_arg *a = argp;
	struct cow_one *o = a->out;
	struct wb_minflt c;
	uint64_t f[4] = { 0 };
	int err;

	(void)p;
	(void)idx;
	/* the reads around the writes only: the child's own first
	 * touches of stack and heap after the fork are COW faults too */
	err = wb_minflt_open(&c);
	if (!err)
		err = wb_minflt_read(&c, &f[0]);
	if (!err)
		err = wb_minflt_read(&c, &f[0]);
	((volatile char *)a->addr)[0] = 5;
	if (!err)
		err = wb_minflt_read(&c, &f[1]);
	err = err ?: wb_pfns(0, a->addr, a->len / WB_4K, o->pfn);
	err = err ?: wb_folio_hist((uintptr_t)a->addr, a->len, &o->after_one);
	if (!err)
		err = wb_minflt_read(&c, &f[2]);
	if (!err)
		err = wb_minflt_read(&c, &f[2]);
	for (size_t off = WB_4K; !err && off < a->len; off += WB_4K)
		((volatile char *)a->addr)[off] = 5;
	if (!err)
		err = wb_minflt_read(&c, &f[3]);
	wb_minflt_close(&c);
	o->faults_one = f[1] - f[0];
	o->faults_all = o->faults_one + f[3] - f[2];
	err = err ?: wb_folio_hist((uintptr_t)a->addr, a->len, &o->after_all);
	o->err = err;
	return 0;
}

/*
 * What COW does with a large folio on this kernel: one folio of the
 * instance's size, written, verified, shared by fork; the child writes
 * one 4K page of it, then the rest. Facts only: whether the kernel copies
 * such a folio whole, splits it, or copies page by page is read here.
 */
static int cow_one_write(struct wb_ctx *ctx, struct cow *s, struct wb_facts *f)
{
	size_t n = s->folio / WB_4K,
	       olen = sizeof(struct cow_one) + n * sizeof(uint64_t);
	struct cow_one *o = mmap(NULL, olen, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct wb_folio_hist before, parent;
	struct wb_procs procs;
	struct cow_one_arg a;
	struct wb_anon m;
	uint64_t *pp = calloc(n, sizeof(*pp));
	size_t rest_shared = 0;
	char why[160];
	int err;

	if (o == MAP_FAILED || !pp) {
		if (o != MAP_FAILED)
			munmap(o, olen);
		free(pp);
		return -ENOMEM;
	}
	memset(o, 0, olen);
	/* 2M-aligned; only the first folio of it is written */
	err = wb_anon_map(&m, s->folio, 1);
	if (err)
		goto out_unmapped;
	wb_touch_write(m.addr, s->folio, WB_4K, 1);
	err = wb_folio_hist((uintptr_t)m.addr, s->folio, &before);
	err = err ?: wb_folio_hist_expect(&before, s->folio, why, sizeof(why));
	if (err == -EMEDIUMTYPE) {
		err = wb_refuse(ctx, WB_UNTRUSTED, EMEDIUMTYPE,
				"one-write experiment: the folio is not one "
				"of %zuK: %s",
				s->folio >> 10, why);
		goto out;
	}
	if (err)
		goto out;
	err = wb_pfns(0, m.addr, n, pp);
	a = (struct cow_one_arg){ .addr = m.addr, .len = s->folio, .out = o };
	err = err ?: wb_procs_start(&procs, 1, cow_one_child, &a);
	if (err)
		goto out;
	err = wb_procs_join(&procs) ?: o->err;
	/* the parent never wrote: what it maps now is still the folio */
	err = err ?: wb_folio_hist((uintptr_t)m.addr, s->folio, &parent);
	if (err)
		goto out;
	for (size_t i = 1; i < n; i++)
		rest_shared += o->pfn[i] == pp[i];
	{
		const struct wb_fact_row rows[] = {
			/* what backs the written page and the rest */
			{ "cow1_child_pages_4k_folios",
			  (double)o->after_one.folios[0],
			  "pagemap+kpageflags" },
			{ "cow1_child_pages_large_folios",
			  (double)hist_large_pages(&o->after_one),
			  "pagemap+kpageflags" },
			{ "cow1_child_pages_partial",
			  (double)o->after_one.partial, "pagemap+kpageflags" },
			{ "cow1_write_faults", (double)o->faults_one,
			  "perf:minor-faults" },
			{ "cow1_child_written_page_shared",
			  (double)(o->pfn[0] == pp[0]), "pagemap" },
			{ "cow1_child_rest_shared", (double)rest_shared,
			  "pagemap" },
			{ "cow1_parent_pages_large_folios",
			  (double)hist_large_pages(&parent),
			  "pagemap+kpageflags" },
			/* the whole folio written in the child */
			{ "cow_folio_write_faults", (double)o->faults_all,
			  "perf:minor-faults" },
			{ "cow_folio_child_pages_4k_after",
			  (double)o->after_all.folios[0],
			  "pagemap+kpageflags" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
out:
	wb_anon_unmap(&m);
out_unmapped:
	munmap(o, olen);
	free(pp);
	return err;
}

static int cow_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct cow *s = state;
	uint64_t *pb = NULL, *pa = NULL, pfaults = 0;
	uint64_t split0 = 0, split1 = 0, alloc0 = 0, alloc1 = 0;
	uint64_t *cb = s->sh->pfn, *ca = s->sh->pfn + s->pages;
	struct wb_smaps_sum sm = { 0 };
	const char *step;
	int err, vm_err;

	err = cow_refuse_batches(ctx, s);
	if (err)
		return err;
	pb = malloc(s->pages * sizeof(*pb));
	pa = malloc(s->pages * sizeof(*pa));
	if (!pb || !pa) {
		err = -ENOMEM;
		goto out;
	}
	memset(s->sh, 0, s->sh_len);
	s->checking = true;
	err = cow_fork(s, &step);
	if (err) {
		err = wb_refuse(ctx, WB_FAILED, err, "check: %s failed: %s",
				step, strerror(-err));
		goto out;
	}
	err = cow_verify_thp(ctx, s, f);
	if (err)
		goto out;
	err = wb_pfns(0, s->mem.addr, s->pages, pb);
	vm_err = wb_vmstat("thp_split_pmd", &split0);
	vm_err = vm_err ?: wb_vmstat("thp_fault_alloc", &alloc0);
	err = wb_procs_release(&s->procs) ?: err;
	err = wb_procs_gather(&s->procs, 600000) ?: err;
	if (!err && (s->writer & W_PARENT))
		err = cow_write_counted(s, &pfaults);
	if (!err && s->huge)
		err = wb_smaps_scan((uintptr_t)s->mem.addr,
				    (uintptr_t)s->mem.addr + s->mem.len, &sm);
	vm_err = vm_err ?: wb_vmstat("thp_split_pmd", &split1);
	vm_err = vm_err ?: wb_vmstat("thp_fault_alloc", &alloc1);
	err = err ?: s->sh->child_err;
	err = err ?: wb_pfns(0, s->mem.addr, s->pages, pa);
	err = cow_end_child(s) ?: err;
	if (err == -EPERM) {
		err = wb_refuse(ctx, WB_MISSING, EPERM,
				"pagemap hides PFNs: the sharing checks need "
				"CAP_SYS_ADMIN");
		goto out;
	}
	if (err)
		goto out;
	{
		size_t shared = count_equal(pa, ca, s->pages);
		const struct wb_fact_row rows[] = {
			/* present at the fork, not len / 4K */
			{ "pages", (double)count_present(pb, s->pages),
			  "pagemap" },
			{ "minor_faults",
			  (double)(pfaults + s->sh->child_faults),
			  "perf:minor-faults" },
			{ "minor_faults_parent", (double)pfaults,
			  "perf:minor-faults" },
			{ "minor_faults_child", (double)s->sh->child_faults,
			  "perf:minor-faults" },
			{ "pfn_shared_before",
			  (double)count_equal(pb, cb, s->pages), "pagemap" },
			{ "pfn_shared_after", (double)shared, "pagemap" },
			{ "pfn_differ_after", (double)(s->pages - shared),
			  "pagemap" },
			/* the timed work's faults and the memory they gave
			 * frames of their own, for a cost per MiB */
			{ "timed_faults",
			  (double)(pfaults + s->sh->child_faults),
			  "perf:minor-faults" },
			{ "timed_mapped_bytes",
			  (double)(s->pages - shared) * WB_4K, "pagemap" },
			{ "fork_ns_per_gib",
			  (double)s->fork_ns * (double)(1ull << 30) /
				  (double)s->len,
			  "timing" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
	/* unreadable /proc/vmstat: no deltas rather than made-up ones */
	if (!err && !vm_err)
		err = wb_fact(f, "thp_split_pmd_delta",
			      (double)(split1 - split0), "vmstat");
	if (!err && !vm_err)
		err = wb_fact(f, "thp_fault_alloc_delta",
			      (double)(alloc1 - alloc0), "vmstat");
	/* only THP and folio batches are verified: with 4K pages there is
	 * no count */
	if (!err && (s->huge || s->folio))
		err = wb_fact(f, "batches_not_huge", (double)s->log.not_huge,
			      s->verify_how);
	/* whether the parent's THPs are still PMD-mapped after the storm */
	if (!err && s->huge)
		err = wb_fact(f, "thp_pmd_mapped_parent_after",
			      (double)(sm.anon_huge / WB_2M), "smaps");
	if (!err && s->folio)
		err = cow_one_write(ctx, s, f);
out:
	s->checking = false;
	free(pb);
	free(pa);
	return err;
}

/* 2M regions with at least one page selected (@touched) and with all
 * of them (@full). */
static void cow_huge_regions(const struct wb_ctx *ctx, size_t *touched,
			     size_t *full)
{
	size_t pages = (ctx->param[P_MIB] << 20) / WB_4K, per = WB_2M / WB_4K;

	*touched = *full = 0;
	for (size_t h = 0; h < pages / per; h++) {
		size_t sel = 0;

		for (size_t i = h * per; i < (h + 1) * per; i++)
			sel += cow_selected(ctx->seed, i,
					    ctx->param[P_PERCENT]);
		*touched += sel > 0;
		*full += sel == per;
	}
}

static int cow_predict(const struct wb_ctx *ctx, struct wb_prediction *p)
{
	size_t pages = (ctx->param[P_MIB] << 20) / WB_4K, n = cow_count(ctx);
	size_t regions = pages / (WB_2M / WB_4K), touched = 0, full = 0;
	int w = (int)ctx->param[P_WRITER];
	bool huge = ctx->param[P_PAGE_SIZE] == WB_2M;
	double parent = (w & W_PARENT) ? (double)n : 0;
	double child = (w & W_CHILD) ? (double)n : 0;
	const char *why_parent = "faults counted in the parent";

	snprintf(p->model, sizeof(p->model),
		 "copy-on-write: one fault per page per writer");
	if (huge) {
		cow_huge_regions(ctx, &touched, &full);
		/*
		 * A writer whose PMD still maps a THP another process maps
		 * too splits it and copies 4K pages, one fault each. With
		 * both writing, the child first (check()), the parent finds
		 * each THP whose pages the child all copied out mapped by
		 * itself alone and takes it back whole in one fault.
		 */
		if (w == W_BOTH) {
			parent -= (double)(full * (WB_2M / WB_4K - 1));
			why_parent = "after the child: one fault per THP it "
				     "copied out whole, else per page";
		}
		wb_predict(p, "thp_pmd_mapped_parent_after",
			   w == W_CHILD	 ? (double)regions
			   : w == W_BOTH ? (double)(regions - touched + full)
					 : (double)(regions - touched),
			   WB_TOL_EXACT, 0,
			   "THPs the parent never split: unwritten, or its "
			   "own again");
	}
	wb_predict(p, "minor_faults", parent + child, WB_TOL_EXACT, 0,
		   w == W_BOTH ? "first writer copies, second reuses"
			       : "one COW fault per page first written");
	wb_predict(p, "minor_faults_parent", parent, WB_TOL_EXACT, 0,
		   why_parent);
	wb_predict(p, "minor_faults_child", child, WB_TOL_EXACT, 0,
		   "faults counted in the child");
	wb_predict(p, "pfn_shared_before", (double)pages, WB_TOL_EXACT, 0,
		   "fork shares every frame");
	if (huge || cow_is_folio(ctx->param[P_PAGE_SIZE]))
		wb_predict(p, "batches_not_huge", 0, WB_TOL_EXACT, 0,
			   "every batch's region verified before fork");
	wb_predict(p, "pfn_differ_after", (double)n, WB_TOL_EXACT, 0,
		   "a written page gets its own frame");
	wb_predict(p, "pfn_shared_after", (double)(pages - n), WB_TOL_EXACT, 0,
		   "pages not written stay shared");
	return 0;
}

/* the region and, once every page is written, its copy */
static uint64_t cow_footprint(const struct wb_ctx *ctx)
{
	return 2 * (ctx->param[P_MIB] << 20);
}

const struct wb_kernel wb_k_cow_storm = {
	.name = "cow_storm",
	.suite = "cow",
	.summary = "fork, then copy-on-write faults by child/parent/both",
	.per_iteration = "fault",
	.params = params,
	.requires = WB_NEED_PAGEMAP_PFN | WB_NEED_4K_PAGES,
	.prepare_system = cow_prepare_system,
	.setup = cow_setup,
	.prepare = cow_prepare,
	.run = cow_run,
	.check = cow_check,
	.teardown = cow_teardown,
	.predict = cow_predict,
	.footprint = cow_footprint,
	.iterations = cow_iterations,
	.faults_in_loop = true,
	.plots = wb_fault_plots,
};
