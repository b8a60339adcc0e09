// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "runner/supervise.h"

static void child_main(const struct wb_supervise_opts *o, int out_fd,
		       int err_fd, int (*fn)(void *, int), void *arg,
		       pid_t parent)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV,
				    SIGBUS, SIGILL,  SIGFPE, SIGABRT };
	struct rlimit rl;

	setpgid(0, 0);
	/* a parent killed with SIGKILL takes its measuring child with it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(WB_SKIPPED);
	/* A crash must end the child with its signal, whatever handlers
	 * the parent (or a test framework) installed. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	if (o->data_limit_bytes) {
		rl.rlim_cur = rl.rlim_max = o->data_limit_bytes;
		setrlimit(RLIMIT_DATA, &rl);
	}
	_exit(fn(arg, out_fd) & 0xff);
}

static int append(struct wb_child_result *res, size_t *cap, const char *buf,
		  size_t n)
{
	if (res->record_len + n + 1 > *cap) {
		size_t c = (*cap ? *cap : 65536);
		char *p;

		while (c < res->record_len + n + 1)
			c *= 2;
		p = realloc(res->record, c);
		if (!p)
			return -ENOMEM;
		res->record = p;
		*cap = c;
	}
	memcpy(res->record + res->record_len, buf, n);
	res->record_len += n;
	res->record[res->record_len] = 0;
	return 0;
}

static void read_tail(int fd, char *tail, size_t len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	off_t start = end > (off_t)len - 1 ? end - (off_t)len + 1 : 0;
	ssize_t n = pread(fd, tail, len - 1, start);

	tail[n > 0 ? n : 0] = 0;
}

int wb_supervise(const struct wb_supervise_opts *o,
		 int (*fn)(void *arg, int out_fd), void *arg,
		 struct wb_child_result *res)
{
	int pfd[2], err_fd, wstatus = 0, killed = 0, exited = 0;
	size_t cap = 0;
	double t0 = wb_now_s(), deadline = t0 + o->timeout_s;
	pid_t pid, parent;

	memset(res, 0, sizeof(*res));
	err_fd = memfd_create("walkbench-stderr", MFD_CLOEXEC);
	if (err_fd < 0)
		return -errno;
	if (pipe2(pfd, O_CLOEXEC)) {
		close(err_fd);
		return -errno;
	}
	fflush(NULL);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pfd[0]), close(pfd[1]), close(err_fd);
		return err;
	}
	if (pid == 0) {
		close(pfd[0]);
		child_main(o, pfd[1], err_fd, fn, arg, parent);
	}
	setpgid(pid, pid); /* also here: no race with the child's own call */
	close(pfd[1]);
	/* A grandchild may hold the pipe open: the child's exit, not EOF,
	 * ends the record, so reads must never block. */
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = deadline - wb_now_s();
		char buf[65536];
		ssize_t n;
		int r;

		if ((o->stop && *o->stop) || left <= 0) {
			killed = left <= 0 ? 1 : 2;
			break;
		}
		r = poll(&p, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		n = read(pfd[0], buf, sizeof(buf));
		if (n == 0 || (n < 0 && exited))
			break;
		if (n < 0) {
			if (waitpid(pid, &wstatus, WNOHANG) == pid)
				exited = 1; /* one more read drains the pipe */
			continue;
		}
		if (append(res, &cap, buf, (size_t)n))
			killed = 3;
		if (killed)
			break;
	}
	if (killed)
		kill(-pid, SIGKILL);
	while (!exited && waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	/* whatever the child forked and left behind goes with it */
	kill(-pid, SIGKILL);
	close(pfd[0]);
	read_tail(err_fd, res->stderr_tail, sizeof(res->stderr_tail));
	close(err_fd);
	res->seconds = wb_now_s() - t0;
	if (killed == 1) {
		res->status = WB_TIMEOUT;
	} else if (killed == 2) {
		res->status = WB_SKIPPED;
		snprintf(res->stderr_tail, sizeof(res->stderr_tail),
			 "interrupted");
	} else if (WIFSIGNALED(wstatus)) {
		res->signal = WTERMSIG(wstatus);
		/* the OOM killer and an exhausted limit both end in SIGKILL
		 * that nobody here sent */
		res->status = res->signal == SIGKILL ? WB_OOM : WB_CRASHED;
	} else {
		res->status = (enum wb_status)WEXITSTATUS(wstatus);
	}
	return 0;
}

void wb_child_result_free(struct wb_child_result *res)
{
	free(res->record);
	res->record = NULL;
}
