/* SPDX-License-Identifier: MIT */
/*
 * SIGINT, SIGTERM and SIGHUP for the whole program. A handler receives no
 * argument, so what it must act on is registered here beforehand; this
 * module holds the program's only mutable file-scope state.
 *
 * A signal that ends the program kills the registered child's process
 * group and reaps its leader first (a command still running on huge pages
 * would keep a shrunk pool's pages as surplus), then restores the
 * registered settings journal, then dies of that same signal. While
 * deferred, the first signal is only recorded, for a caller that winds
 * down by itself (a run writes its partial results, a guest boot kills
 * qemu); a second one ends the program as above.
 */
#ifndef WB_SIGNALS_H
#define WB_SIGNALS_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct wb_journal;

/* Install the handler; again changes nothing. */
int wb_signals_install(void);
/* The journal to restore before dying; NULL for none. */
void wb_signals_journal(struct wb_journal *j);
/* The process group (led by our child @pgid) to kill first; 0 for none. */
void wb_signals_child(pid_t pgid);
/* Whether the first signal is only recorded. */
void wb_signals_defer(bool on);
/* The signal recorded while deferred, 0 if none. */
int wb_signals_caught(void);
/* The same, as a flag a supervisor polls (wb_supervise_opts.stop). */
const volatile sig_atomic_t *wb_signals_caught_flag(void);

#endif
