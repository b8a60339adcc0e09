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
#include "cmd_vm.h"
#include "core/env.h"
#include "runner/kernel.h"
#include "core/lock.h"
#include "core/parse.h"
#include "results/results.h"
#include "runner/runner.h"
#include "vm.h"
#include "results/vmframe.h"

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
	char npath[PATH_MAX + 16];
	struct wb_run_request rq = {
		.args = (const char *const *)a->o.guest_argv,
		.nargs = a->o.guest_argc,
		.out = npath,
	};
	struct wb_run_command cmd;
	int st, err;
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
	err = wb_run_command(&cmd, &rq);
	if (err)
		return wb_error(WB_EXIT_MISSING, "native run: %s",
				strerror(-err));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return wb_error(WB_EXIT_MISSING, "fork: %s", strerror(errno));
	if (!pid) {
		execv(cmd.exe, cmd.argv);
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
	char path[PATH_MAX], kvm_failed[512] = "", why[512];
	bool help;
	int err;

	err = vm_parse_args(&a, &vm_run_table, argc, argv, &help);
	if (err || help)
		return err;
	if ((err = vm_out_path(&a, path, sizeof(path))))
		return err;
	if (vm_image_ensure(&a.o, why, sizeof(why)))
		return wb_error(WB_EXIT_MISSING, "guest image: %s", why);
	wb_env_probe(&host);
	if ((err = vm_take_lock(&lock)))
		return err;
	err = vm_run_cell(&a, &host, path, kvm_failed, sizeof(kvm_failed));
	if (!err && a.pair)
		err = pair_with_native(&a, path);
	wb_lock_release(&lock);
	return err;
}

static const struct wb_opt_table unframe_table = {
	.cmd = "vm unframe",
	.usage = "walkbench vm unframe CHANNEL OUT.json",
	.about = "Checks a results channel kept by vm run --keep-logs and "
		 "writes the results\nfile it carries to OUT.json.\n",
	.min_args = 2,
	.max_args = 2,
	.needs = "CHANNEL and OUT.json",
};

/* A kept results channel (--keep-logs) checked and unpacked again. */
static int unframe(int argc, char **argv)
{
	struct wb_frame f;
	char why[256], *buf;
	size_t n;
	FILE *o;
	const char *args[2] = { NULL, NULL }, *chan, *out;
	struct wb_opt_parse p = { .t = &unframe_table, .args = args };
	int err = wb_opt_parse(&p, argc, argv);

	if (err || p.help)
		return err;
	chan = args[0];
	out = args[1];
	err = vm_read_file(chan, &buf, &n);
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
	if (f.exit_code == WB_FRAME_RUNNING)
		printf("%s: %zu bytes, sha256 verified, a checkpoint (the "
		       "guest's run had not ended)\n",
		       out, f.len);
	else
		printf("%s: %zu bytes, sha256 verified, guest exit %d\n", out,
		       f.len, f.exit_code);
	return 0;
}

static int vm_matrix_cmd(int argc, char **argv)
{
	struct vm_args a = { 0 };
	bool help;
	int err = vm_parse_args(&a, &vm_matrix_table, argc, argv, &help);

	if (err || help)
		return err;
	if (a.out)
		return wb_error(WB_EXIT_USAGE,
				"vm matrix: --out names one file; the matrix "
				"writes one per cell (use --results-dir)");
	return vm_matrix(&a);
}

static const struct wb_opt_table pair_table = {
	.cmd = "vm pair",
	.usage = "walkbench vm pair NATIVE.json GUEST.json",
	.about = "Guest/native ratios per benchmark of a guest's results and "
		 "the native ones\nfrom the same machine.\n",
	.min_args = 2,
	.max_args = 2,
	.needs = "NATIVE.json and GUEST.json",
};

static int vm_pair(int argc, char **argv)
{
	const char *args[2] = { NULL, NULL };
	struct wb_opt_parse p = { .t = &pair_table, .args = args };
	int err = wb_opt_parse(&p, argc, argv);

	if (err || p.help)
		return err;
	return vm_pair_files(args[0], args[1]);
}

static const struct wb_command vm_cmds[] = {
	{ "run", vm_run, "run suites in a qemu guest, results written here" },
	{ "matrix", vm_matrix_cmd,
	  "vm run for each guest THP x host backing cell" },
	{ "pair", vm_pair, "guest/native ratios of two results files" },
	{ "unframe", unframe,
	  "check and unpack a results channel kept by --keep-logs" },
	{ NULL },
};

static const struct wb_commands vm_commands = {
	.cmd = "vm",
	.usage = "walkbench vm ACTION [ARGS]",
	.what = "action",
	.list = vm_cmds,
	.epilog = "vm run builds the guest image when missing or stale, as "
		  "make vm does\n(vm/README.md). TCG results are marked "
		  "emulated: functional facts only,\nno timings.\n"
		  "'walkbench vm ACTION --help' describes one.\n",
};

int cmd_vm(int argc, char **argv)
{
	return wb_dispatch(&vm_commands, argc, argv);
}
