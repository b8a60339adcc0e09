// SPDX-License-Identifier: MIT
/*
 * walkbench model: the reference paging model from the command line.
 * Subverbs walk, footprint, fleet, vipt (here) and tlb (cmd_model_tlb.c).
 * Every subverb takes --json; every number comes from harness/model.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_model.h"
#include "model/cpu.h"
#include "model/pt.h"
#include "model/pwc.h"
#include "model/vipt.h"
#include "model/walk.h"
#include "core/parse.h"

int wbm_cli_opt(int argc, char **argv, int *i, const char *name,
		const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n])
		return 0;
	if (*i + 1 >= argc) {
		wb_error(WB_EXIT_USAGE, "option '%s' needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

int wbm_cli_json(json_t *root)
{
	if (!root)
		return wb_error(WB_EXIT_MISSING, "out of memory");
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	putchar('\n');
	json_decref(root);
	return WB_EXIT_OK;
}

int wbm_cli_bad(const char *sub, const char *what, const char *tok,
		const char *why)
{
	return wb_error(WB_EXIT_USAGE, "model %s: bad %s '%s' (%s)", sub, what,
			tok, why);
}

static const char *human(uint64_t b, char *buf, size_t len)
{
	static const char *const u[] = { "B",	"KiB", "MiB", "GiB",
					 "TiB", "PiB", "EiB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1024.0 && i < 6)
		v /= 1024.0, i++;
	snprintf(buf, len, i ? "%.2f %s" : "%.0f %s", v, u[i]);
	return buf;
}

/* ---- walk ---------------------------------------------------------- */

static const char walk_help[] =
	"usage: walkbench model walk LAYER... [--pwc Lj=RATE,...] "
	"[--ntlb RATE] [--json]\n"
	"Memory references for one translation through the layers, guest "
	"first.\n"
	"  LAYER        LEVELS:PAGESIZE, LEVELS 4 or 5, PAGESIZE 4K, 2M or "
	"1G\n"
	"  --pwc LIST   paging-structure cache hit rate per level, applied to "
	"every\n"
	"               layer, e.g. L4=0.99,L3=0.95,L2=0.6 (adds the expected "
	"cost)\n"
	"  --ntlb RATE  nested TLB hit rate for each layer's addresses\n"
	"  --pwc-sizes Lj=N,... --trace FILE\n"
	"               simulate LRU paging-structure caches of N entries per "
	"level\n"
	"               on the addresses in FILE (one per line, each a walk); "
	"the\n"
	"               hit rates found apply to the first layer\n"
	"The last line is the worst case, prod(d_i + 1) - 1 with d_i each "
	"layer's\nleaf depth: 'model walk 4:4K 4:4K' ends with 24.\n";

static int parse_layer(const char *tok, struct wbm_layer *l)
{
	char buf[64], *colon;
	int d;

	if (strlen(tok) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, tok);
	colon = strchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = 0;
	if (wb_parse_int(buf, &l->levels) ||
	    wb_parse_pagesize(colon + 1, &l->page_size))
		return -EINVAL;
	return wbm_leaf_depth(l->levels, l->page_size, &d);
}

/*
 * "L2=V,L3=V,...": one value per paging level 2..5. @count: whole numbers
 * up to @max (cache entries); otherwise fractions in [0, @max] (hit rates).
 */
static int parse_levels(const char *s, bool count, double max, double *out)
{
	char buf[128], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t n;
		int lvl;
		double v;

		if (tok[0] != 'L' || !eq)
			return -EINVAL;
		*eq = 0;
		if (wb_parse_int(tok + 1, &lvl) || lvl < 2 || lvl > 5)
			return -EINVAL;
		if (count) {
			if (wb_parse_u64(eq + 1, &n) || (double)n > max)
				return -EINVAL;
			v = (double)n;
		} else if (wb_parse_double(eq + 1, &v) || v < 0 || v > max) {
			return -EINVAL;
		}
		out[lvl] = v;
	}
	return 0;
}

static int parse_pwc(const char *s, double *hit)
{
	return parse_levels(s, false, 1, hit);
}

