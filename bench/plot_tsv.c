// SPDX-License-Identifier: MIT
/*
 * Results -> TSV for each plot. Each writer picks the benchmarks it plots
 * (by suite and kernel names, see plots/README.md), reduces repetitions to
 * medians and quartiles, and leaves has_data false when the input has none.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "plot.h"
#include "stats.h"

#define MAX_SERIES 64
#define MAX_ROWS 512

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
static int param_num(const json_t *params, const char *key, double *out)
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

static FILE *open_tsv(const struct plot_set *s, const char *name, char *path,
		      size_t len)
{
	snprintf(path, len, "%s/%s.tsv", s->dir, name);
	return fopen(path, "w");
}

static int close_tsv(FILE *f)
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

static void add_var(struct plot_job *job, const char *name, const char *val)
{
	wb_plot_var(job->vars, sizeof(job->vars), name, val);
}

static void add_int(struct plot_job *job, const char *name, long v)
{
	size_t used = strlen(job->vars);

	snprintf(job->vars + used, sizeof(job->vars) - used, "%s=%ld; ", name,
		 v);
}

struct pt {
	double x, y, lo, hi;
};

static int cmp_pt(const void *a, const void *b)
{
	double x = ((const struct pt *)a)->x, y = ((const struct pt *)b)->x;

	return (x > y) - (x < y);
}

/* ---- TLB reach ---------------------------------------------------- */

struct tlb_series {
	size_t file;
	const char *page_size;
	struct pt p[MAX_ROWS];
	size_t n;
	double l1, l2; /* predicted reach in pages, NAN when absent */
};

static double prediction(const json_t *instance, const char *quantity)
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

static struct tlb_series *tlb_series_for(struct tlb_series *ser, size_t *ns,
					 size_t file, const char *ps)
{
	for (size_t i = 0; i < *ns; i++)
		if (ser[i].file == file && !strcmp(ser[i].page_size, ps))
			return &ser[i];
	if (*ns >= MAX_SERIES)
		return NULL;
	ser[*ns] = (struct tlb_series){
		.file = file, .page_size = ps, .l1 = NAN, .l2 = NAN
	};
	return &ser[(*ns)++];
}

static int tlb_collect(const struct plot_set *s, struct tlb_series *ser,
		       size_t *ns)
{
	*ns = 0;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_results *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			struct tlb_series *t;
			struct pt p;
			double v;

			if (strcmp(b->kernel, "tlb_reach") ||
			    param_num(b->params, "pages", &p.x) ||
			    wb_plot_stat(b, "ns_per_access", &p.y, &p.lo,
					 &p.hi))
				continue;
			t = tlb_series_for(ser, ns, f,
					   wb_jstr(b->params, "page_size"));
			if (!t || t->n >= MAX_ROWS)
				continue;
			t->p[t->n++] = p;
			v = prediction(b->instance, "l1_dtlb_reach_pages");
			if (isnan(t->l1))
				t->l1 = v;
			v = prediction(b->instance, "l2_tlb_reach_pages");
			if (isnan(t->l2))
				t->l2 = v;
		}
	}
	for (size_t i = 0; i < *ns; i++)
		qsort(ser[i].p, ser[i].n, sizeof(ser[i].p[0]), cmp_pt);
	return 0;
}

static int write_knees(const struct plot_set *s, struct tlb_series *ser,
		       size_t ns, struct plot_job *job)
{
	char path[4096];
	FILE *f = open_tsv(s, "tlb_reach_knees", path, sizeof(path));
	double xs[MAX_ROWS];
	size_t nk_all = 0;
	int err = 0;

	if (!f)
		return -errno;
	fprintf(f, "pages\tns\tlabel\n");
	for (size_t i = 0; i < ns && !err; i++) {
		double y[MAX_ROWS];
		size_t idx[8], nk;

		for (size_t k = 0; k < ser[i].n; k++)
			y[k] = ser[i].p[k].y;
		/* a series with a zero time has no knee to find */
		if (wb_knees(y, ser[i].n, idx, 8, &nk))
			continue;
		for (size_t k = 0; k < nk && nk_all < MAX_ROWS; k++) {
			double x = ser[i].p[idx[k]].x;
			bool seen = false;

			/* one label per x: overlaid files often agree */
			for (size_t j = 0; j < nk_all; j++)
				seen |= xs[j] == x;
			fprintf(f, "%.10g\t%.10g\t", x, ser[i].p[idx[k]].y);
			if (!seen)
				fprintf(f, "%.0f", x);
			fputc('\n', f);
			xs[nk_all++] = x;
		}
	}
	err = close_tsv(f);
	add_var(job, "knees", path);
	add_int(job, "has_knees", nk_all > 0);
	return err;
}

