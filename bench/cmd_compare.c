// SPDX-License-Identifier: MIT
/*
 * walkbench compare BASE.json NEW.json: per benchmark, did the time per
 * unit change? Method (plots/README.md has the long form): the change is
 * the Hodges-Lehmann estimate of the shift of log(real_time) between the
 * repetitions, shown as a percentage, with its Moses confidence interval at
 * level 1 - alpha; significance is a two-sided Mann-Whitney U test. A
 * benchmark regressed when p < alpha and the whole interval lies above
 * +threshold: it is significantly slower by more than the threshold.
 * A benchmark whose passes fall into separate modes in either file
 * (check/stability.h) has no one time to compare: it is "unstable", out
 * of the test's family, and neither regresses nor improves.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "opt.h"
#include "results/canon.h"
#include "results/resultsread.h"
#include "check/stability.h"
#include "check/stats.h"

enum verdict {
	V_UNCHANGED,
	V_IMPROVED,
	V_REGRESSED,
	V_NOT_JUDGED,
	V_NOT_COMPARABLE,
	V_UNSTABLE,
	V_COUNT
};
static const char *const verdict_name[] = { "unchanged",      "improved",
					    "regressed",      "not judged",
					    "not comparable", "unstable" };

struct cmp_opts {
	const char *base, *new;
	double alpha, threshold_pct, max_busy;
	bool each; /* no adjustment of p-values for the family of benchmarks */
	bool json, common;
};

struct row {
	const struct wb_rbench *b, *n;
	double med_b, med_n; /* ns */
	double change, lo, hi, level; /* percent; level actually reached */
	double p;
	double p_adj; /* p adjusted for the family of benchmarks (Holm) */
	bool judged; /* has a p-value that takes part in the family */
	char note[96];
	size_t nu_b, nu_n; /* independent samples: passes or repetitions */
	bool by_pass; /* both sides' samples are passes */
	struct wb_stability st_b, st_n;
	enum verdict v;
	char why[320];
};

static const struct wb_opt cmp_options[] = {
	{ WB_DOUBLE("--alpha", struct cmp_opts, alpha, 0, 1),
	  .flags = WB_OPT_MIN_OPEN | WB_OPT_MAX_OPEN, .arg = "A",
	  .help = "significance level of the U test (0.05)" },
	{ WB_DOUBLE("--threshold", struct cmp_opts, threshold_pct, 0, 1e6),
	  .flags = WB_OPT_MAX_OPEN, .arg = "PCT", .want = "a percentage >= 0",
	  .help = "a significant change counts only beyond PCT percent (5)" },
	{ WB_FLAG("--each", struct cmp_opts, each),
	  .help = "test each benchmark at alpha on its own (default: Holm's "
		  "adjustment over all benchmarks compared)" },
	{ WB_DOUBLE("--max-busy", struct cmp_opts, max_busy, 0, 1e6),
	  .flags = WB_OPT_MAX_OPEN, .arg = "CPUS",
	  .want = "a number of CPUs >= 0",
	  .help = "judge no change in a run during which other processes and "
		  "the hypervisor took more than CPUS CPUs (0.25)" },
	{ WB_FLAG("--json", struct cmp_opts, json),
	  .help = "print a JSON object instead of the table" },
	{ WB_FLAG("--common", struct cmp_opts, common),
	  .help = "compare the benchmarks present in both files; without it "
		  "differing benchmark sets are an error" },
	{ NULL },
};

static const struct wb_opt_table compare_table = {
	.cmd = "compare",
	.usage = "walkbench compare BASE.json NEW.json [--alpha A] "
		 "[--threshold PCT]\n"
		 "                         [--each] [--max-busy CPUS] [--json] "
		 "[--common]",
	.about = "Compares the repetitions of every benchmark in both files.\n",
	.opts = cmp_options,
	.epilog = "Exit: 0 no regression, 1 something regressed, 2 bad input, "
		  "5 a change\nwas seen but a run was too disturbed to judge "
		  "it.\n",
	.min_args = 2,
	.max_args = 2,
	.needs = "BASE.json and NEW.json",
};

