// SPDX-License-Identifier: MIT
/*
 * walkbench policy [options] -- COMMAND [ARGS...]
 * walkbench policy --kernel NAME [--param K=V ...]
 *
 * Runs a command under each huge-page policy, repetitions in random order,
 * and recommends one. System settings change only here, in this process,
 * through the journal; they are back as found when this returns, on
 * SIGINT/SIGTERM/SIGHUP, and at the next start after a SIGKILL.
 */
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "opt.h"
#include "settings/journal.h"
#include "runner/kernel.h"
#include "runner/runner.h"
#include "core/clock.h"
#include "core/lock.h"
#include "core/parse.h"
#include "core/rng.h"
#include "settings/policy.h"
#include "settings/policy_stop.h"
#include "settings/signals.h"

#define MAX_ARGV 256
#define WB_POLICY_REPS_MAX 100
#define WB_POLICY_REPS_DEFAULT 30
#define WB_POLICY_BUDGET_DEFAULT 180.0
#define WB_POLICY_BUDGET_MAX 604800.0
#define MIB (1024.0 * 1024.0)

struct policy_args {
	int reps; /* the most repetitions per policy */
	double budget_s;
	bool json, allow_settings;
	int metric; /* index in metrics[] */
	bool cpu; /* compare CPU time rather than wall time */
	uint64_t seed;
	double timeout_s;
	const char *kernel;
	const char *params[32];
	int nparams;
	char *argv[MAX_ARGV + 1];
	int argc;
	char tmpdir[64];
	char exe[PATH_MAX];
};

static const char *const metrics[] = { "wall", "cpu", NULL };

static const struct wb_opt policy_opts[] = {
	{ WB_INT("--reps", struct policy_args, reps, 1, WB_POLICY_REPS_MAX),
	  .arg = "N",
	  .help = "the most repetitions per policy (default 30); they stop "
		  "earlier once the leading policy is significant or clearly "
		  "no different" },
	{ WB_DOUBLE("--budget", struct policy_args, budget_s, 0,
		    WB_POLICY_BUDGET_MAX),
	  .flags = WB_OPT_MIN_OPEN, .arg = "S",
	  .help = "seconds of measuring after which no new round of "
		  "repetitions starts (default 180)" },
	{ WB_FLAG("--json", struct policy_args, json),
	  .help = "print per-policy measurements and the recommendation as "
		  "JSON on stdout" },
	{ WB_FLAG("--allow-settings", struct policy_args, allow_settings),
	  .help = "also try system policies (THP enabled/defrag, khugepaged, "
		  "each multi-size THP folio size, hugetlb pool): root, "
		  "journaled" },
	{ WB_CHOICE("--metric", struct policy_args, metric, metrics),
	  .help = "time compared: wall clock (default) or user + system CPU "
		  "time, steadier on a busy host" },
	{ WB_U64("--seed", struct policy_args, seed, 0, 0x1p64),
	  .help = "seed of the run order (default: the clock)" },
	{ WB_DOUBLE("--timeout", struct policy_args, timeout_s, 0, HUGE_VAL),
	  .flags = WB_OPT_MIN_OPEN, .arg = "S", .want = "seconds > 0",
	  .help = "wall-clock limit of one run (default 600)" },
	{ WB_STR("--kernel", struct policy_args, kernel), .arg = "NAME",
	  .help = "measure a built-in kernel instead of COMMAND" },
	{ WB_LIST("--param", struct policy_args, params, nparams),
	  .alias = "-p", .arg = "K=V",
	  .help = "a parameter of that kernel (repeatable)" },
	{ NULL },
};

static const struct wb_opt_table policy_table = {
	.cmd = "policy",
	.usage = "walkbench policy [options] -- COMMAND [ARGS...]\n"
		 "       walkbench policy [options] --kernel NAME [--param "
		 "K=V ...]",
	.about = "Runs COMMAND (or `walkbench run NAME --quick`) under each "
		 "huge-page\npolicy, in rounds of one run per policy in random "
		 "order, until the\nleading policy is significantly different "
		 "from the current setting\nor clearly within 5% of it, "
		 "tested only at a few round counts\nplanned beforehand (or "
		 "--reps or --budget ends it), and\nrecommends the fastest one "
		 "that beats the current setting\nsignificantly, with its "
		 "memory cost and the commands that apply it.\nSettings are "
		 "always put back.\n",
	.opts = policy_opts,
	.epilog = "Without --allow-settings only per-process options are "
		  "compared:\nprctl(PR_SET_THP_DISABLE) and an LD_PRELOAD shim "
		  "(libwbthp.so, beside\nwalkbench or in its lib/walkbench) "
		  "that advises huge pages.\n"
		  "See bench/POLICY.md.\n\nExit: 0 ok, 1 the command failed "
		  "under the current settings, 2 bad\nusage or a command that "
		  "cannot be run, 3 a needed resource is\nmissing, 5 settings "
		  "could not be put back.\n",
	.flags = WB_OPTS_DASHDASH,
};

static int check_param(const char *kname, const char *spec)
{
	const struct wb_kernel *k = wb_kernel_find(kname);
	const char *eq = strchr(spec, '=');
	char name[64], want[128];

	if (!eq || eq == spec)
		return wb_opt_bad("policy", "--param", spec, "NAME=VALUE");
	snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
	snprintf(want, sizeof(want), "a parameter of %s (walkbench list)",
		 kname);
	if (k && wb_param_index(k, name) < 0)
		return wb_opt_bad("policy", "--param", spec, want);
	return 0;
}

