/* SPDX-License-Identifier: MIT */
/*
 * Command lines. Each verb describes its options in one table (name, kind,
 * where the value goes, bounds, help); one parser walks argv against it and
 * one printer makes --help from it, so that every verb accepts the same
 * forms and words each kind of error the same way. A verb with subcommands
 * lists them in a wb_command table and hands argv to wb_dispatch().
 */
#ifndef WB_OPT_H
#define WB_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum wb_opt_kind {
	WB_OPT_FLAG, /* bool, set to true; takes no value */
	WB_OPT_STR, /* const char *, the value itself */
	WB_OPT_INT, /* int in [min, max] */
	WB_OPT_U64, /* uint64_t in [min, max] */
	WB_OPT_DOUBLE, /* double between min and max (see WB_OPT_*_OPEN) */
	WB_OPT_SIZE, /* uint64_t bytes (wb_parse_size) in [min, max] */
	WB_OPT_PAGESIZE, /* uint64_t bytes: 4K, 2M or 1G */
	WB_OPT_CHOICE, /* int, the index of the value in .choices */
	WB_OPT_LIST, /* const char *[], one more each time it is given */
	WB_OPT_CALL, /* .parse() takes the value */
};

/* wb_opt.flags */
#define WB_OPT_MIN_OPEN 1u /* min itself is out of bounds */
#define WB_OPT_MAX_OPEN 2u /* max itself is out of bounds */
#define WB_OPT_NONEMPTY 4u /* STR: "" is refused */
/* for tests only: taken and shown by build/walkbench-test alone
 * (wb_test_build), so no installed program, man page or completion has it */
#define WB_OPT_TEST 8u

struct wb_opt {
	const char *name; /* "--reps"; NULL ends a table */
	const char *alias; /* "-p", or NULL */
	enum wb_opt_kind kind;
	size_t off; /* where the value goes in the parse's destination */
	const char *arg; /* the value in --help; NULL: from the kind */
	const char *help; /* one paragraph, wrapped by the printer */
	double min, max; /* bounds; LIST: max is the room in the array */
	unsigned int flags;
	const char *want; /* a good value, for the error; NULL: from bounds */
	const char *const *choices; /* CHOICE: NULL-terminated */
	uint64_t step; /* SIZE: the value must be a multiple of it */
	size_t count_off; /* LIST: the int that counts the values */
	/* CALL: 0; -EINVAL when @arg is no good value (the parser says so
	 * with .want); or an exit code after its own one-line error. */
	int (*parse)(void *dst, const char *arg);
	unsigned int modes; /* tables (wb_opt_table.mode) that take it; 0 all */
};

/* offsetof(T, f), refused at compile time unless T.f is of @type */
#define WB_OFF(T, f, type)                                                     \
	(offsetof(T, f) +                                                      \
	 0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((T *)0)->f), \
						      type)                    \
				 ? 1                                           \
				 : -1]))

#define WB_FLAG(nm, T, f)                                                      \
	.name = (nm), .kind = WB_OPT_FLAG, .off = WB_OFF(T, f, bool)
#define WB_STR(nm, T, f)                                                       \
	.name = (nm), .kind = WB_OPT_STR, .off = WB_OFF(T, f, const char *)
#define WB_INT(nm, T, f, lo, hi)                                               \
	.name = (nm), .kind = WB_OPT_INT, .off = WB_OFF(T, f, int),            \
	.min = (lo), .max = (hi)
#define WB_U64(nm, T, f, lo, hi)                                               \
	.name = (nm), .kind = WB_OPT_U64, .off = WB_OFF(T, f, uint64_t),       \
	.min = (lo), .max = (hi)
#define WB_DOUBLE(nm, T, f, lo, hi)                                            \
	.name = (nm), .kind = WB_OPT_DOUBLE, .off = WB_OFF(T, f, double),      \
	.min = (lo), .max = (hi)
#define WB_SIZE(nm, T, f, lo)                                                  \
	.name = (nm), .kind = WB_OPT_SIZE, .off = WB_OFF(T, f, uint64_t),      \
	.min = (lo), .max = 0x1p64
