// SPDX-License-Identifier: MIT
/* Page-size verification: the check that keeps a silent fallback from ever
 * being measured, and tlb_reach's use of it. */
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

#include "core/env.h"
#include "runner/kernel.h"
#include "mem/mem.h"
#include "mem/pagemap.h"

static int thp_possible(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char buf[128] = "";

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return !strstr(buf, "[never]");
}

static void test_base_pages_verified(void **st)
{
	struct wb_mem m;
	char why[256], how[64];

	(void)st;
	assert_int_equal(wb_mem_alloc(&m, 64 * WB_4K, WB_4K, WB_MEM_BASE, why,
				      sizeof(why)),
			 0);
	assert_int_equal(wb_mem_verify(&m, how, sizeof(how), why, sizeof(why)),
			 0);
	wb_mem_free(&m);
}

static void test_thp_verified(void **st)
{
	struct wb_mem m;
	char why[256], how[64];

	(void)st;
	if (!thp_possible()) {
		print_message(
			"# SKIP THP is 'never' or absent on this machine\n");
		skip();
	}
	assert_int_equal(wb_mem_alloc(&m, 4 * WB_2M, WB_2M, WB_MEM_THP, why,
				      sizeof(why)),
			 0);
	assert_int_equal(wb_mem_verify(&m, how, sizeof(how), why, sizeof(why)),
			 0);
	assert_true((uintptr_t)m.addr % WB_2M == 0);
	wb_mem_free(&m);
}

/*
 * The batched kpageflags read (frames that follow each other in one read)
 * gives each page the flags a read of its own frame gives: over a THP
 * region (runs of 512), 4K pages (short runs) and a page never touched
 * (WB_KPF_ABSENT). Skips without root (frames hidden).
 */
static void test_kflags_batched(void **st)
{
	enum {
		PAGES = 1024
	};
	const uint64_t shape = 1ull << WB_KPF_COMPOUND_HEAD |
			       1ull << (WB_KPF_COMPOUND_HEAD + 1) |
			       1ull << WB_KPF_HUGE | 1ull << WB_KPF_THP |
			       1ull << WB_KPF_ZERO_PAGE;
	uint64_t e[PAGES], f[PAGES], one;
	struct wb_pagemap pm;
	struct wb_mem m;
	char why[256];
	size_t checked = 0;

	(void)st;
	if (wb_pagemap_open(&pm, 0, true)) {
		print_message("# SKIP kpageflags not readable (not root)\n");
		skip();
	}
	assert_int_equal(wb_mem_alloc(&m, PAGES * WB_4K,
				      thp_possible() ? WB_2M : WB_4K,
				      thp_possible() ? WB_MEM_THP : WB_MEM_BASE,
				      why, sizeof(why)),
			 0);
	/* one page given back: absent in pagemap */
	assert_int_equal(
		madvise((char *)m.addr + 7 * WB_4K, WB_4K, MADV_DONTNEED), 0);
	assert_int_equal(wb_pagemap_read(&pm, (uintptr_t)m.addr, PAGES, e), 0);
	assert_int_equal(wb_pagemap_kflags_of(&pm, e, PAGES, f), 0);
	assert_int_equal(f[7], WB_KPF_ABSENT);
	for (size_t i = 0; i < PAGES; i++) {
		uint64_t pfn;

		if (wb_pagemap_frame(e[i], &pfn))
			continue;
		assert_int_equal(wb_pagemap_kflags(&pm, pfn, &one), 0);
		/* the bits the verifiers read (LRU, referenced and the like
		 * may change between the two reads) */
		assert_int_equal(f[i] & shape, one & shape);
		checked++;
	}
	assert_true(checked == PAGES - 1);
	wb_mem_free(&m);
	wb_pagemap_close(&pm);
}

/* The verifier must be able to say no: 4K pages claimed to be 2M. */
static void test_fallback_detected(void **st)
{
	struct wb_mem m;
	char why[256] = "", how[64];

	(void)st;
	assert_int_equal(wb_mem_alloc(&m, 4 * WB_2M, WB_2M, WB_MEM_THP, why,
				      sizeof(why)),
			 0);
	/* split every huge page back into 4K PTEs: what a fallback looks
	 * like to the verifier */
	assert_int_equal(madvise(m.addr, m.len, MADV_NOHUGEPAGE), 0);
	assert_int_equal(munmap((char *)m.addr + WB_4K, WB_4K), 0);
	assert_int_equal(wb_mem_verify(&m, how, sizeof(how), why, sizeof(why)),
			 -EMEDIUMTYPE);
	assert_true(why[0] != 0);
	wb_mem_free(&m);

	/* and base pages are never reported as huge */
	assert_int_equal(wb_mem_alloc(&m, 4 * WB_2M, WB_2M, WB_MEM_BASE, why,
				      sizeof(why)),
			 0);
	m.kind = WB_MEM_THP;
	assert_int_equal(wb_mem_verify(&m, how, sizeof(how), why, sizeof(why)),
			 -EMEDIUMTYPE);
	m.kind = WB_MEM_BASE;
	wb_mem_free(&m);
}

static void run_tlb_reach(uint64_t page_size, uint64_t pages)
{
	const struct wb_kernel *k = wb_kernel_find("tlb_reach");
	struct wb_sysinfo sys = { 0 };
	struct wb_ctx ctx = { .kernel = k, .cpu = -1, .sys = &sys, .seed = 1 };
	struct wb_facts f = { 0 };
	void *state = NULL;

	ctx.param[0] = page_size;
	ctx.param[1] = pages;
	if (k->setup(&ctx, &state)) {
		/* with fragmented memory the kernel may hand out 4K pages
		 * for a THP request: the verifier catching it is the point */
		print_message("# %s: %s\n",
			      ctx.status == WB_UNTRUSTED ? "refused, unverified"
							 : "refused",
			      ctx.why);
		assert_int_equal(ctx.status, WB_UNTRUSTED);
		assert_true(page_size != WB_4K);
		print_message("# SKIP no THP could be allocated now\n");
		skip();
	}
	k->run(state, 1000);
	assert_int_equal(k->check(&ctx, state, &f), 0);
	assert_true(f.page_size_verified);
	assert_non_null(strstr(f.page_size_how, "smaps"));
	k->teardown(state);
}

static void test_tlb_reach_verifies(void **st)
{
	(void)st;
	run_tlb_reach(WB_4K, 256);
	if (!thp_possible()) {
		print_message(
			"# SKIP THP is 'never' or absent on this machine\n");
		skip();
	}
	run_tlb_reach(WB_2M, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_pages_verified),
		cmocka_unit_test(test_thp_verified),
		cmocka_unit_test(test_fallback_detected),
		cmocka_unit_test(test_kflags_batched),
		cmocka_unit_test(test_tlb_reach_verifies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
