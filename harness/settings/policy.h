/* SPDX-License-Identifier: MIT */
/*
 * Huge-page policies for a user's command: the candidates, running the
 * command once under one of them with its memory sampled while it runs,
 * and the recommendation drawn from the repetitions.
 *
 * A policy is either per-process (prctl before exec, an LD_PRELOAD shim,
 * glibc tunables: no privilege needed) or system-wide (THP sysfs switches,
 * the per-size switches of multi-size THP, a hugetlb pool: root and the
 * settings journal). System policies are always applied from the settings
 * as found: the journal is restored before the next one is set, so no two
 * policies mix.
 */
#ifndef WB_POLICY_H
#define WB_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "mem/mthp.h"

struct wb_journal;

#define WB_THP_DIR "/sys/kernel/mm/transparent_hugepage"
#define WB_HUGETLB_2M_NR                                                       \
	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

/* The system knobs a policy may set; NULL or "" leaves a knob as found. */
struct wb_policy_knobs {
	const char *enabled; /* THP enabled word */
	const char *defrag; /* THP defrag word */
	const char *khugepaged_defrag; /* "0" or "1" */
	uint64_t pool_2m_pages; /* added to nr_hugepages; 0 for none */
	/* the word of hugepages-<size>kB/enabled for each size the kernel
	 * offers, index i being wb_policy_env.mthp_size[i] */
	const char *mthp[WB_MTHP_MAX];
};

enum wb_shim_mode {
	WB_SHIM_NONE,
	WB_SHIM_THP,
	WB_SHIM_HUGETLB
};

struct wb_policy {
	char name[48];
	char what[288]; /* one line for the table's legend */
	bool system; /* needs --allow-settings and root */
	bool thp_disable; /* prctl(PR_SET_THP_DISABLE) before exec */
	enum wb_shim_mode shim;
	struct wb_policy_knobs knobs;
	/* the folio size a multi-size THP policy is about; 0 for others */
	uint64_t mthp_size;
};

/* What the candidates depend on: the settings as found and the means. */
struct wb_policy_env {
	char enabled[16], defrag[32], khugepaged_defrag[4];
	uint64_t nr_2m;
	bool have_2m_pool; /* the 2 MiB pool directory exists */
	bool can_set; /* --allow-settings and root */
	const char *shim_path; /* NULL when the shim is not built */
	bool maps_hugetlb; /* the probe run used hugetlb pages itself */
	uint64_t peak_rss_bytes; /* of the probe run, sizes the pool */
	/* multi-size THP (Linux 6.8+): the anonymous folio sizes offered,
	 * ascending, the PMD size included, and each one's enabled word as
	 * found; n_mthp is 0 on a kernel without per-size switches */
	uint64_t mthp_size[WB_MTHP_MAX];
	char mthp_mode[WB_MTHP_MAX][16];
	int n_mthp;
};

/* current, 2 per-process, 6 THP words, 7 mTHP sizes (16K..1M), 2 for the
 * PMD size's own switch, 2 hugetlb pools: 20, with room to spare */
#define WB_POLICY_MAX 32
#define WB_POLICY_NOT_TRIED_MAX 32

struct wb_policy_set {
	struct wb_policy p[WB_POLICY_MAX];
	int n;
	/* candidates that could not be tried here, with the reason */
	char not_tried[WB_POLICY_NOT_TRIED_MAX][200];
	int n_not_tried;
};

/* The candidates for @e; p[0] is always "current" (nothing changed). */
int wb_policy_candidates(const struct wb_policy_env *e,
			 struct wb_policy_set *s);

/* Read the THP words, khugepaged defrag, the per-size switches and the
 * 2 MiB pool into @e. */
int wb_policy_env_read(struct wb_policy_env *e);

/* Whether the system settings @e gives anonymous memory are those as
 * found in @found: the same top-level words, per-size words, pool. */
