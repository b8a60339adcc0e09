// SPDX-License-Identifier: MIT
/*
 * walkbench claims: each claim of the seed text (../shared/seed/) as an
 * experiment with a verdict and the numbers behind it. Measured claims go
 * through the runner as `walkbench run KERNEL --param ...` would and read
 * its results file; model claims call the model library. bench/DETECT.md
 * lists the claims and how each verdict is reached.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "arch/arch.h"
#include "results/canon.h"
#include "results/resultsread.h"
#include "opt.h"
#include "core/env.h"
#include "model/model.h"
#include "model/pt.h"
#include "model/vipt.h"
#include "check/stability.h"
#include "check/stats.h"
#include "check/validate.h"
#include "runner/runner.h"

struct claims_cli {
	bool quick, json, allow_settings;
	const char *out, *results_dir, *from;
};

static const struct wb_opt claims_options[] = {
	{ WB_FLAG("--quick", struct claims_cli, quick),
	  .help = "measure with walkbench run --quick" },
	{ WB_FLAG("--json", struct claims_cli, json),
	  .help = "print the claims as JSON" },
	{ WB_FLAG("--allow-settings", struct claims_cli, allow_settings),
	  .help = "let the kernels switch THP and mTHP sizes through the "
		  "restore journal, as run --allow-settings" },
	{ WB_STR("--out", struct claims_cli, out), .arg = "REPORT.md",
	  .help = "also write a Markdown report (must not exist)" },
	{ WB_STR("--results-dir", struct claims_cli, results_dir), .arg = "DIR",
	  .help = "where the results go (default results)" },
	{ WB_STR("--from", struct claims_cli, from), .arg = "CLAIMS_DIR",
	  .help = "measure nothing: decide the claims again from the results "
		  "files of an earlier run (its DIR/claims-<UTC time>)" },
	{ NULL },
};

static const struct wb_opt_table claims_table = {
	.cmd = "claims",
	.usage = "walkbench claims [--quick] [--json] [--out REPORT.md] "
		 "[--allow-settings] [--results-dir DIR | --from CLAIMS_DIR]",
	.about = "Reproduces each claim of the seed text with numbers: "
		 "measured with\nthe kernels (results files under "
		 "DIR/claims-<UTC time>/) or computed with\nthe model. "
		 "Verdicts: holds, holds partly, does not hold, inconclusive\n"
		 "(measured, the numbers do not decide), not measured (the "
		 "run wrote\nno results), cannot be tested here (with the "
		 "reason).\n",
	.opts = claims_options,
};

#define NUM_LEN 700

/*
 * A measured claim gets a verdict from its measurement: when the run wrote
 * no results, or its instance did not run, the model alone does not
 * decide it.
 */
#define V_NOT_MEASURED "not measured"
#define V_NOT_HERE "cannot be tested here"
#define V_INCONCLUSIVE "inconclusive"

struct claim {
	const char *id, *statement, *basis;
	const char *verdict;
	char numbers[NUM_LEN];
	char command[300];
	char results[300]; /* results file, "" for model claims */
};

struct claims_ctx {
	bool quick, allow_settings;
	bool from; /* dir holds an earlier run's files: measure nothing */
	char dir[256];
	struct wb_sysinfo sys;
};

