// SPDX-License-Identifier: MIT
/*
 * Huge-page policy candidates, applying them through the journal, and the
 * recommendation. Running the command is in policy_exec.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings/journal.h"
#include "settings/policy.h"
#include "check/stats.h"
#include "core/parse.h"

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
	/* a kernel before 6.8 has no per-size switches: n_mthp stays 0 */
	if (wb_mthp_offered(e->mthp_size, WB_MTHP_MAX, &e->n_mthp))
		e->n_mthp = 0;
	for (int i = 0; i < e->n_mthp; i++) {
		err = wb_mthp_mode(e->mthp_size[i], e->mthp_mode[i],
				   sizeof(e->mthp_mode[i]));
		if (err)
			return err;
	}
	return 0;
}

static bool same_words(const struct wb_policy_env *a,
		       const struct wb_policy_env *b)
{
	if (strcmp(a->enabled, b->enabled) || strcmp(a->defrag, b->defrag) ||
	    strcmp(a->khugepaged_defrag, b->khugepaged_defrag) ||
	    a->n_mthp != b->n_mthp)
		return false;
	for (int i = 0; i < a->n_mthp; i++)
		if (a->mthp_size[i] != b->mthp_size[i] ||
		    strcmp(a->mthp_mode[i], b->mthp_mode[i]))
			return false;
	return true;
}

bool wb_policy_env_same(const struct wb_policy_env *e,
			const struct wb_policy_env *found)
{
	return same_words(e, found) && e->nr_2m == found->nr_2m;
}

int wb_policy_env_with(const struct wb_policy_env *e, const struct wb_policy *p,
		       struct wb_policy_env *out)
{
	const struct wb_policy_knobs *k = &p->knobs;

	*out = *e;
	if (!p->system)
		return 0;
	if (k->enabled)
		snprintf(out->enabled, sizeof(out->enabled), "%s", k->enabled);
	if (k->defrag)
		snprintf(out->defrag, sizeof(out->defrag), "%s", k->defrag);
	if (k->khugepaged_defrag)
		snprintf(out->khugepaged_defrag, sizeof(out->khugepaged_defrag),
			 "%s", k->khugepaged_defrag);
	for (int i = 0; i < e->n_mthp; i++)
		if (k->mthp[i])
			snprintf(out->mthp_mode[i], sizeof(out->mthp_mode[i]),
				 "%s", k->mthp[i]);
	out->nr_2m += k->pool_2m_pages;
	return 0;
}

/* What a size's switch means for anonymous memory: "inherit" is the
 * top-level word. */
static const char *resolved(const struct wb_policy_env *e, int i)
{
	return strcmp(e->mthp_mode[i], "inherit") ? e->mthp_mode[i]
						  : e->enabled;
}

/*
 * Whether @a and @b give anonymous memory the same folios: with per-size
 * switches the top-level word acts only through "inherit", so two
 * settings whose every size resolves to the same word (and the same
 * defrag modes) are one policy for a command's anonymous memory.
 */
static bool same_for_anon(const struct wb_policy_env *a,
			  const struct wb_policy_env *b)
{
	if (!a->n_mthp || a->n_mthp != b->n_mthp)
		return same_words(a, b);
	if (strcmp(a->defrag, b->defrag) ||
	    strcmp(a->khugepaged_defrag, b->khugepaged_defrag))
		return false;
	for (int i = 0; i < a->n_mthp; i++)
		if (strcmp(resolved(a, i), resolved(b, i)))
			return false;
	return true;
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

/* The name of an existing system policy that gives anonymous memory what
 * @want gives, "current" for the settings as found; NULL when none. */
static const char *same_as(const struct wb_policy_set *s,
			   const struct wb_policy_env *e,
			   const struct wb_policy_env *want)
{
	struct wb_policy_env other;

	if (same_for_anon(want, e))
		return "current";
	for (int i = 0; i < s->n; i++) {
		if (!s->p[i].system || s->p[i].knobs.pool_2m_pages ||
		    s->p[i].shim != WB_SHIM_NONE)
			continue;
		wb_policy_env_with(e, &s->p[i], &other);
		if (same_for_anon(want, &other))
			return s->p[i].name;
	}
	return NULL;
}

/* Add @p (built in a scratch slot) unless it repeats a policy already
 * there, which is said under not_tried. */
static void add_unless_same(struct wb_policy_set *s,
			    const struct wb_policy_env *e,
			    const struct wb_policy *p)
{
	struct wb_policy_env want;
	const char *dup;
	struct wb_policy *q;

	wb_policy_env_with(e, p, &want);
	dup = same_as(s, e, &want);
	if (dup) {
		not_tried(s,
			  "%s: gives anonymous memory the same folios as %s "
			  "here",
			  p->name, dup);
		return;
	}
	q = add(s, p->name, p->what);
	if (q)
		*q = *p;
}

/* "128K,256K,2M" */
static void size_list(const struct wb_policy_env *e, const bool *in, char *buf,
		      size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < e->n_mthp && o < len; i++) {
		char sz[16];

		if (in[i])
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? "," : "",
					      wb_format_size(e->mthp_size[i],
							     sz, sizeof(sz)));
	}
}

