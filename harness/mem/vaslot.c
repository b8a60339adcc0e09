// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "mem/vaslot.h"

int wb_vaslot_reserve(struct wb_vaslot *s, size_t len, size_t align)
{
	size_t span = len + align;
	char *p, *a;

	s->base = NULL;
	s->len = 0;
	if (!len || !align || (align & (align - 1)))
		return -EINVAL;
	p = mmap(NULL, span, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + span)
		munmap(a + len, (size_t)(p + span - (a + len)));
	s->base = a;
	s->len = len;
	return 0;
}

void wb_vaslot_release(struct wb_vaslot *s)
{
	if (s->base)
		munmap(s->base, s->len);
	s->base = NULL;
	s->len = 0;
}