/* Returns 0, or the exit code; *help when --help was printed. */
static int parse_args(struct policy_args *a, int argc, char **argv, bool *help)
{
	struct wb_opt_parse p = { .t = &policy_table, .dst = a };
	int i, err;

	a->reps = WB_POLICY_REPS_DEFAULT;
	a->budget_s = WB_POLICY_BUDGET_DEFAULT;
	a->timeout_s = 600;
	a->seed = (uint64_t)time(NULL);
	err = wb_opt_parse(&p, argc, argv);
	*help = p.help;
	if (err || p.help)
		return err;
	a->cpu = a->metric == 1;
	if (a->kernel && !wb_kernel_find(a->kernel))
		return wb_opt_bad("policy", "--kernel", a->kernel,
				  "a kernel (walkbench list)");
	if (a->nparams && !a->kernel)
		return wb_error(WB_EXIT_USAGE, "--param '%s' needs --kernel",
				a->params[0]);
	for (int k = 0; k < a->nparams; k++)
		if ((err = check_param(a->kernel, a->params[k])))
			return err;
	i = p.rest;
	if (a->kernel && i < argc)
		return wb_error(WB_EXIT_USAGE,
				"'%s': give either --kernel or a command",
				argv[i]);
	if (!a->kernel && i >= argc)
		return wb_error(WB_EXIT_USAGE,
				"no command: walkbench policy -- COMMAND "
				"[ARGS...]");
	if (argc - i > MAX_ARGV)
		return wb_error(WB_EXIT_USAGE, "command has more than %d words",
				MAX_ARGV);
	for (; i < argc; i++)
		a->argv[a->argc++] = argv[i];
	return 0;
}

/* `walkbench run NAME --quick --param ... --results-dir TMP`, by this very
 * binary; its results land in a private directory removed at the end. */
static int kernel_command(struct policy_args *a, struct wb_run_command *cmd)
{
	const struct wb_run_request rq = {
		.names = &a->kernel,
		.nnames = 1,
		.quick = true,
		.params = a->params,
		.nparams = a->nparams,
		.results_dir = a->tmpdir,
	};
	int err;

	snprintf(a->tmpdir, sizeof(a->tmpdir), "/tmp/walkbench-policy.XXXXXX");
	if (!mkdtemp(a->tmpdir))
		return -errno;
	err = wb_run_command(cmd, &rq);
	if (err)
		return err;
	for (int i = 0; i < cmd->argc; i++)
		a->argv[a->argc++] = cmd->argv[i];
	a->argv[a->argc] = NULL;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* One line that says how a run failed, for errors and the JSON. */
static void failure_text(const struct wb_policy_sample *s, char *buf,
			 size_t len)
{
	const char *tail = strrchr(s->stderr_tail, '\n');

	tail = tail ? tail + 1 : s->stderr_tail;
	if (s->exec_failed)
		snprintf(buf, len, "cannot be run: %s",
			 strerror(s->exec_errno));
	else if (s->timed_out)
		snprintf(buf, len, "timed out; stderr: %s", tail);
	else if (s->signal)
		snprintf(buf, len, "killed by signal %d (%s); stderr: %s",
			 s->signal, strsignal(s->signal), tail);
	else
		snprintf(buf, len, "exit status %d; stderr: %s", s->exit_code,
			 tail);
}

struct outcome {
	struct wb_policy_sample *runs; /* [policy][rep] */
	int *nruns;
	char apply_err[WB_POLICY_MAX][128];
	uint64_t pool_got[WB_POLICY_MAX];
	struct wb_policy_summary sum[WB_POLICY_MAX];
	struct wb_policy_reco reco;
	struct wb_policy_stop stop;
	struct wb_policy_plan plan; /* the looks, fixed before the first run */
	int rounds; /* rounds run */
	double seconds;
	bool restored;
};

static struct wb_policy_sample *run_at(struct outcome *o, int reps, int p,
				       int r)
{
	return &o->runs[p * reps + r];
}

/* The summaries of the runs so far, adjusted as one family. */
static int summarize_round(const struct policy_args *a,
			   const struct wb_policy_set *set, struct outcome *o)
{
	double base[WB_POLICY_REPS_MAX];
	int nb = 0, err;

	for (int k = 0; k < o->nruns[0]; k++)
		if (run_at(o, a->reps, 0, k)->ok)
			base[nb++] = a->cpu ? run_at(o, a->reps, 0, k)->cpu_s
					    : run_at(o, a->reps, 0, k)->wall_s;
	for (int p = 0; p < set->n; p++) {
		/* o->runs stays owned by cmd_policy(), which frees it */
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc)
		err = wb_policy_summarize_at(
			run_at(o, a->reps, p, 0), o->nruns[p], p ? base : NULL,
			p ? nb : 0, a->cpu, o->plan.conf, &o->sum[p]);
		if (err)
			return err;
		/* a reserved pool is memory gone whether the command uses
		 * it or not */
		if (set->p[p].knobs.pool_2m_pages) {
			double pool = (double)o->pool_got[p] * 2 * MIB;

			if (o->sum[p].maxrss_median_bytes + pool >
			    o->sum[p].mem_bytes)
				o->sum[p].mem_bytes =
					o->sum[p].maxrss_median_bytes + pool;
		}
	}
	return wb_policy_adjust(o->sum, set->n);
}

/* One round: every policy once, in a fresh random order, so that drift of
 * the machine spreads over every policy alike. @applied is the policy in
 * place, kept across rounds. */
static int run_round(struct policy_args *a, struct wb_policy_env *e,
		     struct wb_policy_set *set, struct wb_journal *j,
		     struct outcome *o, uint64_t *x, int *applied)
{
	int order[WB_POLICY_MAX];

