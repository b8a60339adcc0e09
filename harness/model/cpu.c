// SPDX-License-Identifier: MIT
/*
 * Reads the compiled-in CPU table. Parsing on each lookup keeps the library
 * free of global state; the table is a few rows.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cpu.h"

extern const char wb_data_cpus_tsv[];

#define NCOL 10

/* Copies field @s (up to tab/newline/NUL) into @buf. */
static const char *field(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	while (*s && *s != '\t' && *s != '\n') {
		if (n + 1 < len)
			buf[n++] = *s;
		s++;
	}
	buf[n] = 0;
	return s;
}

static int parse_hex(const char *s, unsigned long *out)
{
	char *end;

	if (!isxdigit((unsigned char)s[0]) && s[0] != '0')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 16);
	if (errno || end == s)
		return -EINVAL;
	return (int)(end - s);
}

static int parse_size(const char *s, uint64_t *out, const char **end)
{
	char *e;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	v = strtoull(s, &e, 10);
	if (*e == 'K')
		v <<= 10, e++;
	else if (*e == 'M')
		v <<= 20, e++;
	else if (*e == 'G')
		v <<= 30, e++;
	*out = v;
	*end = e;
	return 0;
}

static int parse_u32(const char *s, uint32_t *out, const char **end)
{
	char *e;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	*end = e;
	return 0;
}

int wbm_tlb_parse_level(const char *s, int level, struct wbm_tlb_geom *g)
{
	if (!strcmp(s, "-"))
		return 0;
	for (;;) {
		struct wbm_tlb_struct st = { .level = level };
		uint64_t sz;
		const char *e;

		for (;;) {
			unsigned int bit;

			if (parse_size(s, &sz, &e))
				return -EINVAL;
			bit = wbm_tlb_size_bit(sz);
			if (!bit || st.sizes & bit)
				return -EINVAL;
			st.sizes |= bit;
			s = e;
			if (*s != '+')
				break;
			s++;
		}
		if (*s++ != ':' || parse_u32(s, &st.entries, &e) || *e != ':')
			return -EINVAL;
		s = e + 1;
		if (!strncmp(s, "FA", 2)) {
			st.ways = st.entries;
			e = s + 2;
		} else if (parse_u32(s, &st.ways, &e)) {
			return -EINVAL;
		}
		if (!st.ways)
			st.ways = st.entries;
		if (g->n >= WBM_TLB_MAX)
			return -EINVAL;
		g->s[g->n++] = st;
		s = e;
		if (!*s)
			break;
		if (*s++ != ',')
			return -EINVAL;
	}
	return wbm_tlb_geom_check(g);
}

static int parse_l1d(const char *s, struct wbm_cpu *c)
{
	const char *e;

	if (!strcmp(s, "-"))
		return 0; /* not published: l1d_bytes stays 0 */
	if (parse_size(s, &c->l1d_bytes, &e) || *e != '/' ||
	    parse_u32(e + 1, &c->l1d_ways, &e) || *e != '/' ||
	    parse_u32(e + 1, &c->l1d_line, &e) || *e)
		return -EINVAL;
	return 0;
}