/* Returns 0, or the exit code; *help when --help was printed. */
static int parse_args(int argc, char **argv, struct cmp_opts *o, bool *help)
{
	const char *files[2] = { NULL, NULL };
	struct wb_opt_parse p = { .t = &compare_table,
				  .dst = o,
				  .args = files };
	int err;

	*o = (struct cmp_opts){ .alpha = 0.05,
				.threshold_pct = 5,
				.max_busy = 0.25 };
	err = wb_opt_parse(&p, argc, argv);
	*help = p.help;
	if (err || p.help)
		return err;
	o->base = files[0];
	o->new = files[1];
	return 0;
}

static void add_reason(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_reason(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used && used + 2 < len) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	if (used < len)
		vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void env_field_str(const json_t *eb, const json_t *en, const char *key,
			  const char *what, char *why, size_t len)
{
	const char *a = wb_jstr(eb, key), *b = wb_jstr(en, key);

	if (strcmp(a, b))
		add_reason(why, len, "%s '%s' vs '%s'", what, a, b);
}

static void env_field_num(const json_t *eb, const json_t *en, const char *key,
			  const char *what, char *why, size_t len)
{
	double a = wb_jnum(eb, key), b = wb_jnum(en, key);

	if (!(a == b) && !(isnan(a) && isnan(b)))
		add_reason(why, len, "%s %g vs %g", what, a, b);
}

/* Why the two machines' numbers cannot be compared; "" when they can. */
static void env_differences(const struct wb_rfile *b, const struct wb_rfile *n,
			    char *why, size_t len)
{
	bool eb = json_is_true(json_object_get(b->wb, "emulated"));
	bool en = json_is_true(json_object_get(n->wb, "emulated"));

	why[0] = 0;
	env_field_str(b->env, n->env, "vendor", "CPU vendor", why, len);
	env_field_num(b->env, n->env, "family", "CPU family", why, len);
	env_field_num(b->env, n->env, "model", "CPU model", why, len);
	env_field_str(b->env, n->env, "kernel", "kernel", why, len);
	env_field_str(b->env, n->env, "hypervisor", "hypervisor", why, len);
	if (eb != en)
		add_reason(why, len, "%s is emulated (TCG), %s is not",
			   eb ? "base" : "new", eb ? "new" : "base");
}

/* CPUs' worth others used during the run (others + steal); NAN when the
 * file does not say. */
static double run_busy(const struct wb_rfile *r)
{
	json_t *mb = json_object_get(r->wb, "machine_busy");

	return wb_jnum(mb, "others_cpu") + wb_jnum(mb, "steal_cpu");
}

/* A run on a busy machine is slowed by what it shares with the other
 * work (caches, memory bandwidth, the host), not only by losing its CPU:
 * a difference it shows says nothing about the build. */
static size_t withhold_busy(const struct cmp_opts *o, const struct wb_rfile *b,
			    const struct wb_rfile *n, struct row *rows,
			    size_t nr, size_t *count)
{
	double bb = run_busy(b), bn = run_busy(n);
	size_t held = 0;
	char why[200];

	if (!(bb > o->max_busy) && !(bn > o->max_busy))
		return 0;
	snprintf(why, sizeof(why),
		 "%s ran on a busy machine (others and the hypervisor took "
		 "%.2f CPUs; --max-busy %g)",
		 bn > o->max_busy ? "new" : "base", bn > o->max_busy ? bn : bb,
		 o->max_busy);
	for (size_t i = 0; i < nr; i++) {
		struct row *r = &rows[i];

		if (r->v != V_REGRESSED && r->v != V_IMPROVED)
			continue;
		count[r->v]--;
		count[V_NOT_JUDGED]++;
		r->v = V_NOT_JUDGED;
		snprintf(r->why, sizeof(r->why), "%+.1f%%, but %s", r->change,
			 why);
		held++;
	}
	return held;
}

static int version_major(const struct wb_rfile *r)
{
	return atoi(wb_jstr(r->wb, "version"));
}

/* Names in @a missing from @b, as "x, y, +N more" into buf. */
static size_t missing_names(const struct wb_rfile *a, const struct wb_rfile *b,
			    char *buf, size_t len)
{
	size_t miss = 0, shown = 0;

	buf[0] = 0;
	for (size_t i = 0; i < a->nb; i++) {
		if (wb_rfile_find(b, a->b[i].name))
			continue;
		if (shown < 5 && strlen(buf) + strlen(a->b[i].name) + 3 < len) {
			size_t used = strlen(buf);

			snprintf(buf + used, len - used, "%s%s",
				 shown ? ", " : "", a->b[i].name);
			shown++;
		}
		miss++;
	}
	if (miss > shown) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, " and %zu more", miss - shown);
	}
	return miss;
}

