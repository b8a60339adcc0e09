// SPDX-License-Identifier: MIT
/*
 * Native vs guest: each guest file (walkbench vm run) is paired with the
 * first native file from the same machine (vm_pairing.c, as vm pair does)
 * and every benchmark in both gets a bar, guest median / native median,
 * grouped by kernel, beside the model's 2D/1D worst-case walk reference
 * ratio. An emulated (TCG) guest is never drawn: its timings measure the
 * emulator, not virtualization; the reason goes in the job's note.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "results/vm_pairing.h"

struct gbar {
	char kernel[64], label[192];
	double native_ns, guest_ns, ratio, ref1d, ref2d;
	double rlo, rhi; /* over pairs of processes; NAN when unstable */
	bool unstable; /* either side's processes disagree: no ratio */
};

struct gbars {
	struct gbar *v;
	size_t n, cap;
};

/* appends one reason (a line) to the job's note */
__attribute__((format(printf, 2, 3))) static void note(struct plot_job *job,
						       const char *fmt, ...)
{
	size_t used = strlen(job->note);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(job->note + used, sizeof(job->note) - used, fmt, ap);
	va_end(ap);
}

/* Subtitle line sub<N>: which guest against which native file, how. */
static void add_sub(struct plot_job *job, int *nsub, const struct plot_set *s,
		    size_t gi, size_t ni)
{
	const json_t *g = json_object_get(s->files[gi].wb, "guest");
	char name[16], line[384];

	/* four lines at most; the TSV names every guest in its labels */
	if (*nsub >= 4) {
		if (*nsub == 4)
			wb_plot_add_var(job, "more",
					"(more guests: see guest_ratio.tsv)");
		++*nsub;
		return;
	}
	snprintf(line, sizeof(line),
		 "guest %s vs native %s: accel %s, host pages %s, guest THP %s",
		 s->labels[gi], s->labels[ni],
		 *wb_jstr(g, "accel") ? wb_jstr(g, "accel") : "?",
		 *wb_jstr(g, "host_backing") ? wb_jstr(g, "host_backing") : "?",
		 *wb_jstr(g, "guest_thp") ? wb_jstr(g, "guest_thp") : "?");
	snprintf(name, sizeof(name), "sub%d", ++*nsub);
	wb_plot_add_var(job, name, line);
}

/* the run name without its kernel prefix */
static const char *short_run(const char *run, const char *kernel)
{
	size_t k = strlen(kernel);

	if (k && !strncmp(run, kernel, k) && run[k] == '/')
		return run + k + 1;
	return run;
}

/* A ratio only between two stable times: its range over pairs of
 * processes, or, when either side is unstable, no ratio and both sides'
 * modes in the job's list of unstable points. */
static void bar_stability(struct plot_job *job, const struct plot_set *s,
			  size_t gi, size_t ni, const char *run, struct gbar *b)
{
	const struct wb_rbench *nb = wb_rfile_find(&s->files[ni], run),
			       *gb = wb_rfile_find(&s->files[gi], run);
	struct wb_stability sn, sg;
	char tn[96], tg[96], why[256];

	b->rlo = b->rhi = NAN;
	if (!nb || !gb || wb_rbench_stability(nb, &sn) ||
	    wb_rbench_stability(gb, &sg))
		return;
	b->unstable = wb_versus(&sn, &sg) == WB_VS_UNSTABLE;
	if (!b->unstable) {
		b->rlo = sg.lo / sn.hi;
		b->rhi = sg.hi / sn.lo;
	} else {
		b->ratio = NAN;
	}
	if (wb_stability_text(&sn, true, tn, sizeof(tn)))
		snprintf(tn, sizeof(tn), "unstable");
	if (wb_stability_text(&sg, true, tg, sizeof(tg)))
		snprintf(tg, sizeof(tg), "unstable");
	snprintf(why, sizeof(why), "no ratio: native %s, guest %s", tn, tg);
	snprintf(tn, sizeof(tn), "%s [%s]", run, s->labels[gi]);
	wb_plot_count(job, tn, b->unstable, why);
}

static int add_pairs(struct plot_job *job, struct gbars *bars,
		     const struct plot_set *s, size_t gi, size_t ni,
		     size_t nguests)
{
	struct wb_pair p;
	int err = wb_pair_compute(s->files[ni].root, s->files[gi].root, &p);

	if (err)
		return err;
	for (size_t i = 0; i < p.n; i++) {
		const struct wb_pair_row *r = &p.rows[i];
		const char *k = wb_jstr(r->native, "kernel");
		struct gbar *b;

		if (bars->n == bars->cap) {
			size_t cap = bars->cap ? 2 * bars->cap : 32;
			struct gbar *v = realloc(bars->v, cap * sizeof(*v));

			if (!v) {
				wb_pair_free(&p);
				return -ENOMEM;
			}
			bars->v = v;
			bars->cap = cap;
		}
		b = &bars->v[bars->n++];
		snprintf(b->kernel, sizeof(b->kernel), "%s", *k ? k : "other");
		if (nguests > 1)
			snprintf(b->label, sizeof(b->label), "%s [%s]",
				 short_run(r->run, k), s->labels[gi]);
		else
			snprintf(b->label, sizeof(b->label), "%s",
				 short_run(r->run, k));
		for (char *c = b->label; *c; c++)
			if (*c == '\t' || *c == '\n')
				*c = ' ';
		b->native_ns = r->native_ns;
		b->guest_ns = r->guest_ns;
		b->ratio = r->ratio;
		b->ref1d = r->ref1d ? (double)r->ref1d : NAN;
		b->ref2d = r->ref1d ? (double)r->ref2d : NAN;
		b->unstable = false;
		bar_stability(job, s, gi, ni, r->run, b);
		if (b->unstable) {
			size_t l = strlen(b->label);

			snprintf(b->label + l, sizeof(b->label) - l,
				 " (unstable: no ratio)");
		}
	}
	wb_pair_free(&p);
	return 0;
}

