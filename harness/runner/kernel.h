/* SPDX-License-Identifier: MIT */
/*
 * The kernel descriptor: everything the harness needs to plan, run, check
 * and predict one kernel. A kernel file holds only its workload; pinning,
 * counters, timing, page-size verification and output are the harness's.
 *
 * Contract: setup() returns 0 or -errno and, when it refuses, says why with
 * wb_refuse() so the record carries a status and a reason. run() is the timed
 * region only and must not fail. check() collects OS-visible facts after the
 * timed runs. predict() never touches the system: it asks harness/model.
 */
#ifndef WB_KERNEL_H
#define WB_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define WB_MAX_PARAMS 8
#define WB_MAX_KV 48
#define WB_WHY_LEN 256

/* Requirements, checked by `list` and before a child is forked. */
enum wb_need {
	WB_NEED_ROOT = 1u << 0,
	WB_NEED_THP = 1u << 1,
	WB_NEED_HUGETLB_2M = 1u << 2,
	WB_NEED_HUGETLB_1G = 1u << 3,
	WB_NEED_2CPUS = 1u << 4,
	WB_NEED_KVM = 1u << 5,
	WB_NEED_LA57 = 1u << 6,
	WB_NEED_PAGEMAP_PFN = 1u << 7, /* PFNs in pagemap need CAP_SYS_ADMIN */
	/* layouts and predictions in 4K base pages: on arm64, the 4K
	 * translation granule (x86-64 has no other) */
	WB_NEED_4K_PAGES = 1u << 8,
	/* reads what only x86-64 has; `list` shows it does not run on arm64 */
	WB_NEED_X86_64 = 1u << 9,
};

/* Status of one instance; the values are the exit codes of ARCHITECTURE.md. */
enum wb_status {
	WB_OK = WB_EXIT_OK,
	WB_FAILED = WB_EXIT_FAILED,
	WB_BADINPUT = WB_EXIT_USAGE,
	WB_MISSING = WB_EXIT_MISSING,
	WB_SKIPPED = WB_EXIT_SKIPPED,
	WB_UNTRUSTED = WB_EXIT_UNTRUSTED,
	/* only the supervisor sets these */
	WB_CRASHED = 10,
	WB_TIMEOUT = 11,
	WB_OOM = 12,
};

/*
 * What the functional grid (runner/plan.h) keeps of a swept numeric
 * parameter. Every choice of a parameter with choices[] is kept: a page
 * size, a backing, a phase or a writer changes what is checked.
 */
enum wb_functional {
	/* the smallest and the largest value admit() keeps: the extremes
	 * of what the exact facts (page-table bytes, faults) depend on */
	WB_FUNC_ENDS,
	/* the smallest only: the parameter moves nothing but timings (a
	 * knee's position), which an emulated machine does not measure */
	WB_FUNC_LOWEST,
};

/*
 * A parameter. A run without an explicit value sweeps it: over choices[]
 * when given (page sizes), else over [lo, hi] (quick: [lo, quick_hi]) with
 * per_octave points per doubling, every power of two included. A parameter
 * with per_octave == 0 and no choices takes def (quick: quick).
 */
struct wb_param {
	const char *name;
	const char *unit; /* "pagesize" values print as "4K", "2M", "1G" */
	const char *help;
	uint64_t def, quick, min, max;
	uint64_t lo, hi, quick_hi;
	unsigned int per_octave, quick_per_octave;
	const uint64_t *choices; /* 0-terminated */
	/* the quick grid's subset of choices (0-terminated); NULL: all */
	const uint64_t *quick_choices;
	enum wb_functional functional; /* swept numeric parameters only */
	/*
	 * optional, for an enumerated parameter: the name of each value,
	 * indexed by value, NULL-terminated, "" for a value that is none.
	 * Names are what --param takes (a number still works), what
	 * instance names and the JSON params carry; lower case, no '/' or
	 * ':' (they are separators in instance names).
	 */
	const char *const *names;
};

