// SPDX-License-Identifier: MIT
/*
 * Guest/native pairing shared by vm pair and plot (vm_pairing.h). Only a
 * hardware-assisted guest on the same machine is paired: an emulated (TCG)
 * guest's timings say nothing about nested paging.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/walk.h"
#include "results/resultsread.h"
#include "results/vm_pairing.h"

json_t *wb_pair_wb(const json_t *root)
{
	json_t *wb = json_object_get(json_object_get(root, "context"),
				     "walkbench");

	return json_is_object(wb) ? wb : NULL;
}

bool wb_pair_is_guest(const json_t *wb)
{
	return json_object_get(wb, "guest") != NULL;
}

bool wb_pair_emulated(const json_t *wb)
{
	return json_is_true(json_object_get(wb, "emulated"));
}

static const char *env_str(const json_t *env, const char *k)
{
	const char *s = json_string_value(json_object_get(env, k));

	return s ? s : "";
}

static bool same_int(const json_t *a, const json_t *b, const char *k)
{
	return json_integer_value(json_object_get(a, k)) ==
	       json_integer_value(json_object_get(b, k));
}

const char *wb_pair_refuse(const json_t *nwb, const json_t *gwb, char *why,
			   size_t len)
{
	json_t *g = json_object_get(gwb, "guest");
	json_t *ne = json_object_get(nwb, "env");
	json_t *he = json_object_get(g, "host_env");
	json_t *fb = json_object_get(g, "fallback_reason");

	if (wb_pair_is_guest(nwb))
		return "the native file comes from a guest";
	if (!json_is_object(g))
		return "the guest file has no context.walkbench.guest "
		       "(not written by walkbench vm run)";
	if (wb_pair_emulated(gwb)) {
		snprintf(why, len,
			 "the guest ran emulated (%s, accel %s): TCG timings "
			 "are not nested-paging costs; only its functional "
			 "facts are results",
			 json_is_string(fb) ? json_string_value(fb)
					    : "TCG was asked for",
			 env_str(g, "accel"));
		return why;
	}
	if (strcmp(env_str(ne, "vendor"), env_str(he, "vendor")) ||
	    !same_int(ne, he, "family") || !same_int(ne, he, "model") ||
	    strcmp(env_str(ne, "model_name"), env_str(he, "model_name"))) {
		snprintf(why, len,
			 "different machines: native '%s' (%s family %lld "
			 "model %lld), guest's host '%s' (%s family %lld "
			 "model %lld)",
			 env_str(ne, "model_name"), env_str(ne, "vendor"),
			 (long long)json_integer_value(
				 json_object_get(ne, "family")),
			 (long long)json_integer_value(
				 json_object_get(ne, "model")),
			 env_str(he, "model_name"), env_str(he, "vendor"),
			 (long long)json_integer_value(
				 json_object_get(he, "family")),
			 (long long)json_integer_value(
				 json_object_get(he, "model")));
		return why;
	}
	return NULL;
}

static uint64_t page_bytes(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "4K"))
		return 4096;
	if (!strcmp(s, "2M"))
		return 2ull << 20;
	if (!strcmp(s, "1G"))
		return 1ull << 30;
	return 0;
}

static const char *median_run(const json_t *b)
{
	const char *a = json_string_value(json_object_get(b, "aggregate_name"));
	const char *n = json_string_value(json_object_get(b, "run_name"));

	return a && n && !strcmp(a, "median") ? n : NULL;
}

static const json_t *median_of(const json_t *root, const char *run)
{
	json_t *b;
	size_t i;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *n = median_run(b);

		if (n && !strcmp(n, run))
			return b;
	}
	return NULL;
}

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/*
 * The translation regime a file's system ran: an arm64 one from its env
 * where it recorded its granule and VA size, else for a guest from what
 * its kernel's package says (guest.kernel_paging), else x86-64 with the
 * env's pt_levels or, in files without them, by la57_active.
 */
static void regime_of(const json_t *env, const json_t *guest,
		      struct wbm_regime *r)
{
	const json_t *kp = json_object_get(guest, "kernel_paging");
	const char *arch = json_string_value(json_object_get(env, "arch"));
	json_int_t l = num(env, "pt_levels");

	if (arch && !strcmp(arch, "aarch64") &&
	    !wbm_regime_arm64((uint64_t)num(env, "page_size"),
			      (int)num(env, "va_bits"), r))
		return;
	if (kp && !wbm_regime_arm64((uint64_t)num(kp, "granule"),
				    (int)num(kp, "va_bits"), r))
		return;
	if (l != 4 && l != 5)
		l = json_is_true(json_object_get(env, "la57_active")) ? 5 : 4;
	wbm_regime_x86((int)l, r);
}

int wb_pair_compute(const json_t *native, const json_t *guest,
		    struct wb_pair *p)
{
	const json_t *gwb = wb_pair_wb(guest);
	const json_t *g = json_object_get(gwb, "guest");
	const json_t *nb = json_object_get(native, "benchmarks"), *b;
	struct wbm_regime reg[2];
	size_t i;

	memset(p, 0, sizeof(*p));
	p->host_backing = json_string_value(json_object_get(g, "host_backing"));
	regime_of(json_object_get(gwb, "env"), g, &reg[0]);
	regime_of(json_object_get(g, "host_env"), NULL, &reg[1]);
	p->levels[0] = reg[0].levels;
	p->levels[1] = reg[1].levels;
	p->rows = calloc(json_array_size(nb) + 1, sizeof(*p->rows));
	if (!p->rows)
		return -ENOMEM;
	json_array_foreach(nb, i, b) {
		const char *run = median_run(b);
		const json_t *gb = run ? median_of(guest, run) : NULL;
		struct wb_pair_row *r = &p->rows[p->n];
		uint64_t pg, ps[2];

		if (!gb)
			continue;
		r->run = run;
		r->native = b;
		r->native_ns = wb_rep_ns(b);
		r->guest_ns = wb_rep_ns(gb);
		r->ratio = r->native_ns > 0 ? r->guest_ns / r->native_ns : NAN;
		pg = page_bytes(json_string_value(json_object_get(
			json_object_get(b, "params"), "page_size")));
		ps[0] = pg ? pg : 4096;
		ps[1] = page_bytes(p->host_backing);
		if (!ps[1])
			ps[1] = 4096;
		wbm_walk_worst_regime(reg, ps, 1, &r->ref1d);
		wbm_walk_worst_regime(reg, ps, 2, &r->ref2d);
		p->n++;
	}
	return 0;
}

void wb_pair_free(struct wb_pair *p)
{
	free(p->rows);
	p->rows = NULL;
	p->n = 0;
}