static int parse_pwc_sizes(const char *s, uint32_t *entries)
{
	double v[6];
	int err;

	for (int l = 2; l <= 5; l++)
		v[l] = entries[l];
	err = parse_levels(s, true, WBM_PWC_MAX_ENTRIES, v);
	for (int l = 2; !err && l <= 5; l++)
		entries[l] = (uint32_t)v[l];
	return err;
}

/* Addresses, one per line (hex 0x... or decimal), '#' comments. */
static int read_trace(const char *path, uint64_t **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	char line[256];
	int ln = 0;

	*out = NULL;
	*n = 0;
	if (!f)
		return wb_error(WB_EXIT_USAGE,
				"model walk: cannot read '%s': %s", path,
				strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;
		uint64_t va;

		ln++;
		if ((e = strchr(s, '#')))
			*e = 0;
		s += strspn(s, " \t");
		s[strcspn(s, " \t\r\n")] = 0;
		if (!*s)
			continue;
		errno = 0;
		va = strtoull(s, &e, 0);
		if (errno || *e) {
			fclose(f);
			free(*out);
			return wb_error(WB_EXIT_USAGE,
					"model walk: %s:%d: bad address '%s'",
					path, ln, s);
		}
		if (*n == cap) {
			uint64_t *p;

			cap = cap ? 2 * cap : 4096;
			p = realloc(*out, cap * sizeof(*p));
			if (!p) {
				fclose(f);
				free(*out);
				return wb_error(WB_EXIT_MISSING,
						"out of memory");
			}
			*out = p;
		}
		(*out)[(*n)++] = va;
	}
	fclose(f);
	return 0;
}

