// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/hostline.h"
#include "results/host_backing.h"
#include "results/resultsread.h"

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

int wb_host_backing_record(json_t *rec, json_t *const *reps, size_t n,
			   const struct wb_stability *st)
{
	double *med = malloc((n ? n : 1) * sizeof(*med));
	double *share = malloc((n ? n : 1) * sizeof(*share));
	struct wb_hostline h;
	size_t m = 0, ms = 0;
	int err = n ? 0 : -EINVAL;

	if (!med || !share)
		err = -ENOMEM;
	/* processes in the order wb_reps_stability takes them; a process
	 * that carries no share has NAN */
	if (!err)
		err = wb_reps_per_pass(reps, n, "real_time", med, NULL, &m);
	if (!err)
		err = wb_reps_per_pass(reps, n, WB_SHARE_KEY, share, NULL, &ms);
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
	return err;
}
