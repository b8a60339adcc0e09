/* SPDX-License-Identifier: MIT */
/*
 * An empty stretch of virtual address space at a chosen alignment, held as
 * PROT_NONE (which creates no page tables) so nothing else lands in it.
 * A kernel that checks page-table bytes maps its region inside a slot of
 * its own top-level entry (512 GiB): then the tables the region needs are
 * exactly the ones its mapping creates, whatever else the process maps.
 */
#ifndef WB_VASLOT_H
#define WB_VASLOT_H

#include <stddef.h>

#define WB_PGD_SPAN ((size_t)1 << 39) /* what one 4-level PGD entry maps */

struct wb_vaslot {
	void *base; /* aligned to the requested alignment */
	size_t len;
};

/* Reserve @len bytes at an address aligned to @align (a power of two). */
int wb_vaslot_reserve(struct wb_vaslot *s, size_t len, size_t align);
void wb_vaslot_release(struct wb_vaslot *s);

#endif
