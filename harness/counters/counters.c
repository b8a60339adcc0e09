// SPDX-License-Identifier: MIT
/*
 * Counters around a timed region: hardware events from the per-PMU table
 * (events.tsv) through libpfm4, software events, the tlb:tlb_flush
 * tracepoint and /proc/vmstat deltas. See counters.h for the contract and
 * harness/COUNTERS.md for what each metric means.
 */
#include "counters/counters.h"
#include "counters/counters_table.h"

#include <errno.h>
#include <fcntl.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "counters/events.h"
#include "counters/perf_group.h"
#include "counters/perf_open.h"
#include "counters/vmstat.h"

extern const char wb_data_events_tsv[];

/* A group that passes the kernel's validation can still never be scheduled
 * when the NMI watchdog or the sibling hyperthread holds counters; four
 * events (two of them usually on fixed counters) stay clear of that. */
#define HW_GROUP_MAX 4
#define MAX_GROUPS 48
#define MAX_HW_EVENTS 64
#define MAX_SUM 4
#define MAX_HW_METRICS 24
#define N_PRIV 2
#define VMSTAT_BUF 32768

struct hw_event {
	char str[WB_EV_MODEL_LEN + WB_EV_EVENT_LEN + 2]; /* "model::event" */
	int priv;
	int group; /* index into hw[], -1 if not open */
	int slot;
	char why[96]; /* why it is not open */
};

struct hw_metric {
	char name[48];
	int ev[MAX_SUM];
	int nev;
};

struct sw_def {
	const char *name;
	uint64_t config;
	bool per_fault; /* fires on every page fault */
};

static const struct sw_def sw_defs[] = {
	{ "page_faults", PERF_COUNT_SW_PAGE_FAULTS, true },
	{ "minor_faults", PERF_COUNT_SW_PAGE_FAULTS_MIN, true },
	{ "major_faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ, true },
	{ "context_switches", PERF_COUNT_SW_CONTEXT_SWITCHES, false },
	{ "cpu_migrations", PERF_COUNT_SW_CPU_MIGRATIONS, false },
};
#define N_SW ((int)(sizeof(sw_defs) / sizeof(sw_defs[0])))

/* the fault counts of getrusage(), what replaces the per-fault software
 * events when they are kept out of the timed region (apart) */
enum {
	RU_PAGE,
	RU_MINOR,
	RU_MAJOR,
	N_RU
};
static const char *const ru_names[N_RU] = { "page_faults", "minor_faults",
					    "major_faults" };

static const char *const vm_names[] = {
	"nr_tlb_remote_flush",	  "nr_tlb_remote_flush_received",
	"nr_tlb_local_flush_all", "nr_tlb_local_flush_one",
	"thp_fault_alloc",	  "thp_fault_fallback",
	"thp_split_pmd",	  "pgfault",
};
#define N_VM ((int)(sizeof(vm_names) / sizeof(vm_names[0])))

static const char *const priv_suffix[N_PRIV] = { "_user", "_kernel" };

struct wb_counters {
	char pmu_state[128];

	struct wb_pgroup hw[MAX_GROUPS];
	int nhw;
	struct hw_event ev[MAX_HW_EVENTS];
	int nev;
	struct hw_metric hm[MAX_HW_METRICS];
	int nhm;

	/* the per-fault software events (swf) apart from the others (sw),
	 * so that they can stay off while the rest count */
	struct wb_pgroup sw, swf;
	int sw_slot[N_SW];
	const char *sw_suffix;

	struct wb_pgroup tp;

	bool apart;
	uint64_t ru_start[N_RU], ru_tot[N_RU];

	int vm_fd;
	uint64_t vm_start[N_VM], vm_tot[N_VM];
	bool vm_found[N_VM], vm_backwards[N_VM];
	char vm_buf[VMSTAT_BUF];

	struct wb_metric_missing missing[WB_MAX_METRICS];
	int nmissing;
};

double wb_counter_scale(uint64_t raw, uint64_t enabled, uint64_t running,
			bool *ok)
{
	bool good = true;
	double v;

	if (running == 0) {
		/* Enabled but never on the PMU: the count is unknown, not 0. */
		good = enabled == 0 && raw == 0;
		v = 0;
	} else if (running > enabled) {
		good = false;
		v = (double)raw;
	} else {
		/* long double keeps 64 bits of mantissa, so raw * enabled
		 * neither overflows nor loses the low bits of raw. */
		v = (double)((long double)raw * (long double)enabled /
			     (long double)running);
	}
	if (ok)
		*ok = good;
	return v;
}

static const char *errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "unknown errno";
}

