/* SPDX-License-Identifier: MIT */
/*
 * The host's backing of this guest's memory, seen from inside the guest.
 *
 * A TLB entry covers the smaller of the guest's and the host's page. Inside
 * one verified guest 2 MiB page, a dependent chase over 512 lines, one in
 * each 4 KiB subpage, needs one TLB entry when the host backs that memory
 * with a 2 MiB page and 512 when it backs it with 4 KiB pages. A "dense"
 * chase over the same 512 lines packed into 8 subpages (same cache
 * footprint) needs 8 entries either way. On guest 4 KiB pages the same two
 * chases give r_base, the ratio of a real 512-entry working set to an
 * 8-entry one. A guest 2 MiB page whose ratio is nearer 1 than r_base in
 * log space (ratio < sqrt(r_base)) behaves as a 2 MiB translation; the
 * effective huge share is the fraction of sampled pages that do.
 *
 * On bare metal there is no host below: the probe does not run and the
 * share is 1 (how: "native: no host below").
 */
#ifndef WB_HOSTPAGE_H
#define WB_HOSTPAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wb_sysinfo;

#define WB_HOSTPAGE_MAX 16
/* below this r_base the TLB does not tell 512 entries from 8 */
#define WB_HOSTPAGE_MIN_RBASE 1.3
#define WB_HOSTPAGE_LINES 512
#define WB_HOSTPAGE_DENSE_PAGES 8

struct wb_hostpage_opts {
	const struct wb_sysinfo *sys; /* decides native; NULL: probe */
	size_t pages; /* guest 2 MiB pages to sample; 0: 4 */
	int rounds; /* timed laps per chase, the best kept; 0: 3 */
	uint64_t seed;
};

struct wb_hostpage {
	bool native; /* no host below: not probed, share 1 */
	bool measurable; /* share is a measurement (or native) */
	double share; /* 0..1; NAN when !measurable */
	size_t sampled, huge; /* pages timed, pages huge-behaving */
	double r_base; /* NAN when not measured */
	double base_spread_ns, base_dense_ns; /* per load, guest 4K pages */
	double ratio[WB_HOSTPAGE_MAX]; /* spread / dense per sampled page */
	double ratio_min, ratio_median, ratio_max; /* NAN when none */
	double seconds; /* wall time of the probe */
	char how[320];
};

/* No hypervisor below: neither a CPUID hypervisor vendor nor the flag. */
bool wb_hostpage_is_native(const struct wb_sysinfo *s);

/*
 * The classification, from timings alone (ns per load): the reference
 * chases on guest 4 KiB pages and, per sampled guest 2 MiB page, the
 * spread and dense chases. Fills every field of @out but native and
 * seconds. -EINVAL for n > WB_HOSTPAGE_MAX or a time that is not positive.
 * Not measurable, with the reason in how, when r_base is below
 * WB_HOSTPAGE_MIN_RBASE or n is 0.
 */
int wb_hostpage_classify(double base_spread, double base_dense,
			 const double *spread, const double *dense, size_t n,
			 struct wb_hostpage *out);

/*
 * Natively: share 1, not probed. In a guest: maps its own regions (guest
 * 4 KiB pages for the reference, opts->pages verified guest 2 MiB THP
 * pages), times them and classifies. Not measurable (0 returned, how says
 * which) when THP is unavailable, no 2 MiB page verifies or the
 * reference cannot be mapped on 4 KiB pages: the probe itself never fails
 * a measurement.
 */
int wb_hostpage_probe(const struct wb_hostpage_opts *o,
		      struct wb_hostpage *out);

#endif
