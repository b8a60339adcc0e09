// SPDX-License-Identifier: MIT
/*
 * walkbench model tlb: run the TLB simulator on a CPU's geometry (or one
 * from a file) with the tlb_reach chase or an address trace; --sweep finds
 * the knees, --bench measures the simulator's own speed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/env.h"
#include "arch/arch.h"
#include "cmd.h"
#include "cmd_model.h"
#include "opt.h"
#include "model/cpu.h"
#include "model/tlb.h"
#include "core/parse.h"

struct tlb_args {
	const char *cpu, *geometry, *pattern, *trace;
	struct wbm_cli_arch arch;
	bool sweep, bench, json;
	uint64_t passes, seed;
};

static const struct wb_opt tlb_options[] = {
	{ WB_STR("--cpu", struct tlb_args, cpu), .arg = "NAME|host",
	  .help = "the CPU table's geometry of NAME (default: this machine's, "
		  "if the table has it)" },
	{ WB_STR("--geometry", struct tlb_args, geometry), .arg = "FILE",
	  .help = "lines 'LEVEL STRUCTS', e.g. '1 4K:64:4,2M:32:4' and "
		  "'2 4K+2M:1536:12' (WAYS FA: fully associative)" },
	{ WB_STR("--pattern", struct tlb_args, pattern),
	  .arg = "chase:N:PAGESIZE",
	  .help = "the tlb_reach kernel: N pages in random cyclic order" },
	{ WB_STR("--trace", struct tlb_args, trace), .arg = "FILE",
	  .help = "one access per line: ADDRESS [PAGESIZE] (hex 0x... or "
		  "decimal)" },
	{ WB_FLAG("--sweep", struct tlb_args, sweep),
	  .help = "chase over many N; prints misses per access and the knees "
		  "(largest N with no miss at each level)" },
	{ WB_U64("--passes", struct tlb_args, passes, 1, 0x1p64),
	  .help = "measured passes of the chase (default 4, after 2 "
		  "warm-up)" },
	{ WB_U64("--seed", struct tlb_args, seed, 0, 0x1p64),
	  .help = "permutation seed (default 1)" },
	{ WB_FLAG("--bench", struct tlb_args, bench),
	  .help = "simulated translations per second on one core" },
	{ WB_STR("--arch", struct tlb_args, arch.arch), .arg = "x86_64|arm64",
	  .help = "the architecture of the CPU named (default: the row's)" },
	{ WB_STR("--granule", struct tlb_args, arch.granule), .arg = "4K",
	  .help = "arm64 translation granule; the table's Arm rows and the "
		  "simulator hold the 4K granule's sizes (4K, 2M, 1G) only" },
	{ WB_FLAG("--json", struct tlb_args, json),
	  .help = "print the results as JSON" },
	{ NULL },
};

static const struct wb_opt_table tlb_table = {
	.cmd = "model tlb",
	.usage = "walkbench model tlb [--cpu NAME|host | --geometry FILE]\n"
		 "         (--pattern chase:N:PAGESIZE | --trace FILE) "
		 "[--sweep] "
		 "[--json]\n"
		 "       walkbench model tlb --bench [--cpu NAME] [--json]\n"
		 "       walkbench model tlb [--arch arm64 [--granule 4K]] "
		 "[--cpu NAME|host] [--json]",
	.about =
		"Simulates the data TLB levels (set-associative, LRU) of a CPU "
		"from the\nbundled table (default: this machine's, if the "
		"table has it). Without --pattern,\n--trace or --bench: the "
		"table's entries and reach per level and page size.\n",
	.opts = tlb_options,
	.flags = WB_OPTS_EQUALS,
};

/*
 * Reads vendor, family and model from /proc/cpuinfo: CPUID's on x86; on
 * arm64 the MIDR fields, keyed as struct wb_sysinfo keeps them
 * (wb_midr_from_cpuinfo, wb_midr_to_sysinfo).
 */