/*
 * A benchmark whose processes fell into different modes (on a guest, the
 * host backing one process's memory with 2 MiB pages and another's with
 * 4 KiB) has no one time: a shift between such samples says which modes
 * the passes happened to land in, not what the build changed.
 */
static bool unstable(struct row *r)
{
	char tb[128], tn[128];
	bool ub = r->st_b.judged && !r->st_b.stable;
	bool un = r->st_n.judged && !r->st_n.stable;

	if (!ub && !un)
		return false;
	wb_stability_text(&r->st_b, true, tb, sizeof(tb));
	wb_stability_text(&r->st_n, true, tn, sizeof(tn));
	r->v = V_UNSTABLE;
	/* a median over modes describes none of them */
	if (ub)
		r->med_b = NAN;
	if (un)
		r->med_n = NAN;
	snprintf(r->why, sizeof(r->why),
		 "%s bimodal across passes: base %s, new %s",
		 ub && un ? "both"
		 : ub	  ? "base"
			  : "new",
		 tb, tn);
	return true;
}

static int judge(struct row *r, const struct cmp_opts *o, const char *env_why)
{
	size_t nb = r->b->nreps, nn = r->n->nreps;
	double *ub = NULL, *un = NULL, est, lo, hi;
	const char *pb = wb_jstr(r->b->params, "page_size");
	const char *pn = wb_jstr(r->n->params, "page_size");
	bool pass_b, pass_n;
	struct wb_mwu u;
	int err;

	/* as wb_median() would; checked here so that the analyzer sees
	 * the mallocs below are never of 0 bytes */
	if (!nb || !nn)
		return -EINVAL;
	err = wb_median(r->b->real_time_ns, nb, &r->med_b);
	if (!err)
		err = wb_median(r->n->real_time_ns, nn, &r->med_n);
	if (err)
		return err;
	r->change = r->lo = r->hi = r->p = r->level = NAN;
	/* left zeroed (no processes) when a time is not positive */
	wb_rbench_stability(r->b, &r->st_b);
	wb_rbench_stability(r->n, &r->st_n);
	if (*env_why)
		add_reason(r->why, sizeof(r->why), "%s", env_why);
	if (strcmp(pb, pn))
		add_reason(r->why, sizeof(r->why), "page size '%s' vs '%s'", pb,
			   pn);
	if (!r->b->page_size_verified)
		add_reason(r->why, sizeof(r->why),
			   "page size not verified in base");
	if (!r->n->page_size_verified)
		add_reason(r->why, sizeof(r->why),
			   "page size not verified in new");
	if (r->why[0]) {
		r->v = V_NOT_COMPARABLE;
		return 0;
	}
	for (size_t i = 0; i < nb; i++)
		if (!(r->b->real_time_ns[i] > 0))
			goto zero;
	for (size_t i = 0; i < nn; i++)
		if (!(r->n->real_time_ns[i] > 0))
			goto zero;
	/* Repetitions inside one process share its physical pages and
	 * moment; they are not independent of each other. The samples are
	 * the passes, each a process of its own. */
	err = wb_rbench_units(r->b, &ub, &r->nu_b, &pass_b);
	if (!err)
		err = wb_rbench_units(r->n, &un, &r->nu_n, &pass_n);
	if (err)
		goto out;
	r->by_pass = pass_b && pass_n;
	if (unstable(r))
		goto out;
	/* on logs, so the shift is a ratio and both sides weigh alike */
	for (size_t i = 0; i < r->nu_b; i++)
		ub[i] = log(ub[i]);
	for (size_t i = 0; i < r->nu_n; i++)
		un[i] = log(un[i]);
	err = wb_hodges_lehmann(ub, r->nu_b, un, r->nu_n, 1 - o->alpha, &est,
				&lo, &hi, &r->level);
	if (!err)
		err = wb_mann_whitney(ub, r->nu_b, un, r->nu_n, &u);
	if (err)
		goto out;
	r->change = 100 * expm1(est);
	r->lo = 100 * expm1(lo);
	r->hi = 100 * expm1(hi);
	r->p = u.p;
	if (wb_mwu_min_p(r->nu_b, r->nu_n) > o->alpha) {
		r->v = V_NOT_JUDGED;
		snprintf(r->why, sizeof(r->why),
			 "too few %s: the U test needs at least %zu per side "
			 "to reach alpha %g (base has %zu, new %zu)",
			 r->by_pass ? "passes (run --passes)" : "repetitions",
			 wb_mwu_reps_needed(o->alpha), o->alpha, r->nu_b,
			 r->nu_n);
	} else {
		/* judged with the others, in decide() */
		r->v = V_UNCHANGED;
		r->judged = true;
	}
	if (!r->by_pass && r->v != V_NOT_JUDGED)
		snprintf(r->note, sizeof(r->note),
			 "%s does not record passes: its repetitions may "
			 "share one process",
			 pass_b ? "new" : "base");
out:
	free(ub);
	free(un);
	return err;
zero:
	r->v = V_NOT_JUDGED;
	snprintf(r->why, sizeof(r->why), "a repetition has a zero time");
	return 0;
}