static void add_missing_to(struct wb_metric_missing *m, int *n,
			   const char *name, const char *suffix,
			   const char *why)
{
	if (*n >= WB_MAX_METRICS)
		return;
	snprintf(m[*n].name, sizeof(m[*n].name), "%s%s", name, suffix);
	snprintf(m[*n].why, sizeof(m[*n].why), "%s", why);
	(*n)++;
}

static void add_missing(struct wb_counters *c, const char *name,
			const char *suffix, const char *why)
{
	add_missing_to(c->missing, &c->nmissing, name, suffix, why);
}

/* The libpfm4 core PMU of this CPU, or NULL. */
static const char *default_pmu(char *buf, size_t len)
{
	pfm_pmu_info_t info;
	int i;

	pfm_for_all_pmus(i)
	{
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(i, &info) != PFM_SUCCESS)
			continue;
		if (info.is_present && info.type == PFM_PMU_TYPE_CORE) {
			snprintf(buf, len, "%s", info.name);
			return buf;
		}
	}
	return NULL;
}

static int find_event(struct wb_counters *c, const char *model,
		      const char *event, int priv)
{
	char str[sizeof(c->ev[0].str)];
	struct hw_event *e;

	snprintf(str, sizeof(str), "%.31s::%.159s", model, event);
	for (int i = 0; i < c->nev; i++)
		if (c->ev[i].priv == priv && !strcmp(c->ev[i].str, str))
			return i;
	if (c->nev >= MAX_HW_EVENTS)
		return -ENOSPC;
	e = &c->ev[c->nev];
	snprintf(e->str, sizeof(e->str), "%s", str);
	e->priv = priv;
	e->group = -1;
	return c->nev++;
}

/* Build the metric -> event map for model from the table. */
static int hw_plan(struct wb_counters *c, const struct wb_event_table *t,
		   const char *model, const char *table_model)
{
	char why[96];

	for (int p = 0; p < N_PRIV; p++) {
		for (int m = 0; m < wb_n_hw_metrics; m++) {
			struct hw_metric *hm = &c->hm[c->nhm];

			memset(hm, 0, sizeof(*hm));
			for (int r = 0; r < t->n; r++) {
				const struct wb_event_row *row = &t->rows[r];
				int e;

				if (strcmp(row->model, table_model) ||
				    strcmp(row->metric, wb_hw_metrics[m]))
					continue;
				if (hm->nev >= MAX_SUM)
					return -E2BIG;
				e = find_event(c, table_model, row->event, p);
				if (e < 0)
					return e;
				hm->ev[hm->nev++] = e;
			}
			if (!hm->nev) {
				snprintf(why, sizeof(why),
					 "no event for PMU model %.32s in "
					 "events.tsv",
					 model);
				add_missing(c, wb_hw_metrics[m], priv_suffix[p],
					    why);
				continue;
			}
			snprintf(hm->name, sizeof(hm->name), "%s%s",
				 wb_hw_metrics[m], priv_suffix[p]);
			c->nhm++;
		}
	}
	return 0;
}

