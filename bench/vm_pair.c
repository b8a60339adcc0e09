// SPDX-License-Identifier: MIT
/*
 * walkbench vm pair NATIVE GUEST: per benchmark, the guest's median over
 * the native median, next to the model's worst-case walk references for
 * one translation natively (1D) and nested (2D). Only a hardware-assisted
 * guest on the same machine is paired: an emulated (TCG) guest's timings
 * say nothing about nested paging, so it is refused with that reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "model/model.h"
#include "vm.h"

static json_t *load(const char *path, json_t **wb)
{
	json_error_t e;
	json_t *r = json_load_file(path, 0, &e);

	*wb = NULL;
	if (!r)
		return NULL;
	*wb = json_object_get(json_object_get(r, "context"), "walkbench");
	if (!json_is_object(*wb)) {
		json_decref(r);
		return NULL;
	}
	return r;
}

static const char *env_str(json_t *env, const char *k)
{
	const char *s = json_string_value(json_object_get(env, k));

	return s ? s : "";
}

/* Why these two files cannot be paired, or NULL. */
static const char *refuse(json_t *nwb, json_t *gwb, char *why, size_t len)
{
	json_t *g = json_object_get(gwb, "guest");
	json_t *ne = json_object_get(nwb, "env");
	json_t *he = json_object_get(g, "host_env");

	if (json_object_get(nwb, "guest"))
		return "the native file comes from a guest";
	if (!json_is_object(g))
		return "the guest file has no context.walkbench.guest "
		       "(not written by walkbench vm run)";
	if (json_is_true(json_object_get(gwb, "emulated"))) {
		snprintf(why, len,
			 "the guest ran emulated (%s, accel %s): TCG timings "
			 "are not nested-paging costs; only its functional "
			 "facts are results",
			 json_is_null(json_object_get(g, "fallback_reason"))
				 ? "TCG was asked for"
				 : json_string_value(json_object_get(
					   g, "fallback_reason")),
			 env_str(g, "accel"));
		return why;
	}
	if (strcmp(env_str(ne, "model_name"), env_str(he, "model_name")) ||
	    json_integer_value(json_object_get(ne, "model")) !=
		    json_integer_value(json_object_get(he, "model"))) {
		snprintf(why, len,
			 "different machines: native '%s', guest's host '%s'",
			 env_str(ne, "model_name"), env_str(he, "model_name"));
		return why;
	}
	return NULL;
}

static uint64_t page_bytes(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "4K"))
		return 4096;
	if (!strcmp(s, "2M"))
		return 2ull << 20;
	if (!strcmp(s, "1G"))
		return 1ull << 30;
	return 0;
}

static json_t *median_of(json_t *root, const char *run)
{
	json_t *b;
	size_t i;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *a = json_string_value(
			json_object_get(b, "aggregate_name"));
		const char *n = json_string_value(
			json_object_get(b, "run_name"));

		if (a && n && !strcmp(a, "median") && !strcmp(n, run))
			return b;
	}
	return NULL;
}

static int levels_of(json_t *env)
{
	return json_is_true(json_object_get(env, "la57_active")) ? 5 : 4;
}

