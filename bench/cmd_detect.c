// SPDX-License-Identifier: MIT
/*
 * walkbench detect: the TLB geometry of this CPU from measurements alone
 * (harness/check/detect_probe.c), with what CPUID claims printed beside it and
 * the model's CPU table row it should match. bench/DETECT.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "check/detect_arch.h"
#include "opt.h"
#include "check/coalesce.h"
#include "check/detect.h"
#include "arch/arch.h"
#include "core/lock.h"
#include "core/env.h"
#include "model/cpu.h"
#include "model/model.h"
#include "core/parse.h"
#include "core/topo.h"
#include "mem/hostpage.h"
#include "results/host_backing.h"
#include "settings/journal.h"
#include "settings/signals.h"

struct detect_cli {
	bool json, quick, curves, allow_settings;
	int cpu;
};

static const struct wb_opt detect_options[] = {
	{ WB_FLAG("--json", struct detect_cli, json),
	  .help = "print the geometry as JSON" },
	{ WB_FLAG("--quick", struct detect_cli, quick),
	  .help = "shorter sweeps: fewer loads, sizes and repeats" },
	{ WB_INT("--cpu", struct detect_cli, cpu, 0, INT_MAX),
	  .help = "the CPU to pin to (default: the last allowed one)" },
	{ WB_FLAG("--curves", struct detect_cli, curves),
	  .help = "print the swept curves on stderr" },
	{ WB_FLAG("--allow-settings", struct detect_cli, allow_settings),
	  .help = "switch each multi-size THP folio size on for its "
		  "coalescing measurement, through the settings journal "
		  "(root)" },
	{ NULL },
};

static const struct wb_opt_table detect_table = {
	.cmd = "detect",
	.usage = "walkbench detect [--json] [--quick] [--cpu N] [--curves] "
		 "[--allow-settings]",
	.about = "Measures the L1 DTLB and L2 TLB entries for 4K and 2M pages, "
		 "the\ncost of an L1 DTLB miss and of a page walk, and the L1 "
		 "DTLB\nassociativity, pinned to CPU N. CPUID's TLB leaves and "
		 "the model's\nCPU row are shown beside. For each multi-size "
		 "THP folio size (16K..1M)\nthe L2 TLB's coalescing factor: "
		 "how many 4K pages of a folio one\nentry holds; a size whose "
		 "switch is not set is measured only with\n--allow-settings "
		 "(settings are put back after each size).\n",
	.opts = detect_options,
};

struct row_cmp {
	const char *name;
	uint64_t l1_4k, l2_4k, l1_2m, l2_2m;
	int err;
};

/* Measured value agrees with the table when the table's entry count lies
 * in the measurement's interval [value, value + resolution). */
static int agrees(const struct wb_figure *f, uint64_t table)
{
	return f->found && (double)table >= f->value &&
	       (double)table <
		       f->value + (f->resolution > 0 ? f->resolution : 1);
}

static void compare_row(const struct wb_geometry *g, const struct row_cmp *r,
			char *out, size_t len)
{
	const struct {
		const char *what;
		const struct wb_figure *f;
		uint64_t t;
	} c[] = { { "l1_dtlb_4k_entries", &g->l1_4k, r->l1_4k },
		  { "l2_tlb_4k_entries", &g->l2_4k, r->l2_4k },
		  { "l1_dtlb_2m_entries", &g->l1_2m, r->l1_2m },
		  { "l2_tlb_2m_entries", &g->l2_2m, r->l2_2m } };
	size_t o = 0;

	out[0] = 0;
	for (size_t i = 0; i < 4 && o < len; i++) {
		if (!c[i].f->found)
			continue;
		if (agrees(c[i].f, c[i].t))
			continue;
		o += snprintf(out + o, len - o,
			      "%s%s measured %.0f..%.0f, row %llu",
			      o ? "; " : "", c[i].what, c[i].f->value,
			      c[i].f->value + c[i].f->resolution - 1,
			      (unsigned long long)c[i].t);
	}
}

