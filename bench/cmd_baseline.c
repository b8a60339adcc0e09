// SPDX-License-Identifier: MIT
/*
 * walkbench baseline save|check|list: results files kept as references
 * under DIR/<cpu-key>/<name>.json (bench/CI.md), and the CI gate that
 * compares a new run with the baseline of its own kind of machine. The
 * comparison itself is `walkbench compare`.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "results/baseline.h"
#include "cmd.h"
#include "opt.h"
#include "results/results.h"
#include "results/canon.h"
#include "results/resultsread.h"

#define DEFAULT_DIR "results/baselines"

enum {
	SAVE = 1,
	CHECK = 2,
	LIST = 4
};

struct bl_opts {
	const char *file, *dir, *name, *alpha, *threshold, *max_busy;
	bool replace, json, common, each;
};

static const struct wb_opt bl_options[] = {
	{ WB_STR("--dir", struct bl_opts, dir), .flags = WB_OPT_NONEMPTY,
	  .arg = "DIR", .want = "a directory",
	  .help = "where the baselines are (default " DEFAULT_DIR ")" },
	{ WB_STR("--name", struct bl_opts, name), .modes = SAVE | CHECK,
	  .arg = "NAME",
	  .help = "the baseline's name (default: from the run's command "
		  "line)" },
	{ WB_FLAG("--replace", struct bl_opts, replace), .modes = SAVE,
	  .help = "overwrite an existing baseline" },
	/* compare's options, passed on as given */
	{ WB_STR("--alpha", struct bl_opts, alpha), .modes = CHECK, .arg = "A",
	  .help = "as walkbench compare --alpha" },
	{ WB_STR("--threshold", struct bl_opts, threshold), .modes = CHECK,
	  .arg = "PCT", .help = "as walkbench compare --threshold" },
	{ WB_FLAG("--each", struct bl_opts, each), .modes = CHECK,
	  .help = "as walkbench compare --each" },
	{ WB_STR("--max-busy", struct bl_opts, max_busy), .modes = CHECK,
	  .arg = "CPUS", .help = "as walkbench compare --max-busy" },
	{ WB_FLAG("--json", struct bl_opts, json), .modes = CHECK | LIST,
	  .help = "check: compare's JSON; list: the baselines as JSON" },
	{ WB_FLAG("--common", struct bl_opts, common), .modes = CHECK,
	  .help = "as walkbench compare --common" },
	{ NULL },
};

#define BL_ABOUT                                                               \
	"Baselines live in DIR/<cpu-key>/<name>.json (DIR: " DEFAULT_DIR       \
	").\nThe cpu-key is vendor-family-model-hypervisor[-emulated] of the " \
	"machine\nthat made the run (intel-6-167-kvm); the name defaults to "  \
	"the suites\nnamed after 'run', joined with '+', plus -quick for "     \
	"--quick runs\n(tlb-quick, all).\n"
#define BL_EXIT                                                                \
	"Exit: 0 ok (check: no regression), 1 regressed, 2 bad input, 3 no "   \
	"baseline\nfor this CPU key or name, 5 a change withheld because a "   \
	"run was busy.\nbench/CI.md has the CI recipe.\n"

static const struct wb_opt_table save_table = {
	.cmd = "baseline save",
	.usage = "walkbench baseline save RESULTS.json [--dir DIR] [--name "
		 "NAME]\n"
		 "                               [--replace]",
	.about = "Keeps a complete run with verified page sizes as the "
		 "baseline of its machine.\n" BL_ABOUT,
	.opts = bl_options,
	.epilog = BL_EXIT,
	.mode = SAVE,
	.min_args = 1,
	.max_args = 1,
	.needs = "a RESULTS.json file",
};

