/* SPDX-License-Identifier: MIT */
/*
 * Merging results files from many hosts (plots/README.md, "walkbench
 * merge"): runs are grouped by CPU model, and per group and benchmark the
 * hosts' medians are summarised (median, min, max, spread, robust CV) and
 * outlying hosts named. Pure: reads loaded files only, never the machine.
 *
 * A host is a context.host_name (the file's path when it has none); two
 * files from one host are two runs of it, whose repetitions are pooled
 * into the host's median. Benchmarks whose page size was not verified on
 * every repetition are left out of the numbers and counted.
 *
 * struct wb_merge borrows the files (and their strings): they must outlive
 * it. Functions return 0 or -errno.
 */
#ifndef WB_MERGE_H
#define WB_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "results/resultsread.h"

/* A host is an outlier when its median is more than WB_MERGE_OUT_MADS
 * scaled MADs (1.4826 x MAD) from the group's median of host medians and
 * more than WB_MERGE_OUT_MIN_DEV (relative) away from it, in a group of at
 * least WB_MERGE_OUT_MIN_HOSTS hosts. The relative floor keeps a group of
 * near-identical hosts (MAD close to 0) from naming every small wobble. */
#define WB_MERGE_OUT_MADS 3.0
#define WB_MERGE_OUT_MIN_DEV 0.05
#define WB_MERGE_OUT_MIN_HOSTS 3
#define WB_MERGE_MAD_SCALE 1.4826

/* Instance statuses counted per group (results/README.md); others are
 * counted as "other". */
#define WB_MERGE_NSTATUS 8
extern const char *const wb_merge_status_names[WB_MERGE_NSTATUS];

struct wb_merge_run {
	const struct wb_rfile *f;
	const char *host; /* host_name, or the path when it has none */
	size_t group, host_idx; /* group, host within the group */
	bool complete; /* false: complete:false in the file */
	size_t unverified; /* benchmark names with an unverified page size */
	size_t status[WB_MERGE_NSTATUS]; /* instances per non-ok status */
};

struct wb_merge_hostval {
	size_t host; /* index into the group's hosts */
	size_t runs, reps; /* runs with the benchmark, repetitions pooled */
	double median_ns;
	double dev; /* (median_ns - group median) / group median */
	double mads; /* |median_ns - group median| / scaled MAD; INF if 0 */
	bool outlier;
};

struct wb_merge_bench {
	const char *name;
	size_t nruns; /* runs with the benchmark, verified or not */
	size_t unverified_runs; /* of those, left out (page size) */
	struct wb_merge_hostval *hv; /* hosts with a verified value */
	size_t nhv, noutliers;
	/* over hv[]: NAN when nhv is 0 */
	double median_ns, min_ns, max_ns;
	double spread; /* max / min */
	double rcv; /* scaled MAD / median: a robust CV */
	size_t min_hv, max_hv; /* indices into hv */
};

struct wb_merge_env {
	const char *hypervisor, *kernel, *thp;
	size_t runs;
};

struct wb_merge_hostname {
	const char *name;
	size_t runs;
};

struct wb_merge_group {
	char key[256]; /* "vendor/family/model/model_name" */
	char slug[128]; /* the key as a directory name */
	const char *vendor, *model_name;
	long long family, model;
	size_t *runs, nruns; /* indices into wb_merge.runs */
	struct wb_merge_hostname *hosts;
	size_t nhosts;
	struct wb_merge_env *env;
	size_t nenv; /* > 1: a mixed group */
	struct wb_merge_bench *b;
	size_t nb;
	size_t incomplete; /* runs with complete:false */
	size_t unverified_runs; /* runs with any unverified benchmark */
	size_t status[WB_MERGE_NSTATUS];
};

struct wb_merge {
	struct wb_merge_run *runs;
	size_t nruns;
	struct wb_merge_group *g;
	size_t ng;
	size_t nhosts; /* distinct host names over all groups */
};

/*
 * Checks that the files can be merged: at least one, no file given twice
 * (same device and inode, or same path), one schema_version and one major
 * version of the results format. On failure @why gets one line naming the
 * file (no newline) and the return is -EINVAL.
 */
int wb_merge_check(const struct wb_rfile *f, size_t n, char *why, size_t len);
int wb_merge_build(const struct wb_rfile *f, size_t n, struct wb_merge *m);
void wb_merge_free(struct wb_merge *m);
/* The merge as a JSON object (plots/README.md); NULL without memory. */
json_t *wb_merge_json(const struct wb_merge *m);

#endif
