// SPDX-License-Identifier: MIT
/*
 * Huge-page policy candidates, applying them through the journal, and the
 * recommendation. Running the command is in policy_exec.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings/journal.h"
#include "settings/policy.h"
#include "check/stats.h"

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = 0;
	return 0;
}

/* The bracketed word of a choice list, or the whole trimmed value. */
static int read_word(const char *path, char *out, size_t len)
{
	char buf[256], *s, *e;
	int err = read_small(path, buf, sizeof(buf));

	if (err)
		return err;
	s = strchr(buf, '[');
	if (s) {
		e = strchr(++s, ']');
		if (!e)
			return -EINVAL;
	} else {
		s = buf;
		e = s + strcspn(s, " \n");
	}
	snprintf(out, len, "%.*s", (int)(e - s), s);
	return 0;
}

int wb_policy_env_read(struct wb_policy_env *e)
{
	char buf[32];
	int err;

	err = read_word(WB_THP_DIR "/enabled", e->enabled, sizeof(e->enabled));
	if (!err)
		err = read_word(WB_THP_DIR "/defrag", e->defrag,
				sizeof(e->defrag));
	if (err)
		return err;
	if (read_word(WB_THP_DIR "/khugepaged/defrag", e->khugepaged_defrag,
		      sizeof(e->khugepaged_defrag)))
		e->khugepaged_defrag[0] = 0;
	e->have_2m_pool = !read_word(WB_HUGETLB_2M_NR, buf, sizeof(buf));
	e->nr_2m = e->have_2m_pool ? strtoull(buf, NULL, 10) : 0;
	return 0;
}