static void say(struct claim *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct claim *c, const char *fmt, ...)
{
	size_t o = strlen(c->numbers);
	va_list ap;

	if (o >= sizeof(c->numbers) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(c->numbers + o, sizeof(c->numbers) - o, fmt, ap);
	va_end(ap);
}

/* The run's own log, where `walkbench run` would have said it. */
static int log_error(FILE *log, const struct wb_runner *r)
{
	fprintf(log, "walkbench: error: %s\n", r->err.text);
	return r->err.code;
}

/* The plan measured as `run` does, into @out; the run's exit code. */
static int measure(struct claims_ctx *cx, const struct wb_plan *plan,
		   const char *cmdline, const char *out, FILE *log)
{
	struct run_report rep = { .rows = log, .progress = log };
	struct wb_runner r;
	int rc;

	wb_runner_init(&r, cx->quick);
	r.opts.allow_settings = cx->allow_settings;
	r.path = out;
	r.cmdline = cmdline;
	r.report = run_report;
	r.report_arg = &rep;
	if (wb_runner_start(&r)) {
		rc = log_error(log, &r);
	} else {
		fprintf(log, "walkbench: %zu instance(s), pinned to CPU %d\n",
			plan->n, r.opts.cpu);
		rc = wb_runner_run(&r, plan) ? log_error(log, &r) : 0;
		if (wb_runner_finish(&r, !rc)) {
			if (!r.write_failed)
				rc = log_error(log, &r);
		} else {
			fprintf(log, "results: %s\n", out);
			if (!rc)
				rc = wb_runner_exit_code(&r, plan->n);
		}
	}
	wb_runner_close(&r);
	return rc;
}

/*
 * Measures KERNEL with @params (NAME=VALUE, NULL-terminated) fixed, as
 * `walkbench run KERNEL --param ... [--quick] --out DIR/KERNEL.json`
 * would, its table and progress in DIR/KERNEL.log, and loads the file. NULL with
 * c->numbers explaining when it fails.
 */
static json_t *run_kernel(struct claims_ctx *cx, struct claim *c,
			  const char *kernel, const char *const *params)
{
	struct wb_plan plan = { 0 };
	char out[300], log[300], cmdline[700], err[256] = "";
	int n = 0, rc;
	json_error_t e;
	json_t *root;
	FILE *lf;

	snprintf(out, sizeof(out), "%s/%s.json", cx->dir, kernel);
	snprintf(log, sizeof(log), "%s/%s.log", cx->dir, kernel);
	snprintf(c->command, sizeof(c->command), "walkbench run %s", kernel);
	for (; params[n]; n++) {
		size_t o = strlen(c->command);

		snprintf(c->command + o, sizeof(c->command) - o, " --param %s",
			 params[n]);
	}
	if (cx->quick) {
		size_t o = strlen(c->command);

		snprintf(c->command + o, sizeof(c->command) - o, " --quick");
	}
	if (cx->allow_settings) {
		size_t o = strlen(c->command);

		snprintf(c->command + o, sizeof(c->command) - o,
			 " --allow-settings");
	}
	snprintf(cmdline, sizeof(cmdline), "%s --out %s", c->command, out);
	snprintf(c->results, sizeof(c->results), "%s", out);
	if (cx->from) {
		root = json_load_file(out, 0, &e);
		if (!root) {
			say(c, "no results in %s: %s", out, e.text);
			c->results[0] = 0;
		}
		wb_results_canonical(root);
		return root;
	}
	lf = fopen(log, "we");
	if (!lf) {
		say(c, "cannot create %s: %s", log, strerror(errno));
		c->results[0] = 0;
		return NULL;
	}
	if (wb_runner_plan_kernel(&plan, kernel, cx->quick, params, n, err,
				  sizeof(err))) {
		fprintf(lf, "walkbench: error: %s\n", err);
		rc = WB_EXIT_USAGE;
	} else {
		rc = measure(cx, &plan, cmdline, out, lf);
	}
	wb_plan_free(&plan);
	fclose(lf);
	root = json_load_file(out, 0, &e);
	if (!root) {
		say(c, "the run wrote no results (exit %d, log %s)", rc, log);
		c->results[0] = 0;
	}
	wb_results_canonical(root);
	return root;
}

/* The instance named @name (or the first one when NULL). */
static json_t *instance(json_t *root, const char *name)
{
	json_t *insts = json_object_get(
		json_object_get(json_object_get(root, "context"), "walkbench"),
		"instances");
	json_t *i;
	size_t k;

	json_array_foreach(insts, k, i) {
		if (!name ||
		    !strcmp(json_string_value(json_object_get(i, "name")),
			    name))
			return i;
	}
	return NULL;
}

/*
 * Whether @inst ran; if not, the claim's verdict says why: an instance
 * skipped or missing a resource of this machine cannot be tested here,
 * one that failed was not measured.
 */
static bool inst_ok(json_t *inst, struct claim *c)
{
	const char *st = json_string_value(json_object_get(inst, "status"));

	c->verdict = V_NOT_MEASURED;
	if (!inst) {
		say(c, "no instance in the results");
		return false;
	}
	if (!st || strcmp(st, "ok")) {
		say(c, "instance %s: %s", st ? st : "?",
		    json_string_value(json_object_get(inst, "why")));
		if (st && (!strcmp(st, "skipped") || !strcmp(st, "missing")))
			c->verdict = V_NOT_HERE;
		return false;
	}
	return true;
}

/* The ns_per_<unit> of each repetition of benchmark @name. */
static size_t rep_ns(json_t *root, const char *name, double *out, size_t max)
{
	json_t *b;
	size_t i, n = 0;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *bn = json_string_value(json_object_get(b, "name"));
		const char *rt = json_string_value(
			json_object_get(b, "run_type"));
		const char *k;
		json_t *v;

		if (!bn || strcmp(bn, name) || !rt || strcmp(rt, "iteration"))
			continue;
		json_object_foreach(b, k, v) {
			if (n < max && !strncmp(k, "ns_per_", 7) &&
			    json_is_number(v)) {
				out[n++] = json_number_value(v);
				break;
			}
		}
	}
	return n;
}

static void demand_zero(struct claims_ctx *cx, struct claim *c)
{
	static const char *const p[] = { "mib=16", "page_size=4K", "phase=read",
					 NULL };
	json_t *r = run_kernel(cx, c, "demand_zero", p), *i;
	bool ok = true;
	double rf, rd, rz, wf, wd, wz;

	c->verdict = V_NOT_MEASURED;
	if (!r)
		return;
	i = instance(r, NULL);
	if (inst_ok(i, c)) {
		rf = wb_inst_fact(i, "read_minor_faults", &ok);
		rd = wb_inst_fact(i, "read_pfn_distinct", &ok);
		rz = wb_inst_fact(i, "read_pages_zero_page", &ok);
		wf = wb_inst_fact(i, "write_minor_faults", &ok);
		wd = wb_inst_fact(i, "write_pfn_distinct", &ok);
		wz = wb_inst_fact(i, "write_pages_zero_page", &ok);
		if (!ok) {
			say(c, "facts missing from the results");
		} else {
			say(c,
			    "16 MiB of fresh 4K pages: %.0f read faults left "
			    "%.0f pages mapped to the zero page, %.0f distinct "
			    "frame(s); %.0f first-write faults gave %.0f "
			    "distinct frames, %.0f still on the zero page. "
			    "Linux maps a freshly zeroed frame on that write "
			    "rather than copying the zero page",
			    rf, rz, rd, wf, wd, wz);
			c->verdict = rd == 1 && rz == rf && wd == wf && wz == 0
					     ? "holds"
					     : "does not hold";
		}
	}
	json_decref(r);
}

