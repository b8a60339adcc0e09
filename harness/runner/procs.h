/* SPDX-License-Identifier: MIT */
/*
 * Helper processes for kernels that need more than one address space
 * (fork, COW, shared mappings). Children die with the process that forked
 * them (PR_SET_PDEATHSIG), so a killed measurement leaves none behind.
 * Phases are synchronised over pipes: a child calls wb_procs_sync()
 * at the end of each phase; the parent's wb_procs_gather() returns once
 * every child has arrived, and wb_procs_release() lets them all go on.
 */
#ifndef WB_PROCS_H
#define WB_PROCS_H

#include <sys/types.h>

#define WB_PROCS_MAX 64

struct wb_procs {
	int n;
	pid_t pid[WB_PROCS_MAX];
	int me; /* in a child: its index */
	int ready[2];
	int go[WB_PROCS_MAX][2]; /* one per child, so steps pick the child */
};

/* Child body: its return value is the child's exit status. */
typedef int (*wb_proc_fn)(struct wb_procs *p, int idx, void *arg);

/* Fork @n children running @fn(p, i, arg). On failure none is left. */
int wb_procs_start(struct wb_procs *p, int n, wb_proc_fn fn, void *arg);
/* In a child: arrive at the barrier, wait for the release. -EPIPE when
 * the parent is gone. */
int wb_procs_sync(struct wb_procs *p);
/* In the parent: wait until every child arrived (-ECHILD if one exited
 * first, -ETIMEDOUT after @timeout_ms). */
int wb_procs_gather(struct wb_procs *p, int timeout_ms);
int wb_procs_release(struct wb_procs *p);
/* Let child @idx go on and wait until it arrives again: children take
 * their next phase one at a time. */
int wb_procs_step(struct wb_procs *p, int idx, int timeout_ms);
/* Wait for every child; 0 when all exited with status 0, else -ECHILD. */
int wb_procs_join(struct wb_procs *p);
/* SIGKILL and reap whatever is left. */
void wb_procs_kill(struct wb_procs *p);

#endif
