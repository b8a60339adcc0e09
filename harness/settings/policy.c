// SPDX-License-Identifier: MIT
/*
 * Huge-page policy candidates, the summaries and the recommendation.
 * Multi-size THP candidates are in policy_mthp.c, applying a policy in
 * policy_apply.c, running the command in policy_exec.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings/policy.h"
#include "settings/policy_set.h"
#include "check/stats.h"

struct wb_policy *wb_policy_set_add(struct wb_policy_set *s, const char *name,
				    const char *what)
{
	struct wb_policy *p;

	if (s->n == WB_POLICY_MAX)
		return NULL;
	p = &s->p[s->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->what, sizeof(p->what), "%s", what);
	return p;
}

void wb_policy_set_not_tried(struct wb_policy_set *s, const char *fmt,
			     const char *a, const char *b)
{
	if (s->n_not_tried == WB_POLICY_NOT_TRIED_MAX)
		return;
	snprintf(s->not_tried[s->n_not_tried++], sizeof(s->not_tried[0]), fmt,
		 a, b);
}

/* A system policy identical to the settings as found is "current". */
static bool same_as_found(const struct wb_policy_env *e, const char *enabled,
			  const char *defrag, const char *khd)
{
	return (!enabled || !strcmp(enabled, e->enabled)) &&
	       (!defrag || !strcmp(defrag, e->defrag)) &&
	       (!khd || !strcmp(khd, e->khugepaged_defrag));
}

static void add_system(struct wb_policy_set *s, const struct wb_policy_env *e,
		       const char *enabled, const char *defrag, const char *khd)
{
	char name[48], what[160];
	struct wb_policy *p;

	if (same_as_found(e, enabled, defrag, khd))
		return;
	for (int i = 0; i < s->n; i++) {
		const struct wb_policy_knobs *k = &s->p[i].knobs;
		const char *ke = k->enabled ? k->enabled : e->enabled;
		const char *kd = k->defrag ? k->defrag : e->defrag;
		const char *kk = k->khugepaged_defrag ? k->khugepaged_defrag
						      : e->khugepaged_defrag;

		if (s->p[i].system && !k->pool_2m_pages &&
		    !strcmp(ke, enabled ? enabled : e->enabled) &&
		    !strcmp(kd, defrag ? defrag : e->defrag) &&
		    !strcmp(kk, khd ? khd : e->khugepaged_defrag))
			return;
	}
	snprintf(name, sizeof(name), "thp=%s%s%s%s%s",
		 enabled ? enabled : e->enabled, defrag ? ",defrag=" : "",
		 defrag ? defrag : "", khd ? ",khugepaged_defrag=" : "",
		 khd ? khd : "");
	snprintf(what, sizeof(what),
		 "system: THP enabled=%s defrag=%s khugepaged/defrag=%s",
		 enabled ? enabled : e->enabled, defrag ? defrag : e->defrag,
		 khd ? khd : e->khugepaged_defrag);
	p = wb_policy_set_add(s, name, what);
	if (!p)
		return;
	p->system = true;
	p->knobs.enabled = enabled;
	p->knobs.defrag = defrag;
	p->knobs.khugepaged_defrag = khd;
}

