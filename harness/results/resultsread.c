// SPDX-License-Identifier: MIT
/* Loading and checking a results file; the format is results/README.md. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results/results.h"
#include "results/resultsread.h"
#include "check/stats.h"

const char *wb_jstr(const json_t *obj, const char *key)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : "";
}

double wb_jnum(const json_t *obj, const char *key)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}

double wb_inst_fact(const json_t *inst, const char *key, bool *ok)
{
	double v = wb_jnum(inst ? json_object_get(inst, "facts") : NULL, key);

	if (isnan(v)) {
		*ok = false;
		return 0;
	}
	return v;
}

static int bad(char *why, size_t len, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(char *why, size_t len, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, len, "%s: ", path);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
	/* one line, whatever jansson or the file put in a string */
	for (char *p = why; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return -EINVAL;
}

static double unit_to_ns(const char *u)
{
	if (!strcmp(u, "ns"))
		return 1;
	if (!strcmp(u, "us"))
		return 1e3;
	if (!strcmp(u, "ms"))
		return 1e6;
	if (!strcmp(u, "s"))
		return 1e9;
	return 0;
}

static struct wb_rbench *group_for(struct wb_rfile *r, const char *name,
				   size_t cap)
{
	/* entries below nb all have a name; the analyzer loses nb across
	 * the jansson calls and looks at the calloc'd ones beyond it */
	for (size_t i = r->nb; i-- > 0;) {
		// NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
		if (!strcmp(r->b[i].name, name))
			return &r->b[i];
	}
	if (r->nb >= cap)
		return NULL;
	r->b[r->nb].name = name;
	r->b[r->nb].page_size_verified = true;
	return &r->b[r->nb++];
}

static int check_instances(struct wb_rfile *r, char *why, size_t len)
{
	size_t i;
	json_t *in;

	r->instances = json_object_get(r->wb, "instances");
	if (!r->instances) {
		r->instances = json_array();
		json_object_set_new(r->wb, "instances", r->instances);
		return r->instances ? 0 : -ENOMEM;
	}
	if (!json_is_array(r->instances))
		return bad(why, len, r->path,
			   "context.walkbench.instances is not an array");
	json_array_foreach(r->instances, i, in) {
		if (!json_is_object(in) || !*wb_jstr(in, "name") ||
		    !*wb_jstr(in, "status"))
			return bad(why, len, r->path,
				   "context.walkbench.instances[%zu] lacks a "
				   "name or status",
				   i);
	}
	return 0;
}

/* Checks one "iteration" entry and adds it to its name's group. */
static int add_rep(struct wb_rfile *r, json_t *e, size_t i, size_t cap,
		   char *why, size_t len)
{
	const char *name = wb_jstr(e, "name");
	json_t *rt = json_object_get(e, "real_time");
	json_t *params = json_object_get(e, "params");
	json_t *psv = json_object_get(e, "page_size_verified");
	double scale = unit_to_ns(wb_jstr(e, "time_unit"));
	struct wb_rbench *g;

	if (!json_is_number(rt) || !(json_number_value(rt) >= 0))
		return bad(why, len, r->path,
			   "benchmarks[%zu] '%s': real_time is missing or "
			   "not a non-negative number",
			   i, name);
	if (!scale)
		return bad(why, len, r->path,
			   "benchmarks[%zu] '%s': time_unit '%s' is not one "
			   "of ns, us, ms, s",
			   i, name, wb_jstr(e, "time_unit"));
	if (params && !json_is_object(params))
		return bad(why, len, r->path,
			   "benchmarks[%zu] '%s': params is not an object", i,
			   name);
	if (psv && !json_is_boolean(psv))
		return bad(why, len, r->path,
			   "benchmarks[%zu] '%s': page_size_verified is not "
			   "true or false",
			   i, name);
	if (json_object_get(e, "pass") &&
	    !(json_is_integer(json_object_get(e, "pass")) &&
	      json_integer_value(json_object_get(e, "pass")) >= 0))
		return bad(why, len, r->path,
			   "benchmarks[%zu] '%s': pass is not an integer >= 0",
			   i, name);
	g = group_for(r, name, cap);
	if (!g)
		return -ENOMEM;
	if (!g->nreps) {
		g->suite = wb_jstr(e, "suite");
		g->kernel = wb_jstr(e, "kernel");
		g->params = params;
	}
	/* grow at powers of two */
	if (g->nreps < 4 || !(g->nreps & (g->nreps - 1))) {
		size_t n = g->nreps < 4 ? 4 : 2 * g->nreps;
		/* an array of pointers: the element size is a pointer's */
		// NOLINTNEXTLINE(bugprone-sizeof-expression)
		json_t **reps = realloc(g->reps, n * sizeof(*reps));
		double *t;

		if (!reps)
			return -ENOMEM;
		g->reps = reps;
		t = realloc(g->real_time_ns, n * sizeof(*t));
		if (!t)
			return -ENOMEM;
		g->real_time_ns = t;
	}
	if (!json_is_true(psv))
		g->page_size_verified = false;
	g->reps[g->nreps] = e;
	g->real_time_ns[g->nreps++] = json_number_value(rt) * scale;
	return 0;
}

