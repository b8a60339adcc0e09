// SPDX-License-Identifier: MIT
/*
 * walkbench vm run: the same walkbench run, inside a qemu guest booted from
 * the image vm/build-image.sh made. The host labels what comes back: the
 * accelerator (TCG results are "emulated" and never timed against native),
 * qemu, the guest kernel, the host memory backing as verified in qemu's
 * smaps, why a KVM attempt fell back to TCG, and the host's own fingerprint.
 * walkbench vm pair: guest/native ratios per benchmark.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "env.h"
#include "kernel.h"
#include "lock.h"
#include "parse.h"
#include "results.h"
#include "vm.h"
#include "vmframe.h"

#define MAX_GUEST_ARGS 48

static const char usage_text[] =
	"usage: walkbench vm run [SUITE|KERNEL ...] [vm options] [run "
	"options]\n"
	"       walkbench vm matrix [SUITE|KERNEL ...] [vm and run options]\n"
	"       walkbench vm pair NATIVE.json GUEST.json\n"
	"       walkbench vm unframe CHANNEL OUT.json\n"
	"\n"
	"run boots the guest image (make vm) under qemu, runs `walkbench run`\n"
	"inside it and writes the results here, labelled with the guest.\n"
	"\n"
	"  --accel auto|kvm|tcg  auto: KVM when /dev/kvm is usable, and TCG "
	"if\n"
	"                        the KVM guest is not up in time (default "
	"auto)\n"
	"  --mem SIZE            guest memory, e.g. 1G (default 1G)\n"
	"  --smp N               guest CPUs (default: host CPUs, at most 2)\n"
	"  --guest-thp on|off    the guest's THP mode (default: guest "
	"kernel's)\n"
	"  --host-backing 4K|2M|1G  host pages behind guest RAM (default 4K);\n"
	"                        2M/1G use the host hugetlb pool, grown only\n"
	"                        with --allow-settings\n"
	"  --up-timeout S        seconds to reach 'up' (default 20 KVM, 90 "
	"TCG)\n"
	"  --vm-timeout S        seconds for the whole guest run (default "
	"1800)\n"
	"  --image DIR           guest image (default: vm/ beside the binary)\n"
	"  --pair                then run the same natively "
	"(FILE.native.json)\n"
	"                        and print guest/native (walkbench vm pair)\n"
	"  --keep-logs           keep the console log and results channel\n"
	"                        (a temporary directory, named on stderr)\n"
	"\n"
	"run options passed to the guest: --quick --reps N --min-time S --cpu "
	"N\n"
	"  --param [K.]NAME=V --timeout S --mem-fraction F --seed N\n"
	"  --allow-settings (also lets the host grow its hugetlb pool)\n"
	"run options kept on the host: --out FILE --results-dir DIR --json\n"
	"\n"
	"matrix runs every cell of guest THP off/on x host backing 4K/2M\n"
	"(and 1G with a 1G pool): one results file each, then a table.\n"
	"\n"
	"TCG results are marked emulated: functional facts only, no timings.\n"
	"Exit: as walkbench run; 3 also when the requested accelerator cannot\n"
	"boot the guest or the host backing is unavailable.\n";

struct vm_args {
	struct vm_opts o;
	const char *out, *results_dir;
	bool json, keep_logs, pair;
	char cell[32]; /* "thp-on-host-2M" in a matrix, else "" */
	char *gargv[MAX_GUEST_ARGS];
	const char *names[16];
	int nnames;
	char cmdline[1024];
};

static int known_name(const char *n)
{
	for (int i = 0; wb_kernels[i]; i++)
		if (!strcmp(wb_kernels[i]->name, n) ||
		    !strcmp(wb_kernels[i]->suite, n))
			return 1;
	return 0;
}

static int guest_arg(struct vm_args *a, const char *s)
{
	if (a->o.guest_argc >= MAX_GUEST_ARGS - 1)
		return wb_error(WB_EXIT_USAGE, "vm run: too many arguments");
	a->gargv[a->o.guest_argc++] = (char *)s;
	return 0;
}

