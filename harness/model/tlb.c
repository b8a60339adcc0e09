// SPDX-License-Identifier: MIT
/*
 * TLB simulator. Each structure is an LRU cache of page keys that inserts
 * on every miss, so walking the levels in order and stopping at the first
 * hit both looks up and fills. Small-way structures keep each set's keys
 * in most-recently-used order (a hit shifts at most ways-1 keys); large
 * fully associative ones (Zen's 64-96 entry L1 DTLB) use a chained hash
 * table and an LRU list so a lookup costs O(1), not a scan of every entry.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tlb.h"

#define SCAN_WAYS 16
#define NONE UINT32_MAX

struct tstruct {
	uint32_t nsets, ways,
		set_mask; /* set_mask: nsets - 1 if a power of 2 */
	uint64_t *keys; /* nsets * ways; scan mode: MRU first, 0 empty */
	/* hash mode (fully associative, many ways) */
	uint32_t *ht, ht_mask, used, head, tail;
	uint32_t *prev, *next, *hnext;
};

struct wbm_tlb {
	struct wbm_tlb_geom g;
	struct tstruct s[WBM_TLB_MAX];
	/* route[code][level]: structure for that size at that level, or -1 */
	int route[4][WBM_TLB_LEVELS + 1];
	/* the same, compacted for the hot path: path[code] visits n structures */
	struct {
		int n;
		int level[WBM_TLB_LEVELS];
		struct tstruct *s[WBM_TLB_LEVELS];
		int hash[WBM_TLB_LEVELS];
	} path[4];
	struct wbm_tlb_stats st;
};

unsigned int wbm_tlb_size_bit(uint64_t page_size)
{
	if (page_size == WBM_4K)
		return WBM_SZ_4K;
	if (page_size == WBM_2M)
		return WBM_SZ_2M;
	if (page_size == WBM_1G)
		return WBM_SZ_1G;
	return 0;
}

static int size_code(unsigned int bit)
{
	return bit == WBM_SZ_4K	  ? 1
	       : bit == WBM_SZ_2M ? 2
	       : bit == WBM_SZ_1G ? 3
				  : 0;
}

static int code_shift(int code)
{
	return code == 1 ? 12 : code == 2 ? 21 : 30;
}

int wbm_tlb_geom_check(const struct wbm_tlb_geom *g)
{
	if (g->n < 1 || g->n > WBM_TLB_MAX)
		return -EINVAL;
	for (int i = 0; i < g->n; i++) {
		const struct wbm_tlb_struct *a = &g->s[i];

		if (a->level < 1 || a->level > WBM_TLB_LEVELS || !a->ways ||
		    !a->entries || a->entries % a->ways || !a->sizes ||
		    a->sizes & ~(WBM_SZ_4K | WBM_SZ_2M | WBM_SZ_1G))
			return -EINVAL;
		for (int j = 0; j < i; j++)
			if (g->s[j].level == a->level &&
			    g->s[j].sizes & a->sizes)
				return -EINVAL;
	}
	return 0;
}

uint32_t wbm_tlb_entries(const struct wbm_tlb_geom *g, int level,
			 uint64_t page_size)
{
	unsigned int bit = wbm_tlb_size_bit(page_size);

	for (int i = 0; i < g->n; i++)
		if (g->s[i].level == level && g->s[i].sizes & bit)
			return g->s[i].entries;
	return 0;
}

static int hash_mode(const struct tstruct *s)
{
	return s->nsets == 1 && s->ways > SCAN_WAYS;
}

void wbm_tlb_flush(struct wbm_tlb *t)
{
	for (int i = 0; i < t->g.n; i++) {
		struct tstruct *s = &t->s[i];

		memset(s->keys, 0,
		       (size_t)s->nsets * s->ways * sizeof(*s->keys));
		if (hash_mode(s)) {
			memset(s->ht, 0xff,
			       (size_t)(s->ht_mask + 1) * sizeof(*s->ht));
			s->used = 0;
			s->head = s->tail = NONE;
		}
	}
	wbm_tlb_clear_stats(t);
}

void wbm_tlb_clear_stats(struct wbm_tlb *t)
{
	memset(&t->st, 0, sizeof(t->st));
}

void wbm_tlb_free(struct wbm_tlb *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->g.n; i++) {
		free(t->s[i].keys);
		free(t->s[i].ht);
		free(t->s[i].prev);
		free(t->s[i].next);
		free(t->s[i].hnext);
	}
	free(t);
}

