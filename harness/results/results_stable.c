// SPDX-License-Identifier: MIT
/*
 * An instance's stability over the processes that measured it
 * (check/stability.h), kept in its instance object and rewritten
 * whenever a pass joins its repetitions: a reader of the file sees
 * whether its median is one number or falls between modes without
 * recomputing anything.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/host_backing.h"
#include "results/results.h"
#include "results/resultsread.h"

/* a number, or null where the test has none (never a made-up 0) */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *modes_json(const struct wb_stability *s)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < s->nmodes; k++) {
		const struct wb_mode *m = &s->modes[k];

		json_array_append_new(a,
				      json_pack("{s:o,s:o,s:o,s:I}", "median",
						num(m->median), "lo",
						num(m->lo), "hi", num(m->hi),
						"processes", (json_int_t)m->n));
	}
	return a;
}

json_t *wb_stability_json(const struct wb_stability *s, int passes_added)
{
	char test[384];
	json_t *o;

	snprintf(test, sizeof(test),
		 "unstable when the slowest process's median exceeds the "
		 "fastest's by more than max(%.0f%%, %.0f x the median "
		 "half-range of a process's repetitions); modes split at "
		 "gaps over half that; resolved when every mode has 2 or "
		 "more processes; with 6 or more, up to one process in %d "
		 "at the ends may be set aside as an outlier when the rest "
		 "then pass",
		 WB_STABLE_MIN_TOL * 100, WB_STABLE_WITHIN_K,
		 WB_OUTLIER_ONE_IN);
	o = json_pack("{s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:i}", "test",
		      test, "processes", (json_int_t)s->n, "median",
		      num(s->median), "lo", num(s->lo), "hi", num(s->hi),
		      "spread", num(s->spread), "within", num(s->within),
		      "tolerance", num(s->tolerance), "modes", modes_json(s),
		      "resolved", s->resolved, "passes_added", passes_added);
	if (o && s->noutliers) {
		json_t *a = json_array();

		for (size_t i = 0; a && i < s->noutliers; i++)
			json_array_append_new(a, num(s->outliers[i]));
		json_object_set_new(o, "outliers", a);
	}
	return o;
}

bool wb_results_ok(const struct wb_results *r, size_t family)
{
	json_t *inst = json_array_get(r->instances, family);
	const char *st = json_string_value(json_object_get(inst, "status"));

	return st && !strcmp(st, "ok");
}

int wb_results_judge(struct wb_results *r, size_t family,
		     struct wb_stability *st)
{
	json_t *inst = json_array_get(r->instances, family), *e, *block;
	size_t n = json_array_size(r->benchmarks), m = 0, i;
	json_t **reps;
	int err;

	memset(st, 0, sizeof(*st));
	if (!inst)
		return -EINVAL;
	reps = calloc(n ? n : 1, sizeof(*reps));
	if (!reps)
		return -ENOMEM;
	json_array_foreach(r->benchmarks, i, e) {
		if ((size_t)json_integer_value(
			    json_object_get(e, "family_index")) == family &&
		    !json_object_get(e, "aggregate_name"))
			reps[m++] = e;
	}
	/* times that cannot be tested (none, or not positive) and a single
	 * process leave the instance not judged: no field at all */
	err = m ? wb_reps_stability(reps, m, st) : -ENODATA;
	if (!err && !st->judged)
		err = -ENODATA;
	if (err) {
		free(reps);
		json_object_del(inst, "stable");
		json_object_del(inst, "stability");
		return err;
	}
	block = wb_stability_json(st, (int)json_integer_value(json_object_get(
					      inst, "passes_added")));
	/* do the modes follow the host's backing of each process? */
	if (block && !st->stable)
		err = wb_host_backing_record(block, reps, m, st);
	free(reps);
	if (!block || err) {
		json_decref(block);
		return block ? err : -ENOMEM;
	}
	json_object_set_new(inst, "stable", json_boolean(st->stable));
	json_object_set_new(inst, "stability", block);
	return 0;
}
