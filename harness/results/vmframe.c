// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/sha2.h>

#include "results/vmframe.h"

/* The digest the guest's busybox sha256sum wrote into the header. */
void wb_frame_sha256_hex(const void *data, size_t n, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, n, data);
	sha256_digest(&c, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = 0;
}

static const char *find(const char *buf, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(buf + i, needle, m) &&
		    (i == 0 || buf[i - 1] == '\n'))
			return buf + i;
	return NULL;
}

/* The frame at header @h, whose end is *@next on success. */
static int parse_one(const char *buf, size_t n, const char *h,
		     struct wb_frame *f, const char **next, char *why,
		     size_t whylen)
{
	const char *nl, *p;
	char line[160], hex[65], want[65];
	unsigned long long len;
	int rc, used = 0;
	size_t left, ll;

	left = n - (size_t)(h - buf);
	nl = memchr(h, '\n', left);
	if (!nl) {
		snprintf(why, whylen, "results frame header cut short");
		return -ENODATA;
	}
	ll = (size_t)(nl - h);
	if (ll >= sizeof(line)) {
		snprintf(why, whylen, "results frame header too long");
		return -EBADMSG;
	}
	memcpy(line, h, ll);
	line[ll] = 0;
	if (sscanf(line, "WBFRAME1 %d %llu %64[0-9a-f]%n", &rc, &len, hex,
		   &used) != 3 ||
	    (size_t)used != ll || strlen(hex) != 64) {
		snprintf(why, whylen, "malformed results frame header '%.80s'",
			 line);
		return -EBADMSG;
	}
	p = nl + 1;
	left = n - (size_t)(p - buf);
	if (len > left || left - len < strlen(WB_FRAME_END)) {
		snprintf(why, whylen,
			 "results cut short: %zu of %llu bytes and the "
			 "trailer arrived",
			 len > left ? left : (size_t)len, len);
		return -ENODATA;
	}
	if (memcmp(p + len, WB_FRAME_END, strlen(WB_FRAME_END))) {
		snprintf(why, whylen,
			 "results frame trailer missing after "
			 "the stated length");
		return -EBADMSG;
	}
	wb_frame_sha256_hex(p, (size_t)len, want);
	if (strcmp(want, hex)) {
		snprintf(why, whylen,
			 "results checksum mismatch (sent %.12s..., got "
			 "%.12s...)",
			 hex, want);
		return -EBADMSG;
	}
	f->exit_code = rc;
	f->payload = p;
	f->len = (size_t)len;
	*next = p + len + strlen(WB_FRAME_END);
	return 0;
}

int wb_frame_parse(const char *buf, size_t n, struct wb_frame *f, char *why,
		   size_t whylen)
{
	const char *h = find(buf, n, WB_FRAME_MAGIC), *next;
	struct wb_frame one;
	char last_why[256];
	int err = -ENOMSG;
	bool found = false;

	if (!h) {
		snprintf(why, whylen, "no results frame in the channel");
		return -ENOMSG;
	}
	/* checkpoints, then the final frame: the last whole one counts; a
	 * frame cut short by a guest that stopped leaves the one before */
	while (h) {
		err = parse_one(buf, n, h, &one, &next, last_why,
				sizeof(last_why));
		if (err) {
			next = h + 1;
		} else {
			*f = one;
			found = true;
		}
		h = find(next, n - (size_t)(next - buf), WB_FRAME_MAGIC);
	}
	if (!found) {
		snprintf(why, whylen, "%s", last_why);
		return err;
	}
	why[0] = 0;
	return 0;
}

int wb_frame_header(int exit_code, const char *payload, size_t len, char *hdr,
		    size_t hdrlen)
{
	char hex[65];
	int n;

	wb_frame_sha256_hex(payload, len, hex);
	n = snprintf(hdr, hdrlen, "WBFRAME1 %d %zu %s\n", exit_code, len, hex);
	if (n < 0 || (size_t)n >= hdrlen)
		return -ENOSPC;
	return n;
}