/*
 * The verdicts, once every benchmark has its p-value. The gate asks
 * whether anything regressed, one question over all benchmarks: each
 * tested at alpha alone, a suite of 40 would raise a false alarm in most
 * runs. Holm's adjustment keeps the chance of any false alarm at alpha.
 */
static int decide(const struct cmp_opts *o, struct row *rows, size_t nr)
{
	double *p = malloc((nr ? nr : 1) * sizeof(*p));
	size_t m = 0;
	int err = 0;

	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		p[i] = rows[i].judged ? rows[i].p : NAN;
		m += rows[i].judged;
	}
	if (!o->each && m)
		err = wb_holm(p, nr, p);
	for (size_t i = 0; i < nr && !err; i++) {
		struct row *r = &rows[i];
		double need = !o->each ? o->alpha / (double)m : o->alpha;

		r->p_adj = p[i];
		if (!r->judged)
			goto note;
		if (wb_mwu_min_p(r->nu_b, r->nu_n) > need) {
			r->v = V_NOT_JUDGED;
			snprintf(r->why, sizeof(r->why),
				 "too few %s: %zu benchmarks judged together "
				 "(Holm) need at least %zu per side to reach "
				 "alpha %g (base has %zu, new %zu)",
				 r->by_pass ? "passes (run --passes)"
					    : "repetitions",
				 m, wb_mwu_reps_needed(need), o->alpha, r->nu_b,
				 r->nu_n);
		} else if (r->p_adj >= o->alpha) {
			r->v = V_UNCHANGED;
		} else if (r->lo > o->threshold_pct) {
			r->v = V_REGRESSED;
		} else if (r->hi < -o->threshold_pct) {
			r->v = V_IMPROVED;
		} else {
			/* A change is judged beyond the threshold only when
			 * its whole interval is: an estimate just past it is
			 * as likely noise as not. */
			r->v = V_UNCHANGED;
			snprintf(r->why, sizeof(r->why),
				 "%s, but the interval reaches within the %g%% "
				 "threshold",
				 r->change > 0 ? "significantly slower"
					       : "significantly faster",
				 o->threshold_pct);
		}
	note:
		if (r->note[0])
			add_reason(r->why, sizeof(r->why), "%s", r->note);
	}
	free(p);
	return err;
}

