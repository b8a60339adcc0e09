// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counters/counters.h"
#include "counters/counters_table.h"
#include "counters/events.h"
#include "counters/vmstat.h"

extern const char wb_data_events_tsv[];

static void assert_close(double got, double want)
{
	double tol = fabs(want) * 1e-12;

	if (fabs(got - want) > tol)
		fail_msg("got %.17g, want %.17g", got, want);
}

/* (a) scaling arithmetic */
static void test_scale_not_multiplexed(void **state)
{
	bool ok = false;

	(void)state;
	assert_close(wb_counter_scale(1000, 500, 500, &ok), 1000);
	assert_true(ok);
}

static void test_scale_multiplexed(void **state)
{
	bool ok = false;

	(void)state;
	/* On the PMU a quarter of the time: 250 counted -> 1000 estimated. */
	assert_close(wb_counter_scale(250, 4000, 1000, &ok), 1000);
	assert_true(ok);
	assert_close(wb_counter_scale(1, 3, 2, &ok), 1.5);
	assert_true(ok);
}

static void test_scale_never_ran(void **state)
{
	bool ok = true;

	(void)state;
	/* Enabled but never scheduled: unknown, must not pass as a zero. */
	assert_close(wb_counter_scale(0, 1000, 0, &ok), 0);
	assert_false(ok);
	/* Never enabled at all: nothing was measured and nothing counted. */
	ok = false;
	assert_close(wb_counter_scale(0, 0, 0, &ok), 0);
	assert_true(ok);
	/* running > enabled cannot happen; flagged, not scaled below 1. */
	ok = true;
	assert_close(wb_counter_scale(10, 5, 6, &ok), 10);
	assert_false(ok);
}

static void test_scale_big_numbers(void **state)
{
	bool ok = false;

	(void)state;
	/* raw * enabled is 2^102: a uint64_t product would wrap. */
	assert_close(wb_counter_scale(1ULL << 62, 1ULL << 40, 1ULL << 39, &ok),
		     ldexp(1, 63));
	assert_true(ok);
	assert_close(wb_counter_scale(UINT64_MAX, UINT64_MAX, UINT64_MAX, &ok),
		     (double)UINT64_MAX);
	assert_true(ok);
	/* Low bits of raw survive a ratio of exactly 1 and of 2. */
	assert_close(wb_counter_scale((1ULL << 52) + 1, 2, 1, &ok),
		     ldexp(1, 53) + 2);
	assert_true(ok);
}

/* (b) every row of the shipped table encodes for its forced PMU model */
static int encode(const char *str, int plm, char *why, size_t len)
{
	struct perf_event_attr a;
	pfm_perf_encode_arg_t arg;
	int ret;

	memset(&a, 0, sizeof(a));
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.attr = &a;
	ret = pfm_get_os_event_encoding(str, plm, PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(why, len, "%s", pfm_strerror(ret));
		return -1;
	}
	/* The privilege split must come out of the encoding. */
	if (plm == PFM_PLM3 && !a.exclude_kernel) {
		snprintf(why, len, "PLM3 did not set exclude_kernel");
		return -1;
	}
	if (plm == PFM_PLM0 && !a.exclude_user) {
		snprintf(why, len, "PLM0 did not set exclude_user");
		return -1;
	}
	return 0;
}

static bool pmu_active(const char *model)
{
	pfm_pmu_info_t info;
	int i;

	pfm_for_all_pmus(i)
	{
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(i, &info) == PFM_SUCCESS &&
		    info.is_present && !strcmp(info.name, model))
			return true;
	}
	return false;
}

