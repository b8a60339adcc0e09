// SPDX-License-Identifier: MIT
#include "cmd.h"
int cmd_plot(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 3;
}
