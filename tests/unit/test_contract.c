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
 * parameter is one valid instance, run as the runner does (prepare_system,
 * setup, prepare, run, check, teardown) in a child. It succeeds, or
 * refuses with a reason (root, a hugetlb pool, THP, 2 CPUs ...) and the
 * test skips quoting it. Facts are named and finite, a verified page size
 * names how it was verified, and every prediction names something
 * validate can measure: a fact of the run, a counter the runner reads, or
 * a knee the kernel declares.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/env.h"
#include "counters/events.h"
#include "runner/kernel.h"
#include "runner/needs.h"
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

/*
 * Predictions validate cannot measure: no fact of that name, no counter
 * field, no declared knee. Fixing them is a separate issue; any other
 * prediction that cannot be measured fails the test.
 */
static const struct {
	const char *kernel, *quantity;
} known_unmeasurable[] = {
	/* page-walk memory references: no counter field counts them */
	{ "walk_depth", "walk_refs_worst_per_access" },
	{ "walk_depth", "walk_refs_new_per_access" },
	{ "walk_pwc", "walk_refs_worst_per_access" },
	{ "huge_access", "walk_refs_worst_per_miss" },
	{ NULL, NULL },
};

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
	if (k->requires & ~((unsigned int)WB_NEED_PAGEMAP_PFN * 2 - 1))
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

/* What the child hands back. */
struct outcome {
	int stage; /* 0 ran through, else the stage that refused */
	int err;
	enum wb_status status;
	char why[WB_WHY_LEN];
	struct wb_facts facts;
	struct wb_prediction pred;
	int predict_err;
};

enum {
	RAN,
	NEEDS,
	PREPARE_SYSTEM,
	SETUP,
	CHECK
};
static const char *const stage_name[] = { "ran", "requirements",
					  "prepare_system", "setup", "check" };

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

static void pin(struct wb_ctx *ctx)
{
	cpu_set_t set;
	int first = -1;

	if (sched_getaffinity(0, sizeof(set), &set) || CPU_COUNT(&set) < 2)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		if (first < 0) {
			first = c;
			continue;
		}
		ctx->cpu = c;
		ctx->cpu_other = first;
		break;
	}
	CPU_ZERO(&set);
	CPU_SET(ctx->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void child(const struct wb_kernel *k, bool run, int fd)
{
	static struct outcome o;
	struct wb_ctx ctx = { .kernel = k, .cpu = -1, .cpu_other = -1 };
	void *state = NULL;
	uint64_t n;
	ssize_t w;

	alarm(CHILD_TIMEOUT_S);
	ctx.quick = true;
	ctx.seed = 1;
	ctx.sys = &sys;
	ctx.mem_limit_bytes = sys.mem_available_bytes / 2 < (1ull << 30)
				      ? sys.mem_available_bytes / 2
				      : 1ull << 30;
	smallest(k, ctx.param);
	pin(&ctx);
	o.stage = NEEDS;
	if (run && k->prepare_system) {
		o.stage = PREPARE_SYSTEM;
		o.err = k->prepare_system(&ctx);
	}
	if (run && !o.err) {
		o.stage = SETUP;
		o.err = k->setup(&ctx, &state);
	}
	if (run && !o.err) {
		n = k->iterations ? k->iterations(&ctx) : 1000;
		if (k->prepare)
			k->prepare(state, n);
		k->run(state, n);
		o.stage = CHECK;
		o.err = k->check(&ctx, state, &o.facts);
		k->teardown(state);
		if (!o.err)
			o.stage = RAN;
	}
	o.status = ctx.status;
	memcpy(o.why, ctx.why, sizeof(o.why));
	o.predict_err = k->predict(&ctx, &o.pred);
	w = write(fd, &o, sizeof(o));
	_exit(w == (ssize_t)sizeof(o) ? 0 : 1);
}

/* 0, or -ECHILD when the child died (*how says how) */
static int run_child(const struct wb_kernel *k, bool run, struct outcome *o,
		     char *how, size_t len)
{
	size_t got = 0;
	int p[2], wst;
	pid_t pid;

	if (pipe(p))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		child(k, run, p[1]);
	}
	close(p[1]);
	while (got < sizeof(*o)) {
		ssize_t n = read(p[0], (char *)o + got, sizeof(*o) - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(p[0]);
	if (waitpid(pid, &wst, 0) < 0)
		return -errno;
	if (WIFSIGNALED(wst))
		snprintf(how, len, "killed by signal %d%s", WTERMSIG(wst),
			 WTERMSIG(wst) == SIGALRM ? " (timed out)" : "");
	else
		snprintf(how, len, "exit %d", WEXITSTATUS(wst));
	return got == sizeof(*o) && WIFEXITED(wst) && !WEXITSTATUS(wst)
		       ? 0
		       : -ECHILD;
}

static bool known(const struct wb_kernel *k, const char *q)
{
	for (size_t i = 0; known_unmeasurable[i].kernel; i++)
		if (!strcmp(known_unmeasurable[i].kernel, k->name) &&
		    !strcmp(known_unmeasurable[i].quantity, q))
			return true;
	return false;
}

static const double *fact_of(const struct wb_facts *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->kv[i].name, name))
			return &f->kv[i].value;
	return NULL;
}

