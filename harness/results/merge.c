// SPDX-License-Identifier: MIT
/* Grouping runs from many hosts by CPU model and summarising them. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results/merge.h"
#include "check/stats.h"

const char *const wb_merge_status_names[WB_MERGE_NSTATUS] = {
	"failed",  "missing", "skipped", "untrusted",
	"crashed", "timeout", "oom",	 "other",
};

static long long schema_of(const struct wb_rfile *r)
{
	return json_integer_value(json_object_get(r->wb, "schema_version"));
}

static int major_of(const struct wb_rfile *r)
{
	return atoi(wb_jstr(r->wb, "version"));
}

int wb_merge_check(const struct wb_rfile *f, size_t n, char *why, size_t len)
{
	struct stat si, sk;

	if (!n) {
		snprintf(why, len, "merge needs at least one RESULTS.json");
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		bool si_ok = !stat(f[i].path, &si);

		for (size_t k = 0; k < i; k++) {
			if (strcmp(f[i].path, f[k].path) &&
			    !(si_ok && !stat(f[k].path, &sk) &&
			      si.st_dev == sk.st_dev && si.st_ino == sk.st_ino))
				continue;
			snprintf(why, len, "%s: given twice (same file as %s)",
				 f[i].path, f[k].path);
			return -EINVAL;
		}
		if (schema_of(&f[i]) != schema_of(&f[0])) {
			snprintf(why, len,
				 "%s: schema_version %lld differs from %s's "
				 "%lld",
				 f[i].path, schema_of(&f[i]), f[0].path,
				 schema_of(&f[0]));
			return -EINVAL;
		}
		if (major_of(&f[i]) != major_of(&f[0])) {
			snprintf(why, len,
				 "%s: results format version '%s' has another "
				 "major version than %s's '%s'",
				 f[i].path, wb_jstr(f[i].wb, "version"),
				 f[0].path, wb_jstr(f[0].wb, "version"));
			return -EINVAL;
		}
	}
	return 0;
}

static void group_key(const struct wb_rfile *r, char *key, size_t len)
{
	snprintf(key, len, "%s/%lld/%lld/%s", wb_jstr(r->env, "vendor"),
		 json_integer_value(json_object_get(r->env, "family")),
		 json_integer_value(json_object_get(r->env, "model")),
		 wb_jstr(r->env, "model_name"));
}

/* The key with runs of anything but [A-Za-z0-9._] as one '-'. */
static void slugify(const char *key, char *slug, size_t len)
{
	size_t o = 0;

	for (const char *p = key; *p && o + 1 < len; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c) || c == '.' || c == '_')
			slug[o++] = (char)c;
		else if (o && slug[o - 1] != '-')
			slug[o++] = '-';
	}
	while (o && slug[o - 1] == '-')
		o--;
	slug[o] = 0;
	if (!o)
		snprintf(slug, len, "unknown-cpu");
}

static void unique_slug(struct wb_merge *m, struct wb_merge_group *g)
{
	char base[sizeof(g->slug)];

	slugify(g->key, base, sizeof(base));
	snprintf(g->slug, sizeof(g->slug), "%s", base);
	for (int n = 2;; n++) {
		size_t k;

		for (k = 0; k < m->ng; k++)
			if (&m->g[k] != g && !strcmp(m->g[k].slug, g->slug))
				break;
		if (k == m->ng)
			return;
		snprintf(g->slug, sizeof(g->slug), "%.100s-%d", base, n);
	}
}

static size_t status_index(const char *s)
{
	for (size_t i = 0; i + 1 < WB_MERGE_NSTATUS; i++)
		if (!strcmp(s, wb_merge_status_names[i]))
			return i;
	return WB_MERGE_NSTATUS - 1;
}

static void describe_run(struct wb_merge_run *run, const struct wb_rfile *f)
{
	size_t i;
	json_t *in;

	run->f = f;
	run->host = wb_jstr(f->context, "host_name");
	if (!*run->host)
		run->host = f->path;
	run->complete = !json_is_false(json_object_get(f->wb, "complete"));
	for (i = 0; i < f->nb; i++)
		if (!f->b[i].page_size_verified)
			run->unverified++;
	json_array_foreach(f->instances, i, in) {
		const char *s = wb_jstr(in, "status");

		if (strcmp(s, "ok"))
			run->status[status_index(s)]++;
	}
}

static struct wb_merge_group *find_group(struct wb_merge *m, const char *key)
{
	for (size_t i = 0; i < m->ng; i++)
		if (!strcmp(m->g[i].key, key))
			return &m->g[i];
	return NULL;
}