static struct wb_policy *add(struct wb_policy_set *s, const char *name,
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

static void not_tried(struct wb_policy_set *s, const char *fmt, const char *a,
		      const char *b)
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
	p = add(s, name, what);
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
	add(s, "current", what);
	p = add(s, "process:thp-off",
		"per process: prctl(PR_SET_THP_DISABLE) before exec");
	p->thp_disable = true;
	if (e->shim_path) {
		p = add(s, "process:thp-advise",
			"per process: LD_PRELOAD shim madvise(MADV_HUGEPAGE) "
			"on "
			"anonymous mmaps >= 2 MiB, "
			"GLIBC_TUNABLES=glibc.malloc.hugetlb=1");
		p->shim = WB_SHIM_THP;
		if (!strcmp(e->enabled, "never"))
			not_tried(s,
				  "%s: THP is 'never' system-wide, so advice "
				  "has no effect%s",
				  "process:thp-advise", "");
	} else {
		not_tried(s, "%s: %s", "process:thp-advise",
			  "the LD_PRELOAD shim libwbthp.so is not built next "
			  "to walkbench");
	}
	not_tried(s, "%s: %s", "libhugetlbfs",
		  "Debian's libhugetlbfs0 malloc (HUGETLB_MORECORE) needs "
		  "glibc's __morecore hook, removed in glibc 2.34; "
		  "glibc.malloc.hugetlb is used instead");
	if (!e->can_set) {
		not_tried(s, "%s: %s",
			  "thp=never|madvise|always, defrag modes, khugepaged, "
			  "hugetlb pool",
			  "system settings need --allow-settings and root");
		return 0;
	}
	add_system(s, e, "never", NULL, NULL);
	add_system(s, e, "madvise", NULL, NULL);
	add_system(s, e, "always", NULL, NULL);
	for (size_t i = 0; i < sizeof(defrags) / sizeof(defrags[0]); i++)
		add_system(s, e, "always", defrags[i], NULL);
	if (!e->khugepaged_defrag[0])
		not_tried(s, "%s: %s", "khugepaged",
			  WB_THP_DIR "/khugepaged/defrag is not readable");
	else
		add_system(s, e, "always", NULL,
			   strcmp(e->khugepaged_defrag, "0") ? "0" : "1");
	if (!e->have_2m_pool) {
		not_tried(s, "%s: %s", "hugetlb", "no 2 MiB hugetlb pool here");
	} else if (!e->peak_rss_bytes) {
		not_tried(s, "%s: %s", "hugetlb",
			  "the probe run's peak RSS is unknown");
	} else {
		/* The pool holds the whole peak plus slack for rounding of
		 * each mapping to 2 MiB. */
		uint64_t pages =
			(e->peak_rss_bytes + (2u << 20) - 1) / (2u << 20) + 16;

		if (e->maps_hugetlb) {
			p = add(s, "hugetlb-pool",
				"system: 2 MiB hugetlb pool of the peak RSS "
				"for "
				"the command's own hugetlb mappings");
			p->system = true;
			p->knobs.pool_2m_pages = pages;
		} else {
			not_tried(s, "%s: %s", "hugetlb-pool",
				  "the command maps no hugetlb pages itself "
				  "(HugetlbPages stayed 0)");
		}
		if (e->shim_path) {
			p = add(s, "hugetlb-pool+preload",
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

static int set_word(struct wb_journal *j, const char *file, const char *want,
		    const char *found)
{
	if (!want || !strcmp(want, found))
		return 0;
	return wb_journal_set(j, file, want);
}

int wb_policy_apply(struct wb_journal *j, const struct wb_policy_env *e,
		    const struct wb_policy *p, uint64_t *got_pool)
{
	const struct wb_policy_knobs *k = &p->knobs;
	char buf[32];
	int err;

	*got_pool = 0;
	if (j) {
		err = wb_journal_restore(j);
		if (err)
			return err;
	}
	if (!p->system)
		return 0;
	if (!j)
		return -EPERM;
	err = set_word(j, WB_THP_DIR "/enabled", k->enabled, e->enabled);
	if (!err)
		err = set_word(j, WB_THP_DIR "/defrag", k->defrag, e->defrag);
	if (!err)
		err = set_word(j, WB_THP_DIR "/khugepaged/defrag",
			       k->khugepaged_defrag, e->khugepaged_defrag);
	if (!err && k->pool_2m_pages) {
		snprintf(buf, sizeof(buf), "%llu",
			 (unsigned long long)e->nr_2m +
				 (unsigned long long)k->pool_2m_pages);
		err = wb_journal_set(j, WB_HUGETLB_2M_NR, buf);
		/* The kernel grows the pool as far as free memory allows. */
		if (!err && !read_word(WB_HUGETLB_2M_NR, buf, sizeof(buf)))
			*got_pool = strtoull(buf, NULL, 10) - e->nr_2m;
	}
	return err;
}

int wb_policy_apply_text(const struct wb_policy *p,
			 const struct wb_policy_env *e, char *buf, size_t len)
{
	const struct wb_policy_knobs *k = &p->knobs;
	size_t o = 0;

#define PUT(...)                                                               \
	do {                                                                   \
		if (o < len)                                                   \
			o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__);  \
	} while (0)
	buf[0] = 0;
	if (!strcmp(p->name, "current"))
		PUT("nothing to change\n");
	if (k->enabled && strcmp(k->enabled, e->enabled))
		PUT("echo %s > " WB_THP_DIR "/enabled\n", k->enabled);
	if (k->defrag && strcmp(k->defrag, e->defrag))
		PUT("echo %s > " WB_THP_DIR "/defrag\n", k->defrag);
	if (k->khugepaged_defrag &&
	    strcmp(k->khugepaged_defrag, e->khugepaged_defrag))
		PUT("echo %s > " WB_THP_DIR "/khugepaged/defrag\n",
		    k->khugepaged_defrag);
	if (k->pool_2m_pages)
		PUT("echo %llu > " WB_HUGETLB_2M_NR
		    "   # or vm.nr_hugepages=%llu in /etc/sysctl.d/\n",
		    (unsigned long long)(e->nr_2m + k->pool_2m_pages),
		    (unsigned long long)e->nr_2m +
			    (unsigned long long)k->pool_2m_pages);
	if (p->thp_disable)
		PUT("prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) in the launcher "
		    "before exec (inherited by children)\n");
	if (p->shim == WB_SHIM_THP)
		PUT("LD_PRELOAD=%s WB_SHIM_MODE=thp "
		    "GLIBC_TUNABLES=glibc.malloc.hugetlb=1 COMMAND\n",
		    e->shim_path ? e->shim_path : "libwbthp.so");
	if (p->shim == WB_SHIM_HUGETLB)
		PUT("LD_PRELOAD=%s WB_SHIM_MODE=hugetlb "
		    "GLIBC_TUNABLES=glibc.malloc.hugetlb=2 COMMAND\n",
		    e->shim_path ? e->shim_path : "libwbthp.so");
	if (p->system && !k->pool_2m_pages)
		PUT("# boot-time equivalent: transparent_hugepage=%s on the "
		    "kernel command line\n",
		    k->enabled ? k->enabled : e->enabled);
#undef PUT
	return o < len ? 0 : -ENOSPC;
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
