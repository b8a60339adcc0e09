// SPDX-License-Identifier: MIT
/* libFuzzer target: the counter event table parser (events.tsv format). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "counters/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wb_event_table t;
	char *text = malloc(size + 1), err[256];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	if (wb_events_parse(text, &t, err, sizeof(err)) == 0)
		wb_events_free(&t);
	else if (!err[0] || strchr(err, '\n'))
		abort(); /* a rejection is one line that says why */
	free(text);
	return 0;
}
