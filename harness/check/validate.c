// SPDX-License-Identifier: MIT
/*
 * validate.h: results against predictions. A measured value is a fact of
 * the instance with the predicted quantity's name, else a benchmark field
 * of that name (median over repetitions); knee quantities come from the
 * curve over instances. Which predictions are knees, and the checks made
 * across instances, the kernels declare (xchecks in their descriptors):
 * nothing here names a kernel. Nothing here measures or writes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/detect.h"
#include "core/parse.h"
#include "runner/kernel.h"
#include "check/validate.h"

const char *wb_verdict_name(enum wb_verdict v)
{
	return v == WB_PASS ? "PASS" : v == WB_FAIL ? "FAIL" : "SKIP";
}

int wb_tol_check(const char *kind, double tol, double p, double m, bool *pass)
{
	if (!strcmp(kind, "exact"))
		*pass = m == p;
	else if (!strcmp(kind, "rel"))
		*pass = fabs(m - p) <= tol * fabs(p);
	else if (!strcmp(kind, "abs"))
		*pass = fabs(m - p) <= tol;
	else if (!strcmp(kind, "min"))
		*pass = m >= p;
	else if (!strcmp(kind, "max"))
		*pass = m <= p;
	else
		return -EINVAL;
	return 0;
}

void wb_vtable_free(struct wb_vtable *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}

static struct wb_vrow *add(struct wb_vtable *t, const char *file,
			   const char *kernel, const char *params,
			   const char *quantity)
{
	struct wb_vrow *r;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct wb_vrow *n = realloc(t->rows, cap * sizeof(*n));

		if (!n)
			return NULL;
		t->rows = n;
		t->cap = cap;
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->file, sizeof(r->file), "%s", file);
	snprintf(r->kernel, sizeof(r->kernel), "%s", kernel);
	snprintf(r->params, sizeof(r->params), "%s", params);
	snprintf(r->quantity, sizeof(r->quantity), "%s", quantity);
	return r;
}

int wb_validate_shape(json_t *root, char *why, size_t len)
{
	json_t *wb = json_object_get(json_object_get(root, "context"),
				     "walkbench");

	if (!json_is_object(root) || !json_is_object(wb)) {
		snprintf(why, len,
			 "not a walkbench results file "
			 "(no context.walkbench)");
		return -EINVAL;
	}
	if (!json_is_array(json_object_get(wb, "instances"))) {
		snprintf(why, len, "no context.walkbench.instances array");
		return -EINVAL;
	}
	if (!json_is_array(json_object_get(root, "benchmarks"))) {
		snprintf(why, len, "no benchmarks array");
		return -EINVAL;
	}
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Every key of @inst's @what (facts, inputs) has a valid source in
 * @inst's @sources_key. */
static int kv_sources(json_t *inst, const char *what, const char *sources_key,
		      const char *noun, char *why, size_t len)
{
	json_t *kv = json_object_get(inst, what);
	json_t *src = json_object_get(inst, sources_key);
	const char *key, *s;
	json_t *v;

	if (!kv)
		return 0;
	if (!json_is_object(kv)) {
		snprintf(why, len, "instance %s: %s is not an object",
			 str(inst, "name"), what);
		return -EINVAL;
	}
	json_object_foreach(kv, key, v) {
		s = json_string_value(json_object_get(src, key));
		if (!s || !*s) {
			snprintf(why, len,
				 "instance %s: %s %s has no source (%s)",
				 str(inst, "name"), noun, key, sources_key);
			return -EINVAL;
		}
		if (!wb_source_valid(s)) {
			snprintf(why, len,
				 "instance %s: %s %s: source '%s' is not one "
				 "of results/README.md's",
				 str(inst, "name"), noun, key, s);
			return -EINVAL;
		}
	}
	return 0;
}

int wb_validate_sources(json_t *root, char *why, size_t len)
{
	json_t *insts = json_object_get(
		json_object_get(json_object_get(root, "context"), "walkbench"),
		"instances");
	bool any_facts = false, any_sources = false;
	json_t *inst;
	size_t i;

	json_array_foreach(insts, i, inst) {
		any_facts |= json_object_size(json_object_get(inst, "facts")) >
			     0;
		any_sources |= json_object_get(inst, "fact_sources") != NULL;
	}
	/* an older file says nothing about any fact: one line for all */
	if (any_facts && !any_sources) {
		snprintf(why, len,
			 "no fact_sources: written by a walkbench that did "
			 "not record where facts were read; run it again");
		return -EINVAL;
	}
	json_array_foreach(insts, i, inst) {
		int err = kv_sources(inst, "facts", "fact_sources", "fact", why,
				     len);

		if (!err)
			err = kv_sources(inst, "inputs", "input_sources",
					 "input", why, len);
		if (err)
			return err;
	}
	return 0;
}

