// SPDX-License-Identifier: MIT
#include "cmd.h"
int cmd_list(int argc, char **argv)
{
	(void)argc, (void)argv;
	return wb_error(WB_EXIT_MISSING, "'list' is not built yet");
}
