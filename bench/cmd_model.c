// SPDX-License-Identifier: MIT
/*
 * walkbench model: the reference paging model from the command line.
 * Subverbs walk, footprint, fleet (here), vipt (cmd_model_vipt.c) and tlb
 * (cmd_model_tlb.c).
 * Every subverb takes --json; every number comes from harness/model.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_model.h"
#include "opt.h"
#include "model/cpu.h"
#include "model/pt.h"
#include "model/pwc.h"
#include "model/walk.h"
#include "core/parse.h"

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
			*out = NULL;
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
				*out = NULL;
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

struct walk_cli {
	double pwc[6], ntlb;
	uint32_t pwc_sizes[6];
	const char *trace;
	struct wbm_cli_arch arch;
	bool json;
};

static int opt_pwc(void *dst, const char *arg)
{
	return parse_pwc(arg, dst);
}

static int opt_pwc_sizes(void *dst, const char *arg)
{
	return parse_pwc_sizes(arg, dst);
}

static const struct wb_opt walk_options[] = {
	{ WB_CALL("--pwc", struct walk_cli, pwc, opt_pwc), .arg = "LIST",
	  .want = "Lj=RATE,... with j 2-5 and RATE in [0,1]",
	  .help = "paging-structure cache hit rate per level, applied to every "
		  "layer, e.g. L4=0.99,L3=0.95,L2=0.6 (adds the expected "
		  "cost)" },
	{ WB_DOUBLE("--ntlb", struct walk_cli, ntlb, 0, 1), .arg = "RATE",
	  .want = "a rate in [0,1]",
	  .help = "nested TLB hit rate for each layer's addresses" },
	{ WB_CALL("--pwc-sizes", struct walk_cli, pwc_sizes, opt_pwc_sizes),
	  .arg = "Lj=N,...", .want = "Lj=N,... with j 2-5 and N <= 256",
	  .help = "simulate LRU paging-structure caches of N entries per level "
		  "on the addresses of --trace; the hit rates found apply to "
		  "the first layer" },
	{ WB_STR("--trace", struct walk_cli, trace), .arg = "FILE",
	  .help = "addresses for --pwc-sizes, one per line, each a walk" },
	{ WB_STR("--arch", struct walk_cli, arch.arch), .arg = "x86_64|arm64",
	  .help = "the architecture of every layer (default x86_64); with "
		  "arm64 two layers are stage 1 and stage 2" },
	{ WB_STR("--granule", struct walk_cli, arch.granule), .arg = "G[,G...]",
	  .help = "arm64 translation granule, 4K (default), 16K or 64K; a list "
		  "gives one per layer (4K,64K)" },
	{ WB_STR("--va-bits", struct walk_cli, arch.va_bits), .arg = "N[,N...]",
	  .help = "arm64 input address bits per layer; by default the "
		  "smallest size with LEVELS levels (52 only where its "
		  "blocks are asked for)" },
	{ WB_FLAG("--json", struct walk_cli, json),
	  .help = "print the results as JSON" },
	{ NULL },
};

static const struct wb_opt_table walk_table = {
	.cmd = "model walk",
	.usage = "walkbench model walk LAYER... [--pwc Lj=RATE,...] [--ntlb "
		 "RATE]\n"
		 "                      [--pwc-sizes Lj=N,... --trace FILE] "
		 "[--json]\n"
		 "                      [--arch arm64 [--granule G[,G...]] "
		 "[--va-bits N[,N...]]]",
	.about = "Memory references for one translation through the layers, "
		 "guest first.\nLAYER is LEVELS:PAGESIZE, LEVELS 4 or 5, "
		 "PAGESIZE 4K, 2M or 1G.\nWith --arch arm64 LEVELS and "
		 "PAGESIZE follow the granule: 4K granule 3, 4 or 5\nlevels "
		 "with 4K, 2M, 1G (512G at 52 bits); 16K 2, 3 or 4 levels with "
		 "16K, 32M\n(64G at 52 bits); 64K 2 or 3 levels with 64K, "
		 "512M (4T at 52 bits).\n",
	.opts = walk_options,
	.epilog = "The last line is the worst case, prod(d_i + 1) - 1 with d_i "
		  "each layer's\nleaf depth: 'model walk 4:4K 4:4K' ends with "
		  "24, and so does\n'model walk --arch arm64 --granule 4K 4:4K "
		  "4:4K' (stage 1 over stage 2).\n",
	.flags = WB_OPTS_EQUALS,
	.min_args = 1,
	.max_args = WBM_MAX_LAYERS,
	.needs = "at least one LAYER (e.g. 4:4K 4:4K)",
};

/* An arm64 LAYER: LEVELS:PAGESIZE checked against the layer's granule. */
static int parse_arm64_layer(const struct walk_cli *c, int i, const char *tok,
			     struct wbm_layer *l, struct wbm_regime *r)
{
	char buf[64], *colon, sizes[160], leaves[64], gb[16];
	uint64_t granule;
	int va, err = wbm_cli_granule("walk", &c->arch, i, &granule);

