// SPDX-License-Identifier: MIT
/* The merge as a table for a terminal and as a Markdown report. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merge_report.h"

static const char *or_none(const char *s)
{
	return *s ? s : "none";
}

static size_t name_width(const struct wb_merge_group *g)
{
	size_t w = 9; /* "benchmark" */

	for (size_t i = 0; i < g->nb; i++)
		if (strlen(g->b[i].name) > w)
			w = strlen(g->b[i].name);
	return w;
}

/* "host-d +30.0% (20.3 MADs), ..." */
static void outliers_text(const struct wb_merge_group *g,
			  const struct wb_merge_bench *b, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < b->nhv && used + 1 < len; i++) {
		const struct wb_merge_hostval *v = &b->hv[i];
		int n;

		if (!v->outlier)
			continue;
		if (isfinite(v->mads))
			n = snprintf(buf + used, len - used,
				     "%s%s %+.1f%% (%.1f MADs)",
				     used ? ", " : "", g->hosts[v->host].name,
				     100 * v->dev, v->mads);
		else
			n = snprintf(buf + used, len - used,
				     "%s%s %+.1f%% (MAD 0)", used ? ", " : "",
				     g->hosts[v->host].name, 100 * v->dev);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used >= len)
		used = len - 1;
	if (!used)
		snprintf(buf, len, "-");
}

static void status_text(const size_t *status, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t s = 0; s < WB_MERGE_NSTATUS && used + 1 < len; s++) {
		int n;

		if (!status[s])
			continue;
		n = snprintf(buf + used, len - used, "%s%zu %s",
			     used ? ", " : "", status[s],
			     wb_merge_status_names[s]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static void table_group(FILE *f, const struct wb_merge *m,
			const struct wb_merge_group *g)
{
	int w = (int)name_width(g);
	char out[1024], st[256];

	fprintf(f, "CPU %s family %lld model %lld, %s: %zu host%s, %zu run%s\n",
		or_none(g->vendor), g->family, g->model, or_none(g->model_name),
		g->nhosts, g->nhosts == 1 ? "" : "s", g->nruns,
		g->nruns == 1 ? "" : "s");
	for (size_t e = 0; e < g->nenv; e++)
		fprintf(f, "  %s hypervisor %s, kernel %s, THP %s: %zu run%s\n",
			e ? "          "
			  : (g->nenv > 1 ? "MIXED env:" : "env:      "),
			or_none(g->env[e].hypervisor),
			or_none(g->env[e].kernel), or_none(g->env[e].thp),
			g->env[e].runs, g->env[e].runs == 1 ? "" : "s");
	for (size_t h = 0; h < g->nhosts; h++)
		if (g->hosts[h].runs > 1)
			fprintf(f, "  host %s: %zu runs (pooled)\n",
				g->hosts[h].name, g->hosts[h].runs);
	for (size_t r = 0; r < g->nruns; r++) {
		const struct wb_merge_run *run = &m->runs[g->runs[r]];

		if (!run->complete)
			fprintf(f, "  INCOMPLETE: %s (%s): complete: false\n",
				run->f->path, run->host);
		if (run->unverified)
			fprintf(f,
				"  UNVERIFIED: %s (%s): %zu benchmark%s with "
				"an unverified page size, left out\n",
				run->f->path, run->host, run->unverified,
				run->unverified == 1 ? "" : "s");
	}
	status_text(g->status, st, sizeof(st));
	fprintf(f, "  instances not ok: %s\n", st);
	fprintf(f, "  %-*s %5s %4s %11s %11s %11s %7s %6s  %s\n", w,
		"benchmark", "hosts", "runs", "median_ns", "min_ns", "max_ns",
		"max/min", "rCV%", "outliers");
	for (size_t i = 0; i < g->nb; i++) {
		const struct wb_merge_bench *b = &g->b[i];

		outliers_text(g, b, out, sizeof(out));
		if (!b->nhv)
			fprintf(f,
				"  %-*s %5zu %4zu %11s %11s %11s %7s %6s  %s",
				w, b->name, b->nhv, b->nruns, "-", "-", "-",
				"-", "-", "no verified value");
		else
			fprintf(f,
				"  %-*s %5zu %4zu %11.4g %11.4g %11.4g %7.3f "
				"%6.1f  %s",
				w, b->name, b->nhv, b->nruns, b->median_ns,
				b->min_ns, b->max_ns, b->spread, 100 * b->rcv,
				out);
		if (b->unverified_runs)
			fprintf(f, " [%zu unverified run%s left out]",
				b->unverified_runs,
				b->unverified_runs == 1 ? "" : "s");
		fputc('\n', f);
	}
}

void wb_merge_table(FILE *f, const struct wb_merge *m)
{
	fprintf(f,
		"%zu run%s from %zu host%s, %zu CPU model%s. Per benchmark: "
		"median over hosts of each host's median real_time (ns);\n"
		"outliers: > %.0f scaled MADs and > %.0f%% from it "
		"(groups of >= %d hosts).\n",
		m->nruns, m->nruns == 1 ? "" : "s", m->nhosts,
		m->nhosts == 1 ? "" : "s", m->ng, m->ng == 1 ? "" : "s",
		WB_MERGE_OUT_MADS, 100 * WB_MERGE_OUT_MIN_DEV,
		WB_MERGE_OUT_MIN_HOSTS);
	for (size_t i = 0; i < m->ng; i++) {
		fputc('\n', f);
		table_group(f, m, &m->g[i]);
	}
}

/* Markdown table cell: '|' escaped, newlines dropped */
static void cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s != '\n' && *s != '\r')
			fputc(*s, f);
	}
}