static const struct wb_opt_table check_table = {
	.cmd = "baseline check",
	.usage = "walkbench baseline check NEW.json [--dir DIR] [--name NAME] "
		 "[--alpha A]\n                                [--threshold "
		 "PCT] "
		 "[--each] [--max-busy CPUS]\n                                "
		 "[--json] [--common]",
	.about = "Compares NEW with the baseline of its machine (walkbench "
		 "compare; its\noptions are passed on).\n" BL_ABOUT,
	.opts = bl_options,
	.epilog = BL_EXIT,
	.mode = CHECK,
	.min_args = 1,
	.max_args = 1,
	.needs = "a NEW.json file",
};

static const struct wb_opt_table list_table = {
	.cmd = "baseline list",
	.usage = "walkbench baseline list [--dir DIR] [--json]",
	.about = "One line per baseline.\n" BL_ABOUT,
	.opts = bl_options,
	.epilog = BL_EXIT,
	.mode = LIST,
};

/* Returns 0, or the exit code; *help when --help was printed. */
static int parse(const struct wb_opt_table *t, int argc, char **argv,
		 struct bl_opts *o, bool *help)
{
	struct wb_opt_parse p = { .t = t, .dst = o, .args = &o->file };
	int err;

	*o = (struct bl_opts){ .dir = DEFAULT_DIR };
	err = wb_opt_parse(&p, argc, argv);
	*help = p.help;
	if (err || p.help)
		return err;
	if (o->name && !wb_baseline_name_valid(o->name)) {
		char want[64];

		snprintf(want, sizeof(want), "1 to %d of [A-Za-z0-9._+-]",
			 WB_BASELINE_NAME_MAX);
		return wb_opt_bad(t->cmd, "--name", o->name, want);
	}
	return 0;
}

/* Loads @path and derives its key and (unless given) its name. */
static int load(const struct bl_opts *o, struct wb_rfile *r, char *key,
		size_t klen, char *name, size_t nlen)
{
	char why[512];

	if (wb_rfile_load_named(o->file, r, why, sizeof(why)))
		return wb_error(WB_EXIT_USAGE, "%s", why);
	if (wb_baseline_cpu_key(r->wb, key, klen)) {
		wb_rfile_free(r);
		return wb_error(WB_EXIT_USAGE,
				"%s: the CPU key of its machine is too long",
				o->file);
	}
	if (o->name) {
		snprintf(name, nlen, "%s", o->name);
	} else if (wb_baseline_default_name(r->wb, name, nlen)) {
		wb_error(WB_EXIT_USAGE,
			 "%s: no baseline name follows from its command line "
			 "'%s'; give --name",
			 o->file, wb_jstr(r->wb, "command_line"));
		wb_rfile_free(r);
		return WB_EXIT_USAGE;
	}
	return 0;
}

static void warn_few_samples(const struct wb_rfile *r)
{
	size_t few = 0, min = wb_baseline_min_samples(r);
	const char *first = "";

	for (size_t i = 0; i < r->nb; i++) {
		if (wb_baseline_samples(&r->b[i]) < WB_BASELINE_MIN_SAMPLES) {
			if (!few)
				first = r->b[i].name;
			few++;
		}
	}
	if (few)
		fprintf(stderr,
			"walkbench: warning: %s: %zu of %zu benchmarks (first "
			"'%s') have fewer than %d independent samples (min "
			"%zu): compare cannot judge them; run with more "
			"--reps\n",
			r->path, few, r->nb, first, WB_BASELINE_MIN_SAMPLES,
			min);
}

/* compare's default --max-busy: a baseline busier than that can gate
 * nothing, every change it shows would be withheld */
#define QUIET_CPUS 0.25

static void warn_busy(const struct wb_rfile *r)
{
	const json_t *mb = json_object_get(r->wb, "machine_busy");
	double busy = wb_jnum(mb, "others_cpu") + wb_jnum(mb, "steal_cpu");

	if (busy > QUIET_CPUS)
		fprintf(stderr,
			"walkbench: warning: %s: others and the hypervisor "
			"took %.2f CPUs while it measured: compare withholds "
			"verdicts against a run busier than --max-busy %g\n",
			r->path, busy, QUIET_CPUS);
}

