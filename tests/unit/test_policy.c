// SPDX-License-Identifier: MIT
/* Policy candidates, /proc field parsing, summaries and the
 * recommendation, on synthetic runs: nothing here runs a command or
 * changes a setting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "settings/policy.h"
#include "settings/policy_stop.h"

#define MIB (1024.0 * 1024.0)

static const struct wb_policy_env found = {
	.enabled = "madvise",
	.defrag = "madvise",
	.khugepaged_defrag = "1",
	.nr_2m = 0,
	.have_2m_pool = true,
	.shim_path = "/x/libwbthp.so",
	.peak_rss_bytes = 100u << 20,
};

static void fill(struct wb_policy_sample *r, int n, double t0, double step,
		 uint64_t rss);

static int find(const struct wb_policy_set *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->p[i].name, name))
			return i;
	return -1;
}

static void test_field_kb(void **state)
{
	const char text[] = "Rss:  2048 kB\nAnonHugePages:    1024 kB\n"
			    "VmPTE:\t  12 kB\nBad: x kB\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(wb_policy_field_kb(text, "AnonHugePages", &v), 0);
	assert_int_equal(v, 1024 * 1024);
	assert_int_equal(wb_policy_field_kb(text, "VmPTE", &v), 0);
	assert_int_equal(v, 12 * 1024);
	assert_int_equal(wb_policy_field_kb(text, "Rss", &v), 0);
	assert_int_equal(v, 2048 * 1024);
	/* a prefix of a field name is not the field */
	assert_int_equal(wb_policy_field_kb(text, "AnonHuge", &v), -ENOENT);
	assert_int_equal(wb_policy_field_kb(text, "Bad", &v), -EINVAL);
}

static void test_candidates_unprivileged(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;

	(void)state;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_string_equal(s.p[0].name, "current");
	assert_true(find(&s, "process:thp-off") > 0);
	assert_true(s.p[find(&s, "process:thp-off")].thp_disable);
	assert_true(find(&s, "process:thp-advise") > 0);
	for (int i = 0; i < s.n; i++)
		assert_false(s.p[i].system);
	/* what could not be tried is said */
	assert_true(s.n_not_tried >= 2);
	assert_non_null(strstr(s.not_tried[s.n_not_tried - 1], "root"));

	e.shim_path = NULL;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(find(&s, "process:thp-advise"), -1);
	assert_non_null(strstr(s.not_tried[0], "shim"));
}

static void test_candidates_root(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;
	int i;

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_true(find(&s, "thp=never") > 0);
	assert_true(find(&s, "thp=always") > 0);
	assert_true(find(&s, "thp=always,defrag=always") > 0);
	assert_true(find(&s, "thp=always,defrag=defer+madvise") > 0);
	/* identical to thp=always with defrag as found: not run twice */
	assert_int_equal(find(&s, "thp=always,defrag=madvise"), -1);
	/* identical to the settings as found: that is "current" */
	assert_int_equal(find(&s, "thp=madvise"), -1);
	assert_true(find(&s, "thp=always,khugepaged_defrag=0") > 0);
	/* no hugetlb mapping of its own: only the preload pool policy */
	assert_int_equal(find(&s, "hugetlb-pool"), -1);
	i = find(&s, "hugetlb-pool+preload");
	assert_true(i > 0);
	assert_true(s.p[i].system);
	assert_int_equal(s.p[i].shim, WB_SHIM_HUGETLB);
	/* 100 MiB peak: 50 pages of 2 MiB plus slack */
	assert_true(s.p[i].knobs.pool_2m_pages >= 50);

	e.maps_hugetlb = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_true(find(&s, "hugetlb-pool") > 0);
	assert_true(s.n <= WB_POLICY_MAX);
}

static void test_apply_text(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;
	char buf[1024];

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(wb_policy_apply_text(&s.p[find(&s, "thp=always,defrag="
							    "defer+madvise")],
					      &e, buf, sizeof(buf)),
			 0);
	assert_non_null(strstr(buf, "echo always > " WB_THP_DIR "/enabled"));
	assert_non_null(
		strstr(buf, "echo defer+madvise > " WB_THP_DIR "/defrag"));
	assert_int_equal(
		wb_policy_apply_text(&s.p[find(&s, "process:thp-advise")], &e,
				     buf, sizeof(buf)),
		0);
	assert_non_null(strstr(buf, "LD_PRELOAD=/x/libwbthp.so"));
	assert_non_null(strstr(buf, "glibc.malloc.hugetlb=1"));
	assert_int_equal(
		wb_policy_apply_text(&s.p[find(&s, "hugetlb-pool+preload")], &e,
				     buf, sizeof(buf)),
		0);
	assert_non_null(strstr(buf, WB_HUGETLB_2M_NR));
}