static int model_walk(int argc, char **argv)
{
	uint32_t pwc_sizes[6] = { 0 };
	const char *trace_path = NULL;
	struct wbm_pwc_result pr;
	int have_sizes = 0;
	struct wbm_layer layers[WBM_MAX_LAYERS];
	double pwc[6] = { 0 }, ntlb = 0, expected = 0;
	int k = 0, json = 0, have_pwc = 0, levels[WBM_MAX_LAYERS];
	uint64_t sizes[WBM_MAX_LAYERS], worst;
	const char *v;

	if (wb_wants_help(argc, argv))
		return fputs(walk_help, stdout), WB_EXIT_OK;
	memset(layers, 0, sizeof(layers));
	for (int i = 1; i < argc; i++) {
		int r;

		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--pwc", &v))) {
			if (r < 0)
				return WB_EXIT_USAGE;
			if (parse_pwc(v, pwc))
				return wbm_cli_bad(
					"walk", "--pwc", v,
					"want Lj=RATE,... with j 2-5 "
					"and RATE in [0,1]");
			have_pwc = 1;
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--ntlb", &v))) {
			if (r < 0)
				return WB_EXIT_USAGE;
			if (wb_parse_double(v, &ntlb) || ntlb < 0 || ntlb > 1)
				return wbm_cli_bad("walk", "--ntlb", v,
						   "want a rate in [0,1]");
			have_pwc = 1;
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--pwc-sizes",
					    &v))) {
			if (r < 0)
				return WB_EXIT_USAGE;
			if (parse_pwc_sizes(v, pwc_sizes))
				return wbm_cli_bad("walk", "--pwc-sizes", v,
						   "want Lj=N,... with j 2-5 "
						   "and N <= 256");
			have_sizes = 1;
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--trace", &v))) {
			if (r < 0)
				return WB_EXIT_USAGE;
			trace_path = v;
		} else if (argv[i][0] == '-') {
			return wb_error(WB_EXIT_USAGE,
					"model walk: unknown option '%s'",
					argv[i]);
		} else {
			if (k == WBM_MAX_LAYERS)
				return wbm_cli_bad("walk", "layer", argv[i],
						   "at most 8 layers");
			if (parse_layer(argv[i], &layers[k]))
				return wbm_cli_bad(
					"walk", "layer", argv[i],
					"want LEVELS:PAGESIZE, LEVELS 4 or 5, "
					"PAGESIZE 4K, 2M or 1G");
			k++;
		}
	}
	if (!k)
		return wb_error(WB_EXIT_USAGE,
				"model walk: no LAYER given (e.g. 4:4K 4:4K)");
	if (have_sizes != !!trace_path)
		return wb_error(WB_EXIT_USAGE,
				"model walk: --pwc-sizes and --trace go "
				"together");
	if (trace_path) {
		uint64_t *tr;
		size_t tn;
		int err = read_trace(trace_path, &tr, &tn);

		if (err)
			return err;
		err = wbm_pwc_trace(layers[0].levels, layers[0].page_size,
				    pwc_sizes, tr, tn, &pr);
		free(tr);
		if (err)
			return wb_error(WB_EXIT_USAGE, "model walk: bad layer");
		have_pwc = 1;
	}
	for (int i = 0; i < k; i++) {
		levels[i] = layers[i].levels;
		sizes[i] = layers[i].page_size;
		memcpy(layers[i].pwc_hit, pwc, sizeof(pwc));
		if (i == 0 && trace_path)
			memcpy(layers[i].pwc_hit, pr.hit, sizeof(pr.hit));
		layers[i].ntlb_hit = ntlb;
	}
	if (wbm_walk_worst(levels, sizes, k, &worst) ||
	    (have_pwc && wbm_walk_expected(layers, k, &expected)))
		return wb_error(WB_EXIT_USAGE, "model walk: bad layers");

	json_t *root = json ? json_object() : NULL, *jl = NULL;
	uint64_t gr = 0, hr = 0, seed = 0;

	if (json) {
		jl = json_array();
		json_object_set_new(root, "layers", jl);
	}
	for (int i = 0; i < k; i++) {
		int d;
		char sb[16];

		wbm_leaf_depth(levels[i], sizes[i], &d);
		if (json) {
			json_array_append_new(
				jl,
				json_pack("{s:i,s:I,s:i}", "levels", levels[i],
					  "page_size", (json_int_t)sizes[i],
					  "leaf_depth", d));
			continue;
		}
		printf("layer %d%s: %d levels, %s pages, leaf depth %d\n",
		       i + 1,
		       k == 1	    ? ""
		       : i == 0	    ? " (guest)"
		       : i == k - 1 ? " (host)"
				    : " (middle)",
		       levels[i], wb_format_size(sizes[i], sb, sizeof(sb)), d);
	}
	if (k == 2) {
		wbm_walk_2d_split(levels[0], sizes[0], levels[1], sizes[1], &gr,
				  &hr);
		/* the seed's Lg x Ln + Ln, with each L the leaf depth */
		seed = gr * (hr / (gr + 1)) + hr / (gr + 1);
	}
	if (json) {
		json_object_set_new(root, "worst_refs", json_integer(worst));
		if (k == 2) {
			json_object_set_new(root, "guest_table_reads",
					    json_integer(gr));
			json_object_set_new(root, "host_table_reads",
					    json_integer(hr));
			json_object_set_new(root, "seed_formula_refs",
					    json_integer(seed));
		}
		if (have_pwc)
			json_object_set_new(root, "expected_refs",
					    json_real(expected));
		if (trace_path) {
			json_t *h = json_object();

			for (int j = 2; j <= layers[0].levels; j++)
				json_object_set_new(
					h,
					(const char *[]){ "", "", "L2", "L3",
							  "L4", "L5" }[j],
					json_real(pr.hit[j]));
			json_object_set_new(root, "trace_walks",
					    json_integer(pr.walks));
			json_object_set_new(root, "trace_pwc_hit", h);
			json_object_set_new(root, "trace_reads_per_walk",
					    json_real(pr.reads_per_walk));
		}
		return wbm_cli_json(root);
	}
	if (k == 2) {
		printf("guest-table reads %llu, host-table reads %llu "
		       "(%llu host walks of %llu)\n",
		       (unsigned long long)gr, (unsigned long long)hr,
		       (unsigned long long)gr + 1,
		       (unsigned long long)(hr / (gr + 1)));
		printf("seed formula Lg x Ln + Ln = %llu: leaves out the %llu "
		       "guest-entry reads\n",
		       (unsigned long long)seed, (unsigned long long)gr);
	}
	if (trace_path) {
		printf("trace: %llu walks, %.4f reads per walk in layer 1; PWC "
		       "hit rates",
		       (unsigned long long)pr.walks, pr.reads_per_walk);
		for (int j = 2; j <= layers[0].levels; j++)
			printf(" L%d %.4f", j, pr.hit[j]);
		putchar('\n');
	}
	if (have_pwc)
		printf("expected with PWC and nested TLB: %.4f\n", expected);
	printf("worst case prod(d_i + 1) - 1:\n%llu\n",
	       (unsigned long long)worst);
	return WB_EXIT_OK;
}

