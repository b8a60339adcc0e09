// SPDX-License-Identifier: MIT
/*
 * The system settings a policy writes: reading them as found, the writes
 * that put a policy's knobs in place through the journal, and the lines
 * that tell a user how to apply it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings/journal.h"
#include "settings/policy.h"
#include "settings/policy_set.h"

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
		wb_policy_sizes_text(e, in, list, sizeof(list));
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
		    "(Linux 6.12+; sizes it does not name keep their "
		    "defaults)\n",
		    anon);
	}
#undef PUT
	return o < len ? 0 : -ENOSPC;
}
