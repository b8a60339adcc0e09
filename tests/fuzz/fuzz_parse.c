// SPDX-License-Identifier: MIT
/* libFuzzer target: the command-line token parsers (sizes, page sizes,
 * integers, doubles). Input: NUL-separated tokens. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *tok, buf2[64];
	uint64_t u;
	double d;
	int i;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	for (tok = buf; tok < buf + size; tok += strlen(tok) + 1) {
		if (!wb_parse_size(tok, &u))
			wb_format_size(u, buf2, sizeof(buf2));
		wb_parse_u64(tok, &u);
		wb_parse_int(tok, &i);
		wb_parse_double(tok, &d);
		if (!wb_parse_pagesize(tok, &u) && u != 4096 &&
		    u != (2u << 20) && u != (1u << 30))
			abort(); /* only the three page sizes may parse */
	}
	free(buf);
	return 0;
}