/* A kernel with per-size switches as Linux 6.18 sets them by default: 16K
 * to 1M never, 2M inherit; the top-level word madvise. */
static struct wb_policy_env mthp_found(void)
{
	static const uint64_t kb[] = { 16, 32, 64, 128, 256, 512, 1024, 2048 };
	struct wb_policy_env e = found;

	e.n_mthp = (int)(sizeof(kb) / sizeof(kb[0]));
	for (int i = 0; i < e.n_mthp; i++) {
		e.mthp_size[i] = kb[i] << 10;
		strcpy(e.mthp_mode[i], kb[i] == 2048 ? "inherit" : "never");
	}
	return e;
}

static int size_at(const struct wb_policy_env *e, uint64_t kb)
{
	int i = wb_policy_mthp_index(e, kb << 10);

	assert_true(i >= 0);
	return i;
}

static bool not_tried_has(const struct wb_policy_set *s, const char *a,
			  const char *b)
{
	for (int i = 0; i < s->n_not_tried; i++)
		if (strstr(s->not_tried[i], a) && strstr(s->not_tried[i], b))
			return true;
	return false;
}

static void test_candidates_mthp(void **state)
{
	static const char *const names[] = { "mthp-16K",  "mthp-32K",
					     "mthp-64K",  "mthp-128K",
					     "mthp-256K", "mthp-512K",
					     "mthp-1M" };
	struct wb_policy_env e = mthp_found();
	struct wb_policy_set s;
	int i, last_thp, pool;

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_true(s.n <= WB_POLICY_MAX);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		i = find(&s, names[k]);
		assert_true(i > 0);
		assert_true(s.p[i].system);
		assert_int_equal(s.p[i].shim, WB_SHIM_NONE);
		assert_int_equal(s.p[i].knobs.pool_2m_pages, 0);
		/* the size itself: always, since a command does not advise */
		assert_true(s.p[i].mthp_size == e.mthp_size[k]);
		assert_string_equal(s.p[i].knobs.mthp[k], "always");
		/* 2M follows the top-level word through inherit: off */
		assert_string_equal(s.p[i].knobs.mthp[size_at(&e, 2048)],
				    "never");
		assert_non_null(strstr(s.p[i].what, "2M"));
		/* smaller sizes and those already never: as found */
		for (int m = 0; m < e.n_mthp - 1; m++)
			if (m != (int)k)
				assert_null(s.p[i].knobs.mthp[m]);
	}
	/* sizes ascending, after the THP words, before the pool */
	last_thp = find(&s, "thp=always,khugepaged_defrag=0");
	pool = find(&s, "hugetlb-pool+preload");
	assert_true(last_thp < find(&s, "mthp-16K"));
	assert_true(find(&s, "mthp-16K") < find(&s, "mthp-64K"));
	assert_true(find(&s, "mthp-1M") < pool);
	/* 2M "inherit" is what was found; "never" gives anonymous memory
	 * what thp=never gives: neither is run, the second is said */
	assert_int_equal(find(&s, "mthp-2M=inherit"), -1);
	assert_int_equal(find(&s, "mthp-2M=never"), -1);
	assert_true(not_tried_has(&s, "mthp-2M=never", "thp=never"));
	/* 8K is not offered for anonymous memory */
	assert_true(not_tried_has(&s, "mthp-8K", "offers no"));
}

/* Settings found otherwise: the top-level word always, 64K always, 128K
 * madvise, 256K inherit, 2M never. */