/* ---- footprint ----------------------------------------------------- */

static const char footprint_help[] =
	"usage: walkbench model footprint (--map START:LENGTH[:PAGESIZE]... | "
	"--file FILE) [--levels 4|5] [--json]\n"
	"Exact page-table pages per level for one address space.\n"
	"  --map M     START (hex 0x... or a size like 1G), LENGTH (a size), "
	"PAGESIZE\n"
	"              4K (default), 2M or 1G; repeatable\n"
	"  --file F    one mapping per line in the same form; '#' starts a "
	"comment\n"
	"Overlapping or unaligned mappings are reported (exit 2), never "
	"adjusted.\n";

#define MAX_MAPS 65536

struct maplist {
	struct wbm_map *m;
	char **tok;
	size_t n;
};

static int parse_addr(const char *s, uint64_t *out)
{
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!s[2])
			return -EINVAL;
		errno = 0;
		*out = strtoull(s + 2, &end, 16);
		return errno || *end ? -EINVAL : 0;
	}
	return wb_parse_size(s, out);
}

static int parse_map(const char *tok, struct wbm_map *m)
{
	char buf[128], *a, *b, *c;

	if (strlen(tok) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, tok);
	a = buf;
	b = strchr(a, ':');
	if (!b)
		return -EINVAL;
	*b++ = 0;
	c = strchr(b, ':');
	if (c)
		*c++ = 0;
	m->page_size = WBM_4K;
	if (parse_addr(a, &m->start) || wb_parse_size(b, &m->len) ||
	    (c && wb_parse_pagesize(c, &m->page_size)))
		return -EINVAL;
	return 0;
}

static int add_map(struct maplist *l, const char *tok)
{
	struct wbm_map m;

	if (parse_map(tok, &m))
		return wbm_cli_bad("footprint", "mapping", tok,
				   "want START:LENGTH[:PAGESIZE]");
	if (l->n == MAX_MAPS)
		return wbm_cli_bad("footprint", "mapping", tok,
				   "more than 65536 mappings");
	l->m[l->n] = m;
	l->tok[l->n] = strdup(tok);
	if (!l->tok[l->n])
		return wb_error(WB_EXIT_MISSING, "out of memory");
	l->n++;
	return 0;
}

static int read_maps(struct maplist *l, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int err = 0;

	if (!f)
		return wb_error(WB_EXIT_USAGE,
				"model footprint: cannot read '%s': %s", path,
				strerror(errno));
	while (!err && fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		if ((e = strchr(s, '#')))
			*e = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == ' ' ||
				 e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (*s)
			err = add_map(l, s);
	}
	fclose(f);
	return err;
}

static void free_maps(struct maplist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->tok[i]);
	free(l->tok);
	free(l->m);
}

static const char *const level_names[] = {
	"", "PTE", "PMD", "PUD", "P4D", "PGD"
};

static const char *level_name(int level, int levels)
{
	return level == levels ? "PGD" : level_names[level];
}