int vm_pair_files(const char *native, const char *guest)
{
	json_t *nwb = NULL, *gwb = NULL, *g = NULL, *b;
	json_t *n = load(native, &nwb);
	const char *no, *host_backing;
	char why[512];
	int paired = 0, lv[2];
	size_t i;

	if (!n)
		return wb_error(WB_EXIT_USAGE,
				"%s: not a walkbench results file", native);
	g = load(guest, &gwb);
	if (!g) {
		json_decref(n);
		return wb_error(WB_EXIT_USAGE,
				"%s: not a walkbench results file", guest);
	}
	no = refuse(nwb, gwb, why, sizeof(why));
	if (no) {
		json_decref(n);
		json_decref(g);
		return wb_error(WB_EXIT_USAGE, "vm pair refused: %s", no);
	}
	host_backing = json_string_value(
		json_object_get(json_object_get(gwb, "guest"), "host_backing"));
	lv[0] = levels_of(json_object_get(gwb, "env"));
	lv[1] = levels_of(
		json_object_get(json_object_get(gwb, "guest"), "host_env"));
	printf("%-48s %10s %10s %7s  %s\n", "benchmark (guest page/host page)",
	       "native ns", "guest ns", "ratio", "model refs 1D -> 2D");
	json_array_foreach(json_object_get(n, "benchmarks"), i, b) {
		const char *a = json_string_value(
			json_object_get(b, "aggregate_name"));
		const char *run = json_string_value(
			json_object_get(b, "run_name"));
		json_t *gb;
		double tn, tg;
		uint64_t pg, ps[2], r1 = 0, r2 = 0;

		if (!a || strcmp(a, "median") || !run)
			continue;
		gb = median_of(g, run);
		if (!gb)
			continue;
		tn = json_number_value(json_object_get(b, "real_time"));
		tg = json_number_value(json_object_get(gb, "real_time"));
		pg = page_bytes(json_string_value(json_object_get(
			json_object_get(b, "params"), "page_size")));
		ps[0] = pg ? pg : 4096;
		ps[1] = page_bytes(host_backing);
		if (!ps[1])
			ps[1] = 4096;
		wbm_walk_worst(lv, ps, 1, &r1);
		wbm_walk_worst(lv, ps, 2, &r2);
		printf("%-48s %10.3f %10.3f %7.2f  %" PRIu64 " -> %" PRIu64
		       "\n",
		       run, tn, tg, tn > 0 ? tg / tn : NAN, r1, r2);
		paired++;
	}
	json_decref(n);
	json_decref(g);
	if (!paired)
		return wb_error(WB_EXIT_USAGE,
				"vm pair: no benchmark is in both files");
	printf("(%d paired; guest %d-level over host %d-level paging, host "
	       "pages %s; ratio > 1: the guest pays more)\n",
	       paired, lv[0], lv[1], host_backing ? host_backing : "?");
	return 0;
}

/* One matrix cell against the 4K/4K cell: the geometric mean of the
 * median ratios, or for emulated cells only the functional facts. */
void vm_matrix_row(const char *base, const char *cell, const char *thp,
		   const char *host)
{
	json_t *bwb = NULL, *cwb = NULL, *b;
	json_t *br = load(base, &bwb), *cr = load(cell, &cwb);
	json_t *g = json_object_get(cwb, "guest");
	double logsum = 0;
	int n = 0, runs = 0, verified = 0;
	size_t i;

	if (!br || !cr)
		goto out;
	json_array_foreach(json_object_get(cr, "benchmarks"), i, b) {
		if (json_object_get(b, "aggregate_name"))
			continue;
		runs++;
		verified += json_is_true(
			json_object_get(b, "page_size_verified"));
	}
	printf("guest THP %-3s host %-2s: page sizes verified in %d of %d "
	       "runs, host backing %s",
	       thp, host, verified, runs,
	       json_is_true(json_object_get(g, "host_backing_verified"))
		       ? "verified"
		       : "NOT verified");
	if (json_is_true(json_object_get(cwb, "emulated")) ||
	    json_is_true(json_object_get(bwb, "emulated"))) {
		printf("; emulated (TCG): no timing ratios\n");
		goto out;
	}
	json_array_foreach(json_object_get(br, "benchmarks"), i, b) {
		const char *a = json_string_value(
			json_object_get(b, "aggregate_name"));
		const char *run = json_string_value(
			json_object_get(b, "run_name"));
		json_t *cb;
		double tb, tc;

		if (!a || strcmp(a, "median") || !run ||
		    !(cb = median_of(cr, run)))
			continue;
		tb = json_number_value(json_object_get(b, "real_time"));
		tc = json_number_value(json_object_get(cb, "real_time"));
		if (tb > 0 && tc > 0) {
			logsum += log(tc / tb);
			n++;
		}
	}
	if (n)
		printf("; time vs THP off/host 4K: x%.2f (geometric mean of "
		       "%d medians)\n",
		       exp(logsum / n), n);
	else
		printf("; no benchmark in common with the 4K/4K cell\n");
out:
	json_decref(br);
	json_decref(cr);
}
