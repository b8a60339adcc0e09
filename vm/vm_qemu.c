// SPDX-License-Identifier: MIT
/*
 * Boots the guest under qemu-system-x86_64 (pc, console ttyS0) or
 * qemu-system-aarch64 (virt, console ttyAMA0, the PL011) and collects what
 * it sends. The console goes to a file we watch for the "up" marker and
 * stream to stderr; the results come over a virtio-serial port (virtio-pci
 * on both machines) into a second file. qemu runs in its own process group and is SIGKILLed on any
 * timeout, so nothing outlives the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "settings/signals.h"
#include "vm.h"

#define UP_MARKER "WALKBENCH-GUEST-UP"
#define DONE_MARKER "WALKBENCH-GUEST-DONE"
/*
 * A guest kernel that reports a CPU stuck this long (its soft-lockup
 * watchdog) has stopped making progress: a TCG guest here whose vCPU
 * timer no longer fired went on printing "stuck for 541s!" until
 * --vm-timeout, 30 minutes later. Seconds.
 */
#define VM_STUCK_S 120
#define MAX_ARGS 64

int vm_read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, r;
	char *p;

	if (!f)
		return -errno;
	p = malloc(cap + 1);
	while (p && (r = fread(p + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *q = realloc(p, 2 * cap + 1);

			if (!q) {
				free(p);
				p = NULL;
				break;
			}
			p = q;
			cap *= 2;
		}
	}
	fclose(f);
	if (!p)
		return -ENOMEM;
	p[n] = 0;
	*buf = p;
	*len = n;
	return 0;
}

const char *vm_qemu_binary(enum vm_arch arch)
{
	return arch == VM_ARCH_ARM64 ? "qemu-system-aarch64"
				     : "qemu-system-x86_64";
}

const char *vm_arch_machine(enum vm_arch arch)
{
	return arch == VM_ARCH_ARM64 ? "aarch64" : "x86_64";
}

bool vm_arch_native(enum vm_arch arch)
{
	/* the machine uname reports, as the results' arch is: no build-time
	 * #if outside harness/arch/ (tests/cli/arch_seam.sh) */
	struct utsname u;

	return !uname(&u) && !strcmp(u.machine, vm_arch_machine(arch));
}

void vm_qemu_version(enum vm_arch arch, char *buf, size_t len)
{
	char cmd[96];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s --version 2>/dev/null",
		 vm_qemu_binary(arch));
	p = popen(cmd, "r");
	buf[0] = 0;
	if (!p)
		return;
	if (fgets(buf, (int)len, p))
		buf[strcspn(buf, "\n")] = 0;
	pclose(p);
}

/* base64 of the guest's arguments, one per line, for the kernel command
 * line: no quoting problems, and init decodes it with busybox base64. */
