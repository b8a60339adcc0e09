// SPDX-License-Identifier: MIT
/* Supervision: a crash, hang or stray grandchild costs only its instance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/supervise.h"

static int writes_record(void *arg, int fd)
{
	(void)arg;
	fprintf(stderr, "a line on stderr\n");
	return write(fd, "{\"x\":1}", 7) == 7 ? 0 : 1;
}

static int crashes(void *arg, int fd)
{
	(void)arg, (void)fd;
	raise(SIGSEGV);
	return 0;
}

static int hangs(void *arg, int fd)
{
	(void)arg, (void)fd;
	for (;;)
		pause();
	return 0;
}

/* leaves a grandchild behind that would live on; it writes its pid */
static int leaves_grandchild(void *arg, int fd)
{
	int *pfd = arg;
	pid_t g = fork();

	(void)fd;
	if (g == 0) {
		for (;;)
			pause();
	}
	if (write(pfd[1], &g, sizeof(g)) != sizeof(g))
		return 1;
	return 3;
}

/* alive: exists and is not a zombie waiting for its new parent */
static int alive(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[2] != 'Z' && p[2] != 'X';
}

static void test_record_and_status(void **st)
{
	struct wb_supervise_opts o = { .timeout_s = 10 };
	struct wb_child_result r;

	(void)st;
	assert_int_equal(wb_supervise(&o, writes_record, NULL, &r), 0);
	assert_int_equal(r.status, WB_OK);
	assert_string_equal(r.record, "{\"x\":1}");
	assert_non_null(strstr(r.stderr_tail, "a line on stderr"));
	wb_child_result_free(&r);
}

static void test_crash(void **st)
{
	struct wb_supervise_opts o = { .timeout_s = 10 };
	struct wb_child_result r;

	(void)st;
	assert_int_equal(wb_supervise(&o, crashes, NULL, &r), 0);
	assert_int_equal(r.status, WB_CRASHED);
	assert_int_equal(r.signal, SIGSEGV);
	assert_null(r.record);
	wb_child_result_free(&r);
}

static void test_timeout(void **st)
{
	struct wb_supervise_opts o = { .timeout_s = 0.3 };
	struct wb_child_result r;

	(void)st;
	assert_int_equal(wb_supervise(&o, hangs, NULL, &r), 0);
	assert_int_equal(r.status, WB_TIMEOUT);
	wb_child_result_free(&r);
}

static void test_nothing_survives(void **st)
{
	struct wb_supervise_opts o = { .timeout_s = 10 };
	struct wb_child_result r;
	int pfd[2];
	pid_t g = 0;

	(void)st;
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(wb_supervise(&o, leaves_grandchild, pfd, &r), 0);
	assert_int_equal(r.status, 3);
	assert_int_equal(read(pfd[0], &g, sizeof(g)), sizeof(g));
	/* the grandchild was reparented; give the kill a moment to land */
	for (int i = 0; i < 100 && alive(g); i++)
		usleep(10000);
	assert_false(alive(g));
	close(pfd[0]);
	close(pfd[1]);
	wb_child_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_and_status),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_nothing_survives),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
