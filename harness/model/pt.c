// SPDX-License-Identifier: MIT
/*
 * Exact page-table page counts. A table at level l covers 4K << 9l bytes of
 * address space; it exists when some mapping whose leaf lies at level l or
 * below touches that range. With the mappings sorted and disjoint, the
 * ranges they touch at each level come in non-decreasing order, so one pass
 * per level, remembering the last table counted, counts each table once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pt.h"

uint64_t wbm_pt_cover(int level)
{
	return WBM_PT_PAGE << (9 * level);
}

int wbm_pt_leaf_level(uint64_t page_size)
{
	struct wbm_regime r;

	wbm_regime_x86(4, &r);
	return wbm_regime_leaf_level(&r, page_size);
}

const char *wbm_map_err_str(enum wbm_map_err why)
{
	switch (why) {
	case WBM_MAP_OK:
		return "ok";
	case WBM_MAP_BAD_PAGE_SIZE:
		return "page size is not 4K, 2M or 1G";
	case WBM_MAP_NOT_LEAF:
		return "page size is not a page or block size of the "
		       "translation regime";
	case WBM_MAP_EMPTY:
		return "length is zero";
	case WBM_MAP_UNALIGNED:
		return "start or length is not a multiple of the page size";
	case WBM_MAP_BEYOND:
		return "ends beyond the address space";
	case WBM_MAP_OVERLAP:
		return "overlaps another mapping";
	}
	return "unknown";
}

static int cmp_start(const void *a, const void *b)
{
	const struct wbm_map *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_idx(const void *a, const void *b, void *arg)
{
	const struct wbm_map *m = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	return cmp_start(&m[i], &m[j]);
}

/* qsort_r is a GNU extension; the index sort keeps the caller's numbering
 * so an overlap names the mappings as given. */
int wbm_maps_check_regime(const struct wbm_map *maps, size_t n,
			  const struct wbm_regime *r, size_t *bad,
			  size_t *other, enum wbm_map_err *why)
{
	uint64_t space = wbm_regime_space(r);
	size_t *idx;

	*bad = *other = 0;
	*why = WBM_MAP_OK;
	for (size_t i = 0; i < n; i++) {
		const struct wbm_map *m = &maps[i];
		enum wbm_map_err e = WBM_MAP_OK;

		if (!wbm_regime_leaf_level(r, m->page_size))
			e = r->arch == WBM_ARCH_X86_64 ? WBM_MAP_BAD_PAGE_SIZE
						       : WBM_MAP_NOT_LEAF;
		else if (!m->len)
			e = WBM_MAP_EMPTY;
		else if (m->start % m->page_size || m->len % m->page_size)
			e = WBM_MAP_UNALIGNED;
		else if (m->start >= space || m->len > space - m->start)
			e = WBM_MAP_BEYOND;
		if (e) {
			*bad = i;
			*why = e;
			return -EINVAL;
		}
	}
	if (n < 2)
		return 0;
	idx = malloc(n * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_idx, (void *)maps);
	for (size_t i = 1; i < n; i++) {
		const struct wbm_map *p = &maps[idx[i - 1]], *c = &maps[idx[i]];

		if (c->start < p->start + p->len) {
			*bad = idx[i] > idx[i - 1] ? idx[i] : idx[i - 1];
			*other = idx[i] > idx[i - 1] ? idx[i - 1] : idx[i];
			*why = WBM_MAP_OVERLAP;
			free(idx);
			return -EINVAL;
		}
	}
	free(idx);
	return 0;
}

int wbm_maps_check(const struct wbm_map *maps, size_t n, int levels,
		   size_t *bad, size_t *other, enum wbm_map_err *why)
{
	struct wbm_regime r;

	*bad = *other = 0;
	*why = WBM_MAP_OK;
	if (wbm_regime_x86(levels, &r))
		return -EINVAL;
	return wbm_maps_check_regime(maps, n, &r, bad, other, why);
}

static int sorted(const struct wbm_map *maps, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (maps[i].start < maps[i - 1].start)
			return 0;
	return 1;
}

static uint64_t count_level(const struct wbm_map *maps, size_t n,
			    const struct wbm_regime *r, int level)
{
	uint64_t cover = wbm_regime_cover(r, level), count = 0, last = 0;
	int have = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t first, end;

		if (wbm_regime_leaf_level(r, maps[i].page_size) > level)
			continue;
		first = maps[i].start / cover;
		end = (maps[i].start + maps[i].len - 1) / cover;
		if (have && first <= last)
			first = last + 1;
		if (first <= end) {
			count += end - first + 1;
			last = end;
			have = 1;
		}
	}
	return count;
}

int wbm_pt_count_regime(const struct wbm_map *maps, size_t n,
			const struct wbm_regime *r, struct wbm_pt_count *out)
{
	struct wbm_map *copy = NULL;
	enum wbm_map_err why;
	size_t bad, other;
	int err, top = r->levels, charged;

	memset(out, 0, sizeof(*out));
	if (top < 1 || top > WBM_REGIME_MAX_LEVELS)
		return -EINVAL;
	err = wbm_maps_check_regime(maps, n, r, &bad, &other, &why);
	if (err)
		return err;
	if (!sorted(maps, n)) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, maps, n * sizeof(*copy));
		qsort(copy, n, sizeof(*copy), cmp_start);
		maps = copy;
	}
	for (int l = 1; l < top; l++) {
		out->tables[l] = count_level(maps, n, r, l);
		out->total_bytes += out->tables[l] * r->granule;
	}
	out->tables[top] = 1;
	out->total_bytes += wbm_regime_top_bytes(r);
	/*
	 * Linux charges mm->pgtables_bytes for PTE, PMD and PUD tables only
	 * (mm_inc_nr_ptes/pmds/puds, each PTRS_PER_* x 8 bytes: a granule);
	 * a folded level (__PAGETABLE_PMD_FOLDED, ..._PUD_FOLDED) is no table
	 * and its call is empty, and neither the PGD nor a P4D level is ever
	 * charged. So levels 1 .. min(3, top - 1), on x86-64 and arm64
	 * alike. Checked against VmPTE by test_model_vmpte.
	 */
	charged = top - 1 < 3 ? top - 1 : 3;
	for (int l = 1; l <= charged; l++)
		out->vmpte_bytes += out->tables[l] * r->granule;
	free(copy);
	return 0;
}

