// SPDX-License-Identifier: MIT
/*
 * MIDR_EL1 read from its text (sysfs or /proc/cpuinfo) and turned into the
 * identity the rest of walkbench keys on. Plain C on every architecture, so
 * the parsers are tested on any machine against fixtures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "core/env.h"
#include "model/cpu.h"

int wb_midr_from_sysfs(const char *text, struct wb_midr *m)
{
	unsigned long long v;
	char *end;

	if (!text || !m)
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 16);
	if (errno || end == text || (*end && strcmp(end, "\n")) ||
	    strncmp(text, "0x", 2))
		return -EINVAL;
	m->implementer = (v >> 24) & 0xff;
	m->variant = (v >> 20) & 0xf;
	m->part = (v >> 4) & 0xfff;
	m->revision = v & 0xf;
	return 0;
}

/* "key<spaces>: value" at the start of @line; -ENOENT if another key. */
static int field(const char *line, const char *key, unsigned int max,
		 unsigned int *out)
{
	size_t n = strlen(key);
	const char *p = line + n;
	unsigned long v;
	char *end;

	if (strncmp(line, key, n) || (*p != ' ' && *p != '\t' && *p != ':'))
		return -ENOENT;
	p += strspn(p, " \t");
	if (*p++ != ':')
		return -EINVAL;
	p += strspn(p, " \t");
	errno = 0;
	v = strtoul(p, &end, 0);
	if (errno || end == p || (*end && *end != '\n') || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

int wb_midr_from_cpuinfo(const char *text, struct wb_midr *m)
{
	static const struct {
		const char *key;
		unsigned int max;
		size_t off;
	} keys[] = {
		{ "CPU implementer", 0xff,
		  offsetof(struct wb_midr, implementer) },
		{ "CPU variant", 0xf, offsetof(struct wb_midr, variant) },
		{ "CPU part", 0xfff, offsetof(struct wb_midr, part) },
		{ "CPU revision", 0xf, offsetof(struct wb_midr, revision) },
	};
	unsigned int seen = 0;
	const char *line = text;

	if (!text || !m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	while (line && *line) {
		/* the first processor's block ends at its blank line */
		if (*line == '\n' && seen)
			break;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			unsigned int *f = (unsigned int *)((char *)m +
							   keys[i].off);
			int err = field(line, keys[i].key, keys[i].max, f);

			if (err == -EINVAL)
				return err;
			if (!err)
				seen |= 1u << i;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return (seen & 5) == 5 ? 0 : -ENOENT;
}

void wb_midr_to_sysinfo(const struct wb_midr *m, struct wb_sysinfo *s)
{
	char vendor[sizeof(s->vendor)];
	struct wbm_cpu row;

	if (m->implementer == 0x41)
		snprintf(vendor, sizeof(vendor), "ARM");
	else
		snprintf(vendor, sizeof(vendor), "arm64-0x%02x",
			 m->implementer);
	memcpy(s->vendor, vendor, sizeof(vendor));
	s->family = m->implementer;
	s->model = m->part;
	s->stepping = m->revision;
	/* a name only from the table: a part it does not list stays unknown */
	if (!wbm_cpu_lookup(s->vendor, s->family, s->model, &row))
		snprintf(s->model_name, sizeof(s->model_name), "%s", row.name);
	else
		snprintf(s->model_name, sizeof(s->model_name),
			 "arm64 implementer 0x%02x part 0x%03x", m->implementer,
			 m->part);
}

#define QEMU_MAX_IMPLEMENTER 0x00
#define QEMU_MAX_PART 0x051 /* 'Q' */

bool wb_midr_qemu_max(const struct wb_midr *m)
{
	return m->implementer == QEMU_MAX_IMPLEMENTER &&
	       m->part == QEMU_MAX_PART;
}

bool wb_midr_is_qemu_max(const struct wb_sysinfo *s)
{
	/* wb_midr_to_sysinfo's keys: vendor names the implementer, model is
	 * the part */
	return !strcmp(s->vendor, "arm64-0x00") && s->model == QEMU_MAX_PART;
}
