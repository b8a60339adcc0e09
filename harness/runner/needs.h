/* SPDX-License-Identifier: MIT */
/* Whether a kernel's requirements (enum wb_need) hold on this machine. */
#ifndef WB_NEEDS_H
#define WB_NEEDS_H

#include <stdbool.h>
#include <stddef.h>

struct wb_sysinfo;

/* 0 when every requirement holds; else -ENODEV (-EPERM for root) with
 * why[] naming the first one missing. */
int wb_needs_check(unsigned int requires, const struct wb_sysinfo *s, char *why,
		   size_t len);
/* Whether a kernel with @requires runs on arm64 at all (false for
 * WB_NEED_X86_64); why[] says on what condition, or why not, "" for none. */
bool wb_needs_arm64(unsigned int requires, char *why, size_t len);

#endif
