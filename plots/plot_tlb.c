// SPDX-License-Identifier: MIT
/* The TLB reach plot: curves per page size, detected and predicted knees. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "check/stats.h"

struct tlb_series {
	size_t file;
	const char *page_size;
	struct wb_plot_pt p[WB_PLOT_MAX_ROWS];
	size_t n;
	double l1, l2; /* predicted reach in pages, NAN when absent */
};

static struct tlb_series *tlb_series_for(struct tlb_series *ser, size_t *ns,
					 size_t file, const char *ps)
{
	for (size_t i = 0; i < *ns; i++)
		if (ser[i].file == file && !strcmp(ser[i].page_size, ps))
			return &ser[i];
	if (*ns >= WB_PLOT_MAX_SERIES)
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
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			struct tlb_series *t;
			struct wb_plot_pt p;
			double v;

			if (strcmp(b->kernel, "tlb_reach") ||
			    wb_plot_param_num(b->params, "pages", &p.x) ||
			    wb_plot_stat(b, "ns_per_access", &p.y, &p.lo,
					 &p.hi))
				continue;
			t = tlb_series_for(ser, ns, f,
					   wb_jstr(b->params, "page_size"));
			if (!t || t->n >= WB_PLOT_MAX_ROWS)
				continue;
			t->p[t->n++] = p;
			v = wb_plot_prediction(b->instance,
					       "l1_dtlb_reach_pages");
			if (isnan(t->l1))
				t->l1 = v;
			v = wb_plot_prediction(b->instance,
					       "l2_tlb_reach_pages");
			if (isnan(t->l2))
				t->l2 = v;
		}
	}
	for (size_t i = 0; i < *ns; i++)
		qsort(ser[i].p, ser[i].n, sizeof(ser[i].p[0]), wb_plot_cmp_pt);
	return 0;
}

static int write_knees(const struct plot_set *s, struct tlb_series *ser,
		       size_t ns, struct plot_job *job)
{
	char path[4096];
	FILE *f = wb_plot_open_tsv(s, "tlb_reach_knees", path, sizeof(path));
	double xs[WB_PLOT_MAX_ROWS];
	size_t nk_all = 0;
	int err = 0;

	if (!f)
		return -errno;
	fprintf(f, "pages\tns\tlabel\n");
	for (size_t i = 0; i < ns && !err; i++) {
		double y[WB_PLOT_MAX_ROWS];
		size_t idx[8], nk;

		for (size_t k = 0; k < ser[i].n; k++)
			y[k] = ser[i].p[k].y;
		/* a series with a zero time has no knee to find */
		if (wb_knees(y, ser[i].n, idx, 8, &nk))
			continue;
		for (size_t k = 0; k < nk && nk_all < WB_PLOT_MAX_ROWS; k++) {
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
	err = wb_plot_close_tsv(f);
	wb_plot_add_var(job, "knees", path);
	wb_plot_add_int(job, "has_knees", nk_all > 0);
	return err;
}

/* One predicted reach, drawn once however many page sizes and files
 * predict it: "L2 TLB 4K, 2M: 2048". */
struct reach_line {
	double x;
	char label[96];
};

static void add_reach(struct reach_line *rl, size_t *n, size_t cap, double x,
		      const char *what, const char *ps)
{
	char part[48];

	snprintf(part, sizeof(part), "%s %s", what, ps);
	for (size_t j = 0; j < *n; j++) {
		size_t len = strlen(rl[j].label);

		if (rl[j].x != x)
			continue;
		if (strstr(rl[j].label, part))
			return;
		/* same level: only the page size is new */
		if (!strncmp(rl[j].label, what, strlen(what)))
			snprintf(rl[j].label + len, sizeof(rl[j].label) - len,
				 ", %s", ps);
		else
			snprintf(rl[j].label + len, sizeof(rl[j].label) - len,
				 ", %s", part);
		return;
	}
	if (*n < cap) {
		rl[*n].x = x;
		snprintf(rl[*n].label, sizeof(rl[*n].label), "%s", part);
		(*n)++;
	}
}

static int write_model(const struct plot_set *s, struct tlb_series *ser,
		       size_t ns, struct plot_job *job)
{
	struct reach_line rl[WB_PLOT_MAX_SERIES * 2];
	char path[4096];
	FILE *f = wb_plot_open_tsv(s, "tlb_reach_model", path, sizeof(path));
	double top = 0;
	size_t n = 0;

	if (!f)
		return -errno;
	for (size_t i = 0; i < ns; i++)
		for (size_t k = 0; k < ser[i].n; k++)
			top = fmax(top, ser[i].p[k].hi);
	for (size_t i = 0; i < ns; i++) {
		const double v[2] = { ser[i].l1, ser[i].l2 };
		const char *what[2] = { "L1 dTLB", "L2 TLB" };

		for (int l = 0; l < 2; l++)
			if (v[l] > 0)
				add_reach(rl, &n, sizeof(rl) / sizeof(rl[0]),
					  v[l], what[l], ser[i].page_size);
	}
	fprintf(f, "pages\ty_low\ty_high\tlabel\n");
	for (size_t j = 0; j < n; j++)
		fprintf(f, "%.10g\t0\t%.10g\t%s: %.0f\n", rl[j].x, top * 1.05,
			rl[j].label, rl[j].x);
	wb_plot_add_var(job, "model", path);
	wb_plot_add_int(job, "has_model", n > 0);
	return wb_plot_close_tsv(f);
}

int wb_plot_tlb(const struct plot_set *s, struct plot_job *job)
{
	struct tlb_series *ser = calloc(WB_PLOT_MAX_SERIES, sizeof(*ser));
	char path[4096], lab[160];
	size_t ns;
	FILE *f;
	int err;

	if (!ser)
		return -ENOMEM;
	err = tlb_collect(s, ser, &ns);
	if (err || !ns)
		goto out;
	f = wb_plot_open_tsv(s, job->name, path, sizeof(path));
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
	err = wb_plot_close_tsv(f);
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
