// SPDX-License-Identifier: MIT
#include "counters/perf_group.h"
#include "counters/perf_open.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void wb_pgroup_init(struct wb_pgroup *g)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < WB_PGROUP_SLOTS; i++)
		g->fd[i] = -1;
}

int wb_pgroup_add(struct wb_pgroup *g, struct perf_event_attr *attr)
{
	int fd;

	if (g->n >= WB_PGROUP_SLOTS)
		return -ENOSPC;
	attr->size = sizeof(*attr);
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			    PERF_FORMAT_TOTAL_TIME_RUNNING | PERF_FORMAT_GROUP;
	/* Only the leader starts disabled; members follow it. */
	attr->disabled = g->n == 0;
	attr->inherit = 0;
	fd = wb_perf_open(attr, 0, -1, g->n ? g->fd[0] : -1);
	if (fd < 0)
		return fd;
	g->fd[g->n] = fd;
	return g->n++;
}

static int group_read(const struct wb_pgroup *g, uint64_t *val, uint64_t *en,
		      uint64_t *run)
{
	uint64_t buf[3 + WB_PGROUP_SLOTS];
	ssize_t want = (ssize_t)((3 + g->n) * sizeof(uint64_t));
	ssize_t got = read(g->fd[0], buf, sizeof(buf));

	if (got < 0)
		return -errno;
	if (got < want || buf[0] != (uint64_t)g->n)
		return -EIO;
	*en = buf[1];
	*run = buf[2];
	memcpy(val, &buf[3], g->n * sizeof(uint64_t));
	return 0;
}

int wb_pgroup_start(struct wb_pgroup *g)
{
	int ret;

	if (!g->n)
		return 0;
	ret = group_read(g, g->start, &g->start_en, &g->start_run);
	if (ret)
		return ret;
	if (ioctl(g->fd[0], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP))
		return -errno;
	return 0;
}

int wb_pgroup_stop(struct wb_pgroup *g)
{
	uint64_t v[WB_PGROUP_SLOTS], en, run;
	int ret;

	if (!g->n)
		return 0;
	if (ioctl(g->fd[0], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP))
		return -errno;
	ret = group_read(g, v, &en, &run);
	if (ret)
		return ret;
	/* group_read() fills v, en and run whenever it returns 0; the
	 * analyzer supposes a failed read() may leave errno 0 */
	// NOLINTBEGIN(clang-analyzer-core.UndefinedBinaryOperatorResult)
	for (int i = 0; i < g->n; i++)
		g->tot[i] += v[i] - g->start[i];
	g->tot_en += en - g->start_en;
	g->tot_run += run - g->start_run;
	// NOLINTEND(clang-analyzer-core.UndefinedBinaryOperatorResult)
	return 0;
}

void wb_pgroup_reset(struct wb_pgroup *g)
{
	memset(g->tot, 0, sizeof(g->tot));
	g->tot_en = 0;
	g->tot_run = 0;
}

void wb_pgroup_close(struct wb_pgroup *g)
{
	/* Members first: closing the leader first would promote them to
	 * singleton groups for no reason. */
	for (int i = g->n - 1; i >= 0; i--)
		if (g->fd[i] >= 0)
			close(g->fd[i]);
	wb_pgroup_init(g);
}