static char *encode_args(const struct vm_opts *o)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	size_t n = 0, j = 0;
	char *raw, *out;

	for (int i = 0; i < o->guest_argc; i++)
		n += strlen(o->guest_argv[i]) + 1;
	raw = malloc(n + 1);
	out = malloc(4 * (n / 3 + 1) + 1);
	if (!raw || !out) {
		free(raw);
		free(out);
		return NULL;
	}
	for (int i = 0, k = 0; i < o->guest_argc; i++) {
		size_t l = strlen(o->guest_argv[i]);

		memcpy(raw + k, o->guest_argv[i], l);
		k += (int)l;
		raw[k++] = '\n';
	}
	raw[n] = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)raw[i + 2];
		out[j++] = tab[(v >> 18) & 63];
		out[j++] = tab[(v >> 12) & 63];
		out[j++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[j++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[j] = 0;
	free(raw);
	return out;
}

struct argv_buf {
	char *v[MAX_ARGS];
	char store[8][4096];
	int n, ns;
};

static void add(struct argv_buf *a, const char *s)
{
	if (a->n < MAX_ARGS - 1)
		a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void addf(struct argv_buf *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void addf(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;

	if (a->ns >= 8)
		return;
	va_start(ap, fmt);
	vsnprintf(a->store[a->ns], sizeof(a->store[0]), fmt, ap);
	va_end(ap);
	add(a, a->store[a->ns++]);
}

const char *vm_cpu_model(const struct vm_opts *o, enum vm_accel accel)
{
	/* KVM: the host's CPU as is; TCG: everything qemu can emulate,
	 * 5-level paging included */
	if (o->cpu)
		return o->cpu;
	return accel == VM_KVM ? "host" : "max";
}

static int build_argv(const struct vm_opts *o, enum vm_accel accel,
		      const char *dir, struct argv_buf *a)
{
	char *args = encode_args(o);
	uint64_t mib = o->mem_bytes >> 20;

	if (!args)
		return -ENOMEM;
	if (strlen(args) > 1500) {
		free(args);
		return -E2BIG;
	}
	bool arm = o->arch == VM_ARCH_ARM64;

	add(a, vm_qemu_binary(o->arch));
	add(a, "-nodefaults");
	add(a, "-no-user-config");
	add(a, "-display");
	add(a, "none");
	add(a, "-no-reboot");
	add(a, "-accel");
	add(a, accel == VM_KVM ? "kvm" : "tcg");
	add(a, "-cpu");
	add(a, vm_cpu_model(o, accel));
	add(a, "-smp");
	addf(a, "%d", o->smp);
	add(a, "-m");
	addf(a, "%" PRIu64 "M", mib);
	add(a, "-object");
	if (o->host_page > 4096)
		addf(a,
		     "memory-backend-memfd,id=mem0,size=%" PRIu64
		     "M,hugetlb=on,hugetlbsize=%" PRIu64 "M,prealloc=on",
		     mib, o->host_page >> 20);
	else
		addf(a, "memory-backend-memfd,id=mem0,size=%" PRIu64 "M", mib);
	add(a, "-machine");
	/* arm64: the virt board, with its PCIe host bridge for virtio-pci */
	add(a, arm ? "virt,memory-backend=mem0" : "memory-backend=mem0");
	add(a, "-kernel");
	addf(a, "%s/vmlinuz", o->image);
	add(a, "-initrd");
	addf(a, "%s/initrd.img", o->image);
	add(a, "-append");
	/* wb.accel: the accelerator, as the host that chose it knows it;
	 * init hands it to the guest's walkbench, which records its source */
	addf(a, "console=%s panic=-1 loglevel=4 wb.accel=%s%s wb.args=%s",
	     arm ? "ttyAMA0" : "ttyS0", accel == VM_KVM ? "kvm" : "tcg",
	     o->guest_thp < 0 ? ""
	     : o->guest_thp   ? " wb.thp=always"
			      : " wb.thp=never",
	     args);
	free(args);
	add(a, "-serial");
	addf(a, "file:%s/console.log", dir);
	add(a, "-device");
	add(a, "virtio-serial-pci");
	add(a, "-chardev");
	addf(a, "file,id=res,path=%s/results.chan", dir);
	add(a, "-device");
	add(a, "virtserialport,chardev=res,name=wb.results");
	return 0;
}

static pid_t spawn(struct argv_buf *a, const char *dir)
{
	char err[128];
	pid_t pid;

	snprintf(err, sizeof(err), "%s/qemu.err", dir);
	pid = fork();
	if (pid)
		return pid;
	setpgid(0, 0);
	int in = open("/dev/null", O_RDONLY);
	int out = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (in < 0 || out < 0)
		_exit(127);
	dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	execvp(a->v[0], a->v);
	_exit(127);
}

/* The seconds a soft-lockup line of the guest kernel says a CPU has been
 * stuck for, into *@stuck when longer */
static void stuck_for(const char *s, double *stuck)
{
	const char *p = strstr(s, "soft lockup - CPU#");
	double v;

	if (p && (p = strstr(p, "stuck for ")) &&
	    sscanf(p, "stuck for %lfs", &v) == 1 && v > *stuck)
		*stuck = v;
}

/* Streams complete console lines after @*off to stderr; true once the up
 * marker has been seen. *@done is set once the guest says it is done. */
static bool watch_console(const char *path, size_t *off, bool up, bool *done,
			  double *stuck)
{
	char *buf = NULL;
	size_t len = 0;

	if (vm_read_file(path, &buf, &len))
		return up;
	while (*off < len) {
		char *s = buf + *off, *nl = memchr(s, '\n', len - *off);

		if (!nl)
			break;
		*nl = 0;
		if (!strncmp(s, UP_MARKER, strlen(UP_MARKER)))
			up = true;
		stuck_for(s, stuck);
		if (strstr(s, DONE_MARKER))
			*done = true;
		else if (up && s[0] != '[' && *s && *s != '\r')
			fprintf(stderr, "guest: %s\n", s);
		*off = (size_t)(nl + 1 - buf);
	}
	free(buf);
	return up;
}

static void last_line(const char *path, char *out, size_t len)
{
	char *buf = NULL, *p;
	size_t n = 0;

	out[0] = 0;
	if (vm_read_file(path, &buf, &n) || !buf)
		return;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	p = strrchr(buf, '\n');
	snprintf(out, len, "%s", p ? p + 1 : buf);
	out[strcspn(out, "\r")] = 0;
	free(buf);
}

/*
 * What qemu said last: its last line, after the last "error" line when
 * that came earlier (an abort's assertion follows the refusal that caused
 * it: "failed to set MSR 0x10a" says more than the assertion).
 */
static void qemu_said(const char *path, char *out, size_t len)
{
	char *buf = NULL, *line, *save, *err_line = NULL, *last = NULL;
	size_t n = 0;

	out[0] = 0;
	if (vm_read_file(path, &buf, &n) || !buf)
		return;
	for (line = strtok_r(buf, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		if (strstr(line, "error"))
			err_line = line;
		last = line;
	}
	if (err_line && err_line != last)
		snprintf(out, len, "%s / %s", err_line, last);
	else if (last)
		snprintf(out, len, "%s", last);
	free(buf);
}

static void kill_group(pid_t pid)
{
	int st;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	wb_signals_child(0);
}

/* A guest up but stopped (b->why says why): qemu killed, the time so far
 * and what the results channel holds kept, as a guest that powered off
 * keeps them; its checkpoints are all the results there are. */
static int stop_guest(struct vm_boot *b, pid_t pid, double t)
{
	char path[sizeof(b->tmpdir) + 16];

	kill_group(pid);
	b->total_s = t;
	snprintf(path, sizeof(path), "%s/results.chan", b->tmpdir);
	vm_read_file(path, &b->channel, &b->channel_len);
	return -ETIME;
}

static int boot(const struct vm_opts *o, enum vm_accel accel, struct vm_boot *b)
{
	struct argv_buf a = { 0 };
	double t0 = wb_now_s(), up_limit;
	char path[128], tail[320];
	size_t off = 0;
	bool up = false, done = false;
	double stuck = 0;
	int err, st, polls = 0;
	pid_t pid;

	memset(b, 0, sizeof(*b));
	b->accel = accel == VM_KVM ? "kvm" : "tcg";
	b->cpu_model = vm_cpu_model(o, accel);
	b->up_s = b->total_s = -1;
	up_limit = o->up_timeout_s > 0 ? o->up_timeout_s
		   : accel == VM_KVM   ? 20
				       : 90;
	snprintf(b->tmpdir, sizeof(b->tmpdir), "/tmp/wb-vm.XXXXXX");
	if (!mkdtemp(b->tmpdir))
		return -errno;
	err = build_argv(o, accel, b->tmpdir, &a);
	if (err) {
		snprintf(b->why, sizeof(b->why), "guest arguments: %s",
			 strerror(-err));
		return err;
	}
	pid = spawn(&a, b->tmpdir);
	if (pid < 0)
		return -errno;
	wb_signals_child(pid);
	snprintf(path, sizeof(path), "%s/console.log", b->tmpdir);
	for (;;) {
		double t = wb_now_s() - t0;
		pid_t w = waitpid(pid, &st, WNOHANG);
		bool was_up = up;

		up = watch_console(path, &off, up, &done, &stuck);
		if (w == pid) {
			wb_signals_child(0);
			break;
		}
		if (wb_signals_caught()) {
			kill_group(pid);
			snprintf(b->why, sizeof(b->why),
				 "interrupted (signal %d); qemu killed",
				 wb_signals_caught());
			return -EINTR;
		}
		/* at "up", then every second: one failed look is enough to
		 * withdraw the claim (host THP could merge pages later) */
		if (up && !was_up) {
			b->up_s = t;
			b->backing_verified = vm_backing_verify(
				o, pid, b->backing_detail,
				sizeof(b->backing_detail));
		} else if (up && !done && b->backing_verified &&
			   ++polls % 20 == 0) {
			char seen[sizeof(b->backing_detail)];

			b->backing_verified = vm_backing_verify(o, pid, seen,
								sizeof(seen));
			/* a guest done measuring powers off, and qemu's
			 * exit unmaps its RAM: a mapping gone then is not
			 * a mapping of other pages (a wrong one still is) */
			up = watch_console(path, &off, up, &done, &stuck);
			if (!b->backing_verified && done &&
			    strstr(seen, "no guest RAM mapping"))
				b->backing_verified = true;
			else
				snprintf(b->backing_detail,
					 sizeof(b->backing_detail), "%s", seen);
		}
		if (!up && t > up_limit) {
			char said[200], errp[128];

			kill_group(pid);
			last_line(path, tail, sizeof(tail));
			snprintf(errp, sizeof(errp), "%s/qemu.err", b->tmpdir);
			qemu_said(errp, said, sizeof(said));
			snprintf(b->why, sizeof(b->why),
				 "%s guest did not reach its 'up' marker "
				 "within %.0f s; qemu killed (console "
				 "%s%.160s%s; "
				 "qemu said %s%.160s%s)",
				 b->accel, up_limit,
				 tail[0] ? "ended: '" : "empty",
				 tail[0] ? tail : "", tail[0] ? "'" : "",
				 said[0] ? "'" : "nothing", said,
				 said[0] ? "'" : "");
			return -ETIMEDOUT;
		}
		if (stuck >= VM_STUCK_S) {
			snprintf(b->why, sizeof(b->why),
				 "%s guest kernel reports a soft lockup (a CPU "
				 "stuck for %.0f s): the guest stopped making "
				 "progress; qemu killed after %.0f s",
				 b->accel, stuck, t);
			return stop_guest(b, pid, t);
		}
		if (t > o->timeout_s) {
			snprintf(b->why, sizeof(b->why),
				 "%s guest still running after %.0f s "
				 "(--vm-timeout); qemu killed",
				 b->accel, o->timeout_s);
			return stop_guest(b, pid, t);
		}
		usleep(50000);
	}
	b->total_s = wb_now_s() - t0;
	up = watch_console(path, &off, up, &done, &stuck);
	/* up and gone within one poll: no time to look at its memory */
	if (up && b->up_s < 0) {
		b->up_s = b->total_s;
		snprintf(b->backing_detail, sizeof(b->backing_detail),
			 "guest finished before its memory could be checked");
	}
	snprintf(path, sizeof(path), "%s/results.chan", b->tmpdir);
	vm_read_file(path, &b->channel, &b->channel_len);
	if (!up) {
		snprintf(path, sizeof(path), "%s/qemu.err", b->tmpdir);
		qemu_said(path, tail, sizeof(tail));
		if (!tail[0]) {
			snprintf(path, sizeof(path), "%s/console.log",
				 b->tmpdir);
			last_line(path, tail, sizeof(tail));
		}
		snprintf(b->why, sizeof(b->why),
			 "qemu (%s) exited with status %d before the guest "
			 "was up: %s",
			 b->accel,
			 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
			 tail[0] ? tail : "no message");
		return -ECHILD;
	}
	return 0;
}

void vm_boot_free(struct vm_boot *b, bool keep_logs)
{
	static const char *const files[] = { "console.log", "results.chan",
					     "qemu.err" };
	char path[128];

	free(b->channel);
	b->channel = NULL;
	if (keep_logs || !b->tmpdir[0])
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", b->tmpdir, files[i]);
		unlink(path);
	}
	rmdir(b->tmpdir);
	b->tmpdir[0] = 0;
}

/*
 * A signal while a guest runs is only recorded: the loop kills qemu's
 * process group first, then the signal is raised again and ends the run
 * (restoring a grown hugetlb pool), so no guest outlives an interrupted
 * run. A second signal does all of that from the handler.
 */
int vm_boot_run(const struct vm_opts *o, enum vm_accel accel, struct vm_boot *b)
{
	double t0 = wb_now_s();
	int err, sig;

	err = wb_signals_install();
	if (err)
		return err;
	wb_signals_defer(true);
	err = boot(o, accel, b);
	b->spent_s = wb_now_s() - t0;
	wb_signals_defer(false);
	sig = wb_signals_caught();
	if (sig) {
		vm_boot_free(b, false); /* nothing worth keeping */
		raise(sig);
	}
	return err;
}