struct wb_sysinfo; /* harness/core/env.h */
struct wb_journal; /* harness/settings/journal.h */

/* What one instance knows; owned by the harness, read by the kernel. */
struct wb_ctx {
	const struct wb_kernel *kernel;
	uint64_t param[WB_MAX_PARAMS]; /* in the order of kernel->params */
	int cpu; /* PU the measuring thread is pinned to, -1 if none */
	int cpu_other; /* a second PU for kernels that need one, -1 if none */
	bool quick;
	bool allow_settings; /* kernel may change sysfs through journal */
	unsigned int seed;
	uint64_t mem_limit_bytes; /* most a kernel may map */
	const struct wb_sysinfo *sys;
	struct wb_journal *journal;
	/* test-only: run this much extra work (percent) inside the timed
	 * region, so a test can inject a known slowdown (--test-delay-pct) */
	unsigned int test_delay_pct;
	enum wb_status status; /* set with wb_refuse() */
	char why[WB_WHY_LEN];
};

#define WB_SOURCE_LEN 48
#define WB_MAX_INPUTS 8

struct wb_kv {
	char name[48];
	double value;
	char source[WB_SOURCE_LEN]; /* wb_source_valid() */
};

/*
 * OS-visible facts a kernel's check() collected, named with units, each
 * with where it was read (results/README.md, "Fact sources"). Inputs are
 * what the model was given about the machine (cache geometry): recorded
 * with their source too, never compared with a prediction.
 */
struct wb_facts {
	struct wb_kv kv[WB_MAX_KV];
	int n;
	struct wb_kv input[WB_MAX_INPUTS];
	int ninput;
	bool page_size_verified;
	char page_size_how[64]; /* "pagemap+kpageflags", "smaps", ... */
	/* the page or folio size that was verified (bytes), 0 if the kernel
	 * does not say: the plots' page lists the sizes verified */
	uint64_t page_size_bytes;
	/* quantities that cannot be counted here, each with why; written to
	 * the instance's missing_metrics, never as a 0 that was not counted */
	struct {
		char name[48];
		char why[160];
	} uncounted[4];
	int nuncounted;
};

enum wb_tolerance {
	WB_TOL_EXACT, /* measured == predicted */
	WB_TOL_REL, /* |m - p| <= tol * |p| */
	WB_TOL_ABS, /* |m - p| <= tol */
	WB_TOL_MIN, /* m >= p */
	WB_TOL_MAX, /* m <= p */
	/* a knee on a swept curve: |m - p| <= tol * |p| or one sweep step at
	 * p, whichever is wider (validate knows the sweep, predict() not) */
	WB_TOL_KNEE,
};

struct wb_pred_item {
	char quantity[48]; /* a fact or counter name */
	double value;
	enum wb_tolerance tol_kind;
	double tol;
	char basis[96]; /* where the number comes from */
	/* the prediction assumes one TLB entry holds this many contiguous
	 * 4K pages (PTE coalescing over an mTHP folio); in a guest that
	 * takes host-physical contiguity too. 0 or 1: no such assumption */
	uint32_t coalesced_pages;
};

struct wb_prediction {
	struct wb_pred_item item[16];
	int n;
	char model[96]; /* e.g. the CPU row used */
};

/*
 * A check across instances (walkbench validate): what no instance's own
 * prediction can state, because it compares instances of the kernel. A
 * list of them ends with kind WB_XCHECK_END.
 */
enum wb_xcheck_kind {
	WB_XCHECK_END,
	/* @metric (a time) with @param other than @base must not exceed it
	 * with @param == @base and the @same parameters equal: huge pages
	 * are no slower than base pages */
	WB_XCHECK_HUGE_VS_BASE,
	/* @metric (a time) must not fall as @param grows: each instance
	 * against the one with the next smaller @param, @same equal */
	WB_XCHECK_ORDER_BY_PARAM,
	/* The prediction @row is knee number @knee (1 first, 2 second) of
	 * @metric on the curve over @param of the instances whose other
	 * parameters are equal. With @per_fact, @param is divided by that
	 * fact of each instance (bytes to pages of its page size) and the
	 * knee multiplied back. */
	WB_XCHECK_KNEE,
};

