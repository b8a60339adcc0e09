// SPDX-License-Identifier: MIT
/* Line plots in blocks, one per series: huge-page speed-up, shared page
 * tables. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

struct block {
	char label[160];
	struct wb_plot_pt p[WB_PLOT_MAX_ROWS];
	size_t n;
};

static struct block *block_for(struct block *bl, size_t *nb, const char *label)
{
	for (size_t i = 0; i < *nb; i++)
		if (!strcmp(bl[i].label, label))
			return &bl[i];
	if (*nb >= WB_PLOT_MAX_SERIES)
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

	f = wb_plot_open_tsv(s, job->name, path, sizeof(path));
	if (!f)
		return -errno;
	for (size_t i = 0; i < nb; i++) {
		qsort(bl[i].p, bl[i].n, sizeof(bl[i].p[0]), wb_plot_cmp_pt);
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
	return wb_plot_close_tsv(f);
}

/* The parameter giving the working-set size: a preferred name, else the
 * first numeric parameter other than the page size. */
static const char *ws_param(const json_t *params)
{
	static const char *const pref[] = { "bytes",	  "size",
					    "ws_bytes",	  "working_set",
					    "size_bytes", "ws",
					    "pages" };
	const char *key;
	json_t *v;
	double x;

	for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++)
		if (!wb_plot_param_num(params, pref[i], &x))
			return pref[i];
	json_object_foreach((json_t *)params, key, v) {
		if (strcmp(key, "page_size") && strcmp(key, "backing") &&
		    !wb_plot_param_num(params, key, &x))
			return key;
	}
	return NULL;
}

/*
 * What backs an instance's pages: a "page_size" parameter ("4K" is base
 * pages) or huge_access's numbered "backing" (1 is base pages). Returns
 * the parameter's name, or NULL when neither is there.
 */
static const char *backing_of(const json_t *params, const char **label,
			      bool *base)
{
	static const char *const names[] = { "?",	   "4K",
					     "THP",	   "THP always",
					     "hugetlb 2M", "hugetlb 1G" };
	const char *ps = wb_jstr(params, "page_size");
	double b;

	if (*ps) {
		*label = ps;
		*base = !strcmp(ps, "4K");
		return "page_size";
	}
	if (!wb_plot_param_num(params, "backing", &b) && b >= 1 && b <= 5) {
		*label = names[(int)b];
		*base = (int)b == 1;
		return "backing";
	}
	return NULL;
}

/* same kernel, same parameters except what backs the pages: base pages */
static const struct wb_rbench *base_partner(const struct wb_rfile *r,
					    const struct wb_rbench *h,
					    const char *vkey)
{
	for (size_t i = 0; i < r->nb; i++) {
		const struct wb_rbench *b = &r->b[i];
		const char *key, *lab;
		json_t *v;
		bool same, base;

		if (strcmp(b->kernel, h->kernel) ||
		    !backing_of(b->params, &lab, &base) || !base ||
		    json_object_size(b->params) != json_object_size(h->params))
			continue;
		same = true;
		json_object_foreach(h->params, key, v) {
			if (strcmp(key, vkey) &&
			    !json_equal(v, json_object_get(b->params, key)))
				same = false;
		}
		if (same)
			return b;
	}
	return NULL;
}

int wb_plot_huge(const struct plot_set *s, struct plot_job *job)
{
	struct block *bl = calloc(WB_PLOT_MAX_SERIES, sizeof(*bl));
	const char *xname = NULL;
	char lab[160], suffix[128], xlab[160];
	size_t nb = 0;
	int err = 0;

	if (!bl)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *h = &r->b[i], *b;
			const char *ps = NULL, *ws, *vkey;
			double mh, mb, q1, q3, x, pat;
			struct block *blk;
			bool base = true;

			vkey = backing_of(h->params, &ps, &base);
			if (strcmp(h->suite, "huge") || !vkey || base)
				continue;
			b = base_partner(r, h, vkey);
			ws = ws_param(h->params);
			if (!b || !ws || wb_plot_param_num(h->params, ws, &x) ||
			    wb_plot_stat(h, "ns_per_access", &mh, &q1, &q3) ||
			    wb_plot_stat(b, "ns_per_access", &mb, &q1, &q3) ||
			    !(mh > 0))
				continue;
			if (!xname)
				xname = ws;
			/* bytes read better in MiB */
			if (strstr(ws, "bytes") || !strcmp(ws, "size") ||
			    !strcmp(ws, "ws"))
				x /= 1048576;
			/* huge_access times a chase (1) and a scan (2):
			 * separate lines */
			if (!wb_plot_param_num(h->params, "pattern", &pat))
				snprintf(suffix, sizeof(suffix),
					 "%s %s %s vs 4K", h->kernel,
					 pat == 2 ? "scan" : "chase", ps);
			else
				snprintf(suffix, sizeof(suffix), "%s %s vs 4K",
					 h->kernel, ps);
			wb_plot_series(s, f, suffix, lab, sizeof(lab));
			blk = block_for(bl, &nb, lab);
			if (blk && blk->n < WB_PLOT_MAX_ROWS)
				blk->p[blk->n++] = (struct wb_plot_pt){
					.x = x, .y = mb / mh
				};
		}
	}
	if (nb) {
		snprintf(xlab, sizeof(xlab), "working set (%s, log2 scale)",
			 strstr(xname, "bytes") || !strcmp(xname, "size") ||
					 !strcmp(xname, "ws")
				 ? "MiB"
				 : xname);
		wb_plot_add_var(job, "xlab", xlab);
		err = blocks_write(s, job, bl, nb,
				   strstr(xlab, "MiB") ? "MiB" : xname, NULL);
	}
	free(bl);
	return err;
}

/* The fact holding page-table bytes, and the wb_plot_prediction of it. */
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
	double v = wb_plot_prediction(instance, fact);
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

int wb_plot_shared(const struct plot_set *s, struct plot_job *job)
{
	static const char *const procs[] = { "procs", "processes", "nprocs",
					     "nproc" };
	struct block *bl = calloc(WB_PLOT_MAX_SERIES, sizeof(*bl));
	char lab[160], suffix[128];
	size_t nb = 0;
	int err = 0;

	if (!bl)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			json_t *facts = json_object_get(b->instance, "facts");
			const char *fact = pt_fact(facts);
			struct block *blk;
			double x = NAN;

			if (strcmp(b->suite, "shared") || !fact)
				continue;
			for (size_t k = 0; k < 4 && isnan(x); k++)
				if (wb_plot_param_num(b->params, procs[k], &x))
					x = NAN;
			if (isnan(x))
				continue;
			snprintf(suffix, sizeof(suffix), "%s %s", b->kernel,
				 wb_jstr(b->params, "page_size"));
			wb_plot_series(s, f, suffix, lab, sizeof(lab));
			blk = block_for(bl, &nb, lab);
			if (blk && blk->n < WB_PLOT_MAX_ROWS)
				blk->p[blk->n++] = (struct wb_plot_pt){
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