int wbm_tlb_new(const struct wbm_tlb_geom *g, struct wbm_tlb **out)
{
	struct wbm_tlb *t;
	int err = wbm_tlb_geom_check(g);

	*out = NULL;
	if (err)
		return err;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->g = *g;
	memset(t->route, 0xff, sizeof(t->route));
	for (int i = 0; i < g->n; i++) {
		struct tstruct *s = &t->s[i];
		uint32_t cap = 4;

		s->ways = g->s[i].ways;
		s->nsets = g->s[i].entries / s->ways;
		s->set_mask = (s->nsets & (s->nsets - 1)) ? 0 : s->nsets - 1;
		s->keys = calloc((size_t)s->nsets * s->ways, sizeof(*s->keys));
		if (!s->keys)
			goto nomem;
		if (hash_mode(s)) {
			while (cap < 2 * s->ways)
				cap <<= 1;
			s->ht_mask = cap - 1;
			s->ht = malloc(cap * sizeof(*s->ht));
			s->prev = malloc(s->ways * sizeof(*s->prev));
			s->next = malloc(s->ways * sizeof(*s->next));
			s->hnext = malloc(s->ways * sizeof(*s->hnext));
			if (!s->ht || !s->prev || !s->next || !s->hnext)
				goto nomem;
		}
		for (int c = 1; c <= 3; c++)
			if (g->s[i].sizes & (1u << (c - 1)))
				t->route[c][g->s[i].level] = i;
	}
	for (int c = 1; c <= 3; c++)
		for (int l = 1; l <= WBM_TLB_LEVELS; l++) {
			int i = t->route[c][l], m = t->path[c].n;

			if (i < 0)
				continue;
			t->path[c].level[m] = l;
			t->path[c].s[m] = &t->s[i];
			t->path[c].hash[m] = hash_mode(&t->s[i]);
			t->path[c].n++;
		}
	wbm_tlb_flush(t);
	*out = t;
	return 0;
nomem:
	wbm_tlb_free(t);
	return -ENOMEM;
}

static inline uint32_t hash_of(const struct tstruct *s, uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & s->ht_mask;
}

static inline void list_unlink(struct tstruct *s, uint32_t i)
{
	if (s->prev[i] != NONE)
		s->next[s->prev[i]] = s->next[i];
	else
		s->head = s->next[i];
	if (s->next[i] != NONE)
		s->prev[s->next[i]] = s->prev[i];
	else
		s->tail = s->prev[i];
}

static inline void list_push(struct tstruct *s, uint32_t i)
{
	s->prev[i] = NONE;
	s->next[i] = s->head;
	if (s->head != NONE)
		s->prev[s->head] = i;
	else
		s->tail = i;
	s->head = i;
}

/* Separate chaining through the slots: a miss walks one short chain,
 * evicting unlinks the LRU slot from its chain, inserting pushes a head. */
static int lookup_hash(struct tstruct *s, uint64_t key)
{
	uint32_t b = hash_of(s, key), slot, *pp;

	for (slot = s->ht[b]; slot != NONE; slot = s->hnext[slot]) {
		if (s->keys[slot] == key) {
			if (s->head != slot) {
				list_unlink(s, slot);
				list_push(s, slot);
			}
			return 1;
		}
	}
	if (s->used < s->ways) {
		slot = s->used++;
	} else {
		slot = s->tail;
		list_unlink(s, slot);
		pp = &s->ht[hash_of(s, s->keys[slot])];
		while (*pp != slot)
			pp = &s->hnext[*pp];
		*pp = s->hnext[slot];
	}
	s->keys[slot] = key;
	s->hnext[slot] = s->ht[b];
	s->ht[b] = slot;
	list_push(s, slot);
	return 0;
}

static inline __attribute__((always_inline)) int scan_n(uint64_t *k,
							uint64_t key,
							uint32_t n)
{
	uint64_t carry = key;

	/* with n constant (see lookup_scan) the loop becomes straight code */
	if (k[0] == key)
		return 1;
#pragma GCC unroll 16
	for (uint32_t w = 0; w < n; w++) {
		uint64_t old = k[w];

		k[w] = carry;
		if (old == key)
			return 1;
		carry = old;
	}
	return 0;
}

static inline int lookup_scan(struct tstruct *s, uint64_t key, uint64_t vpn)
{
	uint32_t set = s->set_mask ? (uint32_t)(vpn & s->set_mask)
				   : (uint32_t)(vpn % s->nsets);
	uint64_t *k = s->keys + (size_t)set * s->ways;

	/* constant way counts let the compiler unroll the common shapes */
	switch (s->ways) {
	case 4:
		return scan_n(k, key, 4);
	case 6:
		return scan_n(k, key, 6);
	case 8:
		return scan_n(k, key, 8);
	case 12:
		return scan_n(k, key, 12);
	case 16:
		return scan_n(k, key, 16);
	default:
		return scan_n(k, key, s->ways);
	}
}

