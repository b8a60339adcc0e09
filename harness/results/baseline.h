/* SPDX-License-Identifier: MIT */
/*
 * Baselines (bench/CI.md): results files kept as references under
 * <dir>/<cpu-key>/<name>.json. The CPU key groups runs that compare can
 * judge against each other (same vendor, family, model, hypervisor and
 * emulation); the name says what was run. Everything here reads a loaded
 * results file (resultsread.h) or a directory and writes into caller-owned
 * buffers; nothing prints.
 */
#ifndef WB_BASELINE_H
#define WB_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "results/resultsread.h"

/* A name is 1..WB_BASELINE_NAME_MAX of [A-Za-z0-9._+-] */
#define WB_BASELINE_NAME_MAX 64
/* Fewer independent samples than this and compare cannot judge (U test) */
#define WB_BASELINE_MIN_SAMPLES 4

/* "intel-6-167-kvm", "amd-26-68-metal", "...-emulated" from context.walkbench
 * (@wb, its "env" object inside). -ENOSPC when @len is too small. */
int wb_baseline_cpu_key(const json_t *wb, char *out, size_t len);
/*
 * The default name from context.walkbench: the suites and kernels named
 * after "run" in command_line joined with '+' ("all" when none), plus
 * "-quick" for a --quick run: "tlb-quick", "tlb+walk", "all-quick".
 * -EINVAL when the result is not a valid name.
 */
int wb_baseline_default_name(const json_t *wb, char *out, size_t len);
bool wb_baseline_name_valid(const char *name);
/*
 * Independent samples of one benchmark, as compare counts them
 * (wb_rbench_units): one per pass (each pass is its own process), or one
 * per repetition when the repetitions carry no pass. 0 when out of memory.
 */
size_t wb_baseline_samples(const struct wb_rbench *b);
/*
 * Why @r cannot be a baseline: incomplete, no benchmarks, a page size not
 * verified. 0 when it can; -EINVAL with one line in @why otherwise.
 */
int wb_baseline_refuse(const struct wb_rfile *r, char *why, size_t len);
/* The smallest wb_baseline_samples() over the benchmarks; 0 when none */
size_t wb_baseline_min_samples(const struct wb_rfile *r);

enum wb_baseline_miss {
	WB_BASELINE_FOUND,
	WB_BASELINE_NO_KEY, /* @have lists the keys under @dir */
	WB_BASELINE_NO_NAME, /* @have lists the names under @dir/@key */
};
/*
 * Looks for @dir/@key/@name.json: its path into @path, or what is there
 * instead into @have (sorted, ", "-separated, "none" when empty). 0 or
 * -errno (a directory that exists but cannot be read, a path too long).
 */
int wb_baseline_find(const char *dir, const char *key, const char *name,
		     char *path, size_t plen, char *have, size_t hlen,
		     enum wb_baseline_miss *miss);
/*
 * The sorted entries of @dir: subdirectories (@json false) or the stems of
 * *.json files (@json true). *names is malloc'd (free each, then the
 * array). A missing @dir gives 0 entries.
 */
int wb_baseline_entries(const char *dir, bool json, char ***names, size_t *n);
void wb_baseline_entries_free(char **names, size_t n);

#endif