	for (int i = 0; i < set->n; i++)
		order[i] = i;
	for (int i = set->n - 1; i > 0; i--) {
		int k = (int)(wb_rng_next(x) % (uint64_t)(i + 1));
		int t = order[i];

		order[i] = order[k];
		order[k] = t;
	}
	for (int i = 0; i < set->n; i++) {
		int p = order[i];
		struct wb_policy_exec ex = { .argv = a->argv,
					     .policy = &set->p[p],
					     .shim_path = e->shim_path,
					     .timeout_s = a->timeout_s,
					     .mthp_size = e->mthp_size,
					     .n_mthp = e->n_mthp };
		struct wb_policy_sample *s;
		int err;

		if (o->apply_err[p][0])
			continue;
		if (*applied != p) {
			err = wb_policy_apply(j, e, &set->p[p],
					      &o->pool_got[p]);
			if (err) {
				snprintf(o->apply_err[p],
					 sizeof(o->apply_err[p]),
					 "could not be applied: %s",
					 strerror(-err));
				fprintf(stderr, "walkbench: %s %s\n",
					set->p[p].name, o->apply_err[p]);
				*applied = -1;
				continue;
			}
			*applied = p;
		}
		s = run_at(o, a->reps, p, o->nruns[p]);
		err = wb_policy_run_once(&ex, s);
		if (err)
			return err;
		o->nruns[p]++;
		fprintf(stderr, "walkbench: [round %d] %-31s %7.3f s%s\n",
			o->rounds + 1, set->p[p].name, s->wall_s,
			s->ok ? "" : " FAILED");
	}
	return 0;
}

/* Rounds until the stopping rule (settings/policy_stop.h) says enough. */
static int measure(struct policy_args *a, struct wb_policy_env *e,
		   struct wb_policy_set *set, struct wb_journal *j,
		   struct outcome *o)
{
	struct wb_policy_progress pr = { .budget_s = a->budget_s };
	uint64_t x = a->seed * 2654435761ull + 1;
	double t0 = wb_now_s();
	int applied = -1, err;

	do {
		double r0 = wb_now_s(), now;
		int l;

		err = run_round(a, e, set, j, o, &x, &applied);
		if (err)
			return err;
		pr.rounds = ++o->rounds;
		now = wb_now_s();
		if (now - r0 > pr.round_max_s)
			pr.round_max_s = now - r0;
		pr.elapsed_s = now - t0;
		err = summarize_round(a, set, o);
		if (!err)
			err = wb_policy_stop_check(o->sum, set->n, &o->plan,
						   &pr, &o->stop);
		if (err)
			return err;
		l = o->stop.leading;
		if (l && o->stop.look)
			fprintf(stderr,
				"walkbench: look %d of %d, after round %d: "
				"leading %s %.3fx, p=%.3g, Holm-adjusted "
				"p=%.3g (%sbelow %.3g)\n",
				o->stop.look, o->plan.n, o->rounds,
				set->p[l].name, o->sum[l].speedup,
				o->sum[l].p_value, o->sum[l].p_adj,
				o->sum[l].p_adj < o->plan.alpha ? "" : "not ",
				o->plan.alpha);
	} while (o->stop.reason == WB_STOP_NONE);
	fprintf(stderr, "walkbench: stopped after %d round(s): %s\n", o->rounds,
		o->stop.text);
	return 0;
}

static const char *p_text(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p);
	return buf;
}

/* "6, 9, 14, 21 and 30" */
static void looks_list(const struct wb_policy_plan *pl, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = 0;
	for (int i = 0; i < pl->n && k < len; i++) {
		const char *sep = i == pl->n - 1 ? " and " : ", ";

		k += (size_t)snprintf(buf + k, len - k, "%s%d", i ? sep : "",
				      pl->at[i]);
	}
}

/* The planned looks, their level, and the one the run stopped at. */
static void print_looks(const struct wb_policy_plan *pl,
			const struct wb_policy_stop *st)
{
	char list[WB_POLICY_LOOKS_MAX * 8];

	looks_list(pl, list, sizeof(list));
	if (!pl->reachable)
		printf("Looks: one, after %d round(s): too few for p < %.3g "
		       "after Holm over %d, nothing can be significant",
		       pl->cap, pl->alpha, pl->family);
	else
		printf("Looks: %d planned, after %s rounds, each at "
		       "Holm-adjusted p < %.3g with %.3g%% intervals (%.2f "
		       "over %d looks)",
		       pl->n, list, pl->alpha, pl->conf * 100, WB_POLICY_ALPHA,
		       pl->n);
	if (st->look)
		printf("; stopped at look %d.\n", st->look);
	else
		printf("; stopped before a look.\n");
}

/* What more could settle a leading policy that is not significant. */
static const char *settle_hint(const struct outcome *o)
{
	switch (o->stop.reason) {
	case WB_STOP_NO_DIFFERENCE:
		return "its speed-up interval lies within 5% of current: no "
		       "difference worth having";
	case WB_STOP_CAP:
		return "a higher --reps (or --metric cpu on a busy host) can "
		       "settle it";
	case WB_STOP_BUDGET:
		return "a longer --budget (or --metric cpu on a busy host) "
		       "can settle it";
	default:
		return "more repetitions (or --metric cpu on a busy host) can "
		       "settle it";
	}
}

/* The folio sizes each policy's runs allocated: the evidence that a
 * multi-size THP policy did something for the command. */