static void cow_fork(struct claims_ctx *cx, struct claim *c)
{
	static const char *const p[] = { "mib=16", "page_size=4K",
					 "writer=child", "percent=100", NULL };
	json_t *r = run_kernel(cx, c, "cow_storm", p), *i;
	bool ok = true;
	double pages, before, child, parent, differ;

	c->verdict = V_NOT_MEASURED;
	if (!r)
		return;
	i = instance(r, NULL);
	if (inst_ok(i, c)) {
		pages = wb_inst_fact(i, "pages", &ok);
		before = wb_inst_fact(i, "pfn_shared_before", &ok);
		child = wb_inst_fact(i, "minor_faults_child", &ok);
		parent = wb_inst_fact(i, "minor_faults_parent", &ok);
		differ = wb_inst_fact(i, "pfn_differ_after", &ok);
		if (!ok) {
			say(c, "facts missing from the results");
		} else {
			say(c,
			    "after fork %.0f of %.0f pages share the parent's "
			    "frames; the child's writes took %.0f faults "
			    "(parent %.0f) and left %.0f pages on new frames",
			    before, pages, child, parent, differ);
			c->verdict = before == pages && child == pages &&
						     differ == pages
					     ? "holds"
					     : "does not hold";
		}
	}
	json_decref(r);
}

static void shared_lib(struct claims_ctx *cx, struct claim *c)
{
	static const char *const p[] = { "procs=4", "backing=devshm-file",
					 "mib=16", "align=on-1g", NULL };
	json_t *r = run_kernel(cx, c, "shared_map", p), *i;
	bool ok = true;
	double procs, pages, same, vmin, total, shared;

	c->verdict = V_NOT_MEASURED;
	if (!r)
		return;
	i = instance(r, NULL);
	if (inst_ok(i, c)) {
		/* how many processes is a parameter, not a fact */
		procs = json_number_value(
			json_object_get(json_object_get(i, "params"), "procs"));
		ok = procs > 0;
		pages = wb_inst_fact(i, "pages", &ok);
		same = wb_inst_fact(i, "pfn_identical_pages", &ok);
		vmin = wb_inst_fact(i, "vmpte_delta_bytes_min", &ok);
		total = wb_inst_fact(i, "vmpte_delta_bytes_sum", &ok);
		shared = wb_inst_fact(i, "pmd_tables_received_shared", &ok);
		if (!ok) {
			say(c, "facts missing from the results");
		} else {
			say(c,
			    "%.0f processes mapping one 16 MiB file in "
			    "/dev/shm (as a library's file is mapped): %.0f "
			    "of %.0f pages on identical frames in all; yet "
			    "every process grew its own page tables (VmPTE "
			    "+%.0f bytes at least, %.0f bytes in all, %.0f "
			    "PMD tables received shared). Linux "
			    "shares page-table pages only for hugetlb "
			    "mappings covering an aligned 1 GiB PUD range "
			    "(PMD sharing: walkbench run shared_map --param "
			    "backing=hugetlb-memfd --param mib=1024 --param "
			    "align=on-1g, "
			    "needs a 2 MiB hugetlb pool)",
			    procs, same, pages, vmin, total, shared);
			c->verdict = same == pages ? (vmin > 0 ? "holds partly"
							       : "holds")
						   : "does not hold";
		}
	}
	json_decref(r);
}

static void inverted(struct claims_ctx *cx, struct claim *c)
{
	struct wbm_fleet_spec s = { .procs = 1,
				    .private_bytes = 256ull << 20,
				    .private_page = WBM_4K,
				    .shared_bytes = 64ull << 20,
				    .shared_page = WBM_4K,
				    .phys_bytes = cx->sys.mem_total_bytes,
				    .ipt_entry_bytes = 16,
				    .levels = 4 };
	struct wbm_fleet f;

	c->basis = "model";
	/* the model's fleet counts x86-64-shaped tables: 4K pages, 512
	 * entries a table, 4 or 5 levels; an arm64 4K-granule regime of 4
	 * or 5 levels has the same shape */
	if (wb_arch_is_arm64(&cx->sys)) {
		int lv = wb_env_pt_levels(&cx->sys);

		if (cx->sys.page_size != 4096 || (lv != 4 && lv != 5)) {
			snprintf(c->command, sizeof(c->command), "-");
			c->verdict = V_NOT_HERE;
			say(c,
			    "not established on arm64: the model counts "
			    "4K-page tables of 4 or 5 levels; this regime has "
			    "%llu-byte pages and %d levels",
			    (unsigned long long)cx->sys.page_size, lv);
			return;
		}
		s.levels = lv;
	}
	snprintf(c->command, sizeof(c->command),
		 "walkbench model fleet --procs 1000 --private 256M --shared "
		 "64M --phys %lluM",
		 (unsigned long long)(s.phys_bytes >> 20));
	if (!s.phys_bytes)
		s.phys_bytes = 64ull << 30;
	if (wbm_fleet(&s, &f)) {
		c->verdict = V_NOT_HERE;
		say(c, "the model rejected the fleet");
		return;
	}
	say(c,
	    "processes with 256 MiB private + 64 MiB shared (4K pages, "
	    "%d levels): %llu bytes of tables each; an inverted table for "
	    "this machine's %llu MiB costs %llu bytes (16 B per frame); "
	    "hierarchical tables exceed it from %llu processes on",
	    s.levels, (unsigned long long)f.per_proc.total_bytes,
	    (unsigned long long)(s.phys_bytes >> 20),
	    (unsigned long long)f.ipt_bytes,
	    (unsigned long long)f.breakeven_procs);
	c->verdict = f.breakeven_procs ? "holds" : "does not hold";
}

