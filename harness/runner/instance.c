// SPDX-License-Identifier: MIT
/*
 * What runs in the child of one instance: pin, set up (allocate and verify
 * pages), let Google Benchmark time run() with counters around each batch,
 * then collect facts and the model's prediction, and write one record.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters/counters.h"
#include "mem/hostpage.h"
#include "runner/gbshim.h"
#include "runner/instance.h"
#include "results/host_backing.h"
#include "results/results.h"
#include "core/topo.h"

const char *wb_status_name(enum wb_status st)
{
	switch (st) {
	case WB_OK:
		return "ok";
	case WB_FAILED:
		return "failed";
	case WB_BADINPUT:
		return "bad-input";
	case WB_MISSING:
		return "missing";
	case WB_SKIPPED:
		return "skipped";
	case WB_UNTRUSTED:
		return "untrusted";
	case WB_CRASHED:
		return "crashed";
	case WB_TIMEOUT:
		return "timeout";
	case WB_OOM:
		return "oom";
	}
	return "unknown";
}

void wb_run_ctx(const struct wb_instance *in, const struct wb_run_opts *o,
		struct wb_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	wb_instance_ctx(in, ctx);
	ctx->cpu = o->cpu;
	ctx->cpu_other = o->cpu_other;
	ctx->quick = o->quick;
	ctx->allow_settings = o->allow_settings;
	ctx->seed = o->seed;
	ctx->test_delay_pct = o->test_delay_pct;
	ctx->mem_limit_bytes = o->mem_limit_bytes;
	ctx->sys = o->sys;
	ctx->journal = o->journal;
}

json_t *wb_instance_json(const struct wb_instance *in)
{
	const struct wb_kernel *k = in->kernel;
	json_t *o = json_object(), *params = json_object();

	json_object_set_new(o, "name", json_string(in->name));
	json_object_set_new(o, "kernel", json_string(k->name));
	json_object_set_new(o, "suite", json_string(k->suite));
	for (int i = 0; k->params && k->params[i].name; i++) {
		const struct wb_param *p = &k->params[i];
		char buf[32];

		/* page sizes read as "4K" and enumerated values by their
		 * names; everything else stays a number so plots and compare
		 * can do arithmetic on it */
		if (!strcmp(p->unit, "pagesize") ||
		    wb_param_value_name(p, in->param[i]))
			json_object_set_new(
				params, p->name,
				json_string(wb_param_format(p, in->param[i],
							    buf, sizeof(buf))));
		else
			json_object_set_new(
				params, p->name,
				json_integer((json_int_t)in->param[i]));
	}
	json_object_set_new(o, "params", params);
	return o;
}

void wb_instance_set_status(json_t *o, enum wb_status st, const char *why)
{
	json_object_set_new(o, "status", json_string(wb_status_name(st)));
	json_object_set_new(o, "why", json_string(why ? why : ""));
}

struct hooks {
	struct wb_counters *c;
	const char *unit;
	struct wb_counter_values last;
	uint64_t iterations; /* of the last batch */
	int err; /* the first counter failure around a batch */
};

static void counters_begin(void *arg, uint64_t iterations)
{
	struct hooks *h = arg;
	int err;

	h->iterations = iterations;
	wb_counters_reset(h->c);
	err = wb_counters_start(h->c);
	if (err && !h->err)
		h->err = err;
}

static int counters_end(void *arg, struct gb_counter *out, int max)
{
	struct hooks *h = arg;
	int n = 0, err;

	err = wb_counters_stop(h->c);
	if (!err)
		err = wb_counters_read(h->c, &h->last);
	if (err) {
		/* counts of a batch that was not counted whole are not
		 * reported as if they were */
		if (!h->err)
			h->err = err;
		return 0;
	}
	for (int i = 0; i < h->last.n && n < max; i++, n++)
		snprintf(out[n].name, sizeof(out[n].name), "%s_per_%s",
			 h->last.v[i].name, h->unit);
	for (int i = 0; i < n; i++)
		out[i].value = h->last.v[i].value;
	return n;
}

/*
 * One more batch of the last timed size, untimed, with every counter on:
 * what a kernel whose timed loop faults keeps off while timing
 * (wb_counters_set_apart) is counted here, per iteration.
 */
