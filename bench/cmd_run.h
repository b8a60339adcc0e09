/* SPDX-License-Identifier: MIT */
/*
 * The options of `walkbench run`, also taken by `walkbench vm run` and
 * `vm matrix` (cmd_vm_args.c), which pass them to the guest's run.
 */
#ifndef WB_CMD_RUN_H
#define WB_CMD_RUN_H

#include <stdbool.h>

#include "opt.h"

#define WB_RUN_MAX_PARAMS 32
#define WB_RUN_MAX_NAMES 64

/* run's options as given; 0 (cpu -1) where the default depends on
 * others */
struct run_cli {
	bool quick, json, allow_settings, test_counters_in_loop;
	int reps, passes, max_passes, cpu, seed, test_delay_pct;
	int grid; /* index in the --grid choices: 0 auto */
	double min_time_s, timeout_s, mem_fraction;
	double extra_time_s; /* < 0: not given */
	const char *params[WB_RUN_MAX_PARAMS];
	int nparams;
	const char *out, *results_dir;
};

extern const struct wb_opt_table run_table;
void run_cli_init(struct run_cli *c);
/* Each of @names a suite or a kernel; 0, or the exit code after the
 * error. */
int run_names_valid(const char *const *names, int n);
/* Each --param of @params suits the kernels @names select; @cmd names the
 * verb in the error. 0 or the exit code. */
int run_params_valid(const char *cmd, const char *const *names, int nnames,
		     const char *const *params, int nparams);

#endif