static void walk2d(struct claims_ctx *cx, struct claim *c)
{
	int l44[2] = { 4, 4 }, l55[2] = { 5, 5 };
	uint64_t p4k[2] = { WBM_4K, WBM_4K }, w44 = 0, w55 = 0;

	(void)cx;
	c->basis = "model";
	snprintf(c->command, sizeof(c->command),
		 "walkbench model walk 4:4K 4:4K; walkbench model walk "
		 "5:4K 5:4K");
	if (wbm_walk_worst(l44, p4k, 2, &w44) ||
	    wbm_walk_worst(l55, p4k, 2, &w55)) {
		c->verdict = V_NOT_HERE;
		say(c, "the model rejected the layers");
		return;
	}
	say(c,
	    "worst case with 4-level guest and host tables: %llu references "
	    "(the seed's Lg x Ln + Ln gives %d); 5 and 5 levels: %llu (seed "
	    "%d). Each of the Lg guest-table reads and the final guest "
	    "physical address need an Ln-step host walk, plus the Lg guest "
	    "reads: (Lg + 1)(Ln + 1) - 1, which the seed's formula "
	    "undercounts by Lg",
	    (unsigned long long)w44, 4 * 4 + 4, (unsigned long long)w55,
	    5 * 5 + 5);
	c->verdict = w44 == 4 * 4 + 4 ? "holds" : "does not hold";
}

#define REPS 64
#define SPEEDUP 0.95 /* "speeds up": at least 5% less time */

/*
 * Whether the times @t are below SPEEDUP x @b: holds when significantly
 * below, does not hold when significantly above (one-sided Mann-Whitney
 * U test, level 0.05, the rule of validate's huge-vs-base check),
 * inconclusive otherwise.
 */
static const char *faster(struct claim *c, const double *t, size_t nt,
			  const double *b, size_t nb)
{
	double sb[REPS], p;
	struct wb_mwu u;
	bool below;

	for (size_t i = 0; i < nb; i++)
		sb[i] = b[i] * SPEEDUP;
	if (wb_mann_whitney(t, nt, sb, nb, &u)) {
		say(c, "; the U test failed");
		return V_INCONCLUSIVE;
	}
	p = u.p / 2;
	below = u.u_x < (double)nt * (double)nb / 2;
	if (u.u_x == (double)nt * (double)nb / 2 || p > 0.05) {
		say(c,
		    ". THP neither significantly below nor above 95%% of "
		    "the 4K time (one-sided Mann-Whitney p %.3g)",
		    p);
		return V_INCONCLUSIVE;
	}
	say(c, ". THP %s 95%% of the 4K time (one-sided Mann-Whitney p %.3g)",
	    below ? "below" : "above", p);
	return below ? "holds" : "does not hold";
}

/*
 * Whether the 4K (@nb) or the THP (@nt) instance's processes fell into
 * separate modes: then neither has one time, and a speed-up between
 * them says which modes the processes landed in (on a guest, how the host
 * backed each one's memory), not what huge pages do. The claim is
 * inconclusive and says so with the modes.
 */
static bool huge_unstable(struct claim *c, json_t *r, const char *nb,
			  const char *nt)
{
	struct wb_stability sb, st;
	char tb[128], tt[128];
	bool ub = !wb_root_stability(r, nb, &sb) && sb.judged && !sb.stable;
	bool ut = !wb_root_stability(r, nt, &st) && st.judged && !st.stable;

	if (!ub && !ut)
		return false;
	wb_stability_text(&sb, true, tb, sizeof(tb));
	wb_stability_text(&st, true, tt, sizeof(tt));
	say(c,
	    "measured, random page chase over 1 GiB, ns per access across "
	    "processes: verified 4K pages %s, verified THP 2M pages %s. %s "
	    "unstable: its processes fell into separate modes (on a guest "
	    "the host backs each process's memory with its own page size), "
	    "so no one time compares; inconclusive",
	    tb, tt,
	    ub && ut ? "Both are"
	    : ub     ? "4K is"
		     : "THP is");
	c->verdict = V_INCONCLUSIVE;
	return true;
}

