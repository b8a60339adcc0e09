// SPDX-License-Identifier: MIT
/*
 * walkbench merge RESULTS.json... [--out DIR] [--json]: results files from
 * many hosts as one report grouped by CPU model (harness/results/merge.h). Every
 * input is loaded and checked before anything is written; in --out DIR no
 * existing file is ever replaced.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "opt.h"
#include "results/merge.h"
#include "merge_report.h"
#include "plot.h"
#include "results/canon.h"
#include "results/results.h"

/* `walkbench plot` overlays at most this many files: a larger group has
 * its first ones plotted, and the report says so */
#define PLOT_MAX_FILES 16

static size_t plotted(const struct wb_merge_group *g)
{
	return g->nruns < PLOT_MAX_FILES ? g->nruns : PLOT_MAX_FILES;
}

struct merge_opts {
	const char **files;
	size_t nfiles;
	const char *out;
	bool json;
};

static const struct wb_opt merge_options[] = {
	{ WB_FLAG("--json", struct merge_opts, json),
	  .help = "print the merge as one JSON object instead of a table" },
	{ WB_STR("--out", struct merge_opts, out), .flags = WB_OPT_NONEMPTY,
	  .arg = "DIR", .want = "a directory",
	  .help = "write DIR/merged.json, DIR/merged.md and, with gnuplot, "
		  "each group's `walkbench plot` into DIR/<group>/; prints the "
		  "written paths (the JSON with --json). Refuses to replace "
		  "any existing file." },
	{ NULL },
};

static const struct wb_opt_table merge_table = {
	.cmd = "merge",
	.usage = "walkbench merge RESULTS.json... [--out DIR] [--json]",
	.about = "Combines results files from many hosts into one report "
		 "grouped by CPU\nmodel (vendor, family, model, model name): "
		 "per benchmark the number of\nhosts and runs, the median over "
		 "hosts of each host's median real_time,\nmin and max with "
		 "their hosts, max/min, a robust CV and the outlying\nhosts. "
		 "Incomplete runs, unverified page sizes and instances not ok "
		 "are\nflagged. Reads the files only.\n",
	.opts = merge_options,
	.min_args = 1,
	.max_args = -1,
	.needs = "at least one RESULTS.json",
};

/* Returns 0, or the exit code; *help when --help was printed. */
static int parse_args(int argc, char **argv, struct merge_opts *o, bool *help)
{
	struct wb_opt_parse p = { .t = &merge_table, .dst = o };
	int err;

	memset(o, 0, sizeof(*o));
	*help = false;
	o->files = calloc((size_t)argc, sizeof(*o->files));
	if (!o->files)
		return wb_error(WB_EXIT_FAILED, "out of memory");
	p.args = o->files;
	err = wb_opt_parse(&p, argc, argv);
	*help = p.help;
	o->nfiles = (size_t)p.nargs;
	return err;
}

static void plot_command(const struct wb_merge *m,
			 const struct wb_merge_group *g, const char *dir,
			 struct wb_merge_plot *p)
{
	size_t used = 0;
	int n;

	n = snprintf(p->command, sizeof(p->command), "walkbench plot");
	p->nfiles = plotted(g);
	for (size_t r = 0; r < p->nfiles && n >= 0; r++) {
		used += (size_t)n;
		if (used >= sizeof(p->command))
			break;
		n = snprintf(p->command + used, sizeof(p->command) - used,
			     " %s", m->runs[g->runs[r]].f->path);
	}
	used = strlen(p->command);
	snprintf(p->command + used, sizeof(p->command) - used, " --out %s/%s",
		 dir, g->slug);
}

/* `walkbench plot` on the group's files into DIR/<slug>, in a child so
 * that its printed paths stay off our stdout. Returns its exit code. */
static int plot_group(const struct wb_merge *m, const struct wb_merge_group *g,
		      const char *dir)
{
	char out[PATH_MAX];
	char **av = calloc(plotted(g) + 4, sizeof(*av));
	int status, ac = 0;
	pid_t pid;

	if (!av)
		return WB_EXIT_FAILED;
	snprintf(out, sizeof(out), "%s/%s", dir, g->slug);
	av[ac++] = (char *)"plot";
	for (size_t r = 0; r < plotted(g); r++)
		av[ac++] = (char *)m->runs[g->runs[r]].f->path;
	av[ac++] = (char *)"--out";
	av[ac++] = out;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		free(av);
		return WB_EXIT_FAILED;
	}
	if (!pid) {
		int rc;

		if (!freopen("/dev/null", "w", stdout))
			_exit(WB_EXIT_FAILED);
		rc = cmd_plot(ac, av);
		fflush(NULL);
		_exit(rc);
	}
	free(av);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return WB_EXIT_FAILED;
	return WEXITSTATUS(status);
}

