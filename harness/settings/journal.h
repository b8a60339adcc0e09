/* SPDX-License-Identifier: MIT */
/*
 * The settings journal. Every write under /sys or /proc goes through
 * wb_journal_set(): the old value is appended to the journal file and
 * fsynced before the new value is written. wb_journal_restore() puts every
 * journaled file back in reverse order and removes the journal. A journal
 * left behind by a killed run is replayed by wb_journal_recover() before
 * anything else happens.
 */
#ifndef WB_JOURNAL_H
#define WB_JOURNAL_H

struct wb_journal;

/* Default journal path: /var/lib/walkbench/journal as root, else under
 * $XDG_STATE_HOME or ~/.local/state. WB_JOURNAL overrides (tests). */
int wb_journal_default_path(char *buf, unsigned long len);
/* Replay and remove a stale journal at @path; 0 if none was there. */
int wb_journal_recover(const char *path);
int wb_journal_open(struct wb_journal **j, const char *path);
/* Journal the current content of @file, then write @value to it. */
int wb_journal_set(struct wb_journal *j, const char *file, const char *value);
/* Restore everything journaled, newest first; remove the journal. */
int wb_journal_restore(struct wb_journal *j);
void wb_journal_close(struct wb_journal *j);
/* Restore from a signal handler: async-signal-safe. The handler that
 * calls it is settings/signals.h's. */
void wb_journal_restore_signal(struct wb_journal *j);

#endif