static int parse_pwc(const char *s, struct wbm_cpu *c)
{
	const char *e;

	if (!strcmp(s, "-"))
		return 0;
	for (;;) {
		uint32_t lvl, n;

		if (*s++ != 'L' || parse_u32(s, &lvl, &e) || *e != ':' ||
		    lvl < 2 || lvl > 5 || parse_u32(e + 1, &n, &e))
			return -EINVAL;
		c->pwc[lvl] = n;
		s = e;
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

/* "4" for every level, or "L1:4,L2:4"; levels not named stay 1. */
static int parse_coalesce(const char *s, struct wbm_cpu *c)
{
	const char *e;
	uint32_t n;

	for (int l = 0; l <= WBM_TLB_LEVELS; l++)
		c->coalesce[l] = 1;
	if (*s != 'L') {
		if (parse_u32(s, &n, &e) || *e || !n)
			return -EINVAL;
		for (int l = 1; l <= WBM_TLB_LEVELS; l++)
			c->coalesce[l] = n;
		return 0;
	}
	for (;;) {
		uint32_t lvl;

		if (*s++ != 'L' || parse_u32(s, &lvl, &e) || *e != ':' ||
		    lvl < 1 || lvl > WBM_TLB_LEVELS ||
		    parse_u32(e + 1, &n, &e) || !n)
			return -EINVAL;
		c->coalesce[lvl] = n;
		s = e;
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

uint32_t wbm_cpu_coalesce(const struct wbm_cpu *c, int level)
{
	if (level < 1 || level > WBM_TLB_LEVELS || !c->coalesce[level])
		return 1;
	return c->coalesce[level];
}

/* Does the models column list @model? */
static int lists_model(const char *s, unsigned int model)
{
	while (*s) {
		unsigned long lo, hi;
		int n = parse_hex(s, &lo);

		if (n < 0)
			return 0;
		s += n;
		hi = lo;
		if (*s == '-') {
			n = parse_hex(++s, &hi);
			if (n < 0)
				return 0;
			s += n;
		}
		if (model >= lo && model <= hi)
			return 1;
		if (*s == ',')
			s++;
		else if (*s)
			return 0;
	}
	return 0;
}

/* Copies string @src into @dst of @len bytes; -EINVAL if it does not fit. */
static int copy_col(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -EINVAL;
	memcpy(dst, src, n + 1);
	return 0;
}

/* Parses the row starting at @line; *@models gets the models column. */
static int parse_row(const char *line, struct wbm_cpu *c, char *models,
		     size_t mlen)
{
	char col[NCOL][512];
	const char *s = line;
	unsigned long fam;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < NCOL; i++) {
		s = field(s, col[i], sizeof(col[i]));
		if (i < NCOL - 1 && *s++ != '\t')
			return -EINVAL;
	}
	if (copy_col(c->name, sizeof(c->name), col[0]) ||
	    copy_col(c->vendor, sizeof(c->vendor), col[1]) ||
	    parse_hex(col[2], &fam) < 0)
		return -EINVAL;
	c->family = (unsigned int)fam;
	if (copy_col(models, mlen, col[3]) ||
	    copy_col(c->source, sizeof(c->source), col[9]))
		return -EINVAL;
	if (parse_l1d(col[4], c) || wbm_tlb_parse_level(col[5], 1, &c->dtlb) ||
	    wbm_tlb_parse_level(col[6], 2, &c->dtlb) || parse_pwc(col[7], c) ||
	    parse_coalesce(col[8], c))
		return -EINVAL;
	return 0;
}

/* Calls @match on each row until it returns 1. */
static int each_row(int (*match)(const struct wbm_cpu *, const char *,
				 const void *),
		    const void *arg, struct wbm_cpu *out)
{
	const char *s = wb_data_cpus_tsv;

	while (*s) {
		const char *nl = strchr(s, '\n');
		char models[256];

		if (*s != '#' && *s != '\n') {
			int err = parse_row(s, out, models, sizeof(models));

			if (err)
				return err;
			if (match(out, models, arg))
				return 0;
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}

struct id {
	const char *vendor;
	unsigned int family, model;
};

static int match_id(const struct wbm_cpu *c, const char *models,
		    const void *arg)
{
	const struct id *id = arg;

	return !strcmp(c->vendor, id->vendor) && c->family == id->family &&
	       lists_model(models, id->model);
}

int wbm_cpu_lookup(const char *vendor, unsigned int family, unsigned int model,
		   struct wbm_cpu *out)
{
	struct id id = { vendor, family, model };

	return each_row(match_id, &id, out);
}

/* Name compare that ignores case, spaces, '-' and '_'. */
static int same_name(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '-' || *a == '_')
			a++;
		while (*b == ' ' || *b == '-' || *b == '_')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (!*a)
			return 1;
		a++, b++;
	}
}

static int match_name(const struct wbm_cpu *c, const char *models,
		      const void *arg)
{
	(void)models;
	return same_name(c->name, arg);
}

int wbm_cpu_by_name(const char *name, struct wbm_cpu *out)
{
	return each_row(match_name, name, out);
}

static int match_index(const struct wbm_cpu *c, const char *models,
		       const void *arg)
{
	int *left = (int *)arg;

	(void)c, (void)models;
	return (*left)-- == 0;
}

int wbm_cpu_at(int i, struct wbm_cpu *out)
{
	if (i < 0)
		return -ENOENT;
	return each_row(match_index, &i, out);
}

/*
 * The row names as constants, so wbm_cpu_tlb_reach() can hand out a name
 * that outlives the call without any mutable state. test_model_cpu checks
 * that every row of the table is here.
 */
static const char *const row_names[] = {
	"Skylake",	"Sunny Cove",  "Cypress Cove", "Golden Cove",
	"Redwood Cove", "Zen 3",       "Zen 4",	       "Zen 5",
	"Neoverse N1",	"Neoverse V1", "Neoverse N2",  "Neoverse V2",
};

const char *wbm_cpu_static_name(const char *name)
{
	for (size_t i = 0; i < sizeof(row_names) / sizeof(row_names[0]); i++)
		if (!strcmp(row_names[i], name))
			return row_names[i];
	return "unnamed row";
}

static const char *static_name(const char *name)
{
	return wbm_cpu_static_name(name);
}

int wbm_cpu_tlb_reach(const char *vendor, unsigned int family,
		      unsigned int model, uint64_t page_size, uint64_t *l1,
		      uint64_t *l2, const char **row_name)
{
	struct wbm_cpu c;
	int err = wbm_cpu_lookup(vendor, family, model, &c);

	*l1 = *l2 = 0;
	if (row_name)
		*row_name = NULL;
	if (err)
		return err;
	/* a row whose TLB is not published is as unknown as a missing row */
	if (!c.dtlb.n)
		return -ENOENT;
	if (!wbm_tlb_size_bit(page_size))
		return -EINVAL;
	*l1 = wbm_tlb_entries(&c.dtlb, 1, page_size);
	*l2 = wbm_tlb_entries(&c.dtlb, 2, page_size);
	if (row_name)
		*row_name = static_name(c.name);
	return 0;
}

int wbm_cpu_folio_reach(const char *vendor, unsigned int family,
			unsigned int model, uint64_t folio_size, bool coalesce,
			uint64_t *l1, uint64_t *l2, uint32_t *factor1,
			uint32_t *factor2, const char **row_name)
{
	uint64_t per = folio_size / WBM_4K, e[3];
	uint32_t f[3] = { 1, 1, 1 };
	struct wbm_cpu c;
	int err;

	*l1 = *l2 = 0;
	if (row_name)
		*row_name = NULL;
	if (folio_size < 2 * WBM_4K || folio_size >= WBM_2M ||
	    (folio_size & (folio_size - 1)))
		return -EINVAL;
	err = wbm_cpu_lookup(vendor, family, model, &c);
	if (!err && !c.dtlb.n)
		err = -ENOENT;
	if (err)
		return err;
	for (int l = 1; l <= 2; l++) {
		uint64_t cf = coalesce ? wbm_cpu_coalesce(&c, l) : 1;

		f[l] = (uint32_t)(cf < per ? cf : per);
		e[l] = wbm_tlb_entries(&c.dtlb, l, WBM_4K);
	}
	*l1 = e[1] * f[1];
	*l2 = e[2] * f[2];
	if (factor1)
		*factor1 = f[1];
	if (factor2)
		*factor2 = f[2];
	if (row_name)
		*row_name = static_name(c.name);
	return 0;
}