static json_t *fig_json(const struct wb_figure *f)
{
	if (!f->found)
		return json_pack("{s:n,s:f,s:s}", "value", "confidence", 0.0,
				 "why", f->why);
	return json_pack("{s:f,s:f,s:f,s:s}", "value", f->value, "confidence",
			 f->confidence, "resolution", f->resolution, "knee",
			 f->gradual ? "gradual" : "sharp");
}

/* A 2M L1 knee at exactly the L1 4K ways: the 2M pages sit in one 4K set,
 * held as 4K entries (a host mapping guest memory with smaller pages). */
static bool splintered(const struct wb_geometry *g)
{
	return g->l1_2m.found && g->l1_assoc.ways &&
	       g->l1_2m.value == g->l1_assoc.ways;
}

static const char *l2m_note(const struct wb_geometry *g)
{
	if (!g->l1_2m.found)
		return "no first step on the 2M curve";
	if (splintered(g))
		return "held as 4K entries: the 2M knee equals the L1 4K ways "
		       "(one 4K set fills), as when a host maps guest memory "
		       "with smaller pages";
	return "yes: a first step on the 2M curve";
}

/*
 * The measured 2M L2 figure against the CPU's own (the model's row, else
 * CPUID) when the host splinters the guest's 2 MiB pages: a guest 2M
 * translation then takes a 4K entry, and the figure is those entries'.
 * NULL when there is nothing to say.
 */
static const char *l2m_splinter_note(const struct wb_geometry *g,
				     const struct row_cmp *r, uint64_t cpuid,
				     const struct wb_hostpage *h)
{
	bool off;

	if (!g->l2_2m.found || !h->measurable || h->native || h->share >= 0.5)
		return NULL;
	off = !r->err ? !agrees(&g->l2_2m, r->l2_2m)
		      : cpuid && !agrees(&g->l2_2m, cpuid);
	if (!off)
		return NULL;
	return "the host backs most of this guest's 2 MiB pages with 4 KiB "
	       "pages (effective huge share below 0.5): a guest 2M page is "
	       "held "
	       "in splintered 4K entries, and l2_tlb_2m_entries is what the "
	       "TLB holds of those, not the CPU's 2M figure";
}

static json_t *host_json(const struct wb_hostpage *h)
{
	json_t *o = wb_host_backing_json(h);

	/* over passes of a run; detect is one process */
	json_object_del(o, "share_min");
	json_object_del(o, "share_max");
	json_object_del(o, "passes_probed");
	return o;
}

static void host_text(const struct wb_hostpage *h)
{
	if (h->native)
		printf("host backing: effective huge share 1 (%s)\n", h->how);
	else if (h->measurable)
		printf("host backing: effective huge share %.2f of %zu guest "
		       "2M pages, r_base %.2f, %.1f ms (%s)\n",
		       h->share, h->sampled, h->r_base, h->seconds * 1e3,
		       h->how);
	else
		printf("host backing: %s\n", h->how);
}

static json_t *assoc_json(const struct wb_assoc *a)
{
	if (!a->ways)
		return json_pack("{s:n,s:s}", "ways", "why", a->how);
	return json_pack("{s:i,s:i,s:i,s:s}", "ways", a->ways, "sets", a->sets,
			 "entries", a->ways * a->sets, "how", a->how);
}

static void assoc_text(const char *what, const struct wb_assoc *a)
{
	if (a->ways)
		printf("  %s: %d-way x %d sets = %d entries (%s)\n", what,
		       a->ways, a->sets, a->ways * a->sets, a->how);
	else
		printf("  %s associativity not inferred: %s\n", what, a->how);
}

static void fig_text(const char *name, const struct wb_figure *f)
{
	if (!f->found) {
		printf("  %-20s not found: %s\n", name, f->why);
		return;
	}
	printf("  %-20s %6.0f  (knee in [%.0f, %.0f) pages, %s, confidence "
	       "%.2f)\n",
	       name, f->value, f->value, f->value + f->resolution,
	       f->gradual ? "gradual: half miss past it" : "sharp",
	       f->confidence);
}