/* Index on the size's path of the structure that hit; path length: walk. */
static inline int access_core(struct wbm_tlb *t, uint64_t va, int code)
{
	uint64_t vpn = va >> code_shift(code);
	uint64_t key = vpn << 2 | (uint64_t)code;
	int n = t->path[code].n, i;

	for (i = 0; i < n; i++) {
		struct tstruct *s = t->path[code].s[i];

		if (t->path[code].hash[i] ? lookup_hash(s, key)
					  : lookup_scan(s, key, vpn))
			break;
	}
	return i;
}

/* Counts @count translations that ended at path index @i. */
static void account(struct wbm_tlb *t, int code, int i, uint64_t count)
{
	t->st.accesses += count;
	for (int j = 0; j <= i && j < t->path[code].n; j++) {
		int l = t->path[code].level[j];

		t->st.lookups[l] += count;
		if (j < i)
			t->st.misses[l] += count;
	}
	if (i == t->path[code].n)
		t->st.walks += count;
}

static inline int access_one(struct wbm_tlb *t, uint64_t va, int code)
{
	int i = access_core(t, va, code);

	account(t, code, i, 1);
	return i < t->path[code].n ? t->path[code].level[i] : 0;
}

int wbm_tlb_access(struct wbm_tlb *t, uint64_t va, unsigned int size_bit)
{
	int code = size_code(size_bit);

	if (!code)
		return -EINVAL;
	return access_one(t, va, code);
}

void wbm_tlb_stats(const struct wbm_tlb *t, struct wbm_tlb_stats *st)
{
	*st = t->st;
}

double wbm_tlb_miss_rate(const struct wbm_tlb_stats *st, int level)
{
	uint64_t m;

	if (!st->accesses || level < 0 || level > WBM_TLB_LEVELS)
		return 0.0;
	m = level ? st->misses[level] : st->walks;
	return (double)m / (double)st->accesses;
}

/* splitmix64: a seeded generator held by the caller, no global state. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int wbm_chase_order(uint64_t npages, uint64_t seed, uint32_t *order)
{
	if (!npages || npages > UINT32_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < npages; i++)
		order[i] = (uint32_t)i;
	for (uint64_t i = npages - 1; i > 0; i--) {
		uint64_t j = next_rand(&seed) % (i + 1);
		uint32_t x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	return 0;
}

#define CHASE_BASE ((uint64_t)1 << 40)

int wbm_tlb_run_chase(struct wbm_tlb *t, const uint32_t *order, uint64_t npages,
		      uint64_t page_size, uint64_t warm, uint64_t passes)
{
	int code = size_code(wbm_tlb_size_bit(page_size));

	if (!code || !npages)
		return -EINVAL;
	for (uint64_t p = 0; p < warm + passes; p++) {
		/* counted locally and folded in after each pass: keeps five
		 * read-modify-writes of the counters out of every access */
		uint64_t ended[WBM_TLB_LEVELS + 1] = { 0 };

		if (p == warm)
			wbm_tlb_clear_stats(t);
		for (uint64_t i = 0; i < npages; i++)
			ended[access_core(t, CHASE_BASE + order[i] * page_size,
					  code)]++;
		for (int i = 0; i <= t->path[code].n; i++)
			if (ended[i])
				account(t, code, i, ended[i]);
	}
	return 0;
}

static int zero_misses(struct wbm_tlb *t, uint32_t *order, uint64_t n,
		       uint64_t page_size, int level, uint64_t seed, int *zero)
{
	struct wbm_tlb_stats st;
	int err = wbm_chase_order(n, seed, order);

	if (err)
		return err;
	wbm_tlb_flush(t);
	err = wbm_tlb_run_chase(t, order, n, page_size, 2, 2);
	if (err)
		return err;
	wbm_tlb_stats(t, &st);
	*zero = (level ? st.misses[level] : st.walks) == 0;
	return 0;
}

int wbm_tlb_knee(struct wbm_tlb *t, uint32_t *order, uint64_t max_pages,
		 uint64_t page_size, int level, uint64_t seed,
		 uint64_t *knee_pages)
{
	int code = size_code(wbm_tlb_size_bit(page_size)), zero, err;
	uint64_t lo = 1, hi = max_pages;

	if (!code || level < 0 || level > WBM_TLB_LEVELS || max_pages < 2)
		return -EINVAL;
	if (level && t->route[code][level] < 0)
		return -ENOENT;
	err = zero_misses(t, order, lo, page_size, level, seed, &zero);
	if (err)
		return err;
	if (!zero) {
		*knee_pages = 0;
		return 0;
	}
	err = zero_misses(t, order, hi, page_size, level, seed, &zero);
	if (err)
		return err;
	if (zero)
		return -ERANGE; /* no knee below max_pages */
	/* invariant: lo has no misses, hi has some */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		err = zero_misses(t, order, mid, page_size, level, seed, &zero);
		if (err)
			return err;
		if (zero)
			lo = mid;
		else
			hi = mid;
	}
	*knee_pages = lo;
	return 0;
}
