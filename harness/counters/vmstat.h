/* SPDX-License-Identifier: MIT */
/*
 * /proc/vmstat counters. They are system-wide (every CPU, every task), so a
 * delta around a timed region includes whatever else the machine did.
 */
#ifndef WB_VMSTAT_H
#define WB_VMSTAT_H

#include <stdbool.h>
#include <stdint.h>

/* Find each of names[0..n) in text ("name value" lines) and store its value
 * in vals[i], found[i] = true; names not in text get found[i] = false.
 * -EINVAL if a wanted name's value is not a decimal number. */
int wb_vmstat_parse(const char *text, const char *const *names, int n,
		    uint64_t *vals, bool *found);

/* after - before into *delta; -ERANGE if the counter went backwards. */
int wb_vmstat_delta(uint64_t before, uint64_t after, uint64_t *delta);

#endif