static int parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 10);

	if (end == s || n == 0)
		return -EINVAL;
	switch (*end) {
	case 'G':
		n <<= 30;
		end++;
		break;
	case 'M':
		n <<= 20;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	*v = n;
	return 0;
}

static void default_image(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (getenv("WB_VM_IMAGE")) {
		snprintf(buf, len, "%s", getenv("WB_VM_IMAGE"));
		return;
	}
	exe[n > 0 ? n : 0] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	if (snprintf(buf, len, "%s/vm", n > 0 ? exe : ".") >= (int)len)
		buf[0] = 0; /* no image found there: make vm says where */
}

static int need(int argc, char **argv, int i)
{
	if (i + 1 >= argc)
		return wb_error(WB_EXIT_USAGE, "option %s needs a value",
				argv[i]);
	return 0;
}

/* Options of `run` that take a value and go to the guest unchanged; the
 * guest's walkbench judges the values. */
static const char *const pass_value[] = {
	"--reps", "--min-time", "--cpu",	  "--param",
	"-p",	  "--timeout",	"--mem-fraction", "--seed"
};

static int parse_vm_args(struct vm_args *a, int argc, char **argv)
{
	size_t off = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int err;

	for (int i = 0; i < argc && off < sizeof(a->cmdline); i++)
		off += (size_t)snprintf(a->cmdline + off,
					sizeof(a->cmdline) - off, "%s%s",
					i ? " " : "walkbench vm ", argv[i]);
	a->o.accel = VM_AUTO;
	a->o.mem_bytes = 1ull << 30;
	a->o.guest_thp = -1;
	a->o.host_page = 4096;
	a->o.timeout_s = 1800;
	a->o.smp = ncpu >= 2 ? 2 : 1;
	a->o.guest_argv = a->gargv;
	a->results_dir = "results";
	default_image(a->o.image, sizeof(a->o.image));
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		size_t k;

		if (!strcmp(s, "--accel")) {
			if ((err = need(argc, argv, i)))
				return err;
			s = argv[++i];
			if (!strcmp(s, "auto"))
				a->o.accel = VM_AUTO;
			else if (!strcmp(s, "kvm"))
				a->o.accel = VM_KVM;
			else if (!strcmp(s, "tcg"))
				a->o.accel = VM_TCG;
			else
				return wb_error(WB_EXIT_USAGE,
						"--accel '%s': need auto, kvm "
						"or tcg",
						s);
		} else if (!strcmp(s, "--mem")) {
			if ((err = need(argc, argv, i)))
				return err;
			if (parse_size(argv[++i], &a->o.mem_bytes) ||
			    a->o.mem_bytes < (256ull << 20))
				return wb_error(WB_EXIT_USAGE,
						"--mem '%s': need a size like "
						"512M or 2G, at least 256M",
						argv[i]);
		} else if (!strcmp(s, "--smp")) {
			if ((err = need(argc, argv, i)))
				return err;
			if (wb_parse_int(argv[++i], &a->o.smp) ||
			    a->o.smp < 1 || a->o.smp > 64)
				return wb_error(WB_EXIT_USAGE,
						"--smp '%s': need 1 to 64",
						argv[i]);
		} else if (!strcmp(s, "--guest-thp")) {
			if ((err = need(argc, argv, i)))
				return err;
			s = argv[++i];
			if (strcmp(s, "on") && strcmp(s, "off"))
				return wb_error(WB_EXIT_USAGE,
						"--guest-thp '%s': need on or "
						"off",
						s);
			a->o.guest_thp = !strcmp(s, "on");
		} else if (!strcmp(s, "--host-backing")) {
			if ((err = need(argc, argv, i)))
				return err;
			s = argv[++i];
			if (!strcmp(s, "4K"))
				a->o.host_page = 4096;
			else if (!strcmp(s, "2M"))
				a->o.host_page = 2ull << 20;
			else if (!strcmp(s, "1G"))
				a->o.host_page = 1ull << 30;
			else
				return wb_error(WB_EXIT_USAGE,
						"--host-backing '%s': need "
						"4K, 2M or 1G",
						s);
		} else if (!strcmp(s, "--up-timeout") ||
			   !strcmp(s, "--vm-timeout")) {
			double *d = s[2] == 'u' ? &a->o.up_timeout_s
						: &a->o.timeout_s;

			if ((err = need(argc, argv, i)))
				return err;
			if (wb_parse_double(argv[++i], d) || *d <= 0)
				return wb_error(WB_EXIT_USAGE,
						"%s '%s': need seconds > 0", s,
						argv[i]);
		} else if (!strcmp(s, "--image")) {
			if ((err = need(argc, argv, i)))
				return err;
			snprintf(a->o.image, sizeof(a->o.image), "%s",
				 argv[++i]);
		} else if (!strcmp(s, "--out")) {
			if ((err = need(argc, argv, i)))
				return err;
			a->out = argv[++i];
		} else if (!strcmp(s, "--results-dir")) {
			if ((err = need(argc, argv, i)))
				return err;
			a->results_dir = argv[++i];
		} else if (!strcmp(s, "--json")) {
			a->json = true;
		} else if (!strcmp(s, "--keep-logs")) {
			a->keep_logs = true;
		} else if (!strcmp(s, "--pair")) {
			a->pair = true;
		} else if (!strcmp(s, "--quick")) {
			if ((err = guest_arg(a, s)))
				return err;
		} else if (!strcmp(s, "--allow-settings")) {
			a->o.allow_settings = true;
			if ((err = guest_arg(a, s)))
				return err;
		} else if (s[0] == '-') {
			for (k = 0;
			     k < sizeof(pass_value) / sizeof(*pass_value); k++)
				if (!strcmp(s, pass_value[k]))
					break;
			if (k == sizeof(pass_value) / sizeof(*pass_value))
				return wb_error(WB_EXIT_USAGE,
						"vm run: unknown option '%s' "
						"(see walkbench vm --help)",
						s);
			if ((err = need(argc, argv, i)))
				return err;
			if ((err = guest_arg(a, s)) ||
			    (err = guest_arg(a, argv[++i])))
				return err;
		} else if (!known_name(s)) {
			return wb_error(WB_EXIT_USAGE,
					"no suite or kernel '%s' (see "
					"walkbench list)",
					s);
		} else {
			if (a->nnames < 16)
				a->names[a->nnames++] = s;
			if ((err = guest_arg(a, s)))
				return err;
		}
	}
	if (a->o.host_page > 4096 && a->o.mem_bytes % a->o.host_page)
		return wb_error(WB_EXIT_USAGE,
				"--mem must be a multiple of the %s host page",
				vm_page_name(a->o.host_page));
	a->gargv[a->o.guest_argc] = NULL;
	return 0;
}