static void hw_open_event(struct wb_counters *c, struct hw_event *e)
{
	struct perf_event_attr a;
	pfm_perf_encode_arg_t arg;
	struct wb_pgroup *g;
	char why[sizeof(e->why)];
	int ret;

	memset(&a, 0, sizeof(a));
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.attr = &a;
	ret = pfm_get_os_event_encoding(e->str, e->priv ? PFM_PLM0 : PFM_PLM3,
					PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		/* Reason first: a long event string is what gets cut. */
		snprintf(why, sizeof(why), "libpfm4: %s: %s", pfm_strerror(ret),
			 e->str);
		memcpy(e->why, why, sizeof(why));
		return;
	}
	ret = -ENOSPC;
	if (c->nhw && c->hw[c->nhw - 1].n < HW_GROUP_MAX) {
		g = &c->hw[c->nhw - 1];
		ret = wb_pgroup_add(g, &a);
		if (ret >= 0) {
			e->group = c->nhw - 1;
			e->slot = ret;
			return;
		}
	}
	/* EINVAL from a member means the group would not fit on the PMU;
	 * the event may still open as the leader of a new group. */
	if ((ret == -EINVAL || ret == -ENOSPC) && c->nhw < MAX_GROUPS) {
		g = &c->hw[c->nhw];
		wb_pgroup_init(g);
		ret = wb_pgroup_add(g, &a);
		if (ret >= 0) {
			e->group = c->nhw++;
			e->slot = ret;
			return;
		}
	}
	snprintf(why, sizeof(why), "perf_event_open gave %s for %s",
		 errname(-ret), e->str);
	memcpy(e->why, why, sizeof(why));
}

static int hw_open(struct wb_counters *c, const char *table, const char *model)
{
	struct wb_event_table t;
	char err[160];
	const char *table_model = model;
	int ret, keep = 0;

	ret = wb_events_parse(table, &t, err, sizeof(err));
	if (ret)
		return ret;
	if (!wb_events_model_rows(&t, model))
		table_model = "perf";
	ret = hw_plan(c, &t, model, table_model);
	wb_events_free(&t);
	if (ret)
		return ret;
	/* Events are in metric order per privilege, so a metric's events
	 * tend to share a group and one time_running. */
	for (int i = 0; i < c->nev; i++)
		hw_open_event(c, &c->ev[i]);
	for (int i = 0; i < c->nhm; i++) {
		struct hw_metric *hm = &c->hm[i];
		const char *why = NULL;

		/* A sum with a term missing would be a wrong number. */
		for (int j = 0; j < hm->nev && !why; j++)
			if (c->ev[hm->ev[j]].group < 0)
				why = c->ev[hm->ev[j]].why;
		if (why)
			add_missing(c, hm->name, "", why);
		else
			c->hm[keep++] = *hm;
	}
	c->nhm = keep;
	if (table_model == model)
		snprintf(c->pmu_state, sizeof(c->pmu_state), "pmu %s", model);
	else
		snprintf(c->pmu_state, sizeof(c->pmu_state),
			 "pmu %s (generic perf events only)", model);
	return 0;
}

static void no_hw(struct wb_counters *c, const char *why)
{
	for (int p = 0; p < N_PRIV; p++)
		for (int m = 0; m < wb_n_hw_metrics; m++)
			add_missing(c, wb_hw_metrics[m], priv_suffix[p], why);
	snprintf(c->pmu_state, sizeof(c->pmu_state), "none: %s", why);
}

static int hw_setup(struct wb_counters *c)
{
	char model[64], why[96];
	int ret;

	ret = pfm_initialize();
	if (ret != PFM_SUCCESS) {
		snprintf(why, sizeof(why), "libpfm4 initialisation failed: %s",
			 pfm_strerror(ret));
		no_hw(c, why);
		return 0;
	}
	ret = wb_perf_probe_cycles();
	if (ret == -EACCES || ret == -EPERM) {
		snprintf(why, sizeof(why),
			 "hardware PMU not allowed: perf_event_open gave %s",
			 errname(-ret));
		no_hw(c, why);
		return 0;
	}
	if (ret) {
		snprintf(why, sizeof(why),
			 "no hardware PMU: perf_event_open(PERF_TYPE_HARDWARE) "
			 "gave %s",
			 errname(-ret));
		no_hw(c, why);
		return 0;
	}
	if (!default_pmu(model, sizeof(model)))
		snprintf(model, sizeof(model), "unknown");
	return hw_open(c, wb_data_events_tsv, model);
}

/* Software events are counted by the kernel for the task itself, so
 * user and kernel are one count; only if kernel counting is refused
 * (perf_event_paranoid) are they counted in user mode and named _user. */
