// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "settings/journal.h"
#include "settings/signals.h"

/*
 * A handler receives no argument: what it acts on lives here, set by the
 * program before the signal can come. Only this file has such state.
 */
static struct wb_journal *volatile sig_journal;
static volatile sig_atomic_t sig_child; /* process group to kill, 0 none */
static volatile sig_atomic_t sig_deferred; /* first signal only recorded */
static volatile sig_atomic_t sig_caught; /* recorded while deferred */

static void die(int sig)
{
	pid_t pg = (pid_t)sig_child;
	struct sigaction dfl;

	if (pg > 0) {
		kill(-pg, SIGKILL);
		/* before its setpgid() the child is not yet a group */
		kill(pg, SIGKILL);
		while (waitpid(pg, NULL, 0) < 0 && errno == EINTR)
			;
	}
	wb_journal_restore_signal(sig_journal);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	/* blocked while we run: it kills us as soon as we return */
	raise(sig);
}

static void on_signal(int sig)
{
	if (sig_deferred && !sig_caught) {
		sig_caught = sig;
		return;
	}
	die(sig);
}

int wb_signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* no SA_RESTART: a deferred signal interrupts the sleep or read the
	 * caller polls in, so it sees the signal at once */
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
	return 0;
}

void wb_signals_journal(struct wb_journal *j)
{
	sig_journal = j;
}

void wb_signals_child(pid_t pgid)
{
	sig_child = pgid;
}

void wb_signals_defer(bool on)
{
	sig_deferred = on;
}

int wb_signals_caught(void)
{
	return sig_caught;
}

const volatile sig_atomic_t *wb_signals_caught_flag(void)
{
	return &sig_caught;
}
