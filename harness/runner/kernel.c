// SPDX-License-Identifier: MIT
/* The helpers of the kernel contract (kernel.h) that kernels call. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner/kernel.h"

/* wb_kernels[] is generated from kernels/kernels.def (Makefile): the
 * harness never includes the kernels it runs. */

const struct wb_kernel *wb_kernel_find(const char *name)
{
	for (int i = 0; wb_kernels[i]; i++)
		if (!strcmp(wb_kernels[i]->name, name))
			return wb_kernels[i];
	return NULL;
}

bool wb_selector_valid(const char *name)
{
	for (int i = 0; wb_kernels[i]; i++)
		if (!strcmp(wb_kernels[i]->name, name) ||
		    !strcmp(wb_kernels[i]->suite, name))
			return true;
	return false;
}

int wb_param_index(const struct wb_kernel *k, const char *name)
{
	for (int i = 0; k->params && k->params[i].name; i++)
		if (!strcmp(k->params[i].name, name))
			return i;
	return -ENOENT;
}

const struct wb_xcheck *wb_kernel_versus(const struct wb_kernel *k)
{
	for (const struct wb_xcheck *x = k->xchecks; x && x->kind; x++)
		if (x->kind == WB_XCHECK_HUGE_VS_BASE && x->param)
			return x;
	return NULL;
}

const char *wb_param_value_name(const struct wb_param *p, uint64_t v)
{
	for (uint64_t i = 0; p->names && p->names[i]; i++)
		if (i == v)
			return *p->names[i] ? p->names[i] : NULL;
	return NULL;
}

uint64_t wb_param(const struct wb_ctx *ctx, const char *name)
{
	int i = wb_param_index(ctx->kernel, name);

	return i < 0 ? 0 : ctx->param[i];
}

int wb_refuse(struct wb_ctx *ctx, enum wb_status st, int err, const char *fmt,
	      ...)
{
	va_list ap;

	ctx->status = st;
	va_start(ap, fmt);
	vsnprintf(ctx->why, sizeof(ctx->why), fmt, ap);
	va_end(ap);
	return err > 0 ? -err : (err ? err : -EINVAL);
}

static const char *const source_words[] = {
	"pagemap",    "kpageflags", "smaps", "status", "vmstat",     "meminfo",
	"interrupts", "timing",	    "cpuid", "sysfs",  "experiment", NULL,
};

/* One word of @s, [s, s + n): a vocabulary word or perf:<event>. */
static bool source_word(const char *s, size_t n)
{
	if (n > 5 && !strncmp(s, "perf:", 5)) {
		for (size_t i = 5; i < n; i++)
			if (!islower((unsigned char)s[i]) &&
			    !isdigit((unsigned char)s[i]) &&
			    !strchr("_-:.", s[i]))
				return false;
		return true;
	}
	for (int i = 0; source_words[i]; i++)
		if (strlen(source_words[i]) == n &&
		    !strncmp(source_words[i], s, n))
			return true;
	return false;
}

bool wb_source_valid(const char *source)
{
	const char *s = source;

	if (!s || !*s || strlen(s) >= WB_SOURCE_LEN)
		return false;
	for (;;) {
		const char *plus = strchr(s, '+');
		size_t n = plus ? (size_t)(plus - s) : strlen(s);

		if (!source_word(s, n))
			return false;
		if (!plus)
			return true;
		s = plus + 1;
	}
}

static int kv_set(struct wb_kv *kv, int *n, int max, const char *name,
		  double value, const char *source)
{
	int i;

	if (!wb_source_valid(source))
		return -EINVAL;
	for (i = 0; i < *n && strcmp(kv[i].name, name); i++)
		;
	if (i == *n) {
		if (*n >= max)
			return -ENOSPC;
		snprintf(kv[i].name, sizeof(kv[i].name), "%s", name);
		(*n)++;
	}
	kv[i].value = value;
	snprintf(kv[i].source, sizeof(kv[i].source), "%s", source);
	return 0;
}

int wb_fact(struct wb_facts *f, const char *name, double value,
	    const char *source)
{
	return kv_set(f->kv, &f->n, WB_MAX_KV, name, value, source);
}

int wb_input(struct wb_facts *f, const char *name, double value,
	     const char *source)
{
	return kv_set(f->input, &f->ninput, WB_MAX_INPUTS, name, value, source);
}

int wb_fact_uncounted(struct wb_facts *f, const char *name, const char *why)
{
	int n = f->nuncounted;

	if (!name || !*name || !why || !*why)
		return -EINVAL;
	if (n >= (int)(sizeof(f->uncounted) / sizeof(f->uncounted[0])))
		return -ENOSPC;
	snprintf(f->uncounted[n].name, sizeof(f->uncounted[n].name), "%s",
		 name);
	snprintf(f->uncounted[n].why, sizeof(f->uncounted[n].why), "%s", why);
	f->nuncounted++;
	return 0;
}

int wb_facts_add(struct wb_facts *f, const struct wb_fact_row *rows, size_t n)
{
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		err = wb_fact(f, rows[i].name, rows[i].value, rows[i].source);
	return err;
}

int wb_predict(struct wb_prediction *p, const char *quantity, double value,
	       enum wb_tolerance kind, double tol, const char *basis)
{
	struct wb_pred_item *it;

	if (p->n >= (int)(sizeof(p->item) / sizeof(p->item[0])))
		return -ENOSPC;
	it = &p->item[p->n++];
	snprintf(it->quantity, sizeof(it->quantity), "%s", quantity);
	it->value = value;
	it->tol_kind = kind;
	it->tol = tol;
	snprintf(it->basis, sizeof(it->basis), "%s", basis ? basis : "");
	it->coalesced_pages = 0;
	return 0;
}