static void print_folios(const struct wb_policy_env *e,
			 const struct wb_policy_set *set,
			 const struct outcome *o)
{
	char line[512];

	if (!e->n_mthp)
		return;
	printf("Folios: median per run of hugepages-<size>kB/stats "
	       "anon_fault_alloc/anon_fault_fallback (system-wide):\n");
	for (int p = 0; p < set->n; p++) {
		const struct wb_policy_summary *s = &o->sum[p];
		size_t k = 0;

		if (o->apply_err[p][0] || !s->ok)
			continue;
		line[0] = 0;
		for (int i = 0; i < e->n_mthp && k < sizeof(line); i++) {
			char sz[16];

			if (s->mthp_alloc_median[i] < 1 &&
			    s->mthp_fallback_median[i] < 1)
				continue;
			k += (size_t)snprintf(
				line + k, sizeof(line) - k, " %s %.0f/%.0f",
				wb_format_size(e->mthp_size[i], sz, sizeof(sz)),
				s->mthp_alloc_median[i],
				s->mthp_fallback_median[i]);
		}
		printf("  %-31s%s\n", set->p[p].name, k ? line : " none");
	}
	for (int p = 0; p < set->n; p++)
		if (!o->apply_err[p][0] &&
		    wb_policy_mthp_finding(e, &set->p[p], &o->sum[p], line,
					   sizeof(line)) >= 0)
			printf("Finding: %s\n", line);
}

static void print_table(const struct policy_args *a,
			const struct wb_policy_env *e,
			const struct wb_policy_set *set, struct outcome *o)
{
	const struct wb_policy_reco *r = &o->reco;
	char apply[1024];

	printf("Command: ");
	for (int i = 0; i < a->argc; i++)
		printf("%s%s", i ? " " : "", a->argv[i]);
	printf("\nFound: THP enabled=%s defrag=%s khugepaged/defrag=%s, "
	       "2 MiB pool %llu pages.\nRepetitions: %d round(s) of one run "
	       "per policy, random order (seed %llu); at least %d, at most "
	       "%d, no new round after %g s; %.0f s in all.\nStopped: %s.\n",
	       e->enabled, e->defrag,
	       e->khugepaged_defrag[0] ? e->khugepaged_defrag : "?",
	       (unsigned long long)e->nr_2m, o->rounds,
	       (unsigned long long)a->seed, o->plan.at[0], a->reps, a->budget_s,
	       o->seconds, o->stop.text);
	print_looks(&o->plan, &o->stop);
	printf("\n");
	printf("%-31s %5s %8s %13s %6s %6s %11s %6s %7s %8s %7s %6s %8s %8s "
	       "%s\n",
	       "policy", "ok", "wall(s)", "IQR(s)", "cpu(s)", "speed",
	       "interval", "p", "p(Holm)", "mem(MiB)", "AnonHP", "HTLB",
	       "PTE(KiB)", "minflt", "thp fault/fallbk/collapse/split");
	for (int p = 0; p < set->n; p++) {
		const struct wb_policy_summary *s = &o->sum[p];
		char speed[16] = "-", ci[32] = "-", pr[16] = "-", pa[16] = "-";

		if (o->apply_err[p][0]) {
			printf("%-31s %s\n", set->p[p].name, o->apply_err[p]);
			continue;
		}
		if (!s->ok) {
			printf("%-31s %2d/%-2d every run failed\n",
			       set->p[p].name, s->ok, s->ok + s->failed);
			continue;
		}
		if (s->has_cmp) {
			snprintf(speed, sizeof(speed), "%.2fx", s->speedup);
			snprintf(ci, sizeof(ci), "%.2f-%.2f", s->speedup_lo,
				 s->speedup_hi);
			p_text(s->p_value, pr, sizeof(pr));
			p_text(s->p_adj, pa, sizeof(pa));
		}
		printf("%-31s %2d/%-2d %8.3f %6.3f-%-6.3f %6.2f %6s %11s %6s "
		       "%7s %8.0f %7.0f %6.0f %8.0f %8.0f "
		       "%.0f/%.0f/%.0f/%.0f\n",
		       set->p[p].name, s->ok, s->ok + s->failed,
		       s->wall_median_s, s->wall_q25_s, s->wall_q75_s,
		       s->cpu_median_s, speed, ci, pr, pa, s->mem_bytes / MIB,
		       (double)s->anon_huge_max_bytes / MIB,
		       (double)s->hugetlb_max_bytes / MIB,
		       (double)s->pte_max_bytes / 1024, s->minflt_median,
		       s->thp_fault_alloc_median, s->thp_fault_fallback_median,
		       s->thp_collapse_alloc_median, s->thp_split_pmd_median);
	}
	printf("\nok: successful runs / runs (the repetitions taken); wall: "
	       "median of the successful runs, IQR its 25th-75th "
	       "percentile; cpu: median user+system time; speed: current's "
	       "median %s time over this one's (>1 is faster), interval: "
	       "current's median over current's plus the Hodges-Lehmann "
	       "time change's bounds (at the looks' level where the runs "
	       "allow it); p: "
	       "Mann-Whitney against current, p(Holm): adjusted over the "
	       "policies compared; mem: median peak RSS (ru_maxrss) plus "
	       "hugetlb "
	       "pages, or plus the pool when one is reserved; AnonHP, HTLB, "
	       "PTE: largest sample of AnonHugePages (PMD-mapped THP only; "
	       "smaller folios are under Folios:), HugetlbPages (MiB) and "
	       "VmPTE (KiB); thp: "
	       "median /proc/vmstat deltas (system-wide).\n",
	       a->cpu ? "CPU" : "wall");
	for (int p = 0; p < set->n; p++)
		printf("  %-31s %s\n", set->p[p].name, set->p[p].what);
	print_folios(e, set, o);
	for (int i = 0; i < set->n_not_tried; i++)
		printf("Not tried: %s\n", set->not_tried[i]);
	for (int p = 0; p < set->n; p++)
		if (set->p[p].knobs.pool_2m_pages &&
		    o->pool_got[p] < set->p[p].knobs.pool_2m_pages &&
		    !o->apply_err[p][0])
			printf("Note: %s: the pool grew by %llu of %llu pages "
			       "asked\n",
			       set->p[p].name,
			       (unsigned long long)o->pool_got[p],
			       (unsigned long long)set->p[p]
				       .knobs.pool_2m_pages);
	for (int p = 0; p < set->n; p++)
		if (o->sum[p].failed) {
			char why[600] = "";

			for (int k = 0; k < o->nruns[p]; k++)
				if (!run_at(o, a->reps, p, k)->ok) {
					failure_text(run_at(o, a->reps, p, k),
						     why, sizeof(why));
					break;
				}
			printf("Failed: %s: %d run(s), %s\n", set->p[p].name,
			       o->sum[p].failed, why);
		}
	printf("\nRecommendation: ");
	if (!r->best) {
		printf("keep the current setting (%s).\n", r->reason);
		if (r->leading)
			printf("Leading, not significant: %s, %.2fx by the "
			       "median (interval %.2f-%.2f), p=%.3g, "
			       "Holm-adjusted p=%.3g (needed: below %.3g); "
			       "%s.\n",
			       set->p[r->leading].name,
			       o->sum[r->leading].speedup,
			       o->sum[r->leading].speedup_lo,
			       o->sum[r->leading].speedup_hi,
			       o->sum[r->leading].p_value,
			       o->sum[r->leading].p_adj, o->plan.alpha,
			       settle_hint(o));
		return;
	}
	{
		const struct wb_policy_summary *s = &o->sum[r->best];

		printf("%s: %.2fx faster than current (median %s time "
		       "%.3f s vs %.3f s, Mann-Whitney p=%.3g, Holm-adjusted "
		       "p=%.3g; time change "
		       "%.3f s, %.3g%% interval %.3f..%.3f s), memory %+.0f "
		       "MiB%s.\n",
		       set->p[r->best].name, s->speedup,
		       a->cpu ? "CPU" : "wall", s->metric_median_s,
		       o->sum[0].metric_median_s, s->p_value, s->p_adj,
		       s->shift_s, s->conf * 100, s->shift_lo_s, s->shift_hi_s,
		       r->mem_delta_bytes / MIB,
		       r->bloat ? " -- WARNING: it costs memory (bloat), "
				  "weigh it against the speed-up"
				: "");
	}
	wb_policy_apply_text(&set->p[r->best], e, apply, sizeof(apply));
	printf("Apply with:\n%s", apply);
}