static int write_model(const struct plot_set *s, struct tlb_series *ser,
		       size_t ns, struct plot_job *job)
{
	char path[4096], lab[MAX_SERIES * 2][96];
	FILE *f = open_tsv(s, "tlb_reach_model", path, sizeof(path));
	double top = 0;
	size_t n = 0;

	if (!f)
		return -errno;
	for (size_t i = 0; i < ns; i++)
		for (size_t k = 0; k < ser[i].n; k++)
			top = fmax(top, ser[i].p[k].hi);
	fprintf(f, "pages\ty_low\ty_high\tlabel\n");
	for (size_t i = 0; i < ns; i++) {
		const double v[2] = { ser[i].l1, ser[i].l2 };
		const char *what[2] = { "L1 dTLB", "L2 TLB" };

		for (int l = 0; l < 2; l++) {
			bool seen = false;

			if (!(v[l] > 0))
				continue;
			/* files predicting the same reach share one line */
			snprintf(lab[n], sizeof(lab[0]), "%s %s: %.0f", what[l],
				 ser[i].page_size, v[l]);
			for (size_t j = 0; j < n; j++)
				seen |= !strcmp(lab[j], lab[n]);
			if (seen)
				continue;
			fprintf(f, "%.10g\t0\t%.10g\t%s\n", v[l], top * 1.05,
				lab[n]);
			n++;
		}
	}
	add_var(job, "model", path);
	add_int(job, "has_model", n > 0);
	return close_tsv(f);
}

static int tlb_write(const struct plot_set *s, struct plot_job *job)
{
	struct tlb_series *ser = calloc(MAX_SERIES, sizeof(*ser));
	char path[4096], lab[160];
	size_t ns;
	FILE *f;
	int err;

	if (!ser)
		return -ENOMEM;
	err = tlb_collect(s, ser, &ns);
	if (err || !ns)
		goto out;
	f = open_tsv(s, job->name, path, sizeof(path));
	if (!f) {
		err = -errno;
		goto out;
	}
	for (size_t i = 0; i < ns; i++) {
		wb_plot_series(s, ser[i].file,
			       *ser[i].page_size ? ser[i].page_size : "pages",
			       lab, sizeof(lab));
		fprintf(f, "%spages\t%s\tns_q25\tns_q75\n", i ? "\n\n" : "",
			lab);
		for (size_t k = 0; k < ser[i].n; k++)
			fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\n",
				ser[i].p[k].x, ser[i].p[k].y, ser[i].p[k].lo,
				ser[i].p[k].hi);
	}
	err = close_tsv(f);
	job->extra[0] = "tlb_reach_knees";
	job->extra[1] = "tlb_reach_model";
	if (!err)
		err = write_knees(s, ser, ns, job);
	if (!err)
		err = write_model(s, ser, ns, job);
	job->has_data = !err;
out:
	free(ser);
	return err;
}

/* ---- bar charts: one row per label, one column per file ------------ */

struct table {
	char label[MAX_ROWS][128];
	double key[MAX_ROWS]; /* sort key */
	double *val; /* MAX_ROWS x nfiles */
	size_t n;
};

static double *cell(struct table *t, const struct plot_set *s, size_t row,
		    size_t file)
{
	return &t->val[row * s->nfiles + file];
}

static long table_row(struct table *t, const struct plot_set *s,
		      const char *label, double key)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->label[i], label))
			return (long)i;
	if (t->n >= MAX_ROWS)
		return -1;
	snprintf(t->label[t->n], sizeof(t->label[0]), "%s", label);
	t->key[t->n] = key;
	for (size_t f = 0; f < s->nfiles; f++)
		*cell(t, s, t->n, f) = NAN;
	return (long)t->n++;
}

