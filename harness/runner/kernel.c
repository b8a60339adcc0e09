// SPDX-License-Identifier: MIT
/* The helpers of the kernel contract (kernel.h) that kernels call. */
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

int wb_fact(struct wb_facts *f, const char *name, double value)
{
	for (int i = 0; i < f->n; i++) {
		if (!strcmp(f->kv[i].name, name)) {
			f->kv[i].value = value;
			return 0;
		}
	}
	if (f->n >= WB_MAX_KV)
		return -ENOSPC;
	snprintf(f->kv[f->n].name, sizeof(f->kv[0].name), "%s", name);
	f->kv[f->n++].value = value;
	return 0;
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
	return 0;
}
