// SPDX-License-Identifier: MIT
/*
 * One run of the user's command under a policy's per-process options,
 * with its memory sampled from /proc while it runs. The command may fork
 * (a shell, `walkbench run` supervising a child), so the samples sum the
 * command and all its descendants.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "settings/policy.h"
#include "settings/signals.h"
#include "counters/osstat.h"
#include "counters/vmstat.h"
#include "mem/mthp.h"

#define MAX_PROCS 8192
#define MAX_DESC 256

static const char *const vm_names[] = { "thp_fault_alloc", "thp_fault_fallback",
					"thp_collapse_alloc", "thp_split_pmd" };
#define NVM (int)(sizeof(vm_names) / sizeof(vm_names[0]))

static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (off + 1 < len && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	close(fd);
	buf[off] = 0;
	return (ssize_t)off;
}

static int read_vmstat(uint64_t *vals)
{
	size_t len = 64 << 10;
	char *buf = malloc(len);
	bool found[NVM];
	int err;

	if (!buf)
		return -ENOMEM;
	err = slurp("/proc/vmstat", buf, len) < 0 ? -EIO : 0;
	if (!err)
		err = wb_vmstat_parse(buf, vm_names, NVM, vals, found);
	for (int i = 0; i < NVM && !err; i++)
		if (!found[i])
			vals[i] = 0;
	free(buf);
	return err;
}

/* The per-size stats of @x's sizes; a size whose stats do not read
 * counts 0 (its delta then too). */
static void read_mthp(const struct wb_policy_exec *x, uint64_t *alloc,
		      uint64_t *fallback)
{
	for (int i = 0; i < x->n_mthp && i < WB_MTHP_MAX; i++) {
		struct wb_mthp_stats st = { 0 };

		if (wb_mthp_stats_read(x->mthp_size[i], &st))
			memset(&st, 0, sizeof(st));
		alloc[i] = st.anon_fault_alloc;
		fallback[i] = st.anon_fault_fallback;
	}
}

/* @root and every process below it, from the parent links in /proc. */
static int descendants(pid_t root, pid_t *out, int cap)
{
	struct link {
		pid_t pid, ppid;
	} *t = malloc(MAX_PROCS * sizeof(*t));
	int n = 0, k = 1, grew = 1;
	struct dirent *d;
	DIR *dir = t ? opendir("/proc") : NULL;

	out[0] = root;
	if (!dir) {
		free(t);
		return 1;
	}
	while ((d = readdir(dir)) && n < MAX_PROCS) {
		char path[300], buf[512], *p;
		int ppid;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		if (slurp(path, buf, sizeof(buf)) <= 0)
			continue;
		/* the command name may hold spaces and parentheses */
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
			continue;
		t[n].pid = atoi(d->d_name);
		t[n++].ppid = ppid;
	}
	closedir(dir);
	while (grew && k < cap) {
		grew = 0;
		for (int i = 0; i < n && k < cap; i++) {
			int in = 0, parent = 0;

			for (int j = 0; j < k; j++) {
				in |= out[j] == t[i].pid;
				parent |= out[j] == t[i].ppid;
			}
			if (parent && !in) {
				out[k++] = t[i].pid;
				grew = 1;
			}
		}
	}
	free(t);
	return k;
}

static void sample(pid_t root, struct wb_policy_sample *s)
{
	pid_t pids[MAX_DESC];
	uint64_t huge = 0, pte = 0, htlb = 0;
	int n = descendants(root, pids, MAX_DESC);

	for (int i = 0; i < n; i++) {
		char path[64], buf[4096];
		uint64_t v;

		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pids[i]);
		if (slurp(path, buf, sizeof(buf)) > 0 &&
		    !wb_policy_field_kb(buf, "AnonHugePages", &v))
			huge += v;
		if (!wb_pid_status_kb(pids[i], "VmPTE", &v))
			pte += v * 1024;
		if (!wb_pid_status_kb(pids[i], "HugetlbPages", &v))
			htlb += v * 1024;
	}
	if (huge > s->anon_huge_bytes)
		s->anon_huge_bytes = huge;
	if (pte > s->pte_bytes)
		s->pte_bytes = pte;
	if (htlb > s->hugetlb_bytes)
		s->hugetlb_bytes = htlb;
	s->samples++;
}

/* Prepend (LD_PRELOAD, space-separated) or append (GLIBC_TUNABLES,
 * colon-separated) to what the user already set. */
static void env_add(const char *name, const char *value, const char *sep,
		    bool front)
{
	const char *old = getenv(name);
	char buf[4096];

	if (old && *old)
		snprintf(buf, sizeof(buf), "%s%s%s", front ? value : old, sep,
			 front ? old : value);
	else
		snprintf(buf, sizeof(buf), "%s", value);
	setenv(name, buf, 1);
}

