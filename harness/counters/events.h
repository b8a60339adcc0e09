/* SPDX-License-Identifier: MIT */
/*
 * The per-PMU event table (harness/data/events.tsv): rows of
 * "pmu_model <TAB> metric <TAB> libpfm4 event", '#' comments and blank
 * lines allowed. Several rows for one (model, metric) are summed.
 */
#ifndef WB_EVENTS_H
#define WB_EVENTS_H

#include <stddef.h>

#define WB_EV_MODEL_LEN 32
#define WB_EV_METRIC_LEN 32
#define WB_EV_EVENT_LEN 160

struct wb_event_row {
	char model[WB_EV_MODEL_LEN];
	char metric[WB_EV_METRIC_LEN];
	char event[WB_EV_EVENT_LEN];
	int line;
};

struct wb_event_table {
	struct wb_event_row *rows; /* owned, free with wb_events_free() */
	int n;
};

/* The hardware metrics a table may name, in report order. */
extern const char *const wb_hw_metrics[];
extern const int wb_n_hw_metrics;

/* Parse text into t. On a malformed line: -EINVAL and a one-line message
 * in err naming the line number and the bad token; t is left empty. */
int wb_events_parse(const char *text, struct wb_event_table *t, char *err,
		    size_t errlen);
void wb_events_free(struct wb_event_table *t);
/* Number of rows for model (0 if none). */
int wb_events_model_rows(const struct wb_event_table *t, const char *model);

#endif