int wb_policy_candidates(const struct wb_policy_env *e, struct wb_policy_set *s)
{
	static const char *const defrags[] = { "always", "defer+madvise",
					       "madvise" };
	struct wb_policy *p;
	char what[160];

	memset(s, 0, sizeof(*s));
	snprintf(what, sizeof(what),
		 "as found: THP enabled=%s defrag=%s, nothing changed",
		 e->enabled, e->defrag);
	wb_policy_set_add(s, "current", what);
	p = wb_policy_set_add(
		s, "process:thp-off",
		"per process: prctl(PR_SET_THP_DISABLE) before exec");
	p->thp_disable = true;
	if (e->shim_path) {
		p = wb_policy_set_add(
			s, "process:thp-advise",
			"per process: LD_PRELOAD shim madvise(MADV_HUGEPAGE) "
			"on "
			"anonymous mmaps >= 2 MiB, "
			"GLIBC_TUNABLES=glibc.malloc.hugetlb=1");
		p->shim = WB_SHIM_THP;
		if (!strcmp(e->enabled, "never"))
			wb_policy_set_not_tried(
				s,
				"%s: THP is 'never' system-wide, so advice "
				"has no effect%s",
				"process:thp-advise", "");
	} else {
		wb_policy_set_not_tried(
			s, "%s: %s", "process:thp-advise",
			"the LD_PRELOAD shim libwbthp.so is neither beside "
			"walkbench nor in its lib/walkbench");
	}
	wb_policy_set_not_tried(
		s, "%s: %s", "libhugetlbfs",
		"Debian's libhugetlbfs0 malloc (HUGETLB_MORECORE) needs "
		"glibc's __morecore hook, removed in glibc 2.34; "
		"glibc.malloc.hugetlb is used instead");
	if (!e->can_set) {
		wb_policy_set_not_tried(
			s, "%s: %s",
			"thp=never|madvise|always, defrag modes, khugepaged, "
			"hugetlb pool",
			"system settings need --allow-settings and root");
		if (e->n_mthp) {
			char names[96];

			wb_policy_mthp_names(e, names, sizeof(names));
			wb_policy_set_not_tried(
				s, "%s: %s", names,
				"per-size THP switches are system settings: "
				"they need --allow-settings and root");
		}
		return 0;
	}
	add_system(s, e, "never", NULL, NULL);
	add_system(s, e, "madvise", NULL, NULL);
	add_system(s, e, "always", NULL, NULL);
	for (size_t i = 0; i < sizeof(defrags) / sizeof(defrags[0]); i++)
		add_system(s, e, "always", defrags[i], NULL);
	if (!e->khugepaged_defrag[0])
		wb_policy_set_not_tried(s, "%s: %s", "khugepaged",
					WB_THP_DIR
					"/khugepaged/defrag is not readable");
	else
		add_system(s, e, "always", NULL,
			   strcmp(e->khugepaged_defrag, "0") ? "0" : "1");
	wb_policy_add_mthp(s, e);
	if (!e->have_2m_pool) {
		wb_policy_set_not_tried(s, "%s: %s", "hugetlb",
					"no 2 MiB hugetlb pool here");
	} else if (!e->peak_rss_bytes) {
		wb_policy_set_not_tried(s, "%s: %s", "hugetlb",
					"the probe run's peak RSS is unknown");
	} else {
		/* The pool holds the whole peak plus slack for rounding of
		 * each mapping to 2 MiB. */
		uint64_t pages =
			(e->peak_rss_bytes + (2u << 20) - 1) / (2u << 20) + 16;

		if (e->maps_hugetlb) {
			p = wb_policy_set_add(
				s, "hugetlb-pool",
				"system: 2 MiB hugetlb pool of the peak RSS "
				"for "
				"the command's own hugetlb mappings");
			p->system = true;
			p->knobs.pool_2m_pages = pages;
		} else {
			wb_policy_set_not_tried(
				s, "%s: %s", "hugetlb-pool",
				"the command maps no hugetlb pages itself "
				"(HugetlbPages stayed 0)");
		}
		if (e->shim_path) {
			p = wb_policy_set_add(
				s, "hugetlb-pool+preload",
				"system+process: 2 MiB pool of the peak RSS, "
				"shim MAP_HUGETLB on anonymous mmaps, "
				"glibc.malloc.hugetlb=2");
			p->system = true;
			p->shim = WB_SHIM_HUGETLB;
			p->knobs.pool_2m_pages = pages;
		}
	}
	return 0;
}

