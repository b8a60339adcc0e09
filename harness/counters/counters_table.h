/* SPDX-License-Identifier: MIT */
/*
 * Opening the counters from a given event table and PMU model instead of
 * the built-in table and the host's PMU. The hardware path (encoding,
 * grouping, summing, user/kernel split) then runs on any machine when the
 * table names libpfm4's "perf" software events; tests use it that way.
 */
#ifndef WB_COUNTERS_TABLE_H
#define WB_COUNTERS_TABLE_H

#include "counters/counters.h"

/* Like wb_counters_open(), but the hardware metrics come from table (the
 * events.tsv format) for model, without probing for a hardware PMU. */
int wb_counters_open_table(const char *table, const char *model,
			   struct wb_counters **out);

#endif
