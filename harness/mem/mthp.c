// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/parse.h"
#include "core/sysfs.h"
#include "mem/mem.h"
#include "mem/mthp.h"
#include "mem/pagemap.h"
#include "settings/journal.h"

#define KPF_TAIL 16

bool wb_mthp_size(uint64_t bytes)
{
	return bytes > WB_4K && bytes < WB_2M && !(bytes & (bytes - 1));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int wb_mthp_offered(uint64_t *sizes, int max, int *n)
{
	DIR *d = opendir(WB_MTHP_DIR);
	struct dirent *e;

	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		unsigned long long kb;
		char tail;

		char path[300];

		if (sscanf(e->d_name, "hugepages-%llukB%c", &kb, &tail) != 1 ||
		    !kb || (kb & (kb - 1)))
			continue;
		/* a size with shmem_enabled only (8K) is not for anon */
		snprintf(path, sizeof(path), "%s/%s/enabled", WB_MTHP_DIR,
			 e->d_name);
		if (access(path, F_OK))
			continue;
		if (*n < max)
			sizes[(*n)++] = (uint64_t)kb << 10;
	}
	closedir(d);
	qsort(sizes, (size_t)*n, sizeof(*sizes), cmp_u64);
	return 0;
}

void wb_mthp_enabled_path(uint64_t size, char *buf, size_t len)
{
	snprintf(buf, len, "%s/hugepages-%" PRIu64 "kB/enabled", WB_MTHP_DIR,
		 size >> 10);
}

int wb_mthp_mode(uint64_t size, char *mode, size_t len)
{
	char path[128];

	wb_mthp_enabled_path(size, path, sizeof(path));
	return wb_sysfs_word(path, mode, len);
}

/* Whether @mode lets a MADV_HUGEPAGE region have the size; @top is the
 * top-level word that "inherit" follows. */
static bool enables(const char *mode, const char *top)
{
	if (!strcmp(mode, "inherit"))
		mode = top;
	return !strcmp(mode, "madvise") || !strcmp(mode, "always");
}

/* Sizes offered and the top-level word: shared by check and apply. */
struct view {
	uint64_t size[WB_MTHP_MAX];
	char mode[WB_MTHP_MAX][16];
	int n;
	char top[16];
};

static int view_read(struct view *v)
{
	int err = wb_mthp_offered(v->size, WB_MTHP_MAX, &v->n);

	if (err)
		return err;
	err = wb_sysfs_word(WB_MTHP_DIR "/enabled", v->top, sizeof(v->top));
	for (int i = 0; i < v->n && !err; i++)
		err = wb_mthp_mode(v->size[i], v->mode[i], sizeof(v->mode[i]));
	return err;
}

static int find(const struct view *v, uint64_t size)
{
	for (int i = 0; i < v->n; i++)
		if (v->size[i] == size)
			return i;
	return -1;
}

/* Each switch in the way of @size, described into why[] (may be NULL). */
static int in_the_way(const struct view *v, int at, char *why, size_t whylen)
{
	size_t off = 0;
	int n = 0;

	if (why && whylen)
		why[0] = 0;
	for (int i = 0; i < v->n; i++) {
		bool on = enables(v->mode[i], v->top);
		bool bad = i == at ? !on : (i > at && on);

		if (!bad)
			continue;
		n++;
		if (why && off < whylen)
			off += (size_t)snprintf(
				why + off, whylen - off,
				"%shugepages-%" PRIu64 "kB/enabled is %s%s%s%s",
				n > 1 ? ", " : "", v->size[i] >> 10, v->mode[i],
				strcmp(v->mode[i], "inherit") ? ""
							      : " (top-level ",
				strcmp(v->mode[i], "inherit") ? "" : v->top,
				strcmp(v->mode[i], "inherit") ? "" : ")");
	}
	return n;
}

/* The switches as they are and where @size sits among them: -ENOENT
 * when the kernel does not offer it, with why[] saying so. */
static int view_at(struct view *v, uint64_t size, int *at, char *why,
		   size_t whylen)
{
	int err = view_read(v);

	if (err) {
		snprintf(why, whylen, "cannot read %s: %s", WB_MTHP_DIR,
			 strerror(-err));
		return err;
	}
	*at = find(v, size);
	if (*at >= 0)
		return 0;
	snprintf(why, whylen,
		 "this kernel offers no %" PRIu64
		 "K anonymous folios (%s/hugepages-%" PRIu64 "kB missing)",
		 size >> 10, WB_MTHP_DIR, size >> 10);
	return -ENOENT;
}

int wb_mthp_check(uint64_t size, char *why, size_t whylen)
{
	struct view v;
	int at, err = view_at(&v, size, &at, why, whylen);

	if (err)
		return err;
	return in_the_way(&v, at, why, whylen) ? -EPERM : 0;
}

int wb_mthp_apply(struct wb_journal *j, uint64_t size, char *why, size_t whylen)
{
	struct view v;
	int at, err = view_at(&v, size, &at, why, whylen);

	if (err)
		return err;
	for (int i = at; i < v.n && !err; i++) {
		bool on = enables(v.mode[i], v.top);
		char path[128];

		if (i == at ? on : !on)
			continue;
		wb_mthp_enabled_path(v.size[i], path, sizeof(path));
		err = wb_journal_set(j, path, i == at ? "madvise" : "never");
		if (err)
			snprintf(why, whylen, "cannot write %s: %s", path,
				 strerror(-err));
	}
	return err ?: wb_mthp_check(size, why, whylen);
}