struct wb_xcheck {
	enum wb_xcheck_kind kind;
	const char *row; /* the quantity its rows carry */
	const char *metric; /* a benchmark field: "ns_per_access" */
	const char *param;
	const char *same[WB_MAX_PARAMS]; /* NULL-terminated */
	uint64_t base;
	int knee;
	const char *per_fact;
};

/*
 * A plot (walkbench plot) the kernel's results make: plots/<name>.gp draws
 * DIR/<name>.tsv into <name>.png and .svg. Kernels that declare the same
 * name share one plot, the first declaration in the kernel table wins. A
 * list of them ends with style WB_PLOT_END.
 */
enum wb_plot_style {
	WB_PLOT_END,
	/* @y over @x, one line per @series value, quartiles as error bars;
	 * knees detected on each line, and the predictions @marks drawn as
	 * vertical lines (files <name>_knees.tsv, <name>_model.tsv) */
	WB_PLOT_CURVE,
	/* one bar per file for each @x value, sorted by it; without @x, for
	 * each benchmark */
	WB_PLOT_BARS,
	/* @y of the instance whose @variant is @base over @y of each other
	 * variant with all other parameters equal, against @x */
	WB_PLOT_SPEEDUP,
	/* the fact @y against @x, measured and as predicted (the
	 * prediction of the same name) */
	WB_PLOT_FACT,
};

struct wb_plot_hint {
	enum wb_plot_style style;
	const char *name, *title, *caption;
	bool whole_suite; /* every benchmark of the kernel's suite */
	const char *x; /* a parameter */
	const char *xlabel; /* the x axis, before its unit */
	bool logx, logy; /* log2 axes */
	const char *series; /* a parameter: a line per value */
	const char *y; /* a benchmark field, for WB_PLOT_FACT a fact */
	const char *y_ns; /* where @y is absent: 1e9 / this field */
	/* facts of the instance: the faults of its timed work and the bytes
	 * they mapped; with both, bars of a time per fault (@y_ns) are drawn
	 * per MiB mapped as well, so that page sizes compare */
	const char *faults, *mapped_bytes;
	const char *variant; /* a parameter */
	uint64_t base;
	/* names of numbered parameters' values, indexed by value,
	 * NULL-terminated; a value past the end prints as a number */
	const char *const *series_names, *const *variant_names;
	const char *marks[2], *mark_names[2]; /* predictions, their labels */
};

struct wb_kernel {
	const char *name, *suite, *summary;
	const char *per_iteration; /* what one timed iteration is: "access" */
	const struct wb_param *params; /* terminated by a NULL name */
	unsigned int requires;
	/*
	 * optional: runs in the parent before the instance's child is
	 * forked, the only place a kernel may change system settings (THP
	 * mode, hugepage pools), through ctx->journal, which is NULL unless
	 * the user allowed settings changes. Changes last until the run
	 * ends, when the journal restores them. Refuse like setup().
	 */
	int (*prepare_system)(struct wb_ctx *ctx);
	int (*setup)(struct wb_ctx *ctx, void **state);
	/* optional, untimed, before each batch of @iterations */
	void (*prepare)(void *state, uint64_t iterations);
	void (*run)(void *state, uint64_t iterations);
	int (*check)(struct wb_ctx *ctx, void *state, struct wb_facts *facts);
	void (*teardown)(void *state);
	int (*predict)(const struct wb_ctx *ctx, struct wb_prediction *out);
	/* optional: fixed iteration count (0: Google Benchmark chooses) */
	uint64_t (*iterations)(const struct wb_ctx *ctx);
	/* optional: false drops a swept combination from the plan (a 2M
	 * sweep stops lower than a 4K one); explicit values are not asked */
	bool (*admit)(const struct wb_ctx *ctx);
	/* optional: bytes of memory the instance will touch, checked
	 * against what the machine has free before its child is forked */
	uint64_t (*footprint)(const struct wb_ctx *ctx);
	/* The timed loop faults or flushes TLB entries on every iteration:
	 * the counters that cost something per event (page-fault software
	 * events, tlb:tlb_flush) would add their own cost to the time, so
	 * the harness keeps them off while timing and counts them in one
	 * more, untimed batch (harness/counters/counters.h, "apart"). */
	bool faults_in_loop;
	/*
	 * optional: processes (passes) each instance gets at least in a
	 * sweep, where its verdicts compare instances whose processes spread
	 * more than three can place (harness/DESIGN.md, "Side by side").
	 * --passes or --reps given by the user win.
	 */
	unsigned int min_passes;
	/* optional: checks across instances, plots of the results */
	const struct wb_xcheck *xchecks;
	const struct wb_plot_hint *plots;
};

