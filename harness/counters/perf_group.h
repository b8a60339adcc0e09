/* SPDX-License-Identifier: MIT */
/*
 * One perf_event group on the calling thread: opened disabled, enabled and
 * disabled as a unit, read with PERF_FORMAT_GROUP so all members share one
 * time_enabled / time_running pair. Deltas between start and stop are added
 * to running totals.
 */
#ifndef WB_PERF_GROUP_H
#define WB_PERF_GROUP_H

#include <perfmon/pfmlib_perf_event.h>
#include <stdint.h>

#define WB_PGROUP_SLOTS 8

struct wb_pgroup {
	int fd[WB_PGROUP_SLOTS]; /* fd[0] is the leader */
	int n;
	uint64_t start[WB_PGROUP_SLOTS], start_en, start_run;
	uint64_t tot[WB_PGROUP_SLOTS], tot_en, tot_run;
};

void wb_pgroup_init(struct wb_pgroup *g);
/* Open attr as the next member. Returns its slot or -errno (-ENOSPC when
 * the group is full). attr's read_format, disabled and size are set here. */
int wb_pgroup_add(struct wb_pgroup *g, struct perf_event_attr *attr);
int wb_pgroup_start(struct wb_pgroup *g);
int wb_pgroup_stop(struct wb_pgroup *g);
void wb_pgroup_reset(struct wb_pgroup *g);
void wb_pgroup_close(struct wb_pgroup *g);

#endif
