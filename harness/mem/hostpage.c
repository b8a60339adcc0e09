// SPDX-License-Identifier: MIT
/*
 * The effective huge share (hostpage.h): how many of this process's guest
 * 2 MiB pages the host backs with 2 MiB pages, from two chases per page.
 * It runs once in every measuring child of a guest, after the timed
 * repetitions, so it is kept to a few milliseconds: a few laps per chase,
 * the best of a few rounds, and the regions verified through one pagemap
 * read and one kpageflags read per 2 MiB page.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/env.h"
#include "core/rng.h"
#include "arch/arch.h"
#include "mem/hostpage.h"
#include "mem/mem.h"
#include "mem/pagemap.h"

#define LINE 64
#define LAPS 8 /* laps of the 512-line cycle per timed round */
#define DEFAULT_PAGES 8
#define DEFAULT_ROUNDS 3

bool wb_hostpage_is_native(const struct wb_sysinfo *s)
{
	/* arm64 names no hypervisor in-band: none named is not native, so
	 * the backing is measured rather than assumed */
	if (s && wb_arch_is_arm64(s))
		return false;
	return s && !s->hypervisor[0] && !s->has_hypervisor_flag;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int wb_hostpage_classify(double base_spread, double base_dense,
			 const double *spread, const double *dense, size_t n,
			 struct wb_hostpage *out)
{
	double sorted[WB_HOSTPAGE_MAX], cut;

	memset(out, 0, sizeof(*out));
	out->share = out->r_base = NAN;
	out->ratio_min = out->ratio_median = out->ratio_max = NAN;
	if (n > WB_HOSTPAGE_MAX || !(base_spread > 0) || !(base_dense > 0))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!(spread[i] > 0) || !(dense[i] > 0))
			return -EINVAL;
	out->base_spread_ns = base_spread;
	out->base_dense_ns = base_dense;
	out->r_base = base_spread / base_dense;
	out->sampled = n;
	for (size_t i = 0; i < n; i++)
		sorted[i] = out->ratio[i] = spread[i] / dense[i];
	if (n) {
		qsort(sorted, n, sizeof(*sorted), cmp_double);
		out->ratio_min = sorted[0];
		out->ratio_max = sorted[n - 1];
		out->ratio_median =
			n % 2 ? sorted[n / 2]
			      : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}
	if (out->r_base < WB_HOSTPAGE_MIN_RBASE) {
		snprintf(out->how, sizeof(out->how),
			 "not measurable: this TLB does not tell 512 entries "
			 "from 8 (r_base %.2f < %.1f: %.2f vs %.2f ns per load "
			 "on guest 4K pages)",
			 out->r_base, WB_HOSTPAGE_MIN_RBASE, base_spread,
			 base_dense);
		return 0;
	}
	if (!n) {
		snprintf(out->how, sizeof(out->how),
			 "not measurable: no guest 2 MiB page to sample");
		return 0;
	}
	/* nearer 1 than r_base in log space */
	cut = sqrt(out->r_base);
	for (size_t i = 0; i < n; i++)
		out->huge += out->ratio[i] < cut;
	out->measurable = true;
	out->share = (double)out->huge / (double)n;
	snprintf(out->how, sizeof(out->how),
		 "%zu of %zu guest 2M pages behave as 2M host pages: 512 "
		 "lines one per 4K subpage take under sqrt(r_base) = %.2f "
		 "times as long as 512 lines in 8 subpages (ratios "
		 "%.2f..%.2f, median %.2f); r_base %.2f = %.2f / %.2f ns per "
		 "load on guest 4K pages",
		 out->huge, n, cut, out->ratio_min, out->ratio_max,
		 out->ratio_median, out->r_base, base_spread, base_dense);
	return 0;
}

/* The lines of one chase: spread over 512 subpages of @base, or packed. */
static void lines(char *base, bool spread, char **addr)
{
	for (size_t i = 0; i < WB_HOSTPAGE_LINES; i++)
		addr[i] = spread ? base + i * WB_4K + ((i * 7) % 64) * LINE
				 : base + (i / 64) * WB_4K + (i % 64) * LINE;
}