static json_t *jnum_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *file_json(const struct wb_rfile *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "path", r->path,
			 "host", wb_jstr(r->context, "host_name"), "date",
			 wb_jstr(r->context, "date"), "cpu",
			 wb_jstr(r->env, "model_name"), "complete",
			 !json_is_false(json_object_get(r->wb, "complete")),
			 "busy_cpu", jnum_or_null(run_busy(r)));
}

/* The modes of @s, fastest first: one when it is stable. */
static json_t *modes_json(const struct wb_stability *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->nmodes; i++)
		json_array_append_new(
			a, json_pack("{s:f, s:f, s:f, s:I}", "median_ns",
				     s->modes[i].median, "lo_ns",
				     s->modes[i].lo, "hi_ns", s->modes[i].hi,
				     "passes", (json_int_t)s->modes[i].n));
	return a;
}

/* true, false, or null when no stability was computed (a zero time) */
static json_t *stable_json(const struct wb_stability *s)
{
	return s->n ? json_boolean(s->stable) : json_null();
}

static int print_json(const struct cmp_opts *o, const struct wb_rfile *b,
		      const struct wb_rfile *n, struct row *rows, size_t nr,
		      const size_t *count, const char *env_why)
{
	json_t *out, *arr = json_array(), *counts = json_object();
	char *s;

	for (size_t i = 0; i < nr; i++) {
		struct row *r = &rows[i];
		json_t *e;

		e = json_pack(
			"{s:s, s:I, s:I, s:I, s:I, s:s, s:o, s:o, "
			"s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
			"name", r->b->name, "reps_base",
			(json_int_t)r->b->nreps, "reps_new",
			(json_int_t)r->n->nreps, "samples_base",
			(json_int_t)r->nu_b, "samples_new", (json_int_t)r->nu_n,
			"sample", r->by_pass ? "pass" : "repetition",
			"median_ns_base", jnum_or_null(r->med_b),
			"median_ns_new", jnum_or_null(r->med_n), "change_pct",
			jnum_or_null(r->change), "ci_low_pct",
			jnum_or_null(r->lo), "ci_high_pct", jnum_or_null(r->hi),
			"ci_level", jnum_or_null(r->level), "p_value",
			jnum_or_null(r->p), "p_adjusted",
			jnum_or_null(r->p_adj), "verdict", verdict_name[r->v],
			"why", r->why);
		if (!e)
			break;
		json_object_set_new(e, "stable_base", stable_json(&r->st_b));
		json_object_set_new(e, "stable_new", stable_json(&r->st_n));
		json_object_set_new(e, "modes_base", modes_json(&r->st_b));
		json_object_set_new(e, "modes_new", modes_json(&r->st_n));
		json_array_append_new(arr, e);
	}
	for (int v = 0; v < V_COUNT; v++)
		json_object_set_new(counts, verdict_name[v],
				    json_integer((json_int_t)count[v]));
	out = json_pack(
		"{s:o, s:o, s:f, s:f, s:f, s:s, s:s, s:s, s:s, s:o, "
		"s:o, s:b}",
		"base", file_json(b), "new", file_json(n), "alpha", o->alpha,
		"threshold_pct", o->threshold_pct, "max_busy", o->max_busy,
		"correction", !o->each ? "holm" : "none", "method",
		"samples: per pass, the median real_time of its "
		"repetitions; change: Hodges-Lehmann shift of "
		"log(sample), Moses interval; p: two-sided "
		"Mann-Whitney U; p_adjusted: Holm over the "
		"benchmarks judged",
		"not_comparable_why", env_why, "statistic",
		"real_time of run_type iteration entries", "counts", counts,
		"benchmarks", arr, "regressed", count[V_REGRESSED] > 0);
	if (!out)
		return -ENOMEM;
	s = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	json_decref(out);
	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return 0;
}

