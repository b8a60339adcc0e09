/* SPDX-License-Identifier: MIT */
/*
 * Results files written before parameters had names carry numbers where
 * files now carry names ("backing:4" for "backing:hugetlb-2m"). Readers
 * canonicalize a file once, right after loading it, so an old and a new
 * file with the same instance pair up in compare, merge, validate, plots,
 * claims and baselines.
 */
#ifndef WB_CANON_H
#define WB_CANON_H

#include <jansson.h>

#include "results/resultsread.h"

/* A params object of kernel @kernel with each named value by its name. */
void wb_params_canonical(const char *kernel, json_t *params);
/*
 * In a results file's @root, in place: each benchmark's name, run_name
 * and params, and each context.walkbench.instances entry's name and
 * params. Anything else is left as it is; a non-object is ignored.
 */
void wb_results_canonical(json_t *root);
/* wb_rfile_load() of a file canonicalized by wb_results_canonical() */
int wb_rfile_load_named(const char *path, struct wb_rfile *r, char *why,
			size_t len);

#endif
