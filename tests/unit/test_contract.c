// SPDX-License-Identifier: MIT
/*
 * The kernel contract (harness/runner/kernel.h) for every kernel of the
 * table this test is linked with: build/tests/test_contract has
 * kernels/kernels.def, build/tests/test_contract_tk the table of
 * build/walkbench-test (plus tests/kernels/kernels.def). A new kernel is
 * covered without an edit here.
 *
 * Per kernel, "descriptor": names and summary; every parameter named,
 * with a unit, help and ranges its values keep; the callbacks; the checks
 * across instances and the plots it declares naming parameters it has
 * and fields the runner writes. "instance": the smallest value of every
 * parameter is one valid instance, run as the runner does (requirements,
 * prepare_system, then setup, prepare, run, check, teardown in a
 * supervised child: wb_runner_probe(), kernel_probe.h). It succeeds, or
 * refuses with a reason (root, a hugetlb pool, THP, 2 CPUs ...) and the
 * test skips quoting it. Facts are named and finite, a verified page size
 * names how it was verified, and every prediction names something
 * validate can measure: a fact of the run, a counter the runner reads, or
 * a knee the kernel declares.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/env.h"
#include "counters/events.h"
#include "kernel_probe.h"
#include "runner/kernel.h"
#include "runner/plan.h"

extern const char wb_data_events_tsv[];

/* tests/kernels/misbehave.c breaks the contract on purpose, for the
 * supervision tests: their names and summaries are checked, nothing is
 * run. */
static const char *const misbehaving[] = { "test_crash", "test_hang",
					   "test_hog", NULL };

/* tests/kernels/interfere.c runs real kernels under interference that must
 * stop them: each is to be refused with this status and a reason (or,
 * lacking what it needs, missing or skipped), never run through. */
static const struct {
	const char *kernel;
	enum wb_status status;
} must_refuse[] = {
	{ "test_cow_nofork", WB_FAILED },
	{ "test_dz_nomap", WB_FAILED },
	{ "test_cow_nothp", WB_UNTRUSTED },
	{ "test_dz_nothp", WB_UNTRUSTED },
	{ NULL, WB_OK },
};
/* tests/kernels/mutants.c lies to the checker on purpose, for
 * tests/cli/validate_mutants.sh: their descriptors are checked, their
 * instances are not run (their honest twins are). */
static const char *const lying[] = { "mut_offbyone",
				     "mut_nosource",
				     "mut_fromparams",
				     "mut_thp_4k",
				     "mut_fork_lost",
				     "mut_knee_2x",
				     NULL };

/* Counters the runner reads besides the hardware metrics of events.tsv
 * (harness/counters/counters.c): software events, the tlb:tlb_flush
 * tracepoint, /proc/vmstat fields as vmstat_<field>. */
static const char *const other_counters[] = {
	"page_faults",
	"minor_faults",
	"major_faults",
	"context_switches",
	"cpu_migrations",
	"tlb_flush",
	"vmstat_nr_tlb_remote_flush",
	"vmstat_nr_tlb_remote_flush_received",
	"vmstat_nr_tlb_local_flush_all",
	"vmstat_nr_tlb_local_flush_one",
	"vmstat_thp_fault_alloc",
	"vmstat_thp_fault_fallback",
	"vmstat_thp_split_pmd",
	"vmstat_pgfault",
	NULL,
};

/* Seconds one instance may take before its child is killed. */
#define CHILD_TIMEOUT_S 120

static struct wb_sysinfo sys;
static struct wb_event_table events;