bool wb_policy_env_same(const struct wb_policy_env *e,
			const struct wb_policy_env *found);

/* The settings @e as they are with @p's system knobs in place (the pool
 * as asked). */
int wb_policy_env_with(const struct wb_policy_env *e, const struct wb_policy *p,
		       struct wb_policy_env *out);

/* One write to a system file that a policy needs, from the settings as
 * found. */
struct wb_policy_write {
	char path[128];
	char word[24];
};
#define WB_POLICY_WRITES_MAX (WB_MTHP_MAX + 4)

/*
 * The writes that put @p's system knobs in place over the settings as
 * found in @e, in the order they are made: top-level words, per-size
 * switches (the larger ones switched off first, so that no moment lets a
 * fault take a size the policy does not want), then the pool. Knobs equal
 * to what was found are left out. *n = 0 for a per-process policy.
 */
int wb_policy_writes(const struct wb_policy_env *e, const struct wb_policy *p,
		     struct wb_policy_write *w, int max, int *n);

/*
 * Put the system knobs of @p in place through @j, starting from the
 * settings as found (everything journaled so far is restored first).
 * @got_pool receives the 2 MiB pages the pool really grew by. -EPERM
 * without a journal when @p is a system policy.
 */
int wb_policy_apply(struct wb_journal *j, const struct wb_policy_env *e,
		    const struct wb_policy *p, uint64_t *got_pool);

/* The sysfs lines or commands that apply @p (one per line) into @buf. */
int wb_policy_apply_text(const struct wb_policy *p,
			 const struct wb_policy_env *e, char *buf, size_t len);

/* One run of the command. Sizes in bytes; counts are deltas. */
struct wb_policy_sample {
	bool ok; /* exited 0 */
	int exit_code; /* when exited; -1 otherwise */
	int signal; /* when killed by a signal */
	bool timed_out, exec_failed;
	int exec_errno;
	double wall_s;
	double cpu_s; /* user + system time, itself and descendants */
	uint64_t maxrss_bytes; /* wait4 ru_maxrss (itself and descendants) */
	uint64_t minflt, majflt;
	/* sampled from /proc while running, the command and its
	 * descendants summed, maximum over the samples */
	uint64_t anon_huge_bytes, pte_bytes, hugetlb_bytes;
	int samples;
	/* /proc/vmstat deltas around the run (system-wide) */
	uint64_t thp_fault_alloc, thp_fault_fallback, thp_collapse_alloc,
		thp_split_pmd;
	/* per-size stats deltas around the run (hugepages-<n>kB/stats/,
	 * system-wide), index i being wb_policy_exec.mthp_size[i] */
	uint64_t mthp_alloc[WB_MTHP_MAX], mthp_fallback[WB_MTHP_MAX];
	char stderr_tail[512];
};

struct wb_policy_exec {
	char *const *argv;
	const struct wb_policy *policy;
	const char *shim_path;
	double timeout_s;
	/* the folio sizes whose stats are read around the run */
	const uint64_t *mthp_size;
	int n_mthp;
};

/* Run the command once under @x->policy's per-process options. 0 when it
 * could be started and waited for (whatever it exited with), or -errno. */
int wb_policy_run_once(const struct wb_policy_exec *x,
		       struct wb_policy_sample *s);

/* The kB value of "@field:" in /proc-style text into bytes. -ENOENT when
 * the field is absent. */
int wb_policy_field_kb(const char *text, const char *field, uint64_t *bytes);

