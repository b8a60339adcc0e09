// SPDX-License-Identifier: MIT
/*
 * gbshim.h in C, for the fully static walkbench (make static): Debian ships
 * no static Google Benchmark. It follows the library's method (grow the
 * iteration count until one batch lasts min_time, then time each
 * repetition as one batch; real time from CLOCK_MONOTONIC, CPU time from
 * the process clock) and writes the same JSON shape: one "iteration" entry
 * per repetition, then mean/median/stddev/cv aggregates. The count found
 * for the first repetition is reused by the others. Results from it say
 * gb_library_build_type "static-shim", so they are never mistaken for the
 * library's.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner/gbshim.h"

#define MAX_REPS 1000
#define MAX_ITERS 1000000000ull

struct rep {
	uint64_t iters;
	double real_ns, cpu_ns; /* per iteration */
	struct gb_counter c[GB_MAX_COUNTERS];
	int nc;
};

static double clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void batch(const struct gb_instance *in, uint64_t n, struct rep *r)
{
	double t0, c0;

	if (in->prepare)
		in->prepare(in->state, n);
	if (in->counters_begin)
		in->counters_begin(in->counters_arg, n);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	t0 = clock_s(CLOCK_MONOTONIC);
	in->run(in->state, n);
	r->real_ns = (clock_s(CLOCK_MONOTONIC) - t0) * 1e9;
	r->cpu_ns = (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e9;
	r->nc = in->counters_end ? in->counters_end(in->counters_arg, r->c,
						    GB_MAX_COUNTERS)
				 : 0;
	r->iters = n;
}

/* Google Benchmark's growth rule: x1.4 past the target when the last batch
 * was a significant fraction of it, else x10. */
static void find_iterations(const struct gb_instance *in, struct rep *r)
{
	double min_ns = (in->min_time_s > 0 ? in->min_time_s : 0.1) * 1e9;
	uint64_t n = 1;

	if (in->fixed_iterations) {
		batch(in, in->fixed_iterations, r);
		return;
	}
	for (;;) {
		double mult;

		batch(in, n, r);
		if (r->real_ns >= min_ns || n >= MAX_ITERS)
			return;
		mult = r->real_ns / min_ns > 0.1
			       ? min_ns * 1.4 /
					 (r->real_ns > 1 ? r->real_ns : 1)
			       : 10.0;
		n = (uint64_t)((double)n * mult) > n + 1
			    ? (uint64_t)((double)n * mult)
			    : n + 1;
		if (n > MAX_ITERS)
			n = MAX_ITERS;
	}
}

static json_t *entry(const struct gb_instance *in, const char *agg, int reps,
		     int index, uint64_t iters, double real, double cpu)
{
	char name[256];
	json_t *e;

	snprintf(name, sizeof(name), "%s%s%s", in->name, agg ? "_" : "",
		 agg ? agg : "");
	e = json_pack("{s:s,s:i,s:i,s:s,s:s,s:i,s:i,s:I,s:f,s:f,s:s}", "name",
		      name, "family_index", 0, "per_family_instance_index", 0,
		      "run_name", in->name, "run_type",
		      agg ? "aggregate" : "iteration", "repetitions", reps,
		      "threads", 1, "iterations", (json_int_t)iters,
		      "real_time", real, "cpu_time", cpu, "time_unit", "ns");
	if (!e)
		return NULL;
	if (agg) {
		json_object_set_new(e, "aggregate_name", json_string(agg));
		json_object_set_new(
			e, "aggregate_unit",
			json_string(strcmp(agg, "cv") ? "time" : "percentage"));
	} else {
		json_object_set_new(e, "repetition_index", json_integer(index));
	}
	return e;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* mean, median, stddev (n-1) or cv of @v */
static double stat(double *v, int n, const char *which)
{
	double mean = 0, ss = 0;

	for (int i = 0; i < n; i++)
		mean += v[i] / n;
	if (!strcmp(which, "mean"))
		return mean;
	if (!strcmp(which, "median")) {
		qsort(v, (size_t)n, sizeof(*v), cmp_double);
		return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	for (int i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	ss = n > 1 ? sqrt(ss / (n - 1)) : 0;
	return !strcmp(which, "stddev") ? ss : mean != 0 ? ss / mean : NAN;
}

static void add_aggregates(const struct gb_instance *in, struct rep *r,
			   int reps, json_t *arr)
{
	static const char *const aggs[] = { "mean", "median", "stddev", "cv" };
	double v[MAX_REPS], c[MAX_REPS];

	for (size_t a = 0; a < 4; a++) {
		json_t *e;

		for (int i = 0; i < reps; i++) {
			v[i] = r[i].real_ns;
			c[i] = r[i].cpu_ns;
		}
		e = entry(in, aggs[a], reps, 0, (uint64_t)reps,
			  stat(v, reps, aggs[a]), stat(c, reps, aggs[a]));
		if (!e)
			continue;
		for (int k = 0; k < r[0].nc; k++) {
			double x;

			for (int i = 0; i < reps; i++)
				v[i] = r[i].c[k].value;
			x = stat(v, reps, aggs[a]);
			if (isfinite(x))
				json_object_set_new(e, r[0].c[k].name,
						    json_real(x));
		}
		json_array_append_new(arr, e);
	}
}

int gb_run(const struct gb_instance *in, char **json)
{
	struct rep *r;
	json_t *root, *arr;
	int reps;

	*json = NULL;
	if (!in || !in->run || !in->name || in->repetitions < 1)
		return -EINVAL;
	reps = in->repetitions > MAX_REPS ? MAX_REPS : in->repetitions;
	r = calloc((size_t)reps, sizeof(*r));
	arr = json_array();
	if (!r || !arr) {
		free(r);
		json_decref(arr);
		return -ENOMEM;
	}
	find_iterations(in, &r[0]);
	for (int i = 1; i < reps; i++)
		batch(in, r[0].iters, &r[i]);
	for (int i = 0; i < reps; i++) {
		double n = (double)r[i].iters;
		json_t *e;

		r[i].real_ns /= n;
		r[i].cpu_ns /= n;
		for (int k = 0; k < r[i].nc; k++)
			r[i].c[k].value /= n;
		e = entry(in, NULL, reps, i, r[i].iters, r[i].real_ns,
			  r[i].cpu_ns);
		for (int k = 0; e && k < r[i].nc; k++)
			if (isfinite(r[i].c[k].value))
				json_object_set_new(e, r[i].c[k].name,
						    json_real(r[i].c[k].value));
		if (e)
			json_array_append_new(arr, e);
	}
	if (reps > 1)
		add_aggregates(in, r, reps, arr);
	free(r);
	root = json_pack("{s:o}", "benchmarks", arr);
	*json = root ? json_dumps(root, 0) : NULL;
	json_decref(root);
	return *json ? 0 : -ENOMEM;
}

int gb_context(char **json)
{
	char host[128] = "", date[64];
	time_t t = time(NULL);
	struct tm tm;
	json_t *root;

	gethostname(host, sizeof(host) - 1);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	root = json_pack("{s:{s:s,s:s,s:i,s:[],s:s}}", "context", "date", date,
			 "host_name", host, "num_cpus",
			 (int)sysconf(_SC_NPROCESSORS_ONLN), "caches",
			 "library_build_type", gb_library_build_type());
	*json = root ? json_dumps(root, 0) : NULL;
	json_decref(root);
	return *json ? 0 : -ENOMEM;
}

const char *gb_library_build_type(void)
{
	return "static-shim";
}
