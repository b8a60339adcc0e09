// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem/mem.h"
#include "mem/pagemap.h"
#include "mem/pfns.h"

int wb_pfns(pid_t pid, const void *addr, size_t n, uint64_t *pfns)
{
	struct wb_pagemap pm;
	int err = wb_pagemap_open(&pm, pid, false);

	if (err)
		return err;
	err = wb_pagemap_read(&pm, (uintptr_t)addr, n, pfns);
	wb_pagemap_close(&pm);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		int r = wb_pagemap_frame(pfns[i], &pfns[i]);

		if (r == -ENOENT)
			pfns[i] = 0;
		else if (r)
			err = r;
	}
	return err;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

size_t wb_count_distinct(const uint64_t *v, size_t n)
{
	uint64_t *s = malloc(n * sizeof(*s) + 1);
	size_t d = 0;

	if (!s)
		return 0;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (s[i] && (i == 0 || s[i] != s[i - 1]))
			d++;
	free(s);
	return d;
}
