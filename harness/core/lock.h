/* SPDX-License-Identifier: MIT */
/*
 * One measuring walkbench at a time per machine: two runs at once would
 * disturb each other's timings and must never both change settings. The
 * lock is an flock() on a file that names its holder; a second run waits
 * and says for whom. A walkbench started by the holder (policy and vm run
 * `walkbench run` as a child) finds its ancestor in WB_LOCK_OWNER and goes
 * on under the same lock.
 */
#ifndef WB_LOCK_H
#define WB_LOCK_H

#include <stddef.h>

struct wb_lock {
	int fd;
};

/* /run/lock/walkbench.lock as root, else one per user under /tmp. */
int wb_lock_default_path(char *buf, size_t len);
/*
 * Takes the lock. When it is held, @wait decides: block (after printing
 * who holds it) or return -EBUSY with the holder in @holder.
 */
int wb_lock_acquire(struct wb_lock *l, const char *path, int wait, char *holder,
		    size_t len);
void wb_lock_release(struct wb_lock *l);
/* The one run lock every measuring verb takes: the default path, waiting
 * while another run holds it. @path gets the path for the caller's error. */
int wb_lock_take(struct wb_lock *l, char *path, size_t len);

#endif