static void huge_pages(struct claims_ctx *cx, struct claim *c)
{
	static const char *const p[] = { "pattern=chase", "ws=1G", NULL };
	int l2[2] = { 4, 4 };
	uint64_t p4[2] = { WBM_4K, WBM_4K }, p2[2] = { WBM_2M, WBM_2M };
	uint64_t w4 = 0, w2 = 0, n4 = 0, n2 = 0;
	static const char B1G[] =
		"huge_access/pattern:chase/backing:base/ws:1G";
	static const char T1G[] = "huge_access/pattern:chase/backing:thp/ws:1G";
	json_t *r, *base, *thp;
	double nb, nt, tb[REPS], tt[REPS];

	wbm_walk_worst(l2, p4, 1, &n4);
	wbm_walk_worst(l2, p2, 1, &n2);
	wbm_walk_worst(l2, p4, 2, &w4);
	wbm_walk_worst(l2, p2, 2, &w2);
	say(c,
	    "model: a walk reads %llu entries with 4K pages, %llu with 2M; a "
	    "2D walk %llu with 4K guest and host pages, %llu with 2M in "
	    "both. ",
	    (unsigned long long)n4, (unsigned long long)n2,
	    (unsigned long long)w4, (unsigned long long)w2);
	c->verdict = V_NOT_MEASURED;
	r = run_kernel(cx, c, "huge_access", p);
	if (!r)
		return;
	base = instance(r, B1G);
	thp = instance(r, T1G);
	if (inst_ok(base, c) && inst_ok(thp, c)) {
		size_t kb = rep_ns(r, B1G, tb, REPS),
		       kt = rep_ns(r, T1G, tt, REPS);

		if (!kb || !kt || wb_median(tb, kb, &nb) ||
		    wb_median(tt, kt, &nt)) {
			say(c, "no ns per access in the results");
		} else if (!huge_unstable(c, r, B1G, T1G)) {
			say(c,
			    "measured, random page chase over 1 GiB: %.1f ns "
			    "per access on verified 4K pages, %.1f on verified "
			    "THP 2M pages (%.2fx, medians of %zu and %zu "
			    "repetitions)%s",
			    nb, nt, nb / nt, kb, kt,
			    cx->sys.hypervisor[0]
				    ? "; this machine is a KVM guest, so "
				      "these are 2D walks (the host's page "
				      "size is not visible from inside)"
				    : "; natively (no hypervisor)");
			c->verdict = faster(c, tt, kt, tb, kb);
		}
	}
	json_decref(r);
}

/* The validate row of tlb_reach's L2 knee over the pages of @ps. */
static const struct wb_vrow *l2_row(const struct wb_vtable *t, const char *ps)
{
	char want[64];

	snprintf(want, sizeof(want), "page_size:%s (all pages)", ps);
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].kernel, "tlb_reach") &&
		    !strcmp(t->rows[i].quantity, "l2_tlb_reach_pages") &&
		    !strcmp(t->rows[i].params, want))
			return &t->rows[i];
	return NULL;
}

/*
 * Why validate did not judge a knee, in a sentence: its own "not judged"
 * reason when there is one, else the reason without the list of points
 * left out (claims print it as "%.*s" with the length in *n).
 */
static const char *reason(const char *why, int *n)
{
	const char *nj = strstr(why, "not judged: ");
	const char *lo = strstr(why, "; left out");

	if (nj) {
		*n = (int)strlen(nj);
		return nj;
	}
	*n = lo ? (int)(lo - why) : (int)strlen(why);
	if (*n > 240)
		*n = 240;
	return why;
}

/* A measured gain agrees with a predicted one within a factor of 1.5:
 * one step of the quick sweep (two points per octave) and a little. */
#define GAIN_SLACK 1.5

static bool gain_near(double m, double p)
{
	return m <= p * GAIN_SLACK && m >= p / GAIN_SLACK;
}

/* "16K" for 16384, "1M", "2M". */
static void size_name(uint64_t b, char *buf, size_t len)
{
	if (b >= 1 << 20)
		snprintf(buf, len, "%lluM", (unsigned long long)(b >> 20));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)(b >> 10));
}

/*
 * One page size S against 4K from the same file: the measured gain is the
 * L2 knee over S in bytes reached over the 4K knee; the model's with and
 * without coalescing. -1 when it cannot be judged (the reason said), 0
 * when the gain is the coalescing prediction, 1 when it is not.
 */