	if (!err)
		err = wbm_cli_va_bits("walk", &c->arch, i, &va);
	if (err)
		return err;
	if (strlen(tok) < sizeof(buf)) {
		strcpy(buf, tok);
		colon = strchr(buf, ':');
		if (colon) {
			*colon = 0;
			if (!wb_parse_int(buf, &l->levels) &&
			    !wb_parse_size(colon + 1, &l->page_size) &&
			    !wbm_cli_arm64_layer(granule, va, l->levels,
						 l->page_size, r)) {
				l->regime = r;
				return 0;
			}
		}
	}
	wbm_cli_arm64_sizes(granule, sizes, sizeof(sizes));
	wbm_regime_arm64(granule, 48, r);
	wbm_cli_leaves(r, leaves, sizeof(leaves));
	snprintf(buf, sizeof(buf), "the %s granule",
		 wb_format_size(granule, gb, sizeof(gb)));
	return wb_error(WB_EXIT_USAGE,
			"model walk: bad layer '%s' (want LEVELS:PAGESIZE for "
			"%s: VA bits %s; pages and blocks %s at 48 bits%s)",
			tok, buf, sizes, leaves,
			va ? ", at the given --va-bits" : "");
}

static const char *layer_role(int i, int k, bool arm)
{
	if (k == 1)
		return "";
	if (i == 0)
		return arm ? " (stage 1)" : " (guest)";
	if (i == k - 1)
		return arm ? " (stage 2)" : " (host)";
	return " (middle)";
}

