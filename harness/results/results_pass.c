// SPDX-License-Identifier: MIT
/*
 * Passes: a run may measure every instance several times, each time in a
 * fresh child with fresh memory, and pool the repetitions. Between two
 * processes the physical frames, their cache colours and the host's
 * backing of them change; within one process they do not, so repetitions
 * of one child alone understate how much two runs can differ.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/host_backing.h"
#include "results/results.h"
#include "check/stats.h"

/* Fields that describe an entry rather than measure it. */
static const char *const not_measured[] = {
	"family_index", "per_family_instance_index",
	"repetitions",	"repetition_index",
	"threads",	"iterations",
	"pass",		NULL,
};

static int is_measured(const char *key)
{
	for (int i = 0; not_measured[i]; i++)
		if (!strcmp(key, not_measured[i]))
			return 0;
	return 1;
}

enum agg {
	AGG_MEAN,
	AGG_MEDIAN,
	AGG_STDDEV,
	AGG_CV,
	AGG_N
};
static const char *const agg_name[AGG_N] = { "mean", "median", "stddev", "cv" };

/* As Google Benchmark computes them: sample standard deviation, cv =
 * stddev / mean, one repetition has a deviation of 0. */
static int statistics(const double *v, size_t n, double out[AGG_N])
{
	double sum = 0, sq = 0, mean;

	for (size_t i = 0; i < n; i++) {
		sum += v[i];
		sq += v[i] * v[i];
	}
	mean = sum / (double)n;
	out[AGG_MEAN] = mean;
	out[AGG_STDDEV] =
		n > 1 ? sqrt(fmax(0, (sq / (double)n - mean * mean) *
					     ((double)n / (double)(n - 1))))
		      : 0;
	out[AGG_CV] = mean != 0 ? out[AGG_STDDEV] / mean : NAN;
	return wb_median(v, n, &out[AGG_MEDIAN]);
}

static json_t *aggregate_entry(json_t *first, size_t n, int which)
{
	json_t *e = json_object(), *v;
	const char *key,
		*run = json_string_value(json_object_get(first, "run_name"));
	char name[512];

	if (!e)
		return NULL;
	/* the identity fields of a repetition; numbers are filled later */
	json_object_foreach(first, key, v) {
		if (!json_is_number(v) || !is_measured(key))
			json_object_set(e, key, v);
	}
	json_object_del(e, "repetition_index");
	json_object_del(e, "pass");
	snprintf(name, sizeof(name), "%s_%s", run ? run : "", agg_name[which]);
	json_object_set_new(e, "name", json_string(name));
	json_object_set_new(e, "run_type", json_string("aggregate"));
	json_object_set_new(e, "repetitions", json_integer((json_int_t)n));
	json_object_set_new(e, "aggregate_name", json_string(agg_name[which]));
	json_object_set_new(
		e, "aggregate_unit",
		json_string(which == AGG_CV ? "percentage" : "time"));
	json_object_set_new(e, "iterations", json_integer((json_int_t)n));
	return e;
}

int wb_results_aggregates(json_t *iters, json_t *out)
{
	size_t n = json_array_size(iters), i;
	json_t *first = json_array_get(iters, 0), *e, *agg[AGG_N] = { 0 };
	double *v, st[AGG_N];
	const char *key;
	json_t *val;
	int err = 0;

	if (!n)
		return 0;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int a = 0; a < AGG_N; a++) {
		agg[a] = aggregate_entry(first, n, a);
		if (!agg[a])
			err = -ENOMEM;
	}
	json_object_foreach(first, key, val) {
		size_t m = 0;

		if (err || !json_is_number(val) || !is_measured(key))
			continue;
		json_array_foreach(iters, i, e) {
			json_t *x = json_object_get(e, key);

			if (json_is_number(x))
				v[m++] = json_number_value(x);
		}
		/* a statistic of some repetitions only would mislead */
		if (m != n)
			continue;
		err = statistics(v, n, st);
		for (int a = 0; a < AGG_N && !err; a++) {
			/* cv is a ratio, not a time per unit */
			if (isnan(st[a]) ||
			    (a == AGG_CV && !strncmp(key, "ns_per_", 7)))
				continue;
			json_object_set_new(agg[a], key, json_real(st[a]));
		}
	}
	for (int a = 0; a < AGG_N; a++) {
		if (!err && json_array_append(out, agg[a]))
			err = -ENOMEM;
		json_decref(agg[a]);
	}
	free(v);
	return err;
}

/* The instance keeps the first pass's facts; a later pass can only make
 * its status worse, and its page size is verified only if every pass
 * verified it. */