static int count_apart(const struct wb_kernel *k, void *state, struct hooks *h,
		       json_t **out)
{
	uint64_t n = h->iterations;
	struct wb_counter_values v;
	json_t *counters;
	char name[96];
	int err;

	*out = NULL;
	if (!n)
		return -ENODATA;
	wb_counters_set_apart(h->c, false);
	wb_counters_reset(h->c);
	if (k->prepare)
		k->prepare(state, n);
	err = wb_counters_start(h->c);
	k->run(state, n);
	err = wb_counters_stop(h->c) ?: err;
	if (!err)
		err = wb_counters_read(h->c, &v);
	if (err)
		return err;
	/* what is missing here is missing from the timed batches too, and
	 * named there (missing_metrics) */
	counters = json_object();
	for (int i = 0; i < v.n; i++) {
		snprintf(name, sizeof(name), "%s_per_%s", v.v[i].name, h->unit);
		json_object_set_new(counters, name,
				    json_real(v.v[i].value / (double)n));
	}
	*out = json_pack("{s:I,s:o}", "iterations", (json_int_t)n, "counters",
			 counters);
	return *out ? 0 : -ENOMEM;
}

/* @kv as {name: value}, or with @sources as {name: source} */
static json_t *kv_json(const struct wb_kv *kv, int n, bool sources)
{
	json_t *o = json_object();

	for (int i = 0; i < n; i++)
		json_object_set_new(o, kv[i].name,
				    sources ? json_string(kv[i].source)
					    : json_real(kv[i].value));
	return o;
}

static const char *tol_name(enum wb_tolerance t)
{
	static const char *const names[] = { "exact", "rel", "abs",
					     "min",   "max", "knee" };

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t]
							      : "exact";
}

static json_t *prediction_json(const struct wb_prediction *p)
{
	json_t *items = json_array();

	for (int i = 0; i < p->n; i++) {
		const struct wb_pred_item *it = &p->item[i];

		json_t *o = json_pack("{s:s,s:f,s:s,s:f,s:s}", "quantity",
				      it->quantity, "value", it->value,
				      "tolerance", tol_name(it->tol_kind),
				      "tol", it->tol, "basis", it->basis);

		if (o && it->coalesced_pages > 1)
			json_object_set_new(o, "coalesced_pages",
					    json_integer(it->coalesced_pages));
		json_array_append_new(items, o);
	}
	return json_pack("{s:s,s:o}", "model", p->model, "items", items);
}

static int emit(int fd, json_t *inst, json_t *gb, enum wb_status st,
		const char *why)
{
	json_t *rec;
	char *text;
	int err = 0;

	wb_instance_set_status(inst, st, why);
	rec = json_pack("{s:o,s:o?}", "instance", inst, "gb", gb);
	text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
	json_decref(rec);
	if (!text)
		return WB_FAILED;
	for (size_t off = 0, n = strlen(text); off < n && !err;) {
		ssize_t w = write(fd, text + off, n - off);

		if (w < 0 && errno != EINTR)
			err = 1;
		else if (w > 0)
			off += (size_t)w;
	}
	free(text);
	return err ? WB_FAILED : (int)st;
}

