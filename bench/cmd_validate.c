// SPDX-License-Identifier: MIT
/*
 * walkbench validate RESULTS.json...: every prediction of every instance
 * against what was measured (harness/check/validate.c). All files are loaded and
 * checked before anything is printed, so bad input writes nothing. Each file
 * is first checked against the results schema compiled in
 * (results/schema.json), before any other rule reads it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "opt.h"
#include "check/validate.h"
#include "results/canon.h"
#include "results/schema_check.h"

struct validate_opts {
	bool json, quiet;
};

static const struct wb_opt validate_options[] = {
	{ WB_FLAG("--json", struct validate_opts, json),
	  .help = "print the table as JSON" },
	{ WB_FLAG("--quiet", struct validate_opts, quiet),
	  .help = "print only FAIL rows and the summary" },
	{ NULL },
};

static const struct wb_opt_table validate_table = {
	.cmd = "validate",
	.usage = "walkbench validate [--json] [--quiet] RESULTS.json...",
	.about = "Compares each instance's predictions with its facts and "
		 "counters,\nknee predictions with the knee of the curve over "
		 "instances, and\nchecks huge-page speed-up and walk-depth "
		 "ordering. Verdicts: PASS, FAIL,\nINCONCLUSIVE (measured, "
		 "not decided: the reason and the numbers), NOT\nCHECKABLE "
		 "HERE (the source is missing on this machine: listed once "
		 "per\nsource with the count of predictions).\n",
	.opts = validate_options,
	.epilog = "Exit: 0 nothing failed, 1 a check failed, 2 bad input (also "
		  "a\nfact or input that does not name its source), 4 a file "
		  "had nothing\ncheckable here.\n",
	.min_args = 1,
	.max_args = -1,
	.needs = "at least one RESULTS.json",
};

/* The missing sources of NOT CHECKABLE HERE rows, each with its count. */
struct sources {
	const char **name;
	size_t *count, n;
};

static int sources_of(const struct wb_vtable *t, struct sources *s)
{
	s->n = 0;
	s->name = calloc(t->n + 1, sizeof(*s->name));
	s->count = calloc(t->n + 1, sizeof(*s->count));
	if (!s->name || !s->count)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		const struct wb_vrow *r = &t->rows[i];
		size_t j = 0;

		if (r->verdict != WB_NOT_CHECKABLE)
			continue;
		while (j < s->n && strcmp(s->name[j], r->source))
			j++;
		if (j == s->n)
			s->name[s->n++] = r->source;
		s->count[j]++;
	}
	return 0;
}

static void sources_free(struct sources *s)
{
	free(s->name);
	free(s->count);
}

/* Rows from @first on that are not NOT CHECKABLE HERE? */
static bool checkable_from(const struct wb_vtable *t, size_t first)
{
	for (size_t i = first; i < t->n; i++)
		if (t->rows[i].verdict != WB_NOT_CHECKABLE)
			return true;
	return false;
}

static void count(const struct wb_vtable *t, size_t *c)
{
	for (int v = 0; v < WB_NVERDICTS; v++)
		c[v] = 0;
	for (size_t i = 0; i < t->n; i++)
		c[t->rows[i].verdict]++;
}

static void print_table(const struct wb_vtable *t, const struct sources *s,
			bool quiet, size_t nfiles)
{
	size_t c[WB_NVERDICTS];

	count(t, c);
	printf("%-12s %-36s %-28s %12s %12s %-15s %-4s %s\n", "kernel",
	       "params", "quantity", "predicted", "measured", "tolerance", "",
	       "reason");
	for (size_t i = 0; i < t->n; i++) {
		const struct wb_vrow *r = &t->rows[i];
		char p[32] = "-", m[32] = "-";

		/* listed once per source below, not row by row */
		if (r->verdict == WB_NOT_CHECKABLE ||
		    (quiet && r->verdict != WB_FAIL))
			continue;
		if (r->has_pred)
			snprintf(p, sizeof(p), "%.6g", r->predicted);
		if (r->has_meas)
			snprintf(m, sizeof(m), "%.6g", r->measured);
		if (nfiles > 1)
			printf("%s: ", r->file);
		printf("%-12s %-36s %-28s %12s %12s %-15s %-4s %s\n", r->kernel,
		       r->params, r->quantity, p, m, r->tol[0] ? r->tol : "-",
		       wb_verdict_name(r->verdict), r->why);
	}
	if (!quiet && s->n) {
		printf("not checkable here:\n");
		for (size_t i = 0; i < s->n; i++)
			printf("  %s: %zu prediction%s\n", s->name[i],
			       s->count[i], s->count[i] == 1 ? "" : "s");
	}
	printf("validate: %zu PASS, %zu FAIL, %zu INCONCLUSIVE, %zu NOT "
	       "CHECKABLE HERE",
	       c[WB_PASS], c[WB_FAIL], c[WB_INCONCLUSIVE], c[WB_NOT_CHECKABLE]);
	for (size_t i = 0; i < s->n; i++)
		printf("%s%s: %zu", i ? "; " : " (", s->name[i], s->count[i]);
	printf("%s\n", s->n ? ")" : "");
}

