/* SPDX-License-Identifier: MIT */
/*
 * Reading a results file (results/README.md) for compare, plot and report.
 * wb_rfile_load() checks the structure the readers rely on and, when the
 * file is unusable, fills @why with one line naming the file and what is
 * wrong (no newline). The JSON stays owned by struct wb_rfile; every
 * json_t pointer in it is borrowed and dies with wb_rfile_free().
 */
#ifndef WB_RESULTSREAD_H
#define WB_RESULTSREAD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "check/stability.h"

/* One benchmark name: its "iteration" entries (one per repetition). */
struct wb_rbench {
	const char *name, *suite, *kernel; /* "" when absent */
	json_t *params; /* object or NULL */
	bool page_size_verified; /* true only when every repetition says so */
	json_t **reps; /* the entries, in file order */
	double *real_time_ns; /* real_time of each, converted to ns */
	size_t nreps;
	json_t *instance; /* its context.walkbench.instances entry, or NULL */
};

struct wb_rfile {
	const char *path;
	json_t *root;
	json_t *context, *wb, *env; /* wb and env are objects */
	json_t *instances; /* array (may be empty) */
	struct wb_rbench *b;
	size_t nb;
};

int wb_rfile_load(const char *path, struct wb_rfile *r, char *why, size_t len);
/* wb_rfile_load() that first lets @fix (may be NULL) rewrite the JSON in
 * place: results/canon.h's wb_rfile_load_named() */
int wb_rfile_load_fixed(const char *path, struct wb_rfile *r,
			void (*fix)(json_t *root), char *why, size_t len);
void wb_rfile_free(struct wb_rfile *r);
const struct wb_rbench *wb_rfile_find(const struct wb_rfile *r,
				      const char *name);
/* The numeric field @key of every repetition that has it, into out[]
 * (b->nreps entries suffice); *n gets the count. */
void wb_rbench_values(const struct wb_rbench *b, const char *key, double *out,
		      size_t *n);
/*
 * The independent samples of a benchmark: one per pass (the median of
 * that pass's repetitions, each pass a separate process), or, when the
 * file does not say which pass a repetition belongs to, one per
 * repetition (*by_pass false). *out is malloc'd.
 */
int wb_rbench_units(const struct wb_rbench *b, double **out, size_t *n,
		    bool *by_pass);
/* real_time of repetition @e in ns, by its time_unit; NAN for a unit
 * other than ns, us, ms, s */
double wb_rep_ns(const json_t *e);
/*
 * Per process of the repetitions @reps[n] (a pass, in first-seen order;
 * the repetitions that do not say their pass are one process): in med[]
 * the median of field @key over its repetitions ("real_time" in ns), NAN
 * when one of them lacks it as a finite number; in within[] (may be
 * NULL) the relative half-range (max - min) / 2 / median, NAN for fewer
 * than two values. *m gets the number of processes; med and within need
 * room for n.
 */
int wb_reps_per_pass(json_t *const *reps, size_t n, const char *key,
		     double *med, double *within, size_t *m);
/*
 * The stability of a benchmark over the processes that measured it
 * (check/stability.h), from its repetitions: per pass the median
 * real_time in ns and the relative half-range. Repetitions that do not
 * say their pass are one process (not judged). -EINVAL for no
 * repetitions or a time that is not positive.
 */
int wb_reps_stability(json_t *const *reps, size_t n, struct wb_stability *st);
int wb_rbench_stability(const struct wb_rbench *b, struct wb_stability *st);
/* The repetitions of benchmark @name in a results file's @root, as
 * wb_rfile_load() takes them (its "iteration" entries without an error),
 * at most @cap of them into @reps; returns how many. */
size_t wb_root_reps(json_t *root, const char *name, json_t **reps, size_t cap);
/*
 * wb_rbench_stability() for benchmark @name of a results file's @root
 * (wb_root_reps), for readers that hold the JSON rather than a struct
 * wb_rfile (validate, claims). -ENOENT when @root has no such entry.
 */
int wb_root_stability(json_t *root, const char *name, struct wb_stability *st);
/* obj[key] as a string; "" when absent or not a string (obj may be NULL) */
const char *wb_jstr(const json_t *obj, const char *key);
/* obj[key] as a number; NAN when absent or not a number */
double wb_jnum(const json_t *obj, const char *key);
/* Fact @key of instance @inst; 0 with *ok set false when it has none */
double wb_inst_fact(const json_t *inst, const char *key, bool *ok);

#endif