static void test_table_encodes_forced(void **state)
{
	struct wb_event_table t;
	char err[160], why[128], str[256];
	const char *done[64];
	int ndone = 0, nenc = 0, nfail = 0;

	(void)state;
	assert_int_equal(
		wb_events_parse(wb_data_events_tsv, &t, err, sizeof(err)), 0);
	assert_true(t.n > 0);
	for (int i = 0; i < t.n; i++) {
		const char *model = t.rows[i].model;
		bool seen = false;

		for (int j = 0; j < ndone; j++)
			seen |= !strcmp(done[j], model);
		if (seen)
			continue;
		assert_true(ndone < 64);
		done[ndone++] = model;
		setenv("LIBPFM_FORCE_PMU", model, 1);
		assert_int_equal(pfm_initialize(), PFM_SUCCESS);
		if (!pmu_active(model)) {
			print_message("not ok: events.tsv line %d: PMU model "
				      "%s unknown to libpfm4\n",
				      t.rows[i].line, model);
			nfail++;
		}
		for (int j = i; j < t.n; j++) {
			const struct wb_event_row *r = &t.rows[j];

			if (strcmp(r->model, model))
				continue;
			snprintf(str, sizeof(str), "%s::%s", r->model,
				 r->event);
			for (int plm = 0; plm < 2; plm++) {
				if (encode(str, plm ? PFM_PLM0 : PFM_PLM3, why,
					   sizeof(why))) {
					print_message("events.tsv line %d: %s "
						      "%s %s: %s\n",
						      r->line, r->model,
						      r->metric, r->event, why);
					nfail++;
				}
				nenc++;
			}
		}
		pfm_terminate();
	}
	unsetenv("LIBPFM_FORCE_PMU");
	print_message("# %d encodings over %d PMU models\n", nenc, ndone);
	wb_events_free(&t);
	assert_int_equal(nfail, 0);
}

static void test_table_covers_models(void **state)
{
	static const char *const want[] = {
		"skl",
		"icl",
		"spr",
		"amd64_fam17h_zen2",
		"amd64_fam19h_zen3",
		"amd64_fam19h_zen4",
	};
	struct wb_event_table t;
	char err[160];

	(void)state;
	assert_int_equal(
		wb_events_parse(wb_data_events_tsv, &t, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool cyc = false, dtlb = false, stlb = false;

		for (int j = 0; j < t.n; j++) {
			if (strcmp(t.rows[j].model, want[i]))
				continue;
			cyc |= !strcmp(t.rows[j].metric, "cycles");
			dtlb |= !strcmp(t.rows[j].metric, "dtlb_load_miss");
			stlb |= !strcmp(t.rows[j].metric, "stlb_miss");
		}
		if (!cyc || !dtlb || !stlb)
			fail_msg("model %s lacks cycles/dtlb_load_miss/"
				 "stlb_miss rows",
				 want[i]);
	}
	wb_events_free(&t);
}

/* (c) the parser rejects malformed rows, naming line and token */
static void expect_reject(const char *text, const char *want1,
			  const char *want2)
{
	struct wb_event_table t;
	char err[160] = "";

	assert_int_equal(wb_events_parse(text, &t, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want1) || !strstr(err, want2))
		fail_msg("message '%s' lacks '%s' or '%s'", err, want1, want2);
	assert_int_equal(t.n, 0);
	assert_null(t.rows);
}

static void test_parser_rejects(void **state)
{
	(void)state;
	expect_reject("# c\nskl\tcycles\n", "line 2", "skl");
	expect_reject("skl\tcycles\tA\tB\n", "line 1", "'B'");
	expect_reject("\n\nskl\tcyclez\tUNHALTED_CORE_CYCLES\n", "line 3",
		      "cyclez");
	expect_reject("Skl\tcycles\tX\n", "line 1", "Skl");
	expect_reject("skl\tcycles\tDTLB LOAD\n", "line 1", "DTLB LOAD");
	expect_reject("skl\tcycles\tskl::X\n", "line 1", "skl::X");
	expect_reject("skl\tcycles\tX:u=1\n", "line 1", "X:u=1");
	expect_reject("skl\tcycles\t\n", "line 1", "bad event");
	expect_reject("skl cycles X\n", "line 1", "skl cycles X");
	expect_reject("skl\tcycles\tX\nskl\tcycles\tX\n", "line 2",
		      "duplicate");
}

static void test_parser_accepts(void **state)
{
	struct wb_event_table t;
	char err[160] = "";

	(void)state;
	assert_int_equal(wb_events_parse("# x\n\nskl\tcycles\tA:B\r\n"
					 "skl\tcycles\tC\nicl\titlb_miss\tD",
					 &t, err, sizeof(err)),
			 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.rows[0].event, "A:B");
	assert_int_equal(t.rows[0].line, 3);
	assert_string_equal(t.rows[2].metric, "itlb_miss");
	assert_int_equal(wb_events_model_rows(&t, "skl"), 2);
	assert_int_equal(wb_events_model_rows(&t, "spr"), 0);
	wb_events_free(&t);
}

/* (d) open/start/stop/read on this machine */
static const struct wb_metric_value *
find_value(const struct wb_counter_values *v, const char *name)
{
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->v[i].name, name))
			return &v->v[i];
	return NULL;
}