static void add_env(struct wb_merge_group *g, const struct wb_rfile *f)
{
	const char *hv = wb_jstr(f->env, "hypervisor");
	const char *k = wb_jstr(f->env, "kernel");
	const char *t = wb_jstr(f->env, "thp_enabled");

	/* entries below nenv are all set; the analyzer looks at the calloc'd
	 * ones beyond it */
	for (size_t i = 0; i < g->nenv; i++)
		// NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
		if (!strcmp(g->env[i].hypervisor, hv) &&
		    !strcmp(g->env[i].kernel, k) && !strcmp(g->env[i].thp, t)) {
			g->env[i].runs++;
			return;
		}
	/* g->env holds g->nruns entries: one per run at most */
	g->env[g->nenv++] = (struct wb_merge_env){
		.hypervisor = hv, .kernel = k, .thp = t, .runs = 1
	};
}

static size_t add_host(struct wb_merge_group *g, const char *host)
{
	for (size_t i = 0; i < g->nhosts; i++)
		if (!strcmp(g->hosts[i].name, host)) {
			g->hosts[i].runs++;
			return i;
		}
	g->hosts[g->nhosts] = (struct wb_merge_hostname){ host, 1 };
	return g->nhosts++;
}

/* Group membership: runs[] of each group, in file order. */
static int assign_groups(struct wb_merge *m)
{
	char key[256];

	m->g = calloc(m->nruns, sizeof(*m->g));
	if (!m->g)
		return -ENOMEM;
	for (size_t i = 0; i < m->nruns; i++) {
		const struct wb_rfile *f = m->runs[i].f;
		struct wb_merge_group *g;

		group_key(f, key, sizeof(key));
		g = find_group(m, key);
		if (!g) {
			g = &m->g[m->ng++];
			snprintf(g->key, sizeof(g->key), "%s", key);
			g->vendor = wb_jstr(f->env, "vendor");
			g->model_name = wb_jstr(f->env, "model_name");
			g->family = json_integer_value(
				json_object_get(f->env, "family"));
			g->model = json_integer_value(
				json_object_get(f->env, "model"));
			unique_slug(m, g);
			g->runs = calloc(m->nruns, sizeof(*g->runs));
			g->hosts = calloc(m->nruns, sizeof(*g->hosts));
			g->env = calloc(m->nruns, sizeof(*g->env));
			if (!g->runs || !g->hosts || !g->env)
				return -ENOMEM;
		}
		m->runs[i].group = (size_t)(g - m->g);
		/* a group found was allocated when it was created */
		// NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
		g->runs[g->nruns++] = i;
	}
	return 0;
}

static void describe_group(struct wb_merge *m, struct wb_merge_group *g)
{
	for (size_t r = 0; r < g->nruns; r++) {
		struct wb_merge_run *run = &m->runs[g->runs[r]];

		add_env(g, run->f);
		g->incomplete += !run->complete;
		g->unverified_runs += run->unverified > 0;
		for (size_t s = 0; s < WB_MERGE_NSTATUS; s++)
			g->status[s] += run->status[s];
		run->host_idx = add_host(g, run->host);
	}
}

/* Fills hv[] of @b: one value per host, repetitions of its runs pooled.
 * @order: the group's runs (indices into m->runs) sorted by host, so that
 * each benchmark costs one pass over the runs. */
static int host_values(const struct wb_merge *m, const struct wb_merge_group *g,
		       const size_t *order, struct wb_merge_bench *b)
{
	double *pool = NULL;
	size_t cap = 0, k = 0;
	int err = 0;

	b->hv = calloc(g->nhosts ? g->nhosts : 1, sizeof(*b->hv));
	if (!b->hv)
		return -ENOMEM;
	while (k < g->nruns && !err) {
		size_t h = m->runs[order[k]].host_idx;
		struct wb_merge_hostval v = { .host = h };

		for (; k < g->nruns && m->runs[order[k]].host_idx == h; k++) {
			const struct wb_merge_run *run = &m->runs[order[k]];
			const struct wb_rbench *rb = wb_rfile_find(run->f,
								   b->name);

			if (!rb)
				continue;
			b->nruns++;
			if (!rb->page_size_verified || !rb->nreps) {
				b->unverified_runs += !rb->page_size_verified;
				continue;
			}
			if (v.reps + rb->nreps > cap) {
				double *p;

				cap = 2 * (v.reps + rb->nreps);
				p = realloc(pool, cap * sizeof(*p));
				if (!p) {
					err = -ENOMEM;
					break;
				}
				pool = p;
			}
			memcpy(pool + v.reps, rb->real_time_ns,
			       rb->nreps * sizeof(*pool));
			v.reps += rb->nreps;
			v.runs++;
		}
		if (err || !v.reps)
			continue;
		err = wb_median(pool, v.reps, &v.median_ns);
		if (!err)
			b->hv[b->nhv++] = v;
	}
	free(pool);
	return err;
}

