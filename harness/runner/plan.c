// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/parse.h"
#include "runner/plan.h"

#define MAX_VALUES 256

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t wb_sweep(uint64_t lo, uint64_t hi, unsigned int per_octave,
		uint64_t *out, size_t max)
{
	size_t n = 0, k = 0;

	if (!lo || hi < lo || !per_octave)
		return 0;
	for (uint64_t p = 1; p && p <= hi && n < max; p <<= 1)
		if (p >= lo)
			out[n++] = p;
	for (double v = (double)lo; v <= (double)hi && n < max;
	     v = (double)lo * exp2((double)++k / per_octave)) {
		uint64_t r = (uint64_t)llround(v);

		if (r >= lo && r <= hi)
			out[n++] = r;
	}
	qsort(out, n, sizeof(*out), cmp_u64);
	for (size_t i = 1, j = 0; i <= n; i++) {
		if (i == n) {
			n = j + 1;
			break;
		}
		if (out[i] != out[j])
			out[++j] = out[i];
	}
	return n;
}

/* A name of @p's values, case-insensitive: -ENOENT when none matches. */
static int parse_name(const struct wb_param *p, const char *s, uint64_t *v)
{
	for (uint64_t i = 0; p->names && p->names[i]; i++)
		if (*p->names[i] && !strcasecmp(p->names[i], s)) {
			*v = i;
			return 0;
		}
	return -ENOENT;
}

int wb_param_parse(const struct wb_param *p, const char *s, uint64_t *v)
{
	int err;

	if (!parse_name(p, s, v))
		return 0;

	/* a page size is any power of two the kernel's choices list: a
	 * translation size, or a folio size between them (mTHP) */
	err = wb_parse_size(s, v);
	if (!err && !strcmp(p->unit, "pagesize") &&
	    (*v < 4096 || (*v & (*v - 1))))
		err = -EINVAL;
	if (err)
		return err;
	if (*v < p->min || *v > p->max)
		return -ERANGE;
	if (p->choices) {
		for (const uint64_t *c = p->choices; *c; c++)
			if (*c == *v)
				return 0;
		return -EINVAL;
	}
	return 0;
}

