/* SPDX-License-Identifier: MIT */
/* The verbs. Each returns an exit code (ARCHITECTURE.md); only main() exits. */
#ifndef WB_CMD_H
#define WB_CMD_H

#include <stdio.h>

#include "core/error.h"

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_claims(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_merge(int argc, char **argv);

struct wb_runner_event;

/* Where `run` prints what the runner reports (bench/cmd_run.c): a table
 * row per instance, progress and warnings. */
struct run_report {
	FILE *rows, *progress;
};
void run_report(void *arg, const struct wb_runner_event *ev);

#endif
