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

#include "core/error.h"
#include "vm.h"
#include "results/canon.h"
#include "results/vm_pairing.h"

static json_t *load(const char *path, json_t **wb)
{
	json_error_t e;
	json_t *r = json_load_file(path, 0, &e);

	/* a guest and a native file pair by names, old ones by numbers */
	if (r)
		wb_results_canonical(r);
	*wb = r ? wb_pair_wb(r) : NULL;
	if (r && !*wb) {
		json_decref(r);
		return NULL;
	}
	return r;
}

int vm_pair_files(const char *native, const char *guest)
{
	json_t *nwb = NULL, *gwb = NULL, *g = NULL;
	json_t *n = load(native, &nwb);
	const char *no;
	struct wb_pair p;
	char why[512];
	int rc = 0;

	if (!n)
		return wb_error(WB_EXIT_USAGE,
				"%s: not a walkbench results file", native);
	g = load(guest, &gwb);
	if (!g) {
		json_decref(n);
		return wb_error(WB_EXIT_USAGE,
				"%s: not a walkbench results file", guest);
	}
	no = wb_pair_refuse(nwb, gwb, why, sizeof(why));
	if (no) {
		rc = wb_error(WB_EXIT_USAGE, "vm pair refused: %s", no);
		goto out;
	}
	if (wb_pair_compute(n, g, &p)) {
		rc = wb_error(WB_EXIT_FAILED, "vm pair: out of memory");
		goto out;
	}
	if (!p.n) {
		rc = wb_error(WB_EXIT_USAGE,
			      "vm pair: no benchmark is in both files");
		wb_pair_free(&p);
		goto out;
	}
	printf("%-48s %10s %10s %7s  %s\n", "benchmark (guest page/host page)",
	       "native ns", "guest ns", "ratio", "model refs 1D -> 2D");
	for (size_t i = 0; i < p.n; i++) {
		const struct wb_pair_row *r = &p.rows[i];

		printf("%-48s %10.3f %10.3f %7.2f  %" PRIu64 " -> %" PRIu64
		       "\n",
		       r->run, r->native_ns, r->guest_ns, r->ratio, r->ref1d,
		       r->ref2d);
	}
	printf("(%zu paired; guest %d-level over host %d-level paging, host "
	       "pages %s; ratio > 1: the guest pays more)\n",
	       p.n, p.levels[0], p.levels[1],
	       p.host_backing ? p.host_backing : "?");
	wb_pair_free(&p);
out:
	json_decref(n);
	json_decref(g);
	return rc;
}

/* One matrix cell against the 4K/4K cell: the geometric mean of the
 * median ratios, or for emulated cells only the functional facts. */
void vm_matrix_row(const char *base, const char *cell, const char *thp,
		   const char *host)
{
	json_t *bwb = NULL, *cwb = NULL, *b;
	json_t *br = load(base, &bwb), *cr = load(cell, &cwb);
	json_t *g = json_object_get(cwb, "guest");
	struct wb_pair p;
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
	if (wb_pair_compute(br, cr, &p)) {
		printf("; out of memory\n");
		goto out;
	}
	for (size_t k = 0; k < p.n; k++)
		if (p.rows[k].native_ns > 0 && p.rows[k].guest_ns > 0) {
			logsum += log(p.rows[k].ratio);
			n++;
		}
	wb_pair_free(&p);
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