static void fmt_pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", v);
}

/* NAN: the side has no one time (unstable) */
static void fmt_ns(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "unstable");
	else
		snprintf(buf, len, "%.4g", v);
}

static void print_table(const struct cmp_opts *o, const struct wb_rfile *b,
			const struct wb_rfile *n, struct row *rows, size_t nr,
			const size_t *count)
{
	int w = 9;

	printf("base: %s (%s, %s, %s)\n", b->path,
	       wb_jstr(b->context, "host_name"), wb_jstr(b->env, "model_name"),
	       wb_jstr(b->context, "date"));
	printf("new:  %s (%s, %s, %s)\n", n->path,
	       wb_jstr(n->context, "host_name"), wb_jstr(n->env, "model_name"),
	       wb_jstr(n->context, "date"));
	printf("n: passes (processes) per side; change: Hodges-Lehmann "
	       "estimate of the median change of real_time, %g%% Moses "
	       "interval; p: Mann-Whitney U; p_adj: %s; threshold %g%%\n\n",
	       100 * (1 - o->alpha),
	       !o->each ? "Holm over the benchmarks judged" : "p (--each)",
	       o->threshold_pct);
	for (size_t i = 0; i < nr; i++)
		if ((int)strlen(rows[i].b->name) > w)
			w = (int)strlen(rows[i].b->name);
	printf("%-*s %5s %11s %11s %8s %19s %7s %7s  %s\n", w, "benchmark", "n",
	       "base ns", "new ns", "change", "interval", "p", "p_adj",
	       "verdict");
	for (size_t i = 0; i < nr; i++) {
		struct row *r = &rows[i];
		char reps[24], ch[16], lo[16], hi[16], iv[40], p[16], pa[16];
		char mb[16], mn[16];

		snprintf(reps, sizeof(reps), "%zu/%zu", r->nu_b, r->nu_n);
		fmt_pct(ch, sizeof(ch), r->change);
		fmt_pct(lo, sizeof(lo), r->lo);
		fmt_pct(hi, sizeof(hi), r->hi);
		if (isnan(r->lo))
			snprintf(iv, sizeof(iv), "-");
		else
			snprintf(iv, sizeof(iv), "[%s, %s]", lo, hi);
		if (isnan(r->p))
			snprintf(p, sizeof(p), "-");
		else
			snprintf(p, sizeof(p), "%.4f", r->p);
		if (isnan(r->p_adj))
			snprintf(pa, sizeof(pa), "-");
		else
			snprintf(pa, sizeof(pa), "%.4f", r->p_adj);
		fmt_ns(mb, sizeof(mb), r->med_b);
		fmt_ns(mn, sizeof(mn), r->med_n);
		printf("%-*s %5s %11s %11s %8s %19s %7s %7s  %s%s%s\n", w,
		       r->b->name, reps, mb, mn, ch, iv, p, pa,
		       verdict_name[r->v], r->why[0] ? ": " : "", r->why);
	}
	printf("\n%zu compared: %zu regressed, %zu improved, %zu unchanged, "
	       "%zu not judged, %zu not comparable, %zu unstable\n",
	       nr, count[V_REGRESSED], count[V_IMPROVED], count[V_UNCHANGED],
	       count[V_NOT_JUDGED], count[V_NOT_COMPARABLE], count[V_UNSTABLE]);
}

