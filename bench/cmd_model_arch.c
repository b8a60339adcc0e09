// SPDX-License-Identifier: MIT
/*
 * --arch, --granule and --va-bits of the model subverbs: which translation
 * regime each layer (or the one address space) uses. x86-64 is the
 * default, so every command line written before arm64 means what it did.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_model.h"
#include "core/parse.h"

int wbm_cli_arch_parse(const char *sub, const struct wbm_cli_arch *a,
		       enum wbm_arch *arch)
{
	if (!a->arch || !strcmp(a->arch, "x86_64") ||
	    !strcmp(a->arch, "x86-64"))
		*arch = WBM_ARCH_X86_64;
	else if (!strcmp(a->arch, "arm64") || !strcmp(a->arch, "aarch64"))
		*arch = WBM_ARCH_ARM64;
	else
		return wb_error(WB_EXIT_USAGE,
				"model %s: bad --arch '%s' (want x86_64 or "
				"arm64)",
				sub, a->arch);
	if (*arch == WBM_ARCH_X86_64 && (a->granule || a->va_bits))
		return wb_error(WB_EXIT_USAGE,
				"model %s: --granule and --va-bits need --arch "
				"arm64",
				sub);
	return 0;
}

/*
 * The @i-th comma-separated item of @list into @buf; a list of one item
 * serves every index. -EINVAL past the end or for an empty item.
 */
static int nth(const char *list, int i, char *buf, size_t len)
{
	const char *s = list, *e;

	if (!strchr(list, ','))
		i = 0;
	for (; i > 0; i--) {
		s = strchr(s, ',');
		if (!s)
			return -EINVAL;
		s++;
	}
	e = strchr(s, ',');
	if (!e)
		e = s + strlen(s);
	if (e == s || (size_t)(e - s) >= len)
		return -EINVAL;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = 0;
	return 0;
}

int wbm_cli_list_len(const char *list)
{
	int n = 1;

	if (!list)
		return 0;
	for (; *list; list++)
		n += *list == ',';
	return n;
}

int wbm_cli_granule(const char *sub, const struct wbm_cli_arch *a, int i,
		    uint64_t *granule)
{
	char buf[32];

	*granule = WBM_4K;
	if (!a->granule)
		return 0;
	if (nth(a->granule, i, buf, sizeof(buf)) ||
	    wb_parse_size(buf, granule) ||
	    (*granule != WBM_4K && *granule != WBM_16K && *granule != WBM_64K))
		return wb_error(WB_EXIT_USAGE,
				"model %s: bad --granule '%s' (want 4K, 16K or "
				"64K, or one per layer: 4K,64K)",
				sub, a->granule);
	return 0;
}

int wbm_cli_va_bits(const char *sub, const struct wbm_cli_arch *a, int i,
		    int *va_bits)
{
	char buf[16];

	*va_bits = 0;
	if (!a->va_bits)
		return 0;
	if (nth(a->va_bits, i, buf, sizeof(buf)) || wb_parse_int(buf, va_bits))
		return wb_error(WB_EXIT_USAGE,
				"model %s: bad --va-bits '%s' (want a number, "
				"or one per layer: 48,48)",
				sub, a->va_bits);
	return 0;
}

int wbm_cli_arm64_sizes(uint64_t granule, char *buf, size_t len)
{
	static const int va[] = { 36, 39, 42, 47, 48, 52 };
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(va) / sizeof(va[0]); i++) {
		struct wbm_regime r;
		int n;

		if (wbm_regime_arm64(granule, va[i], &r))
			continue;
		n = snprintf(buf + off, len - off, "%s%d (%d levels)",
			     off ? ", " : "", va[i], r.levels);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return 0;
}

int wbm_cli_regime(const char *sub, const struct wbm_cli_arch *a, int i,
		   int x86_levels, struct wbm_regime *r)
{
	enum wbm_arch arch;
	uint64_t granule;
	int va, err = wbm_cli_arch_parse(sub, a, &arch);
	char sizes[160];

	if (err)
		return err;
	if (arch == WBM_ARCH_X86_64) {
		if (wbm_regime_x86(x86_levels, r))
			return wb_error(WB_EXIT_USAGE,
					"model %s: x86-64 has 4 or 5 levels",
					sub);
		return 0;
	}
	err = wbm_cli_granule(sub, a, i, &granule);
	if (!err)
		err = wbm_cli_va_bits(sub, a, i, &va);
	if (err)
		return err;
	if (!va)
		va = 48;
	if (wbm_regime_arm64(granule, va, r)) {
		char gb[16];

		wbm_cli_arm64_sizes(granule, sizes, sizeof(sizes));
		return wb_error(WB_EXIT_USAGE,
				"model %s: bad --va-bits '%d' for the %s "
				"granule (want %s)",
				sub, va,
				wb_format_size(granule, gb, sizeof(gb)), sizes);
	}
	return 0;
}

int wbm_cli_leaves(const struct wbm_regime *r, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int l = 1; l <= r->levels; l++) {
		uint64_t ps = wbm_regime_entry_span(r, l);
		char sb[16];
		int n;

		if (wbm_regime_leaf_level(r, ps) != l)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			     wb_format_size(ps, sb, sizeof(sb)));
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return 0;
}

int wbm_cli_arm_level(const struct wbm_regime *r, int level)
{
	(void)r;
	return 4 - level;
}

int wbm_cli_arm64_layer(uint64_t granule, int va_bits, int levels,
			uint64_t page_size, struct wbm_regime *r)
{
	static const int va[] = { 36, 39, 42, 47, 48, 52 };
	int d;

	if (va_bits)
		return wbm_regime_arm64(granule, va_bits, r) ||
				       r->levels != levels ||
				       wbm_regime_leaf_depth(r, page_size, &d)
			       ? -EINVAL
			       : 0;
	/* the smallest VA size with that many levels that has this leaf:
	 * 48 rather than 52 bits unless only 52 has the block */
	for (size_t i = 0; i < sizeof(va) / sizeof(va[0]); i++)
		if (!wbm_regime_arm64(granule, va[i], r) &&
		    r->levels == levels &&
		    !wbm_regime_leaf_depth(r, page_size, &d))
			return 0;
	return -EINVAL;
}