/* {"16K": {"anon_fault_alloc": a, "anon_fault_fallback": f}, ...} */
static json_t *folios_json(const struct wb_policy_env *e, const double *alloc,
			   const double *fallback)
{
	json_t *o = json_object();

	for (int i = 0; i < e->n_mthp; i++) {
		json_t *f = json_object();
		char sz[16];

		json_object_set_new(f, "anon_fault_alloc", json_real(alloc[i]));
		json_object_set_new(f, "anon_fault_fallback",
				    json_real(fallback[i]));
		json_object_set_new(
			o, wb_format_size(e->mthp_size[i], sz, sizeof(sz)), f);
	}
	return o;
}

static json_t *summary_json(const struct wb_policy_env *e,
			    const struct wb_policy_summary *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "reps", json_integer(s->ok + s->failed));
	json_object_set_new(o, "runs_ok", json_integer(s->ok));
	json_object_set_new(o, "runs_failed", json_integer(s->failed));
	if (!s->ok)
		return o;
	json_object_set_new(o, "wall_median_s", json_real(s->wall_median_s));
	json_object_set_new(o, "cpu_median_s", json_real(s->cpu_median_s));
	json_object_set_new(o, "wall_q25_s", json_real(s->wall_q25_s));
	json_object_set_new(o, "wall_q75_s", json_real(s->wall_q75_s));
	json_object_set_new(o, "maxrss_median_bytes",
			    json_real(s->maxrss_median_bytes));
	json_object_set_new(o, "mem_bytes", json_real(s->mem_bytes));
	json_object_set_new(o, "anon_huge_max_bytes",
			    json_integer((json_int_t)s->anon_huge_max_bytes));
	json_object_set_new(o, "pte_max_bytes",
			    json_integer((json_int_t)s->pte_max_bytes));
	json_object_set_new(o, "hugetlb_max_bytes",
			    json_integer((json_int_t)s->hugetlb_max_bytes));
	json_object_set_new(o, "minflt_median", json_real(s->minflt_median));
	json_object_set_new(o, "majflt_median", json_real(s->majflt_median));
	json_object_set_new(o, "thp_fault_alloc_median",
			    json_real(s->thp_fault_alloc_median));
	json_object_set_new(o, "thp_fault_fallback_median",
			    json_real(s->thp_fault_fallback_median));
	json_object_set_new(o, "thp_collapse_alloc_median",
			    json_real(s->thp_collapse_alloc_median));
	json_object_set_new(o, "thp_split_pmd_median",
			    json_real(s->thp_split_pmd_median));
	/* medians over the runs, per size */
	json_object_set_new(
		o, "mthp_folios_median",
		folios_json(e, s->mthp_alloc_median, s->mthp_fallback_median));
	if (s->has_cmp) {
		json_object_set_new(o, "speedup_vs_current",
				    json_real(s->speedup));
		/* the upper bound may be unbounded: JSON has no infinity */
		json_object_set_new(o, "speedup_lo", json_real(s->speedup_lo));
		json_object_set_new(o, "speedup_hi",
				    isfinite(s->speedup_hi)
					    ? json_real(s->speedup_hi)
					    : json_null());
		json_object_set_new(o, "p_value", json_real(s->p_value));
		json_object_set_new(o, "p_adjusted", json_real(s->p_adj));
		json_object_set_new(o, "time_change_s", json_real(s->shift_s));
		json_object_set_new(o, "time_change_lo_s",
				    json_real(s->shift_lo_s));
		json_object_set_new(o, "time_change_hi_s",
				    json_real(s->shift_hi_s));
		json_object_set_new(o, "time_change_conf", json_real(s->conf));
	}
	return o;
}

