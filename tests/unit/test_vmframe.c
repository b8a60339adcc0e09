// SPDX-License-Identifier: MIT
/*
 * The guest results frame: SHA-256 (nettle) against FIPS 180-4 vectors, and a frame
 * that is whole, cut short, corrupted or missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/vmframe.h"

static void test_sha256_vectors(void **state)
{
	char hex[65], *big;

	(void)state;
	wb_frame_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	wb_frame_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	wb_frame_sha256_hex(
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
				 "a33ce45964ff2167f6ecedd419db06c1");
	big = malloc(1000000);
	assert_non_null(big);
	memset(big, 'a', 1000000);
	wb_frame_sha256_hex(big, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				 "f1809a48a497200e046d39ccc7112cd0");
	free(big);
}

/* NIST's "abc" vector through the frame header the host checks against */
static void test_header_abc(void **state)
{
	char hdr[128];
	int n;

	(void)state;
	n = wb_frame_header(0, "abc", 3, hdr, sizeof(hdr));
	assert_int_equal(n, (int)strlen(hdr));
	assert_string_equal(hdr, "WBFRAME1 0 3 "
				 "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad\n");
}

/* noise + header + payload + trailer, as the guest's channel carries it */
static size_t framed(char *out, size_t cap, const char *payload, int rc)
{
	char hdr[128];
	size_t len = strlen(payload);
	int h = wb_frame_header(rc, payload, len, hdr, sizeof(hdr));

	assert_true(h > 0);
	return (size_t)snprintf(out, cap, "boot noise\r\n%s%s%s", hdr, payload,
				WB_FRAME_END);
}

static const char json[] = "{\"context\": {}, \"benchmarks\": [1, 2, 3]}\n";

static void test_whole(void **state)
{
	char buf[512], why[160];
	struct wb_frame f;
	size_t n = framed(buf, sizeof(buf), json, 4);

	(void)state;
	assert_int_equal(wb_frame_parse(buf, n, &f, why, sizeof(why)), 0);
	assert_int_equal(f.exit_code, 4);
	assert_int_equal(f.len, strlen(json));
	assert_memory_equal(f.payload, json, f.len);
}

static void test_truncated(void **state)
{
	char buf[512], why[160];
	struct wb_frame f;
	size_t n = framed(buf, sizeof(buf), json, 0);

	(void)state;
	/* every cut before the trailer is complete must be refused */
	for (size_t cut = 0; cut < n; cut++) {
		int err = wb_frame_parse(buf, cut, &f, why, sizeof(why));

		assert_true(err == -ENODATA || err == -ENOMSG ||
			    err == -EBADMSG);
		assert_true(why[0] != 0);
	}
}

static void test_corrupted(void **state)
{
	char buf[512], why[160];
	struct wb_frame f;
	size_t n = framed(buf, sizeof(buf), json, 0);
	char *p = strstr(buf, "benchmarks");

	(void)state;
	p[0] = 'B';
	assert_int_equal(wb_frame_parse(buf, n, &f, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "checksum"));
}

static void test_length_lies(void **state)
{
	char buf[512], why[160], hdr[128];
	struct wb_frame f;
	size_t n;

	(void)state;
	/* a header claiming one byte less than was sent: trailer mismatch */
	wb_frame_header(0, json, strlen(json) - 1, hdr, sizeof(hdr));
	n = (size_t)snprintf(buf, sizeof(buf), "%s%s%s", hdr, json,
			     WB_FRAME_END);
	assert_int_equal(wb_frame_parse(buf, n, &f, why, sizeof(why)),
			 -EBADMSG);
}

static void test_missing_and_malformed(void **state)
{
	char why[160];
	struct wb_frame f;
	const char *junk = "kernel panic\n";
	const char *bad = "WBFRAME1 0 12 nothex\n{}\nWBEND\n";

	(void)state;
	assert_int_equal(
		wb_frame_parse(junk, strlen(junk), &f, why, sizeof(why)),
		-ENOMSG);
	assert_int_equal(wb_frame_parse(bad, strlen(bad), &f, why, sizeof(why)),
			 -EBADMSG);
}

/* Checkpoints, then the final frame: the last whole frame wins, and a
 * final frame cut short (the guest hung while sending) leaves the last
 * checkpoint. */
static void test_last_whole_frame(void **state)
{
	static const char one[] = "{\"n\": 1}\n", two[] = "{\"n\": 2}\n",
			  fin[] = "{\"n\": 3}\n";
	char buf[1024], why[160];
	struct wb_frame f;
	size_t n = 0, before_final;

	(void)state;
	n += framed(buf + n, sizeof(buf) - n, one, WB_FRAME_RUNNING);
	n += framed(buf + n, sizeof(buf) - n, two, WB_FRAME_RUNNING);
	assert_int_equal(wb_frame_parse(buf, n, &f, why, sizeof(why)), 0);
	assert_int_equal(f.exit_code, WB_FRAME_RUNNING);
	assert_memory_equal(f.payload, two, f.len);
	before_final = n;
	n += framed(buf + n, sizeof(buf) - n, fin, 5);
	assert_int_equal(wb_frame_parse(buf, n, &f, why, sizeof(why)), 0);
	assert_int_equal(f.exit_code, 5);
	assert_memory_equal(f.payload, fin, f.len);
	/* every cut of the final frame leaves the second checkpoint */
	for (size_t cut = before_final; cut + 1 < n; cut++) {
		assert_int_equal(wb_frame_parse(buf, cut, &f, why, sizeof(why)),
				 0);
		assert_int_equal(f.exit_code, WB_FRAME_RUNNING);
		assert_memory_equal(f.payload, two, f.len);
	}
	/* a damaged final frame too */
	buf[n - 10] ^= 1;
	assert_int_equal(wb_frame_parse(buf, n, &f, why, sizeof(why)), 0);
	assert_int_equal(f.exit_code, WB_FRAME_RUNNING);
	assert_memory_equal(f.payload, two, f.len);
}

/* A damaged checkpoint before a whole final frame leaves the final one;
 * with no frame whole, the last one's fault is the answer. */
static void test_damaged_checkpoint(void **state)
{
	static const char one[] = "{\"n\": 1}\n", fin[] = "{\"n\": 3}\n";
	char buf[1024], why[160];
	struct wb_frame f;
	size_t n = 0, first;

	(void)state;
	n += framed(buf + n, sizeof(buf) - n, one, WB_FRAME_RUNNING);
	first = n;
	n += framed(buf + n, sizeof(buf) - n, fin, 0);
	buf[first - 10] ^= 1; /* inside the checkpoint's payload */
	assert_int_equal(wb_frame_parse(buf, n, &f, why, sizeof(why)), 0);
	assert_int_equal(f.exit_code, 0);
	assert_memory_equal(f.payload, fin, f.len);
	/* the final frame cut short too: its fault, not the first's */
	assert_int_equal(wb_frame_parse(buf, n - 3, &f, why, sizeof(why)),
			 -ENODATA);
	assert_non_null(strstr(why, "cut short"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_header_abc),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_last_whole_frame),
		cmocka_unit_test(test_damaged_checkpoint),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_length_lies),
		cmocka_unit_test(test_missing_and_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
