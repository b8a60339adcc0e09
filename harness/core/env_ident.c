// SPDX-License-Identifier: MIT
/*
 * A stand-in machine identity for test builds (env.h). The CLI tests must
 * mean the same thing on every CPU walkbench meets; running them under the
 * identity of a machine we do not have is how `make test-matrix` shows it
 * without that machine. Only what decides behaviour (identity strings, the
 * page sizes offered, KVM) can be replaced; what is measured never is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"

static int parse_uint(const char *v, unsigned int *out)
{
	char *end;
	unsigned long n;

	if (!*v)
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 0);
	if (errno || *end || n > 0xffffu)
		return -EINVAL;
	*out = (unsigned int)n;
	return 0;
}

static int parse_uint_max(const char *v, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long n;

	if (!*v)
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n > max)
		return -EINVAL;
	*out = (unsigned int)n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcmp(v, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "no")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int copy_str(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -EINVAL;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* "none" takes the pools away; "2M", "1G" or "2M,1G" keeps those that the
 * machine has (a pool cannot be conjured: its pages are real memory). */
static int apply_hugetlb(struct wb_sysinfo *s, const char *v)
{
	bool want2 = false, want1 = false;

	if (strcmp(v, "none")) {
		want2 = strstr(v, "2M") != NULL;
		want1 = strstr(v, "1G") != NULL;
		if (!want2 && !want1)
			return -EINVAL;
	}
	if (!want2) {
		s->hugetlb_2m = false;
		s->hugetlb_2m_total = s->hugetlb_2m_free = 0;
	}
	if (!want1) {
		s->hugetlb_1g = false;
		s->hugetlb_1g_total = s->hugetlb_1g_free = 0;
	}
	return 0;
}

static int apply_one(struct wb_sysinfo *s, const char *k, const char *v)
{
	if (!strcmp(k, "vendor"))
		return copy_str(s->vendor, sizeof(s->vendor), v);
	if (!strcmp(k, "family"))
		return parse_uint(v, &s->family);
	if (!strcmp(k, "model"))
		return parse_uint(v, &s->model);
	if (!strcmp(k, "model_name"))
		return copy_str(s->model_name, sizeof(s->model_name), v);
	if (!strcmp(k, "kernel"))
		return copy_str(s->kernel, sizeof(s->kernel), v);
	if (!strcmp(k, "hypervisor")) {
		s->has_hypervisor_flag = *v != 0;
		return copy_str(s->hypervisor, sizeof(s->hypervisor), v);
	}
	if (!strcmp(k, "thp")) {
		/* "none": a kernel built without THP has no sysfs file */
		if (!strcmp(v, "none")) {
			s->thp_enabled[0] = 0;
			return 0;
		}
		if (strcmp(v, "always") && strcmp(v, "madvise") &&
		    strcmp(v, "never"))
			return -EINVAL;
		return copy_str(s->thp_enabled, sizeof(s->thp_enabled), v);
	}
	if (!strcmp(k, "hugetlb"))
		return apply_hugetlb(s, v);
	if (!strcmp(k, "kvm"))
		return parse_bool(v, &s->kvm_usable);
	if (!strcmp(k, "pdpe1gb"))
		return parse_bool(v, &s->pdpe1gb);
	if (!strcmp(k, "arch")) {
		if (strcmp(v, "x86_64") && strcmp(v, "aarch64"))
			return -EINVAL;
		return copy_str(s->arch, sizeof(s->arch), v);
	}
	if (!strcmp(k, "page_size")) {
		unsigned int ps;

		if (parse_uint_max(v, 65536, &ps) ||
		    (ps != 4096 && ps != 16384 && ps != 65536))
			return -EINVAL;
		s->page_size = ps;
		return 0;
	}
	if (!strcmp(k, "va_bits"))
		return parse_uint_max(v, 64, &s->va_bits);
	if (!strcmp(k, "pt_levels"))
		return parse_uint_max(v, 5, &s->pt_levels);
	return -ENOENT;
}

int wb_env_apply_identity(struct wb_sysinfo *s, const char *spec, char *bad,
			  size_t len)
{
	struct wb_sysinfo t;
	char *buf, *save, *tok;
	int err = 0;

	if (!s || !spec || !*spec)
		return -EINVAL;
	if (strlen(spec) >= sizeof(s->test_identity)) {
		snprintf(bad, len, "longer than %zu characters",
			 sizeof(s->test_identity) - 1);
		return -EINVAL;
	}
	buf = strdup(spec);
	if (!buf)
		return -ENOMEM;
	/* all or nothing: a half-applied identity would be a third machine */
	t = *s;
	for (tok = strtok_r(buf, ";", &save); tok && !err;
	     tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			snprintf(bad, len, "'%s' is not key=value", tok);
			err = -EINVAL;
			break;
		}
		*eq = 0;
		err = apply_one(&t, tok, eq + 1);
		if (err == -ENOENT)
			snprintf(bad, len, "unknown key '%s'", tok);
		else if (err)
			snprintf(bad, len, "bad value '%s' for %s", eq + 1,
				 tok);
	}
	free(buf);
	if (err)
		return -EINVAL;
	snprintf(t.test_identity, sizeof(t.test_identity), "%s", spec);
	*s = t;
	return 0;
}