static int by_kernel(const void *a, const void *b)
{
	return strcmp(((const struct gbar *)a)->kernel,
		      ((const struct gbar *)b)->kernel);
}

/* One block per kernel; x leaves a gap of one bar between kernels. */
static int write_tsv(const struct plot_set *s, struct plot_job *job,
		     struct gbars *bars)
{
	char path[4096];
	double x = 0;
	FILE *f;

	/* insertion sort: within a kernel, rows keep the native file's order */
	for (size_t i = 1; i < bars->n; i++)
		for (size_t j = i;
		     j > 0 && by_kernel(&bars->v[j - 1], &bars->v[j]) > 0;
		     j--) {
			struct gbar t = bars->v[j];

			bars->v[j] = bars->v[j - 1];
			bars->v[j - 1] = t;
		}
	/* the first label, slanted, reaches furthest left and the longest
	 * furthest down: the script makes room for them */
	if (bars->n) {
		size_t w = 0;

		for (size_t i = 0; i < bars->n; i++)
			if (strlen(bars->v[i].label) > w)
				w = strlen(bars->v[i].label);
		wb_plot_add_int(job, "lab0", (long)strlen(bars->v[0].label));
		wb_plot_add_int(job, "labmax", (long)w);
	}
	f = wb_plot_open_tsv(s, job->name, path, sizeof(path));
	if (!f)
		return -errno;
	for (size_t i = 0; i < bars->n; i++) {
		const struct gbar *b = &bars->v[i];

		if (!i || strcmp(b->kernel, bars->v[i - 1].kernel)) {
			if (i) {
				fputs("\n\n", f);
				x += 1;
			}
			fprintf(f,
				"x\tbenchmark\t%s\tnative ns\tguest ns\t"
				"model 1D refs\tmodel 2D refs\tmodel 2D/1D\t"
				"ratio min\tratio max\n",
				b->kernel);
		}
		fprintf(f,
			"%g\t%s\t%.6g\t%.6g\t%.6g\t%.10g\t%.10g\t%.6g\t%.6g\t"
			"%.6g\n",
			x, b->label, b->ratio, b->native_ns, b->guest_ns,
			b->ref1d, b->ref2d, b->ref2d / b->ref1d, b->rlo,
			b->rhi);
		x += 1;
	}
	job->has_data = bars->n > 0;
	return wb_plot_close_tsv(f);
}

int wb_plot_guest(const struct plot_set *s, struct plot_job *job)
{
	struct gbars bars = { 0 };
	size_t nnative = 0, nguests = 0, nemulated = 0;
	char why[512];
	int err = 0, nsub = 0;

	for (size_t i = 0; i < s->nfiles; i++) {
		if (!wb_pair_is_guest(s->files[i].wb))
			nnative++;
		else if (wb_pair_emulated(s->files[i].wb))
			nemulated++;
		else
			nguests++; /* the ones that can be drawn */
	}
	if (!nnative || !(nguests + nemulated))
		return 0;
	for (size_t gi = 0; gi < s->nfiles && !err; gi++) {
		const json_t *gwb = s->files[gi].wb;
		const char *no = NULL;
		size_t ni, before;

		if (!wb_pair_is_guest(gwb))
			continue;
		if (wb_pair_emulated(gwb)) {
			note(job,
			     "guest %s is emulated (TCG): its timings are not "
			     "a "
			     "virtualization cost; not plotted\n",
			     s->labels[gi]);
			continue;
		}
		for (ni = 0; ni < s->nfiles; ni++) {
			if (wb_pair_is_guest(s->files[ni].wb))
				continue;
			no = wb_pair_refuse(s->files[ni].wb, gwb, why,
					    sizeof(why));
			if (!no)
				break;
		}
		if (ni == s->nfiles) {
			/* @no is the reason against the last native file */
			note(job,
			     "guest %s: no native file to pair it with "
			     "(%s); not plotted\n",
			     s->labels[gi], no ? no : "none");
			continue;
		}
		before = bars.n;
		err = add_pairs(job, &bars, s, gi, ni, nguests);
		if (!err && bars.n == before)
			note(job,
			     "guest %s: no benchmark median in common with "
			     "%s; not plotted\n",
			     s->labels[gi], s->labels[ni]);
		else
			add_sub(job, &nsub, s, gi, ni);
	}
	if (!err && bars.n) {
		wb_plot_add_int(job, "nsub", nsub);
		wb_plot_unstable_var(job, "no bar drawn");
		err = write_tsv(s, job, &bars);
	}
	free(bars.v);
	return err;
}
