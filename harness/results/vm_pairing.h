/* SPDX-License-Identifier: MIT */
/*
 * Pairing a guest's results (walkbench vm run) with a native run on the
 * same machine, and the per-benchmark guest/native median ratios beside
 * the model's worst-case walk references for one translation natively
 * (1D) and nested (2D). Used by `walkbench vm pair` and `walkbench plot`;
 * works on the parsed JSON only.
 */
#ifndef WB_VM_PAIRING_H
#define WB_VM_PAIRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct wb_pair_row {
	const char *run; /* run_name; borrowed from the native root */
	const json_t *native; /* the native "median" aggregate entry */
	double native_ns, guest_ns, ratio; /* ratio NAN when native is 0 */
	uint64_t ref1d, ref2d; /* model worst-case walk references */
};

struct wb_pair {
	int levels[2]; /* guest's, host's paging levels */
	const char *host_backing; /* "4K", "2M", "1G", or NULL */
	struct wb_pair_row *rows;
	size_t n;
};

/* context.walkbench of a results root, or NULL */
json_t *wb_pair_wb(const json_t *root);
/* Did this file come from a guest (has context.walkbench.guest)? */
bool wb_pair_is_guest(const json_t *wb);
/* Did the guest run emulated (TCG)? */
bool wb_pair_emulated(const json_t *wb);
/*
 * Why the guest file (@gwb, its context.walkbench) cannot be paired with
 * the native one (@nwb), or NULL when it can: a native file from a guest,
 * a guest file not written by vm run, an emulated guest, or a different
 * machine (CPU vendor, family, model or model name of the guest's host).
 */
const char *wb_pair_refuse(const json_t *nwb, const json_t *gwb, char *why,
			   size_t len);
/* Every benchmark with a median in both roots, in the native file's order.
 * 0 or -ENOMEM; p->rows is malloc'd (wb_pair_free). */
int wb_pair_compute(const json_t *native, const json_t *guest,
		    struct wb_pair *p);
void wb_pair_free(struct wb_pair *p);

#endif