static int check_benchmarks(struct wb_rfile *r, char *why, size_t len)
{
	json_t *bm = json_object_get(r->root, "benchmarks"), *e;
	size_t i, cap;
	int err;

	if (!json_is_array(bm))
		return bad(why, len, r->path,
			   "no 'benchmarks' array (not a results file?)");
	cap = json_array_size(bm);
	r->b = calloc(cap ? cap : 1, sizeof(*r->b));
	if (!r->b)
		return -ENOMEM;
	json_array_foreach(bm, i, e) {
		const char *rt = wb_jstr(e, "run_type");

		if (!json_is_object(e))
			return bad(why, len, r->path,
				   "benchmarks[%zu] is not an object", i);
		if (!*wb_jstr(e, "name"))
			return bad(why, len, r->path,
				   "benchmarks[%zu] has no name", i);
		if (strcmp(rt, "iteration") && strcmp(rt, "aggregate"))
			return bad(why, len, r->path,
				   "benchmarks[%zu] '%s': run_type '%s' is not "
				   "iteration or aggregate",
				   i, wb_jstr(e, "name"), rt);
		/* aggregates repeat the repetitions; a failed run measured
		 * nothing */
		if (!strcmp(rt, "aggregate") ||
		    json_is_true(json_object_get(e, "error_occurred")))
			continue;
		err = add_rep(r, e, i, cap, why, len);
		if (err)
			return err;
	}
	return 0;
}

int wb_rfile_load(const char *path, struct wb_rfile *r, char *why, size_t len)
{
	return wb_rfile_load_fixed(path, r, NULL, why, len);
}

int wb_rfile_load_fixed(const char *path, struct wb_rfile *r,
			void (*fix)(json_t *root), char *why, size_t len)
{
	json_error_t jerr;
	struct stat st;
	int err;

	memset(r, 0, sizeof(*r));
	r->path = path;
	if (stat(path, &st)) {
		err = -errno;
		bad(why, len, path, "%s", strerror(-err));
		return err;
	}
	if (!st.st_size)
		return bad(why, len, path, "empty file");
	r->root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!r->root)
		return bad(why, len, path,
			   "not valid JSON (line %d column %d: %s)", jerr.line,
			   jerr.column, jerr.text);
	if (fix && r->root)
		fix(r->root);
	err = -EINVAL;
	r->context = json_object_get(r->root, "context");
	if (!json_is_object(r->root) || !json_is_object(r->context))
		bad(why, len, path,
		    "no 'context' object (not a results file?)");
	else if (!json_is_object(
			 r->wb = json_object_get(r->context, "walkbench")))
		bad(why, len, path,
		    "no context.walkbench object (not written by walkbench)");
	else if (json_integer_value(json_object_get(r->wb, "schema_version")) >
		 WB_RESULTS_SCHEMA)
		bad(why, len, path,
		    "schema_version %lld is newer than this walkbench reads "
		    "(%d)",
		    (long long)json_integer_value(
			    json_object_get(r->wb, "schema_version")),
		    WB_RESULTS_SCHEMA);
	else if (!json_is_object(r->env = json_object_get(r->wb, "env")))
		bad(why, len, path, "no context.walkbench.env object");
	else if (!(err = check_instances(r, why, len)))
		err = check_benchmarks(r, why, len);
	if (err == -ENOMEM)
		bad(why, len, path, "out of memory");
	if (err) {
		wb_rfile_free(r);
		return err;
	}
	for (size_t i = 0; i < r->nb; i++) {
		size_t k;
		json_t *in;

		json_array_foreach(r->instances, k, in) {
			/* every entry below nb was named by group_for() */
			// NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
			if (!strcmp(wb_jstr(in, "name"), r->b[i].name))
				r->b[i].instance = in;
		}
	}
	return 0;
}

void wb_rfile_free(struct wb_rfile *r)
{
	for (size_t i = 0; i < r->nb; i++) {
		free(r->b[i].reps);
		free(r->b[i].real_time_ns);
	}
	free(r->b);
	json_decref(r->root);
	memset(r, 0, sizeof(*r));
}

const struct wb_rbench *wb_rfile_find(const struct wb_rfile *r,
				      const char *name)
{
	for (size_t i = 0; i < r->nb; i++)
		if (!strcmp(r->b[i].name, name))
			return &r->b[i];
	return NULL;
}