int wb_policy_field_kb(const char *text, const char *field, uint64_t *bytes)
{
	size_t n = strlen(field);

	for (const char *l = text; l && *l; l = strchr(l, '\n')) {
		unsigned long long kb;

		if (*l == '\n')
			l++;
		if (!strncmp(l, field, n) && l[n] == ':') {
			if (sscanf(l + n + 1, "%llu", &kb) != 1)
				return -EINVAL;
			*bytes = kb * 1024;
			return 0;
		}
	}
	return -ENOENT;
}

typedef double (*getter)(const struct wb_policy_sample *s);

static int median_of(const struct wb_policy_sample *runs, int n, getter g,
		     double *out)
{
	double v[n > 0 ? n : 1];
	int k = 0;

	for (int i = 0; i < n; i++)
		if (runs[i].ok)
			v[k++] = g(&runs[i]);
	return wb_median(v, (size_t)k, out);
}

#define GETTER(field)                                                          \
	static double get_##field(const struct wb_policy_sample *s)            \
	{                                                                      \
		return (double)s->field;                                       \
	}
GETTER(wall_s)
GETTER(maxrss_bytes)
GETTER(minflt)
GETTER(majflt)
GETTER(thp_fault_alloc)
GETTER(thp_fault_fallback)
GETTER(thp_collapse_alloc)
GETTER(thp_split_pmd)

int wb_policy_summarize(const struct wb_policy_sample *runs, int n,
			const double *base, int nbase, bool cpu,
			struct wb_policy_summary *out)
{
	return wb_policy_summarize_at(runs, n, base, nbase, cpu, 0.95, out);
}

int wb_policy_summarize_at(const struct wb_policy_sample *runs, int n,
			   const double *base, int nbase, bool cpu, double conf,
			   struct wb_policy_summary *out)
{
	double wall[n > 0 ? n : 1], cpus[n > 0 ? n : 1];
	double *metric = cpu ? cpus : wall;
	struct wb_mwu u;
	int err;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n; i++) {
		const struct wb_policy_sample *s = &runs[i];

		if (!s->ok) {
			out->failed++;
			continue;
		}
		cpus[out->ok] = s->cpu_s;
		wall[out->ok++] = s->wall_s;
		if (s->anon_huge_bytes > out->anon_huge_max_bytes)
			out->anon_huge_max_bytes = s->anon_huge_bytes;
		if (s->pte_bytes > out->pte_max_bytes)
			out->pte_max_bytes = s->pte_bytes;
		if (s->hugetlb_bytes > out->hugetlb_max_bytes)
			out->hugetlb_max_bytes = s->hugetlb_bytes;
	}
	if (!out->ok)
		return 0;
	err = wb_median(wall, (size_t)out->ok, &out->wall_median_s);
	if (!err)
		err = wb_quantile(wall, (size_t)out->ok, 0.25,
				  &out->wall_q25_s);
	if (!err)
		err = wb_quantile(wall, (size_t)out->ok, 0.75,
				  &out->wall_q75_s);
	if (!err)
		err = wb_median(cpus, (size_t)out->ok, &out->cpu_median_s);
	out->metric_median_s = cpu ? out->cpu_median_s : out->wall_median_s;
	if (!err)
		err = median_of(runs, n, get_maxrss_bytes,
				&out->maxrss_median_bytes);
	if (!err)
		err = median_of(runs, n, get_minflt, &out->minflt_median);
	if (!err)
		err = median_of(runs, n, get_majflt, &out->majflt_median);
	if (!err)
		err = median_of(runs, n, get_thp_fault_alloc,
				&out->thp_fault_alloc_median);
	if (!err)
		err = median_of(runs, n, get_thp_fault_fallback,
				&out->thp_fault_fallback_median);
	if (!err)
		err = median_of(runs, n, get_thp_collapse_alloc,
				&out->thp_collapse_alloc_median);
	if (!err)
		err = median_of(runs, n, get_thp_split_pmd,
				&out->thp_split_pmd_median);
	(void)get_wall_s;
	for (int m = 0; m < WB_MTHP_MAX && !err; m++) {
		double a[n > 0 ? n : 1], f[n > 0 ? n : 1];
		int k = 0;

		for (int i = 0; i < n; i++)
			if (runs[i].ok) {
				a[k] = (double)runs[i].mthp_alloc[m];
				f[k++] = (double)runs[i].mthp_fallback[m];
			}
		err = wb_median(a, (size_t)k, &out->mthp_alloc_median[m]);
		if (!err)
			err = wb_median(f, (size_t)k,
					&out->mthp_fallback_median[m]);
	}
	out->mem_bytes = out->maxrss_median_bytes +
			 (double)out->hugetlb_max_bytes;
	if (err || !base || nbase < 1)
		return err;
	err = wb_mann_whitney(metric, (size_t)out->ok, base, (size_t)nbase, &u);
	if (!err)
		err = wb_hodges_lehmann(base, (size_t)nbase, metric,
					(size_t)out->ok, conf, &out->shift_s,
					&out->shift_lo_s, &out->shift_hi_s,
					&out->conf);
	if (err)
		return err;
	{
		double bm;

		err = wb_median(base, (size_t)nbase, &bm);
		if (err)
			return err;
		out->speedup = bm / out->metric_median_s;
		out->speedup_lo = bm / (bm + out->shift_hi_s);
		out->speedup_hi = bm + out->shift_lo_s > 0
					  ? bm / (bm + out->shift_lo_s)
					  : INFINITY;
	}
	out->p_value = u.p;
	out->p_adj = u.p;
	out->has_cmp = true;
	return 0;
}

