// SPDX-License-Identifier: MIT
/*
 * shared_map: P processes map one shared object (memfd, SysV shm, a file
 * in /dev/shm, a file on the disk under $TMPDIR or /var/tmp, or 2M
 * hugetlb) at the same address, alone in its own 512 GiB top-level slot,
 * and touch every page. Frames are one set for all (pagemap PFNs agree);
 * page tables are per process, except that Linux shares the PMD table of
 * a hugetlb mapping covering a whole PUD-aligned 1 GiB: the last process
 * then maps the whole GiB with one fault. hugetlb maps at least 1 GiB so
 * that such a range exists when align=on-1g; align=off-2m starts the mapping 2 MiB
 * past the PUD boundary, which rules the sharing out.
 *
 * Timed: with P-1 children holding the object mapped and touched, the
 * measuring process maps a fresh view (prepare) and writes one byte per
 * page of it (run): one iteration is one page of the backing's size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "core/sysfs.h"
#include "mem/faulting.h"
#include "settings/journal.h"
#include "runner/kernel.h"
#include "mem/mem.h"
#include "model/model.h"
#include "model/pt.h"
#include "counters/osstat.h"
#include "mem/pfns.h"
#include "runner/procs.h"
#include "mem/vaslot.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21u << 26) /* log2(2M) << MFD_HUGE_SHIFT */
#endif

enum {
	P_PROCS,
	P_BACKING,
	P_MIB,
	P_ALIGN
};
enum {
	B_MEMFD = 1,
	B_SHM,
	B_DEVSHM,
	B_FILE,
	B_HUGETLB
};
enum {
	A_PUD = 1,
	A_OFF2M = 2
};

static const uint64_t backings[] = { B_MEMFD, B_SHM,	 B_DEVSHM,
				     B_FILE,  B_HUGETLB, 0 };
static const uint64_t aligns[] = { A_PUD, A_OFF2M, 0 };
static const char *const backing_name[] = {
	"", "memfd", "sysv-shm", "devshm-file", "tmp-file", "hugetlb-2M", NULL
};

/* what --param and the results name them */
static const char *const backing_names[] = { "",	 "memfd",
					     "sysv-shm", "devshm-file",
					     "tmp-file", "hugetlb-memfd",
					     NULL };
static const char *const align_names[] = { "", "on-1g", "off-2m", NULL };

static const struct wb_param params[] = {
	{ .name = "procs",
	  .unit = "processes",
	  .help = "processes mapping the object",
	  .def = 8,
	  .quick = 4,
	  .min = 1,
	  .max = WB_PROCS_MAX,
	  .lo = 1,
	  .hi = 64,
	  .quick_hi = 4,
	  .per_octave = 1,
	  .quick_per_octave = 1 },
	{ .name = "backing",
	  .unit = "enum",
	  .help = "memfd (1), sysv-shm (2): SysV shm, devshm-file (3): file "
		  "in /dev/shm, tmp-file (4): file in $TMPDIR or /var/tmp, "
		  "hugetlb-memfd (5): hugetlb 2M memfd",
	  .def = B_MEMFD,
	  .quick = B_MEMFD,
	  .min = 1,
	  .max = 5,
	  .choices = backings,
	  .names = backing_names },
	{ .name = "mib",
	  .unit = "MiB",
	  .help = "object size (hugetlb: at least 1024)",
	  .def = 64,
	  .quick = 16,
	  .min = 2,
	  .max = 65536 },
	{ .name = "align",
	  .unit = "enum",
	  .help = "on-1g (1): mapping starts on a 1 GiB boundary, off-2m "
		  "(2): 2 MiB past it",
	  .def = A_PUD,
	  .quick = A_PUD,
	  .min = 1,
	  .max = 2,
	  .choices = aligns,
	  .names = align_names },
	{ 0 },
};

#define HUGE_DIR "/sys/kernel/mm/hugepages/hugepages-2048kB/"

/* What each child reports; children index 0..P-2. */
struct shm_child {
	uint64_t vmpte_delta, touch_ns, faults;
	int err;
};

struct shm_area {
	struct shm_child child[WB_PROCS_MAX];
	uint64_t pfn[]; /* [child][units] */
};

