// SPDX-License-Identifier: MIT
/*
 * walkbench plot RESULTS.json... [--out DIR]: results -> TSV -> gnuplot
 * (plots/NAME.gp) -> PNG and SVG, plus DIR/index.html. Every input is loaded
 * and checked before anything is written, so bad input leaves no files.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "opt.h"
#include "plot.h"
#include "results/canon.h"
#include "results/results.h"

#define MAX_FILES 16

struct plot_opts {
	const char *files[MAX_FILES];
	size_t nfiles;
	const char *out;
};

static const struct wb_opt plot_options[] = {
	{ WB_STR("--out", struct plot_opts, out), .flags = WB_OPT_NONEMPTY,
	  .arg = "DIR", .want = "a directory",
	  .help = "where the plots and index.html go (default: the first "
		  "file's name without .json, plus -plots)" },
	{ NULL },
};

static const struct wb_opt_table plot_table = {
	.cmd = "plot",
	.usage = "walkbench plot RESULTS.json... [--out DIR]",
	.about =
		"Renders PNG and SVG plots (1200x800) of the suites present "
		"in the files,\none line per file when several are given, and "
		"DIR/index.html gathering\nthem with the environment and the "
		"validation of every instance.\nGuest files (walkbench vm run) "
		"given with native ones add guest/native\nratios "
		"(guest_ratio); emulated (TCG) guests are left out, saying "
		"why.\n",
	.opts = plot_options,
	.epilog = "Needs gnuplot (gnuplot-nox) and the plots/ scripts (found "
		  "beside the\nbinary's directory, or set WB_PLOTS).\n",
	.min_args = 1,
	.max_args = MAX_FILES,
	.needs = "at least one RESULTS.json",
};

/* Returns 0, or the exit code; *help when --help was printed. */
static int parse_args(int argc, char **argv, struct plot_opts *o, bool *help)
{
	struct wb_opt_parse p = { .t = &plot_table,
				  .dst = o,
				  .args = o->files };
	int err;

	memset(o, 0, sizeof(*o));
	err = wb_opt_parse(&p, argc, argv);
	*help = p.help;
	o->nfiles = (size_t)p.nargs;
	return err;
}

static bool is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* plots/ from WB_PLOTS, or beside the binary's directory (build/..) */
static int find_scripts(char *dir, size_t len)
{
	const char *env = getenv("WB_PLOTS");
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	const char *bin;
	ssize_t n;

	if (env && *env) {
		snprintf(dir, len, "%s", env);
		snprintf(probe, sizeof(probe), "%s/common.gp", dir);
		return is_file(probe) ? 0 : -ENOENT;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -ENOENT;
	exe[n] = 0;
	bin = dirname(exe);
	/* a build tree (build/../plots), then an install (PREFIX/bin/..) */
	snprintf(dir, len, "%s/../plots", bin);
	snprintf(probe, sizeof(probe), "%s/common.gp", dir);
	if (is_file(probe))
		return 0;
	snprintf(dir, len, "%s/../share/walkbench/plots", bin);
	snprintf(probe, sizeof(probe), "%s/common.gp", dir);
	if (is_file(probe))
		return 0;
	snprintf(dir, len, "/usr/share/walkbench/plots");
	return is_file("/usr/share/walkbench/plots/common.gp") ? 0 : -ENOENT;
}

bool wb_gnuplot_on_path(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t l = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)l, p);
		if (l && !access(buf, X_OK))
			return true;
		p += l + (p[l] == ':');
	}
	return false;
}

/* "Title - host (CPU), date[, +N more files]", safe in a gnuplot string */
static void plot_title(const struct plot_set *s, const char *what, char *buf,
		       size_t len)
{
	const struct wb_rfile *r = &s->files[0];
	char more[48] = "";

	if (s->nfiles > 1)
		snprintf(more, sizeof(more), ", +%zu more file%s",
			 s->nfiles - 1, s->nfiles > 2 ? "s" : "");
	snprintf(buf, len, "%s - %s (%s), %.16s%s", what,
		 wb_jstr(r->context, "host_name"),
		 wb_jstr(r->env, "model_name"), wb_jstr(r->context, "date"),
		 more);
}

static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* gnuplot -e "dir=...; tsv=...; out=...; ttl=...; VARS" plots/NAME.gp */
static int run_gnuplot(const struct plot_set *s, const char *scripts,
		       const struct plot_job *job, char *why, size_t len)
{
	char title[512], e[8192] = "", script[PATH_MAX], log[PATH_MAX];
	char path[PATH_MAX];
	size_t used, add;
	int status, fd;
	pid_t pid;

	if (snprintf(script, sizeof(script), "%s/%s.gp", scripts, job->name) >=
		    (int)sizeof(script) ||
	    snprintf(log, sizeof(log), "%s/%s.log", s->dir, job->name) >=
		    (int)sizeof(log))
		return -ENAMETOOLONG;
	plot_title(s, job->title, title, sizeof(title));
	wb_plot_var(e, sizeof(e), "dir", scripts);
	snprintf(path, sizeof(path), "%s/%s.tsv", s->dir, job->name);
	wb_plot_var(e, sizeof(e), "tsv", path);
	snprintf(path, sizeof(path), "%s/%s", s->dir, job->name);
	wb_plot_var(e, sizeof(e), "out", path);
	wb_plot_var(e, sizeof(e), "ttl", title);
	used = strlen(e);
	add = strlen(job->vars);
	if (used + add + 1 >= sizeof(e))
		return -ENAMETOOLONG;
	memcpy(e + used, job->vars, add + 1);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execlp("gnuplot", "gnuplot", "-e", e, script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status) && !WEXITSTATUS(status)) {
		unlink(log);
		return 0;
	}
	first_line(log, title, sizeof(title));
	if (snprintf(why, len, "gnuplot failed on %s: %s (log: %s)", script,
		     title, log) < 0)
		why[0] = 0;
	return -EIO;
}