static void sw_setup(struct wb_counters *c)
{
	struct perf_event_attr a;
	char why[96];
	int ret;

	wb_pgroup_init(&c->sw);
	wb_pgroup_init(&c->swf);
	c->sw_suffix = "";
	for (int i = 0; i < N_SW; i++) {
		struct wb_pgroup *g = sw_defs[i].per_fault ? &c->swf : &c->sw;

		memset(&a, 0, sizeof(a));
		a.type = PERF_TYPE_SOFTWARE;
		a.config = sw_defs[i].config;
		a.exclude_kernel = *c->sw_suffix != '\0';
		a.exclude_hv = 1;
		ret = wb_pgroup_add(g, &a);
		if ((ret == -EACCES || ret == -EPERM) && !c->sw.n &&
		    !c->swf.n) {
			c->sw_suffix = "_user";
			a.exclude_kernel = 1;
			ret = wb_pgroup_add(g, &a);
		}
		c->sw_slot[i] = ret;
		if (ret < 0) {
			snprintf(why, sizeof(why),
				 "perf_event_open(PERF_TYPE_SOFTWARE) gave %s",
				 errname(-ret));
			add_missing(c, sw_defs[i].name, c->sw_suffix, why);
		}
	}
}

static int tracepoint_id(uint64_t *id)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/events/tlb/tlb_flush/id",
		"/sys/kernel/debug/tracing/events/tlb/tlb_flush/id",
	};
	unsigned long long v;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *f = fopen(paths[i], "re");
		int n;

		if (!f)
			continue;
		n = fscanf(f, "%llu", &v);
		fclose(f);
		if (n == 1) {
			*id = v;
			return 0;
		}
	}
	return -ENOENT;
}

static void tp_setup(struct wb_counters *c)
{
	struct perf_event_attr a;
	uint64_t id;
	char why[96];
	int ret;

	wb_pgroup_init(&c->tp);
	if (tracepoint_id(&id)) {
		/* Mounting tracefs would change the system; say so instead. */
		add_missing(c, "tlb_flush", "",
			    "tlb:tlb_flush id not found: tracefs not mounted "
			    "or no tlb events");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = id;
	ret = wb_pgroup_add(&c->tp, &a);
	if (ret < 0) {
		snprintf(why, sizeof(why),
			 "perf_event_open(tracepoint tlb:tlb_flush) gave %s",
			 errname(-ret));
		add_missing(c, "tlb_flush", "", why);
	}
}

static int vm_read(struct wb_counters *c, uint64_t *vals)
{
	size_t len = 0;
	ssize_t got;

	do {
		got = pread(c->vm_fd, c->vm_buf + len, VMSTAT_BUF - 1 - len,
			    (off_t)len);
		if (got < 0)
			return -errno;
		len += (size_t)got;
	} while (got > 0 && len < VMSTAT_BUF - 1);
	c->vm_buf[len] = '\0';
	return wb_vmstat_parse(c->vm_buf, vm_names, N_VM, vals, c->vm_found);
}

static void vm_setup(struct wb_counters *c)
{
	uint64_t vals[N_VM];
	char why[96];

	c->vm_fd = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
	if (c->vm_fd < 0 || vm_read(c, vals)) {
		snprintf(why, sizeof(why), "/proc/vmstat not readable");
		for (int i = 0; i < N_VM; i++)
			add_missing(c, "vmstat_", vm_names[i], why);
		if (c->vm_fd >= 0)
			close(c->vm_fd);
		c->vm_fd = -1;
		return;
	}
	for (int i = 0; i < N_VM; i++) {
		if (c->vm_found[i])
			continue;
		add_missing(c, "vmstat_", vm_names[i],
			    !strncmp(vm_names[i], "nr_tlb_", 7)
				    ? "not in /proc/vmstat: kernel built "
				      "without CONFIG_DEBUG_TLBFLUSH"
				    : "not in /proc/vmstat on this kernel");
	}
}

static int open_common(const char *table, const char *model,
		       struct wb_counters **out)
{
	struct wb_counters *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	c->vm_fd = -1;
	if (!table) {
		ret = hw_setup(c);
	} else {
		ret = pfm_initialize();
		ret = ret == PFM_SUCCESS ? hw_open(c, table, model) : -EIO;
	}
	if (ret) {
		wb_counters_close(c);
		return ret;
	}
	sw_setup(c);
	tp_setup(c);
	vm_setup(c);
	*out = c;
	return 0;
}

int wb_counters_open(struct wb_counters **out)
{
	return open_common(NULL, NULL, out);
}

int wb_counters_open_table(const char *table, const char *model,
			   struct wb_counters **out)
{
	return open_common(table, model, out);
}

void wb_counters_set_apart(struct wb_counters *c, bool apart)
{
	c->apart = apart;
}

static int ru_read(uint64_t *v)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -errno;
	v[RU_MINOR] = (uint64_t)ru.ru_minflt;
	v[RU_MAJOR] = (uint64_t)ru.ru_majflt;
	v[RU_PAGE] = v[RU_MINOR] + v[RU_MAJOR];
	return 0;
}