int wb_policy_recommend(const struct wb_policy_summary *sum, int n,
			struct wb_policy_reco *r)
{
	return wb_policy_recommend_at(sum, n, WB_POLICY_ALPHA, r);
}

int wb_policy_recommend_at(const struct wb_policy_summary *sum, int n,
			   double alpha, struct wb_policy_reco *r)
{
	const struct wb_policy_summary *c = &sum[0];
	double fastest = INFINITY;
	int best = 0;

	memset(r, 0, sizeof(*r));
	if (n < 1 || c->ok < 1)
		return -EINVAL;
	for (int i = 1; i < n; i++) {
		const struct wb_policy_summary *s = &sum[i];

		if (s->failed || !s->ok || !s->has_cmp || s->p_adj >= alpha ||
		    s->metric_median_s >= c->metric_median_s)
			continue;
		if (s->metric_median_s < fastest)
			fastest = s->metric_median_s;
	}
	if (isinf(fastest)) {
		for (int i = 1; i < n; i++) {
			const struct wb_policy_summary *s = &sum[i];

			if (s->failed || !s->ok || !s->has_cmp ||
			    s->metric_median_s >= c->metric_median_s)
				continue;
			if (!r->leading ||
			    s->metric_median_s <
				    sum[r->leading].metric_median_s)
				r->leading = i;
		}
		snprintf(r->reason, sizeof(r->reason),
			 "no policy was faster than the current one with "
			 "p < %.3g (Holm-adjusted) over the repetitions",
			 alpha);
		return 0;
	}
	for (int i = 1; i < n; i++) {
		const struct wb_policy_summary *s = &sum[i];

		if (s->failed || !s->ok || !s->has_cmp || s->p_adj >= alpha ||
		    s->metric_median_s > fastest * 1.02)
			continue;
		if (!best || s->mem_bytes < sum[best].mem_bytes)
			best = i;
	}
	r->best = best;
	r->significant = true;
	r->mem_delta_bytes = sum[best].mem_bytes - c->mem_bytes;
	r->bloat = r->mem_delta_bytes > WB_BLOAT_MIN_BYTES &&
		   r->mem_delta_bytes > WB_BLOAT_FRACTION * c->mem_bytes;
	snprintf(r->reason, sizeof(r->reason),
		 "fastest with p < %.3g (Holm-adjusted) against current; "
		 "among policies within 2%% of it, the smallest memory",
		 alpha);
	return 0;
}