/*
 * Per-size THP as a system policy. A user's command does not advise its
 * memory, so the size must be "always"; and since a fault takes the
 * largest size enabled for the mapping first, every larger size that is
 * enabled in any way (2M through "inherit" too, for the command may
 * advise some of its memory) is switched off for that policy. Smaller
 * sizes stay as found: they are what a fault falls back to.
 */
static void add_mthp_size(struct wb_policy_set *s,
			  const struct wb_policy_env *e, int at)
{
	bool off[WB_MTHP_MAX] = { false };
	char sz[16], larger[64];
	struct wb_policy p = { .system = true };
	int noff = 0;

	p.mthp_size = e->mthp_size[at];
	wb_format_size(p.mthp_size, sz, sizeof(sz));
	snprintf(p.name, sizeof(p.name), "mthp-%s", sz);
	if (strcmp(e->mthp_mode[at], "always"))
		p.knobs.mthp[at] = "always";
	for (int i = at + 1; i < e->n_mthp; i++) {
		if (!strcmp(resolved(e, i), "never"))
			continue;
		p.knobs.mthp[i] = "never";
		off[i] = true;
		noff++;
	}
	size_list(e, off, larger, sizeof(larger));
	snprintf(p.what, sizeof(p.what),
		 "system: hugepages-%" PRIu64 "kB/enabled=always, any "
		 "anonymous mapping may get %s folios; %s%s%s; smaller sizes "
		 "as found",
		 p.mthp_size >> 10, sz, noff ? "larger " : "",
		 noff ? larger : "no larger size is enabled",
		 noff ? " set to never, else a fault takes them first" : "");
	add_unless_same(s, e, &p);
}

/* The PMD size's own switch, "inherit" or "never", where it differs from
 * the word found. */
static void add_pmd_word(struct wb_policy_set *s, const struct wb_policy_env *e,
			 int at, const char *word)
{
	struct wb_policy p = { .system = true };
	char sz[16];

	if (!strcmp(e->mthp_mode[at], word))
		return;
	wb_format_size(e->mthp_size[at], sz, sizeof(sz));
	snprintf(p.name, sizeof(p.name), "mthp-%s=%s", sz, word);
	p.knobs.mthp[at] = word;
	if (!strcmp(word, "never"))
		snprintf(p.what, sizeof(p.what),
			 "system: hugepages-%" PRIu64 "kB/enabled=never: no %s "
			 "THP for anonymous memory whatever the top-level word",
			 e->mthp_size[at] >> 10, sz);
	else
		snprintf(p.what, sizeof(p.what),
			 "system: hugepages-%" PRIu64 "kB/enabled=%s: %s THP "
			 "follows the top-level word (%s)",
			 e->mthp_size[at] >> 10, word, sz, e->enabled);
	add_unless_same(s, e, &p);
}

/* The sizes between 4K and the PMD size this kernel does not offer. */
static void mthp_missing(struct wb_policy_set *s, const struct wb_policy_env *e)
{
	char list[160] = "";
	size_t o = 0;

	for (uint64_t sz = 8192; wb_mthp_size(sz); sz <<= 1) {
		bool have = false;
		char t[16];

		for (int i = 0; i < e->n_mthp; i++)
			have |= e->mthp_size[i] == sz;
		if (!have && o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o,
					      "%smthp-%s", o ? ", " : "",
					      wb_format_size(sz, t, sizeof(t)));
	}
	if (o)
		not_tried(s, "%s: %s", list,
			  "this kernel offers no anonymous folios of that "
			  "size (no hugepages-<size>kB/enabled)");
}