static const struct wb_metric_missing *
find_missing(const struct wb_counter_values *v, const char *name)
{
	for (int i = 0; i < v->nmissing; i++)
		if (!strcmp(v->missing[i].name, name))
			return &v->missing[i];
	return NULL;
}

static int touch_fresh_pages(long n)
{
	long pg = sysconf(_SC_PAGESIZE);
	volatile char *p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	/* One fault per base page even where THP is "always". */
	madvise((void *)p, n * pg, MADV_NOHUGEPAGE);
	for (long i = 0; i < n; i++)
		p[i * pg] = 1;
	munmap((void *)p, n * pg);
	return 0;
}

static double chase(struct wb_counters *c, long pages, const char *metric)
{
	long pg = sysconf(_SC_PAGESIZE), loads = 1L << 20;
	volatile char *p = mmap(NULL, pages * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct wb_counter_values v;
	const struct wb_metric_value *m;
	unsigned sum = 0;

	assert_true(p != MAP_FAILED);
	madvise((void *)p, pages * pg, MADV_NOHUGEPAGE);
	for (long i = 0; i < pages; i++)
		p[i * pg] = (char)i;
	wb_counters_reset(c);
	assert_int_equal(wb_counters_start(c), 0);
	for (long i = 0; i < loads; i++)
		sum += p[(i % pages) * pg + (i % 64) * 64 % pg];
	assert_int_equal(wb_counters_stop(c), 0);
	(void)sum;
	munmap((void *)p, pages * pg);
	assert_int_equal(wb_counters_read(c, &v), 0);
	m = find_value(&v, metric);
	return m ? m->value : -1;
}

static void test_open_read(void **state)
{
	const long n = 256;
	struct wb_counters *c = NULL;
	struct wb_counter_values v;
	const struct wb_metric_value *pf;
	const char *st;

	(void)state;
	assert_int_equal(wb_counters_open(&c), 0);
	st = wb_counters_pmu_state(c);
	print_message("# pmu state: %s\n", st);
	assert_int_equal(wb_counters_start(c), 0);
	assert_int_equal(touch_fresh_pages(n), 0);
	assert_int_equal(wb_counters_stop(c), 0);
	assert_int_equal(wb_counters_read(c, &v), 0);
	for (int i = 0; i < v.n; i++)
		print_message("# %-32s %14.0f x%.2f %s\n", v.v[i].name,
			      v.v[i].value, v.v[i].scale, v.v[i].source);
	for (int i = 0; i < v.nmissing; i++) {
		print_message("# missing %-28s %s\n", v.missing[i].name,
			      v.missing[i].why);
		assert_true(strlen(v.missing[i].why) > 0);
	}
	pf = find_value(&v, "page_faults");
	if (!pf)
		pf = find_value(&v, "page_faults_user");
	if (!pf) {
		print_message("# SKIP software page-faults event not open\n");
		wb_counters_close(c);
		skip();
	}
	assert_string_equal(pf->source, "software");
	if (pf->value < n)
		fail_msg("page_faults %.0f < %ld pages touched", pf->value, n);
	pf = find_value(&v, "vmstat_pgfault");
	if (pf) {
		assert_string_equal(pf->source, "vmstat");
		assert_true(pf->value >= n);
	}

	if (!strncmp(st, "none: ", 6)) {
		/* Every hardware metric is listed, with a reason. */
		for (int m = 0; m < wb_n_hw_metrics; m++) {
			char name[64];

			for (int p = 0; p < 2; p++) {
				snprintf(name, sizeof(name), "%s%s",
					 wb_hw_metrics[m],
					 p ? "_kernel" : "_user");
				assert_non_null(find_missing(&v, name));
				assert_null(find_value(&v, name));
				assert_non_null(strstr(
					find_missing(&v, name)->why, "PMU"));
			}
		}
	} else {
		const struct wb_metric_value *cyc = find_value(&v,
							       "cycles_user");
		double few, many;

		assert_int_equal(strncmp(st, "pmu ", 4), 0);
		assert_non_null(cyc);
		assert_true(cyc->value > 0);
		assert_true(cyc->scale >= 1.0);
		few = chase(c, 8, "dtlb_load_miss_user");
		many = chase(c, 16384, "dtlb_load_miss_user");
		print_message("# dtlb_load_miss_user: 8 pages %.0f, "
			      "16384 pages %.0f\n",
			      few, many);
		if (few >= 0 && many >= 0 && !(many > 10 * few + 1000))
			fail_msg("DTLB misses do not grow with pages: "
				 "%.0f vs %.0f",
				 few, many);
	}

	/* reset: totals back to zero, still readable. */
	wb_counters_reset(c);
	assert_int_equal(wb_counters_read(c, &v), 0);
	pf = find_value(&v, "page_faults");
	if (pf)
		assert_true(pf->value == 0);
	wb_counters_close(c);
}

/* The hardware path (encode, pack into groups, sum rows, share an event
 * between metrics, split user and kernel) on software events, so it runs
 * without a PMU. 10 events in groups of at most 4 make several groups.
 * No clock events: as group leaders they stop their members counting
 * after the first disable on some kernels. */
static void test_hw_path_on_software_events(void **state)
{
	static const char table[] =
		"perf\tcycles\tPERF_COUNT_SW_PAGE_FAULTS\n"
		"perf\tinstructions\tPERF_COUNT_SW_CONTEXT_SWITCHES\n"
		"perf\tdtlb_load_miss\tPERF_COUNT_SW_PAGE_FAULTS_MIN\n"
		"perf\tdtlb_load_miss\tPERF_COUNT_SW_PAGE_FAULTS_MAJ\n"
		"perf\tstlb_miss\tPERF_COUNT_SW_PAGE_FAULTS\n"
		"perf\twalk_completed\tPERF_COUNT_SW_PAGE_FAULTS\n"
		"perf\twalk_cycles\tPERF_COUNT_SW_CPU_MIGRATIONS\n"
		"perf\titlb_miss\tNO_SUCH_EVENT\n";
	const long n = 128;
	struct wb_counters *c = NULL;
	struct wb_counter_values v;
	const struct wb_metric_value *m;
	const struct wb_metric_missing *miss;

	(void)state;
	assert_int_equal(wb_counters_open_table(table, "perf", &c), 0);
	assert_string_equal(wb_counters_pmu_state(c), "pmu perf");
	assert_int_equal(wb_counters_start(c), 0);
	assert_int_equal(touch_fresh_pages(n), 0);
	assert_int_equal(wb_counters_stop(c), 0);
	/* A second region adds to the first. */
	assert_int_equal(wb_counters_start(c), 0);
	assert_int_equal(touch_fresh_pages(n), 0);
	assert_int_equal(wb_counters_stop(c), 0);
	assert_int_equal(wb_counters_read(c, &v), 0);
	for (int i = 0; i < v.n; i++)
		print_message("# %-24s %12.0f x%.2f %s\n", v.v[i].name,
			      v.v[i].value, v.v[i].scale, v.v[i].source);
	for (int i = 0; i < v.nmissing; i++)
		print_message("# missing %-20s %s\n", v.missing[i].name,
			      v.missing[i].why);

	/* Summed rows: minor + major faults, counted in user mode. */
	m = find_value(&v, "dtlb_load_miss_user");
	assert_non_null(m);
	assert_string_equal(m->source, "pmu");
	assert_true(m->value >= 2 * n);
	assert_true(m->scale >= 1.0);
	/* Faults on user addresses are not counted with exclude_user. */
	m = find_value(&v, "dtlb_load_miss_kernel");
	if (m) {
		assert_true(m->value < n);
	} else {
		/* Not root and perf_event_paranoid >= 2: kernel refused. */
		miss = find_missing(&v, "dtlb_load_miss_kernel");
		assert_non_null(miss);
		assert_true(strstr(miss->why, "EACCES") ||
			    strstr(miss->why, "EPERM"));
	}
	/* One event shared by two metrics: opened once, both see it. */
	assert_true(find_value(&v, "stlb_miss_user")->value ==
		    find_value(&v, "walk_completed_user")->value);
	assert_true(find_value(&v, "stlb_miss_user")->value >= 2 * n);
	assert_true(find_value(&v, "cycles_user")->value ==
		    find_value(&v, "stlb_miss_user")->value);

	/* A metric without rows, and one whose event does not encode. */
	miss = find_missing(&v, "dtlb_store_miss_user");
	assert_non_null(miss);
	assert_non_null(strstr(miss->why, "no event for PMU model perf"));
	miss = find_missing(&v, "itlb_miss_kernel");
	assert_non_null(miss);
	assert_non_null(strstr(miss->why, "NO_SUCH_EVENT"));
	assert_null(find_value(&v, "itlb_miss_user"));

	wb_counters_reset(c);
	assert_int_equal(wb_counters_read(c, &v), 0);
	assert_true(find_value(&v, "dtlb_load_miss_user")->value == 0);
	wb_counters_close(c);

	/* A broken table is a real error. */
	assert_int_equal(wb_counters_open_table("perf\tcycles\n", "perf", &c),
			 -EINVAL);
}

/*
 * Apart (the fault kernels' timed loops): no per-fault software event and no
 * tracepoint runs between start and stop, the fault counts come from
 * getrusage() under the same names, and tlb_flush is missing with a
 * reason. Back in the loop, the software events count again.
 */
static void test_apart(void **state)
{
	const long n = 256;
	struct wb_counters *c = NULL;
	struct wb_counter_values v;
	const struct wb_metric_value *pf, *mf;
	const struct wb_metric_missing *miss;

	(void)state;
	assert_int_equal(wb_counters_open(&c), 0);
	wb_counters_set_apart(c, true);
	assert_int_equal(wb_counters_start(c), 0);
	assert_int_equal(touch_fresh_pages(n), 0);
	assert_int_equal(wb_counters_stop(c), 0);
	assert_int_equal(wb_counters_read(c, &v), 0);
	pf = find_value(&v, "page_faults");
	mf = find_value(&v, "minor_faults");
	assert_non_null(pf);
	assert_non_null(mf);
	assert_string_equal(pf->source, "rusage");
	assert_string_equal(mf->source, "rusage");
	print_message("# apart: page_faults %.0f, minor_faults %.0f for %ld "
		      "pages\n",
		      pf->value, mf->value, n);
	assert_true(mf->value >= n && pf->value >= mf->value);
	assert_null(find_value(&v, "page_faults_user"));
	assert_null(find_missing(&v, "page_faults"));
	assert_null(find_value(&v, "tlb_flush"));
	miss = find_missing(&v, "tlb_flush");
	assert_non_null(miss);
	assert_true(strlen(miss->why) > 0);

	wb_counters_set_apart(c, false);
	wb_counters_reset(c);
	assert_int_equal(wb_counters_start(c), 0);
	assert_int_equal(touch_fresh_pages(n), 0);
	assert_int_equal(wb_counters_stop(c), 0);
	assert_int_equal(wb_counters_read(c, &v), 0);
	pf = find_value(&v, "page_faults");
	if (pf) {
		assert_string_equal(pf->source, "software");
		assert_true(pf->value >= n);
	}
	wb_counters_close(c);
}

/* Child: in a private mount namespace (the system's mounts stay as they
 * are), mount tracefs, count tlb:tlb_flush around munmaps of touched
 * pages. Writes the count, or -1 and the reason, to fd. */
static int tracepoint_child(int fd)
{
	struct wb_counters *c = NULL;
	struct wb_counter_values v;
	const struct wb_metric_value *m;
	const struct wb_metric_missing *miss;
	char out[160];

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		dprintf(fd,
			"-1 cannot mount tracefs in a private mount "
			"namespace (%s)\n",
			strerrorname_np(errno));
		return 0;
	}
	if (wb_counters_open(&c))
		return 1;
	if (wb_counters_start(c))
		return 1;
	for (int i = 0; i < 16; i++)
		if (touch_fresh_pages(8))
			return 1;
	if (wb_counters_stop(c) || wb_counters_read(c, &v))
		return 1;
	m = find_value(&v, "tlb_flush");
	miss = find_missing(&v, "tlb_flush");
	if (m)
		snprintf(out, sizeof(out), "%.0f %s", m->value, m->source);
	else
		snprintf(out, sizeof(out), "-1 %s",
			 miss ? miss->why : "neither value nor missing");
	dprintf(fd, "%s\n", out);
	wb_counters_close(c);
	return 0;
}