static bool is_name(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* A failed condition, named; the test goes on and fails at its end. */
static int bad;

__attribute__((format(printf, 1, 2))) static void fault(const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_message("# contract: %s\n", msg);
	bad++;
}

static bool has_param(const struct wb_kernel *k, const char *name)
{
	return name && wb_param_index(k, name) >= 0;
}

/* "<metric>[_user|_kernel]_per_<unit>": a counter field of the results */
static bool counter_field(const struct wb_kernel *k, const char *q)
{
	static const char *const hw_sfx[] = { "_user", "_kernel" };
	static const char *const sw_sfx[] = { "", "_user" };
	char f[160];

	for (int i = 0; i < events.n; i++)
		for (int s = 0; s < 2; s++) {
			snprintf(f, sizeof(f), "%s%s_per_%s",
				 events.rows[i].metric, hw_sfx[s],
				 k->per_iteration);
			if (!strcmp(f, q))
				return true;
		}
	for (int i = 0; other_counters[i]; i++)
		for (int s = 0; s < 2; s++) {
			snprintf(f, sizeof(f), "%s%s_per_%s", other_counters[i],
				 sw_sfx[s], k->per_iteration);
			if (!strcmp(f, q))
				return true;
		}
	return false;
}

/* A field every benchmark entry of the kernel carries or may carry. */
static bool bench_field(const struct wb_kernel *k, const char *q)
{
	char t[64];

	snprintf(t, sizeof(t), "ns_per_%s", k->per_iteration);
	return !strcmp(q, t) || counter_field(k, q);
}

static bool knee_row(const struct wb_kernel *k, const char *q)
{
	for (const struct wb_xcheck *x = k->xchecks;
	     x && x->kind != WB_XCHECK_END; x++)
		if (x->kind == WB_XCHECK_KNEE && !strcmp(x->row, q))
			return true;
	return false;
}

static bool is_value(const struct wb_param *p, uint64_t v)
{
	if (v < p->min || v > p->max)
		return false;
	if (!p->choices)
		return true;
	for (const uint64_t *c = p->choices; *c; c++)
		if (*c == v)
			return true;
	return false;
}

/* The value formats as the runner names it and parses back to itself. */
static bool round_trips(const struct wb_param *p, uint64_t v)
{
	char buf[32];
	uint64_t back;

	return !wb_param_parse(p, wb_param_format(p, v, buf, sizeof(buf)),
			       &back) &&
	       back == v;
}

static void check_params(const struct wb_kernel *k)
{
	int n = 0;

	for (const struct wb_param *p = k->params; p && p->name; p++, n++) {
		const char *nm = p->name;

		if (!is_name(nm))
			fault("%s: parameter %d has no name of [a-z0-9_]",
			      k->name, n);
		if (wb_param_index(k, nm) != n)
			fault("%s: parameter %s twice", k->name, nm);
		if (!p->unit)
			fault("%s.%s: no unit (\"\" for none)", k->name, nm);
		if (!p->help || !*p->help)
			fault("%s.%s: no help", k->name, nm);
		if (p->min > p->max)
			fault("%s.%s: min > max", k->name, nm);
		if (!is_value(p, p->def) || !is_value(p, p->quick))
			fault("%s.%s: default or quick value not a value "
			      "of the parameter",
			      k->name, nm);
		if (p->choices && !*p->choices)
			fault("%s.%s: empty choices", k->name, nm);
		for (const uint64_t *c = p->choices; c && *c; c++)
			if (!is_value(p, *c) || !round_trips(p, *c))
				fault("%s.%s: choice %llu out of range or not "
				      "parsed back",
				      k->name, nm, (unsigned long long)*c);
		if (!p->choices && (p->per_octave || p->quick_per_octave) &&
		    (p->lo < p->min || p->hi > p->max || p->lo > p->hi ||
		     p->lo == 0))
			fault("%s.%s: sweep %llu..%llu outside %llu..%llu",
			      k->name, nm, (unsigned long long)p->lo,
			      (unsigned long long)p->hi,
			      (unsigned long long)p->min,
			      (unsigned long long)p->max);
		if (!p->choices && p->quick_per_octave &&
		    (p->quick_hi < p->lo || p->quick_hi > p->hi))
			fault("%s.%s: quick sweep ends outside the sweep",
			      k->name, nm);
		if (!round_trips(p, p->def))
			fault("%s.%s: default does not parse back", k->name,
			      nm);
	}
	if (n > WB_MAX_PARAMS)
		fault("%s: %d parameters, at most %d", k->name, n,
		      WB_MAX_PARAMS);
}

static bool base_ok(const struct wb_kernel *k, const char *param, uint64_t base)
{
	int i = wb_param_index(k, param);

	return i >= 0 && is_value(&k->params[i], base);
}

static void check_xchecks(const struct wb_kernel *k)
{
	for (const struct wb_xcheck *x = k->xchecks;
	     x && x->kind != WB_XCHECK_END; x++) {
		if (x->kind < WB_XCHECK_HUGE_VS_BASE ||
		    x->kind > WB_XCHECK_KNEE) {
			fault("%s: check of unknown kind %d", k->name, x->kind);
			continue;
		}
		if (!is_name(x->row))
			fault("%s: a check without a row name", k->name);
		if (!x->metric || !bench_field(k, x->metric))
			fault("%s: check %s reads %s, not a field of the "
			      "results",
			      k->name, x->row, x->metric ? x->metric : "NULL");
		if (!has_param(k, x->param))
			fault("%s: check %s over %s, not a parameter", k->name,
			      x->row, x->param ? x->param : "NULL");
		for (int i = 0; i < WB_MAX_PARAMS && x->same[i]; i++)
			if (!has_param(k, x->same[i]) ||
			    !strcmp(x->same[i], x->param ? x->param : ""))
				fault("%s: check %s holds %s equal, not "
				      "another parameter",
				      k->name, x->row, x->same[i]);
		if (x->kind == WB_XCHECK_HUGE_VS_BASE &&
		    !base_ok(k, x->param, x->base))
			fault("%s: check %s: base %llu not a value of %s",
			      k->name, x->row, (unsigned long long)x->base,
			      x->param);
		if (x->kind == WB_XCHECK_KNEE && x->knee != 1 && x->knee != 2)
			fault("%s: knee %s numbered %d, not 1 or 2", k->name,
			      x->row, x->knee);
	}
}

/* plots/<name>.gp, when the scripts are where the tests run */
static void check_script(const struct wb_kernel *k, const char *name)
{
	const char *top = getenv("WB_TOP");
	char path[4096];

	snprintf(path, sizeof(path), "%s/plots/common.gp", top ? top : ".");
	if (access(path, R_OK))
		return;
	snprintf(path, sizeof(path), "%s/plots/%s.gp", top ? top : ".", name);
	if (access(path, R_OK))
		fault("%s: plot %s has no script %s", k->name, name, path);
}

static void check_plots(const struct wb_kernel *k)
{
	for (const struct wb_plot_hint *h = k->plots;
	     h && h->style != WB_PLOT_END; h++) {
		const char *nm = h->name ? h->name : "NULL";
		bool needs_x = h->style != WB_PLOT_BARS;

		if (h->style < WB_PLOT_CURVE || h->style > WB_PLOT_FACT) {
			fault("%s: plot %s of unknown style %d", k->name, nm,
			      h->style);
			continue;
		}
		if (!is_name(h->name) || !h->title || !*h->title ||
		    !h->caption || !*h->caption)
			fault("%s: plot %s needs a name, title and caption",
			      k->name, nm);
		if (h->x ? !has_param(k, h->x) : needs_x)
			fault("%s: plot %s: x %s is not a parameter", k->name,
			      nm, h->x ? h->x : "missing");
		if (h->series && !has_param(k, h->series))
			fault("%s: plot %s: series %s is not a parameter",
			      k->name, nm, h->series);
		if (h->style == WB_PLOT_SPEEDUP &&
		    (!has_param(k, h->variant) ||
		     !base_ok(k, h->variant, h->base)))
			fault("%s: plot %s: variant %s, base %llu: not a "
			      "parameter and its value",
			      k->name, nm, h->variant ? h->variant : "missing",
			      (unsigned long long)h->base);
		if (!h->y)
			fault("%s: plot %s has no y", k->name, nm);
		else if (h->style == WB_PLOT_BARS && h->y_ns) {
			/* the rate may be in a file; the time per unit is
			 * what the runner writes */
			if (!bench_field(k, h->y_ns))
				fault("%s: plot %s: %s is not a field of the "
				      "results",
				      k->name, nm, h->y_ns);
		} else if (h->style != WB_PLOT_FACT && !bench_field(k, h->y))
			fault("%s: plot %s: y %s is not a field of the "
			      "results",
			      k->name, nm, h->y);
		if (h->style == WB_PLOT_CURVE)
			for (int m = 0; m < 2; m++)
				if (h->marks[m] && !knee_row(k, h->marks[m]))
					fault("%s: plot %s marks %s, not a "
					      "knee the kernel declares",
					      k->name, nm, h->marks[m]);
		check_script(k, h->name ? h->name : "");
	}
}

static void descriptor(void **st)
{
	const struct wb_kernel *k = *st;

	bad = 0;
	if (!is_name(k->name) || !is_name(k->suite))
		fault("kernel name '%s' or suite '%s' not of [a-z0-9_]",
		      k->name ? k->name : "", k->suite ? k->suite : "");
	if (!k->summary || !*k->summary)
		fault("%s: no summary", k->name);
	if (!is_name(k->per_iteration))
		fault("%s: per_iteration names no unit of work", k->name);
	if (k->requires & ~((unsigned int)WB_NEED_X86_64 * 2 - 1))
		fault("%s: requires unknown needs %#x", k->name, k->requires);
	if (wb_kernel_find(k->name) != k)
		fault("%s: another kernel has the name", k->name);
	if (!in_list(misbehaving, k->name)) {
		if (!k->setup || !k->run || !k->check || !k->teardown ||
		    !k->predict)
			fault("%s: setup, run, check, teardown and predict "
			      "are required",
			      k->name);
		check_params(k);
		check_xchecks(k);
		check_plots(k);
	}
	assert_int_equal(bad, 0);
}

/* Plots of one name drawn from several kernels must agree on the style:
 * the first declaration in the table decides. */
static void table(void **st)
{
	(void)st;
	bad = 0;
	for (int i = 0; wb_kernels[i]; i++)
		for (const struct wb_plot_hint *h = wb_kernels[i]->plots;
		     h && h->style != WB_PLOT_END; h++)
			for (int j = 0; j < i; j++)
				for (const struct wb_plot_hint *g =
					     wb_kernels[j]->plots;
				     g && g->style != WB_PLOT_END; g++)
					if (h->name && g->name &&
					    !strcmp(h->name, g->name) &&
					    (h->style != g->style ||
					     h->whole_suite != g->whole_suite))
						fault("plot %s: %s and %s "
						      "declare it differently",
						      h->name,
						      wb_kernels[j]->name,
						      wb_kernels[i]->name);
	assert_int_equal(bad, 0);
}

static const char *const stage_name[] = {
	[WB_PROBE_RAN] = "ran",
	[WB_PROBE_NEEDS] = "requirements",
	[WB_PROBE_PREPARE_SYSTEM] = "prepare_system",
	[WB_PROBE_SETUP] = "setup",
	[WB_PROBE_CHECK] = "check",
};

static void smallest(const struct wb_kernel *k, uint64_t *param)
{
	for (int i = 0; k->params && k->params[i].name; i++) {
		const struct wb_param *p = &k->params[i];
		uint64_t v = p->min;

		if (p->choices) {
			v = p->choices[0];
			for (const uint64_t *c = p->choices; *c; c++)
				v = *c < v ? *c : v;
		}
		param[i] = v;
	}
}

static void check_facts(const struct wb_kernel *k,
			const struct wb_probe_result *o)
{
	for (int i = 0; i < o->facts.n; i++) {
		const struct wb_kv *kv = &o->facts.kv[i];

		if (!is_name(kv->name))
			fault("%s: fact %d has no name of [a-z0-9_]", k->name,
			      i);
		else if (!isfinite(kv->value))
			fault("%s: fact %s is not finite", k->name, kv->name);
		else if (!wb_source_valid(kv->source))
			fault("%s: fact %s names no source it was read from",
			      k->name, kv->name);
	}
	for (int i = 0; i < o->facts.ninput; i++) {
		const struct wb_kv *kv = &o->facts.input[i];

		if (!is_name(kv->name) || !isfinite(kv->value) ||
		    !wb_source_valid(kv->source))
			fault("%s: input %d (%s): bad name, value or source",
			      k->name, i, kv->name);
		if (fact_ptr(&o->facts, kv->name))
			fault("%s: %s is both an input and a fact", k->name,
			      kv->name);
	}
	if (o->facts.page_size_verified && !o->facts.page_size_how[0])
		fault("%s: page size verified, but not said how", k->name);
	for (const struct wb_xcheck *x = k->xchecks;
	     x && x->kind != WB_XCHECK_END; x++)
		if (x->kind == WB_XCHECK_KNEE && x->per_fact &&
		    !fact_ptr(&o->facts, x->per_fact))
			fault("%s: knee %s divides by fact %s, which check() "
			      "did not give",
			      k->name, x->row, x->per_fact);
	for (const struct wb_plot_hint *h = k->plots;
	     h && h->style != WB_PLOT_END; h++)
		if (h->style == WB_PLOT_FACT && !fact_ptr(&o->facts, h->y))
			fault("%s: plot %s draws fact %s, which check() did "
			      "not give",
			      k->name, h->name, h->y);
}

/*
 * Every prediction names something validate measures. Without the run's
 * facts (the instance was refused) a prediction named like no counter or
 * knee cannot be judged here, and is listed.
 */
static void check_predictions(const struct wb_kernel *k,
			      const struct wb_probe_result *o, bool have_facts)
{
	const struct wb_prediction *p = &o->pred;

	if (o->predict_err)
		fault("%s: predict() returned %d", k->name, o->predict_err);
	if (p->n && !p->model[0])
		fault("%s: predictions without a model", k->name);
	for (int i = 0; i < p->n; i++) {
		const struct wb_pred_item *it = &p->item[i];
		const char *q = it->quantity;

		if (!is_name(q) || !isfinite(it->value) || !isfinite(it->tol) ||
		    it->tol < 0 || it->tol_kind > WB_TOL_KNEE)
			fault("%s: prediction %d (%s): bad name, value or "
			      "tolerance",
			      k->name, i, q);
		if (!it->basis[0])
			fault("%s: prediction %s says not where it comes "
			      "from (basis)",
			      k->name, q);
		/* a knee tolerance wider than a quarter accepts a TLB of
		 * half or twice the size: it could not refute the model */
		if (knee_row(k, q) &&
		    (it->tol_kind != WB_TOL_KNEE || it->tol > 0.25))
			fault("%s: knee %s: tolerance must be knee, at most "
			      "0.25 (or one sweep step)",
			      k->name, q);
		if (!knee_row(k, q) && it->tol_kind == WB_TOL_KNEE)
			fault("%s: %s has a knee tolerance but is no knee the "
			      "kernel declares",
			      k->name, q);
		if ((have_facts && fact_ptr(&o->facts, q)) ||
		    bench_field(k, q) || knee_row(k, q))
			continue;
		if (!have_facts) {
			print_message("# %s: %s not judged: no facts from "
				      "a refused instance\n",
				      k->name, q);
			continue;
		}
		fault("%s: prediction %s names no fact of the run, no "
		      "counter field and no declared knee: validate cannot "
		      "measure it",
		      k->name, q);
	}
	for (const struct wb_plot_hint *h = k->plots;
	     h && h->style != WB_PLOT_END; h++) {
		bool found = false;

		for (int i = 0; i < p->n; i++)
			found |= !strcmp(p->item[i].quantity, h->y);
		if (h->style == WB_PLOT_FACT && !found)
			fault("%s: plot %s: fact %s has no prediction to "
			      "draw as the model",
			      k->name, h->name, h->y);
	}
}

/* WB_OK unless @k must be refused (must_refuse) */
static enum wb_status refusal_due(const struct wb_kernel *k)
{
	for (size_t i = 0; must_refuse[i].kernel; i++)
		if (!strcmp(must_refuse[i].kernel, k->name))
			return must_refuse[i].status;
	return WB_OK;
}

static void instance(void **st)
{
	const struct wb_kernel *k = *st;
	uint64_t param[WB_MAX_PARAMS] = { 0 };
	enum wb_status due = refusal_due(k);
	struct wb_probe_opts po;
	struct wb_probe_result r;
	int err;

	if (in_list(misbehaving, k->name)) {
		print_message("# SKIP %s misbehaves on purpose (supervision "
			      "tests): not run\n",
			      k->name);
		skip();
	}
	if (in_list(lying, k->name)) {
		print_message("# SKIP %s lies on purpose (mutation tests): "
			      "not run\n",
			      k->name);
		skip();
	}
	bad = 0;
	smallest(k, param);
	for (int i = 0; k->params && k->params[i].name; i++) {
		const struct wb_param *p = &k->params[i];

		if (!is_value(p, param[i]) || !round_trips(p, param[i]))
			fault("%s.%s: smallest value %llu is no value of the "
			      "parameter",
			      k->name, p->name, (unsigned long long)param[i]);
	}
	/* one batch, as the runner plans it on this machine, with no
	 * settings changes allowed */
	probe_opts(&po, &sys,
		   sys.mem_available_bytes / 2 < (1ull << 30)
			   ? sys.mem_available_bytes / 2
			   : 1ull << 30);
	po.batches = 1;
	po.timeout_s = CHILD_TIMEOUT_S;
	po.check_needs = true;
	po.prepare_system = true;
	err = probe_instance(&po, k, param, &r);
	if (err) {
		fault("%s: the instance's child ended without a result: %s "
		      "(%d)%s%s\n%s",
		      k->name, r.why, err,
		      r.stage ? ", predicting after a refusal by " : "",
		      r.stage ? stage_name[r.stage] : "", r.stderr_tail);
		assert_int_equal(bad, 0);
	}
	check_predictions(k, &r, r.stage == WB_PROBE_RAN);
	if (due != WB_OK && r.stage != WB_PROBE_NEEDS) {
		if (r.stage == WB_PROBE_RAN || r.err >= 0 || !r.why[0] ||
		    (r.status != due && r.status != WB_MISSING &&
		     r.status != WB_SKIPPED))
			fault("%s: under its interference it %s with %d, "
			      "status %d: '%s' (want -errno, status %d, and a "
			      "reason)",
			      k->name,
			      r.stage == WB_PROBE_RAN ? "ran through"
						      : "refused",
			      r.err, r.status, r.why, due);
		assert_int_equal(bad, 0);
		print_message("# %s: refused at %s as it must be: %s\n",
			      k->name, stage_name[r.stage], r.why);
		return;
	}
	if (r.stage == WB_PROBE_RAN) {
		print_message("# %s: %d facts, %d predictions\n", k->name,
			      r.facts.n, r.pred.n);
		check_facts(k, &r);
		assert_int_equal(bad, 0);
		return;
	}
	if (r.stage == WB_PROBE_NEEDS) {
		if (!r.why[0])
			fault("%s: requirements unmet without a reason",
			      k->name);
		assert_int_equal(bad, 0);
		print_message("# SKIP %s: %s\n", k->name, r.why);
		skip();
	}
	/* refused: a missing resource or an untrusted page size, said why */
	if (r.err >= 0 || !r.why[0] ||
	    (r.status != WB_MISSING && r.status != WB_SKIPPED &&
	     r.status != WB_UNTRUSTED))
		fault("%s: %s refused the smallest instance with %d, status "
		      "%d: '%s' (want -errno, status missing, skipped or "
		      "untrusted, and a reason)",
		      k->name, stage_name[r.stage], r.err, r.status, r.why);
	assert_int_equal(bad, 0);
	print_message("# SKIP %s: %s: %s\n", k->name, stage_name[r.stage],
		      r.why);
	skip();
}

int main(void)
{
	struct CMUnitTest *tests;
	char err[256];
	size_t n = 0, nk = 0;
	int rc;

	if (wb_env_probe(&sys))
		fprintf(stderr, "# environment probe incomplete: %s\n",
			sys.missing);
	if (wb_events_parse(wb_data_events_tsv, &events, err, sizeof(err))) {
		fprintf(stderr, "events.tsv: %s\n", err);
		return 1;
	}
	while (wb_kernels[nk])
		nk++;
	tests = calloc(2 * nk + 1, sizeof(*tests));
	if (!tests)
		return 1;
	tests[n++] = (struct CMUnitTest){ .name = "table", .test_func = table };
	for (size_t i = 0; i < nk; i++) {
		static const char *const what[] = { "descriptor", "instance" };

		for (int w = 0; w < 2; w++) {
			char *name;

			if (asprintf(&name, "%s %s", wb_kernels[i]->name,
				     what[w]) < 0)
				return 1;
			tests[n++] = (struct CMUnitTest){
				.name = name,
				.test_func = w ? instance : descriptor,
				.initial_state = (void *)wb_kernels[i],
			};
		}
	}
	rc = _cmocka_run_group_tests("contract", tests, n, NULL, NULL);
	for (size_t i = 1; i < n; i++)
		free((char *)tests[i].name);
	free(tests);
	wb_events_free(&events);
	return rc;
}
