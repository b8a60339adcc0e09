// SPDX-License-Identifier: MIT
/*
 * The option tables' parser, their --help, and the subcommand dispatcher
 * (opt.h). Every error about a command line's shape is worded here.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/parse.h"
#include "opt.h"
#include "runner/kernel.h"

/* the printer wraps help text short of this column */
#define HELP_COLUMNS 79

static bool is_help(const char *s)
{
	return !strcmp(s, "-h") || !strcmp(s, "--help");
}

/* -h or --help before any "--": help wins over every other argument */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (is_help(argv[i]))
			return true;
	return false;
}

static bool takes_value(const struct wb_opt *o)
{
	return o->kind != WB_OPT_FLAG;
}

static bool in_bounds(const struct wb_opt *o, double v)
{
	bool lo = o->flags & WB_OPT_MIN_OPEN ? v > o->min : v >= o->min;
	bool hi = o->flags & WB_OPT_MAX_OPEN ? v < o->max : v <= o->max;

	return lo && hi; /* NaN is in no bounds */
}

/* A bound in the unit the option is given in: 268435456 -> "256M". */
static const char *bound_text(const struct wb_opt *o, double v, char *buf,
			      size_t len)
{
	if (o->kind == WB_OPT_SIZE && v < 0x1p64)
		return wb_format_size((uint64_t)v, buf, len);
	snprintf(buf, len, "%g", v);
	return buf;
}

/* What a good value of @o looks like, from its kind and bounds. */
static const char *want_text(const struct wb_opt *o, char *buf, size_t len)
{
	char lo[32], hi[32];
	bool no_max = o->max >= (o->kind == WB_OPT_INT ? 2147483647.0 : 0x1p63);
	size_t off = 0;

	if (o->want)
		return o->want;
	bound_text(o, o->min, lo, sizeof(lo));
	bound_text(o, o->max, hi, sizeof(hi));
	switch (o->kind) {
	case WB_OPT_INT:
	case WB_OPT_U64:
		if (no_max)
			snprintf(buf, len, "an integer >= %s", lo);
		else
			snprintf(buf, len, "%s to %s", lo, hi);
		break;
	case WB_OPT_DOUBLE:
		if (isinf(o->max))
			snprintf(buf, len, "a number %s %s",
				 o->flags & WB_OPT_MIN_OPEN ? ">" : ">=", lo);
		else
			snprintf(buf, len, "a number in %c%s, %s%c",
				 o->flags & WB_OPT_MIN_OPEN ? '(' : '[', lo, hi,
				 o->flags & WB_OPT_MAX_OPEN ? ')' : ']');
		break;
	case WB_OPT_SIZE:
		snprintf(buf, len, "a size like 4K, 2M or 1.5G%s%s",
			 o->min > 0 ? ", at least " : "", o->min > 0 ? lo : "");
		break;
	case WB_OPT_PAGESIZE:
		snprintf(buf, len, "4K, 2M or 1G");
		break;
	case WB_OPT_CHOICE:
		buf[0] = 0;
		for (int i = 0; o->choices[i] && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						!i		    ? ""
						: o->choices[i + 1] ? ", "
								    : " or ",
						o->choices[i]);
		break;
	default:
		snprintf(buf, len, "a value");
	}
	return buf;
}

int wb_opt_bad(const char *cmd, const char *name, const char *val,
	       const char *want)
{
	return wb_error(WB_EXIT_USAGE, "%s %s '%s': need %s", cmd, name, val,
			want);
}

static int bad_value(const struct wb_opt_table *t, const struct wb_opt *o,
		     const char *val)
{
	char want[256];

	return wb_opt_bad(t->cmd, o->name, val,
			  want_text(o, want, sizeof(want)));
}

/* Stores @val as @o says into @base; 0 or the exit code after the error. */
static int store(const struct wb_opt_table *t, const struct wb_opt *o,
		 void *base, const char *val)
{
	void *dst = (char *)base + o->off;
	uint64_t u;
	double d;
	int i, *n;

	switch (o->kind) {
	case WB_OPT_FLAG:
		*(bool *)dst = true;
		return 0;
	case WB_OPT_STR:
		if ((o->flags & WB_OPT_NONEMPTY) && !*val)
			return bad_value(t, o, val);
		*(const char **)dst = val;
		return 0;
	case WB_OPT_INT:
		if (wb_parse_int(val, &i) || !in_bounds(o, i))
			return bad_value(t, o, val);
		*(int *)dst = i;
		return 0;
	case WB_OPT_U64:
	case WB_OPT_SIZE:
	case WB_OPT_PAGESIZE:
		if (o->kind == WB_OPT_PAGESIZE ? wb_parse_pagesize(val, &u)
		    : o->kind == WB_OPT_SIZE   ? wb_parse_size(val, &u)
					       : wb_parse_u64(val, &u))
			return bad_value(t, o, val);
		if (o->kind != WB_OPT_PAGESIZE &&
		    (!in_bounds(o, (double)u) || (o->step && u % o->step)))
			return bad_value(t, o, val);
		*(uint64_t *)dst = u;
		return 0;
	case WB_OPT_DOUBLE:
		if (wb_parse_double(val, &d) || !in_bounds(o, d))
			return bad_value(t, o, val);
		*(double *)dst = d;
		return 0;
	case WB_OPT_CHOICE:
		for (i = 0; o->choices[i]; i++)
			if (!strcmp(val, o->choices[i])) {
				*(int *)dst = i;
				return 0;
			}
		return bad_value(t, o, val);
	case WB_OPT_LIST:
		n = (int *)((char *)base + o->count_off);
		if (*n >= (int)o->max)
			return wb_error(WB_EXIT_USAGE,
					"%s: too many %s options (at most %d)",
					t->cmd, o->name, (int)o->max);
		((const char **)dst)[(*n)++] = val;
		return 0;
	case WB_OPT_CALL:
		i = o->parse(dst, val);
		return i < 0 ? bad_value(t, o, val) : i;
	}
	return bad_value(t, o, val);
}