static int model_footprint(int argc, char **argv)
{
	struct maplist l = { 0 };
	struct wbm_pt_count c;
	int levels = 4, json = 0, err = 0;
	const char *v;

	if (wb_wants_help(argc, argv))
		return fputs(footprint_help, stdout), WB_EXIT_OK;
	l.m = malloc(MAX_MAPS * sizeof(*l.m));
	l.tok = calloc(MAX_MAPS, sizeof(*l.tok));
	if (!l.m || !l.tok) {
		free_maps(&l);
		return wb_error(WB_EXIT_MISSING, "out of memory");
	}
	for (int i = 1; i < argc && !err; i++) {
		int r;

		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--map", &v))) {
			err = r < 0 ? WB_EXIT_USAGE : add_map(&l, v);
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--file", &v))) {
			err = r < 0 ? WB_EXIT_USAGE : read_maps(&l, v);
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--levels", &v))) {
			if (r < 0)
				err = WB_EXIT_USAGE;
			else if (wb_parse_int(v, &levels) ||
				 (levels != 4 && levels != 5))
				err = wbm_cli_bad("footprint", "--levels", v,
						  "want 4 or 5");
		} else {
			err = wb_error(WB_EXIT_USAGE,
				       "model footprint: unknown argument '%s'",
				       argv[i]);
		}
	}
	if (!err && !l.n)
		err = wb_error(WB_EXIT_USAGE,
			       "model footprint: no mapping (--map or --file)");
	if (!err) {
		size_t bad, other;
		enum wbm_map_err why;

		err = wbm_maps_check(l.m, l.n, levels, &bad, &other, &why);
		if (err == -ENOMEM)
			err = wb_error(WB_EXIT_MISSING, "out of memory");
		else if (err && why == WBM_MAP_OVERLAP)
			err = wb_error(WB_EXIT_USAGE,
				       "model footprint: mapping '%s' overlaps "
				       "mapping '%s'",
				       l.tok[bad], l.tok[other]);
		else if (err)
			err = wbm_cli_bad("footprint", "mapping", l.tok[bad],
					  wbm_map_err_str(why));
	}
	if (!err && wbm_pt_count(l.m, l.n, levels, &c))
		err = wb_error(WB_EXIT_MISSING, "out of memory");
	if (err) {
		free_maps(&l);
		return err;
	}
	if (json) {
		json_t *root = json_object(), *t = json_object();

		for (int lv = 1; lv <= levels; lv++)
			json_object_set_new(t, level_name(lv, levels),
					    json_integer(c.tables[lv]));
		json_object_set_new(root, "levels", json_integer(levels));
		json_object_set_new(root, "mappings", json_integer(l.n));
		json_object_set_new(root, "tables", t);
		json_object_set_new(root, "total_bytes",
				    json_integer(c.total_bytes));
		json_object_set_new(root, "vmpte_bytes",
				    json_integer(c.vmpte_bytes));
		free_maps(&l);
		return wbm_cli_json(root);
	}
	printf("%zu mapping(s), %d-level paging\n", l.n, levels);
	for (int lv = 1; lv <= levels; lv++)
		printf("level %d (%s) tables: %llu\n", lv,
		       level_name(lv, levels),
		       (unsigned long long)c.tables[lv]);
	printf("total bytes: %llu\n", (unsigned long long)c.total_bytes);
	printf("VmPTE bytes: %llu (%llu kB)\n",
	       (unsigned long long)c.vmpte_bytes,
	       (unsigned long long)c.vmpte_bytes >> 10);
	free_maps(&l);
	return WB_EXIT_OK;
}

/* ---- fleet --------------------------------------------------------- */

static const char fleet_help[] =
	"usage: walkbench model fleet --procs N --private SIZE --shared SIZE "
	"--phys SIZE\n"
	"         [--levels 4|5] [--share-tables | --hugetlb-pmd-share]\n"
	"         [--private-page 4K] [--shared-page 4K] [--ipt-entry BYTES] "
	"[--json]\n"
	"Page-table bytes of N processes that each map SIZE privately and "
	"one\nshared object, against an inverted page table for --phys of "
	"4K frames.\n"
	"  --share-tables       what-if: tables wholly inside the shared "
	"mapping\n"
	"                       exist once (whole branches shared)\n"
	"  --hugetlb-pmd-share  Linux hugetlb PMD sharing (needs "
	"--shared-page 2M)\n"
	"  --ipt-entry BYTES    inverted-table entry size (default 16: "
	"tag + chain)\n";

static int size_opt(const char *sub, const char *name, const char *v,
		    uint64_t *out, int page)
{
	if (page ? wb_parse_pagesize(v, out) : wb_parse_size(v, out))
		return wbm_cli_bad(sub, name, v,
				   page ? "want 4K, 2M or 1G"
					: "want a size like 8G");
	return 0;
}