#define WB_PAGESIZE(nm, T, f)                                                  \
	.name = (nm), .kind = WB_OPT_PAGESIZE, .off = WB_OFF(T, f, uint64_t)
#define WB_CHOICE(nm, T, f, list)                                              \
	.name = (nm), .kind = WB_OPT_CHOICE, .off = WB_OFF(T, f, int),         \
	.choices = (list)
#define WB_LIST(nm, T, f, n)                                                   \
	.name = (nm), .kind = WB_OPT_LIST,                                     \
	.off = WB_OFF(T, f[0], const char *), .count_off = WB_OFF(T, n, int),  \
	.max = sizeof(((T *)0)->f) / sizeof(((T *)0)->f[0])
#define WB_CALL(nm, T, f, fn)                                                  \
	.name = (nm), .kind = WB_OPT_CALL, .off = offsetof(T, f), .parse = (fn)

/* wb_opt_table.flags */
#define WB_OPTS_EQUALS 1u /* "--name=VALUE" as well as "--name VALUE" */
#define WB_OPTS_DASHDASH 2u /* "--" ends the options (policy -- COMMAND) */

/* One command line: a verb, or a subcommand of one. */
struct wb_opt_table {
	const char *cmd; /* "run", "vm run": errors and --help name it */
	const char *usage; /* "walkbench run [SUITE|KERNEL ...] [options]" */
	const char *about; /* prose between the usage and the options */
	const struct wb_opt *opts; /* ends with a NULL name; may be NULL */
	const char *epilog; /* prose after the options */
	unsigned int flags;
	unsigned int mode; /* takes the options whose .modes has it */
	/* positional arguments: at least min_args, at most max_args (-1: no
	 * limit); with fewer, "CMD needs NEEDS" */
	int min_args, max_args;
	const char *needs;
	/* another table's options taken as well (vm run takes run's), with
	 * their heading in --help */
	const struct wb_opt_table *also;
	const char *also_title;
};

/* One parse of argv (argv[0] is the verb) against a table. */
struct wb_opt_parse {
	const struct wb_opt_table *t;
	void *dst; /* where t->opts' offsets point into */
	void *also_dst; /* the same for t->also */
	/* positional arguments in order: room for max_args of them, or for
	 * argc with no limit */
	const char **args;
	/* called after each option of t->also, with its value (NULL for a
	 * flag); 0 or an exit code */
	int (*also_seen)(void *ctx, const struct wb_opt *o, const char *arg);
	void *ctx;

	/* set by wb_opt_parse() */
	bool help; /* --help was asked for and printed */
	int nargs;
	int rest; /* argv index after "--" (WB_OPTS_DASHDASH); else argc */
	uint64_t given, also_given; /* bit i: opts[i] was given */
};

/*
 * Parses argv[1..] into p->dst. Returns 0, or the exit code after a
 * one-line error (walkbench: error: ...). With -h or --help anywhere
 * before "--", prints the help on stdout instead and sets p->help.
 */
int wb_opt_parse(struct wb_opt_parse *p, int argc, char **argv);
/* --help of @t, from its table */
void wb_opt_help(FILE *f, const struct wb_opt_table *t);
/* true when option @name (as in the table) was on the command line */
bool wb_opt_given(const struct wb_opt_parse *p, const char *name);
/* The one wording of a bad option value, for checks the table cannot
 * express: "CMD NAME 'VALUE': need WANT". Returns the usage exit code. */
int wb_opt_bad(const char *cmd, const char *name, const char *val,
	       const char *want);

/* A subcommand, like git's commands[]: argv[0] is its name. */
struct wb_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help; /* one line */
};

struct wb_commands {
	const char *cmd; /* "model", or "" for walkbench itself */
	const char *usage; /* "walkbench model SUBVERB [ARGS]" */
	const char *what; /* "subverb": errors call argv[1] that */
	const struct wb_command *list; /* ends with a NULL name */
	const char *epilog;
};

/* Runs the subcommand argv[1] names with argv + 1; prints the list for
 * -h, --help or help; returns its exit code. */
int wb_dispatch(const struct wb_commands *c, int argc, char **argv);

#endif
