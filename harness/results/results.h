/* SPDX-License-Identifier: MIT */
/*
 * Results files (results/README.md): Google Benchmark's JSON plus
 * walkbench's fields. Files are written to a temporary name, fsynced and
 * renamed without replacing: an older file is never overwritten and a
 * reader never sees half a file.
 */
#ifndef WB_RESULTS_H
#define WB_RESULTS_H

#include <stddef.h>

#include <jansson.h>

#include "check/stability.h"

/* context.walkbench.schema_version: raised when a reader could misread a
 * newer file; readers refuse versions above theirs. */
#define WB_RESULTS_SCHEMA 1

struct wb_results {
	json_t *root;
	json_t *benchmarks; /* borrowed from root */
	json_t *instances; /* borrowed: context.walkbench.instances */
	json_t *walkbench; /* borrowed: context.walkbench */
};

/* @gb_context: Google Benchmark's JSON text with the context; @wb: the
 * walkbench context object (stolen). */
int wb_results_init(struct wb_results *r, const char *gb_context, json_t *wb);
/*
 * Adds one instance: @inst is its instance object (stolen), @gb_json the
 * child's Google Benchmark JSON text or NULL when nothing was measured.
 * Each benchmark entry gets the instance's kernel, suite, params and
 * page_size_verified, and ns_per_<per_iteration> beside real_time.
 */
int wb_results_add(struct wb_results *r, json_t *inst, const char *gb_json,
		   const char *per_iteration);
/*
 * Adds pass @pass (> 0) of the instance at @family, already added by
 * wb_results_add(): its repetitions join the earlier ones, the aggregates
 * and the stability are recomputed over all of them, and a pass that was
 * not ok turns the instance's status into its own (@inst is stolen;
 * @gb_json may be NULL). A pass at or beyond the run's "passes" was added
 * to an unstable instance: the instance's "passes_added" counts them.
 */
int wb_results_add_pass(struct wb_results *r, size_t family, json_t *inst,
			const char *gb_json, const char *per_iteration,
			int pass);
/*
 * The stability of the instance at @family over the processes that
 * measured it (check/stability.h, from its repetitions so far), written
 * into its instance object as "stable" and "stability"
 * (results/README.md); both fields go when it cannot be judged (one
 * process, or times that are not positive): -ENODATA then.
 * wb_results_add() and wb_results_add_pass() call it.
 */
int wb_results_judge(struct wb_results *r, size_t family,
		     struct wb_stability *st);
/* Whether the instance at @family is "ok": measured, by every pass so
 * far, and so worth judging, repeating or comparing. */
bool wb_results_ok(const struct wb_results *r, size_t family);
/* The "stability" object of @s, an instance @passes_added passes of
 * which were added because it was unstable. */
json_t *wb_stability_json(const struct wb_stability *s, int passes_added);
/* The benchmark entries of one child's JSON, normalised for the file
 * (names, family, the instance's fields, ns_per_<unit>, the pass of each
 * repetition), appended to @out. */
int wb_results_entries(json_t *inst, const char *gb_json,
		       const char *per_iteration, size_t family, int pass,
		       json_t *out);
/* Google Benchmark's aggregates (mean, median, stddev, cv) of @iters,
 * iteration entries of one benchmark, appended to @out. */
int wb_results_aggregates(json_t *iters, json_t *out);
/*
 * Drops the first repetition of a child's Google Benchmark JSON (@gb, the
 * parsed object) and recomputes the aggregates without it. In a fresh
 * process the first repetition pays for what later ones find done: code
 * and data pages faulted in (fault kernels: 512.06 faults per region, not
 * 512), and on a guest the host's first touch of fresh memory (THP scan
 * at 64 MiB: 2.67 ns, then 2.23 ns), which the library's calibration runs
 * do not cover.
 */
int wb_results_drop_warmup(json_t *gb);
void wb_results_free(struct wb_results *r);

/* results/<host>/<UTC time>-<tag>.json under @root, not yet existing. */
int wb_results_new_path(const char *root, const char *tag, char *out,
			size_t len);
/* mkdir -p: 0 when @dir is a directory afterwards. */
int wb_mkdir_p(const char *dir);
/* Creates the directory of @path if needed and proves it writable. */
int wb_results_check_dir(const char *path);
/*
 * Where a new run's file goes: @out (which must not exist: results are
 * never overwritten), or a new name for @tag under @root; its directory
 * made and proved writable now, not after an hour of measuring. 0, or the
 * exit code after a one-line error.
 */
int wb_results_pick_path(const char *out, const char *root, const char *tag,
			 char *path, size_t len);
/* Atomic. Never replaces @path (-EEXIST if it exists) unless @replace:
 * a run rewrites its own file after each instance. */
int wb_results_write(const char *path, json_t *root, int replace);
/* The same for any text (reports beside results). */
int wb_results_write_text(const char *path, const char *text, int replace);

#endif
