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
	/* the time per MiB mapped and the faults per MiB it comes from,
	 * beside each value (hint faults and mapped_bytes) */
	struct wb_plot_pt *mib;
	double *fpm;
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
	for (size_t f = 0; f < s->nfiles; f++) {
		size_t c = t->n * s->nfiles + f;

		t->val[c] =
			(struct wb_plot_pt){ .y = NAN, .lo = NAN, .hi = NAN };
		t->mib[c] = t->val[c];
		t->fpm[c] = NAN;
	}
	return (long)t->n++;
}

/* The longest row label, in characters: the script makes room for it */
static void label_width(const struct table *t, struct plot_job *job)
{
	size_t w = 0;

	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->label[i]) > w)
			w = strlen(t->label[i]);
	wb_plot_add_int(job, "labw", (long)w);
	wb_plot_add_int(job, "nrows", (long)t->n);
}

/*
 * DIR/<name>_per_mib.tsv, rows in @order: per file the time per MiB mapped
 * (us; median, min, max over processes), stable and modes as in the main
 * table, then per file the faults per MiB it comes from.
 */
static int mib_write(struct table *t, const struct plot_set *s,
		     struct plot_job *job, const size_t *order)
{
	char path[4096];
	size_t have = 0;
	FILE *f;

	for (size_t i = 0; i < t->n * s->nfiles; i++)
		have += isfinite(t->mib[i].y);
	if (!have) {
		wb_plot_note(job,
			     "time per MiB mapped: not drawn, no benchmark's "
			     "instance records the facts %s and %s (files "
			     "written before walkbench recorded them)",
			     job->hint->faults, job->hint->mapped_bytes);
		return 0;
	}
	snprintf(job->extra_name[0], sizeof(job->extra_name[0]), "%s_per_mib",
		 job->name);
	job->extra[0] = job->extra_name[0];
	f = wb_plot_open_tsv(s, job->extra_name[0], path, sizeof(path));
	if (!f)
		return -errno;
	fprintf(f, "benchmark");
	for (size_t k = 0; k < s->nfiles; k++) {
		const char *l = s->nfiles > 1 ? s->labels[k] : "us_per_mib";

		fprintf(f, "\t%s\t%s min\t%s max\t%s stable\t%s modes", l, l, l,
			l, l);
	}
	for (size_t k = 0; k < s->nfiles; k++)
		fprintf(f, "\t%s%sfaults_per_mib",
			s->nfiles > 1 ? s->labels[k] : "",
			s->nfiles > 1 ? " " : "");
	fputc('\n', f);
	for (size_t i = 0; i < t->n; i++) {
		fprintf(f, "%s", t->label[order[i]]);
		for (size_t k = 0; k < s->nfiles; k++) {
			const struct wb_plot_pt *p =
				&t->mib[order[i] * s->nfiles + k];

			fprintf(f, "\t%.10g\t%.10g\t%.10g\t%d\t%s", p->y, p->lo,
				p->hi, !p->unstable,
				p->unstable ? p->modes : "");
		}
		for (size_t k = 0; k < s->nfiles; k++)
			fprintf(f, "\t%.10g", t->fpm[order[i] * s->nfiles + k]);
		fputc('\n', f);
	}
	wb_plot_var(job->vars, sizeof(job->vars), "mibtsv", path);
	return wb_plot_close_tsv(f);
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
	label_width(t, job);
	wb_plot_add_int(job, "nfiles", (long)s->nfiles);
	wb_plot_unstable_var(job, "hollow bars");
	job->has_data = n > 0;
	if (wb_plot_close_tsv(f))
		return -errno;
	return job->hint->faults ? mib_write(t, s, job, order) : 0;
}

static void table_free(struct table *t)
{
	if (t) {
		free(t->val);
		free(t->mib);
		free(t->fpm);
	}
	free(t);
}

static struct table *table_new(const struct plot_set *s)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->val = calloc(WB_PLOT_MAX_ROWS * s->nfiles, sizeof(*t->val));
	t->mib = calloc(WB_PLOT_MAX_ROWS * s->nfiles, sizeof(*t->mib));
	t->fpm = calloc(WB_PLOT_MAX_ROWS * s->nfiles, sizeof(*t->fpm));
	if (!t->val || !t->mib || !t->fpm) {
		table_free(t);
		t = NULL;
	}
	return t;
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

/*
 * The time per MiB mapped of @b (us): its time per fault times the faults
 * per MiB its instance counted (the facts the hint names: the timed work's
 * faults over the bytes they mapped), so that a 2 MiB fault compares with
 * 512 4K faults. -ENOENT when a fact is missing (files written before they
 * were recorded): no number rather than one made from the page size, which
 * a fault need not map (a THP's copy-on-write copies 4K pages).
 */
