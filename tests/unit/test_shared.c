// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel_probe.h"

extern const struct wb_kernel wb_k_shared_map;

/* procs, backing (1 memfd 2 shm 3 devshm 4 file 5 hugetlb), mib, align */
static void expect_match(uint64_t procs, uint64_t backing, uint64_t align)
{
	const uint64_t p[] = { procs, backing, 4, align };
	struct probe_check c;
	const double *v;

	probe_check(&wb_k_shared_map, p, NULL, &c);
	print_message("%s", c.text);
	if (c.verdict == PROBE_SKIP) {
		print_message("# SKIP %s", c.text);
		skip();
	}
	assert_int_equal(c.verdict, 0);
	v = fact_ptr(&c.r.facts, "pfn_identical_pages");
	assert_non_null(v);
	assert_true(*v > 0);
}

static void memfd_one(void **st)
{
	(void)st;
	expect_match(1, 1, 1);
}

static void memfd_four(void **st)
{
	(void)st;
	expect_match(4, 1, 1);
}

static void shm_three(void **st)
{
	(void)st;
	expect_match(3, 2, 2);
}

static void devshm_three(void **st)
{
	(void)st;
	expect_match(3, 3, 1);
}

static void tmpfile_three(void **st)
{
	(void)st;
	expect_match(3, 4, 1);
}

/* Needs a 1 GiB 2M pool; the test never grows it (skips instead). */
static void hugetlb_pmd_share(void **st)
{
	(void)st;
	expect_match(3, 5, 1);
}

static void hugetlb_unaligned(void **st)
{
	(void)st;
	expect_match(3, 5, 2);
}

/*
 * The helper processes die with the process that measures: kill it with
 * SIGKILL while its children wait, and reap everything as the subreaper.
 */
static void children_die_with_parent(void **st)
{
	const uint64_t p[] = { 4, 1, 2, 1 };
	int ready[2], st_, killed = 0, others = 0;
	pid_t mid, w;
	char c;

	(void)st;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(pipe(ready), 0);
	mid = fork();
	if (!mid) {
		struct wb_ctx ctx = { .kernel = &wb_k_shared_map,
				      .cpu = -1,
				      .cpu_other = -1 };
		void *state;

		close(ready[0]);
		memcpy(ctx.param, p, sizeof(p));
		if (wb_k_shared_map.setup(&ctx, &state))
			_exit(3);
		c = 1;
		if (write(ready[1], &c, 1) != 1)
			_exit(4);
		pause();
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	kill(mid, SIGKILL);
	/* the measuring process (SIGKILLed) and its 3 helpers, which die
	 * of PR_SET_PDEATHSIG or of their pipes closing, within 5 s */
	for (int i = 0; i < 500 && killed + others < 4; i++) {
		w = waitpid(-1, &st_, WNOHANG);
		if (w > 0 && w == mid)
			killed += WIFSIGNALED(st_) && WTERMSIG(st_) == SIGKILL;
		else if (w > 0)
			others++;
		else
			usleep(10000);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	assert_int_equal(killed, 1);
	assert_int_equal(others, 3);
	assert_int_equal(waitpid(-1, &st_, WNOHANG), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memfd_one),
		cmocka_unit_test(memfd_four),
		cmocka_unit_test(shm_three),
		cmocka_unit_test(devshm_three),
		cmocka_unit_test(tmpfile_three),
		cmocka_unit_test(hugetlb_pmd_share),
		cmocka_unit_test(hugetlb_unaligned),
		cmocka_unit_test(children_die_with_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