int wb_instance_child(void *arg, int out_fd)
{
	const struct wb_child_arg *a = arg;
	const struct wb_run_opts *o = a->opts;
	const struct wb_kernel *k = a->inst->kernel;
	struct wb_ctx ctx = { 0 };
	struct wb_facts facts = { 0 };
	struct wb_prediction pred = { 0 };
	struct hooks h = { .unit = k->per_iteration ? k->per_iteration
						    : "iteration" };
	json_t *inst = wb_instance_json(a->inst), *missing, *gb = NULL;
	json_t *apart_json = NULL;
	bool apart = k->faults_in_loop && !o->test_counters_in_loop;
	struct gb_instance gi = { 0 };
	struct wb_hostpage hp;
	char why[WB_WHY_LEN] = "", *gbtext = NULL;
	json_error_t jerr;
	void *state = NULL;
	int err;

	wb_run_ctx(a->inst, o, &ctx);
	/* settings change only in the parent (prepare_system) */
	ctx.journal = NULL;

	if (o->cpu >= 0 && wb_topo_pin(o->cpu, why, sizeof(why)))
		return emit(out_fd, inst, NULL, WB_MISSING, why);
	json_object_set_new(inst, "pinned_cpu", json_integer(o->cpu));
	err = wb_counters_open(&h.c);
	if (err)
		return emit(out_fd, inst, NULL, WB_FAILED,
			    "cannot open counters");
	wb_counters_set_apart(h.c, apart);
	err = k->setup(&ctx, &state);
	if (err) {
		if (ctx.status == WB_OK)
			wb_refuse(&ctx, WB_FAILED, err, "setup failed: %s",
				  strerror(-err));
		wb_counters_close(h.c);
		return emit(out_fd, inst, NULL, ctx.status, ctx.why);
	}
	gi.name = a->inst->name;
	gi.run = k->run;
	gi.prepare = k->prepare;
	gi.state = state;
	gi.counters_begin = counters_begin;
	gi.counters_end = counters_end;
	gi.counters_arg = &h;
	gi.repetitions = o->reps;
	gi.min_time_s = o->min_time_s;
	gi.fixed_iterations = k->iterations ? k->iterations(&ctx) : 0;
	/* one warm-up repetition, dropped below (wb_results_drop_warmup) */
	gi.repetitions++;
	err = gb_run(&gi, &gbtext);
	if (!err && h.err)
		err = wb_refuse(&ctx, WB_FAILED, h.err,
				"counters failed around a timed batch: %s",
				strerror(-h.err));
	if (!err && apart) {
		err = count_apart(k, state, &h, &apart_json);
		if (err)
			wb_refuse(&ctx, WB_FAILED, err,
				  "the untimed counting batch failed: %s",
				  strerror(-err));
	}
	if (!err && k->check)
		err = k->check(&ctx, state, &facts);
	if (k->teardown)
		k->teardown(state);
	/* after the timed repetitions, on memory the kernel just gave back:
	 * how the host backs this process's guest 2 MiB pages */
	if (!err && ctx.status == WB_OK) {
		struct wb_hostpage_opts ho = { .sys = o->sys, .seed = o->seed };

		wb_hostpage_probe(&ho, &hp);
		json_object_set_new(inst, "host_backing",
				    wb_host_backing_json(&hp));
	}
	/* a kernel that refused in check() refused, whatever it returned */
	if (err || ctx.status != WB_OK) {
		if (ctx.status == WB_OK)
			wb_refuse(&ctx, WB_FAILED, err,
				  "run or check failed: %s", strerror(-err));
		json_decref(apart_json);
		free(gbtext);
		wb_counters_close(h.c);
		return emit(out_fd, inst, NULL, ctx.status, ctx.why);
	}
	if (k->predict && k->predict(&ctx, &pred) == 0)
		json_object_set_new(inst, "prediction", prediction_json(&pred));
	json_object_set_new(inst, "page_size_verified",
			    json_boolean(facts.page_size_verified));
	json_object_set_new(inst, "page_size_how",
			    json_string(facts.page_size_how));
	if (facts.page_size_verified && facts.page_size_bytes)
		json_object_set_new(
			inst, "page_size_bytes",
			json_integer((json_int_t)facts.page_size_bytes));
	json_object_set_new(inst, "facts", kv_json(facts.kv, facts.n, false));
	json_object_set_new(inst, "fact_sources",
			    kv_json(facts.kv, facts.n, true));
	if (facts.ninput) {
		json_object_set_new(inst, "inputs",
				    kv_json(facts.input, facts.ninput, false));
		json_object_set_new(inst, "input_sources",
				    kv_json(facts.input, facts.ninput, true));
	}
	missing = json_object();
	for (int i = 0; i < h.last.nmissing; i++)
		json_object_set_new(missing, h.last.missing[i].name,
				    json_string(h.last.missing[i].why));
	for (int i = 0; i < facts.nuncounted; i++)
		json_object_set_new(missing, facts.uncounted[i].name,
				    json_string(facts.uncounted[i].why));
	json_object_set_new(inst, "missing_metrics", missing);
	if (apart_json)
		json_object_set_new(inst, "counted_apart", apart_json);
	json_object_set_new(inst, "pinned_cpu_after",
			    json_integer(sched_getcpu()));
	wb_counters_close(h.c);
	gb = json_loads(gbtext, 0, &jerr);
	if (!gb) {
		snprintf(why, sizeof(why),
			 "Google Benchmark's JSON does not parse: %s (line %d)",
			 jerr.text, jerr.line);
		fputs(gbtext, stderr);
		free(gbtext);
		return emit(out_fd, inst, NULL, WB_FAILED, why);
	}
	free(gbtext);
	err = wb_results_drop_warmup(gb);
	if (err) {
		json_decref(gb);
		return emit(out_fd, inst, NULL, WB_FAILED,
			    "cannot drop the warm-up repetition");
	}
	wb_host_backing_mark_reps(gb, &hp);
	json_object_set_new(inst, "warmup_repetitions", json_integer(1));
	return emit(out_fd, inst, gb, WB_OK, "");
}
