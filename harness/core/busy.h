/* SPDX-License-Identifier: MIT */
/*
 * How busy the rest of the machine was while a child measured: CPU time
 * that neither walkbench nor its children used, and time the hypervisor
 * took away (steal), both in CPUs (1.0 = one CPU all the time). Another
 * job on a 2-CPU runner slows the measuring CPU through shared caches and
 * the host even when it never runs there, and no repetition shows it.
 */
#ifndef WB_BUSY_H
#define WB_BUSY_H

struct wb_busy_mark {
	double wall_s; /* CLOCK_MONOTONIC */
	double busy_s; /* all CPUs: user nice system irq softirq */
	double steal_s;
	double ours_s; /* this process and its reaped children: user + sys */
};

/* Reads /proc/stat, the clock and this process's reaped children. */
int wb_busy_mark(struct wb_busy_mark *m);
/* Between two marks: CPUs' worth used by others and stolen. Both are
 * clamped at 0 (/proc/stat counts in ticks). */
void wb_busy_between(const struct wb_busy_mark *a, const struct wb_busy_mark *b,
		     double *others_cpu, double *steal_cpu);
/* Parses the first ("cpu ") line of /proc/stat text, in ticks. */
int wb_busy_parse_stat(const char *text, double *busy_ticks,
		       double *steal_ticks);

#endif
