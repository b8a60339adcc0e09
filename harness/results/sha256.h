/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), small and dependency-free: the guest's results come
 * back over a byte channel and are accepted only when their digest matches.
 */
#ifndef WB_SHA256_H
#define WB_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct wb_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};

void wb_sha256_init(struct wb_sha256 *s);
void wb_sha256_update(struct wb_sha256 *s, const void *data, size_t n);
void wb_sha256_final(struct wb_sha256 *s, uint8_t out[32]);
/* One call: lowercase hex digest into @hex (65 bytes with the NUL). */
void wb_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
