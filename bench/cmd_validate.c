// SPDX-License-Identifier: MIT
#include "cmd.h"
int cmd_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return wb_error(WB_EXIT_USAGE, "validate: not yet");
}