static void add_mthp(struct wb_policy_set *s, const struct wb_policy_env *e)
{
	int pmd = -1;

	if (!e->n_mthp) {
		not_tried(s, "%s: %s", "mthp-16K..mthp-1M",
			  "this kernel has no per-size THP switches "
			  "(" WB_THP_DIR "/hugepages-<size>kB/enabled, Linux "
			  "6.8+)");
		return;
	}
	mthp_missing(s, e);
	for (int i = 0; i < e->n_mthp; i++) {
		if (wb_mthp_size(e->mthp_size[i]))
			add_mthp_size(s, e, i);
		else if (pmd < 0)
			pmd = i;
	}
	if (pmd >= 0) {
		add_pmd_word(s, e, pmd, "inherit");
		add_pmd_word(s, e, pmd, "never");
	}
}

/* "mthp-16K..mthp-1M, mthp-2M=inherit|never" for what was not tried. */
static void mthp_names(const struct wb_policy_env *e, char *buf, size_t len)
{
	char lo[16] = "", hi[16] = "", pmd[16] = "";

	for (int i = 0; i < e->n_mthp; i++) {
		if (!wb_mthp_size(e->mthp_size[i]))
			wb_format_size(e->mthp_size[i], pmd, sizeof(pmd));
		else if (!lo[0])
			wb_format_size(e->mthp_size[i], lo, sizeof(lo));
		if (wb_mthp_size(e->mthp_size[i]))
			wb_format_size(e->mthp_size[i], hi, sizeof(hi));
	}
	snprintf(buf, len, "mthp-%s%s%s%s%s%s", lo,
		 strcmp(lo, hi) ? "..mthp-" : "", strcmp(lo, hi) ? hi : "",
		 pmd[0] ? ", mthp-" : "", pmd, pmd[0] ? "=inherit|never" : "");
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
		if (e->n_mthp) {
			char names[96];

			mthp_names(e, names, sizeof(names));
			not_tried(s, "%s: %s", names,
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
		not_tried(s, "%s: %s", "khugepaged",
			  WB_THP_DIR "/khugepaged/defrag is not readable");
	else
		add_system(s, e, "always", NULL,
			   strcmp(e->khugepaged_defrag, "0") ? "0" : "1");
	add_mthp(s, e);
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

static void put_write(struct wb_policy_write *w, int max, int *n,
		      const char *path, const char *word)
{
	if (*n >= max) {
		(*n)++;
		return;
	}
	snprintf(w[*n].path, sizeof(w[*n].path), "%s", path);
	snprintf(w[*n].word, sizeof(w[*n].word), "%s", word);
	(*n)++;
}

int wb_policy_writes(const struct wb_policy_env *e, const struct wb_policy *p,
		     struct wb_policy_write *w, int max, int *n)
{
	const struct wb_policy_knobs *k = &p->knobs;
	char path[128];

	*n = 0;
	if (!p->system)
		return 0;
	if (k->enabled && strcmp(k->enabled, e->enabled))
		put_write(w, max, n, WB_THP_DIR "/enabled", k->enabled);
	if (k->defrag && strcmp(k->defrag, e->defrag))
		put_write(w, max, n, WB_THP_DIR "/defrag", k->defrag);
	if (k->khugepaged_defrag &&
	    strcmp(k->khugepaged_defrag, e->khugepaged_defrag))
		put_write(w, max, n, WB_THP_DIR "/khugepaged/defrag",
			  k->khugepaged_defrag);
	/* largest first: the sizes switched off go before the one switched
	 * on, so no moment of the change lets a fault take a larger one */
	for (int i = e->n_mthp - 1; i >= 0; i--) {
		if (!k->mthp[i] || !strcmp(k->mthp[i], e->mthp_mode[i]))
			continue;
		wb_mthp_enabled_path(e->mthp_size[i], path, sizeof(path));
		put_write(w, max, n, path, k->mthp[i]);
	}
	if (k->pool_2m_pages) {
		char nr[24];

		snprintf(nr, sizeof(nr), "%llu",
			 (unsigned long long)e->nr_2m +
				 (unsigned long long)k->pool_2m_pages);
		put_write(w, max, n, WB_HUGETLB_2M_NR, nr);
	}
	return *n > max ? -ENOSPC : 0;
}

int wb_policy_apply(struct wb_journal *j, const struct wb_policy_env *e,
		    const struct wb_policy *p, uint64_t *got_pool)
{
	struct wb_policy_write w[WB_POLICY_WRITES_MAX];
	struct wb_policy_env want, now = { 0 };
	char buf[32];
	int n, err;

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
	err = wb_policy_writes(e, p, w, WB_POLICY_WRITES_MAX, &n);
	for (int i = 0; i < n && !err; i++)
		err = wb_journal_set(j, w[i].path, w[i].word);
	if (err)
		return err;
	/* The kernel grows the pool as far as free memory allows. */
	if (p->knobs.pool_2m_pages &&
	    !read_word(WB_HUGETLB_2M_NR, buf, sizeof(buf)))
		*got_pool = strtoull(buf, NULL, 10) - e->nr_2m;
	/* every switch reads back as written, or the policy is not what
	 * it says */
	wb_policy_env_with(e, p, &want);
	err = wb_policy_env_read(&now);
	if (!err && !same_words(&now, &want))
		err = -EIO;
	return err;
}

static bool writes_mthp(const struct wb_policy *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p->knobs.mthp[i])
			return true;
	return false;
}

/* "thp_anon=64K:always;128K,256K,2M:never" for the sizes @p writes. */
static void thp_anon_text(const struct wb_policy *p,
			  const struct wb_policy_env *e, char *buf, size_t len)
{
	static const char *const words[] = { "always", "madvise", "inherit",
					     "never" };
	size_t o = (size_t)snprintf(buf, len, "thp_anon=");
	bool first = true;

	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		bool in[WB_MTHP_MAX] = { false }, any = false;
		char list[128];

		for (int i = 0; i < e->n_mthp; i++) {
			in[i] = p->knobs.mthp[i] &&
				!strcmp(p->knobs.mthp[i], words[w]);
			any |= in[i];
		}
		if (!any || o >= len)
			continue;
		size_list(e, in, list, sizeof(list));
		o += (size_t)snprintf(buf + o, len - o, "%s%s:%s",
				      first ? "" : ";", list, words[w]);
		first = false;
	}
}

int wb_policy_apply_text(const struct wb_policy *p,
			 const struct wb_policy_env *e, char *buf, size_t len)
{
	struct wb_policy_write w[WB_POLICY_WRITES_MAX];
	const struct wb_policy_knobs *k = &p->knobs;
	size_t o = 0;
	int n, err;

#define PUT(...)                                                               \
	do {                                                                   \
		if (o < len)                                                   \
			o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__);  \
	} while (0)
	buf[0] = 0;
	err = wb_policy_writes(e, p, w, WB_POLICY_WRITES_MAX, &n);
	if (err)
		return err;
	if (!strcmp(p->name, "current"))
		PUT("nothing to change\n");
	for (int i = 0; i < n; i++) {
		PUT("echo %s > %s", w[i].word, w[i].path);
		if (!strcmp(w[i].path, WB_HUGETLB_2M_NR))
			PUT("   # or vm.nr_hugepages=%s in /etc/sysctl.d/",
			    w[i].word);
		PUT("\n");
	}
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
	if (p->system && !k->pool_2m_pages &&
	    (k->enabled || !writes_mthp(p, e->n_mthp)))
		PUT("# boot-time equivalent: transparent_hugepage=%s on the "
		    "kernel command line\n",
		    k->enabled ? k->enabled : e->enabled);
	if (p->system && writes_mthp(p, e->n_mthp)) {
		char anon[256];

		thp_anon_text(p, e, anon, sizeof(anon));
		PUT("# boot-time equivalent: %s on the kernel command line "
		    "(Linux 6.13+; sizes it does not name keep their "
		    "defaults)\n",
		    anon);
	}
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

int wb_policy_mthp_index(const struct wb_policy_env *e, uint64_t size)
{
	for (int i = 0; i < e->n_mthp; i++)
		if (e->mthp_size[i] == size)
			return i;
	return -1;
}

int wb_policy_mthp_finding(const struct wb_policy_env *e,
			   const struct wb_policy *p,
			   const struct wb_policy_summary *s, char *buf,
			   size_t len)
{
	int i = p->mthp_size ? wb_policy_mthp_index(e, p->mthp_size) : -1;
	char sz[16];

	buf[0] = 0;
	if (i < 0 || !s->ok)
		return -ENOENT;
	wb_format_size(p->mthp_size, sz, sizeof(sz));
	if (s->mthp_alloc_median[i] < 1)
		snprintf(buf, len,
			 "%s: 0 folios of %s allocated (median of %d run(s); "
			 "%.0f fell back): the command's memory did not get "
			 "this size",
			 p->name, sz, s->ok, s->mthp_fallback_median[i]);
	else
		snprintf(buf, len,
			 "%s: %.0f folios of %s allocated per run (%.0f MiB; "
			 "median of %d run(s)), %.0f fell back",
			 p->name, s->mthp_alloc_median[i], sz,
			 s->mthp_alloc_median[i] * (double)p->mthp_size /
				 (1024.0 * 1024.0),
			 s->ok, s->mthp_fallback_median[i]);
	return s->mthp_alloc_median[i] < 1 ? 0 : 1;
}
