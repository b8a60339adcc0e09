// SPDX-License-Identifier: MIT
#include "cmd.h"
int cmd_claims(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return wb_error(WB_EXIT_USAGE, "claims: not yet");
}