static int folio_gain(struct claim *c, const struct wb_vtable *t,
		      const struct wb_vrow *b4, uint64_t ps, const char *vendor,
		      unsigned int fam, unsigned int model)
{
	uint64_t l1, l2, e1, e2, step = ps < WBM_2M ? WBM_4K : ps;
	double with, without, gain;
	const struct wb_vrow *r;
	char name[16];
	uint32_t f2 = 1;
	int n;

	size_name(ps, name, sizeof(name));
	r = l2_row(t, name);
	if (ps == WBM_2M) {
		if (wbm_cpu_tlb_reach(vendor, fam, model, WBM_2M, &l1, &l2,
				      NULL) ||
		    wbm_cpu_tlb_reach(vendor, fam, model, WBM_4K, &e1, &e2,
				      NULL) ||
		    !l2 || !e2) {
			say(c, "; %s: no model row", name);
			return -1;
		}
		with = without = (double)l2 * 512 / (double)e2;
	} else {
		if (wbm_cpu_folio_reach(vendor, fam, model, ps, true, &l1, &l2,
					NULL, &f2, NULL) ||
		    wbm_cpu_folio_reach(vendor, fam, model, ps, false, &e1, &e2,
					NULL, NULL, NULL) ||
		    !e2) {
			say(c, "; %s: no model row", name);
			return -1;
		}
		with = (double)l2 / (double)e2;
		without = 1;
	}
	say(c, "; %s: model %.0fx with coalescing, %.0fx without", name, with,
	    without);
	if (!r || !r->has_meas ||
	    (r->verdict != WB_PASS && r->verdict != WB_FAIL)) {
		const char *w = r ? reason(r->why, &n) : "no instances";

		if (!r)
			n = (int)strlen(w);
		say(c, ", measured %s: inconclusive (%.*s)",
		    r && r->has_meas ? "a knee" : "no knee", n, w);
		return -1;
	}
	gain = r->measured * (double)step / (b4->measured * (double)WBM_4K);
	say(c, ", measured %.2fx (L2 knee %.0f x %s over %.0f x 4K)", gain,
	    r->measured, ps < WBM_2M ? "4K" : name, b4->measured);
	if (gain_near(gain, with)) {
		say(c, ", as the model with coalescing says");
		return 0;
	}
	say(c, ", %s",
	    gain_near(gain, without) ? "as without coalescing" : "neither");
	return 1;
}

/*
 * Larger pages help only as far as the TLB can hold them: per page size
 * of tlb_reach's results, the L2 TLB reach over that size against 4K,
 * measured (knees as validate finds and judges them) and predicted by the
 * model with the CPU's PTE coalescing and without. A knee validate does
 * not judge (unstable points, no knee, a guest on 4K host pages) leaves
 * that size inconclusive.
 */
static void tlb_folios(struct claims_ctx *cx, struct claim *c)
{
	static const char *const p[] = { NULL };
	static const uint64_t sizes[] = { 16 << 10,  32 << 10,	64 << 10,
					  128 << 10, 256 << 10, 512 << 10,
					  1 << 20,   WBM_2M };
	struct wb_vtable t = { 0 };
	const struct wb_vrow *b4;
	json_t *r, *env;
	int held = 0, refuted = 0, seen = 0;
	const char *vendor, *hv, *arch;
	unsigned int fam, model;

	c->verdict = V_NOT_MEASURED;
	r = run_kernel(cx, c, "tlb_reach", p);
	if (!r)
		return;
	env = json_object_get(
		json_object_get(json_object_get(r, "context"), "walkbench"),
		"env");
	vendor = json_string_value(json_object_get(env, "vendor"));
	hv = json_string_value(json_object_get(env, "hypervisor"));
	fam = (unsigned int)json_integer_value(json_object_get(env, "family"));
	model = (unsigned int)json_integer_value(json_object_get(env, "model"));
	if (wb_validate_file(r, c->results, &t)) {
		say(c, "validate could not read the results");
		goto out;
	}
	arch = json_string_value(json_object_get(env, "arch"));
	/* arm64 names no hypervisor in-band: none named is not native */
	say(c,
	    "measured, random chase over every 4K page, L2 TLB reach "
	    "gain over 4K (%s%s)",
	    hv && hv[0]			       ? "a guest: "
	    : arch && !strcmp(arch, "aarch64") ? "native or a guest: not "
						 "established on arm64"
					       : "native",
	    hv ? hv : "");
	if (arch && !strcmp(arch, "aarch64"))
		say(c, "; arm64 coalesces through the contiguous bit the "
		       "kernel sets (16 x 4K = 64K)");
	b4 = l2_row(&t, "4K");
	if (!b4 || !b4->has_meas ||
	    (b4->verdict != WB_PASS && b4->verdict != WB_FAIL)) {
		int n = 15;
		const char *w = b4 ? reason(b4->why, &n) : "no 4K instances";

		say(c, "; the 4K knee: inconclusive (%.*s)", n, w);
		c->verdict = V_INCONCLUSIVE;
		goto out;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[16], want[64];
		bool present = false;

		size_name(sizes[i], name, sizeof(name));
		snprintf(want, sizeof(want), "page_size:%s (all pages)", name);
		for (size_t k = 0; k < t.n && !present; k++)
			present = !strcmp(t.rows[k].kernel, "tlb_reach") &&
				  !strcmp(t.rows[k].params, want);
		if (!present)
			continue;
		seen++;
		switch (folio_gain(c, &t, b4, sizes[i], vendor ? vendor : "",
				   fam, model)) {
		case 0:
			held++;
			break;
		case 1:
			refuted++;
			break;
		}
	}
	if (!seen)
		say(c, "; no page size but 4K in the results");
	c->verdict = refuted ? "does not hold"
		     : held  ? "holds"
			     : V_INCONCLUSIVE;
out:
	wb_vtable_free(&t);
	json_decref(r);
}

