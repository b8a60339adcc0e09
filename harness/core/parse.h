/* SPDX-License-Identifier: MIT */
/* Strict parsers for command-line and data-file tokens: the whole token must
 * parse, or -EINVAL (-ERANGE on overflow). */
#ifndef WB_PARSE_H
#define WB_PARSE_H

#include <stddef.h>
#include <stdint.h>

int wb_parse_u64(const char *s, uint64_t *out);
int wb_parse_int(const char *s, int *out);
int wb_parse_double(const char *s, double *out);
/* "4096", "48K", "2M", "1G", "1T", "1.5G" (binary units) -> bytes */
int wb_parse_size(const char *s, uint64_t *out);
/* "4K", "2M", "1G" only */
int wb_parse_pagesize(const char *s, uint64_t *out);
/* 4096 -> "4K"; other sizes in the largest exact binary unit */
const char *wb_format_size(uint64_t bytes, char *buf, size_t len);

#endif
