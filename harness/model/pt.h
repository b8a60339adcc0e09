/* SPDX-License-Identifier: MIT */
/*
 * Radix page-table footprints for x86-64 (4- and 5-level, 4K/2M/1G leaves)
 * and, through a regime (regime.h), arm64's granules, for one address space
 * and for a fleet of processes with sharing, and the inverted page table
 * that competes with them. wbm_pt_count() is in model.h.
 */
#ifndef WBM_PT_H
#define WBM_PT_H

#include "model.h"
#include "regime.h"

#define WBM_PT_PAGE ((uint64_t)4096)

/* Why a mapping set was refused (wbm_maps_check). */
enum wbm_map_err {
	WBM_MAP_OK = 0,
	WBM_MAP_BAD_PAGE_SIZE, /* not 4K, 2M or 1G */
	WBM_MAP_EMPTY, /* length 0 */
	WBM_MAP_UNALIGNED, /* start or length not a multiple of the page */
	WBM_MAP_BEYOND, /* past the end of the address space */
	WBM_MAP_OVERLAP, /* intersects another mapping (@other) */
	WBM_MAP_NOT_LEAF, /* not a page or block size of the (arm64) regime */
};

/*
 * Checks every mapping for @levels (4 or 5). On the first problem returns
 * -EINVAL with *@bad the index of the mapping, *@other the one it overlaps
 * (overlap only) and *@why the reason. Nothing is ever adjusted.
 */
int wbm_maps_check(const struct wbm_map *maps, size_t n, int levels,
		   size_t *bad, size_t *other, enum wbm_map_err *why);
/* The same for any regime (wbm_pt_count_regime's check). */
int wbm_maps_check_regime(const struct wbm_map *maps, size_t n,
			  const struct wbm_regime *r, size_t *bad,
			  size_t *other, enum wbm_map_err *why);
const char *wbm_map_err_str(enum wbm_map_err why);

/* Bytes of address space one table at @level covers (level 1: 2 MiB). */
uint64_t wbm_pt_cover(int level);
/* Leaf table level for a page size: 4K -> 1, 2M -> 2, 1G -> 3; 0 if none. */
int wbm_pt_leaf_level(uint64_t page_size);

/* How page-table pages of shared mappings may be shared between processes. */
enum wbm_share {
	WBM_SHARE_NONE = 0,
	/* Linux hugetlb PMD sharing: a PMD table whose whole 1 GiB lies in
	 * a shared 2 MiB hugetlb mapping is one page for every process. */
	WBM_SHARE_HUGETLB_PMD,
	/* What-if: every table whose whole range lies in the shared mapping
	 * is shared, as if whole branches were wired into each process. */
	WBM_SHARE_BRANCHES,
};

/*
 * A fleet of @procs identical processes, each with one private mapping of
 * private_bytes and one mapping of shared_bytes of a single object mapped
 * by all. Each mapping starts on its own 512 GiB boundary (so the two never
 * share a table) and uses the given page sizes.
 */
struct wbm_fleet_spec {
	uint64_t procs;
	uint64_t private_bytes, private_page;
	uint64_t shared_bytes, shared_page;
	uint64_t phys_bytes; /* for the inverted table */
	uint64_t ipt_entry_bytes; /* one inverted-table entry, per frame */
	int levels;
	enum wbm_share share;
	/* NULL: x86-64 with @levels. Otherwise the regime's tables and, for
	 * the inverted table, frames of its granule. */
	const struct wbm_regime *regime;
};

struct wbm_fleet {
	struct wbm_pt_count per_proc; /* one process, nothing shared */
	uint64_t shared_once_bytes; /* tables that exist once, not per process */
	uint64_t hier_bytes; /* all processes' tables, sharing applied */
	uint64_t vmpte_bytes_per_proc; /* what each process's VmPTE shows */
	uint64_t ipt_bytes; /* phys / 4K frames x entry bytes */
	uint64_t breakeven_procs; /* fewest procs with hier > ipt; 0: never */
	uint64_t data_bytes; /* frames mapped: private x procs + shared */
};

/*
 * -EINVAL for a bad spec; -ERANGE if a total overflows 64 bits. Hugetlb PMD
 * sharing needs the shared pages to be the level-2 blocks (2M; 32M with
 * the 16K granule) and is refused for arm64's 64K granule and 16K at 36
 * bits, where Linux does not select ARCH_WANT_HUGE_PMD_SHARE.
 */
int wbm_fleet(const struct wbm_fleet_spec *spec, struct wbm_fleet *out);

/*
 * A general population: each process a set of mappings; a mapping with a
 * nonzero @object maps that shared object (the same object at the same
 * start, length and page size in two processes is one set of frames and,
 * if @share allows, one set of the tables wholly inside it). @hugetlb marks
 * hugetlb mappings, the only ones WBM_SHARE_HUGETLB_PMD shares.
 */
struct wbm_proc_map {
	struct wbm_map map;
	uint32_t object; /* 0: private */
	int hugetlb;
};

struct wbm_proc {
	const struct wbm_proc_map *maps;
	size_t n;
};

struct wbm_pop {
	uint64_t pt_bytes; /* every table page that exists, sharing applied */
	uint64_t pt_bytes_unshared; /* the sum of each process's own count */
	uint64_t vmpte_bytes; /* the sum of what each VmPTE shows */
	uint64_t data_bytes; /* private bytes + each shared object once */
};

/* -EINVAL (and *@bad_proc) for a process whose mappings are refused. */
int wbm_pop_count(const struct wbm_proc *procs, size_t nprocs, int levels,
		  enum wbm_share share, struct wbm_pop *out, size_t *bad_proc);

/* Inverted table bytes for @phys_bytes of 4 KiB frames. */
int wbm_ipt_bytes(uint64_t phys_bytes, uint64_t entry_bytes, uint64_t *out);

#endif