static void vipt(struct claims_ctx *cx, struct claim *c)
{
	static const char *const p[] = { "alias=12", NULL };
	struct wb_cache_geom *g = &cx->sys.l1d;
	struct wbm_vipt v;
	json_t *r, *i;
	bool ok = true;

	c->verdict = V_NOT_HERE;
	if (wb_arch_is_arm64(&cx->sys)) {
		snprintf(c->command, sizeof(c->command), "-");
		say(c, "not established on arm64: its data caches behave as "
		       "PIPT (Arm ARM, DDI 0487, \"Data and unified "
		       "caches\"), so no cache here is the VIPT cache the "
		       "claim is about; `walkbench run synonym` still "
		       "measures coherence and cost");
		return;
	}
	if (!g->size_bytes || !g->ways || !g->line_bytes ||
	    wbm_vipt_check(g->size_bytes, g->ways, g->line_bytes, 4096, &v)) {
		say(c, "the L1D geometry of this machine is unknown");
		return;
	}
	say(c,
	    "L1D %llu KiB, %u-way, %u B lines: S = %llu sets, S x B = %llu "
	    "%s P = 4096. ",
	    (unsigned long long)(g->size_bytes >> 10), g->ways, g->line_bytes,
	    (unsigned long long)v.sets, (unsigned long long)v.span,
	    v.ok ? "<=" : ">");
	/* the model's S x B <= P alone is not the claim's measurement */
	c->verdict = V_NOT_MEASURED;
	r = run_kernel(cx, c, "synonym", p);
	if (!r)
		return;
	i = instance(r, NULL);
	if (inst_ok(i, c)) {
		double mism = wb_inst_fact(i, "coherence_mismatches", &ok);
		/* which set a line sits in is not observable: the model's */
		bool same = !(4096 & (v.span - 1));

		if (!ok) {
			say(c, "facts missing from the results");
		} else {
			say(c,
			    "One frame at two addresses 4 KiB apart: %.0f "
			    "coherence mismatches, same L1D index (model): %s",
			    mism, same ? "yes" : "no");
			c->verdict = v.ok && mism == 0 ? "holds"
						       : "does not hold";
		}
	}
	json_decref(r);
}

static void shadow(struct claims_ctx *cx, struct claim *c)
{
	c->basis = "none";
	snprintf(c->command, sizeof(c->command), "-");
	c->verdict = V_NOT_HERE;
	if (wb_arch_is_arm64(&cx->sys))
		say(c,
		    "not established on arm64: KVM/arm64 has no shadow-paging "
		    "mode to compare with (its guests always run under "
		    "stage-2 translation, the arm64 nested walk)");
	else if (cx->sys.hypervisor[0])
		say(c,
		    "this machine is itself a guest of %s with hardware "
		    "nested paging: there is no native run to compare, and "
		    "shadow paging would need the host's kvm module with "
		    "ept=0 (or npt=0); walkbench does not change the host",
		    cx->sys.hypervisor);
	else
		say(c,
		    "comparing needs guests under shadow and under nested "
		    "paging (kvm_intel ept=0 / kvm_amd npt=0 on this host), a "
		    "module setting walkbench does not change");
}

static void tee_layer(struct claims_ctx *cx, struct claim *c)
{
	int l3[3] = { 4, 4, 4 };
	uint64_t p3[3] = { WBM_4K, WBM_4K, WBM_4K }, w3 = 0;

	(void)cx;
	c->basis = "model";
	snprintf(c->command, sizeof(c->command),
		 "walkbench model walk 4:4K 4:4K 4:4K");
	c->verdict = V_NOT_HERE;
	if (wbm_walk_worst(l3, p3, 3, &w3))
		return;
	say(c,
	    "model only: a third 4-level layer makes the worst case %llu "
	    "references per translation ((4+1)^3 - 1). No enclave hardware "
	    "is used here: whether an enclave really walks a third table "
	    "(Intel SGX checks an EPCM entry instead; AMD SEV-SNP an RMP "
	    "entry; Arm CCA a granule protection table entry) is not "
	    "measurable from this machine",
	    (unsigned long long)w3);
}

struct claim_def {
	const char *id, *statement, *basis;
	void (*fn)(struct claims_ctx *, struct claim *);
};

static const struct claim_def defs[] = {
	{ "demand_zero",
	  "Fresh zero-filled memory maps every page to one shared read-only "
	  "zero frame; the first write faults and gets a private page (COW)",
	  "measured", demand_zero },
	{ "cow_fork",
	  "After fork, pages are shared copy-on-write: each first write "
	  "faults once and gets a private copy",
	  "measured", cow_fork },
	{ "shared_library",
	  "A shared library is loaded once: processes share its frames, and "
	  "whole page-table branches can be shared",
	  "measured", shared_lib },
	{ "inverted_breakeven",
	  "On a dense host, an inverted page table (one entry per frame) "
	  "becomes smaller than all hierarchical tables past a break-even "
	  "point",
	  "model", inverted },
	{ "walk_2d_worst",
	  "A nested (2D) walk costs at worst Lg x Ln + Ln memory references",
	  "model", walk2d },
	{ "huge_pages",
	  "Huge pages shorten guest and nested walks and speed up large "
	  "working sets",
	  "measured+model", huge_pages },
	{ "tlb_folio_reach",
	  "Larger pages help only as far as the TLB can hold them: a folio "
	  "between 4K and 2M widens the TLB's reach only by the PTEs the CPU "
	  "coalesces into one entry",
	  "measured+model", tlb_folios },
	{ "vipt", "A VIPT cache avoids synonyms when S x B <= P",
	  "measured+model", vipt },
	{ "shadow_vs_nested",
	  "Shadow paging traps every guest page-table update; nested paging "
	  "removes the traps at the cost of 2D walks",
	  "none", shadow },
	{ "tee_third_layer",
	  "A TEE adds a third translation layer invisible to the hypervisor",
	  "model", tee_layer },
};

