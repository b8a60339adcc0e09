/* SPDX-License-Identifier: MIT */
/*
 * What the fault kernels of the cow suite (demand_zero, cow_storm) share:
 * their one plot, drawn over the whole suite, declared once.
 */
#ifndef WB_KERNELS_FAULTS_H
#define WB_KERNELS_FAULTS_H

#include "runner/kernel.h"

extern const struct wb_plot_hint wb_fault_plots[];

#endif