/* The unit of parameter @key of kernel @k ("" when either is unknown). */
static const char *param_unit(const struct wb_kernel *k, const char *key)
{
	int i = k ? wb_param_index(k, key) : -1;

	return i >= 0 && k->params[i].unit ? k->params[i].unit : "";
}

/* Byte-valued parameters as sizes (4K, 2M, 512G), other numbers as they
 * are. */
static const char *num_str(const struct wb_kernel *k, const char *key, double v,
			   char *b, size_t len)
{
	bool bytes = !strcmp(param_unit(k, key), "bytes");

	if (bytes && v >= 1024 && v == (double)(uint64_t)v &&
	    !((uint64_t)v % 1024))
		return wb_format_size((uint64_t)v, b, len);
	snprintf(b, len, "%g", v);
	return b;
}

/* "k:v k:v" from a params object of kernel @k, without @skip */
static void params_str(const struct wb_kernel *k, json_t *params,
		       const char *skip, char *out, size_t len)
{
	char b[32];
	const char *key;
	json_t *v;
	size_t o = 0;

	out[0] = 0;
	json_object_foreach(params, key, v) {
		if (skip && !strcmp(key, skip))
			continue;
		if (o >= len)
			break;
		if (json_is_string(v))
			o += snprintf(out + o, len - o, "%s%s:%s", o ? " " : "",
				      key, json_string_value(v));
		else
			o += snprintf(out + o, len - o, "%s%s:%s", o ? " " : "",
				      key,
				      num_str(k, key, json_number_value(v), b,
					      sizeof(b)));
	}
}

/* A parameter as a number: numbers as they are, sizes like "2M" parsed. */
static int param_num(json_t *params, const char *key, double *out)
{
	json_t *v = json_object_get(params, key);
	uint64_t u;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v) && !wb_parse_size(json_string_value(v), &u)) {
		*out = (double)u;
		return 0;
	}
	return -ENOENT;
}

/* Values of @key in the iteration entries of benchmark @name. */
static size_t bench_values(json_t *root, const char *name, const char *key,
			   double *out, size_t max)
{
	json_t *b;
	size_t i, n = 0;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		json_t *v = json_object_get(b, key);

		if (n < max && !strcmp(str(b, "name"), name) &&
		    !strcmp(str(b, "run_type"), "iteration") &&
		    json_is_number(v))
			out[n++] = json_number_value(v);
	}
	return n;
}

static bool usable(json_t *inst, char *why, size_t len)
{
	const char *st = str(inst, "status");

	if (strcmp(st, "ok")) {
		snprintf(why, len, "instance %s: %s", st[0] ? st : "no status",
			 str(inst, "why"));
		return false;
	}
	return true;
}

static void verdict(struct wb_vrow *r, json_t *item, double measured)
{
	const char *kind = str(item, "tolerance");
	double tol = json_number_value(json_object_get(item, "tol"));
	bool pass;

	r->has_meas = true;
	r->measured = measured;
	if (wb_tol_check(kind, tol, r->predicted, measured, &pass)) {
		r->verdict = WB_SKIP;
		snprintf(r->why, sizeof(r->why), "unknown tolerance '%s'",
			 kind);
		return;
	}
	r->verdict = pass ? WB_PASS : WB_FAIL;
	if (!pass && !r->why[0])
		snprintf(r->why, sizeof(r->why),
			 "measured outside the tolerance");
}

static void tol_str(json_t *item, char *out, size_t len)
{
	const char *kind = str(item, "tolerance");
	double tol = json_number_value(json_object_get(item, "tol"));

	if (!strcmp(kind, "exact") || !strcmp(kind, "min") ||
	    !strcmp(kind, "max"))
		snprintf(out, len, "%s", kind);
	else
		snprintf(out, len, "%s %g", kind, tol);
}

