/* SPDX-License-Identifier: MIT */
/* The verbs. Each returns an exit code (ARCHITECTURE.md); only main() exits. */
#ifndef WB_CMD_H
#define WB_CMD_H

#include <stdio.h>

#define WB_EXIT_OK 0
#define WB_EXIT_FAILED 1
#define WB_EXIT_USAGE 2
#define WB_EXIT_MISSING 3
#define WB_EXIT_SKIPPED 4
#define WB_EXIT_UNTRUSTED 5

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

/* "walkbench: error: ..." on stderr, one line; returns @code. */
int wb_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* true when argv holds -h or --help before any "--" */
int wb_wants_help(int argc, char **argv);

#endif
