/* SPDX-License-Identifier: MIT */
/*
 * Exit codes (ARCHITECTURE.md) and the one-line error every verb prints.
 * An instance's status (runner/kernel.h) uses the same numbers.
 */
#ifndef WB_ERROR_H
#define WB_ERROR_H

#define WB_EXIT_OK 0
#define WB_EXIT_FAILED 1
#define WB_EXIT_USAGE 2
#define WB_EXIT_MISSING 3
#define WB_EXIT_SKIPPED 4
#define WB_EXIT_UNTRUSTED 5

/* "walkbench: error: ..." on stderr, one line; returns @code. */
int wb_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