/* The lines linked into one random cycle, timed: best ns per load. */
static double chase(char **addr, uint64_t *rng, int rounds)
{
	uint32_t perm[WB_HOSTPAGE_LINES];
	size_t n = WB_HOSTPAGE_LINES;
	double best = INFINITY;
	void **q;

	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = wb_rng_next(rng) % (i + 1);
		uint32_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		*(void **)addr[perm[i]] = addr[perm[(i + 1) % n]];
	q = (void **)addr[perm[0]];
	/* one lap to load the lines and the TLB */
	for (size_t i = 0; i < n; i++)
		q = *q;
	for (int r = 0; r < rounds; r++) {
		uint64_t t0 = wb_now_ns();
		double t;

		for (size_t i = 0; i < n * LAPS; i++)
			q = *q;
		t = (double)(wb_now_ns() - t0) / (double)(n * LAPS);
		if (t < best)
			best = t;
	}
	__asm__ volatile("" : : "r"(q) : "memory");
	return best;
}

static void not_measurable(struct wb_hostpage *out, const char *fmt,
			   const char *a, const char *b)
{
	out->measurable = false;
	out->share = NAN;
	snprintf(out->how, sizeof(out->how), fmt, a, b);
}

/*
 * Which 2 MiB pages of @m are PMD-mapped THPs: smaps must count the whole
 * region as AnonHugePages when PFNs are hidden; as root, each page's
 * frames must be present, contiguous and start at an aligned THP head
 * (one pagemap read, one kpageflags read per page) and smaps must count
 * at least as many PMD-mapped bytes as pages accepted.
 */
static int huge_pages(const struct wb_mem *m, bool *ok, size_t *nok, char *why,
		      size_t len)
{
	size_t pages = m->len / WB_2M, per = WB_2M / WB_4K;
	uintptr_t a = (uintptr_t)m->addr;
	struct wb_smaps_sum s;
	struct wb_pagemap pm;
	uint64_t *e;
	int err;

	*nok = 0;
	err = wb_smaps_scan(a, a + m->len, &s);
	if (err) {
		snprintf(why, len, "cannot read /proc/self/smaps: %s",
			 strerror(-err));
		return err;
	}
	if (wb_pagemap_open(&pm, 0, true)) {
		for (size_t i = 0; i < pages; i++)
			ok[i] = s.anon_huge >= m->len;
		*nok = s.anon_huge >= m->len ? pages : 0;
		if (!*nok)
			snprintf(why, len,
				 "%" PRIu64 " of %zu bytes are PMD-mapped THPs "
				 "(smaps)",
				 s.anon_huge, m->len);
		return 0;
	}
	e = malloc(per * sizeof(*e));
	if (!e) {
		wb_pagemap_close(&pm);
		return -ENOMEM;
	}
	for (size_t i = 0; i < pages; i++) {
		uint64_t pfn0 = 0, pfn, flags = 0;
		bool good;

		good = !wb_pagemap_read(&pm, a + i * WB_2M, per, e) &&
		       !wb_pagemap_frame(e[0], &pfn0) && pfn0 % per == 0 &&
		       !wb_pagemap_kflags(&pm, pfn0, &flags) &&
		       (flags & (1ull << WB_KPF_THP)) &&
		       (flags & (1ull << WB_KPF_COMPOUND_HEAD));
		for (size_t j = 1; good && j < per; j++)
			good = !wb_pagemap_frame(e[j], &pfn) && pfn == pfn0 + j;
		ok[i] = good;
		*nok += good;
	}
	free(e);
	wb_pagemap_close(&pm);
	if (s.anon_huge < *nok * WB_2M) {
		/* some THP is mapped with PTEs: which one pagemap cannot say */
		snprintf(why, len,
			 "smaps counts %" PRIu64
			 " PMD-mapped bytes for %zu THP "
			 "frames",
			 s.anon_huge, *nok);
		memset(ok, 0, pages * sizeof(*ok));
		*nok = 0;
	} else if (!*nok) {
		snprintf(why, len, "no 2 MiB page of %zu is a THP (kpageflags)",
			 pages);
	}
	return 0;
}

