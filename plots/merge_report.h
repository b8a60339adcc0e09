/* SPDX-License-Identifier: MIT */
/* `walkbench merge` output: the table (stdout) and merged.md. */
#ifndef WB_MERGE_REPORT_H
#define WB_MERGE_REPORT_H

#include <stdio.h>

#include "results/merge.h"

/* What became of a group's plots in --out DIR. */
struct wb_merge_plot {
	char dir[256]; /* DIR-relative directory, "" when not plotted */
	char command[4096]; /* the `walkbench plot` command for the group */
	char why[256]; /* why not plotted, "" when plotted */
	size_t nfiles; /* the group's first nfiles files are (to be) plotted */
};

void wb_merge_table(FILE *f, const struct wb_merge *m);
/* @plots: one per group */
void wb_merge_markdown(FILE *f, const struct wb_merge *m,
		       const struct wb_merge_plot *plots);

#endif
