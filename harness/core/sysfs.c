// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/sysfs.h"

int wb_sysfs_word(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[256], *a = NULL, *b = NULL;

	if (!f)
		return -errno;
	if (fgets(line, sizeof(line), f) && (a = strchr(line, '[')))
		b = strchr(a, ']');
	fclose(f);
	if (!b)
		return -EIO;
	*b = 0;
	snprintf(out, len, "%s", a + 1);
	return 0;
}

int wb_sysfs_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "re");
	int n;

	if (!f)
		return -errno;
	n = fscanf(f, "%" SCNu64, v);
	fclose(f);
	return n == 1 ? 0 : -EIO;
}
