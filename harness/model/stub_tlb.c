// SPDX-License-Identifier: MIT
/* placeholder until the model lands */
#include <errno.h>
#include "model.h"
int wbm_cpu_tlb_reach(const char *vendor, unsigned int family,
		      unsigned int model, uint64_t page_size, uint64_t *l1,
		      uint64_t *l2, const char **row_name)
{
	(void)vendor, (void)family, (void)model, (void)page_size, (void)l1,
		(void)l2, (void)row_name;
	return -ENOENT;
}