static int host_cpu(char *vendor, size_t vlen, unsigned int *family,
		    unsigned int *model)
{
	static char text[65536]; /* the first processor's block is enough */
	FILE *f = fopen("/proc/cpuinfo", "r");
	struct wb_sysinfo arm = { 0 };
	struct wb_midr m;
	int got = 0;
	size_t n;

	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	if (!wb_midr_from_cpuinfo(text, &m)) {
		wb_midr_to_sysinfo(&m, &arm);
		snprintf(vendor, vlen, "%s", arm.vendor);
		*family = arm.family;
		*model = arm.model;
		return 0;
	}
	for (char *line = text; line && got != 7;) {
		char *colon = strchr(line, ':'), *nl = strchr(line, '\n');

		if (colon && (!nl || colon < nl)) {
			if (!strncmp(line, "vendor_id", 9) && !(got & 1)) {
				snprintf(vendor, vlen, "%.*s",
					 (int)strcspn(colon + 2, "\n"),
					 colon + 2);
				got |= 1;
			} else if (!strncmp(line, "cpu family", 10) &&
				   !(got & 2)) {
				*family = (unsigned int)strtoul(colon + 1, NULL,
								10);
				got |= 2;
			} else if (!strncmp(line, "model\t", 6) && !(got & 4)) {
				*model = (unsigned int)strtoul(colon + 1, NULL,
							       10);
				got |= 4;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return got == 7 ? 0 : -ENOENT;
}

static int read_geometry(const char *path, struct wbm_tlb_geom *g)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;

	if (!f)
		return wb_error(WB_EXIT_USAGE,
				"model tlb: cannot read '%s': %s", path,
				strerror(errno));
	memset(g, 0, sizeof(*g));
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;
		int level;

		n++;
		if ((e = strchr(s, '#')))
			*e = 0;
		s[strcspn(s, "\r\n")] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			continue;
		e = s + strcspn(s, " \t");
		if (!*e) {
			fclose(f);
			return wb_error(WB_EXIT_USAGE,
					"model tlb: %s:%d: bad line '%s' (want "
					"LEVEL STRUCTS)",
					path, n, s);
		}
		*e++ = 0;
		while (*e == ' ' || *e == '\t')
			e++;
		if (wb_parse_int(s, &level) || level < 1 ||
		    level > WBM_TLB_LEVELS ||
		    wbm_tlb_parse_level(e, level, g)) {
			fclose(f);
			return wb_error(
				WB_EXIT_USAGE,
				"model tlb: %s:%d: bad structure '%s %s'", path,
				n, s, e);
		}
	}
	fclose(f);
	if (!g->n)
		return wb_error(WB_EXIT_USAGE,
				"model tlb: %s: no TLB structure", path);
	return 0;
}

/* ", PTE coalescing L1 x4, L2 x4 (...)" after a row's name: what its
 * coalesce column says, so a reader sees it beside the entries. */
static void add_coalesce(const struct wbm_cpu *c, char *label, size_t len)
{
	size_t o = strlen(label);
	uint32_t c1 = wbm_cpu_coalesce(c, 1), c2 = wbm_cpu_coalesce(c, 2);

	if (o >= len)
		return;
	if (c1 == 1 && c2 == 1)
		snprintf(label + o, len - o,
			 "; PTE coalescing: none published (1 4K page per "
			 "entry)");
	else
		snprintf(label + o, len - o,
			 "; PTE coalescing: up to %u 4K pages per L1 entry, "
			 "%u per L2 entry (mTHP folios of 16K and up)",
			 c1, c2);
}

/* Fills @g and @label from --cpu/--geometry (default: the host). */
static int pick_geometry(const struct tlb_args *a, struct wbm_tlb_geom *g,
			 char *label, size_t len)
{
	struct wbm_cpu c;

	if (a->geometry) {
		int err = read_geometry(a->geometry, g);

		snprintf(label, len, "geometry %s", a->geometry);
		return err;
	}
	if (a->cpu && strcmp(a->cpu, "host")) {
		if (wbm_cpu_by_name(a->cpu, &c))
			return wb_opt_bad("model tlb", "--cpu", a->cpu,
					  "a CPU in the CPU table, or host");
		if (!c.dtlb.n)
			return wb_error(WB_EXIT_MISSING,
					"model tlb: the TLB of %s is unknown: "
					"the CPU table has no published figure "
					"for it",
					c.name);
		if (a->arch.arch && !strcmp(c.vendor, "ARM") !=
					    (!strcmp(a->arch.arch, "arm64") ||
					     !strcmp(a->arch.arch, "aarch64")))
			return wb_error(WB_EXIT_USAGE,
					"model tlb: %s is not an %s CPU",
					c.name, a->arch.arch);
		*g = c.dtlb;
		snprintf(label, len, "%s", c.name);
		add_coalesce(&c, label, len);
		return 0;
	}
	char vendor[32] = "";
	unsigned int fam = 0, model = 0;

	if (host_cpu(vendor, sizeof(vendor), &fam, &model))
		return wb_error(WB_EXIT_MISSING,
				"model tlb: cannot read this CPU's identity "
				"from /proc/cpuinfo; give --cpu NAME");
	if (wbm_cpu_lookup(vendor, fam, model, &c) || !c.dtlb.n) {
		if (!a->bench)
			return wb_error(WB_EXIT_MISSING,
					"model tlb: this CPU (%s family 0x%x "
					"model 0x%x) is unknown to the CPU "
					"table; give --cpu NAME or --geometry "
					"FILE",
					vendor, fam, model);
		/* --bench measures the simulator, not this CPU: any row does */
		if (wbm_cpu_by_name("Zen 5", &c))
			return wb_error(WB_EXIT_MISSING, "CPU table broken");
		snprintf(label, len,
			 "%s (this CPU, %s family 0x%x model 0x%x, "
			 "is unknown to the table)",
			 c.name, vendor, fam, model);
	} else {
		snprintf(label, len, "%s (this CPU: %s family 0x%x model 0x%x)",
			 c.name, vendor, fam, model);
	}
	add_coalesce(&c, label, len);
	*g = c.dtlb;
	return 0;
}

/* Entries and reach per level and page size, from the table. */
static int print_reach(const struct tlb_args *a, const struct wbm_tlb_geom *g,
		       const char *label)
{
	static const uint64_t sizes[] = { WBM_4K, WBM_2M, WBM_1G };
	json_t *root = a->json ? json_object() : NULL, *rows = NULL;

	if (root) {
		rows = json_array();
		json_object_set_new(root, "cpu", json_string(label));
		json_object_set_new(root, "reach", rows);
	} else {
		printf("geometry: %s\n", label);
	}
	for (int l = 1; l <= WBM_TLB_LEVELS; l++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint64_t e = wbm_tlb_entries(g, l, sizes[i]);
			char sb[16], rb[16];

			if (!e)
				continue;
			if (root) {
				json_array_append_new(
					rows,
					json_pack("{s:i,s:I,s:I,s:I}", "level",
						  l, "page_size",
						  (json_int_t)sizes[i],
						  "entries", (json_int_t)e,
						  "reach_bytes",
						  (json_int_t)(e * sizes[i])));
				continue;
			}
			printf("L%d %s: %llu entries, reach %s\n", l,
			       wb_format_size(sizes[i], sb, sizeof(sb)),
			       (unsigned long long)e,
			       wb_format_size(e * sizes[i], rb, sizeof(rb)));
		}
	return root ? wbm_cli_json(root) : WB_EXIT_OK;
}

static int parse_pattern(const char *s, uint64_t *npages, uint64_t *ps)
{
	char buf[64], *a, *b;

	if (strncmp(s, "chase:", 6) || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s + 6);
	a = buf;
	b = strchr(a, ':');
	if (!b)
		return -EINVAL;
	*b++ = 0;
	if (wb_parse_u64(a, npages) || !*npages || *npages > UINT32_MAX ||
	    wb_parse_pagesize(b, ps))
		return -EINVAL;
	return 0;
}

static int max_level(const struct wbm_tlb_geom *g)
{
	int m = 0;

	for (int i = 0; i < g->n; i++)
		if (g->s[i].level > m)
			m = g->s[i].level;
	return m;
}

static json_t *stats_json(const struct wbm_tlb_stats *st, int levels)
{
	json_t *o = json_object(), *lv = json_array();

	json_object_set_new(o, "accesses", json_integer(st->accesses));
	for (int l = 1; l <= levels; l++)
		json_array_append_new(
			lv, json_pack("{s:i,s:I,s:I,s:f}", "level", l,
				      "lookups", (json_int_t)st->lookups[l],
				      "misses", (json_int_t)st->misses[l],
				      "misses_per_access",
				      wbm_tlb_miss_rate(st, l)));
	json_object_set_new(o, "levels", lv);
	json_object_set_new(o, "walks", json_integer(st->walks));
	json_object_set_new(o, "walks_per_access",
			    json_real(wbm_tlb_miss_rate(st, 0)));
	return o;
}

static void stats_print(const struct wbm_tlb_stats *st, int levels)
{
	for (int l = 1; l <= levels; l++)
		printf("L%d: %llu lookups, %llu misses, %.4f misses/access\n",
		       l, (unsigned long long)st->lookups[l],
		       (unsigned long long)st->misses[l],
		       wbm_tlb_miss_rate(st, l));
	printf("walks: %llu, %.4f per access\n", (unsigned long long)st->walks,
	       wbm_tlb_miss_rate(st, 0));
}

/*
 * Two chases: one that misses L1 and hits L2 (every access goes two
 * levels deep), one that walks. Best of 3 repetitions of each; the timed
 * region is the simulation only (the permutation is built before).
 */
static int run_bench(const struct tlb_args *a, struct wbm_tlb *t,
		     const struct wbm_tlb_geom *g, const char *label)
{
	uint64_t l1 = wbm_tlb_entries(g, 1, WBM_4K),
		 l2 = wbm_tlb_entries(g, 2, WBM_4K);
	uint64_t ns[2] = { 4 * (l1 ? l1 : 64), 4 * (l2 ? l2 : 1024) };
	double rate[2];
	uint32_t *order = malloc(ns[1] * sizeof(*order));
	const uint64_t target = 50000000;
	json_t *root = NULL, *runs = NULL;

	if (!order)
		return wb_error(WB_EXIT_MISSING, "out of memory");
	if (a->json) {
		root = json_object();
		runs = json_array();
		json_object_set_new(root, "geometry", json_string(label));
		json_object_set_new(root, "runs", runs);
	} else {
		printf("geometry: %s\n", label);
	}
	for (int k = 0; k < 2; k++) {
		uint64_t passes = target / ns[k] + 1, done = passes * ns[k];
		double best = 1e30;

		wbm_chase_order(ns[k], a->seed, order);
		for (int rep = 0; rep < 3; rep++) {
			double t0;

			wbm_tlb_flush(t);
			t0 = wb_now_s();
			wbm_tlb_run_chase(t, order, ns[k], WBM_4K, 0, passes);
			t0 = wb_now_s() - t0;
			if (t0 < best)
				best = t0;
		}
		rate[k] = (double)done / best;
		if (a->json)
			json_array_append_new(
				runs,
				json_pack("{s:s,s:I,s:I,s:f,s:s}", "pattern",
					  k ? "chase past L2" : "chase past L1",
					  "pages", (json_int_t)ns[k],
					  "translations", (json_int_t)done,
					  "translations_per_s", rate[k],
					  "statistic", "best of 3"));
		else
			printf("chase:%llu:4K (%s): %llu translations, %.1f M "
			       "translations/s (best of 3)\n",
			       (unsigned long long)ns[k],
			       k ? "walks" : "L1 misses, L2 hits",
			       (unsigned long long)done, rate[k] / 1e6);
	}
	free(order);
	double low = rate[0] < rate[1] ? rate[0] : rate[1];

	if (a->json) {
		json_object_set_new(root, "translations_per_s_min",
				    json_real(low));
		return wbm_cli_json(root);
	}
	printf("translations/s: %.0f\n", low);
	return WB_EXIT_OK;
}

static int run_trace(const struct tlb_args *a, struct wbm_tlb *t, int levels,
		     const char *label)
{
	FILE *f = fopen(a->trace, "r");
	struct wbm_tlb_stats st;
	char line[256];
	int n = 0;

	if (!f)
		return wb_error(WB_EXIT_USAGE,
				"model tlb: cannot read '%s': %s", a->trace,
				strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e, *ps;
		uint64_t va, size = WBM_4K;

		n++;
		if ((e = strchr(s, '#')))
			*e = 0;
		s[strcspn(s, "\r\n")] = 0;
		s += strspn(s, " \t");
		if (!*s)
			continue;
		ps = s + strcspn(s, " \t");
		if (*ps) {
			*ps++ = 0;
			ps += strspn(ps, " \t");
			ps[strcspn(ps, " \t")] = 0;
		}
		errno = 0;
		va = strtoull(s, &e, 0);
		if (errno || *e || (*ps && wb_parse_pagesize(ps, &size))) {
			fclose(f);
			return wb_error(WB_EXIT_USAGE,
					"model tlb: %s:%d: bad access '%s%s%s'",
					a->trace, n, s, *ps ? " " : "", ps);
		}
		wbm_tlb_access(t, va, wbm_tlb_size_bit(size));
	}
	fclose(f);
	wbm_tlb_stats(t, &st);
	if (a->json) {
		json_t *root = stats_json(&st, levels);

		json_object_set_new(root, "geometry", json_string(label));
		json_object_set_new(root, "trace", json_string(a->trace));
		return wbm_cli_json(root);
	}
	printf("geometry: %s\ntrace: %s, %llu accesses\n", label, a->trace,
	       (unsigned long long)st.accesses);
	stats_print(&st, levels);
	return WB_EXIT_OK;
}

static int run_sweep(const struct tlb_args *a, struct wbm_tlb *t,
		     const struct wbm_tlb_geom *g, uint64_t ps, int levels,
		     const char *label)
{
	uint64_t most = 0, max_pages, prev = 0;
	json_t *root = NULL, *pts = NULL, *knees = NULL;
	uint32_t *order;
	char sb[16], kb[32];

	for (int l = 1; l <= levels; l++)
		if (wbm_tlb_entries(g, l, ps) > most)
			most = wbm_tlb_entries(g, l, ps);
	if (!most)
		return wb_error(WB_EXIT_USAGE,
				"model tlb: no TLB level holds %s pages",
				wb_format_size(ps, sb, sizeof(sb)));
	max_pages = 8 * most;
	order = malloc(max_pages * sizeof(*order));
	if (!order)
		return wb_error(WB_EXIT_MISSING, "out of memory");
	if (a->json) {
		root = json_object();
		pts = json_array();
		knees = json_array();
		json_object_set_new(root, "geometry", json_string(label));
		json_object_set_new(root, "page_size", json_integer(ps));
		json_object_set_new(root, "points", pts);
		json_object_set_new(root, "knees", knees);
	} else {
		printf("geometry: %s\nchase over N pages of %s, %llu measured "
		       "passes\n%10s",
		       label, wb_format_size(ps, sb, sizeof(sb)),
		       (unsigned long long)a->passes, "pages");
		for (int l = 1; l <= levels; l++)
			printf("  L%d miss/acc", l);
		printf("  walks/acc\n");
	}
	for (int k = 0;; k++) {
		uint64_t n = (uint64_t)(__builtin_exp2(k / 4.0) + 0.5);
		struct wbm_tlb_stats st;

		if (n > max_pages)
			break;
		if (n == prev)
			continue;
		prev = n;
		wbm_chase_order(n, a->seed, order);
		wbm_tlb_flush(t);
		wbm_tlb_run_chase(t, order, n, ps, 2, a->passes);
		wbm_tlb_stats(t, &st);
		if (a->json) {
			json_t *p = stats_json(&st, levels);

			json_object_set_new(p, "pages", json_integer(n));
			json_array_append_new(pts, p);
			continue;
		}
		printf("%10llu", (unsigned long long)n);
		for (int l = 1; l <= levels; l++)
			printf("  %11.4f", wbm_tlb_miss_rate(&st, l));
		printf("  %9.4f\n", wbm_tlb_miss_rate(&st, 0));
	}
	for (int l = 1; l <= levels + 1; l++) {
		int lv = l > levels ? 0 : l, err;
		uint64_t knee;

		err = wbm_tlb_knee(t, order, max_pages, ps, lv, a->seed, &knee);
		if (err == -ENOENT)
			continue;
		if (a->json) {
			json_array_append_new(
				knees,
				json_pack(
					"{s:s,s:I,s:I}", "level",
					lv ? (lv == 1	? "L1"
					      : lv == 2 ? "L2"
							: "L3")
					   : "walk",
					"pages",
					(json_int_t)(err ? -1
							 : (json_int_t)knee),
					"bytes",
					(json_int_t)(err ? -1
							 : (json_int_t)(knee *
									ps))));
			continue;
		}
		if (err)
			printf("knee %s: none below %llu pages\n",
			       lv ? "level" : "walks",
			       (unsigned long long)max_pages);
		else if (lv)
			printf("knee L%d: %llu pages (%s)\n", lv,
			       (unsigned long long)knee,
			       wb_format_size(knee * ps, kb, sizeof(kb)));
		else
			printf("knee walks: %llu pages (%s): beyond this "
			       "every level misses\n",
			       (unsigned long long)knee,
			       wb_format_size(knee * ps, kb, sizeof(kb)));
	}
	free(order);
	return a->json ? wbm_cli_json(root) : WB_EXIT_OK;
}

static int run_pattern(const struct tlb_args *a, struct wbm_tlb *t, uint64_t n,
		       uint64_t ps, int levels, const char *label)
{
	struct wbm_tlb_stats st;
	uint32_t *order = malloc(n * sizeof(*order));
	char sb[16];

	if (!order)
		return wb_error(WB_EXIT_MISSING, "out of memory");
	wbm_chase_order(n, a->seed, order);
	wbm_tlb_run_chase(t, order, n, ps, 2, a->passes);
	free(order);
	wbm_tlb_stats(t, &st);
	if (a->json) {
		json_t *root = stats_json(&st, levels);

		json_object_set_new(root, "geometry", json_string(label));
		json_object_set_new(root, "pattern", json_string(a->pattern));
		return wbm_cli_json(root);
	}
	printf("geometry: %s\npattern: chase over %llu pages of %s, 2 "
	       "warm-up and %llu measured passes\n",
	       label, (unsigned long long)n, wb_format_size(ps, sb, sizeof(sb)),
	       (unsigned long long)a->passes);
	stats_print(&st, levels);
	return WB_EXIT_OK;
}

int wbm_model_tlb(int argc, char **argv)
{
	struct tlb_args a = { .passes = 4, .seed = 1 };
	struct wbm_tlb_geom g;
	struct wbm_tlb *t;
	uint64_t n = 0, ps = 0;
	char label[320];
	struct wb_opt_parse p = { .t = &tlb_table, .dst = &a };
	int err = wb_opt_parse(&p, argc, argv);

	if (err || p.help)
		return err;
	if (a.cpu && a.geometry)
		return wb_error(WB_EXIT_USAGE,
				"model tlb: --cpu and --geometry exclude each "
				"other");
	if (a.pattern && a.trace)
		return wb_error(WB_EXIT_USAGE,
				"model tlb: give one of --pattern or --trace");
	if (a.arch.arch) {
		enum wbm_arch arch;
		uint64_t granule;

		err = wbm_cli_arch_parse("tlb", &a.arch, &arch);
		if (!err && arch == WBM_ARCH_ARM64)
			err = wbm_cli_granule("tlb", &a.arch, 0, &granule);
		if (err)
			return err;
		if (arch == WBM_ARCH_ARM64 && granule != WBM_4K)
			return wb_error(
				WB_EXIT_USAGE,
				"model tlb: --granule %s: the CPU table "
				"and the simulator hold the 4K "
				"granule's sizes only",
				a.arch.granule);
	} else if (a.arch.granule) {
		return wb_error(WB_EXIT_USAGE,
				"model tlb: --granule needs --arch arm64");
	}
	if (a.pattern && parse_pattern(a.pattern, &n, &ps))
		return wb_opt_bad("model tlb", "--pattern", a.pattern,
				  "chase:N:PAGESIZE, N >= 1, PAGESIZE 4K, 2M "
				  "or 1G");
	if (a.sweep && !a.pattern)
		return wb_error(
			WB_EXIT_USAGE,
			"model tlb: --sweep needs --pattern chase:N:SIZE");
	err = pick_geometry(&a, &g, label, sizeof(label));
	if (err)
		return err;
	if (!a.bench && !a.pattern && !a.trace)
		return print_reach(&a, &g, label);
	err = wbm_tlb_new(&g, &t);
	if (err)
		return wb_error(
			err == -ENOMEM ? WB_EXIT_MISSING : WB_EXIT_USAGE,
			"model tlb: %s: inconsistent TLB geometry", label);
	if (a.bench)
		err = run_bench(&a, t, &g, label);
	else if (a.trace)
		err = run_trace(&a, t, max_level(&g), label);
	else if (a.sweep)
		err = run_sweep(&a, t, &g, ps, max_level(&g), label);
	else
		err = run_pattern(&a, t, n, ps, max_level(&g), label);
	wbm_tlb_free(t);
	return err;
}
