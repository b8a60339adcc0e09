// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "runner/procs.h"

static void close_pair(int fd[2])
{
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	fd[0] = fd[1] = -1;
}

static void close_all(struct wb_procs *p)
{
	close_pair(p->ready);
	for (int i = 0; i < WB_PROCS_MAX; i++)
		close_pair(p->go[i]);
}

int wb_procs_start(struct wb_procs *p, int n, wb_proc_fn fn, void *arg)
{
	pid_t parent = getpid();
	int err = 0;

	memset(p, 0, sizeof(*p));
	p->ready[0] = p->ready[1] = -1;
	for (int i = 0; i < WB_PROCS_MAX; i++)
		p->go[i][0] = p->go[i][1] = -1;
	if (n < 0 || n > WB_PROCS_MAX)
		return -EINVAL;
	if (pipe2(p->ready, O_CLOEXEC))
		err = -errno;
	for (int i = 0; i < n && !err; i++)
		if (pipe2(p->go[i], O_CLOEXEC))
			err = -errno;
	if (err) {
		close_all(p);
		return err;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			err = -errno;
			wb_procs_kill(p);
			return err;
		}
		if (!pid) {
			/* die with the parent; it may have gone already */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(127);
			close(p->ready[0]);
			p->ready[0] = -1;
			for (int k = 0; k < n; k++) {
				close(p->go[k][1]);
				p->go[k][1] = -1;
				if (k != i) {
					close(p->go[k][0]);
					p->go[k][0] = -1;
				}
			}
			p->me = i;
			_exit(fn(p, i, arg));
		}
		p->pid[p->n++] = pid;
	}
	close(p->ready[1]);
	p->ready[1] = -1;
	for (int i = 0; i < n; i++) {
		close(p->go[i][0]);
		p->go[i][0] = -1;
	}
	return 0;
}

int wb_procs_sync(struct wb_procs *p)
{
	char c = 1;

	if (write(p->ready[1], &c, 1) != 1)
		return -EPIPE;
	return read(p->go[p->me][0], &c, 1) == 1 ? 0 : -EPIPE;
}

static int gather_n(struct wb_procs *p, int want, int timeout_ms)
{
	long end = (long)(wb_now_ns() / 1000000u) + timeout_ms;
	int got = 0;

	while (got < want) {
		struct pollfd pf = { .fd = p->ready[0], .events = POLLIN };
		char buf[WB_PROCS_MAX];
		ssize_t r;
		int rc = poll(&pf, 1, 100);

		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc > 0) {
			r = read(p->ready[0], buf, (size_t)(want - got));
			if (r <= 0)
				return -ECHILD; /* every child is gone */
			got += (int)r;
			continue;
		}
		for (int i = 0; i < p->n; i++) {
			int st;

			if (p->pid[i] > 0 &&
			    waitpid(p->pid[i], &st, WNOHANG) == p->pid[i]) {
				p->pid[i] = -1;
				return -ECHILD;
			}
		}
		if ((long)(wb_now_ns() / 1000000u) > end)
			return -ETIMEDOUT;
	}
	return 0;
}

int wb_procs_gather(struct wb_procs *p, int timeout_ms)
{
	return gather_n(p, p->n, timeout_ms);
}

int wb_procs_step(struct wb_procs *p, int idx, int timeout_ms)
{
	char c = 1;

	if (idx < 0 || idx >= p->n || write(p->go[idx][1], &c, 1) != 1)
		return -EPIPE;
	return gather_n(p, 1, timeout_ms);
}

int wb_procs_release(struct wb_procs *p)
{
	char c = 1;
	int err = 0;

	for (int i = 0; i < p->n; i++)
		if (write(p->go[i][1], &c, 1) != 1)
			err = -EPIPE;
	return err;
}

int wb_procs_join(struct wb_procs *p)
{
	int err = 0;

	for (int i = 0; i < p->n; i++) {
		int st;

		if (p->pid[i] <= 0) {
			err = -ECHILD;
			continue;
		}
		while (waitpid(p->pid[i], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			err = -ECHILD;
		p->pid[i] = -1;
	}
	close_all(p);
	p->n = 0;
	return err;
}

void wb_procs_kill(struct wb_procs *p)
{
	for (int i = 0; i < p->n; i++)
		if (p->pid[i] > 0)
			kill(p->pid[i], SIGKILL);
	for (int i = 0; i < p->n; i++)
		if (p->pid[i] > 0)
			waitpid(p->pid[i], NULL, 0);
	close_all(p);
	p->n = 0;
}