/* The settings the coalescing probe may change: a journal only with
 * --allow-settings. */
struct coal_settings {
	struct wb_journal *j;
};

static int coal_ready(void *arg, uint64_t size, char *why, size_t whylen)
{
	struct coal_settings *cs = arg;
	char w[300];
	int err = wb_mthp_check(size, w, sizeof(w));

	if (err != -EPERM) {
		if (err)
			snprintf(why, whylen, "%s", w);
		return err;
	}
	if (!cs->j) {
		snprintf(why, whylen,
			 "switches in the way: %s (--allow-settings, as root, "
			 "sets them for the measurement and puts them back)",
			 w);
		return -EPERM;
	}
	return wb_mthp_apply(cs->j, size, why, whylen);
}

static int coal_release(void *arg, char *why, size_t whylen)
{
	struct coal_settings *cs = arg;
	int err;

	if (!cs->j)
		return 0;
	err = wb_journal_restore(cs->j);
	if (err)
		snprintf(why, whylen,
			 "cannot put the folio-size switches back: %s (the "
			 "next walkbench start retries)",
			 strerror(-err));
	return err;
}

/*
 * What the model's CPU table says one L2 TLB entry holds of a folio of
 * @size: min(the row's coalescing factor, size / 4K). NULL with *factor
 * set, or why there is no figure.
 */
static const char *coal_model(const struct wb_sysinfo *s, uint64_t size,
			      int *factor)
{
	struct wbm_cpu row;
	uint32_t c;

	*factor = 0;
	if (wbm_cpu_lookup(s->vendor, s->family, s->model, &row))
		return "no model row for this CPU: no coalescing figure to "
		       "compare with";
	c = wbm_cpu_coalesce(&row, 2);
	*factor = (int)(c < size / 4096 ? c : size / 4096);
	return NULL;
}

#define COAL_METHOD                                                            \
	"dependent-load chase over m x the measured 4K L2 TLB reach "          \
	"(m = 2, 4, ...), every 4K page loaded, on verified folios against "   \
	"4K pages and an L2-hit control of the same cache lines; the largest " \
	"m at which the folios save at least half the 4K walk cost"

/* A coalesced entry spans host frames too: on a guest whose host backs it
 * with 4K pages, "none" may be the host's. NULL when that is not so. */
static const char *coal_host_note(const struct wb_hostpage *h)
{
	if (h->native || !h->measurable || h->share >= 0.5)
		return NULL;
	return "the host backs this guest's memory with 4K pages (effective "
	       "huge share below 0.5): a coalesced entry needs host-physical "
	       "contiguity, so no coalescing here may be the host's doing";
}

static const char *coal_state_word(enum wb_coal_state st)
{
	switch (st) {
	case WB_COAL_MEASURED:
		return "measured";
	case WB_COAL_NOT_READY:
		return "not ready";
	case WB_COAL_FELL_BACK:
		return "fell back";
	default:
		return "not measured";
	}
}