static json_t *run_json(const struct wb_policy_env *e,
			const struct wb_policy_sample *s)
{
	double alloc[WB_MTHP_MAX], fallback[WB_MTHP_MAX];
	json_t *o = json_object();

	for (int i = 0; i < WB_MTHP_MAX; i++) {
		alloc[i] = (double)s->mthp_alloc[i];
		fallback[i] = (double)s->mthp_fallback[i];
	}

	json_object_set_new(o, "ok", json_boolean(s->ok));
	json_object_set_new(o, "wall_s", json_real(s->wall_s));
	json_object_set_new(o, "cpu_s", json_real(s->cpu_s));
	if (s->exit_code >= 0)
		json_object_set_new(o, "exit_code", json_integer(s->exit_code));
	if (s->signal)
		json_object_set_new(o, "signal", json_integer(s->signal));
	json_object_set_new(o, "maxrss_bytes",
			    json_integer((json_int_t)s->maxrss_bytes));
	json_object_set_new(o, "minflt", json_integer((json_int_t)s->minflt));
	json_object_set_new(o, "majflt", json_integer((json_int_t)s->majflt));
	json_object_set_new(o, "anon_huge_bytes",
			    json_integer((json_int_t)s->anon_huge_bytes));
	json_object_set_new(o, "pte_bytes",
			    json_integer((json_int_t)s->pte_bytes));
	json_object_set_new(o, "hugetlb_bytes",
			    json_integer((json_int_t)s->hugetlb_bytes));
	json_object_set_new(o, "samples", json_integer(s->samples));
	json_object_set_new(o, "thp_fault_alloc",
			    json_integer((json_int_t)s->thp_fault_alloc));
	json_object_set_new(o, "thp_fault_fallback",
			    json_integer((json_int_t)s->thp_fault_fallback));
	json_object_set_new(o, "thp_collapse_alloc",
			    json_integer((json_int_t)s->thp_collapse_alloc));
	json_object_set_new(o, "thp_split_pmd",
			    json_integer((json_int_t)s->thp_split_pmd));
	json_object_set_new(o, "mthp_folios", folios_json(e, alloc, fallback));
	if (!s->ok) {
		char why[600];

		failure_text(s, why, sizeof(why));
		json_object_set_new(o, "failure", json_string(why));
	}
	return o;
}

static json_t *looks_json(const struct wb_policy_plan *pl,
			  const struct wb_policy_stop *st)
{
	json_t *o = json_object(), *at = json_array();

	for (int i = 0; i < pl->n; i++)
		json_array_append_new(at, json_integer(pl->at[i]));
	json_object_set_new(o, "planned", at);
	json_object_set_new(o, "alpha_per_look", json_real(pl->alpha));
	json_object_set_new(o, "interval_conf", json_real(pl->conf));
	json_object_set_new(o, "reachable", json_boolean(pl->reachable));
	json_object_set_new(o, "stopped_at",
			    st->look ? json_integer(st->look) : json_null());
	return o;
}

