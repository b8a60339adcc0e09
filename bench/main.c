// SPDX-License-Identifier: MIT
/*
 * walkbench: what address translation costs on this machine.
 * Verb dispatch, like git's commands[]; each verb lives in its own file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "version.h"
#include "settings/journal.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "list", cmd_list, "list kernels and whether they can run here" },
	{ "run", cmd_run, "run suites or kernels and write a results file" },
	{ "model", cmd_model, "query the reference paging model" },
	{ "compare", cmd_compare, "compare two results files: a CI gate" },
	{ "baseline", cmd_baseline, "save and check CI baselines per CPU" },
	{ "plot", cmd_plot, "plot results files and write index.html" },
	{ "detect", cmd_detect, "measure the TLB geometry of this CPU" },
	{ "validate", cmd_validate, "check results files against the model" },
	{ "claims", cmd_claims,
	  "reproduce the seed text's claims with numbers" },
	{ "policy", cmd_policy, "recommend a huge-page policy for a command" },
	{ "vm", cmd_vm, "run suites in a qemu guest; pair with native" },
	{ "merge", cmd_merge, "combine results from many hosts by CPU model" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: walkbench [--version] [--help] VERB [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'walkbench VERB --help' describes a verb.\n");
}

int wb_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

/* A run killed with SIGKILL left settings changed: put them back first. */
static int recover_settings(void)
{
	char path[512];
	int err = wb_journal_default_path(path, sizeof(path));

	if (!err)
		err = wb_journal_recover(path);
	if (err > 0)
		fprintf(stderr,
			"walkbench: restored %d setting(s) left by an "
			"interrupted run\n",
			err);
	return err < 0 ? err : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr), WB_EXIT_USAGE;
	if (!strcmp(argv[1], "--version")) {
		printf("walkbench %s (%s)\n", WB_VERSION, WB_GIT_COMMIT);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help"))
		return usage(stdout), 0;
	recover_settings();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	return wb_error(WB_EXIT_USAGE, "unknown verb '%s' (try --help)",
			argv[1]);
}
