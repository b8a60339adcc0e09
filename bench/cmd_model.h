/* SPDX-License-Identifier: MIT */
/* Helpers shared by the `model` subverbs (cmd_model*.c). */
#ifndef WB_CMD_MODEL_H
#define WB_CMD_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "model/regime.h"

/* Prints @root (compact to a single line unless it is big) and frees it. */
int wbm_cli_json(json_t *root);
/* "walkbench: error: model SUB: bad WHAT 'x' (why)" and exit 2, for a
 * token that is no option's value (a layer, a mapping). */
int wbm_cli_bad(const char *sub, const char *what, const char *tok,
		const char *why);

int wbm_model_tlb(int argc, char **argv);
int wbm_model_vipt(int argc, char **argv);

/* --arch x86_64|arm64, --granule G[,G...], --va-bits N[,N...] as given
 * (NULL: not given). A list gives one value per layer; one value serves
 * every layer. */
struct wbm_cli_arch {
	const char *arch, *granule, *va_bits;
};

/* 0, or exit 2 after a one-line error naming the bad value. */
int wbm_cli_arch_parse(const char *sub, const struct wbm_cli_arch *a,
		       enum wbm_arch *arch);
int wbm_cli_granule(const char *sub, const struct wbm_cli_arch *a, int i,
		    uint64_t *granule);
/* *@va_bits 0 when not given. */
int wbm_cli_va_bits(const char *sub, const struct wbm_cli_arch *a, int i,
		    int *va_bits);
/* Items in a comma-separated list (0 for NULL). */
int wbm_cli_list_len(const char *list);
/* Layer @i's regime: x86-64 with @x86_levels, or arm64 with its granule
 * and VA size (default 48). 0, or exit 2 after a one-line error. */
int wbm_cli_regime(const char *sub, const struct wbm_cli_arch *a, int i,
		   int x86_levels, struct wbm_regime *r);
/* "39 (3 levels), 48 (4 levels), 52 (5 levels)" for a granule. */
int wbm_cli_arm64_sizes(uint64_t granule, char *buf, size_t len);
/* The page and block sizes of @r, "4K, 2M, 1G". */
int wbm_cli_leaves(const struct wbm_regime *r, char *buf, size_t len);
/* An arm64 walk layer LEVELS:PAGESIZE: the regime of @granule with
 * @levels levels (at @va_bits if nonzero, else the smallest VA size that
 * has them and this leaf). -EINVAL if there is none. */
int wbm_cli_arm64_layer(uint64_t granule, int va_bits, int levels,
			uint64_t page_size, struct wbm_regime *r);
/* Arm's lookup level of model level @level (1 -> 3, 4 -> 0, 5 -> -1). */
int wbm_cli_arm_level(const struct wbm_regime *r, int level);

#endif
