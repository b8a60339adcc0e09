// SPDX-License-Identifier: MIT
/* Baseline keys, names and lookup (baseline.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results/baseline.h"

struct short_name {
	const char *id, *key;
};

/* CPUID vendor and hypervisor signatures that have a usual short name */
static const struct short_name vendors[] = {
	{ "GenuineIntel", "intel" },
	{ "AuthenticAMD", "amd" },
	{ "HygonGenuine", "hygon" },
	{ "CentaurHauls", "centaur" },
};

static const struct short_name hypervisors[] = {
	{ "KVMKVMKVM", "kvm" },		  { "TCGTCGTCGTCG", "tcg" },
	{ "Microsoft Hv", "hyperv" },	  { "VMwareVMware", "vmware" },
	{ "XenVMMXenVMM", "xen" },	  { "bhyve bhyve ", "bhyve" },
	{ "ACRNACRNACRN", "acrn" },	  { "QNXQVMBSQG", "qnx" },
	{ "VBoxVBoxVBox", "virtualbox" },
};

/* Options of `run` and `vm run` that take a value: the value is not a
 * suite name. */
static const char *const value_opts[] = {
	"--reps",
	"--min-time",
	"--cpu",
	"--param",
	"-p",
	"--out",
	"--results-dir",
	"--timeout",
	"--mem-fraction",
	"--test-delay-pct",
	"--seed",
	"--passes",
	"--max-passes",
	"--extra-time",
	"--accel",
	"--mem",
	"--smp",
	"--guest-thp",
	"--host-backing",
	"--up-timeout",
	"--vm-timeout",
	"--image",
};

/* @id's short name from @tab, else @id lowercased with only [a-z0-9] */
static void shorten(const char *id, const struct short_name *tab, size_t n,
		    char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(id, tab[i].id)) {
			snprintf(out, len, "%s", tab[i].key);
			return;
		}
	}
	for (const char *p = id; *p && o + 1 < len; p++)
		if (isalnum((unsigned char)*p))
			out[o++] = (char)tolower((unsigned char)*p);
	out[o] = 0;
}

/* A CPUID number, or "na" when the file has none (never a made-up one) */
static void num_or_na(const json_t *env, const char *key, char *out, size_t len)
{
	double v = wb_jnum(env, key);

	if (isfinite(v) && v >= 0 && v < 1e9)
		snprintf(out, len, "%.0f", v);
	else
		snprintf(out, len, "na");
}

int wb_baseline_cpu_key(const json_t *wb, char *out, size_t len)
{
	const json_t *env = wb ? json_object_get(wb, "env") : NULL;
	const char *hv = json_object_get(env, "hypervisor")
				 ? wb_jstr(env, "hypervisor")
				 : wb_jstr(wb, "hypervisor");
	char vendor[32], hyp[32], fam[16], model[16];
	int n;

	shorten(wb_jstr(env, "vendor"), vendors,
		sizeof(vendors) / sizeof(vendors[0]), vendor, sizeof(vendor));
	if (!vendor[0])
		snprintf(vendor, sizeof(vendor), "unknown");
	shorten(hv, hypervisors, sizeof(hypervisors) / sizeof(hypervisors[0]),
		hyp, sizeof(hyp));
	if (!hyp[0])
		snprintf(hyp, sizeof(hyp), "metal");
	num_or_na(env, "family", fam, sizeof(fam));
	num_or_na(env, "model", model, sizeof(model));
	n = snprintf(out, len, "%s-%s-%s-%s%s", vendor, fam, model, hyp,
		     json_is_true(json_object_get(wb, "emulated")) ? "-emulated"
								   : "");
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

bool wb_baseline_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n < 1 || n > WB_BASELINE_NAME_MAX)
		return false;
	/* "." and ".." would name directories, not files */
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
			return false;
	return true;
}

static bool takes_value(const char *opt)
{
	for (size_t i = 0; i < sizeof(value_opts) / sizeof(value_opts[0]); i++)
		if (!strcmp(opt, value_opts[i]))
			return true;
	return false;
}

/* Appends @s to @out (joined with '+'); -ENOSPC when it does not fit */
static int append(char *out, size_t len, size_t *o, const char *s, size_t n)
{
	size_t need = n + (*o ? 1 : 0);

	if (*o + need >= len)
		return -ENOSPC;
	if (*o)
		out[(*o)++] = '+';
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = 0;
	return 0;
}

