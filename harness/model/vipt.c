// SPDX-License-Identifier: MIT
#include <errno.h>

#include "vipt.h"

static int pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

int wbm_vipt_check(uint64_t size, uint64_t ways, uint64_t line, uint64_t page,
		   struct wbm_vipt *out)
{
	/* ways need not be a power of two (12-way caches are common), but the
	 * set count, line and page must be for bit-field indexing. */
	if (!size || !ways || !pow2(line) || !pow2(page) ||
	    size % (ways * line))
		return -EINVAL;
	out->sets = size / (ways * line);
	if (!pow2(out->sets))
		return -EINVAL;
	out->span = out->sets * line;
	out->page = page;
	out->ok = out->span <= page;
	out->colours = out->ok ? 1 : out->span / page;
	return 0;
}