static void print_json(const struct policy_args *a,
		       const struct wb_policy_env *e,
		       const struct wb_policy_set *set, struct outcome *o)
{
	json_t *root = json_object(), *cmd = json_array(), *pol = json_array();
	json_t *nt = json_array(), *found = json_object(), *rec = json_object();
	json_t *stop = json_object();
	char apply[1024];

	for (int i = 0; i < a->argc; i++)
		json_array_append_new(cmd, json_string(a->argv[i]));
	json_object_set_new(root, "command", cmd);
	json_object_set_new(root, "reps_cap", json_integer(a->reps));
	json_object_set_new(root, "budget_s", json_real(a->budget_s));
	json_object_set_new(root, "start_reps", json_integer(o->plan.at[0]));
	json_object_set_new(root, "looks", looks_json(&o->plan, &o->stop));
	json_object_set_new(root, "rounds", json_integer(o->rounds));
	json_object_set_new(stop, "reason",
			    json_string(wb_policy_stop_word(o->stop.reason)));
	json_object_set_new(stop, "text", json_string(o->stop.text));
	json_object_set_new(stop, "leading",
			    o->stop.leading
				    ? json_string(set->p[o->stop.leading].name)
				    : json_null());
	json_object_set_new(root, "stop", stop);
	json_object_set_new(root, "seed", json_integer((json_int_t)a->seed));
	json_object_set_new(root, "metric",
			    json_string(a->cpu ? "cpu" : "wall"));
	json_object_set_new(root, "seconds", json_real(o->seconds));
	json_object_set_new(found, "thp_enabled", json_string(e->enabled));
	json_object_set_new(found, "thp_defrag", json_string(e->defrag));
	json_object_set_new(found, "khugepaged_defrag",
			    json_string(e->khugepaged_defrag));
	json_object_set_new(found, "nr_hugepages_2m",
			    json_integer((json_int_t)e->nr_2m));
	{
		json_t *m = json_object();
		char sz[16];

		for (int i = 0; i < e->n_mthp; i++)
			json_object_set_new(
				m,
				wb_format_size(e->mthp_size[i], sz, sizeof(sz)),
				json_string(e->mthp_mode[i]));
		json_object_set_new(found, "mthp_enabled", m);
	}
	json_object_set_new(root, "settings_found", found);
	json_object_set_new(root, "settings_restored",
			    json_boolean(o->restored));
	for (int p = 0; p < set->n; p++) {
		json_t *j = json_object(), *runs = json_array();

		json_object_set_new(j, "name", json_string(set->p[p].name));
		json_object_set_new(j, "what", json_string(set->p[p].what));
		json_object_set_new(j, "system",
				    json_boolean(set->p[p].system));
		wb_policy_apply_text(&set->p[p], e, apply, sizeof(apply));
		json_object_set_new(j, "apply", json_string(apply));
		if (o->apply_err[p][0])
			json_object_set_new(j, "error",
					    json_string(o->apply_err[p]));
		if (set->p[p].knobs.pool_2m_pages)
			json_object_set_new(
				j, "pool_2m_pages_got",
				json_integer((json_int_t)o->pool_got[p]));
		json_object_set_new(j, "summary", summary_json(e, &o->sum[p]));
		if (set->p[p].mthp_size) {
			char sz[16], finding[512];

			json_object_set_new(
				j, "mthp_size",
				json_string(wb_format_size(set->p[p].mthp_size,
							   sz, sizeof(sz))));
			if (wb_policy_mthp_finding(e, &set->p[p], &o->sum[p],
						   finding,
						   sizeof(finding)) >= 0)
				json_object_set_new(j, "finding",
						    json_string(finding));
		}
		for (int k = 0; k < o->nruns[p]; k++)
			json_array_append_new(
				runs, run_json(e, run_at(o, a->reps, p, k)));
		json_object_set_new(j, "runs", runs);
		json_array_append_new(pol, j);
	}
	json_object_set_new(root, "policies", pol);
	for (int i = 0; i < set->n_not_tried; i++)
		json_array_append_new(nt, json_string(set->not_tried[i]));
	json_object_set_new(root, "not_tried", nt);
	json_object_set_new(rec, "policy",
			    json_string(set->p[o->reco.best].name));
	json_object_set_new(rec, "change", json_boolean(o->reco.best != 0));
	json_object_set_new(rec, "reason", json_string(o->reco.reason));
	if (o->reco.leading)
		json_object_set_new(rec, "leading_not_significant",
				    json_string(set->p[o->reco.leading].name));
	if (o->reco.best) {
		const struct wb_policy_summary *s = &o->sum[o->reco.best];

		json_object_set_new(rec, "speedup_vs_current",
				    json_real(s->speedup));
		json_object_set_new(rec, "p_value", json_real(s->p_value));
		json_object_set_new(rec, "p_adjusted", json_real(s->p_adj));
		json_object_set_new(rec, "time_change_s",
				    json_real(s->shift_s));
		json_object_set_new(rec, "time_change_lo_s",
				    json_real(s->shift_lo_s));
		json_object_set_new(rec, "time_change_hi_s",
				    json_real(s->shift_hi_s));
		json_object_set_new(rec, "time_change_conf",
				    json_real(s->conf));
		json_object_set_new(rec, "mem_delta_bytes",
				    json_real(o->reco.mem_delta_bytes));
		json_object_set_new(rec, "bloat_warning",
				    json_boolean(o->reco.bloat));
	}
	wb_policy_apply_text(&set->p[o->reco.best], e, apply, sizeof(apply));
	json_object_set_new(rec, "apply", json_string(apply));
	json_object_set_new(root, "recommendation", rec);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(root);
}

/* The probe run under the settings as found: it tells whether the command
 * works at all and sizes the hugetlb pool. */
static int probe(struct policy_args *a, struct wb_policy_env *e,
		 const struct wb_policy *current)
{
	struct wb_policy_exec ex = { .argv = a->argv,
				     .policy = current,
				     .timeout_s = a->timeout_s,
				     .mthp_size = e->mthp_size,
				     .n_mthp = e->n_mthp };
	struct wb_policy_sample s;
	char why[600];
	int err = wb_policy_run_once(&ex, &s);

	if (err)
		return wb_error(WB_EXIT_MISSING, "cannot run '%s': %s",
				a->argv[0], strerror(-err));
	if (s.exec_failed)
		return wb_error(WB_EXIT_USAGE, "command '%s' cannot be run: %s",
				a->argv[0], strerror(s.exec_errno));
	if (!s.ok) {
		failure_text(&s, why, sizeof(why));
		return wb_error(WB_EXIT_FAILED,
				"command '%s' failed under the current "
				"settings (%s); no policy recommended",
				a->argv[0], why);
	}
	fprintf(stderr,
		"walkbench: probe run %.3f s, peak RSS %.0f MiB, hugetlb %.0f "
		"MiB\n",
		s.wall_s, (double)s.maxrss_bytes / MIB,
		(double)s.hugetlb_bytes / MIB);
	e->peak_rss_bytes = s.maxrss_bytes + s.hugetlb_bytes;
	e->maps_hugetlb = s.hugetlb_bytes > 0;
	return 0;
}

static int finish(struct wb_journal *j, const struct wb_policy_env *e,
		  struct outcome *o)
{
	struct wb_policy_env now = { 0 };
	int err = 0;