static void test_candidates_mthp_found_otherwise(void **state)
{
	struct wb_policy_env e = mthp_found();
	struct wb_policy_set s;
	int i;

	(void)state;
	e.can_set = true;
	strcpy(e.enabled, "always");
	strcpy(e.mthp_mode[size_at(&e, 64)], "always");
	strcpy(e.mthp_mode[size_at(&e, 128)], "madvise");
	strcpy(e.mthp_mode[size_at(&e, 256)], "inherit");
	strcpy(e.mthp_mode[size_at(&e, 2048)], "never");
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	/* 64K is on already; 128K (madvise) and 256K (inherit, top-level
	 * always) are enabled and larger: both off */
	i = find(&s, "mthp-64K");
	assert_true(i > 0);
	assert_null(s.p[i].knobs.mthp[size_at(&e, 64)]);
	assert_string_equal(s.p[i].knobs.mthp[size_at(&e, 128)], "never");
	assert_string_equal(s.p[i].knobs.mthp[size_at(&e, 256)], "never");
	assert_null(s.p[i].knobs.mthp[size_at(&e, 512)]);
	assert_null(s.p[i].knobs.mthp[size_at(&e, 2048)]);
	i = find(&s, "mthp-32K");
	assert_true(i > 0);
	assert_string_equal(s.p[i].knobs.mthp[size_at(&e, 32)], "always");
	assert_string_equal(s.p[i].knobs.mthp[size_at(&e, 64)], "never");
	/* 256K through inherit already comes first: that is current */
	assert_int_equal(find(&s, "mthp-256K"), -1);
	assert_true(not_tried_has(&s, "mthp-256K", "as current"));
	/* 2M's own switch: inherit differs from the never found */
	i = find(&s, "mthp-2M=inherit");
	assert_true(i > 0);
	assert_string_equal(s.p[i].knobs.mthp[size_at(&e, 2048)], "inherit");
	assert_int_equal(find(&s, "mthp-2M=never"), -1);
	assert_true(s.n <= WB_POLICY_MAX);

	/* With the top-level word never, a size set always still counts:
	 * 64K always and 128K off through inherit is what thp=never gives
	 * anonymous memory here, so mthp-64K is not run twice. */
	strcpy(e.mthp_mode[size_at(&e, 128)], "inherit");
	strcpy(e.mthp_mode[size_at(&e, 256)], "never");
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(find(&s, "mthp-64K"), -1);
	assert_true(not_tried_has(&s, "mthp-64K", "as thp=never"));
	assert_int_equal(find(&s, "mthp-128K"), -1);
	assert_true(not_tried_has(&s, "mthp-128K", "as current"));
}

static void test_candidates_mthp_unprivileged(void **state)
{
	struct wb_policy_env e = mthp_found();
	struct wb_policy_set s;

	(void)state;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	for (int i = 0; i < s.n; i++) {
		assert_null(strstr(s.p[i].name, "mthp"));
		assert_int_equal(s.p[i].mthp_size, 0);
	}
	assert_true(not_tried_has(&s, "mthp-16K..mthp-1M", "root"));
	assert_true(not_tried_has(&s, "mthp-2M=inherit|never", "root"));

	/* no per-size switches at all (before Linux 6.8) */
	e = found;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_true(not_tried_has(&s, "mthp-16K..mthp-1M", "6.8"));
	for (int i = 0; i < s.n; i++)
		assert_null(strstr(s.p[i].name, "mthp"));
}

static void test_apply_text_mthp(void **state)
{
	struct wb_policy_env e = mthp_found();
	struct wb_policy_set s;
	char buf[1024], p64[128], p2m[128], p128[128];
	const char *on, *off;

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(wb_policy_apply_text(&s.p[find(&s, "mthp-64K")], &e,
					      buf, sizeof(buf)),
			 0);
	wb_mthp_enabled_path(64 << 10, p64, sizeof(p64));
	wb_mthp_enabled_path(2048 << 10, p2m, sizeof(p2m));
	wb_mthp_enabled_path(128 << 10, p128, sizeof(p128));
	assert_string_equal(p64, WB_THP_DIR "/hugepages-64kB/enabled");
	on = strstr(buf,
		    "echo always > " WB_THP_DIR "/hugepages-64kB/enabled\n");
	off = strstr(buf,
		     "echo never > " WB_THP_DIR "/hugepages-2048kB/enabled\n");
	assert_non_null(on);
	assert_non_null(off);
	/* the larger size goes off before the one that goes on */
	assert_true(off < on);
	/* nothing about sizes left as found, nor the top-level word */
	assert_null(strstr(buf, p128));
	assert_null(strstr(buf, WB_THP_DIR "/enabled"));
	assert_non_null(strstr(buf, "thp_anon=64K:always;2M:never"));
	assert_null(strstr(buf, "transparent_hugepage="));
}

