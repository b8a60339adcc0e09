// SPDX-License-Identifier: MIT
/*
 * The one place a kernel asks for an mTHP folio size: the parent's
 * prepare_system() switches it through the journal, the child's setup()
 * finds it ready or refuses with the switches that are in the way.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mem/mthp.h"
#include "runner/kernel.h"

int wb_mthp_ready(struct wb_ctx *ctx, uint64_t size)
{
	char why[WB_WHY_LEN];
	int err = wb_mthp_check(size, why, sizeof(why));

	if (!err)
		return 0;
	if (err != -EPERM)
		return wb_refuse(ctx, WB_MISSING, err, "%s", why);
	if (!ctx->allow_settings || !ctx->journal || geteuid())
		return wb_refuse(ctx, WB_MISSING, EPERM,
				 "%" PRIu64 "K folios not first for a "
				 "MADV_HUGEPAGE region: %s, and settings "
				 "changes are not allowed (--allow-settings, "
				 "as root)",
				 size >> 10, why);
	err = wb_mthp_apply(ctx->journal, size, why, sizeof(why));
	if (err)
		return wb_refuse(ctx, WB_MISSING, err,
				 "cannot switch to %" PRIu64 "K folios: %s",
				 size >> 10, why);
	return 0;
}
