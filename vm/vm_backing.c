// SPDX-License-Identifier: MIT
/*
 * The host memory behind guest RAM. 4K: a shmem memfd (host shmem THP is
 * off by default, and the check below proves it stayed off). 2M/1G: a
 * hugetlb memfd, preallocated, from the host pool; the pool is grown only
 * with --allow-settings and only through the journal, in this (parent)
 * process. Either way the claim is checked in qemu's own smaps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/journal.h"
#include "settings/signals.h"
#include "vm.h"

const char *vm_page_name(uint64_t bytes)
{
	return bytes >= (1ull << 30)   ? "1G"
	       : bytes >= (2ull << 20) ? "2M"
				       : "4K";
}

static int pool_file(uint64_t page, const char *what, char *path, size_t len)
{
	return snprintf(path, len,
			"/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/%s",
			page >> 10, what) >= (int)len
		       ? -ENAMETOOLONG
		       : 0;
}

static int read_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%" SCNu64, v) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int vm_backing_prepare(const struct vm_opts *o, struct vm_backing *bk,
		       char *why, size_t len)
{
	char nr_path[160], free_path[160], jpath[512], val[32];
	uint64_t need, nr = 0, fr = 0;
	const char *name = vm_page_name(o->host_page);
	int err;

	bk->journal = NULL;
	if (o->host_page <= 4096)
		return 0;
	need = (o->mem_bytes + o->host_page - 1) / o->host_page;
	pool_file(o->host_page, "nr_hugepages", nr_path, sizeof(nr_path));
	pool_file(o->host_page, "free_hugepages", free_path, sizeof(free_path));
	if (read_u64(nr_path, &nr) || read_u64(free_path, &fr)) {
		snprintf(why, len, "host has no %s hugetlb pool (%s)", name,
			 nr_path);
		return -ENOENT;
	}
	if (fr >= need)
		return 0;
	if (!o->allow_settings) {
		snprintf(why, len,
			 "--host-backing %s needs %" PRIu64 " free %s pages "
			 "for --mem, the pool has %" PRIu64
			 "; pass --allow-settings to grow it (journaled)",
			 name, need, name, fr);
		return -ENOSPC;
	}
	err = wb_journal_default_path(jpath, sizeof(jpath));
	if (!err)
		err = wb_journal_recover(jpath);
	if (!err)
		err = wb_journal_open(&bk->journal, jpath);
	if (!err)
		err = wb_signals_install();
	if (!err)
		wb_signals_journal(bk->journal);
	snprintf(val, sizeof(val), "%" PRIu64, nr + need - fr);
	if (!err)
		err = wb_journal_set(bk->journal, nr_path, val);
	if (err) {
		snprintf(why, len,
			 "growing the %s pool through the journal: "
			 "%s",
			 name, strerror(-err));
		return err;
	}
	if (read_u64(free_path, &fr) || fr < need) {
		snprintf(why, len,
			 "asked the kernel for %" PRIu64 " free %s pages, "
			 "it found %" PRIu64 " (memory fragmented?)",
			 need, name, fr);
		return -ENOSPC;
	}
	return 0;
}

void vm_backing_release(struct vm_backing *bk)
{
	if (!bk->journal)
		return;
	wb_journal_restore(bk->journal);
	wb_signals_journal(NULL);
	wb_journal_close(bk->journal);
	bk->journal = NULL;
}

/* smaps fields of the guest RAM mapping ("/memfd:...", qemu names it after the backend) */
struct ram_map {
	bool found;
	uint64_t size_kb, kps_kb, rss_kb, hugetlb_kb, pmd_kb;
};

static void scan_smaps(pid_t pid, struct ram_map *m)
{
	char path[64], line[512];
	bool in = false;
	uint64_t v;
	FILE *f;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char key[64];

		if (sscanf(line, "%63s %" SCNu64, key, &v) != 2 ||
		    key[strlen(key) - 1] != ':') {
			/* a mapping header line */
			if (in && m->found)
				break;
			in = strstr(line, "/memfd:") != NULL;
			m->found |= in;
			continue;
		}
		if (!in)
			continue;
		if (!strcmp(key, "Size:"))
			m->size_kb = v;
		else if (!strcmp(key, "KernelPageSize:"))
			m->kps_kb = v;
		else if (!strcmp(key, "Rss:"))
			m->rss_kb = v;
		else if (!strcmp(key, "Shared_Hugetlb:") ||
			 !strcmp(key, "Private_Hugetlb:"))
			m->hugetlb_kb += v;
		else if (!strcmp(key, "ShmemPmdMapped:") ||
			 !strcmp(key, "FilePmdMapped:") ||
			 !strcmp(key, "AnonHugePages:"))
			m->pmd_kb += v;
	}
	fclose(f);
}

bool vm_backing_verify(const struct vm_opts *o, pid_t pid, char *detail,
		       size_t len)
{
	uint64_t want_kb = o->host_page >> 10, mem_kb = o->mem_bytes >> 10;
	struct ram_map m;
	bool ok;

	scan_smaps(pid, &m);
	if (!m.found) {
		snprintf(detail, len,
			 "no guest RAM mapping (/memfd:) in "
			 "qemu's smaps");
		return false;
	}
	if (o->host_page > 4096)
		ok = m.kps_kb == want_kb && m.hugetlb_kb == mem_kb;
	else
		ok = m.kps_kb == 4 && m.pmd_kb == 0;
	snprintf(detail, len,
		 "guest RAM mapping %" PRIu64 " kB, KernelPageSize %" PRIu64
		 " kB, Rss %" PRIu64 " kB, hugetlb %" PRIu64
		 " kB, PMD-mapped %" PRIu64 " kB",
		 m.size_kb, m.kps_kb, m.rss_kb, m.hugetlb_kb, m.pmd_kb);
	return ok;
}
