// SPDX-License-Identifier: MIT
/*
 * walkbench: what address translation costs on this machine.
 * Verb dispatch, like git's commands[]; each verb lives in its own file.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "opt.h"
#include "version.h"
#include "settings/journal.h"

static const struct wb_command verbs[] = {
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
	{ NULL },
};

static const struct wb_commands walkbench = {
	.cmd = "",
	.usage = "walkbench [--version] [--help] VERB [ARGS]",
	.what = "verb",
	.list = verbs,
	.epilog = "'walkbench VERB --help' describes a verb.\n",
};

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
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("walkbench %s (%s)\n", WB_VERSION, WB_GIT_COMMIT);
		return 0;
	}
	/* not for a bare `walkbench` or its --help: they only print */
	if (argc >= 2 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h") &&
	    strcmp(argv[1], "help"))
		recover_settings();
	return wb_dispatch(&walkbench, argc, argv);
}
