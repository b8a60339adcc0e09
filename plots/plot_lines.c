// SPDX-License-Identifier: MIT
/* Line plots in blocks, one per series: speed-up over base pages
 * (WB_PLOT_SPEEDUP), drawn only between stable times and classed by
 * wb_versus(), and a fact against a parameter (WB_PLOT_FACT). */
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

/* Same kernel, every parameter equal but the variant, which is base. */
static const struct wb_rbench *base_partner(const struct wb_rfile *r,
					    const struct wb_rbench *h,
					    const struct wb_plot_hint *hint)
{
	for (size_t i = 0; i < r->nb; i++) {
		const struct wb_rbench *b = &r->b[i];
		const char *key;
		json_t *v;
		double vb;
		bool same;

		if (strcmp(b->kernel, h->kernel) ||
		    wb_plot_param_num(b->kernel, b->params, hint->variant,
				      &vb) ||
		    vb != (double)hint->base ||
		    json_object_size(b->params) != json_object_size(h->params))
			continue;
		same = true;
		json_object_foreach(h->params, key, v) {
			if (strcmp(key, hint->variant) &&
			    !json_equal(v, json_object_get(b->params, key)))
				same = false;
		}
		if (same)
			return b;
	}
	return NULL;
}

/* One huge-vs-base pair: the ratio of the medians over processes, its
 * range over pairs of processes, and the class wb_versus() gives it. */
struct ratio_pt {
	double x, r, rlo, rhi, base_ns, huge_ns;
	enum wb_versus cls;
	char base[96], huge[96]; /* wb_stability_text with counts */
};

struct rblock {
	char label[160];
	struct ratio_pt *p;
	size_t n, cap;
};

static struct ratio_pt *rblock_add(struct rblock *bl, size_t *nb,
				   const char *label)
{
	struct rblock *b = NULL;

	for (size_t i = 0; i < *nb && !b; i++)
		if (!strcmp(bl[i].label, label))
			b = &bl[i];
	if (!b) {
		if (*nb >= WB_PLOT_MAX_SERIES)
			return NULL;
		b = &bl[(*nb)++];
		snprintf(b->label, sizeof(b->label), "%s", label);
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		struct ratio_pt *p = realloc(b->p, cap * sizeof(*p));

		if (!p)
			return NULL;
		b->p = p;
		b->cap = cap;
	}
	return &b->p[b->n++];
}

static int cmp_ratio(const void *a, const void *b)
{
	double x = ((const struct ratio_pt *)a)->x,
	       y = ((const struct ratio_pt *)b)->x;

	return (x > y) - (x < y);
}

/* A ratio of two medians is a result only when neither side's processes
 * disagree; otherwise the row keeps both sides' modes and no ratio. */
static int ratio_of(const struct wb_rbench *b, const struct wb_rbench *h,
		    struct ratio_pt *p)
{
	struct wb_stability sb, sh;
	int err = wb_rbench_stability(b, &sb);

	if (!err)
		err = wb_rbench_stability(h, &sh);
	if (err)
		return err;
	p->cls = wb_versus(&sb, &sh);
	p->base_ns = sb.median;
	p->huge_ns = sh.median;
	if (wb_stability_text(&sb, true, p->base, sizeof(p->base)))
		snprintf(p->base, sizeof(p->base), "unstable");
	if (wb_stability_text(&sh, true, p->huge, sizeof(p->huge)))
		snprintf(p->huge, sizeof(p->huge), "unstable");
	p->r = p->rlo = p->rhi = NAN;
	if (p->cls != WB_VS_UNSTABLE) {
		p->r = sb.median / sh.median;
		p->rlo = sb.lo / sh.hi;
		p->rhi = sb.hi / sh.lo;
	}
	return 0;
}

static int rblocks_write(const struct plot_set *s, struct plot_job *job,
			 struct rblock *bl, size_t nb, const char *xcol)
{
	char path[4096];
	FILE *f = wb_plot_open_tsv(s, job->name, path, sizeof(path));

	if (!f)
		return -errno;
	for (size_t i = 0; i < nb; i++) {
		qsort(bl[i].p, bl[i].n, sizeof(bl[i].p[0]), cmp_ratio);
		fprintf(f,
			"%s%s\t%s\tspeedup_min\tspeedup_max\tclass\tbase_ns\t"
			"huge_ns\tbase\thuge\t%s: no ratio\n",
			i ? "\n\n" : "", xcol, bl[i].label, bl[i].label);
		for (size_t k = 0; k < bl[i].n; k++) {
			const struct ratio_pt *p = &bl[i].p[k];

			/* one empty line breaks gnuplot's line: no line is
			 * drawn across a missing ratio */
			if (k && p->cls != WB_VS_UNSTABLE &&
			    bl[i].p[k - 1].cls == WB_VS_UNSTABLE)
				fputc('\n', f);
			fprintf(f,
				"%.10g\t%.10g\t%.10g\t%.10g\t%s\t%.10g\t%.10g\t"
				"%s\t%s\t%s\n",
				p->x, p->r, p->rlo, p->rhi,
				wb_versus_name(p->cls), p->base_ns, p->huge_ns,
				p->base, p->huge,
				/* where the series' no-ratio mark goes: on the
				 * axis, under its own name in the key */
				p->cls == WB_VS_UNSTABLE ? "0" : "nan");
		}
	}
	job->has_data = nb > 0;
	return wb_plot_close_tsv(f);
}