static int table_write(struct table *t, const struct plot_set *s,
		       struct plot_job *job, const char *first_col, bool sort)
{
	char path[4096];
	size_t order[MAX_ROWS];
	FILE *f;

	for (size_t i = 0; i < t->n; i++)
		order[i] = i;
	/* insertion sort by key; rows with equal keys keep their order */
	for (size_t i = 1; sort && i < t->n; i++)
		for (size_t j = i;
		     j > 0 && t->key[order[j - 1]] > t->key[order[j]]; j--) {
			size_t tmp = order[j];

			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	f = open_tsv(s, job->name, path, sizeof(path));
	if (!f)
		return -errno;
	fprintf(f, "%s", first_col);
	for (size_t k = 0; k < s->nfiles; k++)
		fprintf(f, "\t%s", s->nfiles > 1 ? s->labels[k] : "median");
	fputc('\n', f);
	for (size_t i = 0; i < t->n; i++) {
		fprintf(f, "%s", t->label[order[i]]);
		for (size_t k = 0; k < s->nfiles; k++)
			fprintf(f, "\t%.10g", *cell(t, s, order[i], k));
		fputc('\n', f);
	}
	add_int(job, "ncols", (long)s->nfiles + 1);
	job->has_data = t->n > 0;
	return close_tsv(f);
}

static struct table *table_new(const struct plot_set *s)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t)
		t->val = calloc(MAX_ROWS * s->nfiles, sizeof(*t->val));
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

static int walk_write(const struct plot_set *s, struct plot_job *job)
{
	struct table *t = table_new(s);
	int err = 0;

	if (!t)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_results *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			const char *stride = wb_jstr(b->params, "stride");
			double med, q1, q3, key = (double)i;
			long row;

			if (strcmp(b->kernel, "walk_depth") ||
			    wb_plot_stat(b, "ns_per_access", &med, &q1, &q3))
				continue;
			param_num(b->params, "stride", &key);
			row = table_row(t, s, *stride ? stride : short_name(b),
					key);
			if (row >= 0)
				*cell(t, s, (size_t)row, f) = med;
		}
	}
	if (t->n)
		err = table_write(t, s, job, "stride", true);
	table_free(t);
	return err;
}

/* The kernel of every benchmark of @suite, or NULL when there are several */
static const char *one_kernel(const struct plot_set *s, const char *suite)
{
	const char *k = NULL;

	for (size_t f = 0; f < s->nfiles; f++)
		for (size_t i = 0; i < s->files[f].nb; i++) {
			const struct wb_rbench *b = &s->files[f].b[i];

			if (strcmp(b->suite, suite))
				continue;
			if (k && strcmp(k, b->kernel))
				return NULL;
			k = b->kernel;
		}
	return k;
}

static int cow_write(const struct plot_set *s, struct plot_job *job)
{
	struct table *t = table_new(s);
	const char *one = one_kernel(s, "cow");
	char xlab[160];
	int err = 0;

	if (!t)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_results *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			double med, q1, q3, rate;
			long row;

			if (strcmp(b->suite, "cow"))
				continue;
			if (!wb_plot_stat(b, "faults_per_s", &med, &q1, &q3))
				rate = med;
			else if (!wb_plot_stat(b, "ns_per_fault", &med, &q1,
					       &q3) &&
				 med > 0)
				rate = 1e9 / med;
			else
				continue;
			/* the kernel goes in the axis label when there is one */
			row = table_row(t, s, one ? short_name(b) : b->name,
					(double)i);
			if (row >= 0)
				*cell(t, s, (size_t)row, f) = rate;
		}
	}
	if (t->n) {
		snprintf(xlab, sizeof(xlab), "%s%s", one ? one : "benchmark",
			 one ? " parameters" : "");
		add_var(job, "xlab", xlab);
		err = table_write(t, s, job, "benchmark", false);
	}
	table_free(t);
	return err;
}

/* ---- line plots over blocks: huge speed-up, shared page tables ----- */

struct block {
	char label[160];
	struct pt p[MAX_ROWS];
	size_t n;
};