static json_t *coal_json(const struct wb_coal_report *r,
			 const struct wb_sysinfo *sys)
{
	json_t *a = json_array();

	for (int i = 0; i < r->n; i++) {
		const struct wb_coal_size *s = &r->s[i];
		bool ok = s->state == WB_COAL_MEASURED;
		char sz[16], text[64];
		json_t *o, *pts = json_array();
		int mf;
		const char *mwhy = coal_model(sys, s->size, &mf);

		wb_coal_factor_text(s, text, sizeof(text));
		for (size_t k = 0; ok && k < s->points; k++) {
			json_t *p = json_pack("{s:f,s:f,s:f,s:f}", "m", s->m[k],
					      "ns_4k", s->est.lvl4[k],
					      "ns_folio", s->est.lvls[k],
					      "ns_l2_hit", s->est.lvlc[k]);

			/* q is not computed past the point that decided */
			json_object_set_new(p, "q",
					    isnan(s->est.q[k])
						    ? json_null()
						    : json_real(s->est.q[k]));
			json_array_append_new(pts, p);
		}
		o = json_pack("{s:s,s:I,s:s,s:s}", "size",
			      wb_format_size(s->size, sz, sizeof(sz)),
			      "size_bytes", (json_int_t)s->size, "state",
			      coal_state_word(s->state), "method", COAL_METHOD);
		json_object_set_new(o, "factor",
				    ok ? json_integer(s->est.factor)
				       : json_null());
		json_object_set_new(o, "at_least",
				    json_boolean(ok && s->est.at_least));
		json_object_set_new(o, "text",
				    json_string(ok ? text : "not measured"));
		json_object_set_new(o, "confidence",
				    ok ? json_real(s->est.confidence)
				       : json_null());
		json_object_set_new(o, "folios",
				    s->hist[0] ? json_string(s->hist)
					       : json_null());
		json_object_set_new(o, "reason",
				    ok ? json_null() : json_string(s->why));
		json_object_set_new(o, "points", pts);
		json_object_set_new(
			o, "model",
			mwhy ? json_pack("{s:n,s:s}", "factor", "why", mwhy)
			     : json_pack("{s:i}", "factor", mf));
		json_array_append_new(a, o);
	}
	return a;
}

static void coal_text(const struct wb_coal_report *r,
		      const struct wb_sysinfo *sys, const char *host_note)
{
	int mf;
	const char *mwhy = NULL;

	bool any = false;

	if (!r->n) {
		printf("coalescing: %s\n", r->note);
		return;
	}
	for (int i = 0; i < r->n; i++)
		any |= r->s[i].state == WB_COAL_MEASURED;
	if (any)
		printf("coalescing (4K pages of a multi-size THP folio per L2 "
		       "TLB entry; m = 2..%.0f x the 4K reach, %zu interleaved "
		       "rounds, %.1f s):\n",
		       r->max_m, r->reps, r->seconds);
	else
		printf("coalescing (4K pages of a multi-size THP folio per L2 "
		       "TLB entry): no size measured\n");
	for (int i = 0; i < r->n; i++) {
		const struct wb_coal_size *s = &r->s[i];
		char sz[16], text[64];

		wb_format_size(s->size, sz, sizeof(sz));
		if (s->state != WB_COAL_MEASURED) {
			printf("  %s folios: not measured: %s\n", sz, s->why);
			continue;
		}
		wb_coal_factor_text(s, text, sizeof(text));
		printf("  %s folios: %s (confidence %.2f; q", sz, text,
		       s->est.confidence);
		for (size_t k = 0; k < s->points && !isnan(s->est.q[k]); k++)
			printf(" %.0fx %.2f", s->m[k], s->est.q[k]);
		printf("; %s)\n", s->hist);
		mwhy = coal_model(sys, s->size, &mf);
		if (!mwhy)
			printf("    model: %d page%s per entry (%s): %s\n", mf,
			       mf == 1 ? "" : "s",
			       mf > 1 ? "the CPU table's coalescing"
				      : "no coalescing published",
			       s->est.factor == mf ? "agrees"
			       : host_note	   ? "differs, see the note"
						   : "differs");
	}
	printf("  method: %s\n", COAL_METHOD);
	if (mwhy)
		printf("  model: %s\n", mwhy);
	if (host_note)
		printf("  note: %s\n", host_note);
}

/* Every offered size's switch, one string, to show they are as found. */
static void switches(char *buf, size_t len)
{
	uint64_t sz[WB_MTHP_MAX];
	size_t off = 0;
	int n = 0;

	buf[0] = 0;
	wb_mthp_offered(sz, WB_MTHP_MAX, &n);
	for (int i = 0; i < n && off < len; i++) {
		char mode[16] = "?";

		wb_mthp_mode(sz[i], mode, sizeof(mode));
		off += (size_t)snprintf(buf + off, len - off,
					"%" PRIu64 "kB:%s ", sz[i] >> 10, mode);
	}
}

