// SPDX-License-Identifier: MIT
/*
 * The arguments of walkbench vm run/matrix: the vm's own options from the
 * table here, and run's options from run's table (cmd_run.c), passed to the
 * guest's walkbench run except where the results go. Everything is checked
 * before anything boots.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_run.h"
#include "cmd_vm.h"
#include "core/error.h"

/* The vm's own options as given, copied into struct vm_args after. */
struct vm_cli {
	int accel, arch, smp, guest_thp; /* guest_thp: -1 the guest kernel's */
	uint64_t mem_bytes, host_page;
	double up_timeout_s, timeout_s;
	const char *image;
	bool keep_logs, pair;
};

enum {
	VM_MODE_RUN = 1,
	VM_MODE_MATRIX = 2,
};

/* in the order of enum vm_accel */
static const char *const accels[] = { "auto", "kvm", "tcg", NULL };
static const char *const off_on[] = { "off", "on", NULL };
/* enum vm_arch's order; "aarch64" is uname's name for arm64 */
static const char *const arches[] = { "x86_64", "arm64", "aarch64", NULL };

static const struct wb_opt vm_opts[] = {
	{ WB_CHOICE("--accel", struct vm_cli, accel, accels),
	  .help = "auto: KVM when /dev/kvm is usable, and TCG if the KVM guest "
		  "is not up in time (default auto)" },
	{ WB_CHOICE("--arch", struct vm_cli, arch, arches),
	  .help = "the guest's architecture (default x86_64); arm64 boots "
		  "Debian's arm64 kernel under qemu-system-aarch64 -M virt, "
		  "emulated (TCG) on any other host" },
	{ WB_SIZE("--mem", struct vm_cli, mem_bytes, 256 << 20),
	  .step = 1 << 20, .want = "a size like 512M or 2G, at least 256M",
	  .help = "guest memory, e.g. 1G (default 1G)" },
	{ WB_INT("--smp", struct vm_cli, smp, 1, 64),
	  .help = "guest CPUs (default: host CPUs, at most 2)" },
	/* the matrix's axes, not options of it */
	{ WB_CHOICE("--guest-thp", struct vm_cli, guest_thp, off_on),
	  .modes = VM_MODE_RUN,
	  .help = "the guest's THP mode (default: guest kernel's)" },
	{ WB_PAGESIZE("--host-backing", struct vm_cli, host_page),
	  .modes = VM_MODE_RUN,
	  .help = "host pages behind guest RAM (default 4K); 2M/1G use the "
		  "host hugetlb pool, grown only with --allow-settings" },
	{ WB_DOUBLE("--up-timeout", struct vm_cli, up_timeout_s, 0, HUGE_VAL),
	  .flags = WB_OPT_MIN_OPEN, .arg = "S", .want = "seconds > 0",
	  .help = "seconds to reach 'up' (default 20 KVM, 90 TCG)" },
	{ WB_DOUBLE("--vm-timeout", struct vm_cli, timeout_s, 0, HUGE_VAL),
	  .flags = WB_OPT_MIN_OPEN, .arg = "S", .want = "seconds > 0",
	  .help = "seconds for the whole guest run (default 1800)" },
	{ WB_STR("--image", struct vm_cli, image), .arg = "DIR",
	  .help = "guest image, built or refreshed when missing or stale "
		  "(default: vm/ beside the binary, or ~/.cache/walkbench/vm "
		  "when installed)" },
	{ WB_FLAG("--pair", struct vm_cli, pair), .modes = VM_MODE_RUN,
	  .help = "then run the same natively (FILE.native.json) and print "
		  "guest/native (walkbench vm pair)" },
	{ WB_FLAG("--keep-logs", struct vm_cli, keep_logs),
	  .help = "keep the console log and results channel (a temporary "
		  "directory, named on stderr)" },
	{ NULL },
};

#define RUN_OPTIONS_TITLE                                                      \
	"run options, passed to the guest's walkbench run (--out, "            \
	"--results-dir and\n--json stay on the host; --allow-settings also "   \
	"lets the host grow its\nhugetlb pool):"
#define VM_EPILOG                                                              \
	"TCG results are marked emulated: functional facts only, no "          \
	"timings.\nExit: as walkbench run; 3 also when the requested "         \
	"accelerator cannot\nboot the guest or the host backing is "           \
	"unavailable.\n"

const struct wb_opt_table vm_run_table = {
	.cmd = "vm run",
	.usage = "walkbench vm run [SUITE|KERNEL ...] [vm options] [run "
		 "options]",
	.about =
		"Boots the guest image under qemu (building it first, as make "
		"vm does, when\nmissing or stale), runs `walkbench run` inside "
		"it and writes the results\nhere, labelled with the guest.\n",
	.opts = vm_opts,
	.epilog = VM_EPILOG,
	.mode = VM_MODE_RUN,
	.max_args = 16,
	.also = &run_table,
	.also_title = RUN_OPTIONS_TITLE,
};

const struct wb_opt_table vm_matrix_table = {
	.cmd = "vm matrix",
	.usage = "walkbench vm matrix [SUITE|KERNEL ...] [vm and run options]",
	.about = "Runs every cell of guest THP off/on x host backing 4K/2M "
		 "(and 1G with a\n1G pool) as `vm run` would: one results file "
		 "each under --results-dir,\nthen a table.\n",
	.opts = vm_opts,
	.epilog = VM_EPILOG,
	.mode = VM_MODE_MATRIX,
	.max_args = 16,
	.also = &run_table,
	.also_title = RUN_OPTIONS_TITLE,
};

/* A checkout's build directory (make vm's script is at ../vm/), or a
 * directory that already holds an image. */
