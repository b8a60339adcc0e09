/* SPDX-License-Identifier: MIT */
/*
 * Do the modes of an unstable instance line up with the host's backing?
 * On a virtual machine the host decides per process whether the guest's
 * memory sits on 4 KiB or 2 MiB host pages (mem/hostpage.h measures the
 * share that behaves as 2 MiB in each process). When the processes of
 * each mode have shares that no process of another mode has, and the
 * faster mode the higher ones, the host's backing explains the modes.
 */
#ifndef WB_HOSTLINE_H
#define WB_HOSTLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "check/stability.h"

/* the instance record's fields (results/README.md) */
#define WB_HOSTLINE_KEY "modes_line_up_with_host_backing"
#define WB_HOSTLINE_WHY_KEY "host_backing_explanation"

struct wb_hostline {
	bool lines_up;
	size_t nmodes;
	double lo[WB_MODES_MAX], hi[WB_MODES_MAX]; /* shares per mode */
	char explanation[320]; /* one line */
};

/*
 * @s is the stability of the per-process medians @med[n]; @share[n] the
 * effective huge share of each process (NAN where not measured). Lines up
 * only when @s is unstable with two or more modes, every process has a
 * share and falls in a mode, the modes' share ranges are disjoint and
 * they fall as the modes get slower. -EINVAL for n == 0 or NULL arrays.
 */
int wb_hostline(const struct wb_stability *s, const double *med,
		const double *share, size_t n, struct wb_hostline *out);

#endif