#define NCLAIMS (sizeof(defs) / sizeof(defs[0]))

static int make_dir(struct claims_ctx *cx, const char *root)
{
	time_t t = time(NULL);
	struct tm tm;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (mkdir(root, 0755) && errno != EEXIST)
		return -errno;
	snprintf(cx->dir, sizeof(cx->dir), "%s/claims-%s", root, stamp);
	if (mkdir(cx->dir, 0755))
		return -errno;
	return 0;
}

static void report_md(FILE *f, const struct claim *cl, size_t n)
{
	fprintf(f, "# Claims of the seed text, reproduced\n\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "## %s: %s\n\n", cl[i].id, cl[i].verdict);
		fprintf(f, "- Claim: %s\n- Basis: %s\n- Numbers: %s\n",
			cl[i].statement, cl[i].basis, cl[i].numbers);
		fprintf(f, "- Re-measure: `%s`\n", cl[i].command);
		if (cl[i].results[0])
			fprintf(f, "- Results: [%s](%s)\n", cl[i].results,
				cl[i].results);
		fputc('\n', f);
	}
}

int cmd_claims(int argc, char **argv)
{
	struct claims_ctx cx = { 0 };
	struct claim cl[NCLAIMS];
	struct claims_cli c = { 0 };
	struct wb_opt_parse p = { .t = &claims_table, .dst = &c };
	const char *out, *root;
	bool json;
	int err;

	err = wb_opt_parse(&p, argc, argv);
	if (err || p.help)
		return err;
	cx.quick = c.quick;
	cx.allow_settings = c.allow_settings;
	json = c.json;
	out = c.out;
	root = c.results_dir;
	if (out && !access(out, F_OK))
		return wb_error(WB_EXIT_USAGE, "claims: '%s' exists", out);
	if (c.from && root)
		return wb_error(
			WB_EXIT_USAGE,
			"claims: --from reads an earlier run, "
			"--results-dir is where a new one goes: not both");
	if (c.from) {
		struct stat st;

		if (stat(c.from, &st) || !S_ISDIR(st.st_mode))
			return wb_error(
				WB_EXIT_USAGE,
				"claims: --from '%s' is not a directory",
				c.from);
		if (strlen(c.from) >= sizeof(cx.dir))
			return wb_error(WB_EXIT_USAGE,
					"claims: --from '%s' is too long",
					c.from);
		cx.from = true;
		snprintf(cx.dir, sizeof(cx.dir), "%s", c.from);
	}
	if (!root)
		root = "results";
	err = cx.from ? 0 : make_dir(&cx, root);
	if (err)
		return wb_error(WB_EXIT_MISSING,
				"claims: cannot create a directory under "
				"'%s': %s",
				root, strerror(-err));
	wb_env_probe(&cx.sys);
	for (size_t i = 0; i < NCLAIMS; i++) {
		memset(&cl[i], 0, sizeof(cl[i]));
		cl[i].id = defs[i].id;
		cl[i].statement = defs[i].statement;
		cl[i].basis = defs[i].basis;
		defs[i].fn(&cx, &cl[i]);
		if (!json)
			printf("%-18s %-22s %s\n  re-measure: %s%s%s\n",
			       cl[i].id, cl[i].verdict, cl[i].numbers,
			       cl[i].command,
			       cl[i].results[0] ? "\n  results: " : "",
			       cl[i].results);
		fflush(stdout);
	}
	if (json) {
		json_t *arr = json_array(), *j;

		for (size_t i = 0; i < NCLAIMS; i++)
			json_array_append_new(
				arr,
				json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
					  cl[i].id, "statement",
					  cl[i].statement, "basis", cl[i].basis,
					  "verdict", cl[i].verdict, "numbers",
					  cl[i].numbers, "command",
					  cl[i].command, "results",
					  cl[i].results));
		j = json_pack("{s:o,s:s}", "claims", arr, "results_dir",
			      cx.dir);
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	}
	if (out) {
		FILE *f = fopen(out, "wx");

		if (!f)
			return wb_error(WB_EXIT_MISSING, "claims: %s: %s", out,
					strerror(errno));
		report_md(f, cl, NCLAIMS);
		if (fclose(f))
			return wb_error(WB_EXIT_MISSING, "claims: %s: %s", out,
					strerror(errno));
	}
	return WB_EXIT_OK;
}