static void test_tracepoint_tlb_flush(void **state)
{
	int pfd[2], status;
	char buf[200] = "";
	double n = -1;
	ssize_t got;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		print_message("# SKIP mounting tracefs in a private namespace "
			      "needs root\n");
		skip();
	}
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		_exit(tracepoint_child(pfd[1]));
	}
	close(pfd[1]);
	got = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(got > 0);
	print_message("# tlb_flush: %s", buf);
	assert_int_equal(sscanf(buf, "%lf", &n), 1);
	if (n < 0) {
		print_message("# SKIP %s", buf);
		skip();
	}
	/* 16 munmaps of touched pages each flush this CPU's TLB. */
	assert_non_null(strstr(buf, "tracepoint"));
	assert_true(n >= 1);
}

/* A PMU model libpfm4 4.13 does not know (Zen 5 is one) gets the generic
 * "perf" rows: cycles and instructions, every TLB metric missing. */
static void test_unknown_model_falls_back(void **state)
{
	struct wb_counters *c = NULL;
	struct wb_counter_values v;
	const struct wb_metric_missing *miss;

	(void)state;
	assert_int_equal(wb_counters_open_table(wb_data_events_tsv,
						"amd64_fam1ah_zen5", &c),
			 0);
	assert_string_equal(wb_counters_pmu_state(c),
			    "pmu amd64_fam1ah_zen5 (generic perf events only)");
	assert_int_equal(wb_counters_read(c, &v), 0);
	miss = find_missing(&v, "stlb_miss_user");
	assert_non_null(miss);
	assert_non_null(strstr(miss->why, "no event for PMU model "
					  "amd64_fam1ah_zen5"));
	/* cycles is either counted (a PMU) or missing with the errno. */
	if (!find_value(&v, "cycles_user")) {
		miss = find_missing(&v, "cycles_user");
		assert_non_null(miss);
		assert_non_null(strstr(miss->why, "PERF_COUNT_HW_CPU_CYCLES"));
	}
	wb_counters_close(c);
}

