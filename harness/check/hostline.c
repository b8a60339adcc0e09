// SPDX-License-Identifier: MIT
/* Modes against the host's backing (hostline.h): pure, from numbers only. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check/hostline.h"

/* The mode whose range of medians holds @m, or -1. */
static int mode_of(const struct wb_stability *s, double m)
{
	for (size_t j = 0; j < s->nmodes; j++)
		if (m >= s->modes[j].lo && m <= s->modes[j].hi)
			return (int)j;
	return -1;
}

/* "44.6 ns at 1.00 | 161.6..204.9 ns at 0.00..0.12" */
static void ranges(const struct wb_stability *s, const struct wb_hostline *h,
		   char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (size_t j = 0; j < s->nmodes && o < len; j++) {
		const struct wb_mode *m = &s->modes[j];
		int w;

		if (m->lo == m->hi)
			w = snprintf(buf + o, len - o, "%s%.1f ns",
				     j ? " | " : "", m->lo);
		else
			w = snprintf(buf + o, len - o, "%s%.1f..%.1f ns",
				     j ? " | " : "", m->lo, m->hi);
		if (w > 0)
			o += (size_t)w;
		if (o >= len)
			break;
		if (h->lo[j] == h->hi[j])
			w = snprintf(buf + o, len - o, " at share %.2f",
				     h->lo[j]);
		else
			w = snprintf(buf + o, len - o, " at share %.2f..%.2f",
				     h->lo[j], h->hi[j]);
		if (w > 0)
			o += (size_t)w;
	}
}

int wb_hostline(const struct wb_stability *s, const double *med,
		const double *share, size_t n, struct wb_hostline *out)
{
	char r[200];

	memset(out, 0, sizeof(*out));
	if (!s || !med || !share || !n)
		return -EINVAL;
	if (s->stable || s->nmodes < 2) {
		snprintf(out->explanation, sizeof(out->explanation), "%s",
			 s->stable ? "stable: one mode, nothing to line up"
				   : "a spread without a gap: no modes to line "
				     "up");
		return 0;
	}
	out->nmodes = s->nmodes;
	for (size_t j = 0; j < s->nmodes; j++) {
		out->lo[j] = INFINITY;
		out->hi[j] = -INFINITY;
	}
	for (size_t k = 0; k < n; k++) {
		int j = mode_of(s, med[k]);

		if (isnan(share[k])) {
			snprintf(out->explanation, sizeof(out->explanation),
				 "the host's backing was not measured in "
				 "process %zu (%.1f ns)",
				 k + 1, med[k]);
			return 0;
		}
		if (j < 0) {
			snprintf(out->explanation, sizeof(out->explanation),
				 "process %zu (%.1f ns) is in no mode", k + 1,
				 med[k]);
			return 0;
		}
		out->lo[j] = fmin(out->lo[j], share[k]);
		out->hi[j] = fmax(out->hi[j], share[k]);
	}
	ranges(s, out, r, sizeof(r));
	/* modes are fastest first: each must sit wholly above the next */
	for (size_t j = 0; j + 1 < s->nmodes; j++) {
		if (out->lo[j] > out->hi[j + 1])
			continue;
		snprintf(out->explanation, sizeof(out->explanation),
			 "modes do not line up with the host's backing: %s "
			 "(%s)",
			 out->hi[j] < out->lo[j + 1]
				 ? "the faster mode has the lower share"
				 : "their shares overlap",
			 r);
		return 0;
	}
	out->lines_up = true;
	snprintf(out->explanation, sizeof(out->explanation),
		 "modes line up with the host's backing, the faster on more "
		 "2 MiB host pages (%s)",
		 r);
	return 0;
}
