// SPDX-License-Identifier: MIT
/* minimal placeholder until hwloc pinning lands */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include "env.h"
#include "topo.h"
int wb_topo_cpu_valid(int cpu)
{
	return cpu >= 0 && cpu < sysconf(_SC_NPROCESSORS_ONLN) ? 0 : -ENOENT;
}
int wb_topo_default_cpu(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
}
int wb_topo_other_cpu(int cpu)
{
	return cpu > 0 ? 0 : (sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : -ENOENT);
}
int wb_topo_pin(int cpu, char *why, size_t whylen)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (sched_setaffinity(0, sizeof(s), &s)) {
		snprintf(why, whylen, "sched_setaffinity failed");
		return -errno;
	}
	return 0;
}
int wb_topo_l1d(int cpu, struct wb_cache_geom *g)
{
	(void)cpu, (void)g;
	return -ENOSYS;
}