int wb_counters_start(struct wb_counters *c)
{
	int ret;

	if (c->vm_fd >= 0) {
		ret = vm_read(c, c->vm_start);
		if (ret)
			return ret;
	}
	ret = c->apart ? ru_read(c->ru_start) : 0;
	if (!ret)
		ret = wb_pgroup_start(&c->sw);
	if (!ret && !c->apart)
		ret = wb_pgroup_start(&c->swf);
	if (!ret && !c->apart)
		ret = wb_pgroup_start(&c->tp);
	/* Hardware last on, first off: its window is the tightest. */
	for (int i = 0; i < c->nhw && !ret; i++)
		ret = wb_pgroup_start(&c->hw[i]);
	return ret;
}

int wb_counters_stop(struct wb_counters *c)
{
	uint64_t now[N_VM], ru[N_RU], d;
	int ret = 0;

	for (int i = 0; i < c->nhw && !ret; i++)
		ret = wb_pgroup_stop(&c->hw[i]);
	if (!ret && !c->apart)
		ret = wb_pgroup_stop(&c->tp);
	if (!ret && !c->apart)
		ret = wb_pgroup_stop(&c->swf);
	if (!ret)
		ret = wb_pgroup_stop(&c->sw);
	if (!ret && c->apart) {
		ret = ru_read(ru);
		for (int i = 0; i < N_RU && !ret; i++)
			c->ru_tot[i] += ru[i] - c->ru_start[i];
	}
	if (!ret && c->vm_fd >= 0) {
		ret = vm_read(c, now);
		for (int i = 0; i < N_VM && !ret; i++) {
			if (!c->vm_found[i])
				continue;
			/* vm_read() fills now[] whenever it returns 0 (the
			 * analyzer supposes a failed pread() may leave errno 0) */
			// NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage)
			if (wb_vmstat_delta(c->vm_start[i], now[i], &d))
				c->vm_backwards[i] = true;
			else
				c->vm_tot[i] += d;
		}
	}
	return ret;
}

static struct wb_metric_value *add_value(struct wb_counter_values *out,
					 const char *name, const char *suffix,
					 const char *source)
{
	struct wb_metric_value *v;

	if (out->n >= WB_MAX_METRICS)
		return NULL;
	v = &out->v[out->n++];
	snprintf(v->name, sizeof(v->name), "%s%s", name, suffix);
	v->source = source;
	v->value = 0;
	v->scale = 1.0;
	return v;
}

static void read_group_metric(struct wb_counter_values *out,
			      const struct wb_pgroup *g, int slot,
			      const char *name, const char *suffix,
			      const char *source)
{
	struct wb_metric_value *v;
	bool ok;
	double val = wb_counter_scale(g->tot[slot], g->tot_en, g->tot_run, &ok);

	if (!ok) {
		add_missing_to(out->missing, &out->nmissing, name, suffix,
			       "counter enabled but never scheduled");
		return;
	}
	v = add_value(out, name, suffix, source);
	if (!v)
		return;
	v->value = val;
	v->scale = g->tot_run ? (double)g->tot_en / (double)g->tot_run : 1.0;
}

