// SPDX-License-Identifier: MIT
/* Statistics over repetitions; the methods are described in stats.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

static double quantile_sorted(const double *s, size_t n, double q)
{
	double h = q * (double)(n - 1);
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

int wb_quantile(const double *x, size_t n, double q, double *out)
{
	double *s;

	if (!n || !(q >= 0 && q <= 1))
		return -EINVAL;
	s = sorted_copy(x, n);
	if (!s)
		return -ENOMEM;
	*out = quantile_sorted(s, n, q);
	free(s);
	return 0;
}

int wb_median(const double *x, size_t n, double *out)
{
	return wb_quantile(x, n, 0.5, out);
}

int wb_trimmed_mean(const double *x, size_t n, double frac, double *out)
{
	double *s, sum = 0;
	size_t cut;

	if (!n || !(frac >= 0 && frac < 0.5))
		return -EINVAL;
	s = sorted_copy(x, n);
	if (!s)
		return -ENOMEM;
	cut = (size_t)floor(frac * (double)n);
	for (size_t i = cut; i < n - cut; i++)
		sum += s[i];
	*out = sum / (double)(n - 2 * cut);
	free(s);
	return 0;
}

/* log C(n, k), so large sample sizes do not overflow */
static double log_choose(size_t n, size_t k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) -
	       lgamma((double)(n - k) + 1);
}

double wb_mwu_min_p(size_t nx, size_t ny)
{
	double p;

	if (!nx || !ny)
		return 1;
	p = 2 * exp(-log_choose(nx + ny, nx));
	return p > 1 ? 1 : p;
}

size_t wb_mwu_reps_needed(double alpha)
{
	size_t n = 1;

	while (n < 1000 && wb_mwu_min_p(n, n) > alpha)
		n++;
	return n;
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;

	return (x->p > y->p) - (x->p < y->p);
}

int wb_holm(const double *p, size_t n, double *adj)
{
	struct pidx *s;
	size_t m = 0;
	double run = 0;

	if (!n)
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	/* p and adj may be the same array */
	for (size_t i = 0; i < n; i++) {
		if (!isnan(p[i]))
			s[m++] = (struct pidx){ p[i], i };
		adj[i] = NAN;
	}
	qsort(s, m, sizeof(*s), cmp_pidx);
	/* the k-th smallest is tested at alpha / (m - k); adjusted values
	 * are made monotone so that the order of rejection is kept */
	for (size_t k = 0; k < m; k++) {
		double v = (double)(m - k) * s[k].p;

		if (v > run)
			run = v;
		adj[s[k].i] = run < 1 ? run : 1;
	}
	free(s);
	return 0;
}

/*
 * Null distribution of U for sizes nx, ny without ties: cdf[u] = P(U <= u),
 * u = 0 .. nx * ny. Counts rank subsets of size nx by their rank sum.
 */
static int u_cdf(size_t nx, size_t ny, double **cdf_out)
{
	size_t n = nx + ny, maxs = n * (n + 1) / 2, m = nx * ny;
	double *c, *cdf, total = 0, acc = 0;
	size_t base = nx * (nx + 1) / 2;

	c = calloc((nx + 1) * (maxs + 1), sizeof(*c));
	cdf = calloc(m + 1, sizeof(*cdf));
	if (!c || !cdf) {
		free(c);
		free(cdf);
		return -ENOMEM;
	}
#define C(i, s) c[(i) * (maxs + 1) + (s)]
	C(0, 0) = 1;
	for (size_t t = 1; t <= n; t++)
		for (size_t i = t < nx ? t : nx; i >= 1; i--)
			for (size_t s = maxs; s >= t; s--)
				C(i, s) += C(i - 1, s - t);
	for (size_t u = 0; u <= m; u++)
		total += C(nx, base + u);
	for (size_t u = 0; u <= m; u++) {
		acc += C(nx, base + u);
		cdf[u] = acc / total;
	}
#undef C
	free(c);
	*cdf_out = cdf;
	return 0;
}

static double norm_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2));
}

/* z with P(Z > z) = tail, by bisection: slow but exact enough and simple */
static double norm_upper_quantile(double tail)
{
	double lo = -40, hi = 40;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (1 - norm_cdf(mid) > tail)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

struct ranked {
	double v;
	int side; /* 0: x, 1: y */
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v,
			  &((const struct ranked *)b)->v);
}

