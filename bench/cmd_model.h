/* SPDX-License-Identifier: MIT */
/* Helpers shared by the `model` subverbs (cmd_model*.c). */
#ifndef WB_CMD_MODEL_H
#define WB_CMD_MODEL_H

#include <jansson.h>
#include <stdint.h>

/*
 * Option scanning: "--name VALUE" or "--name=VALUE". Returns 1 and sets
 * *@val (advancing *@i) when argv[*i] is @name; 0 if it is not; -1 after
 * printing an error when the value is missing.
 */
int wbm_cli_opt(int argc, char **argv, int *i, const char *name,
		const char **val);
/* Prints @root (compact to a single line unless it is big) and frees it. */
int wbm_cli_json(json_t *root);
/* "walkbench: error: model SUB: bad TOKEN 'x' (why)" and exit 2. */
int wbm_cli_bad(const char *sub, const char *what, const char *tok,
		const char *why);

int wbm_model_tlb(int argc, char **argv);

#endif
