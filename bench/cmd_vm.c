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
struct kvm_tries;
static json_t *kvm_tries_json(const struct kvm_tries *kt);
static double kvm_tries_seconds(const struct kvm_tries *kt);

static int label(json_t *root, const struct vm_args *a, const struct vm_boot *b,
		 const char *kvm_why, const struct kvm_tries *kt,
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
		      "accel", b->accel, "cpu_model", b->cpu_model,
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
		json_object_set_new(g, "kvm_attempt_seconds",
				    json_real(kvm_tries_seconds(kt)));
	json_object_set_new(g, "kvm_attempts", kvm_tries_json(kt));
	json_object_set_new(g, "host_env", wb_env_to_json(host));
	json_object_set_new(g, "host_hypervisor",
			    json_string(host->hypervisor));
	json_object_set_new(wb, "emulated", json_boolean(tcg));
	json_object_set_new(wb, "guest", g);
	return 0;
}
/* The guest's results: checked frame, parsed JSON, labelled, written. */
static int collect(const struct vm_args *a, struct vm_boot *b,
		   const char *kvm_why, const struct kvm_tries *kt,
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
	err = label(root, a, b, kvm_why, kt, host);
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
 * -cpu models for KVM, in order. Some hypervisors below us refuse an MSR
 * that "host" passes through (IA32_ARCH_CAPABILITIES, 0x10a: qemu aborts
 * at once); without it the same CPU may boot. An attempt that hangs is not
 * a refusal, so a hang ends the list: another model would only cost another
 * timeout.
 */
static const char *const kvm_cpu_models[] = { "host",
					      "host,-arch-capabilities" };
#define N_KVM_MODELS (sizeof(kvm_cpu_models) / sizeof(kvm_cpu_models[0]))

/* Each KVM boot attempt, for the record (guest.kvm_attempts). */
struct kvm_tries {
	int n;
	double seconds;
	struct {
		const char *cpu, *outcome;
		double s;
		char why[512];
	} t[N_KVM_MODELS];
};

/* Boots on KVM, one CPU model after another while qemu refuses early. On
 * success @b is the booted guest; on failure its last attempt's. */
static int boot_kvm(const struct vm_args *a, struct vm_boot *b,
		    struct kvm_tries *kt)
{
	int err = -ECHILD;

	for (size_t i = 0; i < N_KVM_MODELS && err == -ECHILD; i++) {
		struct vm_opts o = a->o;

		if (i)
			vm_boot_free(b, false);
		o.cpu = kvm_cpu_models[i];
		err = vm_boot_run(&o, VM_KVM, b);
		kt->t[kt->n].cpu = kvm_cpu_models[i];
		kt->t[kt->n].s = b->spent_s;
		kt->seconds += kt->t[kt->n].s;
		kt->t[kt->n].outcome = !err		   ? "up"
				       : err == -ETIMEDOUT ? "hung"
				       : err == -ECHILD	   ? "exited"
							   : "failed";
		snprintf(kt->t[kt->n].why, sizeof(kt->t[0].why), "%s",
			 err ? b->why : "");
		kt->n++;
		if (err == -ECHILD && i + 1 < N_KVM_MODELS)
			fprintf(stderr,
				"walkbench: -cpu %s: %s; trying -cpu %s\n",
				kvm_cpu_models[i], b->why,
				kvm_cpu_models[i + 1]);
	}
	return err;
}

static double kvm_tries_seconds(const struct kvm_tries *kt)
{
	return kt->seconds;
}

/* "-cpu host: ...; -cpu host,-arch-capabilities: ..." */
static void kvm_tries_why(const struct kvm_tries *kt, char *out, size_t len)
{
	size_t n = 0;

	out[0] = 0;
	for (int i = 0; i < kt->n && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s-cpu %s: %s",
				      i ? "; " : "", kt->t[i].cpu,
				      kt->t[i].why);
}

static json_t *kvm_tries_json(const struct kvm_tries *kt)
{
	json_t *arr = json_array();

	for (int i = 0; arr && i < kt->n; i++)
		json_array_append_new(
			arr,
			json_pack("{s:s,s:s,s:f,s:s?}", "cpu_model",
				  kt->t[i].cpu, "outcome", kt->t[i].outcome,
				  "seconds", kt->t[i].s, "message",
				  kt->t[i].why[0] ? kt->t[i].why : NULL));
	return arr;
}

/*
 * One guest run into @path. @kvm_failed carries a KVM failure across the
 * cells of a matrix, so a KVM that cannot boot is tried once, not per cell.
 */
int vm_run_cell(const struct vm_args *a, const struct wb_sysinfo *host,
		const char *path, char *kvm_failed, size_t kflen)
{
	struct vm_backing bk = { 0 };
	struct vm_boot b = { 0 };
	struct kvm_tries kt = { 0 };
	char why[512], kvm_why[1200] = "";
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
	if (accel == VM_KVM && !a->o.cpu) {
		err = boot_kvm(a, &b, &kt);
		if (err)
			kvm_tries_why(&kt, b.why, sizeof(b.why));
	} else {
		err = vm_boot_run(&a->o, accel, &b);
	}
	if (err && accel == VM_KVM && a->o.accel == VM_AUTO &&
	    (err == -ETIMEDOUT || err == -ECHILD)) {
		snprintf(kvm_why, sizeof(kvm_why), "%s", b.why);
		snprintf(kvm_failed, kflen, "%s", b.why);
		fprintf(stderr,
			"walkbench: KVM guest not up (%s); retrying on "
			"TCG (emulated)\n",
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
	rc = collect(a, &b, kvm_why[0] ? kvm_why : NULL, &kt, host, path);
	if (a->keep_logs)
		fprintf(stderr, "logs kept in %s\n", b.tmpdir);
	vm_boot_free(&b, a->keep_logs || (rc != 0 && rc != WB_EXIT_SKIPPED &&
					  rc != WB_EXIT_USAGE));
	vm_backing_release(&bk);
	return rc;
}

/* The guest measures on this machine: one measuring walkbench at a time,
 * native or guest (harness/lock.h). */
int vm_take_lock(struct wb_lock *l)
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

	if ((err = vm_parse_args(&a, argc, argv)))
		return err;
	if ((err = vm_out_path(&a, path, sizeof(path))))
		return err;
	if (vm_image_ready(&a.o))
		return wb_error(WB_EXIT_MISSING,
				"no guest image in %s (build it with make vm)",
				a.o.image);
	wb_env_probe(&host);
	if ((err = vm_take_lock(&lock)))
		return err;
	err = vm_run_cell(&a, &host, path, kvm_failed, sizeof(kvm_failed));
	if (!err && a.pair)
		err = pair_with_native(&a, path);
	wb_lock_release(&lock);
	return err;
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
		fputs(vm_usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? WB_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "run")) {
		if (wb_wants_help(argc - 1, argv + 1)) {
			fputs(vm_usage_text, stdout);
			return 0;
		}
		return vm_run(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "matrix")) {
		if (wb_wants_help(argc - 1, argv + 1)) {
			fputs(vm_usage_text, stdout);
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