static json_t *table_json(const struct wb_vtable *t, const struct sources *s)
{
	json_t *rows = json_array(), *src = json_object(), *root;
	size_t c[WB_NVERDICTS];

	count(t, c);
	for (size_t i = 0; i < t->n; i++) {
		const struct wb_vrow *r = &t->rows[i];
		json_t *o = json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "file", r->file,
			"kernel", r->kernel, "params", r->params, "quantity",
			r->quantity, "tolerance", r->tol, "verdict",
			wb_verdict_name(r->verdict), "reason", r->why);

		json_object_set_new(o, "predicted",
				    r->has_pred ? json_real(r->predicted)
						: json_null());
		json_object_set_new(o, "measured",
				    r->has_meas ? json_real(r->measured)
						: json_null());
		json_object_set_new(o, "source",
				    r->verdict == WB_NOT_CHECKABLE
					    ? json_string(r->source)
					    : json_null());
		json_array_append_new(rows, o);
	}
	for (size_t i = 0; i < s->n; i++)
		json_object_set_new(src, s->name[i],
				    json_integer((json_int_t)s->count[i]));
	root = json_pack("{s:o,s:i,s:i,s:i,s:i,s:o}", "rows", rows, "pass",
			 (int)c[WB_PASS], "fail", (int)c[WB_FAIL],
			 "inconclusive", (int)c[WB_INCONCLUSIVE],
			 "not_checkable", (int)c[WB_NOT_CHECKABLE],
			 "not_checkable_sources", src);
	return root;
}

int cmd_validate(int argc, char **argv)
{
	struct wb_vtable t = { 0 };
	json_t **roots;
	const char **files;
	struct validate_opts o = { 0 };
	struct wb_opt_parse p = { .t = &validate_table, .dst = &o };
	struct sources src = { 0 };
	int nf = 0, ret = WB_EXIT_OK;
	bool empty = false;
	size_t first;
	char why[400];
	json_t *schema = NULL;

	roots = calloc((size_t)argc, sizeof(*roots));
	files = calloc((size_t)argc, sizeof(*files));
	if (!roots || !files) {
		ret = wb_error(WB_EXIT_MISSING, "out of memory");
		goto out;
	}
	p.args = files;
	ret = wb_opt_parse(&p, argc, argv);
	if (ret || p.help)
		goto out;
	schema = wb_results_schema();
	if (!schema) {
		ret = wb_error(WB_EXIT_MISSING,
			       "validate: the compiled-in results schema does "
			       "not parse");
		goto out;
	}
	for (int i = 0; i < p.nargs; i++) {
		json_error_t e;

		roots[nf] = json_load_file(files[i], 0, &e);
		if (!roots[nf]) {
			ret = wb_error(WB_EXIT_USAGE,
				       "validate: %s: %s (line %d)", files[i],
				       e.text, e.line);
			goto out;
		}
		ret = wb_schema_check(schema, roots[nf], why, sizeof(why));
		if (ret) {
			nf++;
			ret = wb_error(ret == -EINVAL ? WB_EXIT_USAGE
						      : WB_EXIT_MISSING,
				       "validate: %s: %s (%s)", files[i], why,
				       wb_results_schema_id(schema));
			goto out;
		}
		if (wb_validate_shape(roots[nf], why, sizeof(why)) ||
		    wb_validate_sources(roots[nf], why, sizeof(why))) {
			nf++;
			ret = wb_error(WB_EXIT_USAGE, "validate: %s: %s",
				       files[i], why);
			goto out;
		}
		/* old files carry numbers where names are written now */
		wb_results_canonical(roots[nf]);
		first = t.n;
		if (wb_validate_file(roots[nf], files[i], &t)) {
			nf++;
			ret = wb_error(WB_EXIT_MISSING,
				       "validate: out of memory");
			goto out;
		}
		nf++;
		/* a file that checked nothing must not pass as one that
		 * checked everything */
		empty |= !checkable_from(&t, first);
	}
	if (sources_of(&t, &src)) {
		ret = wb_error(WB_EXIT_MISSING, "validate: out of memory");
		goto out;
	}
	if (o.json) {
		json_t *j = table_json(&t, &src);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		print_table(&t, &src, o.quiet, (size_t)nf);
	}
	if (empty)
		ret = WB_EXIT_SKIPPED;
	for (size_t i = 0; i < t.n; i++)
		if (t.rows[i].verdict == WB_FAIL)
			ret = WB_EXIT_FAILED;
out:
	json_decref(schema);
	for (int i = 0; i < nf; i++)
		json_decref(roots[i]);
	free(roots);
	free(files);
	sources_free(&src);
	wb_vtable_free(&t);
	return ret;
}
