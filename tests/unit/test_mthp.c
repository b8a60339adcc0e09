// SPDX-License-Identifier: MIT
/*
 * Folio-size verification for mTHP: what a range really holds is read
 * back from pagemap and kpageflags, so a region that fell back to 4K pages
 * (or went up to a 2M THP) is never taken for the size asked. None of
 * these tests changes a setting: they take the sizes as they find them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem/mem.h"
#include "mem/mthp.h"

static bool kpageflags_readable(void)
{
	return access("/proc/kpageflags", R_OK) == 0 && geteuid() == 0;
}

static void test_size_rule(void **st)
{
	(void)st;
	assert_false(wb_mthp_size(WB_4K));
	assert_true(wb_mthp_size(8192));
	assert_true(wb_mthp_size(64 << 10));
	assert_true(wb_mthp_size(1 << 20));
	assert_false(wb_mthp_size(WB_2M));
	assert_false(wb_mthp_size(48 << 10));
}

/* The histogram's words, and the verdict drawn from it. */
static void test_hist_text_expect(void **st)
{
	struct wb_folio_hist h = { .pages = 40 };
	char buf[200], why[256];

	(void)st;
	h.folios[2] = 8; /* 8 x 16K = 32 pages */
	h.folios[0] = 6;
	h.absent = 2;
	wb_folio_hist_text(&h, buf, sizeof(buf));
	assert_string_equal(buf, "8 x 16K, 6 x 4K, 2 pages absent");
	assert_int_equal(wb_folio_hist_expect(&h, 16 << 10, why, sizeof(why)),
			 -EMEDIUMTYPE);
	assert_non_null(strstr(why, "asked for 16K folios"));
	assert_non_null(strstr(why, "6 x 4K"));

	memset(&h, 0, sizeof(h));
	h.pages = 32;
	h.folios[4] = 2; /* 2 x 64K */
	assert_int_equal(wb_folio_hist_expect(&h, 64 << 10, why, sizeof(why)),
			 0);
	/* the same pages are not 16K folios */
	assert_int_equal(wb_folio_hist_expect(&h, 16 << 10, why, sizeof(why)),
			 -EMEDIUMTYPE);
	/* an empty range is no folio of any size */
	memset(&h, 0, sizeof(h));
	assert_int_equal(wb_folio_hist_expect(&h, 16 << 10, why, sizeof(why)),
			 -EMEDIUMTYPE);
	wb_folio_hist_text(&h, buf, sizeof(buf));
	assert_string_equal(buf, "empty");
}

/* A base-page region passed off as 16K folios: the fallback a kernel
 * would measure unawares if verification believed the request. */
static void test_fallback_to_4k_caught(void **st)
{
	struct wb_mem m;
	struct wb_folio_hist h;
	char why[256], how[64];

	(void)st;
	if (!kpageflags_readable()) {
		print_message("# SKIP /proc/kpageflags needs root\n");
		skip();
	}
	assert_int_equal(wb_mem_alloc(&m, 64 * WB_4K, WB_4K, WB_MEM_BASE, why,
				      sizeof(why)),
			 0);
	assert_int_equal(wb_folio_hist((uintptr_t)m.addr, m.len, &h), 0);
	assert_int_equal(h.pages, 64);
	assert_int_equal(h.folios[0], 64);
	assert_int_equal(h.absent, 0);
	m.kind = WB_MEM_MTHP;
	m.page_size = 16 << 10;
	assert_int_equal(wb_mem_verify(&m, how, sizeof(how), why, sizeof(why)),
			 -EMEDIUMTYPE);
	assert_non_null(strstr(why, "64 x 4K"));
	m.kind = WB_MEM_BASE;
	m.page_size = WB_4K;
	wb_mem_free(&m);
}

/* Holes are counted as absent, not as folios. */
static void test_absent_pages(void **st)
{
	struct wb_folio_hist h;
	char *p;

	(void)st;
	if (!kpageflags_readable()) {
		print_message("# SKIP /proc/kpageflags needs root\n");
		skip();
	}
	p = mmap(NULL, 16 * WB_4K, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(madvise(p, 16 * WB_4K, MADV_NOHUGEPAGE), 0);
	for (int i = 0; i < 16; i += 2)
		p[i * WB_4K] = 1;
	assert_int_equal(wb_folio_hist((uintptr_t)p, 16 * WB_4K, &h), 0);
	assert_int_equal(h.folios[0], 8);
	assert_int_equal(h.absent, 8);
	munmap(p, 16 * WB_4K);
}

/*
 * A PMD THP seen through a window: the whole 2M is one folio of order 9,
 * a window inside it is no whole folio at all, so neither can pass for a
 * smaller size.
 */
static void test_thp_is_not_smaller_folio(void **st)
{
	struct wb_mem m;
	struct wb_folio_hist h;
	char why[256];

	(void)st;
	if (!kpageflags_readable()) {
		print_message("# SKIP /proc/kpageflags needs root\n");
		skip();
	}
	if (wb_mem_alloc(&m, WB_2M, WB_2M, WB_MEM_THP, why, sizeof(why))) {
		print_message("# SKIP no THP mapping: %s\n", why);
		skip();
	}
	assert_int_equal(wb_folio_hist((uintptr_t)m.addr, m.len, &h), 0);
	if (h.folios[9] != 1) {
		/* THP never, or none free now: what the test needs is
		 * missing, which the histogram says */
		wb_folio_hist_text(&h, why, sizeof(why));
		print_message("# SKIP no 2M THP was allocated (%s)\n", why);
		wb_mem_free(&m);
		skip();
	}
	assert_int_equal(
		wb_folio_hist((uintptr_t)m.addr + 16 * WB_4K, 16 * WB_4K, &h),
		0);
	assert_int_equal(h.partial, 16);
	assert_int_equal(h.folios[4], 0);
	assert_int_equal(wb_folio_hist_expect(&h, 64 << 10, why, sizeof(why)),
			 -EMEDIUMTYPE);
	wb_mem_free(&m);
}

/* Whatever the switches say, the sizes offered and the check agree. */
static void test_offered_and_check(void **st)
{
	uint64_t sizes[WB_MTHP_MAX];
	char why[256], mode[16];
	int n = 0;

	(void)st;
	if (wb_mthp_offered(sizes, WB_MTHP_MAX, &n) || !n) {
		print_message("# SKIP no per-size THP switches (%s)\n",
			      WB_MTHP_DIR);
		skip();
	}
	for (int i = 0; i < n; i++) {
		int err;

		assert_true(sizes[i] > WB_4K && !(sizes[i] & (sizes[i] - 1)));
		if (i)
			assert_true(sizes[i] > sizes[i - 1]);
		assert_int_equal(wb_mthp_mode(sizes[i], mode, sizeof(mode)), 0);
		err = wb_mthp_check(sizes[i], why, sizeof(why));
		assert_true(err == 0 || err == -EPERM);
		/* a size in the way is named by its switch */
		if (err)
			assert_non_null(strstr(why, "kB/enabled is "));
	}
	assert_int_equal(wb_mthp_check(3 << 12, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "offers no 12K"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_rule),
		cmocka_unit_test(test_hist_text_expect),
		cmocka_unit_test(test_fallback_to_4k_caught),
		cmocka_unit_test(test_absent_pages),
		cmocka_unit_test(test_thp_is_not_smaller_folio),
		cmocka_unit_test(test_offered_and_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