static int model_walk(int argc, char **argv)
{
	struct walk_cli c = { 0 };
	const char *layer_args[WBM_MAX_LAYERS];
	struct wb_opt_parse p = { .t = &walk_table,
				  .dst = &c,
				  .args = layer_args };
	const char *trace_path;
	struct wbm_pwc_result pr;
	int have_sizes;
	struct wbm_layer layers[WBM_MAX_LAYERS];
	struct wbm_regime reg[WBM_MAX_LAYERS];
	double ntlb, expected = 0;
	int k, json, have_pwc, depth[WBM_MAX_LAYERS];
	uint64_t sizes[WBM_MAX_LAYERS], worst;
	enum wbm_arch arch;
	bool arm;
	int err = wb_opt_parse(&p, argc, argv);

	if (err || p.help)
		return err;
	err = wbm_cli_arch_parse("walk", &c.arch, &arch);
	if (err)
		return err;
	arm = arch == WBM_ARCH_ARM64;
	if (arm && ((wbm_cli_list_len(c.arch.granule) > 1 &&
		     wbm_cli_list_len(c.arch.granule) != p.nargs) ||
		    (wbm_cli_list_len(c.arch.va_bits) > 1 &&
		     wbm_cli_list_len(c.arch.va_bits) != p.nargs)))
		return wb_error(WB_EXIT_USAGE,
				"model walk: --granule and --va-bits take one "
				"value, or one per layer (%d layers)",
				p.nargs);
	memset(layers, 0, sizeof(layers));
	for (k = 0; k < p.nargs; k++) {
		if (arm) {
			err = parse_arm64_layer(&c, k, layer_args[k],
						&layers[k], &reg[k]);
			if (err)
				return err;
			continue;
		}
		if (parse_layer(layer_args[k], &layers[k]))
			return wbm_cli_bad(
				"walk", "layer", layer_args[k],
				"want LEVELS:PAGESIZE, LEVELS 4 or 5, "
				"PAGESIZE 4K, 2M or 1G");
		wbm_regime_x86(layers[k].levels, &reg[k]);
	}
	trace_path = c.trace;
	ntlb = c.ntlb;
	json = c.json;
	have_pwc = wb_opt_given(&p, "--pwc") || wb_opt_given(&p, "--ntlb");
	have_sizes = wb_opt_given(&p, "--pwc-sizes");
	if (have_sizes != !!trace_path)
		return wb_error(WB_EXIT_USAGE,
				"model walk: --pwc-sizes and --trace go "
				"together");
	if (arm && trace_path)
		return wb_error(WB_EXIT_USAGE,
				"model walk: --pwc-sizes and --trace simulate "
				"x86-64 paging-structure caches only");
	if (trace_path) {
		uint64_t *tr;
		size_t tn;

		err = read_trace(trace_path, &tr, &tn);
		if (err)
			return err;
		err = wbm_pwc_trace(layers[0].levels, layers[0].page_size,
				    c.pwc_sizes, tr, tn, &pr);
		free(tr);
		if (err)
			return wb_error(WB_EXIT_USAGE, "model walk: bad layer");
		have_pwc = 1;
	}
	for (int i = 0; i < k; i++) {
		sizes[i] = layers[i].page_size;
		wbm_regime_leaf_depth(&reg[i], sizes[i], &depth[i]);
		memcpy(layers[i].pwc_hit, c.pwc, sizeof(c.pwc));
		if (i == 0 && trace_path)
			memcpy(layers[i].pwc_hit, pr.hit, sizeof(pr.hit));
		layers[i].ntlb_hit = ntlb;
	}
	if (wbm_walk_worst_regime(reg, sizes, k, &worst) ||
	    (have_pwc && wbm_walk_expected(layers, k, &expected)))
		return wb_error(WB_EXIT_USAGE, "model walk: bad layers");

	json_t *root = json ? json_object() : NULL, *jl = NULL;
	uint64_t gr = 0, hr = 0, seed = 0;

	if (json) {
		jl = json_array();
		json_object_set_new(root, "layers", jl);
		json_object_set_new(root, "arch",
				    json_string(arm ? "arm64" : "x86_64"));
	}
	for (int i = 0; i < k; i++) {
		int d = depth[i];
		char sb[16], desc[96];

		if (json) {
			json_t *o = json_pack("{s:i,s:I,s:i}", "levels",
					      reg[i].levels, "page_size",
					      (json_int_t)sizes[i],
					      "leaf_depth", d);

			if (arm) {
				json_object_set_new(
					o, "granule",
					json_integer(
						(json_int_t)reg[i].granule));
				json_object_set_new(
					o, "va_bits",
					json_integer(reg[i].va_bits));
			}
			json_array_append_new(jl, o);
			continue;
		}
		if (arm) {
			wbm_regime_describe(&reg[i], desc, sizeof(desc));
			printf("layer %d%s: %s, %s pages, leaf depth %d\n",
			       i + 1, layer_role(i, k, arm), desc,
			       wb_format_size(sizes[i], sb, sizeof(sb)), d);
			continue;
		}
		printf("layer %d%s: %d levels, %s pages, leaf depth %d\n",
		       i + 1, layer_role(i, k, arm), reg[i].levels,
		       wb_format_size(sizes[i], sb, sizeof(sb)), d);
	}
	if (k == 2) {
		gr = (uint64_t)depth[0];
		hr = (uint64_t)(depth[0] + 1) * (uint64_t)depth[1];
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
		printf(arm ? "stage-1 table reads %llu, stage-2 table reads "
			     "%llu (%llu stage-2 walks of %llu)\n"
			   : "guest-table reads %llu, host-table reads %llu "
			     "(%llu host walks of %llu)\n",
		       (unsigned long long)gr, (unsigned long long)hr,
		       (unsigned long long)gr + 1,
		       (unsigned long long)(hr / (gr + 1)));
		printf(arm ? "seed formula Lg x Ln + Ln = %llu: leaves out the "
			     "%llu stage-1 entry reads\n"
			   : "seed formula Lg x Ln + Ln = %llu: leaves out the "
			     "%llu guest-entry reads\n",
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

/* The regime a model answer is for, in its --json: arch, and for arm64
 * the granule and VA size. */
static void set_regime_json(json_t *root, bool arm,
			    const struct wbm_regime *reg)
{
	json_object_set_new(root, "arch",
			    json_string(arm ? "arm64" : "x86_64"));
	if (!arm)
		return;
	json_object_set_new(root, "granule",
			    json_integer((json_int_t)reg->granule));
	json_object_set_new(root, "va_bits", json_integer(reg->va_bits));
}

/* ---- footprint ----------------------------------------------------- */

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
	m->page_size = 0; /* the regime's granule (wbm_cli_fill_pages) */
	/* any size: the regime says which pages and blocks it has */
	if (parse_addr(a, &m->start) || wb_parse_size(b, &m->len) ||
	    (c && (wb_parse_size(c, &m->page_size) || !m->page_size)))
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

struct footprint_cli {
	struct maplist maps;
	int levels;
	struct wbm_cli_arch arch;
	bool json;
};

static int opt_map(void *dst, const char *arg)
{
	return add_map(dst, arg);
}

static int opt_file(void *dst, const char *arg)
{
	return read_maps(dst, arg);
}

static const struct wb_opt footprint_options[] = {
	{ WB_CALL("--map", struct footprint_cli, maps, opt_map),
	  .arg = "START:LENGTH[:PAGESIZE]",
	  .help = "START (hex 0x... or a size like 1G), LENGTH (a size), "
		  "PAGESIZE 4K (default), 2M or 1G; repeatable" },
	{ WB_CALL("--file", struct footprint_cli, maps, opt_file),
	  .arg = "FILE",
	  .help = "one mapping per line in the same form; '#' starts a "
		  "comment" },
	{ WB_INT("--levels", struct footprint_cli, levels, 4, 5), .arg = "4|5",
	  .want = "4 or 5", .help = "x86-64 paging levels (default 4)" },
	{ WB_STR("--arch", struct footprint_cli, arch.arch),
	  .arg = "x86_64|arm64", .help = "the architecture (default x86_64)" },
	{ WB_STR("--granule", struct footprint_cli, arch.granule),
	  .arg = "4K|16K|64K",
	  .help = "arm64 translation granule (default 4K); PAGESIZE then "
		  "defaults to it and may be any of its blocks" },
	{ WB_STR("--va-bits", struct footprint_cli, arch.va_bits), .arg = "N",
	  .help = "arm64 virtual address bits (default 48), which set the "
		  "levels" },
	{ WB_FLAG("--json", struct footprint_cli, json),
	  .help = "print the counts as JSON" },
	{ NULL },
};

static const struct wb_opt_table footprint_table = {
	.cmd = "model footprint",
	.usage = "walkbench model footprint (--map START:LENGTH[:PAGESIZE]... "
		 "|\n"
		 "                           --file FILE) [--levels 4|5] "
		 "[--json]\n"
		 "       walkbench model footprint --arch arm64 [--granule "
		 "4K|16K|64K] [--va-bits N] ...",
	.about = "Exact page-table pages per level for one address space, and "
		 "what Linux's VmPTE\nshows for it (PTE, PMD and PUD tables; "
		 "on arm64 each is one granule).\n",
	.opts = footprint_options,
	.epilog = "Overlapping or unaligned mappings are reported (exit 2), "
		  "never adjusted.\n",
	.flags = WB_OPTS_EQUALS,
};

static int model_footprint(int argc, char **argv)
{
	struct footprint_cli cli = { .levels = 4 };
	struct wb_opt_parse p = { .t = &footprint_table, .dst = &cli };
	struct maplist *l = &cli.maps;
	struct wbm_pt_count c;
	struct wbm_regime reg = { 0 };
	int levels, json, err;
	bool arm;

	l->m = malloc(MAX_MAPS * sizeof(*l->m));
	l->tok = calloc(MAX_MAPS, sizeof(*l->tok));
	if (!l->m || !l->tok) {
		free_maps(l);
		return wb_error(WB_EXIT_MISSING, "out of memory");
	}
	err = wb_opt_parse(&p, argc, argv);
	if (err || p.help) {
		free_maps(l);
		return err;
	}
	json = cli.json;
	if (cli.arch.arch && wb_opt_given(&p, "--levels") &&
	    strcmp(cli.arch.arch, "x86_64") && strcmp(cli.arch.arch, "x86-64"))
		err = wb_error(WB_EXIT_USAGE,
			       "model footprint: --levels is for x86-64; arm64 "
			       "takes --va-bits");
	if (!err)
		err = wbm_cli_regime("footprint", &cli.arch, 0, cli.levels,
				     &reg);
	levels = reg.levels;
	arm = reg.arch == WBM_ARCH_ARM64;
	if (!err && !l->n)
		err = wb_error(WB_EXIT_USAGE,
			       "model footprint: no mapping (--map or --file)");
	for (size_t i = 0; !err && i < l->n; i++)
		if (!l->m[i].page_size)
			l->m[i].page_size = reg.granule;
	if (!err) {
		size_t bad, other;
		enum wbm_map_err why;

		err = wbm_maps_check_regime(l->m, l->n, &reg, &bad, &other,
					    &why);
		if (err == -ENOMEM)
			err = wb_error(WB_EXIT_MISSING, "out of memory");
		else if (err && why == WBM_MAP_OVERLAP)
			err = wb_error(WB_EXIT_USAGE,
				       "model footprint: mapping '%s' overlaps "
				       "mapping '%s'",
				       l->tok[bad], l->tok[other]);
		else if (err)
			err = wbm_cli_bad("footprint", "mapping", l->tok[bad],
					  wbm_map_err_str(why));
	}
	if (!err && wbm_pt_count_regime(l->m, l->n, &reg, &c))
		err = wb_error(WB_EXIT_MISSING, "out of memory");
	if (err) {
		free_maps(l);
		return err;
	}
	if (json) {
		json_t *root = json_object(), *t = json_object();

		for (int lv = 1; lv <= levels; lv++)
			json_object_set_new(t, level_name(lv, levels),
					    json_integer(c.tables[lv]));
		json_object_set_new(root, "levels", json_integer(levels));
		set_regime_json(root, arm, &reg);
		json_object_set_new(root, "mappings", json_integer(l->n));
		json_object_set_new(root, "tables", t);
		json_object_set_new(root, "total_bytes",
				    json_integer(c.total_bytes));
		json_object_set_new(root, "vmpte_bytes",
				    json_integer(c.vmpte_bytes));
		free_maps(l);
		return wbm_cli_json(root);
	}
	if (arm) {
		char desc[96];

		wbm_regime_describe(&reg, desc, sizeof(desc));
		printf("%zu mapping(s), %s\n", l->n, desc);
	} else {
		printf("%zu mapping(s), %d-level paging\n", l->n, levels);
	}
	for (int lv = 1; lv <= levels; lv++) {
		if (arm)
			printf("level %d (%s, Arm level %d) tables: %llu\n", lv,
			       level_name(lv, levels),
			       wbm_cli_arm_level(&reg, lv),
			       (unsigned long long)c.tables[lv]);
		else
			printf("level %d (%s) tables: %llu\n", lv,
			       level_name(lv, levels),
			       (unsigned long long)c.tables[lv]);
	}
	printf("total bytes: %llu\n", (unsigned long long)c.total_bytes);
	printf("VmPTE bytes: %llu (%llu kB)\n",
	       (unsigned long long)c.vmpte_bytes,
	       (unsigned long long)c.vmpte_bytes >> 10);
	free_maps(l);
	return WB_EXIT_OK;
}

/* ---- fleet --------------------------------------------------------- */

struct fleet_cli {
	struct wbm_fleet_spec s;
	struct wbm_cli_arch arch;
	bool json, share_tables, pmd_share;
};

static const struct wb_opt fleet_options[] = {
	{ WB_U64("--procs", struct fleet_cli, s.procs, 1, 0x1p64),
	  .help = "processes (needed)" },
	{ WB_SIZE("--private", struct fleet_cli, s.private_bytes, 0),
	  .help = "each process's private mapping (needed)" },
	{ WB_SIZE("--shared", struct fleet_cli, s.shared_bytes, 0),
	  .help = "the one object every process maps (needed)" },
	{ WB_SIZE("--phys", struct fleet_cli, s.phys_bytes, 0),
	  .help = "physical memory the inverted table covers in 4K frames "
		  "(needed)" },
	{ WB_INT("--levels", struct fleet_cli, s.levels, 4, 5), .arg = "4|5",
	  .want = "4 or 5", .help = "paging levels (default 4)" },
	{ WB_FLAG("--share-tables", struct fleet_cli, share_tables),
	  .help = "what-if: tables wholly inside the shared mapping exist once "
		  "(whole branches shared)" },
	{ WB_FLAG("--hugetlb-pmd-share", struct fleet_cli, pmd_share),
	  .help = "Linux hugetlb PMD sharing (needs --shared-page 2M)" },
	{ WB_SIZE("--private-page", struct fleet_cli, s.private_page, 1),
	  .arg = "PS",
	  .help = "page size of the private mapping: 4K (default), 2M or 1G; "
		  "on arm64 the granule (default) or one of its blocks" },
	{ WB_SIZE("--shared-page", struct fleet_cli, s.shared_page, 1),
	  .arg = "PS",
	  .help = "page size of the shared object, as --private-page" },
	{ WB_STR("--arch", struct fleet_cli, arch.arch), .arg = "x86_64|arm64",
	  .help = "the architecture (default x86_64)" },
	{ WB_STR("--granule", struct fleet_cli, arch.granule),
	  .arg = "4K|16K|64K",
	  .help = "arm64 translation granule (default 4K); the inverted table "
		  "then has one entry per frame of the granule" },
	{ WB_STR("--va-bits", struct fleet_cli, arch.va_bits), .arg = "N",
	  .help = "arm64 virtual address bits (default 48)" },
	{ WB_U64("--ipt-entry", struct fleet_cli, s.ipt_entry_bytes, 1, 0x1p64),
	  .arg = "BYTES",
	  .help = "inverted-table entry size (default 16: tag + chain)" },
	{ WB_FLAG("--json", struct fleet_cli, json),
	  .help = "print the totals as JSON" },
	{ NULL },
};

static const struct wb_opt_table fleet_table = {
	.cmd = "model fleet",
	.usage = "walkbench model fleet --procs N --private SIZE --shared SIZE "
		 "--phys SIZE\n"
		 "         [--levels 4|5] [--share-tables | "
		 "--hugetlb-pmd-share]\n"
		 "         [--private-page PS] [--shared-page PS] [--ipt-entry "
		 "BYTES] [--json]\n"
		 "         [--arch arm64 [--granule 4K|16K|64K] [--va-bits N]]",
	.about = "Page-table bytes of N processes that each map SIZE privately "
		 "and one\nshared object, against an inverted page table for "
		 "--phys of 4K frames.\n",
	.opts = fleet_options,
	.flags = WB_OPTS_EQUALS,
};

static int model_fleet(int argc, char **argv)
{
	struct fleet_cli c = { .s = { .ipt_entry_bytes = 16, .levels = 4 } };
	struct wb_opt_parse p = { .t = &fleet_table, .dst = &c };
	struct wbm_fleet_spec s;
	struct wbm_fleet f;
	struct wbm_regime reg;
	char b1[32], b2[32], leaves[64];
	bool arm;
	int json, err = wb_opt_parse(&p, argc, argv);

	if (err || p.help)
		return err;
	err = wbm_cli_regime("fleet", &c.arch, 0, c.s.levels, &reg);
	if (err)
		return err;
	arm = reg.arch == WBM_ARCH_ARM64;
	if (arm && wb_opt_given(&p, "--levels"))
		return wb_error(WB_EXIT_USAGE,
				"model fleet: --levels is for x86-64; arm64 "
				"takes --va-bits");
	c.s.levels = reg.levels;
	c.s.regime = &reg;
	wbm_cli_leaves(&reg, leaves, sizeof(leaves));
	if (!c.s.private_page)
		c.s.private_page = reg.granule;
	if (!c.s.shared_page)
		c.s.shared_page = reg.granule;
	if (!wbm_regime_leaf_level(&reg, c.s.private_page))
		return wb_opt_bad(
			"model fleet", "--private-page",
			wb_format_size(c.s.private_page, b1, sizeof(b1)),
			leaves);
	if (!wbm_regime_leaf_level(&reg, c.s.shared_page))
		return wb_opt_bad(
			"model fleet", "--shared-page",
			wb_format_size(c.s.shared_page, b1, sizeof(b1)),
			leaves);
	if (!wb_opt_given(&p, "--procs") || !wb_opt_given(&p, "--private") ||
	    !wb_opt_given(&p, "--shared") || !wb_opt_given(&p, "--phys"))
		return wb_error(WB_EXIT_USAGE,
				"model fleet: --procs, --private, --shared and "
				"--phys are all needed");
	if (c.share_tables && c.pmd_share)
		return wb_error(WB_EXIT_USAGE,
				"model fleet: --share-tables and "
				"--hugetlb-pmd-share exclude each other");
	s = c.s;
	s.share = c.share_tables ? WBM_SHARE_BRANCHES
		  : c.pmd_share	 ? WBM_SHARE_HUGETLB_PMD
				 : s.share;
	json = c.json;
	if (s.share == WBM_SHARE_HUGETLB_PMD &&
	    s.shared_page != wbm_regime_entry_span(&reg, 2))
		return wb_error(WB_EXIT_USAGE,
				"model fleet: --hugetlb-pmd-share needs "
				"--shared-page %s",
				wb_format_size(wbm_regime_entry_span(&reg, 2),
					       b1, sizeof(b1)));
	if (s.share == WBM_SHARE_HUGETLB_PMD && arm &&
	    !(reg.granule == WBM_4K ||
	      (reg.granule == WBM_16K && reg.va_bits != 36)))
		return wb_error(
			WB_EXIT_USAGE,
			"model fleet: --hugetlb-pmd-share: Linux shares "
			"PMD tables on arm64 only with the 4K granule "
			"and the 16K granule above 36 bits");
	if (s.private_bytes % s.private_page)
		return wb_opt_bad(
			"model fleet", "--private",
			wb_format_size(s.private_bytes, b1, sizeof(b1)),
			"a multiple of --private-page");
	if (s.shared_bytes % s.shared_page)
		return wb_opt_bad(
			"model fleet", "--shared",
			wb_format_size(s.shared_bytes, b1, sizeof(b1)),
			"a multiple of --shared-page");
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
				"address space of %d bits",
				s.levels, reg.va_bits);
	if (json) {
		json_t *root = json_object(), *t = json_object();

		for (int lv = 1; lv <= s.levels; lv++)
			json_object_set_new(
				t, level_name(lv, s.levels),
				json_integer(f.per_proc.tables[lv]));
		json_object_set_new(root, "procs", json_integer(s.procs));
		json_object_set_new(root, "levels", json_integer(s.levels));
		set_regime_json(root, arm, &reg);
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
	if (arm) {
		char desc[96];

		wbm_regime_describe(&reg, desc, sizeof(desc));
		printf("%s\n", desc);
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
	printf("inverted table: %llu bytes (%s: %s of %lluK frames x %llu "
	       "B)\n",
	       (unsigned long long)f.ipt_bytes,
	       human(f.ipt_bytes, b1, sizeof(b1)),
	       human(s.phys_bytes, b2, sizeof(b2)),
	       (unsigned long long)(reg.granule >> 10),
	       (unsigned long long)s.ipt_entry_bytes);
	printf("break-even: %llu processes (hierarchical > inverted from "
	       "there on)\n",
	       (unsigned long long)f.breakeven_procs);
	printf("%s\n", f.hier_bytes > f.ipt_bytes
			       ? "inverted table is smaller"
			       : "hierarchical tables are smaller");
	return WB_EXIT_OK;
}

/* ---- dispatch ------------------------------------------------------ */

static const struct wb_command model_cmds[] = {
	{ "walk", model_walk,
	  "memory references per translation (2D, k layers)" },
	{ "footprint", model_footprint,
	  "page-table pages for a set of mappings" },
	{ "fleet", model_fleet, "tables of N processes vs an inverted table" },
	{ "vipt", wbm_model_vipt, "VIPT synonym check S x B <= P" },
	{ "tlb", wbm_model_tlb, "TLB simulator: misses, knees, --bench" },
	{ NULL },
};

static const struct wb_commands model_commands = {
	.cmd = "model",
	.usage = "walkbench model SUBVERB [ARGS] [--json]",
	.what = "subverb",
	.list = model_cmds,
	.epilog = "'walkbench model SUBVERB --help' describes one. Each takes "
		  "--arch arm64 with\n--granule 4K|16K|64K (and --va-bits N) "
		  "for arm64's translation regimes.\n",
};

int cmd_model(int argc, char **argv)
{
	return wb_dispatch(&model_commands, argc, argv);
}