static int mib_value(const struct plot_job *job, const struct wb_rbench *b,
		     struct wb_plot_pt *p, double *fpm)
{
	const struct wb_plot_hint *h = job->hint;
	json_t *facts = json_object_get(b->instance, "facts");
	json_t *nf = json_object_get(facts, h->faults);
	json_t *nb = json_object_get(facts, h->mapped_bytes);
	double k;

	if (!json_is_number(nf) || !json_is_number(nb) ||
	    json_number_value(nb) <= 0 || json_number_value(nf) <= 0 ||
	    !h->y_ns || wb_plot_point(b, h->y_ns, p))
		return -ENOENT;
	*fpm = json_number_value(nf) / (json_number_value(nb) / 1048576.0);
	k = *fpm / 1000.0; /* ns per fault -> us per MiB */
	p->y *= k;
	p->lo *= k;
	p->hi *= k;
	return 0;
}

/* Both values of @b into row @row, file @f */
static void table_put(struct table *t, const struct plot_set *s, long row,
		      size_t f, const struct plot_job *job,
		      const struct wb_rbench *b, const struct wb_plot_pt *v)
{
	size_t c;

	if (row < 0)
		return;
	c = (size_t)row * s->nfiles + f;
	t->val[c] = *v;
	if (job->hint->faults && mib_value(job, b, &t->mib[c], &t->fpm[c]))
		t->mib[c] =
			(struct wb_plot_pt){ .y = NAN, .lo = NAN, .hi = NAN };
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
			table_put(t, s, row, f, job, b, &v);
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

/* Whether @name ("kernel/k:v/k:v") has the part @tok after its kernel */
static bool has_part(const char *name, const char *tok, size_t len)
{
	for (const char *p = strchr(name, '/'); p; p = strchr(p + 1, '/'))
		if (!strncmp(p + 1, tok, len) &&
		    (p[1 + len] == '/' || !p[1 + len]))
			return true;
	return false;
}

/* Whether every benchmark of @kernel the job draws, in every file, has the
 * part @tok, and they are not all one benchmark: then it tells no row
 * apart */
static bool part_shared(const struct plot_set *s, const struct plot_job *job,
			const char *kernel, const char *tok, size_t len)
{
	const char *first = NULL;
	bool several = false;

	for (size_t f = 0; f < s->nfiles; f++)
		for (size_t i = 0; i < s->files[f].nb; i++) {
			const struct wb_rbench *b = &s->files[f].b[i];

			if (!wb_plot_picks(job, b) || strcmp(b->kernel, kernel))
				continue;
			if (!has_part(b->name, tok, len))
				return false;
			if (!first)
				first = b->name;
			else if (strcmp(first, b->name))
				several = true;
		}
	return several;
}

/*
 * The row label of @b: its name (without the kernel when @one) less the
 * parameters every row of its kernel shares, which go once into @same
 * ("demand_zero mib:16; ..."), so that labels stay short enough to be
 * written in full.
 */
static void row_label(const struct plot_set *s, const struct plot_job *job,
		      const struct wb_rbench *b, bool one, char *buf,
		      size_t len, char *same, size_t slen)
{
	const char *p = strchr(b->name, '/');
	size_t used;

	snprintf(buf, len, "%s", one || !p ? "" : b->kernel);
	if (!p) {
		snprintf(buf, len, "%s", b->name);
		return;
	}
	while (p) {
		const char *tok = p + 1, *end = strchr(tok, '/');
		size_t n = end ? (size_t)(end - tok) : strlen(tok);
		char item[160];

		p = end;
		if (part_shared(s, job, b->kernel, tok, n)) {
			snprintf(item, sizeof(item), "%s %.*s", b->kernel,
				 (int)n, tok);
			used = strlen(same);
			if (!strstr(same, item))
				snprintf(same + used, slen - used, "%s%s",
					 used ? "; " : "", item);
			continue;
		}
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%.*s", used ? "/" : "",
			 (int)n, tok);
	}
	if (!*buf) /* every part shared: one benchmark per kernel */
		snprintf(buf, len, "%s", one ? short_name(b) : b->name);
}

/* A bar per benchmark, in file order. */
static int bars_by_benchmark(const struct plot_set *s, struct plot_job *job,
			     struct table *t)
{
	const char *one = one_kernel(s, job);
	char xlab[160], label[128], same[512] = "";

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
			row_label(s, job, b, one, label, sizeof(label), same,
				  sizeof(same));
			row = table_row(t, s, label, (double)i);
			table_put(t, s, row, f, job, b, &v);
		}
	}
	if (!t->n)
		return 0;
	snprintf(xlab, sizeof(xlab), "%s%s", one ? one : "benchmark",
		 one ? " parameters" : "");
	wb_plot_add_var(job, "xlab", xlab);
	if (*same)
		wb_plot_add_var(job, "same", same);
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