/* harness/runner/kernel.c */
extern const struct wb_kernel *const wb_kernels[];
/* true in the test build (build/walkbench-test), whose table adds the
 * test kernels; it takes the options for tests too */
extern const bool wb_test_build;
const struct wb_kernel *wb_kernel_find(const char *name);
/* true when @name is a kernel or a suite (what `run` and `vm run` take) */
bool wb_selector_valid(const char *name);
int wb_param_index(const struct wb_kernel *k, const char *name);
/* @k's huge-vs-base check (WB_XCHECK_HUGE_VS_BASE), or NULL: the plan
 * order, the undecided pairs and the table lines all ask it */
const struct wb_xcheck *wb_kernel_versus(const struct wb_kernel *k);
/* The name of value @v of @p, or NULL when @p names no such value. */
const char *wb_param_value_name(const struct wb_param *p, uint64_t v);
uint64_t wb_param(const struct wb_ctx *ctx, const char *name);

/* Records why an instance cannot be measured; returns -errno for chaining. */
int wb_refuse(struct wb_ctx *ctx, enum wb_status st, int err, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
/*
 * Make a MADV_HUGEPAGE region of this process get folios of @size (mTHP,
 * 8K..1M) first, as mem/mthp.h's wb_mthp_check() says: 0 when it already
 * does; else, with settings changes allowed and a journal (the parent's
 * prepare_system()), switch the sizes through the journal; else refuse
 * WB_MISSING naming the switches in the way, or the size this kernel does
 * not offer. The journal is restored after the instance.
 */
int wb_mthp_ready(struct wb_ctx *ctx, uint64_t size);
/*
 * Where a fact was read: one word of the vocabulary, or several joined by
 * '+' when one number combines them ("pagemap+kpageflags"). Words:
 * pagemap, kpageflags, smaps, status, vmstat, meminfo, interrupts,
 * perf:<event>, timing, cpuid, sysfs, experiment (results/README.md).
 */
bool wb_source_valid(const char *source);
/* -EINVAL for a source wb_source_valid() refuses, -ENOSPC when full. */
int wb_fact(struct wb_facts *f, const char *name, double value,
	    const char *source);
int wb_input(struct wb_facts *f, const char *name, double value,
	     const char *source);
/* @name is not counted on this machine, for @why (arm64 has no shootdown
 * IPIs to count). -ENOSPC when full, -EINVAL without a reason. */
int wb_fact_uncounted(struct wb_facts *f, const char *name, const char *why);

/* A check()'s facts as one table: each row's name, value and source. */
struct wb_fact_row {
	const char *name;
	double value;
	const char *source;
};

/* wb_fact() for @n rows in order; the first error stops it. */
int wb_facts_add(struct wb_facts *f, const struct wb_fact_row *rows, size_t n);
#define WB_FACTS_ADD(f, rows)                                                  \
	wb_facts_add((f), (rows), sizeof(rows) / sizeof((rows)[0]))
int wb_predict(struct wb_prediction *p, const char *quantity, double value,
	       enum wb_tolerance kind, double tol, const char *basis);

#endif