int wb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		    struct wb_mwu *out)
{
	size_t n = nx + ny;
	struct ranked *r;
	double rank_x = 0, tie_sum = 0, mu, var;

	if (!nx || !ny)
		return -EINVAL;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < nx; i++)
		r[i] = (struct ranked){ x[i], 0 };
	for (size_t i = 0; i < ny; i++)
		r[nx + i] = (struct ranked){ y[i], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	/* midranks for ties; sum of t^3 - t over tie groups for the variance */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double mid;

		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		mid = (double)(i + j) / 2 + 1;
		for (size_t k = i; k <= j; k++)
			if (!r[k].side)
				rank_x += mid;
		if (j > i) {
			double t = (double)(j - i + 1);

			tie_sum += t * t * t - t;
		}
		i = j + 1;
	}
	free(r);
	memset(out, 0, sizeof(*out));
	out->u_x = rank_x - (double)nx * (double)(nx + 1) / 2;
	out->u_y = (double)nx * (double)ny - out->u_x;
	out->ties = tie_sum > 0;
	if (!out->ties && nx <= WB_MWU_EXACT_MAX && ny <= WB_MWU_EXACT_MAX) {
		double *cdf, umin = fmin(out->u_x, out->u_y);
		int err = u_cdf(nx, ny, &cdf);

		if (err)
			return err;
		out->exact = true;
		out->p = fmin(1, 2 * cdf[(size_t)umin]);
		free(cdf);
		return 0;
	}
	mu = (double)nx * (double)ny / 2;
	var = (double)nx * (double)ny / 12 *
	      ((double)n + 1 - tie_sum / ((double)n * (double)(n - 1)));
	if (var <= 0) {
		out->p = 1; /* every value tied: no evidence either way */
		return 0;
	}
	out->z = (fabs(out->u_x - mu) - 0.5) / sqrt(var);
	if (out->z < 0)
		out->z = 0;
	out->p = fmin(1, 2 * (1 - norm_cdf(out->z)));
	return 0;
}

int wb_hodges_lehmann(const double *x, size_t nx, const double *y, size_t ny,
		      double conf, double *est, double *lo, double *hi,
		      double *achieved)
{
	size_t m = nx * ny, k = 1;
	double *d, tail = (1 - conf) / 2;
	int err = 0;

	if (!nx || !ny || !(conf > 0 && conf < 1))
		return -EINVAL;
	d = malloc(m * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			d[i * ny + j] = y[j] - x[i];
	qsort(d, m, sizeof(*d), cmp_double);
	*est = quantile_sorted(d, m, 0.5);
	/* [d_(k), d_(m-k+1)] covers the shift with 1 - 2 P(U <= k - 1) */
	if (nx <= WB_MWU_EXACT_MAX && ny <= WB_MWU_EXACT_MAX) {
		double *cdf;

		err = u_cdf(nx, ny, &cdf);
		if (err)
			goto out;
		while (k < (m + 1) / 2 && cdf[k] <= tail)
			k++;
		*achieved = 1 - 2 * cdf[k - 1];
		free(cdf);
	} else {
		double mu = (double)m / 2;
		double sd = sqrt((double)m * (double)(nx + ny + 1) / 12);
		double kk = floor(mu - norm_upper_quantile(tail) * sd + 0.5);

		k = kk < 1 ? 1 : (size_t)kk;
		*achieved = 1 - 2 * norm_cdf(((double)k - 0.5 - mu) / sd);
	}
	*lo = d[k - 1];
	*hi = d[m - k];
out:
	free(d);
	return err;
}

int wb_knees(const double *y, size_t n, size_t *idx, size_t cap, size_t *nk)
{
	double *s, *dev, med, mad;
	int err = 0;

	*nk = 0;
	if (n < 3)
		return n ? 0 : -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!(y[i] > 0))
			return -EINVAL;
	s = malloc((n - 1) * sizeof(*s));
	dev = malloc((n - 1) * sizeof(*dev));
	if (!s || !dev) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i + 1 < n; i++)
		s[i] = log(y[i + 1] / y[i]);
	err = wb_median(s, n - 1, &med);
	if (err)
		goto out;
	for (size_t i = 0; i + 1 < n; i++)
		dev[i] = fabs(s[i] - med);
	err = wb_median(dev, n - 1, &mad);
	if (err)
		goto out;
	mad *= 1.4826; /* consistent with the standard deviation for normal noise */
	for (size_t i = 0; i + 1 < n; i++) {
		bool rise = s[i] > log1p(WB_KNEE_MIN_RISE) &&
			    s[i] - med > 3 * mad;
		bool prev = i > 0 && s[i - 1] > log1p(WB_KNEE_MIN_RISE) &&
			    s[i - 1] - med > 3 * mad;

		if (rise && !prev && *nk < cap)
			idx[(*nk)++] = i;
	}
out:
	free(s);
	free(dev);
	return err;
}
