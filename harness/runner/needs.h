/* SPDX-License-Identifier: MIT */
/* Whether a kernel's requirements (enum wb_need) hold on this machine. */
#ifndef WB_NEEDS_H
#define WB_NEEDS_H

#include <stddef.h>

struct wb_sysinfo;

/* 0 when every requirement holds; else -ENODEV (-EPERM for root) with
 * why[] naming the first one missing. */
int wb_needs_check(unsigned int requires, const struct wb_sysinfo *s, char *why,
		   size_t len);

#endif