/*
 * The coalescing measurement, with the settings journal open only while
 * it runs (--allow-settings): a signal restores it, a kill -9 leaves it
 * for the next start (bench/main.c) to replay. Exit code, or 0.
 */
static int coal_run(const struct detect_cli *c, const struct wb_detect_opts *o,
		    const struct wb_geometry *g, struct wb_coal_report *cr)
{
	struct coal_settings cs = { 0 };
	struct wb_coal_opts co = { .quick = c->quick,
				   .seed = o->seed,
				   .reach = g->l2_4k.found ? g->l2_4k.value : 0,
				   .min_step = WB_KNEE_MIN_STEP_NS,
				   .progress = o->progress,
				   .ready = coal_ready,
				   .release = coal_release,
				   .arg = &cs };
	char before[512], after[512], why[300] = "";
	int err, rerr = 0;

	switches(before, sizeof(before));
	if (c->allow_settings) {
		char jpath[512];

		err = wb_journal_default_path(jpath, sizeof(jpath));
		if (!err)
			err = wb_journal_open(&cs.j, jpath);
		if (err)
			return wb_error(WB_EXIT_MISSING,
					"--allow-settings: cannot open the "
					"settings journal: %s",
					strerror(-err));
		wb_signals_install();
		wb_signals_journal(cs.j);
	}
	err = wb_coal_measure(&co, cr, why, sizeof(why));
	if (cs.j) {
		rerr = wb_journal_restore(cs.j);
		wb_signals_journal(NULL);
		wb_journal_close(cs.j);
	}
	switches(after, sizeof(after));
	/* without the journal nothing here changed them; another run may */
	if (!c->allow_settings)
		return 0;
	if (err || rerr || strcmp(before, after))
		return wb_error(WB_EXIT_UNTRUSTED,
				"detect: folio-size switches not as found "
				"(before: %s; after: %s)%s%s",
				before, after, why[0] ? ": " : "", why);
	return 0;
}

static int detect(const struct detect_cli *cp);

int cmd_detect(int argc, char **argv)
{
	struct detect_cli c = { .cpu = -1 };
	struct wb_opt_parse p = { .t = &detect_table, .dst = &c };
	struct wb_lock lock = { .fd = -1 };
	char lpath[512];
	int err;

	err = wb_opt_parse(&p, argc, argv);
	if (err || p.help)
		return err;
	if (c.cpu >= 0 && wb_topo_cpu_valid(c.cpu)) {
		char val[16];

		snprintf(val, sizeof(val), "%d", c.cpu);
		return wb_opt_bad("detect", "--cpu", val,
				  "a CPU this process may run on");
	}
	if (!c.allow_settings)
		return detect(&c);
	if (geteuid())
		return wb_error(WB_EXIT_MISSING,
				"--allow-settings: folio-size switches need "
				"root");
	/* settings change under the one run lock, never beside a run */
	err = wb_lock_take(&lock, lpath, sizeof(lpath));
	if (err)
		return wb_error(WB_EXIT_MISSING,
				"cannot take the run lock %s: %s", lpath,
				strerror(-err));
	err = detect(&c);
	wb_lock_release(&lock);
	return err;
}

