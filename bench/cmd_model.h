/* SPDX-License-Identifier: MIT */
/* Helpers shared by the `model` subverbs (cmd_model*.c). */
#ifndef WB_CMD_MODEL_H
#define WB_CMD_MODEL_H

#include <jansson.h>
#include <stdint.h>

/* Prints @root (compact to a single line unless it is big) and frees it. */
int wbm_cli_json(json_t *root);
/* "walkbench: error: model SUB: bad WHAT 'x' (why)" and exit 2, for a
 * token that is no option's value (a layer, a mapping). */
int wbm_cli_bad(const char *sub, const char *what, const char *tok,
		const char *why);

int wbm_model_tlb(int argc, char **argv);

#endif
