// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>

#include "core/error.h"

int wb_error(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("walkbench: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}
