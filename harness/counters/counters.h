/* SPDX-License-Identifier: MIT */
/*
 * Counters around a timed region. Abstract metrics (dtlb_load_miss,
 * stlb_miss, walk_completed, walk_cycles, walk_pending, page_faults, ...)
 * map to libpfm4 event strings per PMU model in harness/data/events.tsv.
 * Hardware metrics open as one perf_event group and are scaled by
 * time_enabled / time_running; each is counted for user and kernel
 * separately. Without a hardware PMU the software events, the tlb:tlb_flush
 * tracepoint and /proc/vmstat deltas are what is measured, and every metric
 * that could not be measured is listed with the reason. Nothing is reported
 * that was not counted.
 */
#ifndef WB_COUNTERS_H
#define WB_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

#define WB_MAX_METRICS 48

struct wb_metric_value {
	char name[48]; /* e.g. "dtlb_load_miss_user" */
	double value; /* scaled */
	double scale; /* time_enabled / time_running, 1.0 if not multiplexed */
	/* "pmu", "software", "tracepoint", "vmstat", "rusage" */
	const char *source;
};

struct wb_metric_missing {
	char name[48];
	char why[96];
};

struct wb_counter_values {
	struct wb_metric_value v[WB_MAX_METRICS];
	int n;
	struct wb_metric_missing missing[WB_MAX_METRICS];
	int nmissing;
};

struct wb_counters;

/* Open the counters for the calling thread; never fails for lack of a PMU
 * (those metrics become missing). -errno only on real errors. */
int wb_counters_open(struct wb_counters **out);
/*
 * Apart: the counters that cost something on every event they count (the
 * page-fault software events, the tlb:tlb_flush tracepoint) stay off
 * between start and stop. page_faults, minor_faults and major_faults then
 * come from getrusage(RUSAGE_THREAD) read at start and stop (source
 * "rusage"), and tlb_flush is missing, to be counted in a region of its
 * own. Change it only right after open or reset.
 */
void wb_counters_set_apart(struct wb_counters *c, bool apart);
int wb_counters_start(struct wb_counters *c);
/* Stop and add the deltas since start to the running totals. */
int wb_counters_stop(struct wb_counters *c);
/* Totals since open (or the last reset), scaled. */
int wb_counters_read(struct wb_counters *c, struct wb_counter_values *out);
void wb_counters_reset(struct wb_counters *c);
void wb_counters_close(struct wb_counters *c);
/* "pmu <name>" or "none: <reason>", for the results context. */
const char *wb_counters_pmu_state(const struct wb_counters *c);

/* Multiplex scaling: raw * enabled / running; 0 when running is 0. */
double wb_counter_scale(uint64_t raw, uint64_t enabled, uint64_t running,
			bool *ok);

#endif