/* The knee the kernel declares for prediction @q, NULL if none. */
static const struct wb_xcheck *knee_of(const struct wb_kernel *k, const char *q)
{
	for (const struct wb_xcheck *x = k ? k->xchecks : NULL;
	     x && x->kind != WB_XCHECK_END; x++)
		if (x->kind == WB_XCHECK_KNEE && !strcmp(x->row, q))
			return x;
	return NULL;
}

/* Knee rows were already made for this (kernel, page size, quantity)? */
static bool knee_done(const struct wb_vtable *t, size_t first,
		      const char *kernel, const char *params, const char *q)
{
	size_t n = strlen(params);

	for (size_t i = first; i < t->n; i++)
		if (!strcmp(t->rows[i].kernel, kernel) &&
		    !strcmp(t->rows[i].quantity, q) &&
		    !strncmp(t->rows[i].params, params, n) &&
		    t->rows[i].params[n] == ' ')
			return true;
	return false;
}

static double fact(json_t *inst, const char *k, bool *ok)
{
	json_t *v = json_object_get(json_object_get(inst, "facts"), k);

	if (!json_is_number(v)) {
		*ok = false;
		return 0;
	}
	return json_number_value(v);
}

/* Lines of each cache level the run's environment names. */
static void cache_lines(json_t *root, double *lines, size_t *n)
{
	static const char *const lv[] = { "l1d", "l2", "llc" };
	json_t *env = json_object_get(
		json_object_get(json_object_get(root, "context"), "walkbench"),
		"env");

	*n = 0;
	for (size_t i = 0; i < 3; i++) {
		char k1[32], k2[32];
		double sz, ln;

		snprintf(k1, sizeof(k1), "%s_size_bytes", lv[i]);
		snprintf(k2, sizeof(k2), "%s_line_bytes", lv[i]);
		sz = json_number_value(json_object_get(env, k1));
		ln = json_number_value(json_object_get(env, k2));
		if (sz > 0 && ln > 0)
			lines[(*n)++] = sz / ln;
	}
}

#define REPS_MAX 64
#define CURVE_MAX 512

/* 260 KiB: too big for the stack, and a static one would be shared state */
struct curve {
	double x[CURVE_MAX], y[CURVE_MAX * REPS_MAX];
};

/*
 * The knee @kx on the curve of every usable instance of @k whose other
 * parameters are @group: pages against the time, the same knee finder and
 * the same level assignment as walkbench detect.
 */
static void knee_row_in(struct curve *c, json_t *root,
			const struct wb_kernel *k, const char *group,
			const struct wb_xcheck *kx, json_t *item,
			struct wb_vrow *r)
{
	const char *kernel = k->name, *xp = kx->param;
	double unit = 0;
	double *x = c->x, *y = c->y;
	double v[REPS_MAX];
	size_t n = 0, reps = REPS_MAX, i, nk;
	struct wb_knee kn[WB_KNEES_MAX];
	int l1, l2, pick;
	double lines[3];
	size_t nl;
	json_t *inst;

