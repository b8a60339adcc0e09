// SPDX-License-Identifier: MIT
/*
 * Page-size verification for sparse layouts of 4K pages. wb_mem_verify()
 * wants every page of a range present; a layout is mostly holes, so here
 * smaps is read once for the whole layout and the frames are checked only
 * for the pages the layout uses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mem/layout.h"
#include "mem/mem.h"
#include "mem/pagemap.h"

/* 0 when every page is a present base page; -EPERM when PFNs are hidden. */
static int frames_base(const struct wb_layout *l, const uint64_t *off,
		       uint64_t n, char *why, size_t whylen)
{
	struct wb_pagemap pm;
	uint64_t bad = 0;
	int err = wb_pagemap_open(&pm, 0, true);

	if (err)
		return err;
	for (uint64_t i = 0; i < n && !err; i++) {
		uint64_t e, flags, pfn;

		err = wb_pagemap_read(&pm, (uintptr_t)l->base + off[i], 1, &e);
		if (err)
			break;
		err = wb_pagemap_frame(e, &pfn);
		if (err == -ENOENT) {
			err = 0;
			bad++;
			continue;
		}
		err = err ?: wb_pagemap_kflags(&pm, pfn, &flags);
		if (!err &&
		    (flags & ((1ull << WB_KPF_THP) | (1ull << WB_KPF_HUGE))))
			bad++;
	}
	if (!err && bad) {
		snprintf(
			why, whylen,
			"%" PRIu64 " of %" PRIu64
			" pages are absent or part of a huge page (kpageflags)",
			bad, n);
		err = -EMEDIUMTYPE;
	}
	wb_pagemap_close(&pm);
	return err;
}

int wb_layout_verify_base(const struct wb_layout *l, const uint64_t *off,
			  uint64_t n, char *how, size_t howlen, char *why,
			  size_t whylen)
{
	uintptr_t a = (uintptr_t)l->base;
	struct wb_smaps_sum s;
	int err = wb_smaps_scan(a, a + l->span, &s);

	snprintf(how, howlen, "smaps");
	if (err) {
		snprintf(why, whylen, "cannot read /proc/self/smaps: %s",
			 strerror(-err));
		return err;
	}
	if (s.anon_huge || s.non_4k_vmas || s.rss != n * WB_4K) {
		snprintf(why, whylen,
			 "layout of %" PRIu64 " 4K pages: smaps Rss %" PRIu64
			 " bytes, AnonHugePages %" PRIu64 " bytes, %d"
			 " VMAs not 4 kB",
			 n, s.rss, s.anon_huge, s.non_4k_vmas);
		return -EMEDIUMTYPE;
	}
	err = frames_base(l, off, n, why, whylen);
	if (err == -EPERM || err == -EACCES || err == -ENOENT) {
		why[0] = 0; /* PFNs hidden (not root): smaps has to do */
		return 0;
	}
	if (!err)
		snprintf(how, howlen, "pagemap+kpageflags+smaps");
	return err;
}
