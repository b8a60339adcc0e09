// SPDX-License-Identifier: MIT
/*
 * DIR/index.html: a static page (no script) with the plots, each file's
 * environment and run settings, and every planned instance with its status,
 * reason, and the model's predictions beside the facts measured.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "plot.h"

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* a JSON value as text: strings bare, the rest compact JSON */
static void esc_json(FILE *f, const json_t *v)
{
	char *s;

	if (json_is_string(v)) {
		esc(f, json_string_value(v));
		return;
	}
	s = json_dumps(v,
		       JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(6));
	if (s)
		esc(f, s);
	free(s);
}

/* obj's members as rows, except the sections shown elsewhere */
static void kv_table(FILE *f, const json_t *obj, bool run)
{
	const char *key;
	json_t *v;

	fputs("<table class=\"kv\">\n", f);
	json_object_foreach((json_t *)obj, key, v) {
		if (run && (!strcmp(key, "instances") || !strcmp(key, "env")))
			continue;
		fputs("<tr><th>", f);
		esc(f, key);
		fputs("</th><td>", f);
		esc_json(f, v);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Is the measured value within the prediction's tolerance? */
static const char *verdict(const json_t *item, double measured)
{
	double v = wb_jnum(item, "value"), tol = wb_jnum(item, "tol");
	const char *kind = wb_jstr(item, "tolerance");

	if (isnan(measured) || isnan(v))
		return "";
	if (isnan(tol))
		tol = 0;
	if (!strcmp(kind, "rel"))
		tol *= fabs(v);
	return fabs(measured - v) <= tol ? "ok" : "off";
}

static void prediction_cell(FILE *f, const json_t *in)
{
	json_t *pred = json_object_get(in, "prediction");
	json_t *items = json_object_get(pred, "items"), *it;
	json_t *facts = json_object_get(in, "facts");
	size_t i;

	json_array_foreach(items, i, it) {
		const char *q = wb_jstr(it, "quantity");
		double m = wb_jnum(facts, q);
		const char *v = verdict(it, m);

		fprintf(f, "<div class=\"%s\">", v);
		esc(f, q);
		fprintf(f, ": model %g", wb_jnum(it, "value"));
		if (*wb_jstr(it, "tolerance"))
			fprintf(f, " (%s %g)", wb_jstr(it, "tolerance"),
				wb_jnum(it, "tol"));
		if (!isnan(m))
			fprintf(f, ", measured %g: %s", m, v);
		else
			fputs(", not measured as a fact", f);
		fputs("</div>", f);
	}
	if (!json_array_size(items))
		fputs("-", f);
}

static void instances(FILE *f, const struct wb_rfile *r)
{
	size_t i;
	json_t *in;

	fputs("<table class=\"inst\">\n<tr><th>instance</th><th>status</th>"
	      "<th>why</th><th>page size verified</th><th>model vs facts</th>"
	      "<th>facts</th><th>missing metrics</th></tr>\n",
	      f);
	json_array_foreach(r->instances, i, in) {
		const char *st = wb_jstr(in, "status");
		json_t *facts = json_object_get(in, "facts");
		json_t *miss = json_object_get(in, "missing_metrics");

		fputs("<tr><td>", f);
		esc(f, wb_jstr(in, "name"));
		fprintf(f, "</td><td class=\"%s\">",
			strcmp(st, "ok") ? "off" : "ok");
		esc(f, st);
		fputs("</td><td>", f);
		esc(f, wb_jstr(in, "why"));
		fputs("</td><td>", f);
		esc_json(f, json_object_get(in, "page_size_verified")
				    ?: json_null());
		fputs("</td><td>", f);
		prediction_cell(f, in);
		fputs("</td><td>", f);
		if (facts)
			esc_json(f, facts);
		fputs("</td><td>", f);
		if (miss && json_object_size(miss))
			esc_json(f, miss);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/*
 * Which page and folio sizes the file's measurements stand on: a size is
 * named only where an instance verified it (pagemap, kpageflags, smaps),
 * and every instance refused as untrusted says what it got instead.
 */
static void sizes_html(FILE *f, const struct wb_rfile *r)
{
	uint64_t size[24] = { 0 };
	size_t count[24] = { 0 }, n = 0, untrusted = 0, i;
	json_t *in;

	json_array_foreach(r->instances, i, in) {
		json_t *b = json_object_get(in, "page_size_bytes");
		uint64_t v = json_is_integer(b)
				     ? (uint64_t)json_integer_value(b)
				     : 0;
		size_t k;

		untrusted += !strcmp(wb_jstr(in, "status"), "untrusted");
		if (!v)
			continue;
		for (k = 0; k < n && size[k] != v; k++)
			;
		if (k == n && n < 24)
			size[n++] = v;
		if (k < n)
			count[k]++;
	}
	if (!n && !untrusted)
		return;
	fputs("<h3>Page and folio sizes verified</h3>\n<p>", f);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			if (size[b] < size[a]) {
				uint64_t t = size[a];
				size_t c = count[a];

				size[a] = size[b];
				count[a] = count[b];
				size[b] = t;
				count[b] = c;
			}
	for (size_t k = 0; k < n; k++) {
		char buf[16];

		fprintf(f, "%s%s: %zu instance%s", k ? "; " : "",
			wb_format_size(size[k], buf, sizeof(buf)), count[k],
			count[k] == 1 ? "" : "s");
	}
	if (!n)
		fputs("No instance recorded the size it verified.", f);
	else
		fputs(". Sizes between 4K and 2M are mTHP folios, counted "
		      "from pagemap and kpageflags.",
		      f);
	fputs("</p>\n", f);
	if (!untrusted)
		return;
	fprintf(f,
		"<p class=\"off\">%zu instance%s refused: the memory did not "
		"get the size asked for, so nothing of %s is plotted:</p>\n"
		"<ul>\n",
		untrusted, untrusted == 1 ? "" : "s",
		untrusted == 1 ? "it" : "them");
	json_array_foreach(r->instances, i, in) {
		if (strcmp(wb_jstr(in, "status"), "untrusted"))
			continue;
		fputs("<li>", f);
		esc(f, wb_jstr(in, "name"));
		fputs(": ", f);
		esc(f, wb_jstr(in, "why"));
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* a note, one paragraph per reason */
static void note_html(FILE *f, const char *note)
{
	while (*note) {
		size_t l = strcspn(note, "\n");
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)l, note);
		fputs("<p class=\"off\">", f);
		esc(f, line);
		fputs("</p>\n", f);
		note += l + (note[l] == '\n');
	}
}

/* How many of the plot's points are unstable, which, and their modes */
static void unstable_html(FILE *f, const struct plot_job *job)
{
	const char *u = job->unstable;

	if (!job->npoints)
		return;
	if (!job->nunstable) {
		fprintf(f,
			"<p class=\"ok\">All %zu points stable: the processes "
			"that measured each agree within the tolerance.</p>\n",
			job->npoints);
		return;
	}
	fprintf(f,
		"<p class=\"off\">%zu of %zu points unstable: the processes "
		"that measured each fall into different modes or spread beyond "
		"what one process's repetitions show, so no one number "
		"describes them. They are drawn hollow, off the lines, and no "
		"ratio is taken of them. On a virtual machine the host's "
		"backing of each process's memory (4 KiB or 2 MiB pages) is "
		"one cause: each process measures it (effective_huge_share), "
		"and a point whose modes follow it says so below; the others' "
		"cause is not known. Each with its modes (per-process medians, "
		"x processes):</p>\n<ul>\n",
		job->nunstable, job->npoints);
	while (*u) {
		size_t l = strcspn(u, "\n");
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)l, u);
		fputs("<li>", f);
		esc(f, line);
		fputs("</li>\n", f);
		u += l + (u[l] == '\n');
	}
	fputs("</ul>\n", f);
}

int wb_plot_html(const struct plot_set *s, const struct plot_kind *kinds,
		 size_t nkinds, const bool *done, const struct plot_job *jobs,
		 char *path, size_t len)
{
	const struct wb_rfile *r0 = &s->files[0];
	int err = 0;
	FILE *f;

	snprintf(path, len, "%s/index.html", s->dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	      "<title>walkbench: ",
	      f);
	esc(f, wb_jstr(r0->context, "host_name"));
	fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:2em}"
	      "table{border-collapse:collapse;margin:1em 0}"
	      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;"
	      "vertical-align:top;font-size:90%}"
	      ".ok{color:#060}.off{color:#b00}img{max-width:100%}\n"
	      "</style></head><body>\n<h1>walkbench results: ",
	      f);
	esc(f, wb_jstr(r0->context, "host_name"));
	fputs(" (", f);
	esc(f, wb_jstr(r0->env, "model_name"));
	fputs("), ", f);
	esc(f, wb_jstr(r0->context, "date"));
	fputs("</h1>\n<p>Files:</p><ul>\n", f);
	for (size_t i = 0; i < s->nfiles; i++) {
		fputs("<li>", f);
		esc(f, s->files[i].path);
		fputs(" (", f);
		esc(f, s->labels[i]);
		fputs(")</li>\n", f);
	}
	fputs("</ul>\n<h2>Plots</h2>\n", f);
	for (size_t k = 0; k < nkinds; k++) {
		const struct plot_kind *p = &kinds[k];

		if (!done[k]) {
			if (jobs[k].note[0]) {
				fprintf(f, "<h3>%s: not plotted</h3>\n",
					p->title);
				note_html(f, jobs[k].note);
			}
			continue;
		}
		fprintf(f,
			"<h3>%s</h3>\n<p>%s <a href=\"%s.svg\">SVG</a>, "
			"<a href=\"%s.tsv\">data (TSV)</a>.</p>\n"
			"<p><img src=\"%s.png\" width=\"1200\" height=\"800\" "
			"alt=\"%s\"></p>\n",
			p->title, p->caption, p->name, p->name, p->name,
			p->title);
		unstable_html(f, &jobs[k]);
		note_html(f, jobs[k].note);
	}
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct wb_rfile *r = &s->files[i];

		fputs("<h2>", f);
		esc(f, s->labels[i]);
		fputs("</h2>\n<h3>Run</h3>\n", f);
		kv_table(f, r->wb, true);
		fputs("<h3>Environment</h3>\n", f);
		kv_table(f, r->env, false);
		sizes_html(f, r);
		fputs("<h3>Instances</h3>\n", f);
		instances(f, r);
	}
	fputs("</body></html>\n", f);
	if (ferror(f))
		err = -EIO;
	if (fclose(f))
		err = -errno;
	return err;
}
