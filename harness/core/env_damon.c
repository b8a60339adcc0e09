// SPDX-License-Identifier: MIT
/*
 * Is the kernel's data access monitor (DAMON) at work while we measure?
 * Each sample of a kdamond clears the accessed bit of a page in every
 * monitored region (on a THP mapping with a flush of the 2 MiB range), and
 * its schemes act on memory by how idle DAMON found it: a pageout scheme
 * reclaims, hugepage/nohugepage ones change THP advice. Some cloud images
 * start one at boot (seen: paddr, pageout of regions idle for 60 s, on a
 * 2-vCPU KVM guest), so the results say so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/env.h"
#include "core/sysfs.h"

/* The first word of @path, cut to @len - 1 characters. */
static int read_word(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;
	int c;

	if (!f)
		return -errno;
	while ((c = fgetc(f)) != EOF && (c == ' ' || c == '\t'))
		;
	for (; c != EOF && c != ' ' && c != '\t' && c != '\n'; c = fgetc(f))
		if (n + 1 < len)
			out[n++] = (char)c;
	fclose(f);
	out[n] = 0;
	return n ? 0 : -EIO;
}

/* Appends "@sep@what" to @out (no separator when empty). */
static void add(char *out, size_t len, const char *sep, const char *what)
{
	size_t n = strlen(out);

	if (n < len)
		snprintf(out + n, len - n, "%s%s", n ? sep : "", what);
}

/* "paddr: pageout, hugepage" for context @c of a running kdamond */
static void describe_context(const char *c, char *out, size_t len)
{
	char p[600], w[32];
	uint64_t n = 0;

	snprintf(p, sizeof(p), "%s/operations", c);
	add(out, len, "", read_word(p, w, sizeof(w)) ? "?" : w);
	snprintf(p, sizeof(p), "%s/schemes/nr_schemes", c);
	if (wb_sysfs_u64(p, &n) || !n) {
		add(out, len, "", " (monitoring only)");
		return;
	}
	for (unsigned int i = 0; i < n && i < 8; i++) {
		snprintf(p, sizeof(p), "%s/schemes/%u/action", c, i);
		add(out, len, i ? ", " : ": ",
		    read_word(p, w, sizeof(w)) ? "?" : w);
	}
}

int wb_env_damon(const char *admin, const char *modules, char *out, size_t len)
{
	static const char *const mods[] = { "damon_reclaim", "damon_lru_sort",
					    "damon_stat" };
	char p[512], w[32], what[160];
	uint64_t n = 0;
	bool any = false;
	int err;

	if (!len)
		return -EINVAL;
	out[0] = 0;
	snprintf(p, sizeof(p), "%s/kdamonds/nr_kdamonds", admin);
	err = wb_sysfs_u64(p, &n);
	if (!err)
		any = true;
	else if (err != -ENOENT)
		return err;
	for (unsigned int k = 0; k < n && k < 16; k++) {
		snprintf(p, sizeof(p), "%s/kdamonds/%u/state", admin, k);
		if (read_word(p, w, sizeof(w)) || strcmp(w, "on"))
			continue;
		snprintf(what, sizeof(what), "kdamond %u on: ", k);
		snprintf(p, sizeof(p), "%s/kdamonds/%u/contexts/0", admin, k);
		describe_context(p, what, sizeof(what));
		add(out, len, "; ", what);
	}
	/* the modules that run their own kdamond, outside the admin tree */
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s/parameters/enabled", modules,
			 mods[i]);
		err = read_word(p, w, sizeof(w));
		if (err == -ENOENT)
			continue;
		/* a module there whose switch we cannot read: unknown,
		 * not "off" */
		if (err)
			return err;
		any = true;
		if (!strcmp(w, "Y")) {
			snprintf(what, sizeof(what), "%s on", mods[i]);
			add(out, len, "; ", what);
		}
	}
	if (!out[0])
		snprintf(out, len, "%s", any ? "off" : "none");
	return 0;
}
