/* SPDX-License-Identifier: MIT */
/*
 * The hwloc side of topo.h, on a topology the caller loaded: the public
 * functions load the machine's topology per call (no globals), and tests
 * pass synthetic ones. @allowed is the set of PUs the caller may use.
 */
#ifndef WB_TOPO_HWLOC_H
#define WB_TOPO_HWLOC_H

#include <hwloc.h>

struct wb_cache_geom;

/* Load this machine's topology; destroy it with hwloc_topology_destroy. */
int wb_topo_load(hwloc_topology_t *t);
/* PUs the calling thread may run on: hwloc's allowed set intersected with
 * the thread's affinity (taskset) when @t is this system. */
int wb_topo_allowed(hwloc_topology_t t, hwloc_bitmap_t out);
int wb_topo_default_cpu_in(hwloc_topology_t t, hwloc_const_cpuset_t allowed);
int wb_topo_other_cpu_in(hwloc_topology_t t, hwloc_const_cpuset_t allowed,
			 int cpu);
/* Data or unified cache of @level (1, 2, 3...; 0 = the last level) above
 * PU @cpu. -ENOENT when there is none, -ENOENT also for an unknown PU. */
int wb_topo_cache_in(hwloc_topology_t t, int cpu, int level,
		     struct wb_cache_geom *g);

#endif
