/* SPDX-License-Identifier: MIT */
/*
 * Checking results files (results/README.md) against their predictions:
 * every prediction item of every instance becomes one row; the checks
 * across instances the kernels declare (struct wb_xcheck: huge-page
 * speed-up sign, ordering by a parameter) add rows of their own.
 * Predictions a kernel declares as knees are measured on the curve of all
 * instances of the kernel with the same other parameters, with the knee
 * finder of detect.h.
 *
 * Each row gets one of four verdicts, and each says why: PASS and FAIL
 * when the numbers decide; INCONCLUSIVE when the source was measured but
 * does not decide (too few points, a knee the bootstrap does not agree
 * on, timings whose difference is not significant, an instance that
 * failed, a time read across instances whose processes fell into separate
 * modes: check/stability.h), with the numbers; NOT CHECKABLE HERE when the source does not
 * exist on this machine (no hardware PMU, an instance skipped for a
 * missing resource), naming the missing source.
 */
#ifndef WB_VALIDATE_H
#define WB_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

enum wb_verdict {
	WB_PASS,
	WB_FAIL,
	WB_INCONCLUSIVE,
	WB_NOT_CHECKABLE,
	WB_NVERDICTS
};

struct wb_vrow {
	char file[128];
	char kernel[48];
	char params[128];
	char quantity[64];
	bool has_pred, has_meas;
	double predicted, measured;
	char tol[48]; /* "exact", "rel 0.5", "knee 25%|step", ... */
	enum wb_verdict verdict;
	char why[320];
	char source[128]; /* WB_NOT_CHECKABLE: the missing source */
	/* a timing check across instances, decided over all of them in the
	 * file: one-sided p on the side the samples lie, whether that is
	 * the claimed side, the claim in words ("below", "above",
	 * "base +5%") */
	bool timed, toward;
	/* a timing comparison decided by its class (huge vs base, faster
	 * or the same): one more test of the family, with p 1 */
	bool counted;
	double p;
	size_t na, nb;
	char side[8], other[8], ref[24];
};

struct wb_vtable {
	struct wb_vrow *rows;
	size_t n, cap;
};

/* 0 when @root has the walkbench results structure, else -EINVAL with a
 * reason in why[] (no file name, no newline). */
int wb_validate_shape(json_t *root, char *why, size_t len);
/*
 * 0 when every fact and input of every instance of @root names where it
 * was read (fact_sources, input_sources: wb_source_valid()), else -EINVAL
 * with why[] naming the instance and the fact, or saying that the file
 * has no fact_sources at all (written before facts named their sources).
 */
int wb_validate_sources(json_t *root, char *why, size_t len);
/* Appends the rows of one loaded results file. */
int wb_validate_file(json_t *root, const char *file, struct wb_vtable *t);
void wb_vtable_free(struct wb_vtable *t);
/* "PASS", "FAIL", "INCONCLUSIVE", "NOT CHECKABLE HERE" */
const char *wb_verdict_name(enum wb_verdict v);

/*
 * Tolerance check: kind is exact, rel, abs, min, max or knee
 * (results/README.md); a knee is judged as rel here, validate widens it
 * to one sweep step. *pass gets the verdict; -EINVAL for an unknown kind.
 */
int wb_tol_check(const char *kind, double tol, double predicted,
		 double measured, bool *pass);

/* Relative slack of the cross-instance timing checks. */
#define WB_VALIDATE_TIME_SLACK 0.05
/* Level of the cross-instance timing checks, one-sided, for all of a
 * file's together (Holm's adjustment). */
#define WB_VALIDATE_ALPHA 0.05
/* A knee is judged only when at least this share of the bootstrap curves
 * put it at the same sweep point (struct wb_knee.confidence). */
#define WB_VALIDATE_KNEE_CONFIDENCE 0.5
/* A prediction that assumes coalesced PTEs (coalesced_pages) is judged
 * in a guest only when the host backed at least this share of the
 * guest's huge pages with huge pages in every process of the curve
 * (results/README.md "Host backing"): a coalesced entry maps contiguous
 * host-physical memory, which 4K host pages do not give. */
#define WB_VALIDATE_HOST_HUGE_SHARE 0.5

#endif
