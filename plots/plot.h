/* SPDX-License-Identifier: MIT */
/*
 * `walkbench plot` internals: results -> TSV (plot_tsv.c) -> gnuplot
 * scripts in plots/ (cmd_plot.c runs them) -> index.html (plot_html.c).
 * The gnuplot scripts read only the TSV files written here.
 */
#ifndef WB_PLOT_H
#define WB_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results/resultsread.h"

struct plot_set {
	const struct wb_rfile *files;
	size_t nfiles;
	char (*labels)[64]; /* one per file: its name without .json */
	const char *dir; /* output directory, exists */
};

/* One plot: plots/<name>.gp reads DIR/<name>.tsv (and any extra TSV files
 * it names in vars) and writes DIR/<name>.png and .svg. */
struct plot_job {
	const char *name, *title;
	char vars[2048]; /* extra gnuplot assignments, "a=1; b='x'; " */
	const char *extra[2]; /* further DIR/<extra>.tsv files it reads */
	bool has_data; /* false: nothing in the input for this plot */
	/* why (part of) the input was not plotted, one reason a line;
	 * printed on stderr and shown in index.html */
	char note[1024];
};

struct plot_kind {
	const char *name, *title, *caption;
	int (*write)(const struct plot_set *s, struct plot_job *job);
};

extern const struct plot_kind wb_plot_kinds[];
extern const size_t wb_plot_nkinds;

/* Series name: "label suffix" with several files, "suffix" with one. */
void wb_plot_series(const struct plot_set *s, size_t file, const char *suffix,
		    char *buf, size_t len);
/* Appends name='val'; to vars, quoting ' as gnuplot wants (''). */
void wb_plot_var(char *vars, size_t len, const char *name, const char *val);
/* Median and quartiles of a benchmark's @key over its repetitions; an
 * "ns_per_..." key absent from the entries falls back to real_time (the
 * format defines real_time as the time per unit). -ENOENT when absent. */
int wb_plot_stat(const struct wb_rbench *b, const char *key, double *med,
		 double *q25, double *q75);

/* Helpers for the TSV writers (plot_tsv.c) */
#define WB_PLOT_MAX_SERIES 64
#define WB_PLOT_MAX_ROWS 512
struct wb_plot_pt {
	double x, y, lo, hi;
};
int wb_plot_cmp_pt(const void *a, const void *b); /* by x, for qsort */
/* A parameter as a number: JSON numbers, or sizes such as "2M". */
int wb_plot_param_num(const json_t *params, const char *key, double *out);
/* DIR/<name>.tsv for writing (path gets its name); NULL with errno set */
FILE *wb_plot_open_tsv(const struct plot_set *s, const char *name, char *path,
		       size_t len);
int wb_plot_close_tsv(FILE *f); /* 0 or -errno, write errors included */
void wb_plot_add_var(struct plot_job *job, const char *name, const char *val);
void wb_plot_add_int(struct plot_job *job, const char *name, long v);
/* value of the prediction item @quantity of an instance, NAN if none */
double wb_plot_prediction(const json_t *instance, const char *quantity);

/* The writers (plot_tlb.c, plot_bars.c, plot_lines.c): 0 or -errno;
 * job->has_data stays false when the input has nothing for the plot. */
/* gnuplot is an executable file in a PATH directory */
bool wb_gnuplot_on_path(void);
int wb_plot_tlb(const struct plot_set *s, struct plot_job *job);
int wb_plot_walk(const struct plot_set *s, struct plot_job *job);
int wb_plot_cow(const struct plot_set *s, struct plot_job *job);
int wb_plot_huge(const struct plot_set *s, struct plot_job *job);
int wb_plot_shared(const struct plot_set *s, struct plot_job *job);
int wb_plot_guest(const struct plot_set *s, struct plot_job *job);

/* Writes DIR/index.html; @done[k] says whether kind k was rendered,
 * @notes[k] is its job's note (may be empty). */
int wb_plot_html(const struct plot_set *s, const bool *done,
		 const char (*notes)[1024], char *path, size_t len);

#endif