static void md_bench_table(FILE *f, const struct wb_merge_group *g)
{
	char out[1024];

	fprintf(f, "| benchmark | hosts | runs | median ns | min ns (host) | "
		   "max ns (host) | max/min | robust CV | outliers |\n"
		   "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
		   "--- |\n");
	for (size_t i = 0; i < g->nb; i++) {
		const struct wb_merge_bench *b = &g->b[i];

		fputs("| ", f);
		cell(f, b->name);
		if (!b->nhv) {
			fprintf(f,
				" | 0 | %zu | - | - | - | - | - | "
				"no verified value |\n",
				b->nruns);
			continue;
		}
		outliers_text(g, b, out, sizeof(out));
		fprintf(f, " | %zu | %zu | %.4g | %.4g (", b->nhv, b->nruns,
			b->median_ns, b->min_ns);
		cell(f, g->hosts[b->hv[b->min_hv].host].name);
		fprintf(f, ") | %.4g (", b->max_ns);
		cell(f, g->hosts[b->hv[b->max_hv].host].name);
		fprintf(f, ") | %.3f | %.1f%% | ", b->spread, 100 * b->rcv);
		cell(f, out);
		if (b->unverified_runs)
			fprintf(f, "; %zu unverified run%s left out",
				b->unverified_runs,
				b->unverified_runs == 1 ? "" : "s");
		fputs(" |\n", f);
	}
}

static void md_files(FILE *f, const struct wb_merge *m,
		     const struct wb_merge_group *g)
{
	char st[256];

	fprintf(f, "\n| file | host | date | complete | unverified "
		   "benchmarks | instances not ok |\n"
		   "| --- | --- | --- | --- | ---: | --- |\n");
	for (size_t r = 0; r < g->nruns; r++) {
		const struct wb_merge_run *run = &m->runs[g->runs[r]];

		status_text(run->status, st, sizeof(st));
		fputs("| ", f);
		cell(f, run->f->path);
		fputs(" | ", f);
		cell(f, run->host);
		fputs(" | ", f);
		cell(f, wb_jstr(run->f->context, "date"));
		fprintf(f, " | %s | %zu | %s |\n",
			run->complete ? "yes" : "**no**", run->unverified, st);
	}
}

