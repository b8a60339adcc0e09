// SPDX-License-Identifier: MIT
/* Curves (WB_PLOT_CURVE): one line per series value through its stable
 * points, each with the range over processes as error bars, unstable
 * points hollow and off the line; knees detected on the stable points,
 * and the predicted ones as vertical lines. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "check/stats.h"

struct curve {
	size_t file;
	char value[64]; /* of the series parameter, "" when absent */
	struct wb_plot_pt p[WB_PLOT_MAX_ROWS];
	size_t n;
	double mark[2]; /* predicted, NAN when absent */
};

static struct curve *curve_for(struct curve *ser, size_t *ns, size_t file,
			       const char *value)
{
	for (size_t i = 0; i < *ns; i++)
		if (ser[i].file == file && !strcmp(ser[i].value, value))
			return &ser[i];
	if (*ns >= WB_PLOT_MAX_SERIES)
		return NULL;
	ser[*ns] = (struct curve){ .file = file, .mark = { NAN, NAN } };
	snprintf(ser[*ns].value, sizeof(ser[0].value), "%s", value);
	return &ser[(*ns)++];
}

static int curve_collect(const struct plot_set *s, struct plot_job *job,
			 struct curve *ser, size_t *ns)
{
	const struct wb_plot_hint *h = job->hint;

	*ns = 0;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			struct curve *t;
			struct wb_plot_pt p;
			char buf[32];

			if (!wb_plot_picks(job, b) ||
			    wb_plot_param_num(b->kernel, b->params, h->x,
					      &p.x) ||
			    wb_plot_point(b, h->y, &p))
				continue;
			t = curve_for(ser, ns, f,
				      h->series ? wb_plot_value_label(
							  b->params, h->series,
							  h->series_names, buf,
							  sizeof(buf))
						: "");
			if (!t || t->n >= WB_PLOT_MAX_ROWS)
				continue;
			wb_plot_count(job, b->name, p.unstable, p.modes);
			t->p[t->n++] = p;
			for (int m = 0; m < 2; m++)
				if (h->marks[m] && isnan(t->mark[m]))
					t->mark[m] = wb_plot_prediction(
						b->instance, h->marks[m]);
		}
	}
	for (size_t i = 0; i < *ns; i++)
		qsort(ser[i].p, ser[i].n, sizeof(ser[i].p[0]), wb_plot_cmp_pt);
	return 0;
}

static int write_knees(const struct plot_set *s, struct curve *ser, size_t ns,
		       struct plot_job *job)
{
	char path[4096];
	FILE *f = wb_plot_open_tsv(s, job->extra[0], path, sizeof(path));
	double xs[WB_PLOT_MAX_ROWS];
	size_t nk_all = 0;
	int err = 0;

	if (!f)
		return -errno;
	fprintf(f, "%s\tns\tlabel\n", job->hint->x);
	for (size_t i = 0; i < ns && !err; i++) {
		double y[WB_PLOT_MAX_ROWS];
		size_t idx[8], nk, at[WB_PLOT_MAX_ROWS], n = 0;

		/* an unstable median is no point of the curve, so a knee
		 * is looked for between the stable ones only */
		for (size_t k = 0; k < ser[i].n; k++)
			if (!ser[i].p[k].unstable) {
				at[n] = k;
				y[n++] = ser[i].p[k].y;
			}
		/* a series with a zero time has no knee to find */
		if (wb_knees(y, n, idx, 8, &nk))
			continue;
		for (size_t k = 0; k < nk && nk_all < WB_PLOT_MAX_ROWS; k++) {
			double x = ser[i].p[at[idx[k]]].x;
			bool seen = false;

			/* one label per x: overlaid files often agree */
			for (size_t j = 0; j < nk_all; j++)
				seen |= xs[j] == x;
			fprintf(f, "%.10g\t%.10g\t", x, ser[i].p[at[idx[k]]].y);
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

static int write_model(const struct plot_set *s, struct curve *ser, size_t ns,
		       struct plot_job *job)
{
	const struct wb_plot_hint *h = job->hint;
	struct reach_line rl[WB_PLOT_MAX_SERIES * 2];
	char path[4096];
	FILE *f = wb_plot_open_tsv(s, job->extra[1], path, sizeof(path));
	double top = 0;
	size_t n = 0;

	if (!f)
		return -errno;
	for (size_t i = 0; i < ns; i++)
		for (size_t k = 0; k < ser[i].n; k++)
			top = fmax(top, ser[i].p[k].hi);
	for (size_t i = 0; i < ns; i++)
		for (int l = 0; l < 2; l++)
			if (ser[i].mark[l] > 0)
				add_reach(rl, &n, sizeof(rl) / sizeof(rl[0]),
					  ser[i].mark[l],
					  h->mark_names[l] ? h->mark_names[l]
							   : h->marks[l],
					  ser[i].value);
	fprintf(f, "%s\ty_low\ty_high\tlabel\n", h->x);
	for (size_t j = 0; j < n; j++)
		fprintf(f, "%.10g\t0\t%.10g\t%s: %.0f\n", rl[j].x, top * 1.05,
			rl[j].label, rl[j].x);
	wb_plot_add_var(job, "model", path);
	wb_plot_add_int(job, "has_model", n > 0);
	return wb_plot_close_tsv(f);
}

int wb_plot_curve(const struct plot_set *s, struct plot_job *job)
{
	struct curve *ser = calloc(WB_PLOT_MAX_SERIES, sizeof(*ser));
	const char *x = job->hint->x;
	char path[4096], lab[160];
	size_t ns;
	FILE *f;
	int err;

	if (!ser)
		return -ENOMEM;
	err = curve_collect(s, job, ser, &ns);
	if (err || !ns)
		goto out;
	f = wb_plot_open_tsv(s, job->name, path, sizeof(path));
	if (!f) {
		err = -errno;
		goto out;
	}
	for (size_t i = 0; i < ns; i++) {
		wb_plot_series(s, ser[i].file, *ser[i].value ? ser[i].value : x,
			       lab, sizeof(lab));
		fprintf(f, "%s%s\t%s\tns_min\tns_max\tstable\tmodes\n",
			i ? "\n\n" : "", x, lab);
		for (size_t k = 0; k < ser[i].n; k++) {
			const struct wb_plot_pt *p = &ser[i].p[k];

			/* one empty line breaks gnuplot's line: none is
			 * drawn across an unstable point */
			if (k && !p->unstable && ser[i].p[k - 1].unstable)
				fputc('\n', f);
			fprintf(f, "%.10g\t%.10g\t%.10g\t%.10g\t%d\t%s\n", p->x,
				p->y, p->lo, p->hi, !p->unstable,
				p->unstable ? p->modes : "");
		}
	}
	err = wb_plot_close_tsv(f);
	wb_plot_unstable_var(job, "drawn hollow, not joined");
	snprintf(job->extra_name[0], sizeof(job->extra_name[0]), "%s_knees",
		 job->name);
	snprintf(job->extra_name[1], sizeof(job->extra_name[1]), "%s_model",
		 job->name);
	job->extra[0] = job->extra_name[0];
	job->extra[1] = job->extra_name[1];
	if (!err)
		err = write_knees(s, ser, ns, job);
	if (!err)
		err = write_model(s, ser, ns, job);
	job->has_data = !err;
out:
	free(ser);
	return err;
}