static struct block *block_for(struct block *bl, size_t *nb, const char *label)
{
	for (size_t i = 0; i < *nb; i++)
		if (!strcmp(bl[i].label, label))
			return &bl[i];
	if (*nb >= MAX_SERIES)
		return NULL;
	snprintf(bl[*nb].label, sizeof(bl[0].label), "%s", label);
	bl[*nb].n = 0;
	return &bl[(*nb)++];
}

static int blocks_write(const struct plot_set *s, struct plot_job *job,
			struct block *bl, size_t nb, const char *xcol,
			const char *col3)
{
	char path[4096];
	FILE *f;

	f = open_tsv(s, job->name, path, sizeof(path));
	if (!f)
		return -errno;
	for (size_t i = 0; i < nb; i++) {
		qsort(bl[i].p, bl[i].n, sizeof(bl[i].p[0]), cmp_pt);
		fprintf(f, "%s%s\t%s", i ? "\n\n" : "", xcol, bl[i].label);
		if (col3)
			fprintf(f, "\t%s %s", bl[i].label, col3);
		fputc('\n', f);
		for (size_t k = 0; k < bl[i].n; k++) {
			fprintf(f, "%.10g\t%.10g", bl[i].p[k].x, bl[i].p[k].y);
			if (col3)
				fprintf(f, "\t%.10g", bl[i].p[k].lo);
			fputc('\n', f);
		}
	}
	job->has_data = nb > 0;
	return close_tsv(f);
}

/* The parameter giving the working-set size: a preferred name, else the
 * first numeric parameter other than the page size. */
static const char *ws_param(const json_t *params)
{
	static const char *const pref[] = { "bytes",	  "size",
					    "ws_bytes",	  "working_set",
					    "size_bytes", "pages" };
	const char *key;
	json_t *v;
	double x;

	for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++)
		if (!param_num(params, pref[i], &x))
			return pref[i];
	json_object_foreach((json_t *)params, key, v) {
		if (strcmp(key, "page_size") && !param_num(params, key, &x))
			return key;
	}
	return NULL;
}

/* same kernel, same parameters except page_size, which is 4K */
static const struct wb_rbench *base_partner(const struct wb_results *r,
					    const struct wb_rbench *h)
{
	for (size_t i = 0; i < r->nb; i++) {
		const struct wb_rbench *b = &r->b[i];
		const char *key;
		json_t *v;
		bool same;

		if (strcmp(b->kernel, h->kernel) ||
		    strcmp(wb_jstr(b->params, "page_size"), "4K") ||
		    json_object_size(b->params) != json_object_size(h->params))
			continue;
		same = true;
		json_object_foreach(h->params, key, v) {
			if (strcmp(key, "page_size") &&
			    !json_equal(v, json_object_get(b->params, key)))
				same = false;
		}
		if (same)
			return b;
	}
	return NULL;
}

static int huge_write(const struct plot_set *s, struct plot_job *job)
{
	struct block *bl = calloc(MAX_SERIES, sizeof(*bl));
	const char *xname = NULL;
	char lab[160], suffix[128], xlab[160];
	size_t nb = 0;
	int err = 0;

	if (!bl)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_results *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *h = &r->b[i], *b;
			const char *ps = wb_jstr(h->params, "page_size"), *ws;
			double mh, mb, q1, q3, x;
			struct block *blk;

			if (strcmp(h->suite, "huge") || !*ps ||
			    !strcmp(ps, "4K"))
				continue;
			b = base_partner(r, h);
			ws = ws_param(h->params);
			if (!b || !ws || param_num(h->params, ws, &x) ||
			    wb_plot_stat(h, "ns_per_access", &mh, &q1, &q3) ||
			    wb_plot_stat(b, "ns_per_access", &mb, &q1, &q3) ||
			    !(mh > 0))
				continue;
			if (!xname)
				xname = ws;
			/* bytes read better in MiB */
			if (strstr(ws, "bytes") || !strcmp(ws, "size"))
				x /= 1048576;
			snprintf(suffix, sizeof(suffix), "%s %s vs 4K",
				 h->kernel, ps);
			wb_plot_series(s, f, suffix, lab, sizeof(lab));
			blk = block_for(bl, &nb, lab);
			if (blk && blk->n < MAX_ROWS)
				blk->p[blk->n++] = (struct pt){ .x = x,
								.y = mb / mh };
		}
	}
	if (nb) {
		snprintf(xlab, sizeof(xlab), "working set (%s, log2 scale)",
			 strstr(xname, "bytes") || !strcmp(xname, "size")
				 ? "MiB"
				 : xname);
		add_var(job, "xlab", xlab);
		err = blocks_write(s, job, bl, nb,
				   strstr(xlab, "MiB") ? "MiB" : xname, NULL);
	}
	free(bl);
	return err;
}