int wbm_pt_count(const struct wbm_map *maps, size_t n, int levels,
		 struct wbm_pt_count *out)
{
	struct wbm_regime r;

	memset(out, 0, sizeof(*out));
	if (wbm_regime_x86(levels, &r))
		return -EINVAL;
	return wbm_pt_count_regime(maps, n, &r, out);
}

int wbm_ipt_bytes(uint64_t phys_bytes, uint64_t entry_bytes, uint64_t *out)
{
	uint64_t frames = phys_bytes / WBM_PT_PAGE +
			  (phys_bytes % WBM_PT_PAGE != 0);

	if (!entry_bytes)
		return -EINVAL;
	if (__builtin_mul_overflow(frames, entry_bytes, out))
		return -ERANGE;
	return 0;
}

/* Tables wholly inside the shared mapping that @share lets processes share. */
static uint64_t shared_tables(const struct wbm_fleet_spec *s,
			      const struct wbm_regime *r)
{
	int leaf = wbm_regime_leaf_level(r, s->shared_page);
	uint64_t n = 0;

	if (s->share == WBM_SHARE_HUGETLB_PMD)
		return s->shared_bytes / wbm_regime_cover(r, 2);
	if (s->share == WBM_SHARE_BRANCHES)
		for (int l = leaf; l < r->levels; l++)
			n += s->shared_bytes / wbm_regime_cover(r, l);
	return n;
}

/* arch/arm64/Kconfig: ARCH_WANT_HUGE_PMD_SHARE if ARM64_4K_PAGES ||
 * (ARM64_16K_PAGES && !ARM64_VA_BITS_36); x86-64 always selects it. */
static int pmd_share_ok(const struct wbm_fleet_spec *s,
			const struct wbm_regime *r)
{
	if (s->shared_page != wbm_regime_entry_span(r, 2))
		return 0;
	if (r->arch == WBM_ARCH_X86_64)
		return 1;
	return r->granule == WBM_4K ||
	       (r->granule == WBM_16K && r->va_bits != 36);
}

int wbm_fleet(const struct wbm_fleet_spec *s, struct wbm_fleet *out)
{
	uint64_t slot, base, per, once, t, frames;
	struct wbm_regime r;
	struct wbm_map maps[2];
	size_t n = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (!s->procs || s->share > WBM_SHARE_BRANCHES)
		return -EINVAL;
	if (s->regime)
		r = *s->regime;
	else if (wbm_regime_x86(s->levels, &r))
		return -EINVAL;
	if (s->share == WBM_SHARE_HUGETLB_PMD && !pmd_share_ok(s, &r))
		return -EINVAL;
	/*
	 * Each mapping on its own boundary of the range one table of level
	 * min(3, levels - 1) covers (512 GiB on x86-64), so the two never
	 * share a table below the top; the first at 0 (counts do not depend
	 * on which boundary, and 16K at 48 bits has only two of 128 TiB).
	 */
	slot = wbm_regime_cover(&r, r.levels - 1 < 3 ? r.levels - 1 : 3);
	base = 0;
	if (s->private_bytes) {
		maps[n++] = (struct wbm_map){ base, s->private_bytes,
					      s->private_page };
		base += (s->private_bytes + slot - 1) / slot * slot;
	}
	if (s->shared_bytes)
		maps[n++] = (struct wbm_map){ base, s->shared_bytes,
					      s->shared_page };
	err = wbm_pt_count_regime(maps, n, &r, &out->per_proc);
	if (err)
		return err;
	/* the inverted table has one entry per frame of the granule */
	frames = s->phys_bytes / r.granule + (s->phys_bytes % r.granule != 0);
	if (!s->ipt_entry_bytes)
		return -EINVAL;
	if (__builtin_mul_overflow(frames, s->ipt_entry_bytes, &out->ipt_bytes))
		return -ERANGE;
	per = out->per_proc.total_bytes;
	once = shared_tables(s, &r) * r.granule;
	out->shared_once_bytes = once;
	out->vmpte_bytes_per_proc = out->per_proc.vmpte_bytes;
	/* hier(N) = N (per - once) + once: the shared tables exist once. */
	if (__builtin_mul_overflow(s->procs, per - once, &t) ||
	    __builtin_add_overflow(t, once, &out->hier_bytes))
		return -ERANGE;
	if (out->ipt_bytes < once)
		out->breakeven_procs = 1;
	else
		out->breakeven_procs = (out->ipt_bytes - once) / (per - once) +
				       1;
	if (__builtin_mul_overflow(s->procs, s->private_bytes, &t) ||
	    __builtin_add_overflow(t, s->shared_bytes, &out->data_bytes))
		return -ERANGE;
	return 0;
}
