// SPDX-License-Identifier: MIT
/*
 * One guest run (vm.h): boot on KVM, trying CPU models, or TCG; fall back
 * from KVM to TCG under --accel auto; collect the guest's framed results
 * and label them with what the host knows (accelerator, qemu, guest
 * kernel, host memory backing, each KVM attempt, the host's fingerprint).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/env.h"
#include "core/error.h"
#include "core/lock.h"
#include "results/results.h"
#include "results/vmframe.h"
#include "vm.h"

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
static int label_arch(json_t *root, const struct vm_args *a);
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
	json_t *g, *paging;

	if (!json_is_object(wb))
		return -EBADMSG;
	vm_qemu_version(a->o.arch, qv, sizeof(qv));
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
	json_object_set_new(g, "arch", json_string(vm_arch_machine(a->o.arch)));
	/* what the guest kernel's package says of its paging, for readers
	 * of a guest file that does not record its own regime */
	paging = vm_kernel_paging(&a->o);
	if (paging)
		json_object_set_new(g, "kernel_paging", paging);
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
	return label_arch(root, a);
}
/*
 * context.walkbench.arch: the guest's uname machine. A guest walkbench
 * that wrote it must agree with the qemu the host started; one that did
 * not is labelled with what the host ran.
 */
static int label_arch(json_t *root, const struct vm_args *a)
{
	json_t *wb = json_object_get(json_object_get(root, "context"),
				     "walkbench");
	const char *want = vm_arch_machine(a->o.arch);
	const char *got = json_string_value(json_object_get(wb, "arch"));

	if (got && strcmp(got, want)) {
		fprintf(stderr,
			"walkbench: the guest says arch %s, but ran under %s\n",
			got, vm_qemu_binary(a->o.arch));
		return -EBADMSG;
	}
	return json_object_set_new(wb, "arch", json_string(want)) ? -ENOMEM : 0;
}

/* guest.stopped says why qemu was killed; a checkpoint (@partial) also
 * keeps "complete" false, as the guest's runner wrote it. */
static int label_stopped(json_t *root, const char *why, bool partial)
{
	json_t *wb = json_object_get(json_object_get(root, "context"),
				     "walkbench");

	if ((partial && json_object_set_new(wb, "complete", json_false())) ||
	    json_object_set_new(json_object_get(wb, "guest"), "stopped",
				json_string(why)))
		return -ENOMEM;
	return 0;
}

/*
 * The guest's results: checked frame, parsed JSON, labelled, written.
 * @stopped says why qemu was killed after the guest was up (NULL when
 * the guest powered off). Its last whole frame is then a checkpoint, as a
 * rule, written as what it is, a run that did not complete; or its final
 * frame, when only the power-off hung; with none, nothing is written.
 */
static int collect(const struct vm_args *a, struct vm_boot *b,
		   const char *kvm_why, const struct kvm_tries *kt,
		   const struct wb_sysinfo *host, const char *path,
		   const char *stopped)
{
	struct wb_frame f;
	json_error_t jerr;
	char why[256];
	json_t *root;
	int err;

	err = wb_frame_parse(b->channel ? b->channel : "", b->channel_len, &f,
			     why, sizeof(why));
	/* a stopped guest that sent no whole frame: its stop is the news */
	if (err && stopped)
		return wb_error(WB_EXIT_FAILED, "%s", stopped);
	if (err)
		return wb_error(WB_EXIT_FAILED,
				"guest results rejected: %s (logs kept in %s)",
				why, b->tmpdir);
	if (!f.len) {
		/* the guest's walkbench wrote nothing: its exit code (e.g. 2
		 * for a bad --param) and its message, shown above, say why */
		if (stopped)
			fprintf(stderr, "walkbench: %s\n", stopped);
		fprintf(stderr,
			"walkbench: guest run wrote no results (exit %d)\n",
			f.exit_code);
		return f.exit_code ? f.exit_code : WB_EXIT_FAILED;
	}
	root = json_loadb(f.payload, f.len, 0, &jerr);
	if (!root && stopped)
		fprintf(stderr, "walkbench: %s\n", stopped);
	if (!root)
		return wb_error(WB_EXIT_FAILED,
				"guest results are not JSON: %s (line %d)",
				jerr.text, jerr.line);
	if (f.exit_code == WB_FRAME_RUNNING && !stopped)
		stopped = "the guest's final results frame did not arrive "
			  "whole";
	err = label(root, a, b, kvm_why, kt, host);
	if (!err && stopped)
		err = label_stopped(root, stopped,
				    f.exit_code == WB_FRAME_RUNNING);
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
	if (f.exit_code == WB_FRAME_RUNNING)
		return wb_error(WB_EXIT_FAILED,
				"%s; the instances the guest finished before "
				"are kept in %s (complete: false)",
				stopped, path);
	if (stopped)
		fprintf(stderr,
			"walkbench: %s, after the guest had sent its final "
			"results\n",
			stopped);
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
		if (!vm_arch_native(a->o.arch)) {
			accel = VM_TCG;
			snprintf(kvm_why, sizeof(kvm_why),
				 "an %s guest on this host: KVM runs only "
				 "guests of the host's own architecture",
				 vm_arch_machine(a->o.arch));
		} else if (kvm_failed[0]) {
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
	if (err == -ETIME) {
		/* stopped after it was up: keep what it had sent */
		char stopped[sizeof(b.why) + 80];

		snprintf(stopped, sizeof(stopped), "%s; logs in %s", b.why,
			 b.tmpdir);
		rc = collect(a, &b, kvm_why[0] ? kvm_why : NULL, &kt, host,
			     path, stopped);
		vm_boot_free(&b, true);
		vm_backing_release(&bk);
		return rc;
	}
	if (err) {
		rc = err == -ETIME ? WB_EXIT_FAILED : WB_EXIT_MISSING;
		wb_error(rc, "%s%s%s", b.why[0] ? b.why : strerror(-err),
			 b.tmpdir[0] ? "; logs in " : "", b.tmpdir);
		vm_boot_free(&b, true);
		vm_backing_release(&bk);
		return rc;
	}
	rc = collect(a, &b, kvm_why[0] ? kvm_why : NULL, &kt, host, path, NULL);
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

int vm_image_ready(const struct vm_opts *o)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/vmlinuz", o->image);
	if (access(p, R_OK))
		return -ENOENT;
	snprintf(p, sizeof(p), "%s/initrd.img", o->image);
	return access(p, R_OK) ? -ENOENT : 0;
}

int vm_out_path(const struct vm_args *a, char *path, size_t len)
{
	char tag[256] = "vm";
	size_t off = 2;

	for (int i = 0; i < a->nnames && off < sizeof(tag); i++)
		off += (size_t)snprintf(tag + off, sizeof(tag) - off, "%s%s",
					i ? "+" : "-", a->names[i]);
	if (!a->nnames)
		off = (size_t)snprintf(tag, sizeof(tag), "vm-all");
	/* a matrix cell says which in its file name */
	if (a->cell[0] && off < sizeof(tag))
		snprintf(tag + off, sizeof(tag) - off, "-%s", a->cell);
	return wb_results_pick_path(a->out, a->results_dir, tag, path, len);
}