	if (j) {
		err = wb_journal_restore(j);
		wb_signals_journal(NULL);
		wb_journal_close(j);
	}
	o->restored = !err && !wb_policy_env_read(&now) &&
		      wb_policy_env_same(&now, e);
	if (!o->restored)
		return wb_error(WB_EXIT_UNTRUSTED,
				"settings are not as found after the run%s%s",
				err ? ": " : "", err ? strerror(-err) : "");
	return 0;
}

static int summarize_all(const struct policy_args *a,
			 const struct wb_policy_set *set, struct outcome *o)
{
	int err = summarize_round(a, set, o);

	return err ? err
		   : wb_policy_recommend_at(o->sum, set->n, o->plan.alpha,
					    &o->reco);
}
/*
 * The LD_PRELOAD shim: beside the binary in a build tree (build/), or in
 * PREFIX/lib/walkbench once installed (make install, the Debian package),
 * found from where the binary is so that any PREFIX works.
 */
static const char *find_shim(const char *bindir, char *buf, size_t len)
{
	static const char *const where[] = {
		"%s/libwbthp.so", "%s/../lib/walkbench/libwbthp.so"
	};

	for (size_t i = 0; i < sizeof(where) / sizeof(*where); i++) {
		snprintf(buf, len, where[i], bindir);
		if (!access(buf, R_OK))
			return buf;
	}
	return NULL;
}

int cmd_policy(int argc, char **argv)
{
	struct policy_args a = { 0 };
	struct wb_policy_env e = { 0 };
	struct wb_policy_set set;
	struct outcome o = { 0 };
	struct wb_journal *j = NULL;
	struct wb_lock lock = { .fd = -1 };
	struct wb_run_command cmd;
	char shim[PATH_MAX + 16], dir[PATH_MAX], lpath[512];
	ssize_t n;
	double t0;
	int err, rc;
	bool help;

	err = parse_args(&a, argc, argv, &help);
	if (err || help)
		return err;
	if (a.allow_settings && geteuid())
		return wb_error(WB_EXIT_MISSING,
				"--allow-settings: system policies need root");
	n = readlink("/proc/self/exe", a.exe, sizeof(a.exe) - 1);
	if (n < 0)
		return wb_error(WB_EXIT_MISSING, "/proc/self/exe: %s",
				strerror(errno));
	a.exe[n] = 0;
	snprintf(dir, sizeof(dir), "%s", a.exe);
	e.shim_path = find_shim(dirname(dir), shim, sizeof(shim));
	err = wb_policy_env_read(&e);
	if (err)
		return wb_error(WB_EXIT_MISSING,
				"%s: %s (no transparent huge pages here)",
				WB_THP_DIR, strerror(-err));
	e.can_set = a.allow_settings;
	/* One measuring walkbench at a time; `walkbench run` started by
	 * --kernel finds us in WB_LOCK_OWNER and goes on under our lock. */
	err = wb_lock_take(&lock, lpath, sizeof(lpath));
	if (err)
		return wb_error(WB_EXIT_MISSING,
				"cannot take the run lock %s: %s", lpath,
				strerror(-err));
	if (a.kernel && (err = kernel_command(&a, &cmd))) {
		wb_lock_release(&lock);
		return wb_error(WB_EXIT_MISSING, "temporary directory: %s",
				strerror(-err));
	}
	wb_signals_install();
	t0 = wb_now_s();
	wb_policy_candidates(&e, &set);
	rc = probe(&a, &e, &set.p[0]);
	if (rc)
		goto out;
	/* again, now that the probe sized the pool */
	wb_policy_candidates(&e, &set);
	if (a.allow_settings) {
		char jpath[512];

		err = wb_journal_default_path(jpath, sizeof(jpath));
		if (!err)
			err = wb_journal_open(&j, jpath);
		if (err) {
			rc = wb_error(WB_EXIT_MISSING,
				      "--allow-settings: cannot open the "
				      "settings journal: %s",
				      strerror(-err));
			goto out;
		}
		wb_signals_journal(j);
	}
	o.runs = calloc((size_t)set.n * (size_t)a.reps, sizeof(*o.runs));
	o.nruns = calloc((size_t)set.n, sizeof(int));
	if (!o.runs || !o.nruns) {
		rc = wb_error(WB_EXIT_MISSING, "out of memory");
		finish(j, &e, &o);
		goto out;
	}
	/* the family is every policy compared with current */
	wb_policy_plan(set.n > 1 ? set.n - 1 : 1, a.reps, &o.plan);
	fprintf(stderr,
		"walkbench: %d policies, rounds of one run each: tested after "
		"%d of at most %d (the fewest that can reach p < %.3g after "
		"Holm over %d), then at %d planned look(s) in all, each at "
		"p < %.3g; no new round after %g s\n",
		set.n, o.plan.at[0], a.reps, o.plan.alpha, o.plan.family,
		o.plan.n, o.plan.alpha, a.budget_s);
	err = measure(&a, &e, &set, j, &o);
	rc = finish(j, &e, &o);
	if (err && !rc)
		rc = wb_error(WB_EXIT_MISSING, "running the command: %s",
			      strerror(-err));
	o.seconds = wb_now_s() - t0;
	if (!rc && summarize_all(&a, &set, &o))
		rc = wb_error(WB_EXIT_FAILED,
			      "command '%s' failed in every run under the "
			      "current settings; no policy recommended",
			      a.argv[0]);
	if (!rc) {
		if (a.json)
			print_json(&a, &e, &set, &o);
		else
			print_table(&a, &e, &set, &o);
	}
out:
	free(o.runs);
	free(o.nruns);
	if (a.tmpdir[0])
		nftw(a.tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	wb_lock_release(&lock);
	return rc;
}
