// SPDX-License-Identifier: MIT
/* walkbench list [--json]: every kernel, its parameters, and whether it can
 * run on this machine (and if not, why). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "opt.h"
#include "core/env.h"
#include "runner/kernel.h"
#include "runner/needs.h"
#include "runner/plan.h"

static json_t *param_json(const struct wb_param *p)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "name", p->name,
			      "unit", p->unit, "help", p->help ? p->help : "",
			      "default", (json_int_t)p->def, "quick",
			      (json_int_t)p->quick, "min", (json_int_t)p->min,
			      "max", (json_int_t)p->max);

	if (p->choices) {
		json_t *c = json_array();

		for (const uint64_t *v = p->choices; *v; v++)
			json_array_append_new(c, json_integer((json_int_t)*v));
		json_object_set_new(o, "choices", c);
		if (p->names) {
			json_t *n = json_object();

			/* a script maps names and numbers both ways */
			for (const uint64_t *v = p->choices; *v; v++)
				if (wb_param_value_name(p, *v))
					json_object_set_new(
						n, wb_param_value_name(p, *v),
						json_integer((json_int_t)*v));
			json_object_set_new(o, "names", n);
		}
	} else if (p->per_octave) {
		json_object_set_new(
			o, "sweep",
			json_pack("{s:I,s:I,s:I,s:i,s:i}", "lo",
				  (json_int_t)p->lo, "hi", (json_int_t)p->hi,
				  "quick_hi", (json_int_t)p->quick_hi,
				  "per_octave", p->per_octave,
				  "quick_per_octave", p->quick_per_octave));
	}
	return o;
}

static void print_params(const struct wb_kernel *k)
{
	for (int i = 0; k->params && k->params[i].name; i++) {
		const struct wb_param *p = &k->params[i];
		char a[32], b[32];

		printf("    --param %s=V  %s [%s", p->name,
		       p->help ? p->help : "", p->unit);
		if (p->choices) {
			printf(": ");
			for (const uint64_t *v = p->choices; *v; v++)
				printf("%s%s", v == p->choices ? "" : "|",
				       wb_param_format(p, *v, a, sizeof(a)));
		} else if (p->per_octave) {
			printf(", swept %s..%s",
			       wb_param_format(p, p->lo, a, sizeof(a)),
			       wb_param_format(p, p->hi, b, sizeof(b)));
		} else {
			printf(", default %s",
			       wb_param_format(p, p->def, a, sizeof(a)));
		}
		printf("]\n");
	}
}

struct list_opts {
	bool json;
};

static const struct wb_opt list_options[] = {
	{ WB_FLAG("--json", struct list_opts, json),
	  .help = "the same as a JSON array" },
	{ NULL },
};

static const struct wb_opt_table list_table = {
	.cmd = "list",
	.usage = "walkbench list [--json]",
	.about =
		"Lists every kernel with its suite, parameters, whether "
		"it\ncan run on this machine (if not, why) and whether it runs "
		"on arm64\n(arm64:yes, arm64:4K with the 4K granule only, "
		"arm64:no).\n",
	.opts = list_options,
};

int cmd_list(int argc, char **argv)
{
	struct wb_sysinfo sys;
	struct list_opts o = { 0 };
	struct wb_opt_parse p = { .t = &list_table, .dst = &o };
	int err = wb_opt_parse(&p, argc, argv);
	json_t *arr;

	if (err || p.help)
		return err;
	wb_env_probe(&sys);
	arr = json_array();
	for (int i = 0; wb_kernels[i]; i++) {
		const struct wb_kernel *k = wb_kernels[i];
		char why[160] = "", arm[64];
		int ok = wb_needs_check(k->requires, &sys, why, sizeof(why)) ==
			 0;
		bool arm64 = wb_needs_arm64(k->requires, arm, sizeof(arm));
		json_t *params = json_array();

		for (int j = 0; k->params && k->params[j].name; j++)
			json_array_append_new(params,
					      param_json(&k->params[j]));
		json_array_append_new(
			arr,
			json_pack("{s:s,s:s,s:s,s:s,s:o,s:b,s:s,s:b,s:s}",
				  "name", k->name, "suite", k->suite, "summary",
				  k->summary ? k->summary : "", "per_iteration",
				  k->per_iteration ? k->per_iteration
						   : "iteration",
				  "params", params, "runnable", ok, "why", why,
				  "arm64", arm64, "arm64_why", arm));
		if (!o.json) {
			printf("%-14s %-10s %-4s %-9s %s%s%s\n", k->name,
			       k->suite, ok ? "yes" : "no",
			       !arm64 ? "arm64:no"
			       : *arm ? "arm64:4K"
				      : "arm64:yes",
			       k->summary ? k->summary : "",
			       ok ? "" : " -- cannot run here: ", why);
			print_params(k);
		}
	}
	if (o.json) {
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(arr);
	return 0;
}
