// SPDX-License-Identifier: MIT
/*
 * The arguments of walkbench vm run/matrix: the vm's own options, the run
 * options passed to the guest's walkbench unchanged, and where the results
 * go. Everything here is checked before anything boots.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "runner/kernel.h"
#include "core/parse.h"
#include "results/results.h"
#include "vm.h"

const char vm_usage_text[] =
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

int vm_parse_args(struct vm_args *a, int argc, char **argv)
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
		} else if (!wb_selector_valid(s)) {
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