static void check_facts(const struct wb_kernel *k, const struct outcome *o)
{
	for (int i = 0; i < o->facts.n; i++) {
		const struct wb_kv *kv = &o->facts.kv[i];

		if (!is_name(kv->name))
			fault("%s: fact %d has no name of [a-z0-9_]", k->name,
			      i);
		else if (!isfinite(kv->value))
			fault("%s: fact %s is not finite", k->name, kv->name);
	}
	if (o->facts.page_size_verified && !o->facts.page_size_how[0])
		fault("%s: page size verified, but not said how", k->name);
	for (const struct wb_xcheck *x = k->xchecks;
	     x && x->kind != WB_XCHECK_END; x++)
		if (x->kind == WB_XCHECK_KNEE && x->per_fact &&
		    !fact_of(&o->facts, x->per_fact))
			fault("%s: knee %s divides by fact %s, which check() "
			      "did not give",
			      k->name, x->row, x->per_fact);
	for (const struct wb_plot_hint *h = k->plots;
	     h && h->style != WB_PLOT_END; h++)
		if (h->style == WB_PLOT_FACT && !fact_of(&o->facts, h->y))
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
			      const struct outcome *o, bool have_facts)
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
		    it->tol < 0 || it->tol_kind > WB_TOL_MAX)
			fault("%s: prediction %d (%s): bad name, value or "
			      "tolerance",
			      k->name, i, q);
		if (!it->basis[0])
			fault("%s: prediction %s says not where it comes "
			      "from (basis)",
			      k->name, q);
		if ((have_facts && fact_of(&o->facts, q)) ||
		    bench_field(k, q) || knee_row(k, q))
			continue;
		if (!have_facts) {
			print_message("# %s: %s not judged: no facts from "
				      "a refused instance\n",
				      k->name, q);
			continue;
		}
		if (known(k, q)) {
			print_message("# %s: %s is not measurable (known)\n",
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
	char needs_why[160] = "", how[64];
	uint64_t param[WB_MAX_PARAMS] = { 0 };
	enum wb_status due = refusal_due(k);
	struct outcome o;
	bool run;
	int err;

	if (in_list(misbehaving, k->name)) {
		print_message("# SKIP %s misbehaves on purpose (supervision "
			      "tests): not run\n",
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
	run = !wb_needs_check(k->requires, &sys, needs_why, sizeof(needs_why));
	memset(&o, 0, sizeof(o));
	err = run_child(k, run, &o, how, sizeof(how));
	if (err) {
		fault("%s: the instance's child died (%s) at or after %s",
		      k->name, how, stage_name[o.stage]);
		assert_int_equal(bad, 0);
	}
	check_predictions(k, &o, o.stage == RAN);
	if (due != WB_OK && o.stage != NEEDS) {
		if (o.stage == RAN || o.err >= 0 || !o.why[0] ||
		    (o.status != due && o.status != WB_MISSING &&
		     o.status != WB_SKIPPED))
			fault("%s: under its interference it %s with %d, "
			      "status %d: '%s' (want -errno, status %d, and a "
			      "reason)",
			      k->name,
			      o.stage == RAN ? "ran through" : "refused", o.err,
			      o.status, o.why, due);
		assert_int_equal(bad, 0);
		print_message("# %s: refused at %s as it must be: %s\n",
			      k->name, stage_name[o.stage], o.why);
		return;
	}
	if (o.stage == RAN) {
		print_message("# %s: %d facts, %d predictions\n", k->name,
			      o.facts.n, o.pred.n);
		check_facts(k, &o);
		assert_int_equal(bad, 0);
		return;
	}
	if (o.stage == NEEDS) {
		if (!needs_why[0])
			fault("%s: requirements unmet without a reason",
			      k->name);
		assert_int_equal(bad, 0);
		print_message("# SKIP %s: %s\n", k->name, needs_why);
		skip();
	}
	/* refused: a missing resource or an untrusted page size, said why */
	if (o.err >= 0 || !o.why[0] ||
	    (o.status != WB_MISSING && o.status != WB_SKIPPED &&
	     o.status != WB_UNTRUSTED))
		fault("%s: %s refused the smallest instance with %d, status "
		      "%d: '%s' (want -errno, status missing, skipped or "
		      "untrusted, and a reason)",
		      k->name, stage_name[o.stage], o.err, o.status, o.why);
	assert_int_equal(bad, 0);
	print_message("# SKIP %s: %s: %s\n", k->name, stage_name[o.stage],
		      o.why);
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