static int compare(const struct cmp_opts *o, const struct wb_rfile *b,
		   const struct wb_rfile *n)
{
	char env_why[512], mb[512], mn[512];
	size_t miss_new = missing_names(b, n, mn, sizeof(mn));
	size_t miss_base = missing_names(n, b, mb, sizeof(mb));
	size_t count[V_COUNT] = { 0 }, nr = 0, held = 0;
	struct row *rows;
	int err = 0;

	if (version_major(b) != version_major(n))
		return wb_error(WB_EXIT_USAGE,
				"results format versions differ: %s has "
				"walkbench %s, %s has %s",
				b->path, wb_jstr(b->wb, "version"), n->path,
				wb_jstr(n->wb, "version"));
	if ((miss_new || miss_base) && (!o->common || miss_new == b->nb))
		return wb_error(WB_EXIT_USAGE,
				"benchmark sets differ: missing from %s (new): "
				"%s; missing from %s (base): %s%s",
				n->path, miss_new ? mn : "none", b->path,
				miss_base ? mb : "none",
				o->common ? ""
					  : " (--common compares the rest)");
	if (!b->nb)
		return wb_error(WB_EXIT_USAGE, "%s and %s have no benchmarks",
				b->path, n->path);
	env_differences(b, n, env_why, sizeof(env_why));
	rows = calloc(b->nb, sizeof(*rows));
	if (!rows)
		return wb_error(WB_EXIT_USAGE, "out of memory");
	for (size_t i = 0; i < b->nb && !err; i++) {
		struct row *r = &rows[nr];

		r->b = &b->b[i];
		r->n = wb_rfile_find(n, r->b->name);
		if (!r->n)
			continue;
		err = judge(r, o, env_why);
		nr++;
	}
	if (!err)
		err = decide(o, rows, nr);
	for (size_t i = 0; i < nr && !err; i++)
		count[rows[i].v]++;
	if (!err)
		held = withhold_busy(o, b, n, rows, nr, count);
	if (!err && o->json)
		err = print_json(o, b, n, rows, nr, count, env_why);
	else if (!err)
		print_table(o, b, n, rows, nr, count);
	free(rows);
	if (err)
		return wb_error(WB_EXIT_USAGE, "compare: %s", strerror(-err));
	if (!o->json) {
		if (miss_new || miss_base)
			printf("only in base: %s\nonly in new: %s\n",
			       miss_new ? mn : "none", miss_base ? mb : "none");
		if (json_is_false(json_object_get(b->wb, "complete")) ||
		    json_is_false(json_object_get(n->wb, "complete")))
			printf("note: a results file is from an interrupted "
			       "run (complete: false)\n");
		if (*env_why)
			printf("not comparable: %s\n", env_why);
		if (count[V_UNSTABLE])
			printf("unstable: %zu benchmark(s) fell into separate "
			       "modes across passes (processes) in base or "
			       "new: "
			       "no one time to compare, neither a regression "
			       "nor an improvement (more passes resolve the "
			       "modes)\n",
			       count[V_UNSTABLE]);
		if (held)
			printf("busy: %zu change(s) not judged, the machine "
			       "was "
			       "busy during a run (base %.2f, new %.2f CPUs "
			       "taken by others); run again on a quiet "
			       "machine\n",
			       held, run_busy(b), run_busy(n));
	}
	if (count[V_REGRESSED])
		return WB_EXIT_FAILED;
	return held ? WB_EXIT_UNTRUSTED : WB_EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
	struct wb_rfile b, n;
	struct cmp_opts o;
	char why[512];
	bool help;
	int rc;

	rc = parse_args(argc, argv, &o, &help);
	if (rc || help)
		return rc;
	if (wb_rfile_load_named(o.base, &b, why, sizeof(why)))
		return wb_error(WB_EXIT_USAGE, "%s", why);
	if (wb_rfile_load_named(o.new, &n, why, sizeof(why))) {
		wb_rfile_free(&b);
		return wb_error(WB_EXIT_USAGE, "%s", why);
	}
	rc = compare(&o, &b, &n);
	wb_rfile_free(&b);
	wb_rfile_free(&n);
	return rc;
}
