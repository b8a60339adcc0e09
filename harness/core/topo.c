// SPDX-License-Identifier: MIT
/*
 * Topology and pinning through hwloc (see topo.h). The topology is loaded
 * per call rather than kept in a global: calls are rare (once per instance)
 * and a load takes milliseconds.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/env.h"
#include "core/topo.h"
#include "core/topo_hwloc.h"

int wb_topo_load(hwloc_topology_t *t)
{
	if (hwloc_topology_init(t))
		return errno ? -errno : -ENOMEM;
	if (hwloc_topology_load(*t)) {
		int err = errno ? -errno : -EIO;

		hwloc_topology_destroy(*t);
		return err;
	}
	return 0;
}

int wb_topo_allowed(hwloc_topology_t t, hwloc_bitmap_t out)
{
	cpu_set_t mask;

	/* Finite even if hwloc's allowed set is not: only PUs that exist. */
	hwloc_bitmap_and(out, hwloc_topology_get_allowed_cpuset(t),
			 hwloc_topology_get_topology_cpuset(t));
	if (!hwloc_topology_is_thissystem(t))
		return 0;
	/* hwloc's allowed set follows cgroups; taskset narrows it further. */
	CPU_ZERO(&mask);
	if (sched_getaffinity(0, sizeof(mask), &mask))
		return -errno;
	for (int i = hwloc_bitmap_first(out); i >= 0;
	     i = hwloc_bitmap_next(out, i))
		if (i >= CPU_SETSIZE || !CPU_ISSET(i, &mask))
			hwloc_bitmap_clr(out, (unsigned int)i);
	return 0;
}

/* hwloc 2.9 has no hwloc_bitmap_prev(). */
static int prev_set(hwloc_const_bitmap_t b, int i)
{
	while (--i >= 0)
		if (hwloc_bitmap_isset(b, (unsigned int)i))
			return i;
	return -1;
}

static hwloc_obj_t allowed_pu(hwloc_topology_t t, hwloc_const_cpuset_t allowed,
			      int cpu)
{
	if (cpu < 0 || !hwloc_bitmap_isset(allowed, (unsigned int)cpu))
		return NULL;
	return hwloc_get_pu_obj_by_os_index(t, (unsigned int)cpu);
}

int wb_topo_default_cpu_in(hwloc_topology_t t, hwloc_const_cpuset_t allowed)
{
	/* Last allowed PU: CPU 0 takes most interrupts and housekeeping. */
	for (int i = hwloc_bitmap_last(allowed); i >= 0;
	     i = prev_set(allowed, i))
		if (hwloc_get_pu_obj_by_os_index(t, (unsigned int)i))
			return i;
	return -ENOENT;
}

/* The core holding @pu, or the PU itself where hwloc shows no cores. */
static hwloc_obj_t core_of(hwloc_topology_t t, hwloc_obj_t pu)
{
	hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_CORE,
							  pu);

	return core ? core : pu;
}

int wb_topo_other_cpu_in(hwloc_topology_t t, hwloc_const_cpuset_t allowed,
			 int cpu)
{
	hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t, (unsigned int)cpu);
	hwloc_obj_t core;
	int sibling = -ENOENT;

	if (cpu < 0 || !pu)
		return -ENOENT;
	core = core_of(t, pu);
	/* Another core first: an SMT sibling shares the TLBs being measured. */
	for (int i = hwloc_bitmap_last(allowed); i >= 0;
	     i = prev_set(allowed, i)) {
		hwloc_obj_t o = hwloc_get_pu_obj_by_os_index(t,
							     (unsigned int)i);

		if (!o || i == cpu)
			continue;
		if (core_of(t, o) != core)
			return i;
		if (sibling < 0)
			sibling = i;
	}
	return sibling;
}

/* Level 0 wants the outermost data cache, a positive level that one. */
static bool cache_wanted(hwloc_obj_t o, hwloc_obj_t found, int level)
{
	if (level > 0)
		return o->attr->cache.depth == (unsigned int)level;
	return level == 0 &&
	       (!found || o->attr->cache.depth > found->attr->cache.depth);
}

int wb_topo_cache_in(hwloc_topology_t t, int cpu, int level,
		     struct wb_cache_geom *g)
{
	hwloc_obj_t pu, found = NULL;

	if (cpu < 0)
		return -ENOENT;
	pu = hwloc_get_pu_obj_by_os_index(t, (unsigned int)cpu);
	if (!pu)
		return -ENOENT;
	for (hwloc_obj_t o = pu->parent; o; o = o->parent) {
		if (hwloc_obj_type_is_dcache(o->type) &&
		    cache_wanted(o, found, level))
			found = o;
	}
	if (!found)
		return -ENOENT;
	memset(g, 0, sizeof(*g));
	g->size_bytes = found->attr->cache.size;
	g->line_bytes = found->attr->cache.linesize;
	/* hwloc: -1 fully associative, 0 unknown. */
	if (found->attr->cache.associativity > 0)
		g->ways = (unsigned int)found->attr->cache.associativity;
	else if (found->attr->cache.associativity < 0 && g->line_bytes)
		g->ways = (unsigned int)(g->size_bytes / g->line_bytes);
	return 0;
}

