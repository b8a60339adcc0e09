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

#include "resultsread.h"

struct plot_set {
	const struct wb_results *files;
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

/* Writes DIR/index.html; @done[k] says whether kind k was rendered. */
int wb_plot_html(const struct plot_set *s, const bool *done, char *path,
		 size_t len);

#endif
