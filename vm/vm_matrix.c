// SPDX-License-Identifier: MIT
/*
 * The 2x2 of the nested-paging studies: guest THP off/on x host backing
 * 4K/2M, plus 1G when the host has a 1G pool. One results file per cell;
 * the table compares each cell's medians with the 4K/4K cell, or for
 * emulated cells shows only what was verified.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/env.h"
#include "core/lock.h"
#include "vm.h"

int vm_matrix(const struct vm_args *a)
{
	static const uint64_t hosts[] = { 4096, 2ull << 20, 1ull << 30 };
	char paths[6][PATH_MAX], kvm_failed[512] = "", why[512];
	struct wb_sysinfo host = { 0 };
	struct wb_lock lock = { .fd = -1 };
	int err, rcs[6], worst = 0, cells = 0;

	if (vm_image_ensure(&a->o, why, sizeof(why)))
		return wb_error(WB_EXIT_MISSING, "guest image: %s", why);
	wb_env_probe(&host);
	if ((err = vm_take_lock(&lock)))
		return err;
	for (int h = 0; h < 3; h++) {
		if (h == 2 && !host.hugetlb_1g) {
			fprintf(stderr, "matrix: no 1G hugetlb pool on this "
					"host; 1G column skipped\n");
			continue;
		}
		for (int t = 0; t < 2; t++) {
			struct vm_args c = *a;
			int i = cells;

			c.o.guest_thp = t;
			c.o.host_page = hosts[h];
			c.nnames = a->nnames;
			snprintf(c.cell, sizeof(c.cell), "thp-%s-host-%s",
				 t ? "on" : "off", vm_page_name(hosts[h]));
			err = vm_out_path(&c, paths[i], sizeof(paths[i]));
			if (err) {
				wb_lock_release(&lock);
				return err;
			}
			fprintf(stderr, "matrix: guest THP %s, host %s\n",
				t ? "on" : "off", vm_page_name(hosts[h]));
			rcs[i] = vm_run_cell(&c, &host, paths[i], kvm_failed,
					     sizeof(kvm_failed));
			if (rcs[i] && rcs[i] != WB_EXIT_SKIPPED)
				paths[i][0] = 0;
			if (rcs[i] > worst)
				worst = rcs[i];
			cells++;
		}
	}
	wb_lock_release(&lock);
	printf("%-10s %-8s %-6s  %s\n", "guest THP", "host", "exit", "results");
	for (int i = 0; i < cells; i++)
		printf("%-10s %-8s %-6d  %s\n", i % 2 ? "on" : "off",
		       vm_page_name(hosts[i / 2]), rcs[i],
		       paths[i][0] ? paths[i] : "-");
	for (int i = 0; i < cells; i++)
		if (paths[0][0] && paths[i][0])
			vm_matrix_row(paths[0], paths[i], i % 2 ? "on" : "off",
				      vm_page_name(hosts[i / 2]));
	return worst;
}