/* (e) vmstat parsing and deltas */
static void test_vmstat_parse(void **state)
{
	static const char *const names[] = { "pgfault", "thp_fault_alloc",
					     "nr_tlb_remote_flush" };
	const char *text = "nr_free_pages 10\npgfault2 9\npgfault 12345\n"
			   "thp_fault_alloc 7\nthp_fault_alloc_x 99";
	uint64_t vals[3], d;
	bool found[3];

	(void)state;
	assert_int_equal(wb_vmstat_parse(text, names, 3, vals, found), 0);
	assert_true(found[0] && found[1] && !found[2]);
	assert_int_equal(vals[0], 12345);
	assert_int_equal(vals[1], 7);
	assert_int_equal(wb_vmstat_parse("pgfault 18446744073709551615", names,
					 1, vals, found),
			 0);
	assert_true(vals[0] == UINT64_MAX);
	assert_int_equal(wb_vmstat_parse("pgfault 18446744073709551616", names,
					 1, vals, found),
			 -EINVAL);
	assert_int_equal(
		wb_vmstat_parse("pgfault 12x\n", names, 1, vals, found),
		-EINVAL);
	assert_int_equal(wb_vmstat_parse("pgfault \n", names, 1, vals, found),
			 -EINVAL);
	/* An unwanted malformed line is none of our business. */
	assert_int_equal(wb_vmstat_parse("junk\nother x\npgfault 3", names, 1,
					 vals, found),
			 0);
	assert_int_equal(vals[0], 3);
	assert_int_equal(wb_vmstat_delta(100, 250, &d), 0);
	assert_int_equal(d, 150);
	assert_int_equal(wb_vmstat_delta(250, 100, &d), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_not_multiplexed),
		cmocka_unit_test(test_scale_multiplexed),
		cmocka_unit_test(test_scale_never_ran),
		cmocka_unit_test(test_scale_big_numbers),
		cmocka_unit_test(test_table_encodes_forced),
		cmocka_unit_test(test_table_covers_models),
		cmocka_unit_test(test_parser_rejects),
		cmocka_unit_test(test_parser_accepts),
		cmocka_unit_test(test_vmstat_parse),
		cmocka_unit_test(test_open_read),
		cmocka_unit_test(test_apart),
		cmocka_unit_test(test_hw_path_on_software_events),
		cmocka_unit_test(test_unknown_model_falls_back),
		cmocka_unit_test(test_tracepoint_tlb_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