/* Apply what @text says ("echo WORD > PATH" lines) to @e. */
static void apply_lines(struct wb_policy_env *e, const char *text)
{
	char word[32], path[160];

	for (const char *l = text; l && *l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (sscanf(l, "echo %31s > %159s", word, path) != 2)
			continue;
		if (!strcmp(path, WB_THP_DIR "/enabled"))
			strcpy(e->enabled, word);
		else if (!strcmp(path, WB_THP_DIR "/defrag"))
			strcpy(e->defrag, word);
		else if (!strcmp(path, WB_THP_DIR "/khugepaged/defrag"))
			strcpy(e->khugepaged_defrag, word);
		else if (!strcmp(path, WB_HUGETLB_2M_NR))
			e->nr_2m = strtoull(word, NULL, 10);
		else {
			bool hit = false;

			for (int i = 0; i < e->n_mthp; i++) {
				char p[128];

				wb_mthp_enabled_path(e->mthp_size[i], p,
						     sizeof(p));
				if (!strcmp(p, path)) {
					strcpy(e->mthp_mode[i], word);
					hit = true;
				}
			}
			assert_true(hit);
		}
	}
}

/* Every candidate's knobs, written out as sysfs lines (the writes the
 * journal makes and the text the recommendation prints), give back the
 * settings the knobs describe; and a policy is never the settings as
 * found. */
static void test_knobs_round_trip(void **state)
{
	struct wb_policy_env envs[2] = { mthp_found(), found };
	struct wb_policy_set s;

	(void)state;
	strcpy(envs[0].mthp_mode[size_at(&envs[0], 32)], "inherit");
	for (int k = 0; k < 2; k++) {
		struct wb_policy_env *e = &envs[k];

		e->can_set = true;
		e->nr_2m = 3;
		assert_int_equal(wb_policy_candidates(e, &s), 0);
		for (int i = 0; i < s.n; i++) {
			struct wb_policy_write w[WB_POLICY_WRITES_MAX];
			struct wb_policy_env want, by_text = *e, by_writes = *e;
			char text[1024];
			int n;

			assert_int_equal(wb_policy_env_with(e, &s.p[i], &want),
					 0);
			assert_int_equal(wb_policy_writes(e, &s.p[i], w,
							  WB_POLICY_WRITES_MAX,
							  &n),
					 0);
			text[0] = 0;
			for (int m = 0; m < n; m++)
				snprintf(text + strlen(text),
					 sizeof(text) - strlen(text),
					 "echo %s > %s\n", w[m].word,
					 w[m].path);
			apply_lines(&by_writes, text);
			assert_int_equal(wb_policy_apply_text(&s.p[i], e, text,
							      sizeof(text)),
					 0);
			apply_lines(&by_text, text);
			assert_true(wb_policy_env_same(&by_writes, &want));
			assert_true(wb_policy_env_same(&by_text, &want));
			/* system policies change something; others nothing */
			assert_true(s.p[i].system ==
				    !wb_policy_env_same(&want, e));
			assert_true(s.p[i].system == (n > 0));
		}
	}
}

static void test_mthp_stats_summary(void **state)
{
	struct wb_policy_env e = mthp_found();
	struct wb_policy_sample runs[3];
	struct wb_policy_summary sum;
	struct wb_policy_set s;
	char buf[512];
	int i64 = size_at(&e, 64), p;

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	p = find(&s, "mthp-64K");
	fill(runs, 3, 1.0, 0.1, 64u << 20);
	runs[0].mthp_alloc[i64] = 1000;
	runs[1].mthp_alloc[i64] = 1024;
	runs[2].mthp_alloc[i64] = 5000;
	runs[2].ok = false; /* a failed run does not count */
	runs[0].mthp_fallback[i64] = 2;
	runs[1].mthp_fallback[i64] = 4;
	assert_int_equal(wb_policy_summarize(runs, 3, NULL, 0, false, &sum), 0);
	assert_true(sum.mthp_alloc_median[i64] == 1012);
	assert_true(sum.mthp_fallback_median[i64] == 3);
	assert_true(sum.mthp_alloc_median[size_at(&e, 16)] == 0);
	assert_int_equal(
		wb_policy_mthp_finding(&e, &s.p[p], &sum, buf, sizeof(buf)), 1);
	assert_non_null(strstr(buf, "1012 folios of 64K allocated"));

	/* the size never allocated: a finding, said as such */
	runs[0].mthp_alloc[i64] = 0;
	runs[1].mthp_alloc[i64] = 0;
	assert_int_equal(wb_policy_summarize(runs, 3, NULL, 0, false, &sum), 0);
	assert_int_equal(
		wb_policy_mthp_finding(&e, &s.p[p], &sum, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "mthp-64K: 0 folios of 64K allocated"));
	/* a policy about no size has no finding */
	assert_int_equal(
		wb_policy_mthp_finding(&e, &s.p[0], &sum, buf, sizeof(buf)),
		-ENOENT);
}

