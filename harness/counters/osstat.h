/* SPDX-License-Identifier: MIT */
/*
 * OS-visible counters a kernel's check() reads around the work it checks:
 * minor page faults of the calling thread (perf software event
 * PERF_COUNT_SW_PAGE_FAULTS_MIN), /proc/vmstat and /proc/meminfo fields,
 * the per-CPU "TLB shootdowns" row of /proc/interrupts and the tlb:tlb_flush
 * tracepoint. Each returns 0 or -errno; -ENOENT means the kernel does not
 * expose that counter here, which the caller reports as missing.
 */
#ifndef WB_OSSTAT_H
#define WB_OSSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* Minor faults of the calling thread only (not inherited by children). */
struct wb_minflt {
	int fd;
};

int wb_minflt_open(struct wb_minflt *c);
/* Count so far; the event runs from open until close. */
int wb_minflt_read(const struct wb_minflt *c, uint64_t *faults);
void wb_minflt_close(struct wb_minflt *c);

/* A /proc/vmstat counter, e.g. "thp_split_pmd". */
int wb_vmstat(const char *name, uint64_t *v);
/* A /proc/meminfo field in kB, e.g. "PageTables". */
int wb_meminfo_kb(const char *field, uint64_t *kb);
/* A /proc/<pid>/status field in kB, e.g. "VmPTE" (pid 0: self). */
int wb_pid_status_kb(pid_t pid, const char *field, uint64_t *kb);
/* TLB shootdown IPIs @cpu has received (/proc/interrupts "TLB"). */
int wb_tlb_ipis(int cpu, uint64_t *v);

/* tlb:tlb_flush events on @cpu, all processes (root). -ENOENT when
 * tracefs is not mounted, so the tracepoint id cannot be found. */
int wb_tlbflush_open(int cpu, int *fd);
int wb_tlbflush_read(int fd, uint64_t *v);

#endif
