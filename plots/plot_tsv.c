// SPDX-License-Identifier: MIT
/*
 * Results -> TSV: the list of plots, from the kernels' declarations, and
 * the helpers their writers share. Each writer (plot_curve.c, plot_bars.c,
 * plot_lines.c) draws one style for the benchmarks its declaration picks
 * and reduces the repetitions to medians and quartiles.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "plot.h"
#include "check/stats.h"
#include "check/hostline.h"
#include "runner/plan.h"

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

static bool is_time(const char *key)
{
	return !strncmp(key, "ns_per_", 7) || !strcmp(key, "real_time");
}

/* Median and range over processes of a field that is not the time: the
 * per-process medians, a process being a pass (one process when the file
 * does not say). */
static int field_spread(const struct wb_rbench *b, const char *key,
			struct wb_plot_pt *p)
{
	double *m = malloc((b->nreps ? b->nreps : 1) * sizeof(*m));
	size_t nm = 0, k = 0;
	int err;

	if (!m)
		return -ENOMEM;
	err = wb_reps_per_pass(b->reps, b->nreps, key, m, NULL, &nm);
	/* processes that did not record the field are not in its range */
	for (size_t i = 0; !err && i < nm; i++)
		if (isfinite(m[i]))
			m[k++] = m[i];
	if (!err && !k)
		err = -ENOENT;
	if (!err)
		err = wb_median(m, k, &p->y);
	for (size_t i = 0; !err && i < k; i++) {
		p->lo = i ? fmin(p->lo, m[i]) : m[i];
		p->hi = i ? fmax(p->hi, m[i]) : m[i];
	}
	free(m);
	return err;
}

int wb_plot_point(const struct wb_rbench *b, const char *key,
		  struct wb_plot_pt *p)
{
	struct wb_stability st;
	double x = p->x;
	int err;

	memset(p, 0, sizeof(*p));
	p->x = x;
	err = wb_rbench_stability(b, &st);
	if (err)
		return err == -EINVAL ? -ENOENT : err;
	p->unstable = st.judged && !st.stable;
	if (p->unstable &&
	    wb_stability_text(&st, true, p->modes, sizeof(p->modes)))
		snprintf(p->modes, sizeof(p->modes),
			 "unstable (%zu modes over %.4g..%.4g)", st.nmodes,
			 st.lo, st.hi);
	if (p->unstable && json_is_true(json_object_get(
				   json_object_get(b->instance, "stability"),
				   WB_HOSTLINE_KEY)))
		snprintf(p->modes + strlen(p->modes),
			 sizeof(p->modes) - strlen(p->modes),
			 ", modes follow the host's backing");
	if (!is_time(key) && json_object_get(b->reps[0], key))
		return field_spread(b, key, p);
	if (!is_time(key))
		return -ENOENT;
	p->y = st.median;
	p->lo = st.lo;
	p->hi = st.hi;
	return 0;
}

void wb_plot_note(struct plot_job *job, const char *fmt, ...)
{
	size_t used = strlen(job->note);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(job->note + used, sizeof(job->note) - used, fmt, ap);
	va_end(ap);
	used = strlen(job->note);
	if (used + 1 < sizeof(job->note) &&
	    (!used || job->note[used - 1] != '\n'))
		strcat(job->note, "\n");
}

void wb_plot_unstable_var(struct plot_job *job, const char *drawn)
{
	char buf[192];

	if (!job->nunstable)
		return;
	snprintf(buf, sizeof(buf),
		 "%zu of %zu points unstable (their processes disagree): %s",
		 job->nunstable, job->npoints, drawn);
	wb_plot_add_var(job, "unst", buf);
}

void wb_plot_count(struct plot_job *job, const char *name, bool unstable,
		   const char *why)
{
	size_t used = strlen(job->unstable);

	job->npoints++;
	if (!unstable)
		return;
	job->nunstable++;
	snprintf(job->unstable + used, sizeof(job->unstable) - used, "%s: %s\n",
		 name, why);
}

int wb_plot_param_num(const char *kernel, const json_t *params, const char *key,
		      double *out)
{
	json_t *v = params ? json_object_get(params, key) : NULL;
	uint64_t sz;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v) &&
	    !wb_param_value(kernel ? wb_kernel_find(kernel) : NULL, key,
			    json_string_value(v), &sz)) {
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

static int (*const writers[])(const struct plot_set *, struct plot_job *) = {
	[WB_PLOT_CURVE] = wb_plot_curve,
	[WB_PLOT_BARS] = wb_plot_bars,
	[WB_PLOT_SPEEDUP] = wb_plot_speedup,
	[WB_PLOT_FACT] = wb_plot_fact,
};

size_t wb_plot_kinds(struct plot_kind *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; wb_kernels[i]; i++)
		for (const struct wb_plot_hint *h = wb_kernels[i]->plots;
		     h && h->style != WB_PLOT_END; h++) {
			bool seen = false;

			for (size_t k = 0; k < n; k++)
				seen |= !strcmp(out[k].name, h->name);
			if (seen || n + 1 >= max ||
			    (size_t)h->style >=
				    sizeof(writers) / sizeof(writers[0]))
				continue;
			out[n++] = (struct plot_kind){
				.name = h->name,
				.title = h->title,
				.caption = h->caption,
				.hint = h,
				.write = writers[h->style],
			};
		}
	/* the room for it was kept above */
	if (n < max)
		out[n++] = (struct plot_kind){
			.name = "guest_ratio",
			.title = "Native vs guest",
			.caption =
				"Guest median time over native median time for "
				"each benchmark in both (bars from 1.0, log "
				"scale), grouped by kernel; dashes mark the "
				"model's ratio of worst-case memory references "
				"for one translation nested (2D) over native "
				"(1D). Emulated (TCG) guests are not plotted.",
			.write = wb_plot_guest,
		};
	return n;
}

int wb_plot_write(const struct plot_set *s, const struct plot_kind *k,
		  struct plot_job *job)
{
	memset(job, 0, sizeof(*job));
	job->name = k->name;
	job->title = k->title;
	job->hint = k->hint;
	if (k->hint) {
		wb_plot_add_int(job, "logx", k->hint->logx);
		wb_plot_add_int(job, "logy", k->hint->logy);
	}
	return k->write(s, job);
}

bool wb_plot_picks(const struct plot_job *job, const struct wb_rbench *b)
{
	for (size_t i = 0; wb_kernels[i]; i++) {
		const struct wb_kernel *k = wb_kernels[i];

		for (const struct wb_plot_hint *h = k->plots;
		     h && h->style != WB_PLOT_END; h++)
			if (!strcmp(h->name, job->name) &&
			    !strcmp(h->whole_suite ? b->suite : b->kernel,
				    h->whole_suite ? k->suite : k->name))
				return true;
	}
	return false;
}

const char *wb_plot_value_label(const json_t *params, const char *key,
				const char *const *names, char *buf, size_t len)
{
	json_t *v = params ? json_object_get(params, key) : NULL;
	double x;

	if (json_is_string(v))
		return json_string_value(v);
	buf[0] = 0;
	if (!json_is_number(v))
		return buf;
	x = json_number_value(v);
	for (size_t i = 0; names && names[i]; i++)
		if (x == (double)i)
			return names[i];
	snprintf(buf, len, "%g", x);
	return buf;
}

bool wb_plot_param_bytes(const char *kernel, const char *key)
{
	const struct wb_kernel *k = wb_kernel_find(kernel);
	int i = k ? wb_param_index(k, key) : -1;

	return i >= 0 && k->params[i].unit &&
	       !strcmp(k->params[i].unit, "bytes");
}
