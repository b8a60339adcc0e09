// SPDX-License-Identifier: MIT
/*
 * Multi-size THP as system policies: one per anonymous folio size the
 * kernel offers, the PMD size's own switch, and whether a size's folios
 * were used.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "settings/policy.h"
#include "settings/policy_set.h"
#include "core/parse.h"

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
		return wb_policy_env_same(a, b);
	if (strcmp(a->defrag, b->defrag) ||
	    strcmp(a->khugepaged_defrag, b->khugepaged_defrag))
		return false;
	for (int i = 0; i < a->n_mthp; i++)
		if (strcmp(resolved(a, i), resolved(b, i)))
			return false;
	return true;
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
		wb_policy_set_not_tried(
			s,
			"%s: gives anonymous memory the same folios as %s "
			"here",
			p->name, dup);
		return;
	}
	q = wb_policy_set_add(s, p->name, p->what);
	if (q)
		*q = *p;
}

/* "128K,256K,2M" */
void wb_policy_sizes_text(const struct wb_policy_env *e, const bool *in,
			  char *buf, size_t len)
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
	wb_policy_sizes_text(e, off, larger, sizeof(larger));
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
		wb_policy_set_not_tried(
			s, "%s: %s", list,
			"this kernel offers no anonymous folios of that "
			"size (no hugepages-<size>kB/enabled)");
}

void wb_policy_add_mthp(struct wb_policy_set *s, const struct wb_policy_env *e)
{
	int pmd = -1;

	if (!e->n_mthp) {
		wb_policy_set_not_tried(
			s, "%s: %s", "mthp-16K..mthp-1M",
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
void wb_policy_mthp_names(const struct wb_policy_env *e, char *buf, size_t len)
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