static int image_ready(const struct vm_opts *o)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/vmlinuz", o->image);
	if (access(p, R_OK))
		return -ENOENT;
	snprintf(p, sizeof(p), "%s/initrd.img", o->image);
	return access(p, R_OK) ? -ENOENT : 0;
}

static void read_line(const char *dir, const char *name, char *buf, size_t len)
{
	char p[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	buf[0] = 0;
	f = fopen(p, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* context.walkbench.guest and the emulated flag, set by the host that
 * started qemu and so knows what the guest really ran on. */
static int label(json_t *root, const struct vm_args *a, const struct vm_boot *b,
		 const char *kvm_why, double kvm_s,
		 const struct wb_sysinfo *host)
{
	json_t *wb = json_object_get(json_object_get(root, "context"),
				     "walkbench");
	char qv[160], kver[64], variant[160], stamp[80];
	bool tcg = !strcmp(b->accel, "tcg");
	json_t *g;

	if (!json_is_object(wb))
		return -EBADMSG;
	vm_qemu_version(qv, sizeof(qv));
	read_line(a->o.image, "kernel-version", kver, sizeof(kver));
	read_line(a->o.image, "variant", variant, sizeof(variant));
	read_line(a->o.image, "stamp", stamp, sizeof(stamp));
	g = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:i,s:s,s:s,s:b,s:s,s:f,s:f}",
		      "accel", b->accel, "cpu_model", tcg ? "max" : "host",
		      "qemu_version", qv, "guest_kernel", kver, "variant",
		      variant, "mem_bytes", (json_int_t)a->o.mem_bytes, "smp",
		      a->o.smp, "guest_thp",
		      a->o.guest_thp < 0 ? "kernel default"
		      : a->o.guest_thp	 ? "always"
					 : "never",
		      "host_backing", vm_page_name(a->o.host_page),
		      "host_backing_verified", b->backing_verified,
		      "host_backing_detail", b->backing_detail, "up_seconds",
		      b->up_s, "total_seconds", b->total_s);
	if (!g)
		return -ENOMEM;
	json_object_set_new(g, "image_stamp", json_string(stamp));
	json_object_set_new(g, "host_command_line", json_string(a->cmdline));
	json_object_set_new(g, "fallback_reason",
			    kvm_why ? json_string(kvm_why) : json_null());
	if (kvm_why)
		json_object_set_new(g, "kvm_attempt_seconds", json_real(kvm_s));
	json_object_set_new(g, "host_env", wb_env_to_json(host));
	json_object_set_new(g, "host_hypervisor",
			    json_string(host->hypervisor));
	json_object_set_new(wb, "emulated", json_boolean(tcg));
	json_object_set_new(wb, "guest", g);
	return 0;
}

static int out_path(const struct vm_args *a, char *path, size_t len)
{
	char tag[256] = "vm";
	size_t off = 2;
	int err;

	if (a->out) {
		if (!access(a->out, F_OK))
			return wb_error(WB_EXIT_USAGE,
					"--out %s: file exists; results are "
					"never overwritten",
					a->out);
		snprintf(path, len, "%s", a->out);
	} else {
		for (int i = 0; i < a->nnames && off < sizeof(tag); i++)
			off += (size_t)snprintf(tag + off, sizeof(tag) - off,
						"%s%s", i ? "+" : "-",
						a->names[i]);
		if (!a->nnames)
			off = (size_t)snprintf(tag, sizeof(tag), "vm-all");
		/* a matrix cell says which in its file name */
		if (a->cell[0] && off < sizeof(tag))
			snprintf(tag + off, sizeof(tag) - off, "-%s", a->cell);
		err = wb_results_new_path(a->results_dir, tag, path, len);
		if (err)
			return wb_error(WB_EXIT_MISSING, "results path: %s",
					strerror(-err));
	}
	err = wb_results_check_dir(path);
	if (err)
		return wb_error(WB_EXIT_MISSING,
				"cannot write results to %s: %s", path,
				strerror(-err));
	return 0;
}

/* The guest's results: checked frame, parsed JSON, labelled, written. */
static int collect(const struct vm_args *a, struct vm_boot *b,
		   const char *kvm_why, double kvm_s,
		   const struct wb_sysinfo *host, const char *path)
{
	struct wb_frame f;
	json_error_t jerr;
	char why[256];
	json_t *root;
	int err;

	err = wb_frame_parse(b->channel ? b->channel : "", b->channel_len, &f,
			     why, sizeof(why));
	if (err)
		return wb_error(WB_EXIT_FAILED,
				"guest results rejected: %s (logs kept in %s)",
				why, b->tmpdir);
	if (!f.len) {
		/* the guest's walkbench wrote nothing: its exit code (e.g. 2
		 * for a bad --param) and its message, shown above, say why */
		fprintf(stderr,
			"walkbench: guest run wrote no results (exit %d)\n",
			f.exit_code);
		return f.exit_code ? f.exit_code : WB_EXIT_FAILED;
	}
	root = json_loadb(f.payload, f.len, 0, &jerr);
	if (!root)
		return wb_error(WB_EXIT_FAILED,
				"guest results are not JSON: %s (line %d)",
				jerr.text, jerr.line);
	err = label(root, a, b, kvm_why, kvm_s, host);
	if (!err)
		err = wb_results_write(path, root, 0);
	if (!err && a->json) {
		char *s = json_dumps(root, JSON_INDENT(2));

		if (s)
			puts(s);
		free(s);
	}
	json_decref(root);
	if (err)
		return wb_error(WB_EXIT_MISSING, "writing %s: %s", path,
				strerror(-err));
	fprintf(stderr,
		"results: %s (%s guest%s, up in %.1f s, %.1f s in all; host "
		"backing %s %s)\n",
		path, b->accel,
		!strcmp(b->accel, "tcg") ? ", emulated: no timings" : "",
		b->up_s, b->total_s, vm_page_name(a->o.host_page),
		b->backing_verified ? "verified" : "NOT verified");
	if (a->o.host_page > 4096 && !b->backing_verified)
		return WB_EXIT_UNTRUSTED;
	return f.exit_code;
}

/*
 * One guest run into @path. @kvm_failed carries a KVM failure across the
 * cells of a matrix, so a KVM that cannot boot is tried once, not per cell.
 */
static int run_cell(const struct vm_args *a, const struct wb_sysinfo *host,
		    const char *path, char *kvm_failed, size_t kflen)
{
	struct vm_backing bk = { 0 };
	struct vm_boot b = { 0 };
	char why[512], kvm_why[600] = "";
	double kvm_s = 0;
	enum vm_accel accel = a->o.accel;
	int err, rc;

	if (accel == VM_KVM && !host->kvm_usable)
		return wb_error(WB_EXIT_MISSING,
				"--accel kvm: /dev/kvm is missing or does not "
				"answer KVM_GET_API_VERSION");
	if (accel == VM_AUTO) {
		if (kvm_failed[0]) {
			accel = VM_TCG;
			snprintf(kvm_why, sizeof(kvm_why), "%s", kvm_failed);
		} else if (host->kvm_usable) {
			accel = VM_KVM;
		} else {
			accel = VM_TCG;
			snprintf(kvm_why, sizeof(kvm_why),
				 "/dev/kvm not usable");
		}
	}
	err = vm_backing_prepare(&a->o, &bk, why, sizeof(why));
	if (err) {
		vm_backing_release(&bk);
		return wb_error(WB_EXIT_MISSING, "%s", why);
	}
	err = vm_boot_run(&a->o, accel, &b);
	if (err && accel == VM_KVM && a->o.accel == VM_AUTO &&
	    (err == -ETIMEDOUT || err == -ECHILD)) {
		snprintf(kvm_why, sizeof(kvm_why), "%s", b.why);
		snprintf(kvm_failed, kflen, "%s", b.why);
		kvm_s = b.total_s > 0		? b.total_s
			: a->o.up_timeout_s > 0 ? a->o.up_timeout_s
						: 20;
		fprintf(stderr, "walkbench: %s; retrying on TCG (emulated)\n",
			b.why);
		vm_boot_free(&b, false);
		/* --up-timeout was sized for KVM; an emulated boot gets at
		 * least its own default */
		struct vm_opts t = a->o;

		if (t.up_timeout_s < 90)
			t.up_timeout_s = 0;
		err = vm_boot_run(&t, VM_TCG, &b);
	}
	if (err) {
		rc = err == -ETIME ? WB_EXIT_FAILED : WB_EXIT_MISSING;
		wb_error(rc, "%s%s%s", b.why[0] ? b.why : strerror(-err),
			 b.tmpdir[0] ? "; logs in " : "", b.tmpdir);
		vm_boot_free(&b, true);
		vm_backing_release(&bk);
		return rc;
	}
	rc = collect(a, &b, kvm_why[0] ? kvm_why : NULL, kvm_s, host, path);
	if (a->keep_logs)
		fprintf(stderr, "logs kept in %s\n", b.tmpdir);
	vm_boot_free(&b, a->keep_logs || (rc != 0 && rc != WB_EXIT_SKIPPED &&
					  rc != WB_EXIT_USAGE));
	vm_backing_release(&bk);
	return rc;
}

/* The guest measures on this machine: one measuring walkbench at a time,
 * native or guest (harness/lock.h). */
static int take_lock(struct wb_lock *l)
{
	char path[256], holder[256];
	int err = wb_lock_default_path(path, sizeof(path));

	if (!err)
		err = wb_lock_acquire(l, path, 1, holder, sizeof(holder));
	if (err)
		return wb_error(WB_EXIT_MISSING, "walkbench lock %s: %s", path,
				strerror(-err));
	return 0;
}

static bool emulated(const char *path)
{
	json_t *r = json_load_file(path, 0, NULL);
	bool e = json_is_true(json_object_get(
		json_object_get(json_object_get(r, "context"), "walkbench"),
		"emulated"));

	json_decref(r);
	return e;
}

/* --pair: the guest's arguments again, natively (under this process's
 * lock, which the child inherits), then the ratios. */
static int pair_with_native(const struct vm_args *a, const char *guest)
{
	char npath[PATH_MAX + 16], *argv[MAX_GUEST_ARGS + 4];
	int n = 0, st;
	pid_t pid;

	if (emulated(guest)) {
		fprintf(stderr, "walkbench: --pair: the guest ran emulated "
				"(TCG); its timings are not paired with native "
				"ones (see guest.fallback_reason)\n");
		return 0;
	}
	snprintf(npath, sizeof(npath), "%.*s.native.json",
		 (int)(strlen(guest) > 5 ? strlen(guest) - 5 : strlen(guest)),
		 guest);
	argv[n++] = "walkbench";
	argv[n++] = "run";
	for (int i = 0; i < a->o.guest_argc; i++)
		argv[n++] = a->o.guest_argv[i];
	argv[n++] = "--out";
	argv[n++] = npath;
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return wb_error(WB_EXIT_MISSING, "fork: %s", strerror(errno));
	if (!pid) {
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return wb_error(WB_EXIT_FAILED, "native run did not finish");
	if (WEXITSTATUS(st) && WEXITSTATUS(st) != WB_EXIT_SKIPPED)
		return WEXITSTATUS(st);
	return vm_pair_files(npath, guest);
}

static int vm_run(int argc, char **argv)
{
	struct wb_lock lock = { .fd = -1 };
	struct vm_args a = { 0 };
	struct wb_sysinfo host = { 0 };
	char path[PATH_MAX], kvm_failed[512] = "";
	int err;

	if ((err = parse_vm_args(&a, argc, argv)))
		return err;
	if ((err = out_path(&a, path, sizeof(path))))
		return err;
	if (image_ready(&a.o))
		return wb_error(WB_EXIT_MISSING,
				"no guest image in %s (build it with make vm)",
				a.o.image);
	wb_env_probe(&host);
	if ((err = take_lock(&lock)))
		return err;
	err = run_cell(&a, &host, path, kvm_failed, sizeof(kvm_failed));
	if (!err && a.pair)
		err = pair_with_native(&a, path);
	wb_lock_release(&lock);
	return err;
}

/*
 * The 2x2 of the nested-paging studies: guest THP off/on x host backing
 * 4K/2M, plus 1G when the host has a 1G pool. One results file per cell;
 * the table compares each cell's medians with the 4K/4K cell, or for
 * emulated cells shows only what was verified.
 */
static int vm_matrix(int argc, char **argv)
{
	static const uint64_t hosts[] = { 4096, 2ull << 20, 1ull << 30 };
	char paths[6][PATH_MAX], kvm_failed[512] = "";
	struct wb_sysinfo host = { 0 };
	struct wb_lock lock = { .fd = -1 };
	struct vm_args a = { 0 };
	int err, rcs[6], worst = 0, cells = 0;

	if ((err = parse_vm_args(&a, argc, argv)))
		return err;
	if (a.out)
		return wb_error(WB_EXIT_USAGE,
				"vm matrix: --out names one file; the matrix "
				"writes one per cell (use --results-dir)");
	if (a.o.guest_thp >= 0 || a.o.host_page != 4096)
		return wb_error(WB_EXIT_USAGE,
				"vm matrix: --guest-thp and --host-backing are "
				"the matrix's axes, not options");
	if (image_ready(&a.o))
		return wb_error(WB_EXIT_MISSING,
				"no guest image in %s (build it with make vm)",
				a.o.image);
	wb_env_probe(&host);
	if ((err = take_lock(&lock)))
		return err;
	for (int h = 0; h < 3; h++) {
		if (h == 2 && !host.hugetlb_1g) {
			fprintf(stderr, "matrix: no 1G hugetlb pool on this "
					"host; 1G column skipped\n");
			continue;
		}
		for (int t = 0; t < 2; t++) {
			struct vm_args c = a;
			int i = cells;

			c.o.guest_thp = t;
			c.o.host_page = hosts[h];
			c.nnames = a.nnames;
			snprintf(c.cell, sizeof(c.cell), "thp-%s-host-%s",
				 t ? "on" : "off", vm_page_name(hosts[h]));
			err = out_path(&c, paths[i], sizeof(paths[i]));
			if (err) {
				wb_lock_release(&lock);
				return err;
			}
			fprintf(stderr, "matrix: guest THP %s, host %s\n",
				t ? "on" : "off", vm_page_name(hosts[h]));
			rcs[i] = run_cell(&c, &host, paths[i], kvm_failed,
					  sizeof(kvm_failed));
			if (rcs[i] && rcs[i] != WB_EXIT_SKIPPED)
				paths[i][0] = 0;
			if (rcs[i] > worst)
				worst = rcs[i];
			cells++;
		}
	}
	wb_lock_release(&lock);
	printf("%-10s %-8s %-6s  %s\n", "guest THP", "host", "exit", "results");
	for (int i = 0; i < cells; i++)
		printf("%-10s %-8s %-6d  %s\n", i % 2 ? "on" : "off",
		       vm_page_name(hosts[i / 2]), rcs[i],
		       paths[i][0] ? paths[i] : "-");
	for (int i = 0; i < cells; i++)
		if (paths[0][0] && paths[i][0])
			vm_matrix_row(paths[0], paths[i], i % 2 ? "on" : "off",
				      vm_page_name(hosts[i / 2]));
	return worst;
}

/* A kept results channel (--keep-logs) checked and unpacked again. */
static int unframe(const char *chan, const char *out)
{
	struct wb_frame f;
	char why[256], *buf;
	size_t n;
	FILE *o;
	int err = vm_read_file(chan, &buf, &n);

	if (err)
		return wb_error(WB_EXIT_USAGE, "%s: %s", chan, strerror(-err));
	err = wb_frame_parse(buf, n, &f, why, sizeof(why));
	if (err) {
		free(buf);
		return wb_error(WB_EXIT_FAILED, "%s: %s", chan, why);
	}
	if (!access(out, F_OK)) {
		free(buf);
		return wb_error(WB_EXIT_USAGE, "%s: file exists", out);
	}
	o = fopen(out, "wx");
	if (!o || fwrite(f.payload, 1, f.len, o) != f.len) {
		err = errno;
		if (o)
			fclose(o);
		free(buf);
		return wb_error(WB_EXIT_MISSING, "%s: %s", out, strerror(err));
	}
	fclose(o);
	free(buf);
	printf("%s: %zu bytes, sha256 verified, guest exit %d\n", out, f.len,
	       f.exit_code);
	return 0;
}

int cmd_vm(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? WB_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "run")) {
		if (wb_wants_help(argc - 1, argv + 1)) {
			fputs(usage_text, stdout);
			return 0;
		}
		return vm_run(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "matrix")) {
		if (wb_wants_help(argc - 1, argv + 1)) {
			fputs(usage_text, stdout);
			return 0;
		}
		return vm_matrix(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "pair")) {
		if (argc != 4)
			return wb_error(WB_EXIT_USAGE,
					"usage: walkbench vm pair NATIVE.json "
					"GUEST.json");
		return vm_pair_files(argv[2], argv[3]);
	}
	if (!strcmp(argv[1], "unframe")) {
		if (argc != 4)
			return wb_error(WB_EXIT_USAGE,
					"usage: walkbench vm unframe CHANNEL "
					"OUT.json");
		return unframe(argv[2], argv[3]);
	}
	return wb_error(WB_EXIT_USAGE,
			"vm: unknown action '%s' (run, matrix, pair, unframe)",
			argv[1]);
}
