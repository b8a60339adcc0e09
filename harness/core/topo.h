/* SPDX-License-Identifier: MIT */
/*
 * Topology and pinning through hwloc. CPU numbers are OS indexes (what
 * taskset and /sys use). Pinning binds the calling thread and its memory
 * and then verifies that the kernel really runs it there.
 */
#ifndef WB_TOPO_H
#define WB_TOPO_H

#include <stddef.h>

struct wb_cache_geom;

/* 0 if PU @cpu exists and is allowed for this process, else -ENOENT. */
int wb_topo_cpu_valid(int cpu);
/* The PU to measure on by default: the last allowed one (CPU 0 takes most
 * interrupts). */
int wb_topo_default_cpu(void);
/* Another allowed PU than @cpu (prefers another core), or -ENOENT. */
int wb_topo_other_cpu(int cpu);
/* Bind thread + memory to @cpu, verify; on failure why[] says what. */
int wb_topo_pin(int cpu, char *why, size_t whylen);
/* L1 data cache geometry of @cpu's core from hwloc. */
int wb_topo_l1d(int cpu, struct wb_cache_geom *g);

#endif