struct smap {
	int backing, fd, shmid;
	size_t len, unit, units;
	struct wb_vaslot slot;
	char *region;
	void *shm_keep; /* the first attach keeps the segment alive */
	int procs;
	struct wb_procs kids;
	bool kids_live;
	struct shm_area *area;
	size_t area_len;
	/* the first remapping before a timed batch that failed: that batch
	 * timed nothing, so the instance must not pass as measured */
	int view_err;
	/* setup's and the last timed view's page-size readings */
	int verify_err;
	char verify_why[160];
};

static size_t smap_len(const struct wb_ctx *ctx)
{
	uint64_t mib = ctx->param[P_MIB];

	if (ctx->param[P_BACKING] == B_HUGETLB && mib < 1024)
		mib = 1024;
	return (size_t)mib << 20;
}

static size_t smap_unit(const struct wb_ctx *ctx)
{
	return ctx->param[P_BACKING] == B_HUGETLB ? WB_2M : WB_4K;
}

static uint64_t smap_iterations(const struct wb_ctx *ctx)
{
	return smap_len(ctx) / smap_unit(ctx);
}

/* Map the object at the region, replacing whatever is there. */
static int smap_view(struct smap *s)
{
	void *p;

	if (s->backing == B_SHM)
		p = shmat(s->shmid, s->region, SHM_REMAP);
	else
		p = mmap(s->region, s->len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, s->fd, 0);
	if (p == MAP_FAILED || p == (void *)-1)
		return -errno;
	if (s->backing != B_HUGETLB &&
	    madvise(s->region, s->len, MADV_NOHUGEPAGE))
		return -errno;
	return 0;
}

/*
 * Give the whole slot back to PROT_NONE. Unmapping all of it first is
 * what frees the PMD and PUD tables too: free_pgtables() keeps a table
 * while any VMA still lies in its range.
 */
static int smap_unview(struct smap *s)
{
	void *p;

	if (munmap(s->slot.base, s->slot.len))
		return -errno;
	p = mmap(s->slot.base, s->slot.len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
		 0);
	return p == MAP_FAILED ? -errno : 0;
}

/* The view at the region has the backing's page size. */
static int smap_verify(const struct smap *s, char *how, size_t howlen,
		       char *why, size_t whylen)
{
	struct wb_mem vm = { .addr = s->region,
			     .len = s->len,
			     .page_size = s->unit,
			     .kind = s->backing == B_HUGETLB ? WB_MEM_HUGETLB
							     : WB_MEM_BASE };

	return wb_mem_verify(&vm, how, howlen, why, whylen);
}

/* Keeps the first failed reading, for check() to report. */
static void smap_reading(struct smap *s, const char *when)
{
	char how[64], why[120];
	int err = smap_verify(s, how, sizeof(how), why, sizeof(why));

	if (err && !s->verify_err) {
		s->verify_err = err;
		snprintf(s->verify_why, sizeof(s->verify_why), "%s: %s", when,
			 why);
	}
}

static int smap_pfns(struct smap *s, uint64_t *pfn)
{
	int err = 0;

	if (s->unit == WB_4K)
		return wb_pfns(0, s->region, s->units, pfn);
	for (size_t i = 0; i < s->units && !err; i++)
		err = wb_pfns(0, s->region + i * s->unit, 1, &pfn[i]);
	return err;
}

static int smap_child(struct wb_procs *p, int idx, void *arg)
{
	struct smap *s = arg;
	struct shm_child *me = &s->area->child[idx];
	uint64_t pte0 = 0, pte1 = 0, t, a = 0, b = 0;
	struct wb_minflt c = { .fd = -1 };
	int err;

	err = smap_unview(s);
	err = err ?: wb_pid_status_kb(0, "VmPTE", &pte0);
	err = err ?: smap_view(s);
	if (wb_procs_sync(p)) /* mapped, not touched */
		return 1;
	err = err ?: wb_minflt_open(&c);
	t = wb_now_ns();
	err = err ?: wb_minflt_read(&c, &a);
	err = err ?: wb_minflt_read(&c, &a);
	t = wb_now_ns();
	if (!err)
		wb_touch_write(s->region, s->len, s->unit, (char)idx);
	t = wb_now_ns() - t;
	err = err ?: wb_minflt_read(&c, &b);
	err = err ?: wb_pid_status_kb(0, "VmPTE", &pte1);
	/* stores to the shared report page fault too, and may need a page
	 * table fork did not copy (4 KiB more VmPTE): after both readings */
	me->touch_ns = t;
	me->faults = b - a;
	wb_minflt_close(&c);
	me->vmpte_delta = (pte1 - pte0) * 1024;
	err = err ?: smap_pfns(s, s->area->pfn + (size_t)idx * s->units);
	me->err = err;
	wb_procs_sync(p); /* touched; stay until released */
	return 0;
}

