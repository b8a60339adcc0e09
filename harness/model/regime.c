// SPDX-License-Identifier: MIT
/*
 * Translation regimes. Every radix format here is one rule: a table is one
 * granule of 8-byte entries, so it resolves log2(granule) - 3 address bits,
 * and the top table resolves what is left of va_bits. x86-64 is the 4K
 * granule with 48 or 57 bits; arm64 adds the 16K and 64K granules and the
 * VA sizes between. Sources per figure are in regime.h and README.md.
 */
#include <errno.h>
#include <stdio.h>

#include "regime.h"

static int shift_of(uint64_t granule)
{
	if (granule == WBM_4K)
		return 12;
	if (granule == WBM_16K)
		return 14;
	if (granule == WBM_64K)
		return 16;
	return 0;
}

static int levels_for(int page_shift, int va_bits)
{
	int bpl = page_shift - 3;

	return (va_bits - page_shift + bpl - 1) / bpl;
}

int wbm_regime_x86(int levels, struct wbm_regime *r)
{
	if (levels != 4 && levels != 5)
		return -EINVAL;
	*r = (struct wbm_regime){ .arch = WBM_ARCH_X86_64,
				  .granule = WBM_4K,
				  .va_bits = levels == 4 ? 48 : 57,
				  .levels = levels };
	return 0;
}

/*
 * The VA sizes Linux's arm64 Kconfig offers (ARM64_VA_BITS_*), each a size
 * the architecture allows for that granule: above 48 bits only with
 * FEAT_LPA2 (4K, 16K) or FEAT_LVA (64K).
 */
static int arm64_va_ok(uint64_t granule, int va_bits)
{
	static const int k4[] = { 39, 48, 52, 0 };
	static const int k16[] = { 36, 47, 48, 52, 0 };
	static const int k64[] = { 42, 48, 52, 0 };
	const int *v = granule == WBM_4K    ? k4
		       : granule == WBM_16K ? k16
		       : granule == WBM_64K ? k64
					    : NULL;

	for (; v && *v; v++)
		if (*v == va_bits)
			return 1;
	return 0;
}

int wbm_regime_arm64(uint64_t granule, int va_bits, struct wbm_regime *r)
{
	int shift = shift_of(granule);

	if (!shift || !arm64_va_ok(granule, va_bits))
		return -EINVAL;
	*r = (struct wbm_regime){ .arch = WBM_ARCH_ARM64,
				  .granule = granule,
				  .va_bits = va_bits,
				  .levels = levels_for(shift, va_bits) };
	return 0;
}

int wbm_regime_page_shift(const struct wbm_regime *r)
{
	return shift_of(r->granule);
}

int wbm_regime_bits_per_level(const struct wbm_regime *r)
{
	return shift_of(r->granule) - 3;
}

uint64_t wbm_regime_entries(const struct wbm_regime *r)
{
	return r->granule / 8;
}

uint64_t wbm_regime_top_entries(const struct wbm_regime *r)
{
	int below = wbm_regime_page_shift(r) +
		    wbm_regime_bits_per_level(r) * (r->levels - 1);

	return (uint64_t)1 << (r->va_bits - below);
}

uint64_t wbm_regime_top_bytes(const struct wbm_regime *r)
{
	return wbm_regime_top_entries(r) * 8;
}

uint64_t wbm_regime_entry_span(const struct wbm_regime *r, int level)
{
	return r->granule << (wbm_regime_bits_per_level(r) * (level - 1));
}

uint64_t wbm_regime_cover(const struct wbm_regime *r, int level)
{
	if (level >= r->levels)
		return wbm_regime_space(r);
	return wbm_regime_entry_span(r, level + 1);
}

uint64_t wbm_regime_space(const struct wbm_regime *r)
{
	return (uint64_t)1 << r->va_bits;
}

/* Highest level whose entries may be leaves (blocks). */
static int top_leaf(const struct wbm_regime *r)
{
	if (r->arch == WBM_ARCH_X86_64)
		return 3; /* 1G pages */
	/*
	 * Arm ARM D8.2 (block descriptors per granule and level): 4K blocks
	 * at levels 1 and 2 (1G, 2M), 16K and 64K at level 2 (32M, 512M).
	 * With 52-bit addresses one more: 4K level 0 (512G, FEAT_LPA2), 16K
	 * level 1 (64G, FEAT_LPA2), 64K level 1 (4T, FEAT_LPA).
	 */
	if (r->granule == WBM_4K)
		return r->va_bits > 48 ? 4 : 3;
	return r->va_bits > 48 ? 3 : 2;
}

int wbm_regime_leaf_level(const struct wbm_regime *r, uint64_t page_size)
{
	int top = top_leaf(r);

	if (top > r->levels)
		top = r->levels;
	for (int l = 1; l <= top; l++)
		if (wbm_regime_entry_span(r, l) == page_size)
			return l;
	return 0;
}

int wbm_regime_leaf_depth(const struct wbm_regime *r, uint64_t page_size,
			  int *depth)
{
	int leaf = wbm_regime_leaf_level(r, page_size);

	if (!leaf)
		return -EINVAL;
	*depth = r->levels - leaf + 1;
	return 0;
}

unsigned int wbm_regime_contig(const struct wbm_regime *r, int level)
{
	if (r->arch != WBM_ARCH_ARM64 || level < 1 || level > 3)
		return 0;
	/*
	 * Arm ARM "The Contiguous bit"; Linux CONT_PTE_SHIFT and
	 * CONT_PMD_SHIFT (arch/arm64/include/asm/pgtable-hwdef.h) for levels
	 * 1 and 2, and the IOMMU's armv8pt_contig_count_lg2()
	 * (drivers/iommu/generic_pt/fmt/armv8.h: 16 at every 4KB leaf level)
	 * for 4K's 1G blocks.
	 */
	if (level == 3)
		return r->granule == WBM_4K ? 16 : 0;
	if (r->granule == WBM_4K)
		return 16;
	if (r->granule == WBM_16K)
		return level == 1 ? 128 : 32;
	return 32;
}

int wbm_regime_describe(const struct wbm_regime *r, char *buf, size_t len)
{
	int n;

	if (r->arch == WBM_ARCH_X86_64)
		n = snprintf(buf, len, "x86-64 %d-level", r->levels);
	else
		n = snprintf(buf, len,
			     "arm64 %lluK granule, %d-bit VA, %d levels",
			     (unsigned long long)(r->granule >> 10), r->va_bits,
			     r->levels);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}
