// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "results/canon.h"
#include "runner/plan.h"

void wb_params_canonical(const char *kernel, json_t *params)
{
	const struct wb_kernel *k = kernel ? wb_kernel_find(kernel) : NULL;
	const char *key;
	json_t *v;

	if (!k || !json_is_object(params))
		return;
	json_object_foreach(params, key, v) {
		int i = wb_param_index(k, key);
		const char *name;

		if (i < 0 || !json_is_integer(v) || json_integer_value(v) < 0)
			continue;
		name = wb_param_value_name(&k->params[i],
					   (uint64_t)json_integer_value(v));
		if (name)
			json_object_set_new(params, key, json_string(name));
	}
}

/* obj[key], a name, by wb_name_canonical(); the part after @prefix (an
 * aggregate's "_mean") is kept as it is */
static void name_canonical(json_t *obj, const char *key, const char *prefix)
{
	const char *s = json_string_value(json_object_get(obj, key));
	size_t n = prefix ? strlen(prefix) : 0;
	char head[256], canon[256], out[320];

	if (!s)
		return;
	if (!n || strncmp(s, prefix, n))
		n = strlen(s);
	if (n >= sizeof(head))
		return;
	snprintf(head, sizeof(head), "%.*s", (int)n, s);
	if (wb_name_canonical(head, canon, sizeof(canon)))
		return;
	snprintf(out, sizeof(out), "%s%s", canon, s + n);
	json_object_set_new(obj, key, json_string(out));
}

static void entry_canonical(json_t *e)
{
	char run[256] = "";
	const char *r;

	if (!json_is_object(e))
		return;
	r = json_string_value(json_object_get(e, "run_name"));
	if (r)
		snprintf(run, sizeof(run), "%s", r);
	name_canonical(e, "name", *run ? run : NULL);
	name_canonical(e, "run_name", NULL);
	wb_params_canonical(json_string_value(json_object_get(e, "kernel")),
			    json_object_get(e, "params"));
}

void wb_results_canonical(json_t *root)
{
	json_t *wb = json_object_get(json_object_get(root, "context"),
				     "walkbench");
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(root, "benchmarks"), i, e)
		entry_canonical(e);
	json_array_foreach(json_object_get(wb, "instances"), i, e)
		entry_canonical(e);
}

int wb_rfile_load_named(const char *path, struct wb_rfile *r, char *why,
			size_t len)
{
	return wb_rfile_load_fixed(path, r, wb_results_canonical, why, len);
}
