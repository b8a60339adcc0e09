// SPDX-License-Identifier: MIT
#include "kernel.h"
const struct wb_kernel wb_k_tlb_reach = { .name = "tlb_reach", .suite = "tlb" };