static bool image_beside(const char *dir)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/../vm/build-image.sh", dir);
	if (!access(p, R_OK))
		return true;
	snprintf(p, sizeof(p), "%s/vm", dir);
	return !access(p, F_OK);
}

/*
 * vm/ beside a binary built in a checkout (where make vm puts it); an
 * installed binary's directory is no place for an image, so it gets one
 * under the user's cache directory, built there on first use.
 */
static void default_image(enum vm_arch arch, char *buf, size_t len)
{
	const char *name = arch == VM_ARCH_ARM64 ? "vm-arm64" : "vm";

	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *slash;

	/* WB_VM_IMAGE names an x86_64 image: an arm64 one is named with
	 * --image */
	if (getenv("WB_VM_IMAGE") && arch == VM_ARCH_X86_64) {
		snprintf(buf, len, "%s", getenv("WB_VM_IMAGE"));
		return;
	}
	exe[n > 0 ? n : 0] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	if (cache && *cache && n > 0 && !image_beside(exe))
		snprintf(buf, len, "%s/walkbench/%s", cache, name);
	else if (home && *home && n > 0 && !image_beside(exe))
		snprintf(buf, len, "%s/.cache/walkbench/%s", home, name);
	else if (snprintf(buf, len, "%s/%s", n > 0 ? exe : ".", name) >=
		 (int)len)
		buf[0] = 0;
}

static int guest_arg(struct vm_args *a, const char *s)
{
	if (a->o.guest_argc >= MAX_GUEST_ARGS - 1)
		return wb_error(WB_EXIT_USAGE,
				"vm: more than %d arguments for the guest",
				MAX_GUEST_ARGS - 1);
	a->gargv[a->o.guest_argc++] = (char *)s;
	return 0;
}

/* Where the results go stays on the host; the rest is the guest's. */
static int to_guest(void *ctx, const struct wb_opt *o, const char *arg)
{
	static const char *const host_only[] = { "--out", "--results-dir",
						 "--json" };
	int err;

	for (size_t i = 0; i < sizeof(host_only) / sizeof(*host_only); i++)
		if (!strcmp(o->name, host_only[i]))
			return 0;
	err = guest_arg(ctx, o->name);
	if (!err && arg)
		err = guest_arg(ctx, arg);
	return err;
}

int vm_parse_args(struct vm_args *a, const struct wb_opt_table *t, int argc,
		  char **argv, bool *help)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct vm_cli v = { .accel = VM_AUTO,
			    .mem_bytes = 1ull << 30,
			    .guest_thp = -1,
			    .host_page = 4096,
			    .timeout_s = 1800,
			    .smp = ncpu >= 2 ? 2 : 1 };
	struct run_cli run;
	struct wb_opt_parse p = { .t = t,
				  .dst = &v,
				  .also_dst = &run,
				  .args = a->names,
				  .also_seen = to_guest,
				  .ctx = a };
	size_t off = 0;
	int err;

	for (int i = 0; i < argc && off < sizeof(a->cmdline); i++)
		off += (size_t)snprintf(a->cmdline + off,
					sizeof(a->cmdline) - off, "%s%s",
					i ? " " : "walkbench vm ", argv[i]);
	a->o.guest_argv = a->gargv;
	run_cli_init(&run);
	err = wb_opt_parse(&p, argc, argv);
	*help = p.help;
	if (err || p.help)
		return err;
	a->nnames = p.nargs;
	err = run_names_valid(a->names, a->nnames);
	if (!err)
		err = run_params_valid(t->cmd, a->names, a->nnames, run.params,
				       run.nparams);
	if (!err && run.cpu >= v.smp) {
		char val[16], want[64];

		snprintf(val, sizeof(val), "%d", run.cpu);
		snprintf(want, sizeof(want), "a guest CPU (0-%d with --smp %d)",
			 v.smp - 1, v.smp);
		err = wb_opt_bad(t->cmd, "--cpu", val, want);
	}
	for (int i = 0; !err && i < a->nnames; i++)
		err = guest_arg(a, a->names[i]);
	if (err)
		return err;
	a->gargv[a->o.guest_argc] = NULL;
	a->o.accel = (enum vm_accel)v.accel;
	a->o.arch = v.arch == 0 ? VM_ARCH_X86_64 : VM_ARCH_ARM64;
	a->o.mem_bytes = v.mem_bytes;
	a->o.guest_thp = v.guest_thp;
	a->o.host_page = v.host_page;
	a->o.up_timeout_s = v.up_timeout_s;
	a->o.timeout_s = v.timeout_s;
	a->o.smp = v.smp;
	a->o.allow_settings = run.allow_settings;
	if (v.image)
		snprintf(a->o.image, sizeof(a->o.image), "%s", v.image);
	else
		default_image(a->o.arch, a->o.image, sizeof(a->o.image));
	a->out = run.out;
	a->results_dir = run.results_dir;
	a->json = run.json;
	a->keep_logs = v.keep_logs;
	a->pair = v.pair;
	/* checked before an image is built or a lock waited for */
	if (a->o.accel == VM_KVM && !vm_arch_native(a->o.arch))
		return wb_error(
			WB_EXIT_MISSING,
			"%s: --accel kvm: KVM runs %s guests only on an "
			"%s host; use --accel tcg",
			t->cmd, vm_arch_machine(a->o.arch),
			vm_arch_machine(a->o.arch));
	if (a->o.host_page > 4096 && a->o.mem_bytes % a->o.host_page)
		return wb_error(WB_EXIT_USAGE,
				"%s: --mem must be a multiple of the %s host "
				"page",
				t->cmd, vm_page_name(a->o.host_page));
	return 0;
}
