// SPDX-License-Identifier: MIT
/*
 * The guest kernel's paging as its own package says (the kernel-paging file
 * build-image.sh copies from the package's boot/config-*), for results
 * whose guest does not record its regime: granule, VA bits and table
 * levels, with the model's level count for that granule and size next to
 * the config's, and where each figure came from.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/regime.h"
#include "vm.h"

json_t *vm_kernel_paging(const struct vm_opts *o)
{
	char path[600], line[512], source[512] = "";
	unsigned long long granule = 0;
	int va = 0, levels = 0;
	struct wbm_regime r;
	FILE *f;

	if (o->arch != VM_ARCH_ARM64)
		return NULL;
	snprintf(path, sizeof(path), "%s/kernel-paging", o->image);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *from = strstr(line, " (");

		if (sscanf(line, "CONFIG_ARM64_%lluK_PAGES=y", &granule) == 1)
			granule <<= 10;
		sscanf(line, "CONFIG_ARM64_VA_BITS=%d", &va);
		sscanf(line, "CONFIG_PGTABLE_LEVELS=%d", &levels);
		/* each line names its file; they all name the same one */
		if (from && !source[0])
			snprintf(source, sizeof(source), "%.*s",
				 (int)strcspn(from + 2, ")"), from + 2);
	}
	fclose(f);
	if (!granule || !va || !levels)
		return NULL;
	return json_pack("{s:I,s:i,s:i,s:i,s:s}", "granule",
			 (json_int_t)granule, "va_bits", va, "levels", levels,
			 "model_levels",
			 wbm_regime_arm64(granule, va, &r) ? 0 : r.levels,
			 "source", source);
}
