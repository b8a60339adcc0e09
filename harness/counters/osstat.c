// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "counters/osstat.h"
#include "counters/perf_open.h"

int wb_minflt_open(struct wb_minflt *c)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_PAGE_FAULTS_MIN,
	};
	int fd = wb_perf_open(&a, 0, -1, -1);

	c->fd = fd;
	return fd < 0 ? fd : 0;
}

static int read_u64(int fd, uint64_t *v)
{
	ssize_t n = read(fd, v, sizeof(*v));

	if (n == sizeof(*v))
		return 0;
	return n < 0 ? -errno : -EIO;
}

int wb_minflt_read(const struct wb_minflt *c, uint64_t *faults)
{
	return read_u64(c->fd, faults);
}

void wb_minflt_close(struct wb_minflt *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* "name value" or "name: value kB" files. */
static int keyed_u64(const char *path, const char *name, uint64_t *v)
{
	FILE *f = fopen(path, "re");
	char line[256];
	size_t n = strlen(name);
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, n) ||
		    (line[n] != ' ' && line[n] != ':'))
			continue;
		err = sscanf(line + n + (line[n] == ':'), "%" SCNu64, v) == 1
			      ? 0
			      : -EINVAL;
		break;
	}
	fclose(f);
	return err;
}

int wb_vmstat(const char *name, uint64_t *v)
{
	return keyed_u64("/proc/vmstat", name, v);
}

int wb_meminfo_kb(const char *field, uint64_t *kb)
{
	return keyed_u64("/proc/meminfo", field, kb);
}

int wb_pid_status_kb(pid_t pid, const char *field, uint64_t *kb)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	return keyed_u64(path, field, kb);
}

int wb_tlb_ipis(int cpu, uint64_t *v)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char *line = NULL, *p, *end;
	size_t cap = 0;
	int col = -1, err = -ENOENT;

	if (!f)
		return -errno;
	/* The header names the CPUs: offline ones have no column. */
	if (getline(&line, &cap, f) > 0) {
		int i = 0;

		for (p = strtok(line, " \t\n"); p; p = strtok(NULL, " \t\n"))
			if (!strncmp(p, "CPU", 3) && atoi(p + 3) == cpu)
				col = i;
			else if (!strncmp(p, "CPU", 3))
				i++;
	}
	while (col >= 0 && getline(&line, &cap, f) > 0) {
		p = line + strspn(line, " ");
		if (strncmp(p, "TLB:", 4))
			continue;
		p += 4;
		for (int i = 0; i <= col; i++) {
			uint64_t x = strtoull(p, &end, 10);

			if (end == p) {
				err = -EINVAL;
				break;
			}
			p = end;
			if (i == col) {
				*v = x;
				err = 0;
			}
		}
		break;
	}
	free(line);
	fclose(f);
	return err;
}

int wb_tlbflush_open(int cpu, int *fd)
{
	static const char *const ids[] = {
		"/sys/kernel/tracing/events/tlb/tlb_flush/id",
		"/sys/kernel/debug/tracing/events/tlb/tlb_flush/id",
	};
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = PERF_TYPE_TRACEPOINT,
	};
	uint64_t id = 0;
	int err = -ENOENT;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]) && err; i++) {
		FILE *f = fopen(ids[i], "re");

		if (!f)
			continue;
		err = fscanf(f, "%" SCNu64, &id) == 1 ? 0 : -EINVAL;
		fclose(f);
	}
	if (err)
		return err;
	a.config = id;
	*fd = wb_perf_open(&a, -1, cpu, -1);
	return *fd < 0 ? *fd : 0;
}

int wb_tlbflush_read(int fd, uint64_t *v)
{
	return read_u64(fd, v);
}