/* Let the children finish; -ECHILD when one did not exit cleanly. */
static int smap_end_kids(struct smap *s)
{
	int err;

	if (!s->kids_live)
		return 0;
	err = wb_procs_release(&s->kids);
	err = wb_procs_join(&s->kids) ?: err;
	s->kids_live = false;
	return err;
}

/* P-1 children map the object and, one after the other, touch it. A
 * callback-free split: the caller samples between the two halves. */
static int smap_kids_map(struct smap *s)
{
	int err = smap_end_kids(s);

	if (err || s->procs < 2)
		return err;
	err = wb_procs_start(&s->kids, s->procs - 1, smap_child, s);
	if (err)
		return err;
	s->kids_live = true;
	err = wb_procs_gather(&s->kids, 30000);
	if (err)
		wb_procs_kill(&s->kids), s->kids_live = false;
	return err;
}

static int smap_kids_touch(struct smap *s)
{
	int err = 0;

	for (int i = 0; s->kids_live && i < s->procs - 1 && !err; i++)
		err = wb_procs_step(&s->kids, i, 60000);
	for (int i = 0; s->kids_live && i < s->procs - 1 && !err; i++)
		err = s->area->child[i].err;
	return err;
}

static void smap_teardown(void *state)
{
	struct smap *s = state;

	if (!s)
		return;
	smap_end_kids(s);
	wb_vaslot_release(&s->slot);
	if (s->shm_keep)
		shmdt(s->shm_keep);
	if (s->fd >= 0)
		close(s->fd);
	if (s->area)
		munmap(s->area, s->area_len);
	free(s);
}

/* The 2M pool must hold the object; grow it only when allowed. */
static int smap_pool(struct wb_ctx *ctx, size_t len)
{
	uint64_t need = len / WB_2M, free_pages = 0, total = 0;
	char val[32];

	if (wb_sysfs_u64(HUGE_DIR "free_hugepages", &free_pages) ||
	    wb_sysfs_u64(HUGE_DIR "nr_hugepages", &total))
		return wb_refuse(ctx, WB_MISSING, ENOENT,
				 "no 2M hugetlb pool (" HUGE_DIR ")");
	if (free_pages >= need)
		return 0;
	if (!ctx->allow_settings || !ctx->journal)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "2M hugetlb pool " HUGE_DIR
				 "nr_hugepages=%llu has %llu free pages, "
				 "%llu needed; allow settings changes to "
				 "grow it",
				 (unsigned long long)total,
				 (unsigned long long)free_pages,
				 (unsigned long long)need);
	snprintf(val, sizeof(val), "%llu",
		 (unsigned long long)(total + need - free_pages));
	if (wb_journal_set(ctx->journal, HUGE_DIR "nr_hugepages", val) ||
	    wb_sysfs_u64(HUGE_DIR "free_hugepages", &free_pages) ||
	    free_pages < need)
		return wb_refuse(ctx, WB_MISSING, ENOMEM,
				 "2M hugetlb pool could not grow to %llu "
				 "free pages (%llu)",
				 (unsigned long long)need,
				 (unsigned long long)free_pages);
	return 0;
}

/* In the parent: the hugetlb variant's pool is grown here, journaled;
 * setup() in the child then finds it ready or refuses with the reason. */
static int smap_prepare_system(struct wb_ctx *ctx)
{
	if (ctx->param[P_BACKING] != B_HUGETLB)
		return 0;
	return smap_pool(ctx, smap_len(ctx));
}

