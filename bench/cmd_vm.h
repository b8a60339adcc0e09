/* SPDX-License-Identifier: MIT */
/* The command lines of walkbench vm run and vm matrix (cmd_vm_args.c). */
#ifndef WB_CMD_VM_H
#define WB_CMD_VM_H

#include <stdbool.h>

#include "opt.h"
#include "vm.h"

extern const struct wb_opt_table vm_run_table, vm_matrix_table;

/* Fills @a from argv against @t; 0, or the exit code after a one-line
 * error; *help when --help was printed instead. */
int vm_parse_args(struct vm_args *a, const struct wb_opt_table *t, int argc,
		  char **argv, bool *help);

#endif
