// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "results/results.h"

int wb_results_init(struct wb_results *r, const char *gb_context, json_t *wb)
{
	json_error_t jerr;
	json_t *ctx;

	memset(r, 0, sizeof(*r));
	r->root = json_loads(gb_context, 0, &jerr);
	if (!r->root || !json_is_object(json_object_get(r->root, "context"))) {
		json_decref(r->root);
		json_decref(wb);
		r->root = NULL;
		return -EINVAL;
	}
	ctx = json_object_get(r->root, "context");
	r->benchmarks = json_array();
	r->instances = json_array();
	json_object_set_new(r->root, "benchmarks", r->benchmarks);
	json_object_set_new(wb, "instances", r->instances);
	json_object_set_new(ctx, "walkbench", wb);
	r->walkbench = wb;
	return 0;
}

static void copy_field(json_t *dst, json_t *src, const char *key)
{
	json_t *v = json_object_get(src, key);

	if (v)
		json_object_set(dst, key, v);
}

/* a statistic of nothing (the shim turns NaN into null) is left out */
static void drop_nulls(json_t *b)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(b, tmp, key, v) {
		if (json_is_null(v))
			json_object_del(b, key);
	}
}

static void rename_entry(json_t *b, json_t *inst, const char *agg)
{
	const char *name = json_string_value(json_object_get(inst, "name"));
	char buf[256];

	if (!name)
		return;
	json_object_set_new(b, "run_name", json_string(name));
	if (agg)
		snprintf(buf, sizeof(buf), "%s_%s", name, agg);
	else
		snprintf(buf, sizeof(buf), "%s", name);
	json_object_set_new(b, "name", json_string(buf));
}

int wb_results_entries(json_t *inst, const char *gb_json,
		       const char *per_iteration, size_t family, int pass,
		       json_t *out)
{
	json_error_t jerr;
	json_t *gb, *b;
	char key[64];
	size_t i;

	gb = json_loads(gb_json, 0, &jerr);
	if (!gb || !json_is_array(json_object_get(gb, "benchmarks"))) {
		json_decref(gb);
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "ns_per_%s",
		 per_iteration ? per_iteration : "iteration");
	json_array_foreach(json_object_get(gb, "benchmarks"), i, b) {
		json_t *unit = json_object_get(b, "time_unit");
		const char *agg = json_string_value(
			json_object_get(b, "aggregate_name"));

		/* Names without the library's "/min_time:../repeats:.."
		 * suffixes, so a file compares with one run at other
		 * settings; each child registered one family, renumbered
		 * here per file. */
		rename_entry(b, inst, agg);
		drop_nulls(b);
		json_object_set_new(b, "family_index", json_integer(family));
		json_object_set_new(b, "per_family_instance_index",
				    json_integer(0));
		copy_field(b, inst, "kernel");
		copy_field(b, inst, "suite");
		copy_field(b, inst, "params");
		copy_field(b, inst, "page_size_verified");
		if (!agg)
			json_object_set_new(b, "pass", json_integer(pass));
		/* cv is a ratio, not a time per unit */
		if (json_is_string(unit) &&
		    !strcmp(json_string_value(unit), "ns") &&
		    !(agg && !strcmp(agg, "cv")))
			json_object_set(b, key,
					json_object_get(b, "real_time"));
		if (json_array_append(out, b)) {
			json_decref(gb);
			return -ENOMEM;
		}
	}
	json_decref(gb);
	return 0;
}

int wb_results_add(struct wb_results *r, json_t *inst, const char *gb_json,
		   const char *per_iteration)
{
	size_t family = json_array_size(r->instances);

	struct wb_stability st;
	int err;

	json_object_set_new(inst, "passes_measured", json_integer(!!gb_json));
	if (gb_json)
		json_object_set_new(inst, "passes_added", json_integer(0));
	if (json_array_append_new(r->instances, inst))
		return -ENOMEM;
	if (!gb_json)
		return 0;
	err = wb_results_entries(inst, gb_json, per_iteration, family, 0,
				 r->benchmarks);
	if (err)
		return err;
	err = wb_results_judge(r, family, &st);
	/* not judged is no error of the file */
	return err == -ENODATA || err == -EINVAL ? 0 : err;
}

void wb_results_free(struct wb_results *r)
{
	json_decref(r->root);
	memset(r, 0, sizeof(*r));
}

int wb_results_new_path(const char *root, const char *tag, char *out,
			size_t len)
{
	char host[128] = "unknown", stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int n;

	gethostname(host, sizeof(host) - 1);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 0; i < 1000; i++) {
		if (i)
			n = snprintf(out, len, "%s/%s/%s-%s-%d.json", root,
				     host, stamp, tag, i);
		else
			n = snprintf(out, len, "%s/%s/%s-%s.json", root, host,
				     stamp, tag);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
		if (access(out, F_OK))
			return 0;
	}
	return -EEXIST;
}

int wb_mkdir_p(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);
	struct stat st;

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	if (stat(buf, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static void dir_of(const char *path, char *dir, size_t len)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, len, "%s", dirname(tmp));
}

int wb_results_check_dir(const char *path)
{
	char dir[4096], probe[4200];
	int fd, err;

	dir_of(path, dir, sizeof(dir));
	err = wb_mkdir_p(dir);
	if (err)
		return err;
	snprintf(probe, sizeof(probe), "%s/.walkbench-probe.%d", dir,
		 (int)getpid());
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(probe);
	return 0;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int wb_results_write_text(const char *path, const char *text, int replace)
{
	char dir[4096], tmp[4200];
	int fd, dfd, err = 0;

	if (!replace && !access(path, F_OK))
		return -EEXIST;
	dir_of(path, dir, sizeof(dir));
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, text, strlen(text));
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	/* RENAME_NOREPLACE: a file that appeared meanwhile stays */
	if (!err && renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
			      replace ? 0 : RENAME_NOREPLACE))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd))
			err = -errno;
		close(dfd);
	}
	return err;
}

int wb_results_write(const char *path, json_t *root, int replace)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *line;
	int err;

	if (!text)
		return -ENOMEM;
	line = realloc(text, strlen(text) + 2);
	if (!line) {
		free(text);
		return -ENOMEM;
	}
	strcat(line, "\n");
	err = wb_results_write_text(path, line, replace);
	free(line);
	return err;
}

int wb_results_pick_path(const char *out, const char *root, const char *tag,
			 char *path, size_t len)
{
	int err;

	if (out) {
		if (!access(out, F_OK))
			return wb_error(WB_EXIT_USAGE,
					"--out %s: file exists; results are "
					"never overwritten",
					out);
		snprintf(path, len, "%s", out);
	} else {
		err = wb_results_new_path(root, tag, path, len);
		if (err)
			return wb_error(WB_EXIT_MISSING, "results path: %s",
					strerror(-err));
	}
	err = wb_results_check_dir(path);
	if (err)
		return wb_error(WB_EXIT_MISSING,
				"cannot write results to %s: %s", path,
				strerror(-err));
	return 0;
}