/* A system policy without a journal is refused before anything changes. */
static void test_apply_needs_journal(void **state)
{
	struct wb_policy_set s;
	struct wb_policy_env e = found;
	uint64_t got;

	(void)state;
	e.can_set = true;
	assert_int_equal(wb_policy_candidates(&e, &s), 0);
	assert_int_equal(
		wb_policy_apply(NULL, &e, &s.p[find(&s, "thp=never")], &got),
		-EPERM);
	assert_int_equal(wb_policy_apply(NULL, &e, &s.p[0], &got), 0);
}

static void fill(struct wb_policy_sample *r, int n, double t0, double step,
		 uint64_t rss)
{
	for (int i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].ok = true;
		r[i].wall_s = t0 + step * i;
		r[i].cpu_s = (t0 + step * i) / 2;
		r[i].maxrss_bytes = rss;
	}
}

static void summarize3(struct wb_policy_sample (*runs)[5], int np,
		       struct wb_policy_summary *sum)
{
	double base[5];

	for (int i = 0; i < 5; i++)
		base[i] = runs[0][i].wall_s;
	assert_int_equal(
		wb_policy_summarize(runs[0], 5, NULL, 0, false, &sum[0]), 0);
	for (int p = 1; p < np; p++)
		assert_int_equal(wb_policy_summarize(runs[p], 5, base, 5, false,
						     &sum[p]),
				 0);
	assert_int_equal(wb_policy_adjust(sum, np), 0);
}

static void test_recommend_faster(void **state)
{
	struct wb_policy_sample runs[3][5];
	struct wb_policy_summary sum[3];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 1000u << 20); /* current */
	fill(runs[1], 5, 2.1, 0.01, 1000u << 20); /* slower */
	fill(runs[2], 5, 1.0, 0.01, 1002u << 20); /* faster, same memory */
	summarize3(runs, 3, sum);
	assert_true(sum[2].has_cmp);
	assert_true(sum[2].p_value < WB_POLICY_ALPHA);
	assert_true(sum[2].speedup > 1.9 && sum[2].speedup < 2.1);
	assert_true(sum[2].shift_s < 0);
	assert_true(sum[2].shift_lo_s <= sum[2].shift_s);
	assert_true(sum[2].shift_hi_s >= sum[2].shift_s);
	assert_int_equal(wb_policy_recommend(sum, 3, &r), 0);
	assert_int_equal(r.best, 2);
	assert_true(r.significant);
	assert_false(r.bloat);
}

static void test_recommend_bloat_warned(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary sum[2];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 10u << 20);
	fill(runs[1], 5, 1.5, 0.01, 500u << 20); /* sparse touches, THP */
	summarize3(runs, 2, sum);
	assert_int_equal(wb_policy_recommend(sum, 2, &r), 0);
	assert_int_equal(r.best, 1);
	assert_true(r.bloat);
	assert_true(r.mem_delta_bytes > 400 * MIB);
}

/* Equal speed: the policy that costs less memory is chosen. */
static void test_recommend_tie_prefers_less_memory(void **state)
{
	struct wb_policy_sample runs[3][5];
	struct wb_policy_summary sum[3];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 100u << 20);
	fill(runs[1], 5, 1.0, 0.01, 900u << 20);
	fill(runs[2], 5, 1.01, 0.01, 110u << 20);
	summarize3(runs, 3, sum);
	assert_int_equal(wb_policy_recommend(sum, 3, &r), 0);
	assert_int_equal(r.best, 2);
}

static void test_recommend_failed_runs_excluded(void **state)
{
	struct wb_policy_sample runs[3][5];
	struct wb_policy_summary sum[3];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 100u << 20);
	fill(runs[1], 5, 0.5, 0.01, 100u << 20);
	runs[1][3].ok = false;
	runs[1][3].exit_code = 1;
	fill(runs[2], 5, 2.5, 0.01, 100u << 20);
	summarize3(runs, 3, sum);
	assert_int_equal(sum[1].failed, 1);
	assert_int_equal(sum[1].ok, 4);
	assert_int_equal(wb_policy_recommend(sum, 3, &r), 0);
	assert_int_equal(r.best, 0);
	assert_false(r.significant);
	/* a policy with a failed run is not even a leading candidate */
	assert_int_equal(r.leading, 0);
}

