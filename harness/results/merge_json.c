// SPDX-License-Identifier: MIT
/* A merge (harness/results/merge.h) as JSON: the format is in plots/README.md. */
#include <math.h>

#include "results/merge.h"

/* JSON has no NaN or infinity: null stands for "no value" */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *run_json(const struct wb_merge *m, const struct wb_merge_run *r)
{
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s, s:b, s:I}", "path", r->f->path, "host",
		r->host, "group", m->g[r->group].key, "date",
		wb_jstr(r->f->context, "date"), "complete", r->complete,
		"unverified_benchmarks", (json_int_t)r->unverified);
	json_t *st = json_object();

	if (!o || !st) {
		json_decref(o);
		json_decref(st);
		return NULL;
	}
	for (size_t s = 0; s < WB_MERGE_NSTATUS; s++)
		if (r->status[s])
			json_object_set_new(
				st, wb_merge_status_names[s],
				json_integer((json_int_t)r->status[s]));
	json_object_set_new(o, "instances_not_ok", st);
	return o;
}

static json_t *bench_json(const struct wb_merge_group *g,
			  const struct wb_merge_bench *b)
{
	json_t *o = json_object(), *hosts = json_array(), *out = json_array();

	if (!o || !hosts || !out) {
		json_decref(o);
		json_decref(hosts);
		json_decref(out);
		return NULL;
	}
	json_object_set_new(o, "name", json_string(b->name));
	json_object_set_new(o, "hosts", json_integer((json_int_t)b->nhv));
	json_object_set_new(o, "runs", json_integer((json_int_t)b->nruns));
	json_object_set_new(o, "unverified_runs",
			    json_integer((json_int_t)b->unverified_runs));
	json_object_set_new(o, "median_ns", num(b->median_ns));
	json_object_set_new(o, "min_ns", num(b->min_ns));
	json_object_set_new(o, "max_ns", num(b->max_ns));
	json_object_set_new(
		o, "min_host",
		b->nhv ? json_string(g->hosts[b->hv[b->min_hv].host].name)
		       : json_null());
	json_object_set_new(
		o, "max_host",
		b->nhv ? json_string(g->hosts[b->hv[b->max_hv].host].name)
		       : json_null());
	json_object_set_new(o, "spread", num(b->spread));
	json_object_set_new(o, "robust_cv", num(b->rcv));
	for (size_t i = 0; i < b->nhv; i++) {
		const struct wb_merge_hostval *v = &b->hv[i];
		json_t *h = json_pack(
			"{s:s, s:I, s:I, s:o, s:o, s:o, s:b}", "host",
			g->hosts[v->host].name, "runs", (json_int_t)v->runs,
			"reps", (json_int_t)v->reps, "median_ns",
			num(v->median_ns), "dev", num(v->dev), "mads",
			num(v->mads), "outlier", v->outlier);

		json_array_append_new(hosts, h);
		if (v->outlier)
			json_array_append_new(
				out, json_string(g->hosts[v->host].name));
	}
	json_object_set_new(o, "outliers", out);
	json_object_set_new(o, "per_host", hosts);
	return o;
}

static json_t *group_json(const struct wb_merge *m,
			  const struct wb_merge_group *g)
{
	json_t *o = json_object(), *a;

	if (!o)
		return NULL;
	json_object_set_new(o, "key", json_string(g->key));
	json_object_set_new(o, "dir", json_string(g->slug));
	json_object_set_new(o, "vendor", json_string(g->vendor));
	json_object_set_new(o, "family", json_integer(g->family));
	json_object_set_new(o, "model", json_integer(g->model));
	json_object_set_new(o, "model_name", json_string(g->model_name));
	json_object_set_new(o, "hosts", json_integer((json_int_t)g->nhosts));
	json_object_set_new(o, "runs", json_integer((json_int_t)g->nruns));
	a = json_array();
	for (size_t r = 0; r < g->nruns; r++)
		json_array_append_new(a,
				      json_string(m->runs[g->runs[r]].f->path));
	json_object_set_new(o, "files", a);
	a = json_array();
	for (size_t h = 0; h < g->nhosts; h++)
		json_array_append_new(
			a, json_pack("{s:s, s:I}", "host", g->hosts[h].name,
				     "runs", (json_int_t)g->hosts[h].runs));
	json_object_set_new(o, "host_runs", a);
	json_object_set_new(o, "mixed", json_boolean(g->nenv > 1));
	a = json_array();
	for (size_t e = 0; e < g->nenv; e++)
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s, s:I}", "hypervisor",
				     g->env[e].hypervisor, "kernel",
				     g->env[e].kernel, "thp_enabled",
				     g->env[e].thp, "runs",
				     (json_int_t)g->env[e].runs));
	json_object_set_new(o, "environments", a);
	json_object_set_new(o, "incomplete_runs",
			    json_integer((json_int_t)g->incomplete));
	json_object_set_new(o, "unverified_runs",
			    json_integer((json_int_t)g->unverified_runs));
	a = json_object();
	for (size_t s = 0; s < WB_MERGE_NSTATUS; s++)
		json_object_set_new(a, wb_merge_status_names[s],
				    json_integer((json_int_t)g->status[s]));
	json_object_set_new(o, "instances_not_ok", a);
	a = json_array();
	for (size_t i = 0; i < g->nb; i++)
		json_array_append_new(a, bench_json(g, &g->b[i]));
	json_object_set_new(o, "benchmarks", a);
	return o;
}

json_t *wb_merge_json(const struct wb_merge *m)
{
	json_t *o = json_object(), *runs = json_array(), *groups = json_array();

	if (!o || !runs || !groups) {
		json_decref(o);
		json_decref(runs);
		json_decref(groups);
		return NULL;
	}
	json_object_set_new(o, "merge_version", json_integer(1));
	json_object_set_new(
		o, "method",
		json_pack("{s:s, s:s, s:f, s:f, s:i}", "host_value",
			  "median of real_time (ns) over the host's "
			  "repetitions, its runs pooled; page size "
			  "verified only",
			  "group_value", "median of the host values",
			  "outlier_scaled_mads", WB_MERGE_OUT_MADS,
			  "outlier_min_dev", WB_MERGE_OUT_MIN_DEV,
			  "outlier_min_hosts", WB_MERGE_OUT_MIN_HOSTS));
	json_object_set_new(o, "hosts", json_integer((json_int_t)m->nhosts));
	json_object_set_new(o, "runs", json_integer((json_int_t)m->nruns));
	for (size_t i = 0; i < m->nruns; i++)
		json_array_append_new(runs, run_json(m, &m->runs[i]));
	json_object_set_new(o, "files", runs);
	for (size_t i = 0; i < m->ng; i++)
		json_array_append_new(groups, group_json(m, &m->g[i]));
	json_object_set_new(o, "groups", groups);
	return o;
}
