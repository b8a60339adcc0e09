// SPDX-License-Identifier: MIT
#include "counters/events.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const wb_hw_metrics[] = {
	"cycles",	   "instructions", "dtlb_load_miss",
	"dtlb_store_miss", "stlb_miss",	   "walk_completed",
	"walk_cycles",	   "walk_pending", "itlb_miss",
};
const int wb_n_hw_metrics = sizeof(wb_hw_metrics) / sizeof(wb_hw_metrics[0]);

static bool is_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

/* libpfm4 event strings are NAME[:UMASK|:mod=val]...; a privilege
 * modifier would fight the user/kernel split, so it is refused too. */
static bool is_event(const char *s)
{
	const char *p;

	if (!*s || *s == ':')
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == ':' ||
		      *p == '=' || *p == '.'))
			return false;
	return !strstr(s, "::") && !strstr(s, ":u=") && !strstr(s, ":k=");
}

static bool known_metric(const char *m)
{
	for (int i = 0; i < wb_n_hw_metrics; i++)
		if (!strcmp(wb_hw_metrics[i], m))
			return true;
	return false;
}

static int fail(struct wb_event_table *t, char *err, size_t errlen, int line,
		const char *what, const char *tok)
{
	snprintf(err, errlen, "events.tsv line %d: %s '%.60s'", line, what,
		 tok);
	wb_events_free(t);
	return -EINVAL;
}

static int parse_line(char *s, int line, struct wb_event_table *t, char *err,
		      size_t errlen)
{
	char *f[4], orig[80];
	int nf = 0;
	char *p = s;
	struct wb_event_row *r;

	snprintf(orig, sizeof(orig), "%.79s", s);

	/* Split on tabs only: a space inside a field is an error to report,
	 * not a separator to guess at. */
	while (nf < 4) {
		f[nf++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (nf != 3)
		return fail(t, err, errlen, line,
			    nf < 3 ? "expected 3 tab-separated fields in"
				   : "extra field",
			    nf < 3 ? orig : f[3]);
	if (!is_name(f[0]) || strlen(f[0]) >= WB_EV_MODEL_LEN)
		return fail(t, err, errlen, line, "bad PMU model", f[0]);
	if (!known_metric(f[1]))
		return fail(t, err, errlen, line, "unknown metric", f[1]);
	if (!is_event(f[2]) || strlen(f[2]) >= WB_EV_EVENT_LEN)
		return fail(t, err, errlen, line, "bad event string", f[2]);
	for (int i = 0; i < t->n; i++) {
		r = &t->rows[i];
		if (!strcmp(r->model, f[0]) && !strcmp(r->metric, f[1]) &&
		    !strcmp(r->event, f[2]))
			return fail(t, err, errlen, line, "duplicate row for",
				    f[2]);
	}
	r = &t->rows[t->n++];
	snprintf(r->model, sizeof(r->model), "%s", f[0]);
	snprintf(r->metric, sizeof(r->metric), "%s", f[1]);
	snprintf(r->event, sizeof(r->event), "%s", f[2]);
	r->line = line;
	return 0;
}

int wb_events_parse(const char *text, struct wb_event_table *t, char *err,
		    size_t errlen)
{
	int cap = 1, line = 0, ret = 0;
	const char *p, *nl;
	char buf[512];

	t->rows = NULL;
	t->n = 0;
	for (p = text; *p; p++)
		cap += *p == '\n';
	t->rows = calloc(cap, sizeof(*t->rows));
	if (!t->rows)
		return -ENOMEM;
	for (p = text; *p && !ret; p = *nl ? nl + 1 : nl) {
		size_t len;
		char *s;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		line++;
		len = nl - p;
		if (len >= sizeof(buf)) {
			snprintf(buf, 40, "%s", p);
			return fail(t, err, errlen, line, "line too long", buf);
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (len && buf[len - 1] == '\r')
			buf[--len] = '\0';
		s = buf;
		if (*s == '#' || !*s)
			continue;
		ret = parse_line(s, line, t, err, errlen);
	}
	return ret;
}

void wb_events_free(struct wb_event_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}

int wb_events_model_rows(const struct wb_event_table *t, const char *model)
{
	int n = 0;

	for (int i = 0; i < t->n; i++)
		n += !strcmp(t->rows[i].model, model);
	return n;
}
