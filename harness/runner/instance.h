/* SPDX-License-Identifier: MIT */
/* One instance, measured inside its supervised child. */
#ifndef WB_INSTANCE_H
#define WB_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "runner/plan.h"

struct wb_run_opts {
	int reps;
	double min_time_s;
	int cpu, cpu_other;
	bool quick;
	bool allow_settings;
	uint64_t mem_limit_bytes;
	unsigned int seed;
	unsigned int test_delay_pct;
	/* test only: count everything inside the timed loop, also for
	 * kernels that fault in it (wb_kernel.faults_in_loop) */
	bool test_counters_in_loop;
	const struct wb_sysinfo *sys;
	struct wb_journal *journal;
};

struct wb_child_arg {
	const struct wb_instance *inst;
	const struct wb_run_opts *opts;
};

/* The context an instance's kernel sees, from the plan and the run. */
void wb_run_ctx(const struct wb_instance *in, const struct wb_run_opts *o,
		struct wb_ctx *ctx);

/* Child side: measures, writes {"instance": {...}, "gb": {...}} to out_fd,
 * returns the instance's status as exit code. */
int wb_instance_child(void *arg, int out_fd);
/* The instance object's identity fields: name, kernel, suite, params. */
json_t *wb_instance_json(const struct wb_instance *in);
void wb_instance_set_status(json_t *o, enum wb_status st, const char *why);
const char *wb_status_name(enum wb_status st);

#endif
