// SPDX-License-Identifier: MIT
#include "cmd.h"
int cmd_model(int argc, char **argv)
{
	(void)argc, (void)argv;
	return wb_error(WB_EXIT_MISSING, "'model' is not built yet");
}