static int detect(const struct detect_cli *cp)
{
	struct wb_detect_opts o = { .cpu = -1, .seed = 1 };
	struct wb_geometry g;
	struct wb_sysinfo sys;
	struct row_cmp r = { 0 };
	char why[256], cpuid[1024], dis[512];
	struct wb_detect_limit lim[WB_DETECT_LIMITS];
	int nlim;
	const char *pmu_note, *coal_note;
	struct detect_cli c = *cp;
	struct wb_hostpage hp;
	struct wb_coal_report *cr;
	const char *splinter;
	bool json;
	int err;

	json = c.json;
	o.quick = c.quick;
	o.cpu = c.cpu;
	if (c.curves)
		o.progress = stderr;
	if (o.cpu < 0)
		o.cpu = wb_topo_default_cpu();
	if (o.cpu < 0)
		return wb_error(WB_EXIT_MISSING, "detect: no CPU to pin to");
	wb_env_probe(&sys);
	wb_arch_tlb_leaves(&sys, cpuid, sizeof(cpuid));
	nlim = wb_detect_arch_limits(&sys, lim, WB_DETECT_LIMITS);
	err = wb_detect_measure(&o, &g, why, sizeof(why));
	if (err)
		return wb_error(err == -ENOMEM ? WB_EXIT_MISSING
					       : WB_EXIT_UNTRUSTED,
				"detect: %s", why[0] ? why : strerror(-err));
	r.err = wbm_cpu_tlb_reach(sys.vendor, sys.family, sys.model, WBM_4K,
				  &r.l1_4k, &r.l2_4k, &r.name);
	if (!r.err)
		r.err = wbm_cpu_tlb_reach(sys.vendor, sys.family, sys.model,
					  WBM_2M, &r.l1_2m, &r.l2_2m, &r.name);
	dis[0] = 0;
	if (!r.err)
		compare_row(&g, &r, dis, sizeof(dis));
	/* detect has the time for more pages and rounds than a run's
	 * children; still pinned to o.cpu by wb_detect_measure */
	{
		struct wb_hostpage_opts ho = { .sys = &sys,
					       .pages = WB_HOSTPAGE_MAX,
					       .rounds = 5,
					       .seed = o.seed };

		wb_hostpage_probe(&ho, &hp);
	}
	splinter = l2m_splinter_note(&g, &r, wb_arch_l2_2m_entries(&sys), &hp);
	/* after the host probe: it needs the 2M switch the sizes turn off */
	cr = calloc(1, sizeof(*cr));
	if (!cr)
		return wb_error(WB_EXIT_MISSING, "detect: out of memory");
	err = coal_run(&c, &o, &g, cr);
	if (err) {
		free(cr);
		return err;
	}
	coal_note = coal_host_note(&hp);
	/* the TSC ticks at a constant rate whatever the core clock does:
	 * only a core-cycle PMU counter would give cycles */
	pmu_note = sys.pmu_hw
			   ? "cycles need a core-cycle counter around the "
			     "chase; this version reports ns only"
			   : "no hardware PMU: no core-cycle counter, ns only";
	if (json) {
		json_t *j = json_pack(
			"{s:i,s:o,s:o,s:o,s:o,s:{s:f,s:f,s:f,s:s},s:s,s:f,s:b,"
			"s:b}",
			"cpu", g.cpu, "l1_dtlb_4k_entries", fig_json(&g.l1_4k),
			"l2_tlb_4k_entries", fig_json(&g.l2_4k),
			"l1_dtlb_2m_entries", fig_json(&g.l1_2m),
			"l2_tlb_2m_entries", fig_json(&g.l2_2m), "latency_ns",
			"l1_dtlb_hit_access", g.l1_hit_ns,
			"l1_miss_l2_hit_extra", g.l2_hit_extra_ns,
			"walk_extra_over_l2_hit", g.walk_extra_ns, "cycles",
			pmu_note, "cpuid_tlb_leaves", cpuid, "seconds",
			g.seconds, "control_in_2m_page", g.control_ok,
			"thp_verified", g.thp_ok);

		json_object_set_new(j, "l1_dtlb_4k_assoc",
				    assoc_json(&g.l1_assoc));
		json_object_set_new(j, "l2_tlb_4k_assoc",
				    assoc_json(&g.l2_assoc));
		json_object_set_new(j, "paging_structure_caches",
				    json_pack("{s:f,s:f,s:b,s:s}",
					      "near_pmd_ns", g.pwc_near_ns,
					      "far_pmd_ns", g.pwc_far_ns,
					      "visible",
					      g.pwc_far_ns - g.pwc_near_ns >=
						      WB_KNEE_MIN_STEP_NS,
					      "how", g.pwc_note));
		json_object_set_new(j, "l2m_in_l1_dtlb",
				    json_boolean(g.l1_2m.found));
		json_object_set_new(j, "host_backing", host_json(&hp));
		if (splinter)
			json_object_set_new(j, "l2_tlb_2m_note",
					    json_string(splinter));
		json_object_set_new(
			j, "model_row",
			r.err ? json_pack("{s:n,s:s}", "name", "why",
					  "CPU not in the model's table")
			      : json_pack("{s:s,s:I,s:I,s:I,s:I,s:s}", "name",
					  r.name, "l1_dtlb_4k",
					  (json_int_t)r.l1_4k, "l2_tlb_4k",
					  (json_int_t)r.l2_4k, "l1_dtlb_2m",
					  (json_int_t)r.l1_2m, "l2_tlb_2m",
					  (json_int_t)r.l2_2m, "disagreements",
					  dis));
		{
			json_t *nl = json_object();

			for (int i = 0; i < nlim; i++)
				json_object_set_new(nl, lim[i].what,
						    json_string(lim[i].says));
			json_object_set_new(j, "arch", json_string(sys.arch));
			json_object_set_new(j, "not_established", nl);
		}
		json_object_set_new(j, "coalescing", coal_json(cr, &sys));
		json_object_set_new(j, "coalescing_note",
				    cr->note[0] ? json_string(cr->note)
						: json_null());
		json_object_set_new(j, "coalescing_host_note",
				    coal_note ? json_string(coal_note)
					      : json_null());
		json_object_set_new(j, "coalescing_seconds",
				    json_real(cr->seconds));
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
		json_decref(j);
	} else {
		printf("detect: CPU %d (%s family %u model %u%s%s), %.1f s\n",
		       g.cpu, sys.vendor, sys.family, sys.model,
		       sys.hypervisor[0] ? ", hypervisor " : "", sys.hypervisor,
		       g.seconds);
		printf("measured (entries = pages that still all hit):\n");
		fig_text("l1_dtlb_4k_entries", &g.l1_4k);
		fig_text("l2_tlb_4k_entries", &g.l2_4k);
		fig_text("l1_dtlb_2m_entries", &g.l1_2m);
		fig_text("l2_tlb_2m_entries", &g.l2_2m);
		printf("  2M pages in the L1 DTLB: %s\n", l2m_note(&g));
		printf("  access, L1 DTLB hit      %6.2f ns\n", g.l1_hit_ns);
		printf("  L1 DTLB miss, L2 hit     +%5.2f ns\n",
		       g.l2_hit_extra_ns);
		printf("  L2 TLB miss (walk)       +%5.2f ns over an L2 hit\n",
		       g.walk_extra_ns);
		printf("  cycles: %s\n", pmu_note);
		assoc_text("L1 DTLB 4K", &g.l1_assoc);
		assoc_text("L2 TLB 4K", &g.l2_assoc);
		printf("  paging-structure caches: %s\n", g.pwc_note);
		if (!g.control_ok)
			printf("  control: not in a 2 MiB page (%s)\n",
			       g.thp_why);
		host_text(&hp);
		if (splinter)
			printf("  l2_tlb_2m_entries: %s\n", splinter);
		printf("cpuid (not used): %s\n", cpuid);
		for (int i = 0; i < nlim; i++)
			printf("not established on %s: %s: %s\n", sys.arch,
			       lim[i].what, lim[i].says);
		if (r.err)
			printf("model row: none for this CPU\n");
		else
			printf("model row: %s (4K %llu/%llu, 2M %llu/%llu): "
			       "%s\n",
			       r.name, (unsigned long long)r.l1_4k,
			       (unsigned long long)r.l2_4k,
			       (unsigned long long)r.l1_2m,
			       (unsigned long long)r.l2_2m,
			       dis[0] ? dis : "measurement agrees");
		coal_text(cr, &sys, coal_note);
	}
	free(cr);
	if (!g.l1_4k.found || !g.l2_4k.found)
		return WB_EXIT_UNTRUSTED;
	return WB_EXIT_OK;
}