int wb_plot_speedup(const struct plot_set *s, struct plot_job *job)
{
	const struct wb_plot_hint *hint = job->hint;
	struct rblock *bl = calloc(WB_PLOT_MAX_SERIES, sizeof(*bl));
	char lab[160], suffix[128], xlab[160], vb[32], vh[32], sb[32];
	const char *base_label;
	bool mib = false;
	size_t nb = 0;
	int err = 0;

	if (!bl)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles && !err; f++) {
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb && !err; i++) {
			const struct wb_rbench *h = &r->b[i], *b;
			struct ratio_pt pt = { 0 }, *at;
			char why[256];
			double x, var;

			if (!wb_plot_picks(job, h) ||
			    wb_plot_param_num(h->kernel, h->params,
					      hint->variant, &var) ||
			    var == (double)hint->base)
				continue;
			b = base_partner(r, h, hint);
			if (!b ||
			    wb_plot_param_num(h->kernel, h->params, hint->x,
					      &x) ||
			    ratio_of(b, h, &pt))
				continue;
			if (!nb)
				mib = wb_plot_param_bytes(h->kernel, hint->x);
			/* bytes read better in MiB */
			pt.x = mib ? x / 1048576 : x;
			base_label = wb_plot_value_label(
				b->params, hint->variant, hint->variant_names,
				vb, sizeof(vb));
			if (hint->series &&
			    json_object_get(h->params, hint->series))
				snprintf(suffix, sizeof(suffix),
					 "%s %s %.40s vs %.40s", h->kernel,
					 wb_plot_value_label(h->params,
							     hint->series,
							     hint->series_names,
							     sb, sizeof(sb)),
					 wb_plot_value_label(
						 h->params, hint->variant,
						 hint->variant_names, vh,
						 sizeof(vh)),
					 base_label);
			else
				snprintf(suffix, sizeof(suffix),
					 "%s %.40s vs %.40s", h->kernel,
					 wb_plot_value_label(
						 h->params, hint->variant,
						 hint->variant_names, vh,
						 sizeof(vh)),
					 base_label);
			wb_plot_series(s, f, suffix, lab, sizeof(lab));
			at = rblock_add(bl, &nb, lab);
			if (!at) {
				err = nb >= WB_PLOT_MAX_SERIES ? 0 : -ENOMEM;
				continue;
			}
			*at = pt;
			snprintf(why, sizeof(why), "no ratio: base %s, huge %s",
				 pt.base, pt.huge);
			wb_plot_count(job, h->name, pt.cls == WB_VS_UNSTABLE,
				      why);
		}
	}
	if (nb && !err) {
		snprintf(xlab, sizeof(xlab), "%s (%s%s)",
			 hint->xlabel ? hint->xlabel : hint->x,
			 mib ? "MiB" : hint->x,
			 hint->logx ? ", log2 scale" : "");
		wb_plot_add_var(job, "xlab", xlab);
		wb_plot_unstable_var(job, "no ratio drawn (open marks on the "
					  "axis)");
		err = rblocks_write(s, job, bl, nb, mib ? "MiB" : hint->x);
	}
	for (size_t i = 0; i < nb; i++)
		free(bl[i].p);
	free(bl);
	return err;
}

int wb_plot_fact(const struct plot_set *s, struct plot_job *job)
{
	const struct wb_plot_hint *hint = job->hint;
	struct block *bl = calloc(WB_PLOT_MAX_SERIES, sizeof(*bl));
	char lab[160], suffix[128], sb[32];
	size_t nb = 0;
	int err = 0;

	if (!bl)
		return -ENOMEM;
	for (size_t f = 0; f < s->nfiles; f++) {
		const struct wb_rfile *r = &s->files[f];

		for (size_t i = 0; i < r->nb; i++) {
			const struct wb_rbench *b = &r->b[i];
			json_t *facts = json_object_get(b->instance, "facts");
			const char *series = "";
			struct block *blk;
			double x;

			if (!wb_plot_picks(job, b) ||
			    !json_is_number(json_object_get(facts, hint->y)) ||
			    wb_plot_param_num(b->kernel, b->params, hint->x,
					      &x))
				continue;
			if (hint->series)
				series = wb_plot_value_label(
					b->params, hint->series,
					hint->series_names, sb, sizeof(sb));
			snprintf(suffix, sizeof(suffix), "%s%s%.40s", b->kernel,
				 *series ? " " : "", series);
			wb_plot_series(s, f, suffix, lab, sizeof(lab));
			blk = block_for(bl, &nb, lab);
			if (blk && blk->n < WB_PLOT_MAX_ROWS)
				blk->p[blk->n++] = (struct wb_plot_pt){
					.x = x,
					.y = wb_jnum(facts, hint->y),
					.lo = wb_plot_prediction(b->instance,
								 hint->y),
				};
		}
	}
	if (nb)
		err = blocks_write(s, job, bl, nb, hint->x, "(model)");
	free(bl);
	return err;
}
