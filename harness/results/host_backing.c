// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/hostline.h"
#include "check/stats.h"
#include "results/host_backing.h"

static json_t *num_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

json_t *wb_host_backing_json(const struct wb_hostpage *h)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "share", num_or_null(h->share));
	json_object_set_new(o, "sampled", json_integer((json_int_t)h->sampled));
	json_object_set_new(o, "r_base", num_or_null(h->r_base));
	json_object_set_new(o, "how", json_string(h->how));
	json_object_set_new(o, "measurable", json_boolean(h->measurable));
	json_object_set_new(o, "native", json_boolean(h->native));
	/* widened by later passes (wb_host_backing_merge) */
	json_object_set_new(o, "share_min", num_or_null(h->share));
	json_object_set_new(o, "share_max", num_or_null(h->share));
	json_object_set_new(o, "passes_probed", json_integer(1));
	json_object_set_new(o, "probe_seconds", json_real(h->seconds));
	return o;
}

void wb_host_backing_mark_reps(json_t *gb, const struct wb_hostpage *h)
{
	json_t *b;
	size_t i;

	if (!h->measurable || isnan(h->share))
		return;
	json_array_foreach(json_object_get(gb, "benchmarks"), i, b) {
		if (json_object_get(b, "aggregate_name"))
			continue;
		json_object_set_new(b, WB_SHARE_KEY, json_real(h->share));
	}
}

void wb_host_backing_merge(json_t *old, const json_t *inst)
{
	json_t *o = json_object_get(old, "host_backing");
	const json_t *n = json_object_get(inst, "host_backing");
	const json_t *s = json_object_get(n, "share");
	const json_t *lo = json_object_get(o, "share_min");
	const json_t *hi = json_object_get(o, "share_max");
	double v;

	if (!json_is_object(o) || !json_is_number(s))
		return;
	v = json_number_value(s);
	json_object_set_new(o, "passes_probed",
			    json_integer(json_integer_value(json_object_get(
						 o, "passes_probed")) +
					 1));
	if (!json_is_number(lo) || v < json_number_value(lo))
		json_object_set_new(o, "share_min", json_real(v));
	if (!json_is_number(hi) || v > json_number_value(hi))
		json_object_set_new(o, "share_max", json_real(v));
}

static double rep_ns(const json_t *e)
{
	const char *u = json_string_value(json_object_get(e, "time_unit"));
	double t = json_number_value(json_object_get(e, "real_time"));

	if (!u || !strcmp(u, "ns"))
		return t;
	if (!strcmp(u, "us"))
		return t * 1e3;
	if (!strcmp(u, "ms"))
		return t * 1e6;
	return !strcmp(u, "s") ? t * 1e9 : NAN;
}

static json_int_t rep_pass(const json_t *e)
{
	const json_t *p = json_object_get(e, "pass");

	return json_is_integer(p) ? json_integer_value(p) : -1;
}

int wb_host_backing_record(json_t *rec, json_t *const *reps, size_t n,
			   const struct wb_stability *st)
{
	double *med = malloc((n ? n : 1) * sizeof(*med));
	double *share = malloc((n ? n : 1) * sizeof(*share));
	double *t = malloc((n ? n : 1) * sizeof(*t));
	double *s = malloc((n ? n : 1) * sizeof(*s));
	struct wb_hostline h;
	size_t m = 0;
	int err = n ? 0 : -EINVAL;

	if (!med || !share || !t || !s)
		err = -ENOMEM;
	/* processes in first-seen order, as wb_reps_stability takes them */
	for (size_t i = 0; i < n && !err; i++) {
		json_int_t p = rep_pass(reps[i]);
		size_t k = 0, ks = 0, seen = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = rep_pass(reps[j]) == p;
		if (seen)
			continue;
		for (size_t j = i; j < n; j++) {
			const json_t *v = json_object_get(reps[j],
							  WB_SHARE_KEY);

			if (rep_pass(reps[j]) != p)
				continue;
			t[k++] = rep_ns(reps[j]);
			if (json_is_number(v))
				s[ks++] = json_number_value(v);
		}
		err = wb_median(t, k, &med[m]);
		share[m] = NAN;
		/* a share on some repetitions only is not the process's */
		if (!err && ks == k)
			err = wb_median(s, ks, &share[m]);
		m++;
	}
	if (!err)
		err = wb_hostline(st, med, share, m, &h);
	if (!err) {
		json_object_set_new(rec, WB_HOSTLINE_KEY,
				    json_boolean(h.lines_up));
		json_object_set_new(rec, WB_HOSTLINE_WHY_KEY,
				    json_string(h.explanation));
	}
	free(med);
	free(share);
	free(t);
	free(s);
	return err;
}