static void file_labels(const struct plot_opts *o, char (*labels)[64])
{
	for (size_t i = 0; i < o->nfiles; i++) {
		const char *b = strrchr(o->files[i], '/');
		size_t n;

		b = b ? b + 1 : o->files[i];
		n = strlen(b);
		if (n > 5 && !strcmp(b + n - 5, ".json"))
			n -= 5;
		snprintf(labels[i], sizeof(labels[0]), "%.*s", (int)n, b);
		/* two files of the same name: number them */
		for (size_t k = 0; k < i; k++)
			if (!strcmp(labels[k], labels[i])) {
				char tmp[64];

				snprintf(tmp, sizeof(tmp), "%zu:%.55s", i + 1,
					 labels[i]);
				memcpy(labels[i], tmp, sizeof(tmp));
			}
	}
}

/* a job's note, one "walkbench: ..." line on stderr per reason */
static void print_note(const char *note)
{
	while (*note) {
		size_t l = strcspn(note, "\n");

		fprintf(stderr, "walkbench: %.*s\n", (int)l, note);
		note += l + (note[l] == '\n');
	}
}

static int render(struct plot_set *s, const char *scripts)
{
	struct plot_kind kinds[WB_PLOT_MAX_KINDS];
	size_t nkinds = wb_plot_kinds(kinds, WB_PLOT_MAX_KINDS);
	bool done[WB_PLOT_MAX_KINDS] = { false };
	/* a job carries its notes: too large for the stack, all of them */
	struct plot_job *jobs = calloc(WB_PLOT_MAX_KINDS, sizeof(*jobs));
	char why[1024], path[PATH_MAX];
	int rc = WB_EXIT_OK, err;

	if (!jobs)
		return wb_error(WB_EXIT_FAILED, "out of memory");
	for (size_t k = 0; k < nkinds; k++) {
		struct plot_job *job = &jobs[k];

		err = wb_plot_write(s, &kinds[k], job);
		if (err) {
			rc = wb_error(WB_EXIT_FAILED, "writing %s/%s.tsv: %s",
				      s->dir, job->name, strerror(-err));
			goto out;
		}
		print_note(job->note);
		if (!job->has_data)
			continue;
		printf("%s/%s.tsv\n", s->dir, job->name);
		for (int x = 0; x < 2; x++)
			if (job->extra[x])
				printf("%s/%s.tsv\n", s->dir, job->extra[x]);
		err = run_gnuplot(s, scripts, job, why, sizeof(why));
		if (err) {
			rc = wb_error(WB_EXIT_FAILED, "%s",
				      err == -EIO ? why : strerror(-err));
			continue;
		}
		done[k] = true;
		printf("%s/%s.png\n%s/%s.svg\n", s->dir, job->name, s->dir,
		       job->name);
	}
	err = wb_plot_html(s, kinds, nkinds, done, jobs, path, sizeof(path));
	if (err) {
		rc = wb_error(WB_EXIT_FAILED, "writing %s/index.html: %s",
			      s->dir, strerror(-err));
		goto out;
	}
	printf("%s\n", path);
out:
	free(jobs);
	return rc;
}

int cmd_plot(int argc, char **argv)
{
	struct wb_rfile files[MAX_FILES];
	char labels[MAX_FILES][64], scripts[PATH_MAX], dir[PATH_MAX], why[512];
	struct plot_opts o;
	struct plot_set s;
	size_t loaded = 0;
	bool help;
	int rc, err;

	rc = parse_args(argc, argv, &o, &help);
	if (rc || help)
		return rc;
	for (; loaded < o.nfiles; loaded++)
		if (wb_rfile_load_named(o.files[loaded], &files[loaded], why,
					sizeof(why))) {
			rc = wb_error(WB_EXIT_USAGE, "%s", why);
			goto out;
		}
	if (find_scripts(scripts, sizeof(scripts))) {
		rc = wb_error(WB_EXIT_MISSING,
			      "plot scripts (plots/common.gp) not found beside "
			      "the binary; set WB_PLOTS to walkbench's plots/ "
			      "directory");
		goto out;
	}
	if (!wb_gnuplot_on_path()) {
		rc = wb_error(WB_EXIT_MISSING,
			      "gnuplot not found on PATH (Debian package "
			      "gnuplot-nox)");
		goto out;
	}
	if (o.out) {
		snprintf(dir, sizeof(dir), "%s", o.out);
	} else {
		/* parse_args() rejects an empty file list: files[0] is set */
		// NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
		size_t n = strlen(o.files[0]);

		if (n > 5 && !strcmp(o.files[0] + n - 5, ".json"))
			n -= 5;
		snprintf(dir, sizeof(dir), "%.*s-plots", (int)n, o.files[0]);
	}
	err = wb_mkdir_p(dir);
	if (err) {
		rc = wb_error(WB_EXIT_USAGE, "cannot create '%s': %s", dir,
			      strerror(-err));
		goto out;
	}
	file_labels(&o, labels);
	s = (struct plot_set){
		.files = files, .nfiles = o.nfiles, .labels = labels, .dir = dir
	};
	rc = render(&s, scripts);
out:
	while (loaded-- > 0)
		wb_rfile_free(&files[loaded]);
	return rc;
}