int wb_mthp_apply_text(uint64_t size, char *buf, size_t len)
{
	struct view v;
	size_t off = 0;
	int err = view_read(&v), at;

	if (len)
		buf[0] = 0;
	if (err)
		return err;
	at = find(&v, size);
	if (at < 0)
		return -ENOENT;
	for (int i = at; i < v.n && off < len; i++) {
		bool on = enables(v.mode[i], v.top);
		char path[128];

		if (i == at ? on : !on)
			continue;
		wb_mthp_enabled_path(v.size[i], path, sizeof(path));
		off += (size_t)snprintf(buf + off, len - off, "%secho %s > %s",
					off ? "\n" : "",
					i == at ? "madvise" : "never", path);
	}
	return 0;
}

int wb_mthp_stats_read(uint64_t size, struct wb_mthp_stats *s)
{
	char path[160];
	int err;

	snprintf(path, sizeof(path),
		 "%s/hugepages-%" PRIu64 "kB/stats/anon_fault_alloc",
		 WB_MTHP_DIR, size >> 10);
	err = wb_sysfs_u64(path, &s->anon_fault_alloc);
	snprintf(path, sizeof(path),
		 "%s/hugepages-%" PRIu64 "kB/stats/anon_fault_fallback",
		 WB_MTHP_DIR, size >> 10);
	return err ?: wb_sysfs_u64(path, &s->anon_fault_fallback);
}

/* The folio being followed through the range. */
struct run {
	uint64_t head_pfn, len;
	bool open;
};

static void run_close(struct run *r, struct wb_folio_hist *h)
{
	uint64_t n = r->len;

	if (!r->open)
		return;
	r->open = false;
	if (n && !(n & (n - 1)) && !(r->head_pfn & (n - 1)) &&
	    __builtin_ctzll(n) < WB_FOLIO_ORDERS)
		h->folios[__builtin_ctzll(n)]++;
	else
		h->partial += n;
}

/* Whether the page after the range continues the open run (the folio
 * then reaches past the range and is not whole inside it). */
static int runs_on(const struct wb_pagemap *pm, uintptr_t next,
		   const struct run *r, bool *on)
{
	uint64_t e, pfn, flags;
	int err = wb_pagemap_read(pm, next, 1, &e);

	*on = false;
	if (err)
		return 0; /* past the mapping: nothing continues */
	if (wb_pagemap_frame(e, &pfn))
		return 0;
	err = wb_pagemap_kflags(pm, pfn, &flags);
	if (err)
		return err;
	*on = (flags & (1ull << KPF_TAIL)) && pfn == r->head_pfn + r->len;
	return 0;
}

int wb_folio_hist(uintptr_t addr, size_t len, struct wb_folio_hist *h)
{
	uint64_t e[512], f[512], pages = len / WB_4K;
	struct wb_pagemap pm;
	struct run r = { 0 };
	bool on;
	int err = wb_pagemap_open(&pm, 0, true);

	memset(h, 0, sizeof(*h));
	h->pages = pages;
	if (err)
		return err;
	for (uint64_t i = 0; i < pages && !err; i++) {
		uint64_t pfn, flags;

		if (i % 512 == 0) {
			uint64_t n = pages - i < 512 ? pages - i : 512;

			err = wb_pagemap_read(&pm, addr + i * WB_4K, n, e);
			err = err ?: wb_pagemap_kflags_of(&pm, e, n, f);
			if (err)
				break;
		}
		flags = f[i % 512];
		if (flags == WB_KPF_ABSENT) {
			run_close(&r, h);
			h->absent++;
			continue;
		}
		pfn = e[i % 512] & WB_PM_PFN_MASK;
		if ((flags & (1ull << KPF_TAIL)) && r.open &&
		    pfn == r.head_pfn + r.len) {
			r.len++;
			continue;
		}
		run_close(&r, h);
		if (flags & (1ull << KPF_TAIL))
			h->partial++;
		else if (flags & (1ull << WB_KPF_COMPOUND_HEAD))
			r = (struct run){ .head_pfn = pfn,
					  .len = 1,
					  .open = true };
		else
			h->folios[0]++;
	}
	if (!err && r.open) {
		err = runs_on(&pm, addr + pages * WB_4K, &r, &on);
		if (on) {
			h->partial += r.len;
			r.open = false;
		}
		run_close(&r, h);
	}
	wb_pagemap_close(&pm);
	return err;
}

int wb_folio_hist_text(const struct wb_folio_hist *h, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = 0;
	for (int o = WB_FOLIO_ORDERS - 1; o >= 0 && off < len; o--) {
		char sz[16];

		if (!h->folios[o])
			continue;
		off += (size_t)snprintf(
			buf + off, len - off, "%s%" PRIu64 " x %s",
			off ? ", " : "", h->folios[o],
			wb_format_size(WB_4K << o, sz, sizeof(sz)));
	}
	if (h->partial && off < len)
		off += (size_t)snprintf(buf + off, len - off,
					"%s%" PRIu64 " pages in cut folios",
					off ? ", " : "", h->partial);
	if (h->absent && off < len)
		off += (size_t)snprintf(buf + off, len - off,
					"%s%" PRIu64 " pages absent",
					off ? ", " : "", h->absent);
	if (!off && len)
		snprintf(buf, len, "empty");
	return 0;
}

int wb_folio_hist_expect(const struct wb_folio_hist *h, uint64_t size,
			 char *why, size_t whylen)
{
	int o = __builtin_ctzll(size) - 12;
	char text[200], sz[16];

	if (size < WB_4K || (size & (size - 1)) || o >= WB_FOLIO_ORDERS)
		return -EINVAL;
	if (h->folios[o] * (size / WB_4K) == h->pages && h->pages)
		return 0;
	wb_folio_hist_text(h, text, sizeof(text));
	snprintf(why, whylen, "asked for %s folios, the range holds %s",
		 wb_format_size(size, sz, sizeof(sz)), text);
	return -EMEDIUMTYPE;
}
