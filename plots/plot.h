/* SPDX-License-Identifier: MIT */
/*
 * `walkbench plot` internals: results -> TSV (plot_tsv.c) -> gnuplot
 * scripts in plots/ (cmd_plot.c runs them) -> index.html (plot_html.c).
 * The gnuplot scripts read only the TSV files written here. Which plots
 * there are, and what each draws, the kernels declare (wb_plot_hint in
 * runner/kernel.h); the writers here know styles, not kernels.
 */
#ifndef WB_PLOT_H
#define WB_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results/resultsread.h"
#include "runner/kernel.h"

struct plot_set {
	const struct wb_rfile *files;
	size_t nfiles;
	char (*labels)[64]; /* one per file: its name without .json */
	const char *dir; /* output directory, exists */
};

#define WB_PLOT_NOTE 4096

/* One plot: plots/<name>.gp reads DIR/<name>.tsv (and any extra TSV files
 * it names in vars) and writes DIR/<name>.png and .svg. */
struct plot_job {
	const char *name, *title;
	/* the declaration it draws; NULL for guest_ratio, which is every
	 * kernel's */
	const struct wb_plot_hint *hint;
	char vars[2048]; /* extra gnuplot assignments, "a=1; b='x'; " */
	const char *extra[2]; /* further DIR/<extra>.tsv files it reads */
	char extra_name[2][64]; /* storage for extra[] */
	bool has_data; /* false: nothing in the input for this plot */
	/* why (part of) the input was not plotted, one reason a line;
	 * printed on stderr and shown in index.html */
	char note[WB_PLOT_NOTE];
	/* which drawn points are unstable and their modes, one a line,
	 * after a summary line; shown in index.html only */
	char unstable[WB_PLOT_NOTE];
	size_t npoints, nunstable; /* drawn times, of them unstable */
};

struct plot_kind {
	const char *name, *title, *caption;
	const struct wb_plot_hint *hint; /* NULL for guest_ratio */
	int (*write)(const struct plot_set *s, struct plot_job *job);
};

#define WB_PLOT_MAX_KINDS 16
/* The plots, at most @max: one per name the kernels declare, in kernel
 * table order, then guest_ratio. Returns the count. */
size_t wb_plot_kinds(struct plot_kind *out, size_t max);
/* Runs @k's writer on a fresh @job. */
int wb_plot_write(const struct plot_set *s, const struct plot_kind *k,
		  struct plot_job *job);
/* Whether the job's plot draws benchmark @b: a kernel that declares a
 * plot of its name declares @b's kernel, or its suite (whole_suite). */
bool wb_plot_picks(const struct plot_job *job, const struct wb_rbench *b);
/* Parameter @key of @params as a label: a string as it is, a number by
 * its name in @names (NULL-terminated, by value) or as a number; "" when
 * absent. */
const char *wb_plot_value_label(const json_t *params, const char *key,
				const char *const *names, char *buf,
				size_t len);
/* Whether parameter @key of kernel @kernel counts bytes. */
bool wb_plot_param_bytes(const char *kernel, const char *key);

/* Series name: "label suffix" with several files, "suffix" with one. */
void wb_plot_series(const struct plot_set *s, size_t file, const char *suffix,
		    char *buf, size_t len);
/* Appends name='val'; to vars, quoting ' as gnuplot wants (''). */
void wb_plot_var(char *vars, size_t len, const char *name, const char *val);
/* Helpers for the TSV writers (plot_tsv.c) */
#define WB_PLOT_MAX_SERIES 64
#define WB_PLOT_MAX_ROWS 512
/*
 * One drawn value: y is the median over the processes that measured it
 * (each pass a process), lo..hi the range of the per-process medians.
 * Unstable: the processes fall into different modes (check/stability.h,
 * judged and not stable), so y describes none of them: the writers draw
 * it hollow, join no line through it and take no ratio of it.
 */
struct wb_plot_pt {
	double x, y, lo, hi;
	bool unstable;
	/* wb_stability_text with counts when unstable, and whether its
	 * modes follow the host's backing (check/hostline.h) */
	char modes[160];
};
/*
 * @key of benchmark @b as a drawn point (all but x). A time (an
 * "ns_per_..." key, which the format defines as real_time per unit, so
 * one absent from the entries falls back to real_time) comes straight
 * from wb_rbench_stability(); any other field is the median and range of
 * its per-process medians, with the stability of the time. -ENOENT when
 * absent.
 */
int wb_plot_point(const struct wb_rbench *b, const char *key,
		  struct wb_plot_pt *p);
/* Counts a point of @job and, when @unstable, lists it in the job's
 * unstable text: "NAME: WHY" (why: its modes). */
void wb_plot_count(struct plot_job *job, const char *name, bool unstable,
		   const char *why);
/* Sets gnuplot's `unst` to "N of M points unstable (...): @drawn" when
 * any is, a line under the plot's title. */
void wb_plot_unstable_var(struct plot_job *job, const char *drawn);
/* Appends one line to @job's note (a reason some input is not drawn). */
void wb_plot_note(struct plot_job *job, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int wb_plot_cmp_pt(const void *a, const void *b); /* by x, for qsort */
/* A parameter of @kernel as a number: JSON numbers, sizes such as "2M",
 * or names of enumerated values ("hugetlb-2m") by the kernel's table. */
int wb_plot_param_num(const char *kernel, const json_t *params, const char *key,
		      double *out);
/* DIR/<name>.tsv for writing (path gets its name); NULL with errno set */
FILE *wb_plot_open_tsv(const struct plot_set *s, const char *name, char *path,
		       size_t len);
int wb_plot_close_tsv(FILE *f); /* 0 or -errno, write errors included */
void wb_plot_add_var(struct plot_job *job, const char *name, const char *val);
void wb_plot_add_int(struct plot_job *job, const char *name, long v);
/* value of the prediction item @quantity of an instance, NAN if none */
double wb_plot_prediction(const json_t *instance, const char *quantity);

/* The writers, one per style (plot_curve.c, plot_bars.c, plot_lines.c)
 * and guest_ratio (plot_guest.c): 0 or -errno; job->has_data stays false
 * when the input has nothing for the plot. */
/* gnuplot is an executable file in a PATH directory */
bool wb_gnuplot_on_path(void);
int wb_plot_curve(const struct plot_set *s, struct plot_job *job);
int wb_plot_bars(const struct plot_set *s, struct plot_job *job);
int wb_plot_speedup(const struct plot_set *s, struct plot_job *job);
int wb_plot_fact(const struct plot_set *s, struct plot_job *job);
int wb_plot_guest(const struct plot_set *s, struct plot_job *job);

/* Writes DIR/index.html for the @nkinds plots @kinds; @done[k] says
 * whether kind k was rendered, @jobs[k] is its job (note, unstable
 * points). */
int wb_plot_html(const struct plot_set *s, const struct plot_kind *kinds,
		 size_t nkinds, const bool *done, const struct plot_job *jobs,
		 char *path, size_t len);

#endif
