// SPDX-License-Identifier: MIT
/*
 * Page tables of a population of processes. Each process is counted on its
 * own; then, for every shared mapping that several processes map alike, the
 * tables wholly inside it that the sharing mode lets them share are taken
 * away for all but one process (Linux still charges each VmPTE for shared
 * hugetlb PMDs, so vmpte_bytes keeps them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pt.h"

static int cmp_shared(const void *a, const void *b)
{
	const struct wbm_proc_map *x = *(const struct wbm_proc_map *const *)a;
	const struct wbm_proc_map *y = *(const struct wbm_proc_map *const *)b;

	if (x->object != y->object)
		return x->object < y->object ? -1 : 1;
	if (x->map.start != y->map.start)
		return x->map.start < y->map.start ? -1 : 1;
	if (x->map.len != y->map.len)
		return x->map.len < y->map.len ? -1 : 1;
	if (x->map.page_size != y->map.page_size)
		return x->map.page_size < y->map.page_size ? -1 : 1;
	return x->hugetlb - y->hugetlb;
}

static int same(const struct wbm_proc_map *x, const struct wbm_proc_map *y)
{
	return !cmp_shared(&x, &y);
}

/* Level-@l tables whose whole range lies inside @m. */
static uint64_t inside(const struct wbm_map *m, int l)
{
	uint64_t cov = wbm_pt_cover(l);
	uint64_t first = (m->start + cov - 1) / cov,
		 end = (m->start + m->len) / cov;

	return end > first ? end - first : 0;
}

static uint64_t shareable(const struct wbm_proc_map *m, int levels,
			  enum wbm_share share)
{
	uint64_t n = 0;

	if (share == WBM_SHARE_HUGETLB_PMD)
		return m->hugetlb && m->map.page_size == WBM_2M
			       ? inside(&m->map, 2)
			       : 0;
	if (share == WBM_SHARE_BRANCHES)
		for (int l = wbm_pt_leaf_level(m->map.page_size); l < levels;
		     l++)
			n += inside(&m->map, l);
	return n;
}

int wbm_pop_count(const struct wbm_proc *procs, size_t nprocs, int levels,
		  enum wbm_share share, struct wbm_pop *out, size_t *bad_proc)
{
	const struct wbm_proc_map **sh = NULL;
	struct wbm_map *tmp = NULL;
	size_t nsh = 0, maxn = 0, total = 0;
	int err = 0;

	memset(out, 0, sizeof(*out));
	*bad_proc = 0;
	if (share > WBM_SHARE_BRANCHES)
		return -EINVAL;
	for (size_t p = 0; p < nprocs; p++) {
		total += procs[p].n;
		if (procs[p].n > maxn)
			maxn = procs[p].n;
	}
	tmp = malloc((maxn ? maxn : 1) * sizeof(*tmp));
	sh = malloc((total ? total : 1) * sizeof(*sh));
	if (!tmp || !sh) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t p = 0; p < nprocs; p++) {
		struct wbm_pt_count c;

		for (size_t i = 0; i < procs[p].n; i++) {
			tmp[i] = procs[p].maps[i].map;
			if (procs[p].maps[i].object)
				sh[nsh++] = &procs[p].maps[i];
			else
				out->data_bytes += tmp[i].len;
		}
		err = wbm_pt_count(tmp, procs[p].n, levels, &c);
		if (err) {
			*bad_proc = p;
			goto out;
		}
		out->pt_bytes_unshared += c.total_bytes;
		out->vmpte_bytes += c.vmpte_bytes;
	}
	out->pt_bytes = out->pt_bytes_unshared;
	qsort(sh, nsh, sizeof(*sh), cmp_shared);
	for (size_t i = 0, j; i < nsh; i = j) {
		uint64_t len = 0;

		for (j = i; j < nsh && same(sh[i], sh[j]); j++)
			;
		out->pt_bytes -= (j - i - 1) * shareable(sh[i], levels, share) *
				 WBM_PT_PAGE;
		/* an object's frames once: its largest extent among mappings */
		for (size_t q = i; q < nsh && sh[q]->object == sh[i]->object;
		     q++)
			if (sh[q]->map.len > len)
				len = sh[q]->map.len;
		if (i == 0 || sh[i - 1]->object != sh[i]->object)
			out->data_bytes += len;
	}
out:
	free(tmp);
	free(sh);
	return err;
}