/* Per-policy summary over the successful repetitions. */
struct wb_policy_summary {
	int ok, failed;
	double wall_median_s, wall_q25_s, wall_q75_s, cpu_median_s;
	/* median of the compared metric (wall or CPU time) */
	double metric_median_s;
	double maxrss_median_bytes;
	/* memory the policy costs: peak RSS plus hugetlb pages in use (not
	 * in RSS); a caller may raise it to the reserved pool size */
	double mem_bytes;
	uint64_t anon_huge_max_bytes, pte_max_bytes, hugetlb_max_bytes;
	double minflt_median, majflt_median;
	double thp_fault_alloc_median, thp_fault_fallback_median,
		thp_collapse_alloc_median, thp_split_pmd_median;
	/* medians of the per-size stats deltas, as the samples index them */
	double mthp_alloc_median[WB_MTHP_MAX],
		mthp_fallback_median[WB_MTHP_MAX];
	/* against "current", in the compared metric: time ratio current/this, Mann-Whitney p, and
	 * the Hodges-Lehmann shift of the time (this - current) with its
	 * Moses interval; valid only when has_cmp */
	bool has_cmp;
	double speedup, p_value, shift_s, shift_lo_s, shift_hi_s, conf;
	/* the speed-up interval: current's median over (current's median +
	 * the shift's bounds); hi is INFINITY when the lower bound of the
	 * shift reaches minus current's median */
	double speedup_lo, speedup_hi;
	/* p adjusted for the family of policies compared (Holm); the
	 * summary of one policy alone sets it to p_value, and
	 * wb_policy_adjust() (policy_stop.h) to the family's */
	double p_adj;
};

/* @base: current's successful times in the compared metric (NULL for
 * current itself); @cpu: compare CPU time instead of wall time. The
 * time change's interval is at 95%. */
int wb_policy_summarize(const struct wb_policy_sample *runs, int n,
			const double *base, int nbase, bool cpu,
			struct wb_policy_summary *out);
/* The same with the interval at @conf: the level a sequence of looks
 * tests at (policy_stop.h). */
int wb_policy_summarize_at(const struct wb_policy_sample *runs, int n,
			   const double *base, int nbase, bool cpu, double conf,
			   struct wb_policy_summary *out);

/* The index of @size in @e's offered sizes, or -1. */
int wb_policy_mthp_index(const struct wb_policy_env *e, uint64_t size);

/*
 * Whether a multi-size THP policy's folio size was used, as one line into
 * @buf: "mthp-64K: 0 folios of 64K allocated ..." is a finding (the
 * command's memory never got that size), not an error. 1 when the median
 * run allocated some, 0 when none, -ENOENT for a policy about no size
 * (buf empty) or without a successful run.
 */
int wb_policy_mthp_finding(const struct wb_policy_env *e,
			   const struct wb_policy *p,
			   const struct wb_policy_summary *s, char *buf,
			   size_t len);

#define WB_POLICY_ALPHA 0.05
/* A policy costs memory when its mem_bytes grows by more than this
 * fraction of the current policy's, and by at least WB_BLOAT_MIN_BYTES. */
#define WB_BLOAT_FRACTION 0.10
#define WB_BLOAT_MIN_BYTES (4ull << 20)

struct wb_policy_reco {
	int best; /* index into the set; 0 (current) when nothing beats it */
	/* when best is 0: the policy with the lowest median that beat
	 * current's median without reaching p < alpha, else 0 */
	int leading;
	bool significant;
	double mem_delta_bytes; /* mem_bytes against current */
	bool bloat; /* the chosen one costs memory */
	char reason[256];
};

/*
 * Choose among @n summaries (index 0 = current): the fastest policy whose
 * metric_median_s beats current's with p_adj < WB_POLICY_ALPHA and whose
 * every run succeeded. Among policies within 2% of the fastest, the one with the
 * smallest peak RSS wins, so a tie is not settled in favour of bloat.
 * -EINVAL when current itself has no successful run.
 */
int wb_policy_recommend(const struct wb_policy_summary *sum, int n,
			struct wb_policy_reco *r);
/* The same at the level @alpha instead of WB_POLICY_ALPHA: the level per
 * look of a sequence of looks (policy_stop.h). */
int wb_policy_recommend_at(const struct wb_policy_summary *sum, int n,
			   double alpha, struct wb_policy_reco *r);

#endif
