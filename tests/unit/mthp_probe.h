/* SPDX-License-Identifier: MIT */
/*
 * One kernel instance with an mTHP folio size, through the runner's probe
 * as a run with --allow-settings makes it: prepare_system() in the parent
 * switches the size's switches through a journal of the test's own, the
 * probe restores it after the instance, and the switches are read before
 * and after to show nothing was left changed. Skips without root (the
 * switches and kpageflags need it) and where the size is not offered.
 */
#ifndef WB_TEST_MTHP_PROBE_H
#define WB_TEST_MTHP_PROBE_H

#include <limits.h>
#include <unistd.h>

#include "kernel_probe.h"
#include "mem/mthp.h"
#include "settings/journal.h"

/* Every size's switch and the top-level one, concatenated. */
static inline void mthp_switches(char *buf, size_t len)
{
	uint64_t sizes[WB_MTHP_MAX];
	size_t off = 0;
	int n = 0;

	buf[0] = 0;
	if (wb_mthp_offered(sizes, WB_MTHP_MAX, &n))
		n = 0;
	for (int i = 0; i <= n && off < len; i++) {
		char path[160], line[128] = "";
		FILE *f;

		if (i < n)
			wb_mthp_enabled_path(sizes[i], path, sizeof(path));
		else
			snprintf(path, sizeof(path), "%s/enabled", WB_MTHP_DIR);
		f = fopen(path, "re");
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = 0;
			fclose(f);
		}
		off += (size_t)snprintf(buf + off, len - off, "%s: %s", path,
					line);
	}
}

/* Skips (cmocka) naming what is missing: root, or @size here. */
static inline void mthp_skip_unless(uint64_t size)
{
	uint64_t sizes[WB_MTHP_MAX];
	int n = 0;

	if (geteuid()) {
		print_message(
			"# SKIP mTHP switches and kpageflags need root\n");
		skip();
	}
	if (wb_mthp_offered(sizes, WB_MTHP_MAX, &n))
		n = 0;
	for (int i = 0; i < n; i++)
		if (sizes[i] == size)
			return;
	print_message("# SKIP this kernel offers no %lluK anonymous mTHP "
		      "(no %s/hugepages-%llukB/enabled)\n",
		      (unsigned long long)size >> 10, WB_MTHP_DIR,
		      (unsigned long long)size >> 10);
	skip();
}

/* @k's instance @param with settings changes allowed; the switches must
 * read the same after as before. */
static inline void probe_mthp(const struct wb_kernel *k, const uint64_t *param,
			      uint64_t size, struct wb_probe_result *r)
{
	struct wb_sysinfo sys = { .la57_active = test_la57_active() };
	char dir[] = "/tmp/wb-test-mthp.XXXXXX", jpath[PATH_MAX];
	static char before[4096], after[4096];
	struct wb_probe_opts o;
	struct wb_journal *j;
	int err;

	mthp_skip_unless(size);
	mthp_switches(before, sizeof(before));
	assert_non_null(mkdtemp(dir));
	snprintf(jpath, sizeof(jpath), "%s/journal", dir);
	assert_int_equal(wb_journal_open(&j, jpath), 0);
	probe_opts(&o, &sys, 0);
	o.opts.allow_settings = true;
	o.opts.journal = j;
	o.prepare_system = true;
	o.batches = 2;
	o.timeout_s = 120;
	err = probe_instance(&o, k, param, r);
	/* the probe restored it after the instance; again costs nothing */
	(void)wb_journal_restore(j);
	wb_journal_close(j);
	unlink(jpath);
	rmdir(dir);
	mthp_switches(after, sizeof(after));
	assert_int_equal(err, 0);
	if (strcmp(before, after))
		print_message("# switches before:\n%s# after:\n%s", before,
			      after);
	assert_string_equal(before, after);
	print_message("# %s: status %d%s%s\n", k->name, r->status,
		      r->why[0] ? ": " : "", r->why);
}

#endif