/* The entry of @t (or of its also-table) that @tok names. */
static const struct wb_opt *lookup(const struct wb_opt_table *t,
				   const char *tok, size_t len, bool *also,
				   int *idx)
{
	const struct wb_opt_table *tabs[2] = { t, t->also };

	for (int k = 0; k < 2; k++) {
		const struct wb_opt *o = tabs[k] ? tabs[k]->opts : NULL;

		for (int i = 0; o && o[i].name; i++) {
			const char *a = o[i].alias;

			if ((o[i].flags & WB_OPT_TEST) && !wb_test_build)
				continue;
			if ((strlen(o[i].name) == len &&
			     !strncmp(o[i].name, tok, len)) ||
			    (a && strlen(a) == len && !strncmp(a, tok, len))) {
				*also = k;
				*idx = i;
				return &o[i];
			}
		}
	}
	return NULL;
}

static int positional(struct wb_opt_parse *p, const char *tok)
{
	const struct wb_opt_table *t = p->t;

	if (!p->args || (t->max_args >= 0 && p->nargs >= t->max_args)) {
		char most[32] = "";

		if (p->args && t->max_args > 0)
			snprintf(most, sizeof(most), " (it takes at most %d)",
				 t->max_args);
		return wb_error(WB_EXIT_USAGE, "%s: unexpected argument '%s'%s",
				t->cmd, tok, most);
	}
	p->args[p->nargs++] = tok;
	return 0;
}

static int option(struct wb_opt_parse *p, int argc, char **argv, int *i)
{
	const struct wb_opt_table *t = p->t;
	const char *tok = argv[*i], *eq = strchr(tok, '='), *val = NULL;
	size_t len = strlen(tok);
	const struct wb_opt *o;
	bool also = false;
	int idx = 0, err;

	if ((t->flags & WB_OPTS_EQUALS) && eq)
		len = (size_t)(eq - tok);
	o = lookup(t, tok, len, &also, &idx);
	if (o && len < strlen(tok)) {
		if (!takes_value(o))
			o = NULL; /* "--json=1" is no form of --json */
		else
			val = eq + 1;
	}
	if (!o)
		return wb_error(WB_EXIT_USAGE,
				"%s: unknown option '%s' (see walkbench %s "
				"--help)",
				t->cmd, tok, t->cmd);
	if (o->modes && !(o->modes & t->mode))
		return wb_error(WB_EXIT_USAGE, "%s does not take %s", t->cmd,
				o->name);
	if (takes_value(o) && !val) {
		if (*i + 1 >= argc)
			return wb_error(WB_EXIT_USAGE,
					"%s: option %s needs a value", t->cmd,
					tok);
		val = argv[++*i];
	}
	err = store(t, o, also ? p->also_dst : p->dst, val);
	if (err)
		return err;
	/* a table of more than 64 options is not told apart here */
	if (idx < 64)
		*(also ? &p->also_given : &p->given) |= 1ull << idx;
	if (also && p->also_seen)
		return p->also_seen(p->ctx, o, val);
	return 0;
}

int wb_opt_parse(struct wb_opt_parse *p, int argc, char **argv)
{
	const struct wb_opt_table *t = p->t;
	int err;

	p->help = false;
	p->nargs = 0;
	p->rest = argc;
	p->given = p->also_given = 0;
	if (wants_help(argc, argv)) {
		wb_opt_help(stdout, t);
		p->help = true;
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const char *tok = argv[i];

		if ((t->flags & WB_OPTS_DASHDASH) && !strcmp(tok, "--")) {
			p->rest = i + 1;
			break;
		}
		/* "-" alone is an argument, as every verb has taken it */
		if (tok[0] == '-' && tok[1])
			err = option(p, argc, argv, &i);
		else
			err = positional(p, tok);
		if (err)
			return err;
	}
	if (p->nargs < t->min_args)
		return wb_error(WB_EXIT_USAGE, "%s needs %s", t->cmd, t->needs);
	return 0;
}

bool wb_opt_given(const struct wb_opt_parse *p, const char *name)
{
	bool also;
	int idx;
	const struct wb_opt *o = lookup(p->t, name, strlen(name), &also, &idx);

	return o && idx < 64 && ((also ? p->also_given : p->given) >> idx & 1);
}