	json_array_foreach(
		json_object_get(
			json_object_get(json_object_get(root, "context"),
					"walkbench"),
			"instances"),
		i, inst) {
		json_t *params = json_object_get(inst, "params");
		double pages, div = 1;
		char g[128];
		size_t m;

		params_str(k, params, xp, g, sizeof(g));
		if (strcmp(str(inst, "kernel"), kernel) || strcmp(g, group) ||
		    strcmp(str(inst, "status"), "ok") ||
		    !json_is_true(
			    json_object_get(inst, "page_size_verified")) ||
		    param_num(params, xp, &pages) || n >= CURVE_MAX)
			continue;
		if (kx->per_fact) {
			bool ok = true;

			div = fact(inst, kx->per_fact, &ok);
			if (!ok || div <= 0)
				continue;
			pages /= div;
			unit = div;
		}
		m = bench_values(root, str(inst, "name"), kx->metric, v,
				 REPS_MAX);
		if (!m)
			continue;
		if (m < reps)
			reps = m;
		x[n] = pages;
		memcpy(y + n * REPS_MAX, v, m * sizeof(*v));
		n++;
	}
	if (n < 4) {
		r->verdict = WB_SKIP;
		snprintf(r->why, sizeof(r->why),
			 "%zu usable %s instances with %s: a knee needs 4", n,
			 kernel, group);
		return;
	}
	/* sort by pages, then pack to reps columns */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && x[b - 1] > x[b]; b--) {
			double t = x[b];

			x[b] = x[b - 1];
			x[b - 1] = t;
			memcpy(v, y + b * REPS_MAX, sizeof(v));
			memcpy(y + b * REPS_MAX, y + (b - 1) * REPS_MAX,
			       sizeof(v));
			memcpy(y + (b - 1) * REPS_MAX, v, sizeof(v));
		}
	for (size_t a = 0; a < n; a++)
		memmove(y + a * reps, y + a * REPS_MAX, reps * sizeof(*y));
	/* a 2x sweep cannot place a knee within a relative tolerance of
	 * 0.5, and its few points mix the data caches' steps in */
	for (size_t a = 1; a < n; a++)
		if (x[a] > 1.5 * x[a - 1]) {
			r->verdict = WB_SKIP;
			snprintf(r->why, sizeof(r->why),
				 "sweep too coarse for a knee (%.0f to %.0f "
				 "pages in one step)",
				 x[a - 1], x[a]);
			return;
		}
	if (wb_cp_knees(x, y, n, reps, WB_KNEE_MIN_STEP_NS, true, 1, kn, &nk)) {
		r->verdict = WB_SKIP;
		snprintf(r->why, sizeof(r->why), "knee finder failed");
		return;
	}
	cache_lines(root, lines, &nl);
	wb_cp_knees_assign(kn, nk, WB_L1_MAX_ENTRIES, lines, nl, &l1, &l2);
	pick = kx->knee == 1 ? l1 : l2;
	if (pick < 0) {
		r->verdict = WB_SKIP;
		snprintf(r->why, sizeof(r->why),
			 "no %s knee on the %zu-point curve (%.0f..%.0f pages)",
			 kx->knee == 1 ? "first" : "second", n, x[0], x[n - 1]);
		return;
	}
	snprintf(r->why, sizeof(r->why),
		 "knee in [%.0f, %.0f) pages, confidence %.2f, %zu points "
		 "(cache knees set aside)",
		 kn[pick].x, kn[pick].x_next, kn[pick].confidence, n);
	verdict(r, item, unit > 0 ? kn[pick].x * unit : kn[pick].x);
	if (r->verdict == WB_FAIL)
		strncat(r->why, ": outside the tolerance",
			sizeof(r->why) - strlen(r->why) - 1);
}

static void knee_row(json_t *root, const struct wb_kernel *k, const char *group,
		     const struct wb_xcheck *kx, json_t *item,
		     struct wb_vrow *r)
{
	struct curve *c = malloc(sizeof(*c));

	if (!c) {
		r->verdict = WB_SKIP;
		snprintf(r->why, sizeof(r->why), "out of memory");
		return;
	}
	knee_row_in(c, root, k, group, kx, item, r);
	free(c);
}

static void item_row(json_t *root, json_t *inst, json_t *item,
		     struct wb_vrow *r)
{
	const char *q = str(item, "quantity");
	json_t *fact = json_object_get(json_object_get(inst, "facts"), q);
	json_t *miss = json_object_get(json_object_get(inst, "missing_metrics"),
				       q);
	double v[REPS_MAX];
	size_t m;

	if (json_is_number(fact)) {
		verdict(r, item, json_number_value(fact));
		return;
	}
	m = bench_values(root, str(inst, "name"), q, v, REPS_MAX);
	if (m) {
		snprintf(r->why, sizeof(r->why), "median of %zu repetitions",
			 m);
		verdict(r, item, wb_cp_median(v, m));
		return;
	}
	r->verdict = WB_SKIP;
	if (json_is_string(miss))
		snprintf(r->why, sizeof(r->why), "not measured: %s",
			 json_string_value(miss));
	else
		snprintf(r->why, sizeof(r->why),
			 "no fact or counter named %s in the results", q);
}

/* The @same parameters of @x in @params; -ENOENT when one is absent. */
static int same_values(const struct wb_xcheck *x, json_t *params, double *out)
{
	for (size_t i = 0; i < WB_MAX_PARAMS && x->same[i]; i++)
		if (param_num(params, x->same[i], &out[i]))
			return -ENOENT;
	return 0;
}