/* Median, range, spread, robust CV and outliers over the host values. */
static int summarise(struct wb_merge_bench *b)
{
	double *x, *dev, mad, smad;
	int err;

	b->median_ns = b->min_ns = b->max_ns = NAN;
	b->spread = b->rcv = NAN;
	if (!b->nhv)
		return 0;
	x = calloc(2 * b->nhv, sizeof(*x));
	if (!x)
		return -ENOMEM;
	dev = x + b->nhv;
	for (size_t i = 0; i < b->nhv; i++) {
		x[i] = b->hv[i].median_ns;
		if (x[i] < x[b->min_hv])
			b->min_hv = i;
		if (x[i] > x[b->max_hv])
			b->max_hv = i;
	}
	b->min_ns = x[b->min_hv];
	b->max_ns = x[b->max_hv];
	b->spread = b->min_ns > 0 ? b->max_ns / b->min_ns : NAN;
	err = wb_median(x, b->nhv, &b->median_ns);
	for (size_t i = 0; i < b->nhv && !err; i++)
		dev[i] = fabs(x[i] - b->median_ns);
	if (!err)
		err = wb_median(dev, b->nhv, &mad);
	if (err) {
		free(x);
		return err;
	}
	smad = WB_MERGE_MAD_SCALE * mad;
	b->rcv = b->median_ns > 0 ? smad / b->median_ns : NAN;
	for (size_t i = 0; i < b->nhv; i++) {
		struct wb_merge_hostval *v = &b->hv[i];

		v->dev = b->median_ns > 0 ? (x[i] - b->median_ns) / b->median_ns
					  : NAN;
		v->mads = smad > 0 ? dev[i] / smad
				   : (dev[i] > 0 ? INFINITY : 0);
		v->outlier = b->nhv >= WB_MERGE_OUT_MIN_HOSTS &&
			     v->mads > WB_MERGE_OUT_MADS &&
			     fabs(v->dev) > WB_MERGE_OUT_MIN_DEV;
		b->noutliers += v->outlier;
	}
	free(x);
	return 0;
}

static struct wb_merge_bench *find_bench(struct wb_merge_group *g,
					 const char *name)
{
	for (size_t i = 0; i < g->nb; i++)
		if (!strcmp(g->b[i].name, name))
			return &g->b[i];
	return NULL;
}

/* Benchmark names of the group in order of first appearance. */
static int group_benches(struct wb_merge *m, struct wb_merge_group *g)
{
	size_t cap = 0, *order;
	int err = 0;

	for (size_t r = 0; r < g->nruns; r++)
		cap += m->runs[g->runs[r]].f->nb;
	g->b = calloc(cap ? cap : 1, sizeof(*g->b));
	if (!g->b)
		return -ENOMEM;
	for (size_t r = 0; r < g->nruns; r++) {
		const struct wb_rfile *f = m->runs[g->runs[r]].f;

		for (size_t i = 0; i < f->nb; i++)
			if (!find_bench(g, f->b[i].name))
				g->b[g->nb++].name = f->b[i].name;
	}
	order = calloc(g->nruns ? g->nruns : 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t h = 0, k = 0; h < g->nhosts; h++)
		for (size_t r = 0; r < g->nruns; r++)
			if (m->runs[g->runs[r]].host_idx == h)
				order[k++] = g->runs[r];
	for (size_t i = 0; i < g->nb && !err; i++) {
		err = host_values(m, g, order, &g->b[i]);
		if (!err)
			err = summarise(&g->b[i]);
	}
	free(order);
	return err;
}

int wb_merge_build(const struct wb_rfile *f, size_t n, struct wb_merge *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	if (!n)
		return -EINVAL;
	m->runs = calloc(n, sizeof(*m->runs));
	if (!m->runs)
		return -ENOMEM;
	m->nruns = n;
	for (size_t i = 0; i < n; i++)
		describe_run(&m->runs[i], &f[i]);
	err = assign_groups(m);
	for (size_t i = 0; i < m->ng && !err; i++)
		describe_group(m, &m->g[i]);
	for (size_t i = 0; i < m->ng && !err; i++)
		err = group_benches(m, &m->g[i]);
	for (size_t i = 0; i < n && !err; i++) {
		size_t k;

		for (k = 0; k < i; k++)
			if (!strcmp(m->runs[k].host, m->runs[i].host))
				break;
		m->nhosts += k == i;
	}
	if (err)
		wb_merge_free(m);
	return err;
}

void wb_merge_free(struct wb_merge *m)
{
	for (size_t i = 0; i < m->ng; i++) {
		struct wb_merge_group *g = &m->g[i];

		for (size_t k = 0; k < g->nb; k++)
			free(g->b[k].hv);
		free(g->b);
		free(g->runs);
		free(g->hosts);
		free(g->env);
	}
	free(m->g);
	free(m->runs);
	memset(m, 0, sizeof(*m));
}
