/* SPDX-License-Identifier: MIT */
/*
 * One child process per instance. The child gets its own process group, a
 * data-size limit and a wall-clock timeout; whatever it prints on stdout is
 * its record. A crash, hang or OOM costs only that record: the parent learns
 * what happened and goes on. Everything in the child's process group is
 * killed when it ends, so nothing it started survives it.
 */
#ifndef WB_SUPERVISE_H
#define WB_SUPERVISE_H

#include <signal.h>
#include <stdint.h>

#include "runner/kernel.h"

struct wb_child_result {
	enum wb_status status; /* exit code, or CRASHED/TIMEOUT/OOM */
	int signal; /* when crashed */
	char *record; /* what the child wrote, malloc'd, may be NULL */
	size_t record_len;
	char stderr_tail[1024];
	double seconds;
};

struct wb_supervise_opts {
	double timeout_s;
	uint64_t data_limit_bytes; /* RLIMIT_DATA; 0 for none */
	/* set asynchronously (SIGINT) to stop the child early */
	const volatile sig_atomic_t *stop;
};

/*
 * Runs @fn(@arg, out_fd) in a child; @fn writes its record to out_fd and
 * returns the exit status. 0 or -errno (fork/pipe failure).
 */
int wb_supervise(const struct wb_supervise_opts *o,
		 int (*fn)(void *arg, int out_fd), void *arg,
		 struct wb_child_result *res);
void wb_child_result_free(struct wb_child_result *res);

#endif
