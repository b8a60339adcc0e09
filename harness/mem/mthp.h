/* SPDX-License-Identifier: MIT */
/*
 * Multi-size THP (Linux 6.8+): anonymous memory in folios of 8 KiB to
 * 1 MiB as well as 2 MiB. Each size has its own switch,
 * /sys/kernel/mm/transparent_hugepage/hugepages-<n>kB/enabled
 * (never|madvise|always|inherit; inherit follows the top-level "enabled").
 *
 * A fault in a MADV_HUGEPAGE region tries the largest size enabled for it
 * first and falls back to smaller ones, down to 4K. So a region gets
 * folios of size S first only when S is enabled and no larger size is:
 * wb_mthp_check() tests that, wb_mthp_apply() makes it so through the
 * settings journal. What the region really got is read back afterwards
 * (wb_folio_hist()), never assumed.
 */
#ifndef WB_MTHP_H
#define WB_MTHP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wb_journal;

#define WB_MTHP_DIR "/sys/kernel/mm/transparent_hugepage"
#define WB_MTHP_MAX 16
/* folio orders 0 (4K) to 18 (1G) */
#define WB_FOLIO_ORDERS 19

/* A folio size mTHP can give below the PMD size: 8K..1M, a power of 2
 * (anonymous memory starts at 16K: 8K has a shmem switch only). */
bool wb_mthp_size(uint64_t bytes);
/*
 * The anonymous folio sizes this kernel offers (hugepages-<n>kB
 * directories with an "enabled" switch, the PMD size included), ascending. 0 with *n = 0 when the
 * kernel has no per-size switches (before 6.8); -errno when the THP
 * directory cannot be read.
 */
int wb_mthp_offered(uint64_t *sizes, int max, int *n);
/* The bracketed word of hugepages-<size/1024>kB/enabled. */
int wb_mthp_mode(uint64_t size, char *mode, size_t len);
/* The sysfs path of @size's enabled switch. */
void wb_mthp_enabled_path(uint64_t size, char *buf, size_t len);
/*
 * Whether a fault in a MADV_HUGEPAGE region now tries folios of @size
 * first: @size is enabled for such a region (madvise, always, or inherit
 * with the top-level word madvise or always) and no larger offered size
 * is. 0 when it does; -EPERM when not, with why[] naming each switch in
 * the way ("hugepages-2048kB/enabled is inherit (top-level madvise)");
 * -ENOENT when @size is not offered.
 */
int wb_mthp_check(uint64_t size, char *why, size_t whylen);
/*
 * Make it so through @j: @size's switch to madvise when it is not
 * enabled, every larger enabled size's to never. Nothing else changes.
 */
int wb_mthp_apply(struct wb_journal *j, uint64_t size, char *why,
		  size_t whylen);
/* The lines wb_mthp_apply() would write, "echo madvise > PATH" each,
 * for the settings as they are now ("" when none are needed). */
int wb_mthp_apply_text(uint64_t size, char *buf, size_t len);

/* Per-size event counters (hugepages-<n>kB/stats/), system-wide. */
struct wb_mthp_stats {
	uint64_t anon_fault_alloc, anon_fault_fallback;
};
int wb_mthp_stats_read(uint64_t size, struct wb_mthp_stats *s);

/*
 * The folios that back [addr, addr + len), read from pagemap and
 * kpageflags (root): a folio is a compound head followed by tails on
 * consecutive frames; an uncompound page is a 4K folio. A folio is counted
 * by its order when it lies whole inside the range, its size is a power of
 * two and its head frame is aligned to it; any other page (a folio cut by
 * the range's ends, a tail whose head is elsewhere) counts as partial.
 */
struct wb_folio_hist {
	uint64_t pages; /* 4K pages in the range */
	uint64_t absent; /* not present */
	uint64_t partial; /* present, in no whole folio of the range */
	uint64_t folios[WB_FOLIO_ORDERS]; /* whole folios by order */
};
/* -EPERM when PFNs are hidden, -EACCES when kpageflags does not open. */
int wb_folio_hist(uintptr_t addr, size_t len, struct wb_folio_hist *h);
/* "4096 x 16K, 12 x 4K, 3 absent" (largest first). */
int wb_folio_hist_text(const struct wb_folio_hist *h, char *buf, size_t len);
/* 0 when every page of the range is in a whole folio of @size;
 * -EMEDIUMTYPE otherwise with why[] giving the histogram. */
int wb_folio_hist_expect(const struct wb_folio_hist *h, uint64_t size,
			 char *why, size_t whylen);

#endif
