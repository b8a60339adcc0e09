// SPDX-License-Identifier: MIT
/* libFuzzer target: loading a results file (what compare, plot and
 * validate read). The bytes go through a memfd so the real loader runs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "results/resultsread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wb_rfile r;
	char path[64], why[512] = "";
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (wb_rfile_load(path, &r, why, sizeof(why)) == 0)
			wb_rfile_free(&r);
		else if (!why[0] || strchr(why, '\n'))
			abort(); /* a rejection is one line that says why */
	}
	close(fd);
	return 0;
}
