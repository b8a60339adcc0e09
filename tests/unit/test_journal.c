// SPDX-License-Identifier: MIT
/*
 * The settings journal against fake "sysfs" files in a temporary
 * directory; one test touches the real THP switch, only as root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "settings/journal.h"
#include "settings/signals.h"

struct fixture {
	char dir[64];
	char journal[PATH_MAX];
	char file[4][PATH_MAX];
};

static const char *const originals[4] = {
	"0\n",
	"always [madvise] never\n",
	"128\n",
	"always defer defer+madvise [madvise] never\n",
};

static void put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
}

static void get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

/* What a settings file means: the bracketed word, or the line. */
static void selected(const char *content, char *out, size_t len)
{
	const char *lb = strchr(content, '['), *rb;
	size_t n;

	if (lb && (rb = strchr(lb, ']'))) {
		n = (size_t)(rb - lb - 1);
		content = lb + 1;
	} else {
		n = strcspn(content, "\n");
	}
	snprintf(out, len, "%.*s", (int)n, content);
}

static void assert_file_means(const char *path, const char *want_content)
{
	char got[256], a[256], b[256];

	get(path, got, sizeof(got));
	selected(got, a, sizeof(a));
	selected(want_content, b, sizeof(b));
	assert_string_equal(a, b);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char dir[sizeof(f->dir)];

	snprintf(f->dir, sizeof(f->dir), "/tmp/wb-journal.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	/* A directory that does not exist yet: the journal creates it. */
	/* A copy, so no snprintf reads from the struct it writes. */
	memcpy(dir, f->dir, sizeof(dir));
	snprintf(f->journal, sizeof(f->journal), "%s/state/journal", dir);
	for (int i = 0; i < 4; i++) {
		snprintf(f->file[i], sizeof(f->file[i]), "%s/setting%d", dir,
			 i);
		put(f->file[i], originals[i]);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static void test_set_restore_order(void **state)
{
	struct fixture *f = *state;
	struct wb_journal *j;
	char buf[256];

	assert_int_equal(wb_journal_open(&j, f->journal), 0);
	assert_int_equal(access(f->journal, F_OK), -1);
	assert_int_equal(wb_journal_set(j, f->file[0], "1"), 0);
	assert_int_equal(access(f->journal, F_OK), 0);
	assert_int_equal(wb_journal_set(j, f->file[0], "2\n"), 0);
	assert_int_equal(wb_journal_set(j, f->file[2], "7"), 0);
	get(f->file[0], buf, sizeof(buf));
	assert_string_equal(buf, "2\n");
	get(f->file[2], buf, sizeof(buf));
	assert_string_equal(buf, "7\n");
	assert_int_equal(wb_journal_restore(j), 0);
	/* The oldest value wins: restored newest first. */
	get(f->file[0], buf, sizeof(buf));
	assert_string_equal(buf, "0\n");
	get(f->file[2], buf, sizeof(buf));
	assert_string_equal(buf, "128\n");
	assert_int_equal(access(f->journal, F_OK), -1);
	/* Usable again after a restore. */
	assert_int_equal(wb_journal_set(j, f->file[2], "9"), 0);
	assert_int_equal(wb_journal_restore(j), 0);
	get(f->file[2], buf, sizeof(buf));
	assert_string_equal(buf, "128\n");
	wb_journal_close(j);
}

static void test_brackets(void **state)
{
	struct fixture *f = *state;
	struct wb_journal *j;
	char buf[256];

	assert_int_equal(wb_journal_open(&j, f->journal), 0);
	assert_int_equal(wb_journal_set(j, f->file[1], "always"), 0);
	assert_int_equal(wb_journal_set(j, f->file[3], "defer"), 0);
	/* The journal holds the selected word, not the whole list. */
	get(f->journal, buf, sizeof(buf));
	assert_non_null(strstr(buf, "setting1\tmadvise\n"));
	assert_null(strstr(buf, "[madvise]"));
	assert_int_equal(wb_journal_restore(j), 0);
	get(f->file[1], buf, sizeof(buf));
	assert_string_equal(buf, "madvise\n");
	get(f->file[3], buf, sizeof(buf));
	assert_string_equal(buf, "madvise\n");
	wb_journal_close(j);
}

/* Escaped values survive the file; a torn last line is ignored. */
static void test_recover_escapes_and_torn_line(void **state)
{
	struct fixture *f = *state;
	char text[3 * PATH_MAX], buf[256];
	pid_t dead = fork();
	int st;

	assert_true(dead >= 0);
	if (!dead)
		_exit(0);
	waitpid(dead, &st, 0);
	/* Beside the settings: the directory exists, no state/ below it. */
	memcpy(f->journal + strlen(f->dir), "/journal", sizeof("/journal"));
	snprintf(text, sizeof(text),
		 "walkbench-journal 1 pid=%d start=0\n"
		 "%s\ta\\tb\\\\c\\x01\n"
		 "%s\t5",
		 (int)dead, f->file[0], f->file[2]);
	put(f->journal, text);
	assert_int_equal(wb_journal_recover(f->journal), 1);
	get(f->file[0], buf, sizeof(buf));
	assert_string_equal(buf, "a\tb\\c\x01\n");
	get(f->file[2], buf, sizeof(buf));
	assert_string_equal(buf, originals[2]);
	assert_int_equal(access(f->journal, F_OK), -1);
	assert_int_equal(wb_journal_recover(f->journal), 0);
}

static void child_churn(struct fixture *f, unsigned int seed)
{
	static const char *const words[] = { "always", "never", "madvise" };
	struct wb_journal *j;
	char v[32];

	if (wb_journal_open(&j, f->journal))
		_exit(1);
	for (unsigned long k = 0;; k++) {
		int i = (int)(rand_r(&seed) % 4);

		if (i & 1)
			snprintf(v, sizeof(v), "%s", words[k % 3]);
		else
			snprintf(v, sizeof(v), "%lu", k);
		if (wb_journal_set(j, f->file[i], v))
			_exit(2);
		if (k % 5 == 4 && wb_journal_restore(j))
			_exit(3);
	}
}

static void test_sigkill_20(void **state)
{
	struct fixture *f = *state;
	unsigned int seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	int recovered = 0;

	print_message("# seed %u\n", seed);
	for (int round = 0; round < 20; round++) {
		unsigned int cseed = rand_r(&seed);
		pid_t pid = fork();
		int st, r;

		assert_true(pid >= 0);
		if (!pid)
			child_churn(f, cseed);
		usleep(rand_r(&seed) % 20000);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		/* Killed by us, not a journal error exit. */
		assert_true(WIFSIGNALED(st));
		r = wb_journal_recover(f->journal);
		assert_true(r >= 0);
		recovered += r > 0;
		for (int i = 0; i < 4; i++)
			assert_file_means(f->file[i], originals[i]);
		assert_int_equal(access(f->journal, F_OK), -1);
	}
	print_message("# %d of 20 kills left a journal to replay\n", recovered);
}

static void test_sigterm_restores(void **state)
{
	struct fixture *f = *state;
	int p[2], st;
	char c;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct wb_journal *j;

		close(p[0]);
		if (wb_journal_open(&j, f->journal) || wb_signals_install())
			_exit(1);
		wb_signals_journal(j);
		if (wb_journal_set(j, f->file[0], "11") ||
		    wb_journal_set(j, f->file[1], "never") ||
		    wb_journal_set(j, f->file[0], "12"))
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_file_means(f->file[0], "12");
	assert_file_means(f->file[1], "never");
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	for (int i = 0; i < 4; i++)
		assert_file_means(f->file[i], originals[i]);
	assert_int_equal(access(f->journal, F_OK), -1);
}

static void test_recover_refuses_live_owner(void **state)
{
	struct fixture *f = *state;
	struct wb_journal *j;
	int p[2], st;
	char c;
	pid_t pid;

	/* Our own live journal. */
	assert_int_equal(wb_journal_open(&j, f->journal), 0);
	assert_int_equal(wb_journal_set(j, f->file[2], "1"), 0);
	assert_int_equal(wb_journal_recover(f->journal), -EBUSY);
	assert_file_means(f->file[2], "1");
	/* A second run must not start changing settings beside us. */
	{
		struct wb_journal *other;

		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			if (wb_journal_open(&other, f->journal))
				_exit(1);
			_exit(wb_journal_set(other, f->file[0], "3") == -EBUSY
				      ? 0
				      : 1);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		assert_file_means(f->file[0], originals[0]);
	}
	assert_int_equal(wb_journal_restore(j), 0);
	wb_journal_close(j);

	/* Another process's live journal, then the same after it died. */
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(p[0]);
		if (wb_journal_open(&j, f->journal) ||
		    wb_journal_set(j, f->file[0], "5"))
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	assert_int_equal(wb_journal_recover(f->journal), -EBUSY);
	assert_file_means(f->file[0], "5");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	assert_int_equal(wb_journal_recover(f->journal), 1);
	assert_file_means(f->file[0], originals[0]);
}

/*
 * A journal append that fails half-way (file size limit standing in for a
 * full disk) changes nothing and leaves no torn record for the next one.
 */
static void test_failed_append(void **state)
{
	struct fixture *f = *state;
	pid_t pid;
	int st;

	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct wb_journal *j;
		struct stat sb;
		struct rlimit rl;

		signal(SIGXFSZ, SIG_IGN);
		if (wb_journal_open(&j, f->journal) ||
		    wb_journal_set(j, f->file[0], "1") || stat(f->journal, &sb))
			_exit(1);
		rl.rlim_cur = rl.rlim_max = (rlim_t)sb.st_size + 8;
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(1);
		if (wb_journal_set(j, f->file[2], "2") != -EFBIG)
			_exit(2);
		if (stat(f->journal, &sb) ||
		    sb.st_size != (off_t)rl.rlim_cur - 8)
			_exit(3);
		_exit(0); /* killed-like: no restore */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* The refused change did not happen. */
	assert_file_means(f->file[2], originals[2]);
	assert_file_means(f->file[0], "1");
	assert_int_equal(wb_journal_recover(f->journal), 1);
	for (int i = 0; i < 4; i++)
		assert_file_means(f->file[i], originals[i]);
}

/* A setting that disappeared (e.g. a hugepage size) does not block. */
static void test_vanished_setting(void **state)
{
	struct fixture *f = *state;
	struct wb_journal *j;

	assert_int_equal(wb_journal_open(&j, f->journal), 0);
	assert_int_equal(wb_journal_set(j, f->file[0], "1"), 0);
	assert_int_equal(wb_journal_set(j, f->file[2], "3"), 0);
	assert_int_equal(unlink(f->file[0]), 0);
	assert_int_equal(wb_journal_restore(j), 0);
	assert_file_means(f->file[2], originals[2]);
	assert_int_equal(access(f->journal, F_OK), -1);
	wb_journal_close(j);
}

/* A forked child must not journal into its parent's journal. */
static void test_child_cannot_set(void **state)
{
	struct fixture *f = *state;
	struct wb_journal *j;
	pid_t pid;
	int st;

	assert_int_equal(wb_journal_open(&j, f->journal), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(wb_journal_set(j, f->file[0], "9") == -EPERM ? 0 : 1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_file_means(f->file[0], originals[0]);
	wb_journal_close(j);
}

static void test_default_path(void **state)
{
	char buf[PATH_MAX], small[8];
	const char *old = getenv("WB_JOURNAL");
	char *saved = old ? strdup(old) : NULL;

	(void)state;
	setenv("WB_JOURNAL", "/tmp/x/journal", 1);
	assert_int_equal(wb_journal_default_path(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/tmp/x/journal");
	assert_int_equal(wb_journal_default_path(small, sizeof(small)),
			 -ENAMETOOLONG);
	unsetenv("WB_JOURNAL");
	assert_int_equal(wb_journal_default_path(buf, sizeof(buf)), 0);
	if (geteuid() == 0)
		assert_string_equal(buf, "/var/lib/walkbench/journal");
	else
		assert_non_null(strstr(buf, "/walkbench/journal"));
	if (saved)
		setenv("WB_JOURNAL", saved, 1);
	free(saved);
}

static void test_real_thp(void **state)
{
	static const char thp[] = "/sys/kernel/mm/transparent_hugepage/enabled";
	struct fixture *f = *state;
	struct wb_journal *j;
	char orig[256], want[256], got[256], now[256];

	if (geteuid() != 0) {
		print_message("# SKIP not root: %s is not writable\n", thp);
		skip();
	}
	if (access(thp, W_OK)) {
		print_message("# SKIP %s missing or read-only\n", thp);
		skip();
	}
	get(thp, orig, sizeof(orig));
	selected(orig, want, sizeof(want));
	assert_int_equal(wb_journal_open(&j, f->journal), 0);
	assert_int_equal(
		wb_journal_set(j, thp,
			       strcmp(want, "always") ? "always" : "madvise"),
		0);
	get(thp, now, sizeof(now));
	selected(now, got, sizeof(got));
	assert_string_equal(got, strcmp(want, "always") ? "always" : "madvise");
	assert_int_equal(wb_journal_restore(j), 0);
	get(thp, now, sizeof(now));
	assert_string_equal(now, orig);
	wb_journal_close(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_restore_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_brackets, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_recover_escapes_and_torn_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_20, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_restores, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_recover_refuses_live_owner,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_cannot_set, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_append, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vanished_setting, setup,
						teardown),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test_setup_teardown(test_real_thp, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