/* The fact holding page-table bytes, and the prediction of it. */
static const char *pt_fact(const json_t *facts)
{
	static const char *const pref[] = { "vmpte_bytes", "pt_bytes",
					    "vmpte_delta_bytes" };
	const char *key;
	json_t *v;

	for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++)
		if (json_is_number(json_object_get(facts, pref[i])))
			return pref[i];
	json_object_foreach((json_t *)facts, key, v) {
		if (json_is_number(v) &&
		    (strstr(key, "vmpte") || strstr(key, "pt_bytes")))
			return key;
	}
	return NULL;
}

static double pt_model(const json_t *instance, const char *fact)
{
	json_t *items = json_object_get(json_object_get(instance, "prediction"),
					"items"),
	       *it;
	double v = prediction(instance, fact);
	size_t i;

	if (!isnan(v))
		return v;
	json_array_foreach(items, i, it) {
		const char *q = wb_jstr(it, "quantity");

		if (strstr(q, "vmpte") || strstr(q, "pt_bytes"))
			return wb_jnum(it, "value");
	}
	return NAN;
}

static int shared_write(const struct plot_set *s, struct plot_job *job)
{
	static const char *const procs[] = { "procs", "processes", "nprocs",
					     "nproc" };
	struct block *bl = calloc(MAX_SERIES, sizeof(*bl));
	char lab[160], suffix[128];
	size_t nb = 0;
	int err = 0;

	if (!bl)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_results *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			json_t *facts = json_object_get(b->instance, "facts");
			const char *fact = pt_fact(facts);
			struct block *blk;
			double x = NAN;

			if (strcmp(b->suite, "shared") || !fact)
				continue;
			for (size_t k = 0; k < 4 && isnan(x); k++)
				if (param_num(b->params, procs[k], &x))
					x = NAN;
			if (isnan(x))
				continue;
			snprintf(suffix, sizeof(suffix), "%s %s", b->kernel,
				 wb_jstr(b->params, "page_size"));
			wb_plot_series(s, f, suffix, lab, sizeof(lab));
			blk = block_for(bl, &nb, lab);
			if (blk && blk->n < MAX_ROWS)
				blk->p[blk->n++] = (struct pt){
					.x = x,
					.y = wb_jnum(facts, fact),
					.lo = pt_model(b->instance, fact),
				};
		}
	}
	if (nb)
		err = blocks_write(s, job, bl, nb, "procs", "(model)");
	free(bl);
	return err;
}

const struct plot_kind wb_plot_kinds[] = {
	{ "tlb_reach", "TLB reach",
	  "Median time per access against pages touched, one line per page "
	  "size; circles mark detected knees, dashed lines the model's "
	  "predicted TLB reach.",
	  tlb_write },
	{ "walk_depth", "Page-walk depth",
	  "Median time per access for each stride (kernel walk_depth).",
	  walk_write },
	{ "huge_speedup", "Huge vs base pages",
	  "Base-page time divided by huge-page time on the same pattern, "
	  "against working-set size (suite huge).",
	  huge_write },
	{ "cow_faults", "Fault rates",
	  "Page faults per second, median over repetitions (suite cow).",
	  cow_write },
	{ "shared_pt", "Shared mappings: page-table memory",
	  "Page-table bytes against processes sharing one region, measured "
	  "(solid) and predicted by the model (dashed).",
	  shared_write },
};
const size_t wb_plot_nkinds = sizeof(wb_plot_kinds) / sizeof(wb_plot_kinds[0]);