static void md_group(FILE *f, const struct wb_merge *m,
		     const struct wb_merge_group *g,
		     const struct wb_merge_plot *p)
{
	char st[256];

	fputs("\n## ", f);
	cell(f, or_none(g->vendor));
	fprintf(f, " family %lld model %lld: ", g->family, g->model);
	cell(f, or_none(g->model_name));
	fprintf(f, "\n\n%zu host%s, %zu run%s.", g->nhosts,
		g->nhosts == 1 ? "" : "s", g->nruns, g->nruns == 1 ? "" : "s");
	for (size_t h = 0; h < g->nhosts; h++)
		if (g->hosts[h].runs > 1)
			fprintf(f, " Host `%s` has %zu runs (pooled).",
				g->hosts[h].name, g->hosts[h].runs);
	fprintf(f, "\n\n%s:\n\n",
		g->nenv > 1 ? "**Mixed environments** (numbers below pool "
			      "them)"
			    : "Environment");
	for (size_t e = 0; e < g->nenv; e++)
		fprintf(f,
			"- hypervisor `%s`, kernel `%s`, THP `%s`: %zu run%s\n",
			or_none(g->env[e].hypervisor),
			or_none(g->env[e].kernel), or_none(g->env[e].thp),
			g->env[e].runs, g->env[e].runs == 1 ? "" : "s");
	status_text(g->status, st, sizeof(st));
	fprintf(f,
		"\nIncomplete runs: %zu. Runs with an unverified page "
		"size: %zu. Instances not ok: %s.\n\n",
		g->incomplete, g->unverified_runs, st);
	if (p->dir[0])
		fprintf(f, "Plots: [%s/index.html](%s/index.html)", p->dir,
			p->dir);
	else
		fprintf(f, "Plots (%s): `%s`", p->why, p->command);
	if (p->nfiles < g->nruns)
		fprintf(f,
			" (the first %zu of the %zu files: walkbench plot "
			"overlays at most %zu)",
			p->nfiles, g->nruns, p->nfiles);
	fputs("\n\n", f);
	md_bench_table(f, g);
	md_files(f, m, g);
}

void wb_merge_markdown(FILE *f, const struct wb_merge *m,
		       const struct wb_merge_plot *plots)
{
	fprintf(f,
		"# walkbench merge: %zu run%s, %zu host%s, %zu CPU model%s\n\n",
		m->nruns, m->nruns == 1 ? "" : "s", m->nhosts,
		m->nhosts == 1 ? "" : "s", m->ng, m->ng == 1 ? "" : "s");
	fprintf(f,
		"Grouped by CPU (vendor, family, model, model name). A host's "
		"value is the median real_time over its repetitions (its runs "
		"pooled); a benchmark's value is the median over hosts. "
		"Benchmarks with an unverified page size are left out. A host "
		"is an outlier when it lies more than %.0f scaled MADs "
		"(1.4826 x MAD) and more than %.0f%% from the median, in a "
		"group of at least %d hosts; robust CV is scaled MAD / median. "
		"The method: plots/README.md, `walkbench merge`.\n\n",
		WB_MERGE_OUT_MADS, 100 * WB_MERGE_OUT_MIN_DEV,
		WB_MERGE_OUT_MIN_HOSTS);
	fprintf(f, "| CPU | hosts | runs | environments | incomplete | "
		   "unverified |\n| --- | ---: | ---: | --- | ---: | ---: |\n");
	for (size_t i = 0; i < m->ng; i++) {
		const struct wb_merge_group *g = &m->g[i];

		fputs("| ", f);
		cell(f, g->key);
		fprintf(f, " | %zu | %zu | %zu%s | %zu | %zu |\n", g->nhosts,
			g->nruns, g->nenv, g->nenv > 1 ? " (mixed)" : "",
			g->incomplete, g->unverified_runs);
	}
	for (size_t i = 0; i < m->ng; i++)
		md_group(f, m, &m->g[i], &plots[i]);
}