static void read_hw(const struct wb_counters *c, struct wb_counter_values *out)
{
	for (int i = 0; i < c->nhm; i++) {
		const struct hw_metric *hm = &c->hm[i];
		struct wb_metric_value *v;
		double sum = 0, scale = 1.0;
		bool all_ok = true;

		for (int j = 0; j < hm->nev; j++) {
			const struct hw_event *e = &c->ev[hm->ev[j]];
			const struct wb_pgroup *g = &c->hw[e->group];
			bool ok;

			sum += wb_counter_scale(g->tot[e->slot], g->tot_en,
						g->tot_run, &ok);
			all_ok &= ok;
			if (g->tot_run &&
			    (double)g->tot_en / g->tot_run > scale)
				scale = (double)g->tot_en / g->tot_run;
		}
		if (!all_ok) {
			add_missing_to(out->missing, &out->nmissing, hm->name,
				       "",
				       "multiplexed out: never on the PMU "
				       "while enabled");
			continue;
		}
		v = add_value(out, hm->name, "", "pmu");
		if (!v)
			return;
		v->value = sum;
		v->scale = scale;
	}
}

/* A per-fault software event that getrusage() stands in for. */
static bool ru_replaces(const struct wb_counters *c, const char *name)
{
	char full[48];

	for (int i = 0; i < N_SW; i++) {
		snprintf(full, sizeof(full), "%s%s", sw_defs[i].name,
			 c->sw_suffix);
		if (sw_defs[i].per_fault && !strcmp(full, name))
			return true;
	}
	return false;
}

int wb_counters_read(struct wb_counters *c, struct wb_counter_values *out)
{
	struct wb_metric_value *v;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < c->nmissing; i++)
		if (!c->apart || !ru_replaces(c, c->missing[i].name))
			out->missing[out->nmissing++] = c->missing[i];
	read_hw(c, out);
	for (int i = 0; i < N_SW; i++) {
		if (c->sw_slot[i] < 0 || (sw_defs[i].per_fault && c->apart))
			continue;
		read_group_metric(out, sw_defs[i].per_fault ? &c->swf : &c->sw,
				  c->sw_slot[i], sw_defs[i].name, c->sw_suffix,
				  "software");
	}
	for (int i = 0; c->apart && i < N_RU; i++) {
		v = add_value(out, ru_names[i], "", "rusage");
		if (v)
			v->value = (double)c->ru_tot[i];
	}
	if (c->tp.n && c->apart)
		add_missing_to(out->missing, &out->nmissing, "tlb_flush", "",
			       "off while timed (its cost per flush would be "
			       "in the time): counted apart");
	else if (c->tp.n)
		read_group_metric(out, &c->tp, 0, "tlb_flush", "",
				  "tracepoint");
	for (int i = 0; c->vm_fd >= 0 && i < N_VM; i++) {
		if (!c->vm_found[i])
			continue;
		if (c->vm_backwards[i]) {
			add_missing_to(out->missing, &out->nmissing, "vmstat_",
				       vm_names[i],
				       "/proc/vmstat counter went backwards");
			continue;
		}
		v = add_value(out, "vmstat_", vm_names[i], "vmstat");
		if (v)
			v->value = (double)c->vm_tot[i];
	}
	return 0;
}

void wb_counters_reset(struct wb_counters *c)
{
	for (int i = 0; i < c->nhw; i++)
		wb_pgroup_reset(&c->hw[i]);
	wb_pgroup_reset(&c->sw);
	wb_pgroup_reset(&c->swf);
	wb_pgroup_reset(&c->tp);
	memset(c->ru_tot, 0, sizeof(c->ru_tot));
	memset(c->vm_tot, 0, sizeof(c->vm_tot));
	memset(c->vm_backwards, 0, sizeof(c->vm_backwards));
}

void wb_counters_close(struct wb_counters *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nhw; i++)
		wb_pgroup_close(&c->hw[i]);
	wb_pgroup_close(&c->sw);
	wb_pgroup_close(&c->swf);
	wb_pgroup_close(&c->tp);
	if (c->vm_fd >= 0)
		close(c->vm_fd);
	free(c);
}

const char *wb_counters_pmu_state(const struct wb_counters *c)
{
	return c->pmu_state;
}
