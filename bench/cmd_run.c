// SPDX-License-Identifier: MIT
#include "cmd.h"
int cmd_run(int argc, char **argv)
{
	(void)argc, (void)argv;
	return wb_error(WB_EXIT_MISSING, "'run' is not built yet");
}
