// SPDX-License-Identifier: MIT
/* Bars (WB_PLOT_BARS): one row per label, per file its value, the range
 * over processes and whether they agree (an unstable bar is drawn
 * hollow). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

struct table {
	char label[WB_PLOT_MAX_ROWS][128];
	double key[WB_PLOT_MAX_ROWS]; /* sort key */
	struct wb_plot_pt *val; /* WB_PLOT_MAX_ROWS x nfiles */
	size_t n;
};

static struct wb_plot_pt *cell(struct table *t, const struct plot_set *s,
			       size_t row, size_t file)
{
	return &t->val[row * s->nfiles + file];
}

static long table_row(struct table *t, const struct plot_set *s,
		      const char *label, double key)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->label[i], label))
			return (long)i;
	if (t->n >= WB_PLOT_MAX_ROWS)
		return -1;
	snprintf(t->label[t->n], sizeof(t->label[0]), "%s", label);
	t->key[t->n] = key;
	for (size_t f = 0; f < s->nfiles; f++)
		*cell(t, s, t->n, f) =
			(struct wb_plot_pt){ .y = NAN, .lo = NAN, .hi = NAN };
	return (long)t->n++;
}

static int table_write(struct table *t, const struct plot_set *s,
		       struct plot_job *job, const char *first_col, bool sort)
{
	char path[4096];
	size_t order[WB_PLOT_MAX_ROWS], n = t->n;
	FILE *f;

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort by key; rows with equal keys keep their order */
	for (size_t i = 1; sort && i < n; i++)
		for (size_t j = i;
		     j > 0 && t->key[order[j - 1]] > t->key[order[j]]; j--) {
			size_t tmp = order[j];

			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	f = wb_plot_open_tsv(s, job->name, path, sizeof(path));
	if (!f)
		return -errno;
	fprintf(f, "%s", first_col);
	for (size_t k = 0; k < s->nfiles; k++) {
		const char *l = s->nfiles > 1 ? s->labels[k] : "median";

		fprintf(f, "\t%s\t%s min\t%s max\t%s stable\t%s modes", l, l, l,
			l, l);
	}
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s", t->label[order[i]]);
		for (size_t k = 0; k < s->nfiles; k++) {
			const struct wb_plot_pt *p = cell(t, s, order[i], k);

			fprintf(f, "\t%.10g\t%.10g\t%.10g\t%d\t%s", p->y, p->lo,
				p->hi, !p->unstable,
				p->unstable ? p->modes : "");
		}
		fputc('\n', f);
	}
	wb_plot_add_int(job, "nfiles", (long)s->nfiles);
	wb_plot_unstable_var(job, "hollow bars");
	job->has_data = n > 0;
	return wb_plot_close_tsv(f);
}

static struct table *table_new(const struct plot_set *s)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t)
		t->val = calloc(WB_PLOT_MAX_ROWS * s->nfiles, sizeof(*t->val));
	if (t && !t->val) {
		free(t);
		t = NULL;
	}
	return t;
}

static void table_free(struct table *t)
{
	if (t)
		free(t->val);
	free(t);
}

/* the name without its kernel prefix: "stride:2M/page_size:4K" */
static const char *short_name(const struct wb_rbench *b)
{
	size_t k = strlen(b->kernel);

	if (k && !strncmp(b->name, b->kernel, k) && b->name[k] == '/')
		return b->name + k + 1;
	return b->name;
}

/* The job's y of @b: its median over processes, or 1e9 / that of y_ns */
static int bar_value(const struct plot_job *job, const struct wb_rbench *b,
		     struct wb_plot_pt *p)
{
	const struct wb_plot_hint *h = job->hint;
	double lo;

	if (!wb_plot_point(b, h->y, p))
		return 0;
	if (h->y_ns && !wb_plot_point(b, h->y_ns, p) && p->lo > 0) {
		p->y = 1e9 / p->y;
		lo = 1e9 / p->hi;
		p->hi = 1e9 / p->lo;
		p->lo = lo;
		return 0;
	}
	return -ENOENT;
}

/* A bar per value of the x parameter, sorted by it. */
static int bars_by_value(const struct plot_set *s, struct plot_job *job,
			 struct table *t)
{
	const char *x = job->hint->x;

	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			const char *label = wb_jstr(b->params, x);
			double key = (double)i;
			struct wb_plot_pt v;
			long row;

			if (!wb_plot_picks(job, b) || bar_value(job, b, &v))
				continue;
			wb_plot_count(job, b->name, v.unstable, v.modes);
			wb_plot_param_num(b->kernel, b->params, x, &key);
			row = table_row(t, s, *label ? label : short_name(b),
					key);
			if (row >= 0)
				*cell(t, s, (size_t)row, f) = v;
		}
	}
	return t->n ? table_write(t, s, job, x, true) : 0;
}

/* The kernel of every benchmark the job picks, or NULL when there are
 * several */
static const char *one_kernel(const struct plot_set *s,
			      const struct plot_job *job)
{
	const char *k = NULL;

	for (size_t f = 0; f < s->nfiles; f++)
		for (size_t i = 0; i < s->files[f].nb; i++) {
			const struct wb_rbench *b = &s->files[f].b[i];

			if (!wb_plot_picks(job, b))
				continue;
			if (k && strcmp(k, b->kernel))
				return NULL;
			k = b->kernel;
		}
	return k;
}

/* A bar per benchmark, in file order. */
static int bars_by_benchmark(const struct plot_set *s, struct plot_job *job,
			     struct table *t)
{
	const char *one = one_kernel(s, job);
	char xlab[160];

	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			struct wb_plot_pt v;
			long row;

			if (!wb_plot_picks(job, b) || bar_value(job, b, &v))
				continue;
			wb_plot_count(job, b->name, v.unstable, v.modes);
			/* the kernel goes in the axis label when there is one */
			row = table_row(t, s, one ? short_name(b) : b->name,
					(double)i);
			if (row >= 0)
				*cell(t, s, (size_t)row, f) = v;
		}
	}
	if (!t->n)
		return 0;
	snprintf(xlab, sizeof(xlab), "%s%s", one ? one : "benchmark",
		 one ? " parameters" : "");
	wb_plot_add_var(job, "xlab", xlab);
	return table_write(t, s, job, "benchmark", false);
}

int wb_plot_bars(const struct plot_set *s, struct plot_job *job)
{
	struct table *t = table_new(s);
	int err;

	if (!t)
		return -ENOMEM;
	err = job->hint->x ? bars_by_value(s, job, t)
			   : bars_by_benchmark(s, job, t);
	table_free(t);
	return err;
}
