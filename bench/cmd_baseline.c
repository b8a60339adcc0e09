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
#include "results/results.h"
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

/* Which option each verb takes, and where it goes: one table for parsing
 * and for the error that names an option given to the wrong verb. */
struct bl_opt {
	const char *name;
	int verbs;
	bool flag; /* a bool in struct bl_opts, else a const char * value */
	size_t off; /* where in struct bl_opts */
};

#define STR(f) false, offsetof(struct bl_opts, f)
#define FLAG(f) true, offsetof(struct bl_opts, f)
static const struct bl_opt bl_opts_tab[] = {
	{ "--dir", SAVE | CHECK | LIST, STR(dir) },
	{ "--name", SAVE | CHECK, STR(name) },
	{ "--alpha", CHECK, STR(alpha) },
	{ "--threshold", CHECK, STR(threshold) },
	{ "--max-busy", CHECK, STR(max_busy) },
	{ "--each", CHECK, FLAG(each) },
	{ "--replace", SAVE, FLAG(replace) },
	{ "--json", CHECK | LIST, FLAG(json) },
	{ "--common", CHECK, FLAG(common) },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: walkbench baseline save RESULTS.json [--dir DIR] "
		"[--name NAME] [--replace]\n"
		"       walkbench baseline check NEW.json [--dir DIR] "
		"[--name NAME] [--alpha A]\n"
		"                                [--threshold PCT] [--each] "
		"[--max-busy CPUS]\n"
		"                                [--json] [--common]\n"
		"       walkbench baseline list [--dir DIR] [--json]\n\n"
		"Baselines live in DIR/<cpu-key>/<name>.json (DIR: "
		"" DEFAULT_DIR "). The cpu-key is\n"
		"vendor-family-model-hypervisor[-emulated] of the machine "
		"that made the run\n"
		"(intel-6-167-kvm); the name defaults to the suites named "
		"after 'run', joined\n"
		"with '+', plus -quick for --quick runs (tlb-quick, "
		"all).\n"
		"  save   keeps a complete run with verified page sizes as the "
		"baseline of its\n"
		"         machine; --replace overwrites an existing one\n"
		"  check  compares NEW with the baseline of its machine "
		"(walkbench compare;\n"
		"         its options are passed on)\n"
		"  list   one line per baseline\n"
		"Exit: 0 ok (check: no regression), 1 regressed, 2 bad input, "
		"3 no baseline\n"
		"for this CPU key or name, 5 a change withheld because a run "
		"was busy.\n"
		"bench/CI.md has the CI recipe.\n");
}

static int parse(int argc, char **argv, int verb, struct bl_opts *o)
{
	size_t n = sizeof(bl_opts_tab) / sizeof(bl_opts_tab[0]);

	*o = (struct bl_opts){ .dir = DEFAULT_DIR };
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const struct bl_opt *t = NULL;

		for (size_t k = 0; k < n && !t; k++)
			if (!strcmp(a, bl_opts_tab[k].name))
				t = &bl_opts_tab[k];
		if (!t && a[0] == '-' && a[1])
			return wb_error(WB_EXIT_USAGE,
					"baseline %s: unknown option '%s' "
					"(try --help)",
					argv[1], a);
		if (!t) {
			if (verb == LIST || o->file)
				return wb_error(WB_EXIT_USAGE,
						"baseline %s: unexpected "
						"argument '%s'",
						argv[1], a);
			o->file = a;
			continue;
		}
		if (!(t->verbs & verb))
			return wb_error(WB_EXIT_USAGE,
					"baseline %s does not take %s", argv[1],
					a);
		if (t->flag) {
			*(bool *)((char *)o + t->off) = true;
			continue;
		}
		if (i + 1 >= argc)
			return wb_error(WB_EXIT_USAGE, "'%s' needs a value", a);
		*(const char **)((char *)o + t->off) = argv[++i];
	}
	if (verb != LIST && !o->file)
		return wb_error(WB_EXIT_USAGE, "baseline %s needs a %s file",
				argv[1],
				verb == SAVE ? "RESULTS.json" : "NEW.json");
	if (o->name && !wb_baseline_name_valid(o->name))
		return wb_error(WB_EXIT_USAGE,
				"--name '%s': need 1 to %d of [A-Za-z0-9._+-]",
				o->name, WB_BASELINE_NAME_MAX);
	if (!o->dir[0])
		return wb_error(WB_EXIT_USAGE, "--dir: empty directory name");
	return 0;
}

/* Loads @path and derives its key and (unless given) its name. */
static int load(const struct bl_opts *o, struct wb_rfile *r, char *key,
		size_t klen, char *name, size_t nlen)
{
	char why[512];

	if (wb_rfile_load(o->file, r, why, sizeof(why)))
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
	if (wb_rfile_load(path, &r, why, len))
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

int cmd_baseline(int argc, char **argv)
{
	static const struct {
		const char *name;
		int verb;
	} verbs[] = { { "save", SAVE }, { "check", CHECK }, { "list", LIST } };
	struct bl_opts o;
	int verb = 0, err;

	if (argc < 2 || wb_wants_help(argc, argv)) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? WB_EXIT_USAGE : 0;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			verb = verbs[i].verb;
	if (!verb)
		return wb_error(WB_EXIT_USAGE,
				"baseline: no verb '%s' (save, check, list)",
				argv[1]);
	err = parse(argc, argv, verb, &o);
	if (err)
		return err;
	if (verb == SAVE)
		return save(&o);
	if (verb == CHECK)
		return check(&o);
	return list(&o);
}
