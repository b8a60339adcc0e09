/* SPDX-License-Identifier: MIT */
/*
 * The host's backing of a guest's memory in results (mem/hostpage.h,
 * results/README.md "Host backing"): per repetition the process's
 * effective_huge_share, per instance a host_backing object, and whether an
 * unstable instance's modes line up with it (check/hostline.h).
 */
#ifndef WB_HOST_BACKING_H
#define WB_HOST_BACKING_H

#include <stddef.h>

#include <jansson.h>

#include "check/stability.h"
#include "mem/hostpage.h"

#define WB_SHARE_KEY "effective_huge_share"

/* {share, sampled, r_base, how, measurable, share_min, share_max, ...} */
json_t *wb_host_backing_json(const struct wb_hostpage *h);
/*
 * The process's share on each repetition entry of Google Benchmark's
 * @gb (aggregates left alone): it describes the process, as others_cpu
 * does. Nothing is attached when the share was not measured.
 */
void wb_host_backing_mark_reps(json_t *gb, const struct wb_hostpage *h);
/* A later pass's instance @inst widens @old's share_min..share_max. */
void wb_host_backing_merge(json_t *old, const json_t *inst);
/*
 * Adds WB_HOSTLINE_KEY (true|false) and WB_HOSTLINE_WHY_KEY (one line) to
 * @rec for the benchmark whose repetition entries are @reps[n] and whose
 * stability is @st: per process (pass) the median real_time and the
 * median effective_huge_share. -EINVAL for no repetitions, -ENOMEM.
 */
int wb_host_backing_record(json_t *rec, json_t *const *reps, size_t n,
			   const struct wb_stability *st);

#endif
