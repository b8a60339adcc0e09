// SPDX-License-Identifier: MIT
/*
 * Walk cost. Each read a layer's walker makes is at an address of the layer
 * beneath it, which must itself be translated, and so is the final address
 * the walk produces: a layer with leaf depth d turns one translation below
 * into d + 1 of them plus its own d reads. Unrolled over k layers this is
 * prod(d_i + 1) - 1. The seed's Lg x Ln + Ln counts the d_g + 1 host walks
 * but not the d_g guest-entry reads themselves.
 */
#include <errno.h>

#include "walk.h"

int wbm_leaf_depth(int levels, uint64_t page_size, int *depth)
{
	struct wbm_regime r;

	if (wbm_regime_x86(levels, &r))
		return -EINVAL;
	return wbm_regime_leaf_depth(&r, page_size, depth);
}

int wbm_walk_worst_regime(const struct wbm_regime *regimes,
			  const uint64_t *page_sizes, int k, uint64_t *refs)
{
	uint64_t prod = 1;

	if (k < 1 || k > WBM_MAX_LAYERS)
		return -EINVAL;
	for (int i = 0; i < k; i++) {
		int d, err = wbm_regime_leaf_depth(&regimes[i], page_sizes[i],
						   &d);

		if (err)
			return err;
		prod *= (uint64_t)d + 1;
	}
	*refs = prod - 1;
	return 0;
}

int wbm_walk_worst(const int *levels, const uint64_t *page_sizes, int k,
		   uint64_t *refs)
{
	struct wbm_regime r[WBM_MAX_LAYERS];

	if (k < 1 || k > WBM_MAX_LAYERS)
		return -EINVAL;
	for (int i = 0; i < k; i++)
		if (wbm_regime_x86(levels[i], &r[i]))
			return -EINVAL;
	return wbm_walk_worst_regime(r, page_sizes, k, refs);
}

static int bad_prob(double p)
{
	return !(p >= 0.0 && p <= 1.0);
}

static int layer_regime(const struct wbm_layer *l, struct wbm_regime *r)
{
	if (l->regime) {
		*r = *l->regime;
		return 0;
	}
	return wbm_regime_x86(l->levels, r);
}

int wbm_walk_layer_expected(const struct wbm_layer *l, double *refs)
{
	struct wbm_regime r;
	int d, leaf, err = layer_regime(l, &r);
	double miss_all = 1.0, e = 0.0;

	if (!err)
		err = wbm_regime_leaf_depth(&r, l->page_size, &d);
	if (err)
		return err;
	if (bad_prob(l->ntlb_hit))
		return -EINVAL;
	leaf = r.levels - d + 1;
	for (int j = leaf + 1; j <= r.levels; j++) {
		double h = l->pwc_hit[j];

		if (bad_prob(h))
			return -EINVAL;
		/* first hit at level j: read levels j-1 .. leaf */
		e += miss_all * h * (j - leaf);
		miss_all *= 1.0 - h;
	}
	*refs = e + miss_all * d;
	return 0;
}

int wbm_walk_expected(const struct wbm_layer *layers, int k, double *refs)
{
	double below = 0.0;

	if (k < 1 || k > WBM_MAX_LAYERS)
		return -EINVAL;
	/* From the host up: below = cost of translating one address of
	 * layer i through layers i+1..k. */
	for (int i = k - 1; i >= 0; i--) {
		double e;
		int err = wbm_walk_layer_expected(&layers[i], &e);

		if (err)
			return err;
		below = e + (e + 1.0) * (1.0 - layers[i].ntlb_hit) * below;
	}
	*refs = below;
	return 0;
}

int wbm_walk_2d_split(int lg, uint64_t pg, int lh, uint64_t ph,
		      uint64_t *guest_reads, uint64_t *host_reads)
{
	int dg, dh, err = wbm_leaf_depth(lg, pg, &dg);

	if (!err)
		err = wbm_leaf_depth(lh, ph, &dh);
	if (err)
		return err;
	*guest_reads = dg;
	*host_reads = (uint64_t)(dg + 1) * dh;
	return 0;
}