int wb_baseline_default_name(const json_t *wb, char *out, size_t len)
{
	const char *cl = wb_jstr(wb, "command_line"), *p = cl;
	bool after_run = false, skip_next = false;
	bool quick = json_is_true(json_object_get(wb, "quick"));
	size_t o = 0;
	int err = 0;

	if (!len)
		return -ENOSPC;
	out[0] = 0;
	while (*p && !err) {
		const char *start;
		size_t n;
		char tok[64];

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
		/* a longer token is neither an option nor a valid name */
		snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
		start = p;
		p += n;
		if (!strcmp(tok, "--quick"))
			quick = true;
		if (skip_next) {
			skip_next = false;
		} else if (!after_run) {
			after_run = !strcmp(tok, "run");
		} else if (tok[0] == '-') {
			skip_next = takes_value(tok);
		} else {
			err = append(out, len, &o, start, n);
		}
	}
	if (!err && !o)
		err = append(out, len, &o, "all", 3);
	if (!err && quick)
		err = o + 6 < len ? 0 : -ENOSPC;
	if (!err && quick)
		strcat(out, "-quick");
	if (err || !wb_baseline_name_valid(out))
		return -EINVAL;
	return 0;
}

size_t wb_baseline_samples(const struct wb_rbench *b)
{
	double *units;
	size_t n;
	bool by_pass;

	/* the samples compare's U test will use, counted the same way */
	if (wb_rbench_units(b, &units, &n, &by_pass))
		return 0;
	free(units);
	return n;
}

size_t wb_baseline_min_samples(const struct wb_rfile *r)
{
	size_t min = 0;

	for (size_t i = 0; i < r->nb; i++) {
		size_t s = wb_baseline_samples(&r->b[i]);

		if (!i || s < min)
			min = s;
	}
	return min;
}

int wb_baseline_refuse(const struct wb_rfile *r, char *why, size_t len)
{
	if (!json_is_true(json_object_get(r->wb, "complete"))) {
		snprintf(
			why, len,
			"%s: the run is incomplete (context.walkbench.complete "
			"is not true)",
			r->path);
		return -EINVAL;
	}
	if (!r->nb) {
		snprintf(why, len, "%s: no benchmarks measured", r->path);
		return -EINVAL;
	}
	for (size_t i = 0; i < r->nb; i++) {
		if (!r->b[i].page_size_verified) {
			snprintf(why, len,
				 "%s: benchmark '%s' ran on a page size that "
				 "was not verified",
				 r->path, r->b[i].name);
			return -EINVAL;
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void wb_baseline_entries_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Is @name under @dir the kind of entry wanted? */
static bool wanted(const char *dir, const char *name, bool json)
{
	char path[4096];
	struct stat st;
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	if (json && (n <= 5 || strcmp(name + n - 5, ".json")))
		return false;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return false;
	if (stat(path, &st))
		return false;
	return json ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode);
}

int wb_baseline_entries(const char *dir, bool json, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	int err = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (e = readdir(d))) {
		char *s;

		if (!wanted(dir, e->d_name, json))
			continue;
		if (*n == cap) {
			char **grown;

			cap = cap ? 2 * cap : 16;
			grown = realloc(*names, cap * sizeof(*grown));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			*names = grown;
		}
		s = strdup(e->d_name);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		if (json)
			s[strlen(s) - 5] = 0;
		(*names)[(*n)++] = s;
	}
	closedir(d);
	if (err) {
		wb_baseline_entries_free(*names, *n);
		*names = NULL;
		*n = 0;
		return err;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

/* @have = the entries joined with ", ", or "none" */
static int list_into(const char *dir, bool json, char *have, size_t hlen)
{
	char **names;
	size_t n, o = 0;
	int err = wb_baseline_entries(dir, json, &names, &n);

	if (err)
		return err;
	snprintf(have, hlen, "none");
	for (size_t i = 0; i < n && o < hlen; i++)
		o += (size_t)snprintf(have + o, hlen - o, "%s%s", i ? ", " : "",
				      names[i]);
	wb_baseline_entries_free(names, n);
	return 0;
}

int wb_baseline_find(const char *dir, const char *key, const char *name,
		     char *path, size_t plen, char *have, size_t hlen,
		     enum wb_baseline_miss *miss)
{
	char keydir[4096];
	struct stat st;
	int n;

	have[0] = 0;
	n = snprintf(keydir, sizeof(keydir), "%s/%s", dir, key);
	if (n < 0 || (size_t)n >= sizeof(keydir))
		return -ENAMETOOLONG;
	n = snprintf(path, plen, "%s/%s.json", keydir, name);
	if (n < 0 || (size_t)n >= plen)
		return -ENAMETOOLONG;
	if (stat(keydir, &st) || !S_ISDIR(st.st_mode)) {
		*miss = WB_BASELINE_NO_KEY;
		return list_into(dir, false, have, hlen);
	}
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		*miss = WB_BASELINE_NO_NAME;
		return list_into(keydir, true, have, hlen);
	}
	*miss = WB_BASELINE_FOUND;
	return 0;
}