static void merge_instance(json_t *old, json_t *inst, int measured, int pass)
{
	const char *st = json_string_value(json_object_get(inst, "status"));
	json_int_t np = json_integer_value(
		json_object_get(old, "passes_measured"));
	double secs = json_number_value(json_object_get(old, "seconds")) +
		      json_number_value(json_object_get(inst, "seconds"));
	char why[512];

	json_object_set_new(old, "passes_measured",
			    json_integer(np + !!measured));
	json_object_set_new(old, "seconds", json_real(secs));
	wb_host_backing_merge(old, inst);
	if (!json_is_true(json_object_get(inst, "page_size_verified")))
		json_object_set(old, "page_size_verified",
				json_object_get(inst, "page_size_verified")
					?: json_false());
	if (st && strcmp(st, "ok")) {
		snprintf(why, sizeof(why), "pass %d: %s", pass + 1,
			 json_string_value(json_object_get(inst, "why")) ?: st);
		json_object_set_new(old, "status", json_string(st));
		json_object_set_new(old, "why", json_string(why));
		json_object_set(old, "stderr_tail",
				json_object_get(inst, "stderr_tail"));
	}
}

/* Passes beyond the run's own were added because the instance was
 * unstable (harness/DESIGN.md, "Stability"). */
static void added_pass(struct wb_results *r, json_t *inst, int pass)
{
	json_t *planned = json_object_get(inst, "passes_planned");
	json_int_t passes = json_integer_value(
		planned ?: json_object_get(r->walkbench, "passes"));

	if (passes > 0 && pass >= passes)
		json_object_set_new(inst, "passes_added",
				    json_integer(pass + 1 - passes));
}

int wb_results_add_pass(struct wb_results *r, size_t family, json_t *inst,
			const char *gb_json, const char *per_iteration,
			int pass)
{
	json_t *old = json_array_get(r->instances, family);
	json_t *iters = json_array(), *block = json_array(), *e;
	size_t start = (size_t)-1, i = 0, n;
	int err = 0;

	if (!old || !iters || !block) {
		err = old ? -ENOMEM : -EINVAL;
		goto out;
	}
	/* the instance's entries are one block; pull them out */
	while (i < json_array_size(r->benchmarks)) {
		e = json_array_get(r->benchmarks, i);
		if ((size_t)json_integer_value(
			    json_object_get(e, "family_index")) != family) {
			i++;
			continue;
		}
		if (start == (size_t)-1)
			start = i;
		if (!json_object_get(e, "aggregate_name"))
			json_array_append(iters, e);
		json_array_remove(r->benchmarks, i);
	}
	if (start == (size_t)-1)
		start = json_array_size(r->benchmarks);
	if (gb_json) {
		json_t *fresh = json_array();

		err = fresh ? wb_results_entries(inst, gb_json, per_iteration,
						 family, pass, fresh)
			    : -ENOMEM;
		json_array_foreach(fresh, i, e) {
			if (!err && !json_object_get(e, "aggregate_name"))
				json_array_append(iters, e);
		}
		json_decref(fresh);
	}
	n = json_array_size(iters);
	json_array_foreach(iters, i, e) {
		json_object_set_new(e, "repetition_index", json_integer(i));
		json_object_set_new(e, "repetitions", json_integer(n));
		json_array_append(block, e);
	}
	if (!err && n > 1)
		err = wb_results_aggregates(iters, block);
	json_array_foreach(block, i, e) {
		if (json_array_insert(r->benchmarks, start + i, e))
			err = -ENOMEM;
	}
	merge_instance(old, inst, gb_json != NULL, pass);
	added_pass(r, old, pass);
	if (!err) {
		struct wb_stability st;
		int jerr = wb_results_judge(r, family, &st);

		/* not judged is no error of the file */
		if (jerr != -ENODATA && jerr != -EINVAL)
			err = jerr;
	}
out:
	json_decref(inst);
	json_decref(iters);
	json_decref(block);
	return err;
}

int wb_results_drop_warmup(json_t *gb)
{
	json_t *bm = json_object_get(gb, "benchmarks"), *iters, *e;
	size_t i = 0, n;
	int first = 1, err = 0;

	if (!json_is_array(bm))
		return -EINVAL;
	iters = json_array();
	if (!iters)
		return -ENOMEM;
	/* the first repetition goes, and the library's aggregates with it */
	while (i < json_array_size(bm)) {
		e = json_array_get(bm, i);
		if (json_object_get(e, "aggregate_name")) {
			json_array_remove(bm, i);
		} else if (first) {
			first = 0;
			json_array_remove(bm, i);
		} else {
			json_array_append(iters, e);
			i++;
		}
	}
	n = json_array_size(iters);
	json_array_foreach(iters, i, e) {
		json_object_set_new(e, "repetition_index", json_integer(i));
		json_object_set_new(e, "repetitions", json_integer(n));
	}
	if (n > 1)
		err = wb_results_aggregates(iters, bm);
	json_decref(iters);
	return err;
}
