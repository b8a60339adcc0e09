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

int wb_cpuinfo_field(const char *key, char *out, size_t len)
{
	char line[4096];
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/cpuinfo", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon;

		if (line[0] == '\n')
			break; /* end of the first CPU */
		if (strncmp(line, key, klen) ||
		    (line[klen] != ' ' && line[klen] != '\t' &&
		     line[klen] != ':'))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		colon[strcspn(colon, "\n")] = 0;
		snprintf(out, len, "%s", colon);
		err = 0;
		break;
	}
	fclose(f);
	return err;
}