/* Nothing in DIR that we would write may exist yet. */
static int check_targets(const struct wb_merge *m, const char *dir, bool plots)
{
	char path[PATH_MAX];
	const char *names[] = { "merged.json", "merged.md" };

	for (size_t i = 0; i < 2 + (plots ? m->ng : 0); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir,
			 i < 2 ? names[i] : m->g[i - 2].slug);
		if (!access(path, F_OK))
			return wb_error(WB_EXIT_USAGE,
					"'%s' exists; merge never replaces a "
					"file (choose another --out)",
					path);
	}
	return 0;
}

static char *markdown_text(const struct wb_merge *m,
			   const struct wb_merge_plot *plots)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	wb_merge_markdown(f, m, plots);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static void note_plot(json_t *group, const struct wb_merge_plot *p)
{
	json_t *o = p->dir[0] ? json_pack("{s:s, s:s}", "dir", p->dir, "index",
					  "index.html")
			      : json_pack("{s:s, s:s}", "why", p->why,
					  "command", p->command);

	json_object_set_new(o, "files", json_integer((json_int_t)p->nfiles));
	json_object_set_new(group, "plot", o);
}

static int write_out(const struct wb_merge *m, json_t *root,
		     const struct merge_opts *o)
{
	struct wb_merge_plot *plots = calloc(m->ng ? m->ng : 1, sizeof(*plots));
	bool gp = wb_gnuplot_on_path();
	char path[PATH_MAX], *md;
	int rc, err;

	if (!plots)
		return wb_error(WB_EXIT_FAILED, "out of memory");
	rc = check_targets(m, o->out, gp);
	if (rc)
		goto out;
	err = wb_mkdir_p(o->out);
	if (err) {
		rc = wb_error(WB_EXIT_USAGE, "cannot create '%s': %s", o->out,
			      strerror(-err));
		goto out;
	}
	for (size_t i = 0; i < m->ng; i++) {
		struct wb_merge_plot *p = &plots[i];

		plot_command(m, &m->g[i], o->out, p);
		if (!gp)
			snprintf(p->why, sizeof(p->why),
				 "gnuplot not found, Debian package "
				 "gnuplot-nox");
		else if ((err = plot_group(m, &m->g[i], o->out)))
			snprintf(p->why, sizeof(p->why),
				 "walkbench plot exited %d", err);
		else
			snprintf(p->dir, sizeof(p->dir), "%s", m->g[i].slug);
		note_plot(json_array_get(json_object_get(root, "groups"), i),
			  p);
		if (p->dir[0] && !o->json)
			printf("%s/%s/index.html\n", o->out, p->dir);
	}
	snprintf(path, sizeof(path), "%s/merged.json", o->out);
	err = wb_results_write(path, root, 0);
	if (err) {
		rc = wb_error(WB_EXIT_FAILED, "writing %s: %s", path,
			      strerror(-err));
		goto out;
	}
	if (!o->json)
		printf("%s\n", path);
	snprintf(path, sizeof(path), "%s/merged.md", o->out);
	md = markdown_text(m, plots);
	err = md ? wb_results_write_text(path, md, 0) : -ENOMEM;
	free(md);
	if (err) {
		rc = wb_error(WB_EXIT_FAILED, "writing %s: %s", path,
			      strerror(-err));
		goto out;
	}
	if (o->json) {
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		printf("%s\n", path);
	}
out:
	free(plots);
	return rc;
}

int cmd_merge(int argc, char **argv)
{
	struct wb_rfile *files = NULL;
	struct merge_opts o;
	struct wb_merge m = { 0 };
	json_t *root = NULL;
	size_t loaded = 0;
	char why[1024];
	bool help;
	int rc, err;

	rc = parse_args(argc, argv, &o, &help);
	if (rc || help)
		goto out;
	files = calloc(o.nfiles ? o.nfiles : 1, sizeof(*files));
	if (!files) {
		rc = wb_error(WB_EXIT_FAILED, "out of memory");
		goto out;
	}
	for (; loaded < o.nfiles; loaded++)
		if (wb_rfile_load_named(o.files[loaded], &files[loaded], why,
					sizeof(why))) {
			rc = wb_error(WB_EXIT_USAGE, "%s", why);
			goto out;
		}
	if (wb_merge_check(files, loaded, why, sizeof(why))) {
		rc = wb_error(WB_EXIT_USAGE, "%s", why);
		goto out;
	}
	err = wb_merge_build(files, loaded, &m);
	if (!err)
		root = wb_merge_json(&m);
	if (err || !root) {
		rc = wb_error(WB_EXIT_FAILED, "merge: %s",
			      strerror(err ? -err : ENOMEM));
		goto out;
	}
	if (o.out) {
		rc = write_out(&m, root, &o);
	} else if (o.json) {
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		wb_merge_table(stdout, &m);
	}
out:
	json_decref(root);
	wb_merge_free(&m);
	while (loaded-- > 0)
		wb_rfile_free(&files[loaded]);
	free(files);
	free(o.files);
	return rc;
}
