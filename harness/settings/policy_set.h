/* SPDX-License-Identifier: MIT */
/*
 * Building a set of policy candidates: shared by policy.c (per-process,
 * THP words, hugetlb pools), policy_mthp.c (multi-size THP) and
 * policy_apply.c. Not for callers outside harness/settings.
 */
#ifndef WB_POLICY_SET_H
#define WB_POLICY_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "settings/policy.h"

/* A new candidate at the end of @s, zeroed but for its name and legend;
 * NULL when the set is full. */
struct wb_policy *wb_policy_set_add(struct wb_policy_set *s, const char *name,
				    const char *what);
/* One "not tried" line, @fmt taking @a and @b as two strings. */
void wb_policy_set_not_tried(struct wb_policy_set *s, const char *fmt,
			     const char *a, const char *b);

/* The multi-size THP candidates of @e (policy_mthp.c), and their names
 * for a "not tried" line ("mthp-16K..mthp-1M, mthp-2M=inherit|never"). */
void wb_policy_add_mthp(struct wb_policy_set *s, const struct wb_policy_env *e);
void wb_policy_mthp_names(const struct wb_policy_env *e, char *buf, size_t len);

/* The offered sizes of @e whose @in[i] is set: "128K,256K,2M". */
void wb_policy_sizes_text(const struct wb_policy_env *e, const bool *in,
			  char *buf, size_t len);

#endif
