// SPDX-License-Identifier: MIT
#include "counters/vmstat.h"

#include <errno.h>
#include <string.h>

static int parse_u64(const char *p, const char **end, uint64_t *out)
{
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p && *p != '\n')
		return -EINVAL;
	*end = p;
	*out = v;
	return 0;
}

int wb_vmstat_parse(const char *text, const char *const *names, int n,
		    uint64_t *vals, bool *found)
{
	const char *p = text;

	for (int i = 0; i < n; i++) {
		found[i] = false;
		vals[i] = 0;
	}
	while (*p) {
		const char *sp = strchr(p, ' ');
		const char *nl = strchr(p, '\n');
		const char *end;

		if (!nl)
			nl = p + strlen(p);
		if (sp && sp < nl) {
			size_t len = sp - p;

			for (int i = 0; i < n; i++) {
				if (strlen(names[i]) != len ||
				    strncmp(names[i], p, len))
					continue;
				if (parse_u64(sp + 1, &end, &vals[i]))
					return -EINVAL;
				found[i] = true;
			}
		}
		p = *nl ? nl + 1 : nl;
	}
	return 0;
}

int wb_vmstat_delta(uint64_t before, uint64_t after, uint64_t *delta)
{
	if (after < before)
		return -ERANGE;
	*delta = after - before;
	return 0;
}
