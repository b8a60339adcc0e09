// SPDX-License-Identifier: MIT
/* Which architecture a fingerprint describes, on every architecture. */
#include <string.h>

#include "arch/arch.h"
#include "core/env.h"

bool wb_arch_is_arm64(const struct wb_sysinfo *s)
{
	return !strcmp(s->arch, "aarch64") || !strcmp(s->arch, "arm64");
}