static void child(const struct wb_policy_exec *x, pid_t parent, int err_fd,
		  int status_fd)
{
	const struct wb_policy *p = x->policy;
	int null = open("/dev/null", O_RDWR);
	int e;

	setpgid(0, 0);
	/* A SIGKILLed walkbench must not leave the command running with
	 * settings that are about to be recovered under it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(126);
	if (p->thp_disable && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		goto fail;
	if (p->shim != WB_SHIM_NONE) {
		bool thp = p->shim == WB_SHIM_THP;

		env_add("LD_PRELOAD", x->shim_path, " ", true);
		setenv("WB_SHIM_MODE", thp ? "thp" : "hugetlb", 1);
		env_add("GLIBC_TUNABLES",
			thp ? "glibc.malloc.hugetlb=1"
			    : "glibc.malloc.hugetlb=2",
			":", false);
	}
	if (null >= 0)
		dup2(null, STDOUT_FILENO);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(err_fd, STDERR_FILENO);
	execvp(x->argv[0], x->argv);
fail:
	e = errno;
	if (write(status_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static void stderr_tail(int fd, char *out, size_t len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	off_t from = end > (off_t)len - 1 ? end - (off_t)len + 1 : 0;
	ssize_t n = pread(fd, out, len - 1, from);

	out[n > 0 ? n : 0] = 0;
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = 0;
}

static int wait_sampling(const struct wb_policy_exec *x, pid_t pid, double t0,
			 struct wb_policy_sample *s, int *status,
			 struct rusage *ru)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double next = 0;

	for (;;) {
		double el = wb_now_s() - t0;
		/* short intervals first, so a short command is seen at all */
		int ms = el < 0.5 ? 10 : 50;
		pid_t r;

		if (pidfd >= 0) {
			struct pollfd pf = { .fd = pidfd, .events = POLLIN };

			poll(&pf, 1, ms);
		} else {
			usleep(1000);
		}
		r = wait4(pid, status, WNOHANG, ru);
		if (r == pid) {
			s->wall_s = wb_now_s() - t0;
			break;
		}
		if (r < 0 && errno != EINTR) {
			if (pidfd >= 0)
				close(pidfd);
			return -errno;
		}
		if (x->timeout_s > 0 && el > x->timeout_s && !s->timed_out) {
			s->timed_out = true;
			kill(-pid, SIGKILL);
		}
		if (el < next)
			continue;
		sample(pid, s);
		next = el + ms * 1e-3;
	}
	if (pidfd >= 0)
		close(pidfd);
	return 0;
}

int wb_policy_run_once(const struct wb_policy_exec *x,
		       struct wb_policy_sample *s)
{
	uint64_t vm0[NVM] = { 0 }, vm1[NVM] = { 0 }, d[NVM] = { 0 };
	uint64_t ma0[WB_MTHP_MAX] = { 0 }, mf0[WB_MTHP_MAX] = { 0 };
	uint64_t ma1[WB_MTHP_MAX] = { 0 }, mf1[WB_MTHP_MAX] = { 0 };
	char tmpl[] = "/tmp/walkbench-policy-err.XXXXXX";
	int pfd[2], err_fd, status = 0, e = 0, err;
	struct rusage ru;
	double t0;
	pid_t pid, self = getpid();

	memset(s, 0, sizeof(*s));
	s->exit_code = -1;
	err_fd = mkostemp(tmpl, O_CLOEXEC);
	if (err_fd < 0)
		return -errno;
	unlink(tmpl);
	if (pipe2(pfd, O_CLOEXEC)) {
		close(err_fd);
		return -errno;
	}
	read_vmstat(vm0);
	read_mthp(x, ma0, mf0);
	t0 = wb_now_s();
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		close(err_fd);
		return err;
	}
	if (!pid)
		child(x, self, err_fd, pfd[1]);
	/* a signal now kills the command before settings are restored */
	wb_signals_child(pid);
	/* the group exists before anything can signal it */
	setpgid(pid, pid);
	close(pfd[1]);
	/* EOF when exec succeeded (close-on-exec), an errno when not */
	if (read(pfd[0], &e, sizeof(e)) == sizeof(e)) {
		s->exec_failed = true;
		s->exec_errno = e;
	}
	close(pfd[0]);
	err = wait_sampling(x, pid, t0, s, &status, &ru);
	/* nothing the command started outlives its run */
	kill(-pid, SIGKILL);
	wb_signals_child(0);
	if (!err) {
		read_vmstat(vm1);
		read_mthp(x, ma1, mf1);
		for (int i = 0; i < NVM; i++)
			wb_vmstat_delta(vm0[i], vm1[i], &d[i]);
		for (int i = 0; i < WB_MTHP_MAX; i++) {
			wb_vmstat_delta(ma0[i], ma1[i], &s->mthp_alloc[i]);
			wb_vmstat_delta(mf0[i], mf1[i], &s->mthp_fallback[i]);
		}
		s->thp_fault_alloc = d[0];
		s->thp_fault_fallback = d[1];
		s->thp_collapse_alloc = d[2];
		s->thp_split_pmd = d[3];
		s->cpu_s = (double)ru.ru_utime.tv_sec +
			   (double)ru.ru_utime.tv_usec * 1e-6 +
			   (double)ru.ru_stime.tv_sec +
			   (double)ru.ru_stime.tv_usec * 1e-6;
		s->maxrss_bytes = (uint64_t)ru.ru_maxrss * 1024;
		s->minflt = (uint64_t)ru.ru_minflt;
		s->majflt = (uint64_t)ru.ru_majflt;
		if (WIFEXITED(status))
			s->exit_code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			s->signal = WTERMSIG(status);
		s->ok = !s->exec_failed && !s->timed_out && s->exit_code == 0;
		stderr_tail(err_fd, s->stderr_tail, sizeof(s->stderr_tail));
	}
	close(err_fd);
	return err;
}
