/* SPDX-License-Identifier: MIT */
/*
 * `walkbench vm`: runs walkbench inside a qemu guest (vm/README.md).
 * bench/cmd_vm_args.c parses the command line into struct vm_args,
 * vm_cell.c runs one guest and labels its results, vm_matrix.c runs the
 * THP x host-backing cells, vm_qemu.c boots and collects, vm_backing.c
 * provides and verifies the host memory behind the guest, vm_pair.c puts
 * native and guest results side by side.
 */
#ifndef WB_VM_H
#define WB_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct json_t;

enum vm_accel {
	VM_AUTO,
	VM_KVM,
	VM_TCG
};

/* The guest's architecture (--arch), in the order of its option's words. */
enum vm_arch {
	VM_ARCH_X86_64,
	VM_ARCH_ARM64,
};

struct vm_opts {
	enum vm_accel accel;
	enum vm_arch arch;
	uint64_t mem_bytes;
	int guest_thp; /* -1 the guest kernel's default, 0 never, 1 always */
	uint64_t host_page; /* 4096, 2M or 1G */
	double up_timeout_s; /* 0: per accelerator default */
	double timeout_s; /* whole guest run */
	int smp;
	const char *cpu; /* qemu -cpu; NULL: host on KVM, max on TCG */
	bool allow_settings;
	char image[512]; /* directory with vmlinuz, initrd.img */
	char **guest_argv; /* walkbench run arguments for the guest */
	int guest_argc;
};

/* What one boot produced. */
struct vm_boot {
	const char *accel; /* "kvm" or "tcg" */
	const char *cpu_model; /* what -cpu was given */
	char why[512]; /* set when the boot did not give results */
	double up_s, total_s; /* -1 when never up */
	double spent_s; /* from start to the end, whatever the outcome */
	char *channel; /* bytes read from the results port, malloc'd */
	size_t channel_len;
	bool backing_verified;
	char backing_detail[256];
	char tmpdir[64]; /* kept (console log) when the boot failed */
};

/* -ETIMEDOUT never up, -ETIME up but stopped (a soft lockup, or over the
 * run timeout: the channel holds what it had sent), -ECHILD qemu ended
 * without results, -errno on setup failures; 0 when qemu exited after the
 * guest powered off (the channel may still be bad). */
int vm_boot_run(const struct vm_opts *o, enum vm_accel accel,
		struct vm_boot *b);
/* The -cpu argument a boot on @accel gets. */
const char *vm_cpu_model(const struct vm_opts *o, enum vm_accel accel);
/* Frees the channel; removes the logs unless @keep_logs. */
void vm_boot_free(struct vm_boot *b, bool keep_logs);
/* A whole file, NUL-terminated, malloc'd; 0 or -errno. */
int vm_read_file(const char *path, char **buf, size_t *len);
/* "QEMU emulator version ..." first line of @arch's qemu, or "" */
void vm_qemu_version(enum vm_arch arch, char *buf, size_t len);
/* qemu-system-x86_64 or qemu-system-aarch64 */
const char *vm_qemu_binary(enum vm_arch arch);
/* The uname machine of @arch's guests: "x86_64", "aarch64" */
const char *vm_arch_machine(enum vm_arch arch);
/* Can this host run @arch's guests on KVM? Only its own architecture. */
bool vm_arch_native(enum vm_arch arch);

/* Host pages for the guest: 0, or -ENOSPC with @why (pool too small and
 * settings not allowed, or the kernel would not grow it). @journal is
 * opened on demand and restored by vm_backing_release(). */
struct vm_backing {
	struct wb_journal *journal;
};
int vm_backing_prepare(const struct vm_opts *o, struct vm_backing *bk,
		       char *why, size_t len);
void vm_backing_release(struct vm_backing *bk);
/* Reads /proc/@pid/smaps for the guest RAM mapping; true when its page
 * size and residency match @o. @detail says what was seen. */
bool vm_backing_verify(const struct vm_opts *o, pid_t pid, char *detail,
		       size_t len);
const char *vm_page_name(uint64_t bytes);

#define MAX_GUEST_ARGS 48

/* What vm run/matrix were asked for (bench/cmd_vm_args.c). */
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

/* guest.kernel_paging of an arm64 image (vm_paging.c): granule, va_bits,
 * levels from the kernel package's config, model_levels from the model's
 * regime, source; NULL for x86-64 or an image without the record. */
struct json_t *vm_kernel_paging(const struct vm_opts *o);

/* 0 when @o->image holds vmlinuz and initrd.img, else -ENOENT */
int vm_image_ready(const struct vm_opts *o);
/* Builds @o->image, or refreshes it when its inputs changed, with the
 * script make vm uses (vm_image.c); progress on stderr. 0, or -errno with
 * @why naming what is missing. */
int vm_image_ensure(const struct vm_opts *o, char *why, size_t len);
/* --out, or a new name under --results-dir; 0 or the exit code */
int vm_out_path(const struct vm_args *a, char *path, size_t len);

struct wb_sysinfo;
struct wb_lock;
/* One guest run into @path (vm_cell.c); @kvm_failed carries a KVM failure
 * across a matrix's cells. Returns the exit code. */
int vm_run_cell(const struct vm_args *a, const struct wb_sysinfo *host,
		const char *path, char *kvm_failed, size_t kflen);
/* The machine's walkbench lock, waited for; 0 or the exit code. */
int vm_take_lock(struct wb_lock *l);
/* Every cell of guest THP x host backing for @a; the worst exit code. */
int vm_matrix(const struct vm_args *a);

int vm_pair_files(const char *native, const char *guest);
/* One line for a matrix cell, compared with the THP off/host 4K cell. */
void vm_matrix_row(const char *base, const char *cell, const char *thp,
		   const char *host);

#endif
