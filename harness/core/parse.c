// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

int wb_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int wb_parse_int(const char *s, int *out)
{
	uint64_t v;
	int neg = s && *s == '-';
	int err = wb_parse_u64(neg ? s + 1 : s, &v);

	if (err)
		return err;
	if (v > INT_MAX)
		return -ERANGE;
	*out = neg ? -(int)v : (int)v;
	return 0;
}

int wb_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || !isfinite(v))
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int unit_shift(char c)
{
	switch (c) {
	case 'K':
	case 'k':
		return 10;
	case 'M':
	case 'm':
		return 20;
	case 'G':
	case 'g':
		return 30;
	case 'T':
	case 't':
		return 40;
	case 'P':
	case 'p':
		return 50;
	}
	return -1;
}

int wb_parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	/* decimal digits and one point only: strtod would also take hex,
	 * exponents, "inf" */
	if (s[strspn(s, "0123456789.")] &&
	    strchr("xXeEpP", s[strspn(s, "0123456789.")]))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end) {
		shift = unit_shift(*end);
		if (shift < 0)
			return -EINVAL;
		end++;
		/* accept "K", "KB", "KiB" */
		if (*end == 'i')
			end++;
		if (*end == 'B')
			end++;
		if (*end)
			return -EINVAL;
	}
	v = ldexp(v, shift);
	if (v >= 18446744073709551616.0)
		return -ERANGE;
	if (v != floor(v))
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int wb_parse_pagesize(const char *s, uint64_t *out)
{
	uint64_t v;

	if (wb_parse_size(s, &v))
		return -EINVAL;
	if (v != 4096 && v != (2ull << 20) && v != (1ull << 30))
		return -EINVAL;
	*out = v;
	return 0;
}

const char *wb_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int i = -1;

	while (bytes && !(bytes & 1023) && i < 4) {
		bytes >>= 10;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)bytes,
			 units[i]);
	return buf;
}
