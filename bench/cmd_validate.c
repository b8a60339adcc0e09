// SPDX-License-Identifier: MIT
/*
 * walkbench validate RESULTS.json...: every prediction of every instance
 * against what was measured (harness/check/validate.c). All files are loaded and
 * checked before anything is printed, so bad input writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "opt.h"
#include "check/validate.h"

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
		 "ordering.\n",
	.opts = validate_options,
	.epilog = "Exit: 0 nothing failed, 1 a check failed, 2 bad input (also "
		  "a\n"
		  "fact or input that does not name its source).\n",
	.min_args = 1,
	.max_args = -1,
	.needs = "at least one RESULTS.json",
};

static void print_table(const struct wb_vtable *t, bool quiet, size_t nfiles)
{
	size_t c[3] = { 0 };

	printf("%-12s %-36s %-28s %12s %12s %-10s %-4s %s\n", "kernel",
	       "params", "quantity", "predicted", "measured", "tolerance", "",
	       "reason");
	for (size_t i = 0; i < t->n; i++) {
		const struct wb_vrow *r = &t->rows[i];
		char p[32] = "-", m[32] = "-";

		c[r->verdict]++;
		if (quiet && r->verdict != WB_FAIL)
			continue;
		if (r->has_pred)
			snprintf(p, sizeof(p), "%.6g", r->predicted);
		if (r->has_meas)
			snprintf(m, sizeof(m), "%.6g", r->measured);
		if (nfiles > 1)
			printf("%s: ", r->file);
		printf("%-12s %-36s %-28s %12s %12s %-10s %-4s %s\n", r->kernel,
		       r->params, r->quantity, p, m, r->tol[0] ? r->tol : "-",
		       wb_verdict_name(r->verdict), r->why);
	}
	printf("validate: %zu PASS, %zu FAIL, %zu SKIP\n", c[WB_PASS],
	       c[WB_FAIL], c[WB_SKIP]);
}

static json_t *table_json(const struct wb_vtable *t)
{
	json_t *rows = json_array(), *root;
	size_t c[3] = { 0 };

	for (size_t i = 0; i < t->n; i++) {
		const struct wb_vrow *r = &t->rows[i];
		json_t *o = json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "file", r->file,
			"kernel", r->kernel, "params", r->params, "quantity",
			r->quantity, "tolerance", r->tol, "verdict",
			wb_verdict_name(r->verdict), "reason", r->why);

		c[r->verdict]++;
		json_object_set_new(o, "predicted",
				    r->has_pred ? json_real(r->predicted)
						: json_null());
		json_object_set_new(o, "measured",
				    r->has_meas ? json_real(r->measured)
						: json_null());
		json_array_append_new(rows, o);
	}
	root = json_pack("{s:o,s:i,s:i,s:i}", "rows", rows, "pass",
			 (int)c[WB_PASS], "fail", (int)c[WB_FAIL], "skip",
			 (int)c[WB_SKIP]);
	return root;
}

int cmd_validate(int argc, char **argv)
{
	struct wb_vtable t = { 0 };
	json_t **roots;
	const char **files;
	struct validate_opts o = { 0 };
	struct wb_opt_parse p = { .t = &validate_table, .dst = &o };
	int nf = 0, ret = WB_EXIT_OK;
	char why[200];

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
	for (int i = 0; i < p.nargs; i++) {
		json_error_t e;

		roots[nf] = json_load_file(files[i], 0, &e);
		if (!roots[nf]) {
			ret = wb_error(WB_EXIT_USAGE,
				       "validate: %s: %s (line %d)", files[i],
				       e.text, e.line);
			goto out;
		}
		if (wb_validate_shape(roots[nf], why, sizeof(why)) ||
		    wb_validate_sources(roots[nf], why, sizeof(why))) {
			nf++;
			ret = wb_error(WB_EXIT_USAGE, "validate: %s: %s",
				       files[i], why);
			goto out;
		}
		if (wb_validate_file(roots[nf], files[i], &t)) {
			nf++;
			ret = wb_error(WB_EXIT_MISSING,
				       "validate: out of memory");
			goto out;
		}
		nf++;
	}
	if (o.json) {
		json_t *j = table_json(&t);

		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else {
		print_table(&t, o.quiet, (size_t)nf);
	}
	for (size_t i = 0; i < t.n; i++)
		if (t.rows[i].verdict == WB_FAIL)
			ret = WB_EXIT_FAILED;
out:
	for (int i = 0; i < nf; i++)
		json_decref(roots[i]);
	free(roots);
	free(files);
	wb_vtable_free(&t);
	return ret;
}
