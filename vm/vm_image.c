// SPDX-License-Identifier: MIT
/*
 * The guest image, built or refreshed before a guest boots: vm run calls
 * the script make vm calls (vm/build-image.sh, in the checkout or where it
 * was installed), which rebuilds only when a hash of its inputs (walkbench,
 * its libraries, the kernel package, busybox, the scripts) changed, so an
 * image older than the binary is never booted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vm.h"

/* The directory of the running binary, without a trailing slash. */
static int exe_dir(char *dir, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -errno;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = 0;
	if (snprintf(dir, len, "%s", exe) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* build/walkbench finds ../vm/; an installed bin/walkbench finds
 * ../share/walkbench/vm/ (init.sh lies beside the script). */
static int find_script(const char *dir, char *path, size_t len)
{
	static const char *const rel[] = {
		"../vm/build-image.sh", "../share/walkbench/vm/build-image.sh",
		NULL
	};

	for (int i = 0; rel[i]; i++) {
		if (snprintf(path, len, "%s/%s", dir, rel[i]) >= (int)len)
			continue;
		if (!access(path, R_OK))
			return 0;
	}
	return -ENOENT;
}

/* An image built from the static walkbench (make vm-static) is refreshed
 * from the static binary beside this one, so a refresh never changes its
 * variant. An arm64 image always takes the static cross build, which a
 * checkout's make ARCH=arm64 puts in arm64/ beside build/walkbench. */
static void pick_binary(const struct vm_opts *o, const char *dir, char *wb,
			size_t len)
{
	char p[600], v[16] = "";
	FILE *f;

	if (o->arch == VM_ARCH_ARM64) {
		snprintf(wb, len, "%s/arm64/walkbench-static", dir);
		return;
	}
	snprintf(p, sizeof(p), "%s/variant", o->image);
	f = fopen(p, "r");
	if (f) {
		if (!fgets(v, sizeof(v), f))
			v[0] = 0;
		fclose(f);
	}
	snprintf(wb, len, "%s/walkbench%s", dir,
		 strncmp(v, "static", 6) ? "" : "-static");
	if (access(wb, X_OK))
		snprintf(wb, len, "%s/walkbench", dir);
}

/* The last non-empty line of @buf, without the script's "build-image: ". */
static void last_line(char *buf, char *why, size_t len)
{
	char *end = buf + strlen(buf), *start;

	while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = 0;
	start = strrchr(buf, '\n');
	start = start ? start + 1 : buf;
	if (!strncmp(start, "build-image: ", 13))
		start += 13;
	snprintf(why, len, "%s", *start ? start : "vm/build-image.sh failed");
}

/* Runs the script: its progress (stdout) goes to our stderr, so --json
 * output stays clean; its stderr is kept for the one-line reason. */
static int run_script(const char *script, const char *image, const char *wb,
		      const char *arch, char *why, size_t len)
{
	char err[4096];
	size_t n = 0;
	int fd[2], st;
	ssize_t r;
	pid_t pid;

	if (pipe(fd))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -errno;
	}
	if (!pid) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		dup2(fd[1], STDERR_FILENO);
		close(fd[0]);
		close(fd[1]);
		setenv("WB_IMAGE_QUIET", "1", 1);
		setenv("WB_ARCH", arch, 1);
		execlp("bash", "bash", script, image, wb, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	/* keep the tail: the reason is the last line */
	while ((r = read(fd[0], err + n, sizeof(err) - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
		if (n == sizeof(err) - 1) {
			memmove(err, err + n / 2, n - n / 2);
			n -= n / 2;
		}
	}
	err[n] = 0;
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && !n)
		snprintf(why, len, "cannot run bash for %s", script);
	else
		last_line(err, why, len);
	return -EIO;
}

int vm_image_ensure(const struct vm_opts *o, char *why, size_t len)
{
	char dir[PATH_MAX], script[PATH_MAX + 64], wb[PATH_MAX + 32];
	int err;

	why[0] = 0;
	err = exe_dir(dir, sizeof(dir));
	if (!err)
		err = find_script(dir, script, sizeof(script));
	if (err) {
		/* nothing to build with: an image that is there is used */
		if (!vm_image_ready(o))
			return 0;
		snprintf(why, len,
			 "no guest image in %s, and no vm/build-image.sh "
			 "beside %s to build one",
			 o->image, dir);
		return -ENOENT;
	}
	pick_binary(o, dir, wb, sizeof(wb));
	err = run_script(script, o->image, wb,
			 o->arch == VM_ARCH_ARM64 ? "arm64" : "x86_64", why,
			 len);
	if (err)
		return err;
	if (vm_image_ready(o)) {
		snprintf(why, len, "%s built, but holds no vmlinuz/initrd.img",
			 o->image);
		return -ENOENT;
	}
	return 0;
}
