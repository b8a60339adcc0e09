// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/busy.h"

int wb_busy_parse_stat(const char *text, double *busy_ticks,
		       double *steal_ticks)
{
	unsigned long long v[8] = { 0 };
	int n;

	if (strncmp(text, "cpu ", 4))
		return -EINVAL;
	/* user nice system idle iowait irq softirq steal; guest time is
	 * already inside user */
	n = sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	if (n < 7)
		return -EINVAL;
	*busy_ticks = (double)(v[0] + v[1] + v[2] + v[5] + v[6]);
	*steal_ticks = n == 8 ? (double)v[7] : 0;
	return 0;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

int wb_busy_mark(struct wb_busy_mark *m)
{
	char buf[512];
	FILE *f = fopen("/proc/stat", "re");
	long hz = sysconf(_SC_CLK_TCK);
	double busy, steal;
	struct timespec ts;
	struct rusage ru, self;
	int err;

	if (!f)
		return -errno;
	err = fgets(buf, sizeof(buf), f) ? 0 : -EIO;
	fclose(f);
	if (!err)
		err = wb_busy_parse_stat(buf, &busy, &steal);
	if (err)
		return err;
	if (hz <= 0 || clock_gettime(CLOCK_MONOTONIC, &ts) ||
	    getrusage(RUSAGE_CHILDREN, &ru) || getrusage(RUSAGE_SELF, &self))
		return -EINVAL;
	m->wall_s = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	m->busy_s = busy / (double)hz;
	m->steal_s = steal / (double)hz;
	m->ours_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime) +
		    tv_s(self.ru_utime) + tv_s(self.ru_stime);
	return 0;
}

void wb_busy_between(const struct wb_busy_mark *a, const struct wb_busy_mark *b,
		     double *others_cpu, double *steal_cpu)
{
	double wall = b->wall_s - a->wall_s;
	double others = (b->busy_s - a->busy_s) - (b->ours_s - a->ours_s);

	if (!(wall > 0)) {
		*others_cpu = *steal_cpu = 0;
		return;
	}
	*others_cpu = others > 0 ? others / wall : 0;
	*steal_cpu = b->steal_s > a->steal_s ? (b->steal_s - a->steal_s) / wall
					     : 0;
}