static int save(const struct bl_opts *o)
{
	struct wb_rfile r;
	char key[128], name[WB_BASELINE_NAME_MAX + 1], dir[4096], path[4200];
	char why[512];
	int err = load(o, &r, key, sizeof(key), name, sizeof(name));

	if (err)
		return err;
	if (wb_baseline_refuse(&r, why, sizeof(why))) {
		wb_rfile_free(&r);
		return wb_error(WB_EXIT_USAGE, "not saved as a baseline: %s",
				why);
	}
	snprintf(dir, sizeof(dir), "%s/%s", o->dir, key);
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	if (!o->replace && !access(path, F_OK)) {
		wb_rfile_free(&r);
		return wb_error(WB_EXIT_USAGE,
				"baseline %s exists; --replace overwrites it",
				path);
	}
	warn_few_samples(&r);
	warn_busy(&r);
	err = wb_mkdir_p(dir);
	if (!err)
		err = wb_results_write(path, r.root, o->replace);
	wb_rfile_free(&r);
	if (err == -EEXIST)
		return wb_error(WB_EXIT_USAGE,
				"baseline %s exists; --replace overwrites it",
				path);
	if (err)
		return wb_error(WB_EXIT_USAGE, "cannot write %s: %s", path,
				strerror(-err));
	printf("%s\n", path);
	return 0;
}

static int check(const struct bl_opts *o)
{
	struct wb_rfile r;
	char key[128], name[WB_BASELINE_NAME_MAX + 1], path[4200], have[2048];
	enum wb_baseline_miss miss;
	char *av[16];
	int ac = 0;
	int err = load(o, &r, key, sizeof(key), name, sizeof(name));

	if (err)
		return err;
	wb_rfile_free(&r);
	err = wb_baseline_find(o->dir, key, name, path, sizeof(path), have,
			       sizeof(have), &miss);
	if (err)
		return wb_error(WB_EXIT_USAGE, "cannot read %s: %s", o->dir,
				strerror(-err));
	if (miss == WB_BASELINE_NO_KEY)
		return wb_error(WB_EXIT_MISSING,
				"no baseline for %s in %s (have: %s)", key,
				o->dir, have);
	if (miss == WB_BASELINE_NO_NAME)
		return wb_error(WB_EXIT_MISSING,
				"no baseline named '%s' for %s in %s (have: "
				"%s)",
				name, key, o->dir, have);
	fprintf(o->json ? stderr : stdout, "baseline: %s\n", path);
	fflush(stdout);
	av[ac++] = "compare";
	av[ac++] = path;
	av[ac++] = (char *)o->file;
	if (o->alpha) {
		av[ac++] = "--alpha";
		av[ac++] = (char *)o->alpha;
	}
	if (o->threshold) {
		av[ac++] = "--threshold";
		av[ac++] = (char *)o->threshold;
	}
	if (o->max_busy) {
		av[ac++] = "--max-busy";
		av[ac++] = (char *)o->max_busy;
	}
	if (o->each)
		av[ac++] = "--each";
	if (o->json)
		av[ac++] = "--json";
	if (o->common)
		av[ac++] = "--common";
	av[ac] = NULL;
	return cmd_compare(ac, av);
}

/* One baseline's summary, or NULL with @why filled when it is unreadable */
static json_t *describe(const char *dir, const char *key, const char *name,
			char *why, size_t len)
{
	struct wb_rfile r;
	char path[4200];
	json_t *o;

	snprintf(path, sizeof(path), "%s/%s/%s.json", dir, key, name);
	if (wb_rfile_load_named(path, &r, why, len))
		return NULL;
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "key", key, "name",
		      name, "path", path, "date", wb_jstr(r.context, "date"),
		      "host", wb_jstr(r.context, "host_name"), "benchmarks",
		      (json_int_t)r.nb, "min_samples",
		      (json_int_t)wb_baseline_min_samples(&r), "git_commit",
		      wb_jstr(r.wb, "git_commit"));
	wb_rfile_free(&r);
	if (!o)
		snprintf(why, len, "out of memory");
	return o;
}