void wb_rbench_values(const struct wb_rbench *b, const char *key, double *out,
		      size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < b->nreps; i++) {
		double v = wb_jnum(b->reps[i], key);

		if (!isnan(v))
			out[(*n)++] = v;
	}
}

int wb_rbench_units(const struct wb_rbench *b, double **out, size_t *n,
		    bool *by_pass)
{
	double *u = malloc((b->nreps ? b->nreps : 1) * sizeof(*u));
	size_t m = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	*by_pass = b->nreps > 0;
	for (size_t i = 0; i < b->nreps; i++)
		if (!json_object_get(b->reps[i], "pass"))
			*by_pass = false;
	if (!u)
		return -ENOMEM;
	if (*by_pass) {
		/* per pass, the median of its repetitions */
		err = wb_reps_per_pass(b->reps, b->nreps, "real_time", u, NULL,
				       &m);
	} else {
		memcpy(u, b->real_time_ns, b->nreps * sizeof(*u));
		m = b->nreps;
	}
	if (err) {
		free(u);
		return err;
	}
	*out = u;
	*n = m;
	return 0;
}

double wb_rep_ns(const json_t *e)
{
	double scale = unit_to_ns(wb_jstr(e, "time_unit"));

	/* Google Benchmark's default unit when the entry names none */
	if (!json_object_get(e, "time_unit"))
		scale = 1;
	return scale ? wb_jnum(e, "real_time") * scale : NAN;
}

static double rep_value(const json_t *e, const char *key)
{
	return strcmp(key, "real_time") ? wb_jnum(e, key) : wb_rep_ns(e);
}

/* -1 for a repetition that does not say: all such are one process */
static json_int_t rep_pass(const json_t *e)
{
	const json_t *p = json_object_get(e, "pass");

	return json_is_integer(p) ? json_integer_value(p) : -1;
}

int wb_reps_per_pass(json_t *const *reps, size_t n, const char *key,
		     double *med, double *within, size_t *m)
{
	double *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	int err = 0;

	*m = 0;
	if (!tmp)
		return -ENOMEM;
	/* O(n^2) over a few dozen repetitions */
	for (size_t i = 0; i < n && !err; i++) {
		json_int_t p = rep_pass(reps[i]);
		double lo = INFINITY, hi = -INFINITY;
		size_t k = 0, seen = 0, lack = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = rep_pass(reps[j]) == p;
		if (seen)
			continue;
		for (size_t j = i; j < n; j++) {
			double v = rep_value(reps[j], key);

			if (rep_pass(reps[j]) != p)
				continue;
			if (!isfinite(v)) {
				lack++;
				continue;
			}
			tmp[k++] = v;
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
		med[*m] = NAN;
		/* a value some repetitions of the process lack is not the
		 * process's */
		if (k && !lack)
			err = wb_median(tmp, k, &med[*m]);
		if (within)
			within[*m] = k > 1 && !lack && med[*m] > 0
					     ? (hi - lo) / 2 / med[*m]
					     : NAN;
		(*m)++;
	}
	free(tmp);
	return err;
}

int wb_reps_stability(json_t *const *reps, size_t n, struct wb_stability *st)
{
	double *med = malloc((n ? n : 1) * sizeof(*med));
	double *within = malloc((n ? n : 1) * sizeof(*within));
	size_t m = 0;
	int err = n ? 0 : -EINVAL;

	memset(st, 0, sizeof(*st));
	if (!med || !within)
		err = -ENOMEM;
	if (!err)
		err = wb_reps_per_pass(reps, n, "real_time", med, within, &m);
	if (!err)
		err = wb_stability(med, within, m, st);
	free(med);
	free(within);
	return err;
}

int wb_rbench_stability(const struct wb_rbench *b, struct wb_stability *st)
{
	return wb_reps_stability(b->reps, b->nreps, st);
}

size_t wb_root_reps(json_t *root, const char *name, json_t **reps, size_t cap)
{
	json_t *e;
	size_t i, n = 0;

	json_array_foreach(json_object_get(root, "benchmarks"), i, e) {
		/* as wb_rfile_load() takes them */
		if (n < cap && !strcmp(wb_jstr(e, "name"), name) &&
		    !strcmp(wb_jstr(e, "run_type"), "iteration") &&
		    !json_is_true(json_object_get(e, "error_occurred")))
			reps[n++] = e;
	}
	return n;
}

int wb_root_stability(json_t *root, const char *name, struct wb_stability *st)
{
	size_t cap = json_array_size(json_object_get(root, "benchmarks")), n;
	json_t **reps = malloc((cap + 1) * sizeof(*reps));
	int err;

	memset(st, 0, sizeof(*st));
	if (!reps)
		return -ENOMEM;
	n = wb_root_reps(root, name, reps, cap);
	err = n ? wb_reps_stability(reps, n, st) : -ENOENT;
	free(reps);
	return err;
}