static int model_fleet(int argc, char **argv)
{
	struct wbm_fleet_spec s = { .private_page = WBM_4K,
				    .shared_page = WBM_4K,
				    .ipt_entry_bytes = 16,
				    .levels = 4 };
	int json = 0, err = 0, have = 0;
	struct wbm_fleet f;
	const char *v;
	char b1[32], b2[32];

	if (wb_wants_help(argc, argv))
		return fputs(fleet_help, stdout), WB_EXIT_OK;
	for (int i = 1; i < argc && !err; i++) {
		int r = 0;

		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--share-tables")) {
			s.share = WBM_SHARE_BRANCHES;
		} else if (!strcmp(argv[i], "--hugetlb-pmd-share")) {
			s.share = WBM_SHARE_HUGETLB_PMD;
		} else if ((r = wbm_cli_opt(argc, argv, &i, "--procs", &v)) >
			   0) {
			have |= 1;
			if (wb_parse_u64(v, &s.procs) || !s.procs)
				err = wbm_cli_bad("fleet", "--procs", v,
						  "want a count >= 1");
		} else if (!r && (r = wbm_cli_opt(argc, argv, &i, "--private",
						  &v)) > 0) {
			have |= 2;
			err = size_opt("fleet", "--private", v,
				       &s.private_bytes, 0);
		} else if (!r && (r = wbm_cli_opt(argc, argv, &i, "--shared",
						  &v)) > 0) {
			have |= 4;
			err = size_opt("fleet", "--shared", v, &s.shared_bytes,
				       0);
		} else if (!r && (r = wbm_cli_opt(argc, argv, &i, "--phys",
						  &v)) > 0) {
			have |= 8;
			err = size_opt("fleet", "--phys", v, &s.phys_bytes, 0);
		} else if (!r && (r = wbm_cli_opt(argc, argv, &i,
						  "--private-page", &v)) > 0) {
			err = size_opt("fleet", "--private-page", v,
				       &s.private_page, 1);
		} else if (!r && (r = wbm_cli_opt(argc, argv, &i,
						  "--shared-page", &v)) > 0) {
			err = size_opt("fleet", "--shared-page", v,
				       &s.shared_page, 1);
		} else if (!r && (r = wbm_cli_opt(argc, argv, &i, "--ipt-entry",
						  &v)) > 0) {
			if (wb_parse_u64(v, &s.ipt_entry_bytes) ||
			    !s.ipt_entry_bytes)
				err = wbm_cli_bad("fleet", "--ipt-entry", v,
						  "want bytes >= 1");
		} else if (!r && (r = wbm_cli_opt(argc, argv, &i, "--levels",
						  &v)) > 0) {
			if (wb_parse_int(v, &s.levels) ||
			    (s.levels != 4 && s.levels != 5))
				err = wbm_cli_bad("fleet", "--levels", v,
						  "want 4 or 5");
		} else if (r < 0) {
			err = WB_EXIT_USAGE;
		} else {
			err = wb_error(WB_EXIT_USAGE,
				       "model fleet: unknown argument '%s'",
				       argv[i]);
		}
	}
	if (err)
		return err;
	if (have != 15)
		return wb_error(WB_EXIT_USAGE,
				"model fleet: --procs, --private, --shared and "
				"--phys are all needed");
	if (s.share == WBM_SHARE_HUGETLB_PMD && s.shared_page != WBM_2M)
		return wb_error(WB_EXIT_USAGE,
				"model fleet: --hugetlb-pmd-share needs "
				"--shared-page 2M");
	if (s.private_bytes % s.private_page)
		return wbm_cli_bad(
			"fleet", "--private",
			wb_format_size(s.private_bytes, b1, sizeof(b1)),
			"not a multiple of --private-page");
	if (s.shared_bytes % s.shared_page)
		return wbm_cli_bad(
			"fleet", "--shared",
			wb_format_size(s.shared_bytes, b1, sizeof(b1)),
			"not a multiple of --shared-page");
	if (!s.private_bytes && !s.shared_bytes)
		return wb_error(
			WB_EXIT_USAGE,
			"model fleet: --private and --shared are both 0");
	err = wbm_fleet(&s, &f);
	if (err == -ERANGE)
		return wb_error(WB_EXIT_USAGE,
				"model fleet: totals overflow 64 bits");
	if (err)
		return wb_error(WB_EXIT_USAGE,
				"model fleet: mappings do not fit a %d-level "
				"address space",
				s.levels);
	if (json) {
		json_t *root = json_object(), *t = json_object();

		for (int lv = 1; lv <= s.levels; lv++)
			json_object_set_new(
				t, level_name(lv, s.levels),
				json_integer(f.per_proc.tables[lv]));
		json_object_set_new(root, "procs", json_integer(s.procs));
		json_object_set_new(root, "levels", json_integer(s.levels));
		json_object_set_new(
			root, "share",
			json_string(s.share == WBM_SHARE_BRANCHES ? "branches"
				    : s.share == WBM_SHARE_HUGETLB_PMD
					    ? "hugetlb_pmd"
					    : "none"));
		json_object_set_new(root, "tables_per_proc", t);
		json_object_set_new(root, "pt_bytes_per_proc",
				    json_integer(f.per_proc.total_bytes));
		json_object_set_new(root, "vmpte_bytes_per_proc",
				    json_integer(f.vmpte_bytes_per_proc));
		json_object_set_new(root, "shared_once_bytes",
				    json_integer(f.shared_once_bytes));
		json_object_set_new(root, "hier_bytes",
				    json_integer(f.hier_bytes));
		json_object_set_new(root, "ipt_bytes",
				    json_integer(f.ipt_bytes));
		json_object_set_new(root, "ipt_entry_bytes",
				    json_integer(s.ipt_entry_bytes));
		json_object_set_new(root, "breakeven_procs",
				    json_integer(f.breakeven_procs));
		json_object_set_new(root, "mapped_bytes",
				    json_integer(f.data_bytes));
		return wbm_cli_json(root);
	}
	printf("per process: %llu bytes of page tables (%s), VmPTE %llu "
	       "bytes\n",
	       (unsigned long long)f.per_proc.total_bytes,
	       human(f.per_proc.total_bytes, b1, sizeof(b1)),
	       (unsigned long long)f.vmpte_bytes_per_proc);
	printf("tables per process:");
	for (int lv = 1; lv <= s.levels; lv++)
		printf(" %s %llu", level_name(lv, s.levels),
		       (unsigned long long)f.per_proc.tables[lv]);
	putchar('\n');
	printf("tables shared once: %llu bytes\n",
	       (unsigned long long)f.shared_once_bytes);
	printf("hierarchical tables, %llu processes: %llu bytes (%s)\n",
	       (unsigned long long)s.procs, (unsigned long long)f.hier_bytes,
	       human(f.hier_bytes, b1, sizeof(b1)));
	printf("inverted table: %llu bytes (%s: %s of 4K frames x %llu B)\n",
	       (unsigned long long)f.ipt_bytes,
	       human(f.ipt_bytes, b1, sizeof(b1)),
	       human(s.phys_bytes, b2, sizeof(b2)),
	       (unsigned long long)s.ipt_entry_bytes);
	printf("break-even: %llu processes (hierarchical > inverted from "
	       "there on)\n",
	       (unsigned long long)f.breakeven_procs);
	printf("%s\n", f.hier_bytes > f.ipt_bytes
			       ? "inverted table is smaller"
			       : "hierarchical tables are smaller");
	return WB_EXIT_OK;
}