const char *wb_param_format(const struct wb_param *p, uint64_t v, char *buf,
			    size_t len)
{
	const char *name = wb_param_value_name(p, v);

	if (name) {
		snprintf(buf, len, "%s", name);
		return buf;
	}
	if (!strcmp(p->unit, "pagesize") || !strcmp(p->unit, "bytes"))
		return wb_format_size(v, buf, len);
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

size_t wb_param_names(const struct wb_param *p, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = 0;
	for (const uint64_t *c = p->choices; c && *c && p->names; c++) {
		const char *name = wb_param_value_name(p, *c);

		if (name && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? "|" : "", name);
	}
	return off;
}

int wb_param_value(const struct wb_kernel *k, const char *param, const char *s,
		   uint64_t *v)
{
	int i = k ? wb_param_index(k, param) : -1;

	if (i >= 0 && !parse_name(&k->params[i], s, v))
		return 0;
	return wb_parse_size(s, v);
}

int wb_param_canonical(const struct wb_kernel *k, const char *param,
		       const char *value, char *buf, size_t len)
{
	int i = k ? wb_param_index(k, param) : -1;
	uint64_t v;

	/* only a value the table names is rewritten: anything else (a
	 * size, an unknown number) reads as it was written */
	if (i >= 0 && k->params[i].names &&
	    !wb_param_parse(&k->params[i], value, &v) &&
	    wb_param_value_name(&k->params[i], v))
		snprintf(buf, len, "%s", wb_param_value_name(&k->params[i], v));
	else
		snprintf(buf, len, "%s", value);
	return strlen(value) < len ? 0 : -ENAMETOOLONG;
}

int wb_name_canonical(const char *name, char *buf, size_t len)
{
	const char *slash = strchr(name, '/');
	const struct wb_kernel *k;
	size_t off;
	char kn[64];

	snprintf(kn, sizeof(kn), "%.*s",
		 (int)(slash ? (size_t)(slash - name) : strlen(name)), name);
	k = wb_kernel_find(kn);
	off = (size_t)snprintf(buf, len, "%s", kn);
	while (slash && off < len) {
		const char *seg = slash + 1, *colon, *end;
		char pn[48], pv[64], canon[64];

		slash = strchr(seg, '/');
		end = slash ? slash : seg + strlen(seg);
		colon = memchr(seg, ':', (size_t)(end - seg));
		if (!colon || (size_t)(colon - seg) >= sizeof(pn) ||
		    (size_t)(end - colon - 1) >= sizeof(pv)) {
			off += (size_t)snprintf(buf + off, len - off, "/%.*s",
						(int)(end - seg), seg);
			continue;
		}
		snprintf(pn, sizeof(pn), "%.*s", (int)(colon - seg), seg);
		snprintf(pv, sizeof(pv), "%.*s", (int)(end - colon - 1),
			 colon + 1);
		wb_param_canonical(k, pn, pv, canon, sizeof(canon));
		off += (size_t)snprintf(buf + off, len - off, "/%s:%s", pn,
					canon);
	}
	return off < len ? 0 : -ENAMETOOLONG;
}

void wb_instance_ctx(const struct wb_instance *in, struct wb_ctx *ctx)
{
	ctx->kernel = in->kernel;
	memcpy(ctx->param, in->param, sizeof(ctx->param));
}

static int values_for(const struct wb_param *p, bool quick, uint64_t *out)
{
	size_t n = 0;

	if (p->choices) {
		const uint64_t *c = quick && p->quick_choices ? p->quick_choices
							      : p->choices;

		for (; *c && n < MAX_VALUES; c++)
			out[n++] = *c;
		return (int)n;
	}
	if (quick && p->quick_per_octave)
		return (int)wb_sweep(p->lo, p->quick_hi, p->quick_per_octave,
				     out, MAX_VALUES);
	if (!quick && p->per_octave)
		return (int)wb_sweep(p->lo, p->hi, p->per_octave, out,
				     MAX_VALUES);
	out[0] = quick ? p->quick : p->def;
	return 1;
}

/* Room for one more instance, or NULL. */
static struct wb_instance *plan_grow(struct wb_plan *plan)
{
	if (plan->n == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 64;
		void *p = realloc(plan->inst, cap * sizeof(*plan->inst));

		if (!p)
			return NULL;
		plan->inst = p;
		plan->cap = cap;
	}
	return &plan->inst[plan->n++];
}

static int plan_push(struct wb_plan *plan, const struct wb_kernel *k,
		     const uint64_t *param)
{
	struct wb_instance *in = plan_grow(plan);
	size_t off;

	if (!in)
		return -ENOMEM;
	memset(in, 0, sizeof(*in));
	in->kernel = k;
	memcpy(in->param, param, sizeof(in->param));
	off = (size_t)snprintf(in->name, sizeof(in->name), "%s", k->name);
	for (int i = 0; k->params && k->params[i].name; i++) {
		char v[32];

		off += (size_t)snprintf(
			in->name + off,
			off < sizeof(in->name) ? sizeof(in->name) - off : 0,
			"/%s:%s", k->params[i].name,
			wb_param_format(&k->params[i], param[i], v, sizeof(v)));
	}
	return off < sizeof(in->name) ? 0 : -ENAMETOOLONG;
}

/*
 * The parameter a kernel's huge-vs-base check varies, or -1: the plan
 * turns it fastest, so that the instances the check compares are measured
 * one right after the other in every pass. A slow spell of the host then
 * falls on both sides of a comparison, not on one side only
 * (harness/DESIGN.md, "Side by side").
 */
static int versus_param(const struct wb_kernel *k)
{
	const struct wb_xcheck *x = wb_kernel_versus(k);

	return x ? wb_param_index(k, x->param) : -1;
}

/* @a and @b agree on every parameter the check holds the same */
static bool same_point(const struct wb_instance *a, const struct wb_instance *b,
		       const struct wb_xcheck *x)
{
	for (size_t s = 0; s < WB_MAX_PARAMS && x->same[s]; s++) {
		int j = wb_param_index(a->kernel, x->same[s]);

		if (j < 0 || a->param[j] != b->param[j])
			return false;
	}
	return true;
}

size_t wb_plan_base_of(const struct wb_plan *plan, size_t i)
{
	const struct wb_instance *in = &plan->inst[i];
	const struct wb_xcheck *x = wb_kernel_versus(in->kernel);
	int v = versus_param(in->kernel);

	if (v < 0 || in->param[v] == x->base)
		return plan->n;
	for (size_t b = 0; b < plan->n; b++)
		if (plan->inst[b].kernel == in->kernel &&
		    plan->inst[b].param[v] == x->base &&
		    same_point(&plan->inst[b], in, x))
			return b;
	return plan->n;
}

int wb_plan_add_kernel(struct wb_plan *plan, const struct wb_kernel *k,
		       bool quick, const struct wb_override *ov, size_t nov,
		       char *err, size_t errlen)
{
	static const struct wb_param none = { 0 };
	uint64_t vals[WB_MAX_PARAMS][MAX_VALUES];
	int nvals[WB_MAX_PARAMS] = { 0 }, np = 0, idx[WB_MAX_PARAMS] = { 0 };
	int digit[WB_MAX_PARAMS], nd = 0, vs = versus_param(k);
	bool fixed[WB_MAX_PARAMS] = { false };
	const struct wb_param *params = k->params ? k->params : &none;

	for (; params[np].name; np++) {
		if (np == WB_MAX_PARAMS)
			return -E2BIG;
		nvals[np] = values_for(&params[np], quick, vals[np]);
		if (nvals[np] <= 0) {
			snprintf(err, errlen,
				 "kernel %s: parameter %s sweeps no value",
				 k->name, params[np].name);
			return -EINVAL;
		}
	}
	/* the odometer's digits, fastest last */
	for (int i = 0; i < np; i++)
		if (i != vs)
			digit[nd++] = i;
	if (vs >= 0 && vs < np)
		digit[nd++] = vs;
	for (size_t i = 0; i < nov; i++) {
		int pi;

		if (ov[i].kernel && ov[i].kernel != k)
			continue;
		pi = wb_param_index(k, ov[i].name);
		if (pi < 0) {
			if (ov[i].kernel) {
				snprintf(err, errlen,
					 "kernel %s has no parameter '%s'",
					 k->name, ov[i].name);
				return -EINVAL;
			}
			continue;
		}
		vals[pi][0] = ov[i].value;
		nvals[pi] = 1;
		fixed[pi] = true;
	}
	for (;;) {
		uint64_t param[WB_MAX_PARAMS] = { 0 };
		struct wb_ctx ctx = { .kernel = k, .quick = quick, .cpu = -1 };
		bool any_swept = false;
		int e, i;

		for (i = 0; i < np; i++) {
			param[i] = vals[i][idx[i]];
			any_swept |= !fixed[i];
		}
		memcpy(ctx.param, param, sizeof(param));
		if (!k->admit || !any_swept || k->admit(&ctx)) {
			e = plan_push(plan, k, param);
			if (e)
				return e;
		}
		/* odometer over the parameters, the last digit fastest */
		for (i = nd - 1; i >= 0; i--) {
			if (++idx[digit[i]] < nvals[digit[i]])
				break;
			idx[digit[i]] = 0;
		}
		if (i < 0)
			break;
	}
	return 0;
}

const char *wb_grid_name(enum wb_grid g)
{
	return g == WB_GRID_FUNCTIONAL ? "functional" : "sweep";
}

int wb_grid_parse(const char *s, enum wb_grid *g)
{
	if (!strcmp(s, "sweep"))
		*g = WB_GRID_SWEEP;
	else if (!strcmp(s, "functional"))
		*g = WB_GRID_FUNCTIONAL;
	else
		return -EINVAL;
	return 0;
}

enum wb_grid wb_grid_default(bool quick, bool emulated, const char **why)
{
	/* Under emulation every timing is the emulator's, so a sweep's
	 * points add time but no result; a full run keeps them for whoever
	 * asked for one anyway. */
	if (quick && emulated) {
		*why = WB_GRID_EMULATED_WHY;
		return WB_GRID_FUNCTIONAL;
	}
	*why = quick ? "every point of the quick sweeps"
		     : "every point of the sweeps";
	return WB_GRID_SWEEP;
}

/* A numeric parameter the quick grid sweeps over a range (not choices). */
static bool ranged(const struct wb_param *p)
{
	return !p->choices && p->quick_per_octave;
}

static bool overridden(const struct wb_kernel *k, const struct wb_override *ov,
		       size_t nov, int pi)
{
	for (size_t i = 0; i < nov; i++)
		if ((!ov[i].kernel || ov[i].kernel == k) &&
		    wb_param_index(k, ov[i].name) == pi)
			return true;
	return false;
}

/*
 * Does the functional grid keep instance @i of @all (one kernel's quick
 * plan)? For each free ranged parameter, its value must be an end of the
 * values the instances with every other parameter equal take.
 */
static bool functional_keeps(const struct wb_plan *all, size_t i,
			     const bool *free_, int np)
{
	const struct wb_instance *in = &all->inst[i];
	const struct wb_param *params = in->kernel->params;

	for (int p = 0; p < np; p++) {
		uint64_t lo = UINT64_MAX, hi = 0, v = in->param[p];

		if (!free_[p])
			continue;
		for (size_t j = 0; j < all->n; j++) {
			const uint64_t *o = all->inst[j].param;
			bool same = true;

			for (int q = 0; q < np && same; q++)
				same = q == p || o[q] == in->param[q];
			if (!same)
				continue;
			lo = o[p] < lo ? o[p] : lo;
			hi = o[p] > hi ? o[p] : hi;
		}
		if (v != lo &&
		    (params[p].functional == WB_FUNC_LOWEST || v != hi))
			return false;
	}
	return true;
}

int wb_plan_add_grid(struct wb_plan *plan, const struct wb_kernel *k,
		     bool quick, enum wb_grid grid,
		     const struct wb_override *ov, size_t nov, char *err,
		     size_t errlen)
{
	bool free_[WB_MAX_PARAMS] = { false };
	struct wb_plan all = { 0 };
	int np = 0, e;

	if (grid == WB_GRID_SWEEP)
		return wb_plan_add_kernel(plan, k, quick, ov, nov, err, errlen);
	e = wb_plan_add_kernel(&all, k, true, ov, nov, err, errlen);
	for (; !e && k->params && k->params[np].name; np++)
		free_[np] = ranged(&k->params[np]) &&
			    !overridden(k, ov, nov, np);
	for (size_t i = 0; !e && i < all.n; i++) {
		struct wb_instance *in;

		if (!functional_keeps(&all, i, free_, np))
			continue;
		in = plan_grow(plan);
		if (!in)
			e = -ENOMEM;
		else
			*in = all.inst[i];
	}
	wb_plan_free(&all);
	return e;
}

void wb_plan_free(struct wb_plan *plan)
{
	free(plan->inst);
	memset(plan, 0, sizeof(*plan));
}