static void print_row(const json_t *b)
{
	printf("%-20s %-20s %-25s %-12s %10lld %7lld %s\n", wb_jstr(b, "key"),
	       wb_jstr(b, "name"), wb_jstr(b, "date"), wb_jstr(b, "host"),
	       (long long)json_integer_value(json_object_get(b, "benchmarks")),
	       (long long)json_integer_value(json_object_get(b, "min_samples")),
	       wb_jstr(b, "git_commit"));
}

static int list(const struct bl_opts *o)
{
	char **keys, **names, why[512];
	size_t nk, nn;
	json_t *all = json_array();
	int bad = 0, err;

	if (!all)
		return wb_error(WB_EXIT_USAGE, "out of memory");
	err = wb_baseline_entries(o->dir, false, &keys, &nk);
	if (err) {
		json_decref(all);
		return wb_error(WB_EXIT_USAGE, "cannot read %s: %s", o->dir,
				strerror(-err));
	}
	for (size_t k = 0; k < nk; k++) {
		char kdir[4096];

		snprintf(kdir, sizeof(kdir), "%s/%s", o->dir, keys[k]);
		if (wb_baseline_entries(kdir, true, &names, &nn)) {
			fprintf(stderr, "walkbench: error: cannot read %s\n",
				kdir);
			bad = 1;
			continue;
		}
		for (size_t i = 0; i < nn; i++) {
			json_t *b = describe(o->dir, keys[k], names[i], why,
					     sizeof(why));

			if (!b) {
				fprintf(stderr, "walkbench: error: %s\n", why);
				bad = 1;
				continue;
			}
			json_array_append_new(all, b);
		}
		wb_baseline_entries_free(names, nn);
	}
	wb_baseline_entries_free(keys, nk);
	if (o->json) {
		json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (!json_array_size(all)) {
		fprintf(stderr, "walkbench: no baselines under %s\n", o->dir);
	} else {
		size_t i;
		json_t *b;

		printf("%-20s %-20s %-25s %-12s %10s %7s %s\n", "cpu-key",
		       "name", "date", "host", "benchmarks", "samples", "git");
		json_array_foreach(all, i, b)
			print_row(b);
	}
	json_decref(all);
	/* an unreadable file among the baselines fails the listing: a CI
	 * job listing them should notice */
	return bad ? WB_EXIT_USAGE : 0;
}

static int bl_save(int argc, char **argv)
{
	struct bl_opts o;
	bool help;
	int err = parse(&save_table, argc, argv, &o, &help);

	return err || help ? err : save(&o);
}

static int bl_check(int argc, char **argv)
{
	struct bl_opts o;
	bool help;
	int err = parse(&check_table, argc, argv, &o, &help);

	return err || help ? err : check(&o);
}

static int bl_list(int argc, char **argv)
{
	struct bl_opts o;
	bool help;
	int err = parse(&list_table, argc, argv, &o, &help);

	return err || help ? err : list(&o);
}

static const struct wb_command bl_cmds[] = {
	{ "save", bl_save, "keep a results file as its machine's baseline" },
	{ "check", bl_check, "compare a run with its machine's baseline" },
	{ "list", bl_list, "one line per baseline" },
	{ NULL },
};

static const struct wb_commands bl_commands = {
	.cmd = "baseline",
	.usage = "walkbench baseline save|check|list [ARGS]",
	.what = "subcommand",
	.list = bl_cmds,
	.epilog = BL_ABOUT BL_EXIT
	"'walkbench baseline SUBCOMMAND --help' describes one.\n",
};

int cmd_baseline(int argc, char **argv)
{
	return wb_dispatch(&bl_commands, argc, argv);
}
