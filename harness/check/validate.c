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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/detect.h"
#include "check/stability.h"
#include "check/stats.h"
#include "core/parse.h"
#include "runner/kernel.h"
#include "runner/plan.h"
#include "check/validate.h"
#include "results/resultsread.h"

const char *wb_verdict_name(enum wb_verdict v)
{
	static const char *const names[] = { "PASS", "FAIL", "INCONCLUSIVE",
					     "NOT CHECKABLE HERE" };

	return (unsigned int)v < WB_NVERDICTS ? names[v] : "?";
}

int wb_tol_check(const char *kind, double tol, double p, double m, bool *pass)
{
	if (!strcmp(kind, "exact"))
		*pass = m == p;
	else if (!strcmp(kind, "rel") || !strcmp(kind, "knee"))
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
	/* a row no rule reached must not read as a PASS */
	r->verdict = WB_INCONCLUSIVE;
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

/* A parameter of @k as a number: numbers as they are, sizes like "2M" and
 * names of enumerated values parsed. */
static int param_num(const struct wb_kernel *k, json_t *params, const char *key,
		     double *out)
{
	json_t *v = json_object_get(params, key);
	uint64_t u;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (json_is_string(v) &&
	    !wb_param_value(k, key, json_string_value(v), &u)) {
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

static void say(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Appends to the reason. */
static void add_why(struct wb_vrow *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_why(struct wb_vrow *r, const char *fmt, ...)
{
	size_t o = strlen(r->why);
	va_list ap;

	if (o >= sizeof(r->why) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(r->why + o, sizeof(r->why) - o, fmt, ap);
	va_end(ap);
}

static void set_inconclusive(struct wb_vrow *r)
{
	r->verdict = WB_INCONCLUSIVE;
}

/*
 * Whether instance @inst's time has more than one mode across the
 * processes that measured it (check/stability.h); @st gets its stability
 * and @text, when unstable, its modes with their process counts. A time
 * whose processes disagree that much is no one number: no check across
 * instances reads it. Without passes (one process) it is never unstable.
 */
static bool unstable(json_t *root, json_t *inst, struct wb_stability *st,
		     char *text, size_t len)
{
	if (wb_root_stability(root, str(inst, "name"), st) || !st->judged ||
	    st->stable)
		return false;
	wb_stability_text(st, true, text, len);
	return true;
}

/*
 * An instance that is not ok decides its rows: skipped or missing means a
 * resource this machine lacks (root, a second CPU, a hugetlb pool, a
 * paging mode), so NOT CHECKABLE HERE with that as the source; any other
 * status means the run went wrong, which refutes no prediction:
 * INCONCLUSIVE.
 */
static bool usable(json_t *inst, struct wb_vrow *r)
{
	const char *st = str(inst, "status");

	if (!strcmp(st, "ok"))
		return true;
	say(r->why, sizeof(r->why), "instance %s: %s",
	    st[0] ? st : "without a status", str(inst, "why"));
	if (!strcmp(st, "skipped") || !strcmp(st, "missing")) {
		r->verdict = WB_NOT_CHECKABLE;
		say(r->source, sizeof(r->source), "%s %s (%s)",
		    str(inst, "kernel"), st, str(inst, "why"));
	} else {
		set_inconclusive(r);
	}
	return false;
}

/*
 * Under an emulated CPU (context.walkbench.emulated: qemu's TCG) every
 * time is the emulator's: a check that reads a timing (a knee, huge vs
 * base, an order over a parameter, a fact read by the clock) is NOT
 * CHECKABLE HERE. False, with the row saying so, when @emulated.
 */
static bool timing_checkable(bool emulated, struct wb_vrow *r)
{
	if (!emulated)
		return true;
	r->verdict = WB_NOT_CHECKABLE;
	say(r->source, sizeof(r->source), "emulated CPU (TCG)");
	say(r->why, sizeof(r->why),
	    "a timing, and every time of an emulated CPU is the emulator's");
	return false;
}

static bool file_emulated(json_t *root)
{
	return json_is_true(json_object_get(
		json_object_get(json_object_get(root, "context"), "walkbench"),
		"emulated"));
}

/* The fact @q of @inst was read by the clock (source "timing"). */
static bool fact_timed(json_t *inst, const char *q)
{
	const char *src = str(json_object_get(inst, "fact_sources"), q);

	return strstr(src, "timing") != NULL;
}

static void judge(struct wb_vrow *r, json_t *item, double measured)
{
	const char *kind = str(item, "tolerance");
	double tol = json_number_value(json_object_get(item, "tol"));
	bool pass;

	r->has_meas = true;
	r->measured = measured;
	if (wb_tol_check(kind, tol, r->predicted, measured, &pass)) {
		set_inconclusive(r);
		say(r->why, sizeof(r->why), "unknown tolerance '%s'", kind);
		return;
	}
	r->verdict = pass ? WB_PASS : WB_FAIL;
	if (!pass && !r->why[0])
		say(r->why, sizeof(r->why), "measured outside the tolerance");
}

static void tol_str(json_t *item, char *out, size_t len)
{
	const char *kind = str(item, "tolerance");
	double tol = json_number_value(json_object_get(item, "tol"));

	if (!strcmp(kind, "exact") || !strcmp(kind, "min") ||
	    !strcmp(kind, "max"))
		snprintf(out, len, "%s", kind);
	else if (!strcmp(kind, "knee"))
		snprintf(out, len, "knee %g%%|step", 100 * tol);
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
	/* the points left out because their time is unstable, and every
	 * point's x, for the sweep's own step */
	double out[CURVE_MAX], all[2 * CURVE_MAX];
	size_t nout;
	char out_text[200];
};

/*
 * One sweep step at @p on the ascending grid @x: the gap between the two
 * points around it (the first or last gap outside the grid), so that a
 * knee one grid point off the prediction is within it.
 */
static double step_at(const double *x, size_t n, double p)
{
	size_t i = 0;

	while (i + 2 < n && x[i + 1] <= p)
		i++;
	return x[i + 1] - x[i];
}

/*
 * Where the rise of knee @k begins: the last sweep point up to it still
 * within WB_KNEE_MIN_RISE of the level before it, the smallest rise the
 * finder calls a step. A knee is placed where a fifth (sharp) or half
 * (gradual) of its step is reached, which for a ramp, or a step followed
 * by a much taller one, lies well past where the curve left the level.
 */
static double rise_start(const struct curve *c, size_t n, size_t reps,
			 const struct wb_knee *k)
{
	double cut = k->low * (1 + WB_KNEE_MIN_RISE), v[REPS_MAX];
	size_t i = k->idx < n ? k->idx : n - 1;

	for (;; i--) {
		memcpy(v, c->y + i * reps, reps * sizeof(*v));
		if (wb_cp_median(v, reps) <= cut || !i)
			return c->x[i];
	}
}

/*
 * Knee @pick of @kn measured for @item, in the prediction's unit (@unit:
 * bytes per point of x, 0 when x is the unit). A knee tolerance accepts
 * what is within tol x p or one sweep step of p, whichever is wider; the
 * other kinds are what they say. Outside, it is a FAIL only when no knee
 * the bootstrap agrees on (after @after, this one too) rises within it:
 * which step is the TLB's the level rules decide (detect.h), and where a
 * TLB's and a cache's steps overlap they can set the TLB's aside as the
 * cache's; where a taller step follows a TLB's ramp, the two are one knee
 * placed past the ramp.
 */
static void knee_judge(struct wb_vrow *r, json_t *item, const struct curve *c,
		       size_t n, size_t reps, const struct wb_knee *kn,
		       size_t nk, int pick, int after, double unit)
{
	const struct wb_knee *k = &kn[pick];
	double u = unit > 0 ? unit : 1, m = k->x * u, p = r->predicted;
	double tol = json_number_value(json_object_get(item, "tol"));
	const char *kind = str(item, "tolerance");
	double step, lo, hi;

	r->has_meas = true;
	r->measured = m;
	if (k->confidence < WB_VALIDATE_KNEE_CONFIDENCE) {
		set_inconclusive(r);
		add_why(r, ": confidence below %.2f, not judged",
			WB_VALIDATE_KNEE_CONFIDENCE);
		return;
	}
	if (!strcmp(kind, "knee")) {
		/* the sweep's own step: points left out as unstable do not
		 * widen what a knee may miss by */
		step = step_at(c->all, n + c->nout, p / u) * u;
		lo = p - fmax(tol * fabs(p), step);
		hi = p + fmax(tol * fabs(p), step);
		add_why(r, "; accepts [%.6g, %.6g] (%s)", lo, hi,
			step > tol * fabs(p) ? "one sweep step" : "tolerance");
	} else {
		judge(r, item, m);
		if (r->verdict == WB_INCONCLUSIVE)
			return;
		lo = !strcmp(kind, "rel") ? p - tol * fabs(p) : p;
		hi = !strcmp(kind, "rel") ? p + tol * fabs(p) : p;
	}
	if (m >= lo && m <= hi) {
		r->verdict = WB_PASS;
		return;
	}
	for (int i = after + 1; i < (int)nk; i++) {
		double x = rise_start(c, n, reps, &kn[i]) * u;

		if (kn[i].confidence < WB_VALIDATE_KNEE_CONFIDENCE ||
		    !((x >= lo && x <= hi) ||
		      (kn[i].x * u >= lo && kn[i].x * u <= hi)))
			continue;
		set_inconclusive(r);
		if (i == pick)
			add_why(r,
				": outside, but its rise leaves the level "
				"before it at %.6g, within: where on the rise "
				"the TLB's reach lies the curve does not tell",
				x);
		else
			add_why(r,
				": outside, but the step at [%.6g, %.6g) "
				"(confidence %.2f, set aside by the level "
				"rules) rises from %.6g, within: which is the "
				"TLB's the curve does not tell",
				kn[i].x * u, kn[i].x_next * u, kn[i].confidence,
				x);
		return;
	}
	r->verdict = WB_FAIL;
	add_why(r, ": outside, and no other knee rises within");
}

static int cmp_x(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * A point whose processes fell into separate modes has no place on the
 * curve: a median over them can put a step where there is none, or hide
 * one. It is left out, and its x and modes are kept to say so.
 */
static bool left_out(struct curve *c, json_t *root, json_t *inst, double x)
{
	struct wb_stability st;
	char t[128];
	size_t o = strlen(c->out_text);

	if (!unstable(root, inst, &st, t, sizeof(t)) || c->nout >= CURVE_MAX)
		return false;
	c->out[c->nout++] = x;
	if (c->nout <= 2 && o < sizeof(c->out_text))
		snprintf(c->out_text + o, sizeof(c->out_text) - o,
			 "%s%.0f pages %s", o ? ", " : "", x, t);
	else if (c->nout == 3 && o < sizeof(c->out_text))
		snprintf(c->out_text + o, sizeof(c->out_text) - o, " and more");
	return true;
}

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
	size_t n = 0, reps = REPS_MAX, i, nk, absent = 0;
	struct wb_knee kn[WB_KNEES_MAX];
	int l1, l2, pick;
	double lines[3];
	size_t nl;
	json_t *inst;
	struct wb_vrow gone;

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
		if (strcmp(str(inst, "kernel"), kernel) || strcmp(g, group))
			continue;
		memset(&gone, 0, sizeof(gone));
		if (!usable(inst, &gone)) {
			/* the first missing source, if it comes to that */
			if (gone.verdict == WB_NOT_CHECKABLE && !absent++)
				memcpy(r->source, gone.source,
				       sizeof(r->source));
			continue;
		}
		if (!json_is_true(
			    json_object_get(inst, "page_size_verified")) ||
		    param_num(k, params, xp, &pages) || n >= CURVE_MAX)
			continue;
		if (kx->per_fact) {
			bool ok = true;

			div = wb_inst_fact(inst, kx->per_fact, &ok);
			if (!ok || div <= 0)
				continue;
			pages /= div;
			unit = div;
		}
		m = bench_values(root, str(inst, "name"), kx->metric, v,
				 REPS_MAX);
		if (!m)
			continue;
		if (left_out(c, root, inst, pages))
			continue;
		if (m < reps)
			reps = m;
		x[n] = pages;
		memcpy(y + n * REPS_MAX, v, m * sizeof(*v));
		n++;
	}
	if (!n && absent) {
		r->verdict = WB_NOT_CHECKABLE;
		say(r->why, sizeof(r->why),
		    "no %s instance with %s was measured here", kernel, group);
		return;
	}
	r->source[0] = 0;
	if (n < 4) {
		set_inconclusive(r);
		say(r->why, sizeof(r->why),
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
	/* a sweep that doubles from point to point cannot place a knee
	 * within a quarter, and its few points mix the data caches' steps
	 * in; the points left out are still the sweep's */
	memcpy(c->all, x, n * sizeof(*x));
	memcpy(c->all + n, c->out, c->nout * sizeof(*x));
	qsort(c->all, n + c->nout, sizeof(*x), cmp_x);
	for (size_t a = 1; a < n + c->nout; a++)
		if (c->all[a] > 1.5 * c->all[a - 1]) {
			set_inconclusive(r);
			say(r->why, sizeof(r->why),
			    "sweep too coarse for a knee (%.4g to %.4g "
			    "pages in one step)",
			    c->all[a - 1], c->all[a]);
			return;
		}
	if (wb_cp_knees(x, y, n, reps, WB_KNEE_MIN_STEP_NS, true, 1, kn, &nk)) {
		set_inconclusive(r);
		say(r->why, sizeof(r->why), "knee finder failed");
		return;
	}
	cache_lines(root, lines, &nl);
	wb_cp_knees_assign(kn, nk, WB_L1_MAX_ENTRIES, lines, nl, &l1, &l2);
	pick = kx->knee == 1 ? l1 : l2;
	if (pick < 0) {
		double p = r->predicted / (unit > 0 ? unit : 1);

		set_inconclusive(r);
		say(r->why, sizeof(r->why),
		    "no %s knee on the %zu-point curve (%.0f..%.0f pages)%s",
		    kx->knee == 1 ? "first" : "second", n, x[0], x[n - 1],
		    p > x[n - 1] || p < x[0] ? ", which does not reach the "
					       "prediction"
					     : "");
		return;
	}
	say(r->why, sizeof(r->why),
	    "knee in [%.0f, %.0f) pages, confidence %.2f, %zu points "
	    "(cache knees set aside)",
	    kn[pick].x, kn[pick].x_next, kn[pick].confidence, n);
	for (size_t a = 0; a < c->nout; a++)
		if (c->out[a] > kn[pick].x && c->out[a] < kn[pick].x_next) {
			set_inconclusive(r);
			r->has_meas = true;
			r->measured = kn[pick].x * (unit > 0 ? unit : 1);
			add_why(r,
				": it spans %.0f pages, left out as unstable: "
				"where in it the knee lies the curve does not "
				"tell",
				c->out[a]);
			return;
		}
	knee_judge(r, item, c, n, reps, kn, nk, pick, kx->knee == 1 ? -1 : l1,
		   unit);
}

static void knee_row(json_t *root, const struct wb_kernel *k, const char *group,
		     const struct wb_xcheck *kx, json_t *item,
		     struct wb_vrow *r)
{
	struct curve *c = malloc(sizeof(*c));

	if (!c) {
		set_inconclusive(r);
		say(r->why, sizeof(r->why), "out of memory");
		return;
	}
	c->nout = 0;
	c->out_text[0] = 0;
	knee_row_in(c, root, k, group, kx, item, r);
	if (c->nout)
		add_why(r, "; left out, unstable across passes: %s",
			c->out_text);
	free(c);
}

/*
 * Whether the host gives what a coalesced TLB entry needs to the curve of
 * @group: contiguous host-physical memory under each guest folio. Natively
 * there is no host. In a guest the processes' effective huge share says
 * whether the host backs guest memory with huge pages; below
 * WB_VALIDATE_HOST_HUGE_SHARE in any process, or never measured, a knee
 * that is or is not where coalescing puts it tells nothing about the CPU.
 * False with @why filled then.
 */
static bool host_contiguous(json_t *root, const struct wb_kernel *k,
			    const char *group, const char *xp, char *why,
			    size_t len)
{
	json_t *wb = json_object_get(json_object_get(root, "context"),
				     "walkbench");
	const char *hv = str(json_object_get(wb, "env"), "hypervisor");
	double lo = 2;
	size_t i, probed = 0;
	json_t *inst;

	json_array_foreach(json_object_get(wb, "instances"), i, inst) {
		json_t *hb = json_object_get(inst, "host_backing");
		json_t *s = json_object_get(hb, "share_min");
		char g[128];

		params_str(k, json_object_get(inst, "params"), xp, g,
			   sizeof(g));
		if (strcmp(str(inst, "kernel"), k->name) || strcmp(g, group) ||
		    strcmp(str(inst, "status"), "ok") || !json_is_object(hb))
			continue;
		if (json_is_true(json_object_get(hb, "native")))
			return true;
		if (!json_is_number(s))
			s = json_object_get(hb, "share");
		probed++;
		if (json_is_number(s) && json_number_value(s) < lo)
			lo = json_number_value(s);
		else if (!json_is_number(s))
			lo = -1;
	}
	if (!probed) {
		if (!hv[0])
			return true;
		snprintf(why, len,
			 "a guest (%s) whose host backing was not recorded: "
			 "a coalesced entry needs host-physical contiguity",
			 hv);
		return false;
	}
	if (lo >= WB_VALIDATE_HOST_HUGE_SHARE)
		return true;
	if (lo < 0)
		snprintf(why, len,
			 "a guest whose host backing could not be measured: a "
			 "coalesced entry needs host-physical contiguity");
	else
		snprintf(why, len,
			 "a guest whose host backs it with 4K pages "
			 "(effective huge share %.2f): a coalesced entry needs "
			 "host-physical contiguity that 4K host pages do not "
			 "give",
			 lo);
	return false;
}

/*
 * Why a counter is absent, from missing_metrics: named there as the metric
 * (stlb_miss_user) the quantity is per unit of (stlb_miss_user_per_access),
 * or as the quantity itself. NULL when it is not named.
 */
static const char *missing_why(json_t *inst, const struct wb_kernel *k,
			       const char *q)
{
	json_t *miss = json_object_get(inst, "missing_metrics");
	json_t *v = json_object_get(miss, q);
	char metric[64], sfx[64];
	size_t lq = strlen(q), ls;

	if (json_is_string(v))
		return json_string_value(v);
	snprintf(sfx, sizeof(sfx), "_per_%s",
		 k && k->per_iteration ? k->per_iteration : "");
	ls = strlen(sfx);
	if (lq <= ls || strcmp(q + lq - ls, sfx) || lq - ls >= sizeof(metric))
		return NULL;
	memcpy(metric, q, lq - ls);
	metric[lq - ls] = 0;
	v = json_object_get(miss, metric);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void item_row(json_t *root, json_t *inst, const struct wb_kernel *k,
		     json_t *item, struct wb_vrow *r)
{
	const char *q = str(item, "quantity");
	json_t *fact = json_object_get(json_object_get(inst, "facts"), q);
	const char *miss;
	double v[REPS_MAX];
	size_t m;

	if (json_is_number(fact)) {
		if (timing_checkable(fact_timed(inst, q) && file_emulated(root),
				     r))
			judge(r, item, json_number_value(fact));
		return;
	}
	m = bench_values(root, str(inst, "name"), q, v, REPS_MAX);
	if (m) {
		say(r->why, sizeof(r->why), "median of %zu repetitions", m);
		judge(r, item, wb_cp_median(v, m));
		return;
	}
	miss = missing_why(inst, k, q);
	if (miss) {
		/* the reason's head ("no hardware PMU") is the source;
		 * its details are in the results file */
		size_t n = strcspn(miss, ":");

		r->verdict = WB_NOT_CHECKABLE;
		say(r->source, sizeof(r->source), "%.*s", (int)n, miss);
		say(r->why, sizeof(r->why), "not measured: %s", miss);
		return;
	}
	/* the kernel named something no run records: a defect of the
	 * kernel, not of this machine, and no measurement refutes it */
	set_inconclusive(r);
	say(r->why, sizeof(r->why),
	    "no fact or counter named %s in the results", q);
}

/* The @same parameters of @x in @params; -ENOENT when one is absent. */
static int same_values(const struct wb_kernel *k, const struct wb_xcheck *x,
		       json_t *params, double *out)
{
	for (size_t i = 0; i < WB_MAX_PARAMS && x->same[i]; i++)
		if (param_num(k, params, x->same[i], &out[i]))
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

/*
 * The claim "the times @a are at most (@at_most) or at least @scale x the
 * times @b", from repetitions that are each a sample of their instance:
 * a one-sided Mann-Whitney U test of @a against the scaled @b, on the
 * side @a lies. The row keeps that p and whether the side is the claimed
 * one; judge_timed() decides once every timing row of the file is known.
 */
static int time_claim(struct wb_vrow *r, const double *a, size_t na,
		      const double *b, size_t nb, double scale, bool at_most)
{
	double sb[REPS_MAX], mid = (double)na * (double)nb / 2;
	struct wb_mwu u;
	int err;

	for (size_t i = 0; i < nb; i++)
		sb[i] = b[i] * scale;
	err = wb_mann_whitney(a, na, sb, nb, &u);
	if (err)
		return err;
	/* U's null distribution is symmetric: half the two-sided p is
	 * the one-sided p of the side the samples lie on */
	r->timed = true;
	r->p = u.p / 2;
	r->toward = u.u_x != mid && (u.u_x > mid) != at_most;
	r->na = na;
	r->nb = nb;
	return 0;
}

/*
 * The timing rows of a file from @first on are one family of tests: a
 * quick run has dozens, and at level 0.05 each some would come out
 * significant by chance. Holm's adjustment keeps the chance of any false
 * verdict among them at WB_VALIDATE_ALPHA: PASS when the adjusted p is
 * within it on the claimed side, FAIL on the other, else INCONCLUSIVE.
 */
static int judge_timed(struct wb_vtable *t, size_t first)
{
	size_t m = 0, k = 0;
	double *p, *adj;

	for (size_t i = first; i < t->n; i++)
		m += t->rows[i].timed || t->rows[i].counted;
	if (!m)
		return 0;
	p = malloc(2 * m * sizeof(*p));
	if (!p)
		return -ENOMEM;
	adj = p + m;
	for (size_t i = first; i < t->n; i++)
		if (t->rows[i].timed)
			p[k++] = t->rows[i].p;
		else if (t->rows[i].counted)
			p[k++] = 1;
	wb_holm(p, m, adj);
	k = 0;
	for (size_t i = first; i < t->n; i++) {
		struct wb_vrow *r = &t->rows[i];
		double a;

		if (r->counted && !r->timed)
			k++;
		if (!r->timed)
			continue;
		a = adj[k++];
		if (a > WB_VALIDATE_ALPHA) {
			r->verdict = WB_INCONCLUSIVE;
			add_why(r,
				": not significantly %s or %s %s (one-sided "
				"Mann-Whitney p %.3g, Holm-adjusted over %zu "
				"timing checks %.3g, level %.2g)",
				r->side, r->other, r->ref, r->p, m, a,
				WB_VALIDATE_ALPHA);
			if (wb_mwu_min_p(r->na, r->nb) / 2 * (double)m >
			    WB_VALIDATE_ALPHA)
				add_why(r,
					"; %zu and %zu repetitions cannot "
					"reach it",
					r->na, r->nb);
			continue;
		}
		r->verdict = r->toward ? WB_PASS : WB_FAIL;
		add_why(r,
			": %s %s, one-sided Mann-Whitney p %.3g, Holm-adjusted "
			"over %zu timing checks %.3g <= %.2g",
			r->toward ? r->side : r->other, r->ref, r->p, m, a,
			WB_VALIDATE_ALPHA);
	}
	free(p);
	return 0;
}

/* The usable instance of @k with @param == @val and the @same parameters
 * @sv, NULL when there is none; *found says whether one exists at all. */
static json_t *base_of(json_t *insts, const struct wb_kernel *k,
		       const struct wb_xcheck *x, const double *sv, bool *found)
{
	json_t *a;
	size_t i;

	*found = false;
	json_array_foreach(insts, i, a) {
		json_t *pa = json_object_get(a, "params");
		double va, sa[WB_MAX_PARAMS];

		if (strcmp(str(a, "kernel"), k->name) ||
		    param_num(k, pa, x->param, &va) || va != (double)x->base ||
		    same_values(k, x, pa, sa) || !same_equal(x, sa, sv))
			continue;
		*found = true;
		return a;
	}
	return NULL;
}

/*
 * An instance of a cross-instance check whose time is unstable: the row
 * is INCONCLUSIVE naming it and its modes. @a and @b are the two instances
 * the row reads; false when both are stable.
 */
static bool unstable_pair(json_t *root, json_t *a, json_t *b,
			  struct wb_stability *sa, struct wb_stability *sb,
			  struct wb_vrow *r)
{
	char ta[128], tb[128];
	bool ua = unstable(root, a, sa, ta, sizeof(ta));
	bool ub = unstable(root, b, sb, tb, sizeof(tb));

	if (!ua && !ub)
		return false;
	set_inconclusive(r);
	if (ua && ub)
		say(r->why, sizeof(r->why),
		    "instances %s %s and %s %s across passes: no one time to "
		    "compare",
		    str(a, "name"), ta, str(b, "name"), tb);
	else
		say(r->why, sizeof(r->why),
		    "instance %s %s across passes: no one time to compare",
		    str(ua ? a : b, "name"), ua ? ta : tb);
	return true;
}

/* One value of @key per process (pass) of benchmark @name: the median of
 * that pass's repetitions (wb_reps_per_pass). */
static size_t pass_values(json_t *root, const char *name, const char *key,
			  double *out, size_t max)
{
	json_t *reps[REPS_MAX];
	double med[REPS_MAX];
	size_t n = wb_root_reps(root, name, reps, REPS_MAX), m = 0, k = 0, i;

	if (wb_reps_per_pass(reps, n, key, med, NULL, &m))
		return 0;
	for (i = 0; i < m && k < max; i++)
		if (isfinite(med[i]))
			out[k++] = med[i];
	return k;
}

/*
 * Huge against base pages by wb_versus(), the class the speed-up plot
 * draws. Faster, or the same within 5%, is no slower: a PASS. Slower
 * (more than 5% and the processes say so) is a FAIL only if the
 * per-process medians say so significantly, in the family of the file's
 * timing checks (judge_timed(), Holm): three processes against three
 * fail to overlap by chance one time in ten, and a quick run has dozens
 * of pairs. Overlapping processes more than 5% apart are INCONCLUSIVE.
 * Returns -errno from the U test.
 */
static int huge_versus(struct wb_vrow *r, json_t *root, json_t *a, json_t *b,
		       const char *metric, const struct wb_stability *base,
		       const struct wb_stability *huge, const char *unit)
{
	enum wb_versus v = wb_versus(base, huge);
	double ua[REPS_MAX], ub[REPS_MAX];
	size_t na, nb;
	int err = 0;

	snprintf(r->tol, sizeof(r->tol), "max +%.0f%%, processes",
		 100 * WB_SAME_FRAC);
	r->has_pred = r->has_meas = true;
	r->predicted = base->median;
	r->measured = huge->median;
	say(r->why, sizeof(r->why),
	    "huge %.2f ns (%.2f..%.2f over %zu processes) vs base %.2f ns "
	    "(%.2f..%.2f over %zu) per %s, predicted column: base: %s",
	    huge->median, huge->lo, huge->hi, huge->n, base->median, base->lo,
	    base->hi, base->n, unit, wb_versus_name(v));
	/* every pair compared is a test of the family a slower one is
	 * judged in */
	r->counted = true;
	if (v == WB_VS_FASTER ||
	    (v == WB_VS_SAME &&
	     huge->median <= base->median * (1 + WB_SAME_FRAC))) {
		r->verdict = WB_PASS;
		add_why(r, " (within %.0f%% or faster by the processes)",
			100 * WB_SAME_FRAC);
		return 0;
	}
	if (v == WB_VS_SAME) {
		set_inconclusive(r);
		add_why(r,
			" (more than %.0f%% slower by the medians, but the "
			"processes do not say so)",
			100 * WB_SAME_FRAC);
		return 0;
	}
	/* slower: tested, one sample per process, in the family */
	na = pass_values(root, str(a, "name"), metric, ua, REPS_MAX);
	nb = pass_values(root, str(b, "name"), metric, ub, REPS_MAX);
	if (na && nb)
		err = time_claim(r, ub, nb, ua, na, 1 + WB_SAME_FRAC, true);
	snprintf(r->side, sizeof(r->side), "below");
	snprintf(r->other, sizeof(r->other), "above");
	snprintf(r->ref, sizeof(r->ref), "base +%.0f%%", 100 * WB_SAME_FRAC);
	return err;
}

/*
 * WB_XCHECK_HUGE_VS_BASE: the claim "huge is no slower than base". With
 * passes on both sides, by huge_versus() over the per-process medians;
 * repetitions from one process each, by time_claim() with
 * WB_VALIDATE_TIME_SLACK.
 */
static int huge_vs_base(json_t *root, json_t *insts, const char *file,
			const struct wb_kernel *k, const struct wb_xcheck *x,
			struct wb_vtable *t)
{
	json_t *b;
	size_t j;

	json_array_foreach(insts, j, b) {
		json_t *pb = json_object_get(b, "params"), *a;
		double vb, sb[WB_MAX_PARAMS], ta[REPS_MAX], tb[REPS_MAX];
		struct wb_stability st_a, st_b;
		char params[128];
		struct wb_vrow *r;
		size_t na, nb;
		bool found;
		int err;

		if (strcmp(str(b, "kernel"), k->name) ||
		    param_num(k, pb, x->param, &vb) || vb == (double)x->base ||
		    same_values(k, x, pb, sb))
			continue;
		a = base_of(insts, k, x, sb, &found);
		if (!found)
			continue;
		params_str(k, pb, NULL, params, sizeof(params));
		r = add(t, file, k->name, params, x->row);
		if (!r)
			return -ENOMEM;
		snprintf(r->tol, sizeof(r->tol), "max +%.0f%%, U test",
			 100 * WB_VALIDATE_TIME_SLACK);
		if (!usable(a, r) || !usable(b, r) ||
		    !timing_checkable(file_emulated(root), r))
			continue;
		na = bench_values(root, str(a, "name"), x->metric, ta,
				  REPS_MAX);
		nb = bench_values(root, str(b, "name"), x->metric, tb,
				  REPS_MAX);
		if (!na || !nb) {
			set_inconclusive(r);
			say(r->why, sizeof(r->why), "no %s field", x->metric);
			continue;
		}
		if (unstable_pair(root, a, b, &st_a, &st_b, r))
			continue;
		if (st_a.judged && st_b.judged) {
			err = huge_versus(r, root, a, b, x->metric, &st_a,
					  &st_b, k->per_iteration);
			if (err)
				return err;
			continue;
		}
		err = time_claim(r, tb, nb, ta, na, 1 + WB_VALIDATE_TIME_SLACK,
				 true);
		if (err)
			return err;
		r->has_pred = r->has_meas = true;
		r->predicted = wb_cp_median(ta, na);
		r->measured = wb_cp_median(tb, nb);
		say(r->why, sizeof(r->why),
		    "huge %.2f ns vs base %.2f ns per %s (medians of %zu and "
		    "%zu repetitions, predicted column: base)",
		    r->measured, r->predicted, k->per_iteration, nb, na);
		snprintf(r->side, sizeof(r->side), "below");
		snprintf(r->other, sizeof(r->other), "above");
		snprintf(r->ref, sizeof(r->ref), "base +%.0f%%",
			 100 * WB_VALIDATE_TIME_SLACK);
	}
	return 0;
}

#define ORDER_MAX 16

/* WB_XCHECK_ORDER_BY_PARAM: "no faster than at the next smaller value",
 * with WB_VALIDATE_TIME_SLACK, by time_claim() on the repetitions. */
static int order_by_param(json_t *root, json_t *insts, const char *file,
			  const struct wb_kernel *k, const struct wb_xcheck *x,
			  struct wb_vtable *t)
{
	double pv[ORDER_MAX], sv[ORDER_MAX][WB_MAX_PARAMS];
	double ts[ORDER_MAX][REPS_MAX];
	size_t nt[ORDER_MAX];
	char names[ORDER_MAX][64];
	json_t *inst[ORDER_MAX];
	size_t n = 0, i;
	json_t *a;

	json_array_foreach(insts, i, a) {
		json_t *p = json_object_get(a, "params");

		if (strcmp(str(a, "kernel"), k->name) ||
		    strcmp(str(a, "status"), "ok") || n >= ORDER_MAX ||
		    param_num(k, p, x->param, &pv[n]) ||
		    same_values(k, x, p, sv[n]))
			continue;
		nt[n] = bench_values(root, str(a, "name"), x->metric, ts[n],
				     REPS_MAX);
		if (!nt[n])
			continue;
		params_str(k, p, NULL, names[n], sizeof(names[n]));
		inst[n++] = a;
	}
	for (size_t lo = 0; lo < n; lo++)
		for (size_t hi = 0; hi < n; hi++) {
			struct wb_stability st_lo, st_hi;
			struct wb_vrow *r;
			bool between = false;
			int err;

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
			snprintf(r->tol, sizeof(r->tol), "min -%.0f%%, U test",
				 100 * WB_VALIDATE_TIME_SLACK);
			if (!timing_checkable(file_emulated(root), r))
				continue;
			if (unstable_pair(root, inst[lo], inst[hi], &st_lo,
					  &st_hi, r))
				continue;
			err = time_claim(r, ts[hi], nt[hi], ts[lo], nt[lo],
					 1 - WB_VALIDATE_TIME_SLACK, false);
			if (err)
				return err;
			r->has_pred = r->has_meas = true;
			r->predicted = wb_cp_median(ts[lo], nt[lo]);
			r->measured = wb_cp_median(ts[hi], nt[hi]);
			say(r->why, sizeof(r->why),
			    "%.2f ns vs %.2f ns at %.23s (medians, predicted "
			    "column)",
			    r->measured, r->predicted, names[lo]);
			snprintf(r->side, sizeof(r->side), "above");
			snprintf(r->other, sizeof(r->other), "below");
			snprintf(r->ref, sizeof(r->ref), "it -%.0f%%",
				 100 * WB_VALIDATE_TIME_SLACK);
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

/*
 * A knee predicted for coalesced PTEs, judged where the host may not give
 * contiguity: what the curve shows is kept, the verdict is not.
 */
static void coalesced_row(json_t *root, const struct wb_kernel *k,
			  const char *group, const char *xp, json_t *item,
			  struct wb_vrow *r)
{
	char why[200];

	if (json_integer_value(json_object_get(item, "coalesced_pages")) <= 1 ||
	    (r->verdict != WB_PASS && r->verdict != WB_FAIL) ||
	    host_contiguous(root, k, group, xp, why, sizeof(why)))
		return;
	set_inconclusive(r);
	add_why(r, "; not judged: %s", why);
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
		char ps[128];
		json_t *item;
		size_t j;
		struct wb_vrow *r;

		json_array_foreach(items, j, item) {
			const char *q = str(item, "quantity");
			const struct wb_xcheck *kx = knee_of(k, q);
			const char *xp = kx ? kx->param : NULL;

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
				if (timing_checkable(file_emulated(root), r))
					knee_row(root, k, ps, kx, item, r);
				coalesced_row(root, k, ps, xp, item, r);
			} else if (usable(inst, r)) {
				item_row(root, inst, k, item, r);
			}
		}
		if (json_array_size(items) ||
		    !strcmp(str(inst, "status"), "ok"))
			continue;
		/* an instance refused before it predicted still says why */
		params_str(k, params, NULL, ps, sizeof(ps));
		r = add(t, file, kernel, ps, "-");
		if (!r)
			return -ENOMEM;
		usable(inst, r);
	}
	return xchecks(root, insts, file, t) ?: judge_timed(t, first);
}