/* Overlapping times: no recommendation to change. */
static void test_recommend_not_significant(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary sum[2];
	struct wb_policy_reco r;
	const double a[] = { 1.0, 1.3, 1.1, 1.4, 1.2 };
	const double b[] = { 1.05, 1.25, 1.15, 1.35, 0.9 };

	(void)state;
	fill(runs[0], 5, 1, 0, 1u << 20);
	fill(runs[1], 5, 1, 0, 1u << 20);
	for (int i = 0; i < 5; i++) {
		runs[0][i].wall_s = a[i];
		runs[1][i].wall_s = b[i];
	}
	summarize3(runs, 2, sum);
	assert_true(sum[1].p_value >= WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_recommend(sum, 2, &r), 0);
	assert_int_equal(r.best, 0);
	assert_non_null(strstr(r.reason, "no policy"));
	/* faster by the median (1.15 < 1.2), named but not recommended */
	assert_int_equal(r.leading, 1);
}

/* Significant alone, not as one of a family: the recommendation goes by
 * the Holm-adjusted p. */
static void test_recommend_uses_adjusted_p(void **state)
{
	struct wb_policy_sample runs[4][5];
	struct wb_policy_summary sum[4];
	struct wb_policy_reco r;
	const double a[] = { 1.00, 1.02, 1.04, 1.06, 0.94 };
	const double b[] = { 0.95, 0.97, 0.92, 0.93, 0.91 };

	(void)state;
	for (int p = 0; p < 4; p++)
		fill(runs[p], 5, 1, 0, 1u << 20);
	for (int i = 0; i < 5; i++) {
		runs[0][i].wall_s = a[i];
		runs[1][i].wall_s = b[i];
		runs[2][i].wall_s = a[(i + 1) % 5];
		runs[3][i].wall_s = a[(i + 2) % 5] + 0.001;
	}
	summarize3(runs, 4, sum);
	assert_true(sum[1].p_value < WB_POLICY_ALPHA);
	assert_true(sum[1].p_adj >= WB_POLICY_ALPHA);
	assert_int_equal(wb_policy_recommend(sum, 4, &r), 0);
	assert_int_equal(r.best, 0);
	assert_int_equal(r.leading, 1);
}

static void test_recommend_current_failed(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary sum[2];
	struct wb_policy_reco r;

	(void)state;
	fill(runs[0], 5, 1, 0, 1u << 20);
	for (int i = 0; i < 5; i++)
		runs[0][i].ok = false;
	assert_int_equal(
		wb_policy_summarize(runs[0], 5, NULL, 0, false, &sum[0]), 0);
	assert_int_equal(sum[0].ok, 0);
	assert_int_equal(wb_policy_recommend(sum, 1, &r), -EINVAL);
}

static void test_cpu_metric(void **state)
{
	struct wb_policy_sample runs[2][5];
	struct wb_policy_summary s;
	double base[5];

	(void)state;
	fill(runs[0], 5, 2.0, 0.01, 1u << 20);
	fill(runs[1], 5, 1.0, 0.01, 1u << 20);
	for (int i = 0; i < 5; i++)
		base[i] = runs[0][i].cpu_s;
	assert_int_equal(wb_policy_summarize(runs[1], 5, base, 5, true, &s), 0);
	assert_true(s.metric_median_s == s.cpu_median_s);
	assert_true(s.cpu_median_s < s.wall_median_s);
	assert_true(s.speedup > 1.9 && s.speedup < 2.1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_kb),
		cmocka_unit_test(test_candidates_unprivileged),
		cmocka_unit_test(test_candidates_root),
		cmocka_unit_test(test_apply_text),
		cmocka_unit_test(test_candidates_mthp),
		cmocka_unit_test(test_candidates_mthp_found_otherwise),
		cmocka_unit_test(test_candidates_mthp_unprivileged),
		cmocka_unit_test(test_apply_text_mthp),
		cmocka_unit_test(test_knobs_round_trip),
		cmocka_unit_test(test_mthp_stats_summary),
		cmocka_unit_test(test_apply_needs_journal),
		cmocka_unit_test(test_recommend_faster),
		cmocka_unit_test(test_recommend_bloat_warned),
		cmocka_unit_test(test_recommend_tie_prefers_less_memory),
		cmocka_unit_test(test_recommend_failed_runs_excluded),
		cmocka_unit_test(test_recommend_not_significant),
		cmocka_unit_test(test_recommend_uses_adjusted_p),
		cmocka_unit_test(test_recommend_current_failed),
		cmocka_unit_test(test_cpu_metric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
