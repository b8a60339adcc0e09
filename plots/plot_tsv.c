// SPDX-License-Identifier: MIT
/*
 * Results -> TSV: the table of plots and the helpers their writers share.
 * Each writer (plot_tlb.c, plot_bars.c, plot_lines.c) picks the benchmarks
 * it plots by suite and kernel names (plots/README.md) and reduces the
 * repetitions to medians and quartiles.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "plot.h"
#include "check/stats.h"

void wb_plot_series(const struct plot_set *s, size_t file, const char *suffix,
		    char *buf, size_t len)
{
	if (s->nfiles > 1)
		snprintf(buf, len, "%s %s", s->labels[file], suffix);
	else
		snprintf(buf, len, "%s", suffix);
	/* a tab or newline would break the TSV */
	for (char *p = buf; *p; p++)
		if (*p == '\t' || *p == '\n')
			*p = ' ';
}

int wb_plot_stat(const struct wb_rbench *b, const char *key, double *med,
		 double *q25, double *q75)
{
	double *v = malloc((b->nreps ? b->nreps : 1) * sizeof(*v));
	size_t n;
	int err;

	if (!v)
		return -ENOMEM;
	wb_rbench_values(b, key, v, &n);
	if (!n && !strncmp(key, "ns_per_", 7)) {
		memcpy(v, b->real_time_ns, b->nreps * sizeof(*v));
		n = b->nreps;
	}
	err = n ? wb_median(v, n, med) : -ENOENT;
	if (!err)
		err = wb_quantile(v, n, 0.25, q25);
	if (!err)
		err = wb_quantile(v, n, 0.75, q75);
	free(v);
	return err;
}

/* A parameter as a number: JSON numbers, or sizes such as "2M". */
int wb_plot_param_num(const json_t *params, const char *key, double *out)
{
	json_t *v = params ? json_object_get(params, key) : NULL;
	uint64_t sz;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v) && !wb_parse_size(json_string_value(v), &sz)) {
		*out = (double)sz;
		return 0;
	}
	return -ENOENT;
}

FILE *wb_plot_open_tsv(const struct plot_set *s, const char *name, char *path,
		       size_t len)
{
	snprintf(path, len, "%s/%s.tsv", s->dir, name);
	return fopen(path, "w");
}

int wb_plot_close_tsv(FILE *f)
{
	int err = ferror(f) ? -EIO : 0;

	if (fclose(f))
		err = -errno;
	return err;
}

void wb_plot_var(char *vars, size_t len, const char *name, const char *val)
{
	size_t used = strlen(vars);
	char *p = vars + used, *end = vars + len - 4;

	if (used + 8 >= len)
		return;
	p += snprintf(p, end - p, "%s='", name);
	for (; *val && p + 1 < end; val++) {
		if (*val == '\'')
			*p++ = '\'';
		*p++ = *val;
	}
	snprintf(p, vars + len - p, "'; ");
}

void wb_plot_add_var(struct plot_job *job, const char *name, const char *val)
{
	wb_plot_var(job->vars, sizeof(job->vars), name, val);
}

void wb_plot_add_int(struct plot_job *job, const char *name, long v)
{
	size_t used = strlen(job->vars);

	snprintf(job->vars + used, sizeof(job->vars) - used, "%s=%ld; ", name,
		 v);
}

int wb_plot_cmp_pt(const void *a, const void *b)
{
	double x = ((const struct wb_plot_pt *)a)->x,
	       y = ((const struct wb_plot_pt *)b)->x;

	return (x > y) - (x < y);
}

double wb_plot_prediction(const json_t *instance, const char *quantity)
{
	json_t *items = json_object_get(json_object_get(instance, "prediction"),
					"items"),
	       *it;
	size_t i;

	json_array_foreach(items, i, it) {
		if (!strcmp(wb_jstr(it, "quantity"), quantity))
			return wb_jnum(it, "value");
	}
	return NAN;
}

const struct plot_kind wb_plot_kinds[] = {
	{ "tlb_reach", "TLB reach",
	  "Median time per access against pages touched, one line per page "
	  "size; circles mark detected knees, dashed lines the model's "
	  "predicted TLB reach.",
	  wb_plot_tlb },
	{ "walk_depth", "Page-walk depth",
	  "Median time per access for each stride (kernel walk_depth).",
	  wb_plot_walk },
	{ "huge_speedup", "Huge vs base pages",
	  "Base-page time divided by huge-page time on the same pattern, "
	  "against working-set size (suite huge).",
	  wb_plot_huge },
	{ "cow_faults", "Fault rates",
	  "Page faults per second, median over repetitions (suite cow).",
	  wb_plot_cow },
	{ "shared_pt", "Shared mappings: page-table memory",
	  "Page-table bytes against processes sharing one region, measured "
	  "(solid) and predicted by the model (dashed).",
	  wb_plot_shared },
	{ "guest_ratio", "Native vs guest",
	  "Guest median time over native median time for each benchmark in "
	  "both (bars from 1.0, log scale), grouped by kernel; dashes mark "
	  "the model's ratio of worst-case memory references for one "
	  "translation nested (2D) over native (1D). Emulated (TCG) guests "
	  "are not plotted.",
	  wb_plot_guest },
};
const size_t wb_plot_nkinds = sizeof(wb_plot_kinds) / sizeof(wb_plot_kinds[0]);