/* Run @fn on this machine's topology and allowed set. */
static int with_topology(int (*fn)(hwloc_topology_t, hwloc_const_cpuset_t, int,
				   void *),
			 int cpu, void *arg)
{
	hwloc_topology_t t;
	hwloc_bitmap_t allowed;
	int err = wb_topo_load(&t);

	if (err)
		return err;
	allowed = hwloc_bitmap_alloc();
	if (!allowed)
		err = -ENOMEM;
	else
		err = wb_topo_allowed(t, allowed);
	if (!err)
		err = fn(t, allowed, cpu, arg);
	hwloc_bitmap_free(allowed);
	hwloc_topology_destroy(t);
	return err;
}

static int do_valid(hwloc_topology_t t, hwloc_const_cpuset_t allowed, int cpu,
		    void *arg)
{
	(void)arg;
	return allowed_pu(t, allowed, cpu) ? 0 : -ENOENT;
}

int wb_topo_cpu_valid(int cpu)
{
	return with_topology(do_valid, cpu, NULL);
}

static int do_default(hwloc_topology_t t, hwloc_const_cpuset_t allowed, int cpu,
		      void *arg)
{
	(void)cpu, (void)arg;
	return wb_topo_default_cpu_in(t, allowed);
}

int wb_topo_default_cpu(void)
{
	return with_topology(do_default, -1, NULL);
}

static int do_other(hwloc_topology_t t, hwloc_const_cpuset_t allowed, int cpu,
		    void *arg)
{
	(void)arg;
	return wb_topo_other_cpu_in(t, allowed, cpu);
}

int wb_topo_other_cpu(int cpu)
{
	return with_topology(do_other, cpu, NULL);
}

static int do_l1d(hwloc_topology_t t, hwloc_const_cpuset_t allowed, int cpu,
		  void *arg)
{
	(void)allowed;
	return wb_topo_cache_in(t, cpu, 1, arg);
}

int wb_topo_l1d(int cpu, struct wb_cache_geom *g)
{
	return with_topology(do_l1d, cpu, g);
}

struct pin_arg {
	char *why;
	size_t whylen;
};

/* The kernel's view, not hwloc's: exactly @cpu in the mask, running there. */
static int verify_pinned(int cpu, char *why, size_t whylen)
{
	cpu_set_t mask;

	CPU_ZERO(&mask);
	if (sched_getaffinity(0, sizeof(mask), &mask)) {
		snprintf(why, whylen, "sched_getaffinity: %s", strerror(errno));
		return -errno;
	}
	if (CPU_COUNT(&mask) != 1 || !CPU_ISSET(cpu, &mask)) {
		snprintf(why, whylen,
			 "affinity mask has %d CPU(s) after binding to CPU %d",
			 CPU_COUNT(&mask), cpu);
		return -EIO;
	}
	for (int i = 0; i < 100; i++) {
		int now = sched_getcpu();

		if (now != cpu) {
			snprintf(why, whylen,
				 "thread runs on CPU %d after binding to %d",
				 now, cpu);
			return -EIO;
		}
	}
	return 0;
}

static int do_pin(hwloc_topology_t t, hwloc_const_cpuset_t allowed, int cpu,
		  void *arg)
{
	struct pin_arg *a = arg;
	hwloc_obj_t pu = allowed_pu(t, allowed, cpu);
	int nodes, err;

	if (!pu) {
		snprintf(a->why, a->whylen,
			 "CPU %d does not exist or is not allowed", cpu);
		return -ENOENT;
	}
	if (hwloc_set_cpubind(t, pu->cpuset,
			      HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT)) {
		err = -errno;
		snprintf(a->why, a->whylen, "cannot bind thread to CPU %d: %s",
			 cpu, strerror(errno));
		return err;
	}
	err = verify_pinned(cpu, a->why, a->whylen);
	if (err)
		return err;
	nodes = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
	if (hwloc_set_membind(t, pu->nodeset, HWLOC_MEMBIND_BIND,
			      HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET)) {
		err = -errno;
		/* With one node all memory is local anyway. */
		if (nodes <= 1) {
			snprintf(a->why, a->whylen,
				 "memory not bound (single NUMA node): %s",
				 strerror(errno));
			return 0;
		}
		snprintf(a->why, a->whylen,
			 "cannot bind memory to CPU %d's NUMA node: %s", cpu,
			 strerror(errno));
		return err;
	}
	return 0;
}

int wb_topo_pin(int cpu, char *why, size_t whylen)
{
	struct pin_arg a = { why, whylen };
	int err;

	if (whylen)
		why[0] = 0;
	err = with_topology(do_pin, cpu, &a);
	if (err && whylen && !why[0])
		snprintf(why, whylen, "hwloc topology: %s", strerror(-err));
	return err;
}