static int smap_object(struct wb_ctx *ctx, struct smap *s)
{
	const char *dir = getenv("TMPDIR");
	int err;

	switch (s->backing) {
	case B_MEMFD:
		s->fd = memfd_create("walkbench-shared", MFD_CLOEXEC);
		break;
	case B_HUGETLB:
		s->fd = memfd_create("walkbench-shared",
				     MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2MB);
		break;
	case B_DEVSHM:
		s->fd = open("/dev/shm", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		break;
	case B_FILE:
		s->fd = open(dir && *dir ? dir : "/var/tmp",
			     O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		break;
	case B_SHM:
		s->shmid = shmget(IPC_PRIVATE, s->len, IPC_CREAT | 0600);
		if (s->shmid < 0)
			break;
		s->shm_keep = shmat(s->shmid, NULL, 0);
		/* gone with the last detach, also after a kill -9 */
		shmctl(s->shmid, IPC_RMID, NULL);
		if (s->shm_keep == (void *)-1) {
			s->shm_keep = NULL;
			s->shmid = -1;
		}
		break;
	}
	if ((s->backing == B_SHM ? s->shmid : s->fd) < 0) {
		err = errno;
		return wb_refuse(ctx, WB_MISSING, err, "%s object: %s",
				 backing_name[s->backing], strerror(err));
	}
	if (s->fd >= 0 && ftruncate(s->fd, (off_t)s->len)) {
		err = errno;
		return wb_refuse(ctx, WB_MISSING, err, "%s: ftruncate: %s",
				 backing_name[s->backing], strerror(err));
	}
	return 0;
}

static int smap_setup(struct wb_ctx *ctx, void **state)
{
	struct smap *s;
	int err;

	if (ctx->param[P_PROCS] < 1 || ctx->param[P_PROCS] > WB_PROCS_MAX)
		return wb_refuse(ctx, WB_BADINPUT, EINVAL, "procs=%llu: 1..%d",
				 (unsigned long long)ctx->param[P_PROCS],
				 WB_PROCS_MAX);
	if (ctx->param[P_BACKING] == B_HUGETLB) {
		err = smap_pool(ctx, smap_len(ctx));
		if (err)
			return err;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = s->shmid = -1;
	s->backing = (int)ctx->param[P_BACKING];
	s->procs = (int)ctx->param[P_PROCS];
	s->len = smap_len(ctx);
	s->unit = smap_unit(ctx);
	s->units = s->len / s->unit;
	err = smap_object(ctx, s);
	if (err)
		goto fail;
	s->area_len = sizeof(*s->area) +
		      (size_t)(s->procs - 1) * s->units * sizeof(uint64_t);
	s->area = mmap(NULL, s->area_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED) {
		s->area = NULL;
		err = -ENOMEM;
		goto fail;
	}
	/* a top-level slot of its own, the object at its start (or 2M on) */
	err = wb_vaslot_reserve(&s->slot, WB_PGD_SPAN, WB_PGD_SPAN);
	if (err)
		goto fail;
	s->region = (char *)s->slot.base +
		    (ctx->param[P_ALIGN] == A_OFF2M ? WB_2M : 0);
	/* populate the object once, so every process maps existing pages */
	err = smap_view(s);
	if (!err && s->backing == B_HUGETLB &&
	    madvise(s->region, s->len, MADV_POPULATE_WRITE))
		err = -errno;
	if (err) {
		err = wb_refuse(ctx, WB_MISSING, err, "%s: cannot map: %s",
				backing_name[s->backing], strerror(-err));
		goto fail;
	}
	wb_touch_write(s->region, s->len, WB_4K, 1);
	smap_reading(s, "setup");
	err = smap_unview(s);
	err = err ?: smap_kids_map(s);
	err = err ?: smap_kids_touch(s);
	if (err)
		goto fail;
	*state = s;
	return 0;
fail:
	smap_teardown(s);
	return err;
}

static void smap_prepare(void *state, uint64_t n)
{
	struct smap *s = state;
	int err;

	(void)n;
	err = smap_unview(s);
	err = err ?: smap_view(s);
	if (err && !s->view_err)
		s->view_err = err;
}

static void smap_run(void *state, uint64_t n)
{
	struct smap *s = state;
	size_t len = n * s->unit < s->len ? n * s->unit : s->len;

	/* no view: the region is PROT_NONE, and check() refuses */
	if (s->view_err)
		return;
	wb_touch_write(s->region, len, s->unit, 2);
}

/*
 * /proc/meminfo PageTables lags by the per-CPU counter batches (tens of
 * pages per CPU). Writing vm/stat_refresh folds them first: a command,
 * not a setting, so there is nothing to journal or restore. Root only.
 */
static int smap_pagetables_kb(uint64_t *kb)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);

	/* without it (not root) the figure is coarser; it is not judged */
	if (fd >= 0) {
		ssize_t w = write(fd, "1", 1);

		(void)w;
		close(fd);
	}
	return wb_meminfo_kb("PageTables", kb);
}

/*
 * PMD tables a process got from another one instead of allocating its
 * own: with hugetlb PMD sharing one fault maps a whole GiB that would
 * otherwise take one fault per 2M page, so each such table saves exactly
 * (pages per GiB - 1) faults.
 */
static uint64_t smap_received(const struct smap *s, uint64_t faults)
{
	uint64_t per = WB_1G / s->unit;

	if (s->backing != B_HUGETLB || faults >= s->units)
		return 0;
	return (s->units - faults) / (per - 1);
}

/*
 * Verified only when setup's, the last timed view's and the check's view's
 * readings all agree. A file on disk may hold large folios (readahead),
 * which kpageflags shows as THP: there an unverified page size is what the
 * record says; with any other backing it is not trusted.
 */
static int smap_page_size(struct wb_ctx *ctx, struct smap *s, int err,
			  const char *why, struct wb_facts *f)
{
	if (err && !s->verify_err) {
		s->verify_err = err;
		snprintf(s->verify_why, sizeof(s->verify_why), "check: %.140s",
			 why);
	}
	f->page_size_verified = !s->verify_err;
	if (!s->verify_err || s->backing == B_FILE)
		return 0;
	return wb_refuse(ctx, WB_UNTRUSTED, s->verify_err,
			 "%s pages not verified (%s)",
			 s->unit == WB_2M ? "2M hugetlb" : "4K", s->verify_why);
}

static int smap_check(struct wb_ctx *ctx, void *state, struct wb_facts *f)
{
	struct smap *s = state;
	uint64_t *pfn = malloc(s->units * sizeof(*pfn));
	uint64_t pt0 = 0, pt1 = 0, pte0 = 0, pte1 = 0, a = 0, b = 0, t = 0;
	uint64_t same = 0, dmin = UINT64_MAX, dmax = 0, tsum = 0, tmax = 0;
	uint64_t vsum, received, present = 0;
	struct wb_minflt c = { .fd = -1 };
	struct wb_mem vm;
	char why[160];
	int err;

	if (!pfn)
		return -ENOMEM;
	if (s->view_err) {
		free(pfn);
		return wb_refuse(ctx, WB_FAILED, s->view_err,
				 "mapping a view for a timed batch failed: %s",
				 strerror(-s->view_err));
	}
	/* the last timed view, still mapped: read after the timed runs */
	smap_reading(s, "after the timed runs");
	err = wb_minflt_open(&c);
	err = err ?: smap_unview(s);
	err = err ?: smap_kids_map(s);
	/* everything this process needs is allocated before the sample */
	err = err ?: wb_minflt_read(&c, &a);
	err = err ?: smap_pagetables_kb(&pt0);
	err = err ?: smap_kids_touch(s);
	err = err ?: wb_pid_status_kb(0, "VmPTE", &pte0);
	err = err ?: smap_view(s);
	t = wb_now_ns(); /* its first call may fault (vDSO data) */
	err = err ?: wb_minflt_read(&c, &a);
	if (!err) {
		t = wb_now_ns();
		wb_touch_write(s->region, s->len, s->unit, 3);
		t = wb_now_ns() - t;
	}
	err = err ?: wb_minflt_read(&c, &b);
	err = err ?: wb_pid_status_kb(0, "VmPTE", &pte1);
	err = err ?: smap_pagetables_kb(&pt1);
	err = err ?: smap_pfns(s, pfn);
	wb_minflt_close(&c);
	if (err == -EPERM) {
		err = wb_refuse(ctx, WB_MISSING, EPERM,
				"pagemap hides PFNs: the frame-identity check "
				"needs CAP_SYS_ADMIN");
		goto out;
	}
	if (err)
		goto out;
	for (size_t i = 0; i < s->units; i++) {
		bool eq = pfn[i] != 0;

		present += eq;
		for (int k = 0; k < s->procs - 1; k++)
			eq &= s->area->pfn[(size_t)k * s->units + i] == pfn[i];
		same += eq;
	}
	vsum = (pte1 - pte0) * 1024;
	received = smap_received(s, b - a);
	dmin = dmax = vsum;
	for (int k = 0; k < s->procs - 1; k++) {
		const struct shm_child *ch = &s->area->child[k];

		dmin = ch->vmpte_delta < dmin ? ch->vmpte_delta : dmin;
		dmax = ch->vmpte_delta > dmax ? ch->vmpte_delta : dmax;
		vsum += ch->vmpte_delta;
		received += smap_received(s, ch->faults);
		tsum += ch->touch_ns;
		tmax = ch->touch_ns > tmax ? ch->touch_ns : tmax;
	}
	vm = (struct wb_mem){ .addr = s->region,
			      .len = s->len,
			      .page_size = s->unit,
			      .kind = s->backing == B_HUGETLB ? WB_MEM_HUGETLB
							      : WB_MEM_BASE };
	err = wb_mem_verify(&vm, f->page_size_how, sizeof(f->page_size_how),
			    why, sizeof(why));
	err = smap_page_size(ctx, s, err, why, f);
	if (err)
		goto out;
	{
		double units = (double)s->units;
		const struct wb_fact_row rows[] = {
			/* found present here, not len / page size */
			{ "pages", (double)present, "pagemap" },
			{ "pfn_identical_pages", (double)same, "pagemap" },
			{ "vmpte_delta_bytes_self",
			  (double)(pte1 - pte0) * 1024, "status" },
			{ "vmpte_delta_bytes_min", (double)dmin, "status" },
			{ "vmpte_delta_bytes_max", (double)dmax, "status" },
			{ "vmpte_delta_bytes_sum", (double)vsum, "status" },
			/* from the faults each process took (smap_received) */
			{ "pmd_tables_received_shared", (double)received,
			  "perf:minor-faults" },
			{ "pt_bytes_total", (double)(vsum - received * WB_4K),
			  "status+perf:minor-faults" },
			/* system-wide: moved by every other process too, not
			 * judged */
			{ "meminfo_pagetables_delta_bytes",
			  ((double)pt1 - (double)pt0) * 1024, "meminfo" },
			{ "minor_faults_self", (double)(b - a),
			  "perf:minor-faults" },
			{ "first_touch_ns_per_page_self", (double)t / units,
			  "timing" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
	if (!err && s->procs > 1) {
		const struct wb_fact_row rows[] = {
			{ "first_touch_ns_per_page_children_mean",
			  (double)tsum / (s->procs - 1) / (double)s->units,
			  "timing" },
			{ "first_touch_ns_per_page_children_max",
			  (double)tmax / (double)s->units, "timing" },
		};

		err = WB_FACTS_ADD(f, rows);
	}
out:
	free(pfn);
	return err;
}

/* Whole PUD-aligned GiBs of the mapping, which Linux shares as PMD tables
 * between processes (hugetlb only). */
static int smap_shared_pmds(const struct wb_ctx *ctx, uint64_t len,
			    uint64_t *once)
{
	struct wbm_fleet_spec spec = {
		.procs = ctx->param[P_PROCS],
		.shared_bytes = len,
		.shared_page = smap_unit(ctx),
		.ipt_entry_bytes = 8,
		.levels = 4,
		.share = WBM_SHARE_HUGETLB_PMD,
	};
	struct wbm_fleet fl;
	int err;

	*once = 0;
	if (ctx->param[P_BACKING] != B_HUGETLB || ctx->param[P_ALIGN] != A_PUD)
		return 0;
	err = wbm_fleet(&spec, &fl);
	*once = fl.shared_once_bytes / WBM_PT_PAGE;
	return err;
}

static int smap_predict(const struct wb_ctx *ctx, struct wb_prediction *p)
{
	uint64_t len = smap_len(ctx), unit = smap_unit(ctx), once;
	uint64_t procs = ctx->param[P_PROCS], units = len / unit, faults;
	uint64_t start = WB_PGD_SPAN +
			 (ctx->param[P_ALIGN] == A_OFF2M ? WB_2M : 0);
	struct wbm_map m = { start, len, unit };
	struct wbm_pt_count pc;
	double total;
	char basis[96];
	int err = wbm_pt_count(&m, 1, 4, &pc);

	err = err ?: smap_shared_pmds(ctx, len, &once);
	if (err)
		return err;
	snprintf(p->model, sizeof(p->model),
		 "radix tables of one mapping in its own 512 GiB slot%s",
		 once ? ", hugetlb PMD sharing" : "");
	wb_predict(p, "pfn_identical_pages", (double)units, WB_TOL_EXACT, 0,
		   "one object: every process maps the same frames");
	snprintf(basis, sizeof(basis),
		 "PUD %llu + PMD %llu + PTE %llu tables per process",
		 (unsigned long long)pc.tables[3],
		 (unsigned long long)pc.tables[2],
		 (unsigned long long)pc.tables[1]);
	wb_predict(p, "vmpte_delta_bytes_min", (double)pc.vmpte_bytes,
		   WB_TOL_EXACT, 0, basis);
	wb_predict(p, "vmpte_delta_bytes_max", (double)pc.vmpte_bytes,
		   WB_TOL_EXACT, 0,
		   "VmPTE charges a shared PMD table to every sharer");
	total = (double)(procs * (pc.vmpte_bytes - once * WBM_PT_PAGE) +
			 once * WBM_PT_PAGE);
	snprintf(basis, sizeof(basis),
		 "%llu procs x tables, %llu PMD table(s) held once",
		 (unsigned long long)procs, (unsigned long long)once);
	wb_predict(p, "pt_bytes_total", total, WB_TOL_EXACT, 0, basis);
	wb_predict(p, "pmd_tables_received_shared",
		   (double)(procs > 1 ? (procs - 1) * once : 0), WB_TOL_EXACT,
		   0,
		   "every process after the first gets the shared PMD tables");
	/* the last process finds each shared PMD table filled: one fault
	 * maps a whole GiB */
	faults = units;
	if (once && procs > 1)
		faults = units - once * (WB_1G / unit) + once;
	if (ctx->param[P_BACKING] == B_FILE) {
		/* a disk file's page cache holds large folios (readahead),
		 * and one fault may map a whole folio: how large they are
		 * is the filesystem's choice, so a range. A fault fills at
		 * most one PTE table, which bounds it from below. */
		wb_predict(p, "minor_faults_self", (double)faults, WB_TOL_MAX,
			   0,
			   "at most one write fault per page (large folios)");
		wb_predict(p, "minor_faults_self", (double)pc.tables[1],
			   WB_TOL_MIN, 0,
			   "at least one fault per PTE table (512 pages)");
	} else {
		wb_predict(p, "minor_faults_self", (double)faults, WB_TOL_EXACT,
			   0,
			   once && procs > 1
				   ? "one fault per page, one per shared GiB"
				   : "one write fault per page");
	}
	return 0;
}

/* one object for all processes (hugetlb comes from its pool) */
static uint64_t smap_footprint(const struct wb_ctx *ctx)
{
	return ctx->param[P_BACKING] == B_HUGETLB ? 0 : smap_len(ctx);
}

static const struct wb_plot_hint plots[] = {
	{ .style = WB_PLOT_FACT,
	  .name = "shared_pt",
	  .title = "Shared mappings: page-table memory",
	  .caption = "Page-table bytes of all processes against processes "
		     "sharing one region, measured (solid) and predicted by "
		     "the model (dashed).",
	  .x = "procs",
	  .logx = true,
	  .series = "backing",
	  .series_names = backing_names,
	  .y = "pt_bytes_total" },
	{ 0 },
};

const struct wb_kernel wb_k_shared_map = {
	.name = "shared_map",
	.suite = "shared",
	.summary = "P processes map one shared object: frames, page tables",
	.per_iteration = "page",
	.params = params,
	.requires = WB_NEED_PAGEMAP_PFN,
	.prepare_system = smap_prepare_system,
	.setup = smap_setup,
	.prepare = smap_prepare,
	.run = smap_run,
	.check = smap_check,
	.teardown = smap_teardown,
	.predict = smap_predict,
	.footprint = smap_footprint,
	.iterations = smap_iterations,
	.faults_in_loop = true,
	.plots = plots,
};