/* Guest 4 KiB pages: 512 of them for the spread chase, 8 for the dense. */
static int reference(uint64_t *rng, int rounds, double *spread, double *dense,
		     char *why, size_t len)
{
	char *addr[WB_HOSTPAGE_LINES];
	struct wb_smaps_sum s;
	struct wb_mem m;
	int err;

	err = wb_mem_alloc(&m, WB_2M, WB_4K, WB_MEM_BASE, why, len);
	if (err)
		return err;
	err = wb_smaps_scan((uintptr_t)m.addr, (uintptr_t)m.addr + m.len, &s);
	if (!err && (s.anon_huge || s.kernel_page_size != WB_4K)) {
		snprintf(why, len,
			 "the 4K reference region has %" PRIu64
			 " bytes of huge pages",
			 s.anon_huge);
		err = -EMEDIUMTYPE;
	}
	if (!err) {
		lines(m.addr, true, addr);
		*spread = chase(addr, rng, rounds);
		lines(m.addr, false, addr);
		*dense = chase(addr, rng, rounds);
	}
	wb_mem_free(&m);
	return err;
}

int wb_hostpage_probe(const struct wb_hostpage_opts *o, struct wb_hostpage *out)
{
	size_t want = o->pages ? o->pages : DEFAULT_PAGES, n = 0, nok;
	int rounds = o->rounds > 0 ? o->rounds : DEFAULT_ROUNDS;
	double t0 = wb_now_s(), bs = 0, bd = 0;
	double sp[WB_HOSTPAGE_MAX], de[WB_HOSTPAGE_MAX];
	uint64_t rng = o->seed * 2654435761u + 0x9e3779b97f4a7c15ull;
	char why[200] = "", *addr[WB_HOSTPAGE_LINES];
	bool ok[WB_HOSTPAGE_MAX];
	struct wb_mem m;
	int err;

	memset(out, 0, sizeof(*out));
	out->share = out->r_base = NAN;
	out->ratio_min = out->ratio_median = out->ratio_max = NAN;
	if (wb_hostpage_is_native(o->sys)) {
		out->native = out->measurable = true;
		out->share = 1.0;
		snprintf(out->how, sizeof(out->how), "native: no host below");
		return 0;
	}
	/* qemu's TCG translates in software: its timings say nothing
	 * about a host TLB */
	if (o->sys && wb_env_emulated(o->sys)) {
		not_measurable(out, "not measurable: %s%s",
			       "an emulated (TCG) guest has no hardware "
			       "translation to time",
			       "");
		goto done;
	}
	if (want > WB_HOSTPAGE_MAX)
		want = WB_HOSTPAGE_MAX;
	if (o->sys && (!o->sys->thp_enabled[0] ||
		       !strcmp(o->sys->thp_enabled, "never"))) {
		not_measurable(out, "not measurable: THP unavailable (%s%s)",
			       o->sys->thp_enabled[0] ? "transparent_hugepage "
							"is never"
						      : "this kernel has no "
							"THP",
			       "");
		goto done;
	}
	err = reference(&rng, rounds, &bs, &bd, why, sizeof(why));
	if (err) {
		not_measurable(out, "not measurable: %s%s", why, "");
		goto done;
	}
	err = wb_mem_alloc(&m, want * WB_2M, WB_2M, WB_MEM_THP, why,
			   sizeof(why));
	if (err) {
		not_measurable(out, "not measurable: THP unavailable (%s%s)",
			       why, "");
		goto done;
	}
	err = huge_pages(&m, ok, &nok, why, sizeof(why));
	for (size_t i = 0; !err && i < want; i++) {
		if (!ok[i])
			continue;
		lines((char *)m.addr + i * WB_2M, true, addr);
		sp[n] = chase(addr, &rng, rounds);
		lines((char *)m.addr + i * WB_2M, false, addr);
		de[n++] = chase(addr, &rng, rounds);
	}
	wb_mem_free(&m);
	if (err) {
		not_measurable(out, "not measurable: %s%s", why, "");
		goto done;
	}
	if (!n) {
		wb_hostpage_classify(bs, bd, sp, de, 0, out);
		if (out->r_base >= WB_HOSTPAGE_MIN_RBASE)
			not_measurable(out,
				       "not measurable: THP unavailable: no "
				       "verified guest 2 MiB page (%s%s)",
				       why, "");
		goto done;
	}
	err = wb_hostpage_classify(bs, bd, sp, de, n, out);
	if (err)
		not_measurable(out, "not measurable: a chase took no time%s%s",
			       "", "");
done:
	out->seconds = wb_now_s() - t0;
	return 0;
}