static bool same_equal(const struct wb_xcheck *x, const double *a,
		       const double *b)
{
	for (size_t i = 0; i < WB_MAX_PARAMS && x->same[i]; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* WB_XCHECK_HUGE_VS_BASE, with WB_VALIDATE_TIME_SLACK */
static int huge_vs_base(json_t *root, json_t *insts, const char *file,
			const struct wb_kernel *k, const struct wb_xcheck *x,
			struct wb_vtable *t)
{
	json_t *a, *b;
	size_t i, j;

	json_array_foreach(insts, i, a) {
		json_t *pa = json_object_get(a, "params");
		double va, sa[WB_MAX_PARAMS], ta[REPS_MAX], ns_base;
		size_t na;

		if (strcmp(str(a, "kernel"), k->name) ||
		    strcmp(str(a, "status"), "ok") ||
		    param_num(pa, x->param, &va) || va != (double)x->base ||
		    same_values(x, pa, sa))
			continue;
		na = bench_values(root, str(a, "name"), x->metric, ta,
				  REPS_MAX);
		if (!na)
			continue;
		ns_base = wb_cp_median(ta, na);
		json_array_foreach(insts, j, b) {
			json_t *pb = json_object_get(b, "params");
			double vb, sb[WB_MAX_PARAMS], tb[REPS_MAX], ns;
			char params[128];
			struct wb_vrow *r;
			size_t nb;

			if (strcmp(str(b, "kernel"), k->name) ||
			    strcmp(str(b, "status"), "ok") ||
			    param_num(pb, x->param, &vb) ||
			    vb == (double)x->base || same_values(x, pb, sb) ||
			    !same_equal(x, sa, sb))
				continue;
			params_str(k, pb, NULL, params, sizeof(params));
			r = add(t, file, k->name, params, x->row);
			if (!r)
				return -ENOMEM;
			r->has_pred = true;
			r->predicted = ns_base;
			snprintf(r->tol, sizeof(r->tol), "max +%.0f%%",
				 100 * WB_VALIDATE_TIME_SLACK);
			if (!usable(b, r->why, sizeof(r->why)) ||
			    !(nb = bench_values(root, str(b, "name"), x->metric,
						tb, REPS_MAX))) {
				r->verdict = WB_SKIP;
				if (!r->why[0])
					snprintf(r->why, sizeof(r->why),
						 "no %s field", x->metric);
				continue;
			}
			ns = wb_cp_median(tb, nb);
			r->has_meas = true;
			r->measured = ns;
			r->verdict = ns <= ns_base * (1 +
						      WB_VALIDATE_TIME_SLACK)
					     ? WB_PASS
					     : WB_FAIL;
			snprintf(r->why, sizeof(r->why),
				 "huge %.2f ns vs base %.2f ns per %s "
				 "(predicted column: base)",
				 ns, ns_base, k->per_iteration);
			/* On a guest, where a process's huge pages land in
			 * host memory decides their speed, and passes can
			 * disagree: the claim is refuted only when no
			 * repetition bears it out. */
			if (r->verdict == WB_FAIL) {
				double lo = tb[0];

				for (size_t m = 1; m < nb; m++)
					lo = fmin(lo, tb[m]);
				if (lo <=
				    ns_base * (1 + WB_VALIDATE_TIME_SLACK)) {
					r->verdict = WB_SKIP;
					snprintf(
						r->why, sizeof(r->why),
						"inconclusive: huge %.2f ns vs "
						"base %.2f ns, but its fastest "
						"repetition %.2f ns is within: "
						"speed differs between "
						"processes",
						ns, ns_base, lo);
				}
			}
		}
	}
	return 0;
}

#define ORDER_MAX 16

/* WB_XCHECK_ORDER_BY_PARAM, with WB_VALIDATE_TIME_SLACK */
static int order_by_param(json_t *root, json_t *insts, const char *file,
			  const struct wb_kernel *k, const struct wb_xcheck *x,
			  struct wb_vtable *t)
{
	double pv[ORDER_MAX], ns[ORDER_MAX], sv[ORDER_MAX][WB_MAX_PARAMS];
	char names[ORDER_MAX][64];
	size_t n = 0, i;
	json_t *a;

	json_array_foreach(insts, i, a) {
		json_t *p = json_object_get(a, "params");
		double v[REPS_MAX];
		size_t m;

		if (strcmp(str(a, "kernel"), k->name) ||
		    strcmp(str(a, "status"), "ok") || n >= ORDER_MAX ||
		    param_num(p, x->param, &pv[n]) || same_values(x, p, sv[n]))
			continue;
		m = bench_values(root, str(a, "name"), x->metric, v, REPS_MAX);
		if (!m)
			continue;
		ns[n] = wb_cp_median(v, m);
		params_str(k, p, NULL, names[n], sizeof(names[n]));
		n++;
	}
	for (size_t lo = 0; lo < n; lo++)
		for (size_t hi = 0; hi < n; hi++) {
			struct wb_vrow *r;
			bool between = false;

			/* each value against the next larger one */
			if (!same_equal(x, sv[hi], sv[lo]) || pv[hi] <= pv[lo])
				continue;
			for (size_t z = 0; z < n; z++)
				if (same_equal(x, sv[z], sv[lo]) &&
				    pv[z] > pv[lo] && pv[z] < pv[hi])
					between = true;
			if (between)
				continue;
			r = add(t, file, k->name, names[hi], x->row);
			if (!r)
				return -ENOMEM;
			r->has_pred = r->has_meas = true;
			r->predicted = ns[lo];
			r->measured = ns[hi];
			snprintf(r->tol, sizeof(r->tol), "min -%.0f%%",
				 100 * WB_VALIDATE_TIME_SLACK);
			r->verdict = ns[hi] >= ns[lo] * (1 -
							 WB_VALIDATE_TIME_SLACK)
					     ? WB_PASS
					     : WB_FAIL;
			snprintf(r->why, sizeof(r->why),
				 "%.2f ns vs %.2f ns at %.23s (predicted "
				 "column)",
				 ns[hi], ns[lo], names[lo]);
		}
	return 0;
}

/* The checks across instances every kernel declares, kind by kind so that
 * rows of one kind stay together. */
static int xchecks(json_t *root, json_t *insts, const char *file,
		   struct wb_vtable *t)
{
	static const enum wb_xcheck_kind kinds[] = { WB_XCHECK_HUGE_VS_BASE,
						     WB_XCHECK_ORDER_BY_PARAM };
	int err = 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		for (size_t j = 0; wb_kernels[j]; j++) {
			const struct wb_kernel *k = wb_kernels[j];

			for (const struct wb_xcheck *x = k->xchecks;
			     x && x->kind != WB_XCHECK_END && !err; x++) {
				if (x->kind != kinds[i])
					continue;
				err = x->kind == WB_XCHECK_HUGE_VS_BASE
					      ? huge_vs_base(root, insts, file,
							     k, x, t)
					      : order_by_param(root, insts,
							       file, k, x, t);
			}
			if (err)
				return err;
		}
	return 0;
}

int wb_validate_file(json_t *root, const char *file, struct wb_vtable *t)
{
	json_t *insts = json_object_get(
		json_object_get(json_object_get(root, "context"), "walkbench"),
		"instances");
	size_t first = t->n, i;
	json_t *inst;

	json_array_foreach(insts, i, inst) {
		const char *kernel = str(inst, "kernel");
		const struct wb_kernel *k = wb_kernel_find(kernel);
		json_t *params = json_object_get(inst, "params");
		json_t *items = json_object_get(
			json_object_get(inst, "prediction"), "items");
		char ps[128], why[200];
		json_t *item;
		size_t j;
		bool ok = usable(inst, why, sizeof(why));

		json_array_foreach(items, j, item) {
			const char *q = str(item, "quantity");
			const struct wb_xcheck *kx = knee_of(k, q);
			const char *xp = kx ? kx->param : NULL;
			struct wb_vrow *r;

			params_str(k, params, xp, ps, sizeof(ps));
			if (xp && knee_done(t, first, kernel, ps, q))
				continue;
			r = add(t, file, kernel, ps, q);
			if (!r)
				return -ENOMEM;
			r->has_pred = true;
			r->predicted = json_number_value(
				json_object_get(item, "value"));
			tol_str(item, r->tol, sizeof(r->tol));
			if (xp) {
				size_t l = strlen(r->params);

				snprintf(r->params + l, sizeof(r->params) - l,
					 " (all %s)", xp);
				knee_row(root, k, ps, kx, item, r);
			} else if (!ok) {
				r->verdict = WB_SKIP;
				snprintf(r->why, sizeof(r->why), "%s", why);
			} else {
				item_row(root, inst, item, r);
			}
		}
		if (!ok && !json_array_size(items)) {
			struct wb_vrow *r;

			params_str(k, params, NULL, ps, sizeof(ps));
			r = add(t, file, kernel, ps, "-");
			if (!r)
				return -ENOMEM;
			r->verdict = WB_SKIP;
			snprintf(r->why, sizeof(r->why), "%s", why);
		}
	}
	return xchecks(root, insts, file, t);
}
