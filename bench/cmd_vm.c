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
