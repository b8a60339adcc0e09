// SPDX-License-Identifier: MIT
/* placeholder replaced below */
#include "vm.h"
#include "cmd.h"
int vm_pair_files(const char *native, const char *guest)
{
	(void)native;
	(void)guest;
	return wb_error(WB_EXIT_USAGE, "vm pair: not built yet");
}