static bool shown(const struct wb_opt_table *t, const struct wb_opt *o)
{
	return o->help && (!o->modes || (o->modes & t->mode)) &&
	       (!(o->flags & WB_OPT_TEST) || wb_test_build);
}

/* "-p, --param [K.]NAME=V": the left column of --help */
static int left_text(const struct wb_opt *o, char *buf, size_t len)
{
	static const char *const arg_of[] = {
		[WB_OPT_STR] = "VALUE",	 [WB_OPT_INT] = "N",
		[WB_OPT_U64] = "N",	 [WB_OPT_DOUBLE] = "X",
		[WB_OPT_SIZE] = "SIZE",	 [WB_OPT_PAGESIZE] = "4K|2M|1G",
		[WB_OPT_LIST] = "VALUE", [WB_OPT_CALL] = "VALUE",
	};
	char choices[128] = "";
	const char *arg = o->arg ? o->arg : arg_of[o->kind];
	size_t off = 0;

	if (!o->arg && o->kind == WB_OPT_CHOICE) {
		for (int i = 0; o->choices[i] && off < sizeof(choices); i++)
			off += (size_t)snprintf(choices + off,
						sizeof(choices) - off, "%s%s",
						i ? "|" : "", o->choices[i]);
		arg = choices;
	}
	return snprintf(buf, len, "%s%s%s%s%s", o->alias ? o->alias : "",
			o->alias ? ", " : "", o->name,
			takes_value(o) ? " " : "", takes_value(o) ? arg : "");
}

/* @text from column @col, words wrapped; "\n" in it starts a line. */
static void wrap(FILE *f, const char *text, int col)
{
	int at = col, width = HELP_COLUMNS - col;

	while (*text) {
		size_t n = strcspn(text, " \n");

		if (at > col && at + 1 + (int)n > col + width) {
			fprintf(f, "\n%*s", col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', f);
			at++;
		}
		fprintf(f, "%.*s", (int)n, text);
		at += (int)n;
		text += n;
		if (*text == '\n' && at > col) {
			fprintf(f, "\n%*s", col, "");
			at = col;
		}
		if (*text)
			text++;
	}
	fputc('\n', f);
}

static int left_width(const struct wb_opt_table *t,
		      const struct wb_opt_table *of)
{
	char buf[128];
	int w = 0;

	for (int i = 0; of && of->opts && of->opts[i].name; i++) {
		int n = left_text(&of->opts[i], buf, sizeof(buf));

		if (shown(t, &of->opts[i]) && n > w)
			w = n;
	}
	return w;
}

static void print_opts(FILE *f, const struct wb_opt_table *t,
		       const struct wb_opt_table *of, int width)
{
	char buf[128];

	for (int i = 0; of->opts && of->opts[i].name; i++) {
		const struct wb_opt *o = &of->opts[i];

		if (!shown(t, o))
			continue;
		left_text(o, buf, sizeof(buf));
		fprintf(f, "  %-*s  ", width, buf);
		wrap(f, o->help, width + 4);
	}
}

void wb_opt_help(FILE *f, const struct wb_opt_table *t)
{
	int w = left_width(t, t), wa = left_width(t, t->also);

	if (wa > w)
		w = wa;
	fprintf(f, "usage: %s\n", t->usage);
	if (t->about)
		fprintf(f, "\n%s", t->about);
	if (left_width(t, t)) {
		fputc('\n', f);
		print_opts(f, t, t, w);
	}
	if (t->also) {
		fprintf(f, "\n%s\n", t->also_title);
		print_opts(f, t, t->also, w);
	}
	if (t->epilog)
		fprintf(f, "\n%s", t->epilog);
}

static void commands_help(FILE *f, const struct wb_commands *c)
{
	int w = 0;

	for (int i = 0; c->list[i].name; i++)
		if ((int)strlen(c->list[i].name) > w)
			w = (int)strlen(c->list[i].name);
	fprintf(f, "usage: %s\n\n", c->usage);
	for (int i = 0; c->list[i].name; i++)
		fprintf(f, "  %-*s  %s\n", w, c->list[i].name, c->list[i].help);
	if (c->epilog)
		fprintf(f, "\n%s", c->epilog);
}

int wb_dispatch(const struct wb_commands *c, int argc, char **argv)
{
	char names[256];
	size_t off = 0;

	if (argc < 2) {
		commands_help(stderr, c);
		return WB_EXIT_USAGE;
	}
	if (is_help(argv[1]) || !strcmp(argv[1], "help")) {
		commands_help(stdout, c);
		return WB_EXIT_OK;
	}
	names[0] = 0;
	for (int i = 0; c->list[i].name; i++) {
		if (!strcmp(argv[1], c->list[i].name))
			return c->list[i].fn(argc - 1, argv + 1);
		if (off < sizeof(names))
			off += (size_t)snprintf(names + off,
						sizeof(names) - off, "%s%s",
						i ? ", " : "", c->list[i].name);
	}
	return wb_error(WB_EXIT_USAGE, "%s%sunknown %s '%s' (%s)", c->cmd,
			c->cmd[0] ? ": " : "", c->what, argv[1], names);
}
