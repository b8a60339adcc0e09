// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/lock.h"

int wb_lock_default_path(char *buf, size_t len)
{
	int n;

	if (geteuid() == 0 && !access("/run/lock", W_OK))
		n = snprintf(buf, len, "/run/lock/walkbench.lock");
	else
		n = snprintf(buf, len, "/tmp/walkbench-%u.lock",
			     (unsigned int)geteuid());
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int ppid = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	if (!p || sscanf(p + 2, "%*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* true when WB_LOCK_OWNER names one of our ancestors */
static int held_by_ancestor(void)
{
	const char *s = getenv("WB_LOCK_OWNER");
	pid_t owner = s ? (pid_t)atoi(s) : 0, p = getppid();

	if (owner <= 1)
		return 0;
	for (int depth = 0; p > 1 && depth < 64; depth++) {
		if (p == owner)
			return 1;
		p = parent_of(p);
	}
	return 0;
}

int wb_lock_acquire(struct wb_lock *l, const char *path, int wait, char *holder,
		    size_t len)
{
	char buf[32];
	ssize_t n;

	l->fd = -1;
	holder[0] = 0;
	if (held_by_ancestor())
		return 0;
	l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (l->fd < 0)
		return -errno;
	if (flock(l->fd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		n = pread(l->fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = 0;
		buf[strcspn(buf, "\n")] = 0;
		snprintf(holder, len, "pid %s", buf[0] ? buf : "unknown");
		if (err != EWOULDBLOCK || !wait) {
			close(l->fd);
			l->fd = -1;
			return err == EWOULDBLOCK ? -EBUSY : -err;
		}
		fprintf(stderr,
			"walkbench: waiting for the walkbench run (%s) holding "
			"%s\n",
			holder, path);
		if (flock(l->fd, LOCK_EX)) {
			err = errno;
			close(l->fd);
			l->fd = -1;
			return -err;
		}
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(l->fd, 0) || pwrite(l->fd, buf, (size_t)n, 0) != n)
		return 0; /* the lock holds; only the holder's name is lost */
	snprintf(buf, sizeof(buf), "%d", (int)getpid());
	setenv("WB_LOCK_OWNER", buf, 1);
	return 0;
}

void wb_lock_release(struct wb_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

int wb_lock_take(struct wb_lock *l, char *path, size_t len)
{
	char holder[256];
	int err = wb_lock_default_path(path, len);

	return err ?: wb_lock_acquire(l, path, 1, holder, sizeof(holder));
}