/* ---- vipt ---------------------------------------------------------- */

static const char vipt_help[] =
	"usage: walkbench model vipt (--size SIZE --ways N --line BYTES | "
	"--cpu NAME) [--page 4K] [--json]\n"
	"Checks S x B <= P for a virtually indexed, physically tagged cache "
	"(S sets,\nB-byte lines, P-byte pages): prints OK or VIOLATES; exit 1 "
	"when it violates.\n"
	"  --cpu NAME   take the L1D geometry from the CPU table\n";

static int model_vipt(int argc, char **argv)
{
	uint64_t size = 0, ways = 0, line = 0, page = WBM_4K;
	struct wbm_vipt r;
	struct wbm_cpu cpu;
	const char *v, *cpu_name = NULL;
	int json = 0, err = 0;

	if (wb_wants_help(argc, argv))
		return fputs(vipt_help, stdout), WB_EXIT_OK;
	for (int i = 1; i < argc && !err; i++) {
		int q = 0;

		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if ((q = wbm_cli_opt(argc, argv, &i, "--size", &v)) >
			   0) {
			err = size_opt("vipt", "--size", v, &size, 0);
		} else if (!q && (q = wbm_cli_opt(argc, argv, &i, "--ways",
						  &v)) > 0) {
			if (wb_parse_u64(v, &ways) || !ways)
				err = wbm_cli_bad("vipt", "--ways", v,
						  "want a count >= 1");
		} else if (!q && (q = wbm_cli_opt(argc, argv, &i, "--line",
						  &v)) > 0) {
			err = size_opt("vipt", "--line", v, &line, 0);
		} else if (!q && (q = wbm_cli_opt(argc, argv, &i, "--page",
						  &v)) > 0) {
			err = size_opt("vipt", "--page", v, &page, 1);
		} else if (!q &&
			   (q = wbm_cli_opt(argc, argv, &i, "--cpu", &v)) > 0) {
			cpu_name = v;
		} else if (q < 0) {
			err = WB_EXIT_USAGE;
		} else {
			err = wb_error(WB_EXIT_USAGE,
				       "model vipt: unknown argument '%s'",
				       argv[i]);
		}
	}
	if (err)
		return err;
	if (cpu_name) {
		if (wbm_cpu_by_name(cpu_name, &cpu))
			return wbm_cli_bad("vipt", "--cpu", cpu_name,
					   "not in the CPU table");
		size = size ? size : cpu.l1d_bytes;
		ways = ways ? ways : cpu.l1d_ways;
		line = line ? line : cpu.l1d_line;
	}
	if (!size || !ways || !line)
		return wb_error(WB_EXIT_USAGE,
				"model vipt: --size, --ways and --line (or "
				"--cpu) are needed");
	if (wbm_vipt_check(size, ways, line, page, &r))
		return wb_error(WB_EXIT_USAGE,
				"model vipt: no power-of-two set count for "
				"size %llu, %llu ways, %llu-byte lines",
				(unsigned long long)size,
				(unsigned long long)ways,
				(unsigned long long)line);
	if (json) {
		json_t *root = json_pack(
			"{s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:I}", "size",
			(json_int_t)size, "ways", (json_int_t)ways, "line",
			(json_int_t)line, "sets", (json_int_t)r.sets, "span",
			(json_int_t)r.span, "page", (json_int_t)page, "ok",
			r.ok, "colours", (json_int_t)r.colours);

		wbm_cli_json(root);
	} else {
		printf("%s: S=%llu sets, B=%llu, P=%llu: S x B = %llu %s "
		       "%llu%s\n",
		       r.ok ? "OK" : "VIOLATES", (unsigned long long)r.sets,
		       (unsigned long long)line, (unsigned long long)page,
		       (unsigned long long)r.span, r.ok ? "<=" : ">",
		       (unsigned long long)page,
		       r.ok ? "" : " (synonyms can sit in different sets)");
	}
	return r.ok ? WB_EXIT_OK : WB_EXIT_FAILED;
}

/* ---- dispatch ------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} subs[] = {
	{ "walk", model_walk,
	  "memory references per translation (2D, k layers)" },
	{ "footprint", model_footprint,
	  "page-table pages for a set of mappings" },
	{ "fleet", model_fleet, "tables of N processes vs an inverted table" },
	{ "vipt", model_vipt, "VIPT synonym check S x B <= P" },
	{ "tlb", wbm_model_tlb, "TLB simulator: misses, knees, --bench" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: walkbench model SUBVERB [ARGS] [--json]\n\n");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		fprintf(f, "  %-10s %s\n", subs[i].name, subs[i].help);
	fprintf(f, "\n'walkbench model SUBVERB --help' describes one.\n");
}

int cmd_model(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr), WB_EXIT_USAGE;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout), WB_EXIT_OK;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	return wb_error(WB_EXIT_USAGE, "model: unknown subverb '%s'", argv[1]);
}
