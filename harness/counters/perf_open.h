/* SPDX-License-Identifier: MIT */
/*
 * Every perf event of the program is opened here, so the flags are the
 * same everywhere. The attr type stays incomplete: callers build it from
 * <linux/perf_event.h> or from libpfm's copy of it, and the two headers
 * cannot share a file; the kernel reads attr->size to tell versions apart.
 */
#ifndef WB_PERF_OPEN_H
#define WB_PERF_OPEN_H

#include <sys/types.h>

struct perf_event_attr;

/* perf_event_open(2), close-on-exec: the fd, or -errno. */
int wb_perf_open(struct perf_event_attr *attr, pid_t pid, int cpu,
		 int group_fd);
/* 0 when this thread may count its user-mode cycles (a hardware PMU that
 * perf_event_paranoid 2 allows), else perf_event_open's -errno. */
int wb_perf_probe_cycles(void);

#endif
