// SPDX-License-Identifier: MIT
/*
 * The environment probe on this machine: fields are sane, agree with what
 * the kernel itself reports, and the JSON carries them all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/env.h"

static const char *const json_keys[] = {
	"arch",
	"vendor",
	"family",
	"model",
	"stepping",
	"model_name",
	"microcode",
	"kernel",
	"hypervisor",
	"hypervisor_flag",
	"thp_enabled",
	"thp_defrag",
	"hugetlb_2m",
	"hugetlb_2m_total_pages",
	"hugetlb_2m_free_pages",
	"hugetlb_1g",
	"hugetlb_1g_total_pages",
	"hugetlb_1g_free_pages",
	"pdpe1gb",
	"la57",
	"la57_active",
	"page_size",
	"va_bits",
	"pt_levels",
	"clocksource",
	"governor",
	"l1d_size_bytes",
	"l1d_ways",
	"l1d_line_bytes",
	"l2_size_bytes",
	"l2_ways",
	"l2_line_bytes",
	"llc_size_bytes",
	"llc_ways",
	"llc_line_bytes",
	"ncpus_online",
	"kvm_usable",
	"pmu_hw",
	"pmu_name",
	"root",
	"mem_total_bytes",
	"mem_available_bytes",
	"missing",
};

static int setup(void **state)
{
	struct wb_sysinfo *s = calloc(1, sizeof(*s));

	if (!s || wb_env_probe(s))
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static bool missing(const struct wb_sysinfo *s, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = s->missing; (p = strstr(p, name)); p += n)
		if ((p == s->missing || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

static bool one_of(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

/* "cpu family : 6" from the kernel, to compare with our CPUID decoding. */
static int cpuinfo_uint(const char *key, unsigned int *v)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int ok = -1;

	if (!f)
		return -1;
	while (ok && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!strncmp(line, key, strlen(key)) && c &&
		    (line[strlen(key)] == '\t' || line[strlen(key)] == ' ')) {
			*v = (unsigned int)strtoul(c + 1, NULL, 0);
			ok = 0;
		}
	}
	fclose(f);
	return ok;
}

static void test_probe_fields(void **state)
{
	const struct wb_sysinfo *s = *state;
	static const char *const thp_enabled[] = { "always", "madvise", "never",
						   NULL };
	static const char *const thp_defrag[] = { "always",	   "defer",
						  "defer+madvise", "madvise",
						  "never",	   NULL };
	struct utsname u;
	unsigned int v;

	print_message("# %s family %u model %u stepping %u \"%s\"\n", s->vendor,
		      s->family, s->model, s->stepping, s->model_name);
	print_message("# hypervisor \"%s\" thp %s/%s la57 %d active %d "
		      "kvm %d pmu_hw %d pmu \"%s\"\n",
		      s->hypervisor, s->thp_enabled, s->thp_defrag, s->la57,
		      s->la57_active, s->kvm_usable, s->pmu_hw, s->pmu_name);
	print_message("# missing: %s\n", s->missing[0] ? s->missing : "none");

	assert_true(s->vendor[0]);
	assert_true(s->model_name[0]);
	/* the regime as the kernel has it */
	assert_int_equal(uname(&u), 0);
	assert_string_equal(s->arch, u.machine);
	assert_int_equal(s->page_size, (uint64_t)sysconf(_SC_PAGESIZE));
	if (!strcmp(u.machine, "x86_64")) {
		assert_int_equal(s->pt_levels, s->la57_active ? 5 : 4);
		assert_int_equal(s->va_bits, s->la57_active ? 57 : 48);
	}
	assert_true(s->ncpus_online >= 1);
	assert_int_equal(uname(&u), 0);
	assert_string_equal(s->kernel, u.release);
	assert_int_equal(s->root, geteuid() == 0);
	/* Our CPUID decoding must agree with the kernel's. */
	if (!cpuinfo_uint("cpu family", &v))
		assert_int_equal(s->family, v);
	if (!cpuinfo_uint("model", &v))
		assert_int_equal(s->model, v);
	if (!cpuinfo_uint("stepping", &v))
		assert_int_equal(s->stepping, v);

	if (missing(s, "thp_enabled"))
		assert_string_equal(s->thp_enabled, "");
	else
		assert_true(one_of(s->thp_enabled, thp_enabled));
	if (missing(s, "thp_defrag"))
		assert_string_equal(s->thp_defrag, "");
	else
		assert_true(one_of(s->thp_defrag, thp_defrag));

	assert_int_equal(
		s->hugetlb_2m,
		!access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK));
	assert_true(s->hugetlb_2m_free <= s->hugetlb_2m_total);
	assert_true(s->hugetlb_1g_free <= s->hugetlb_1g_total);
	if (!s->has_hypervisor_flag)
		assert_string_equal(s->hypervisor, "");
	else
		assert_null(memchr(s->hypervisor, 0, strlen(s->hypervisor)));
	/* 5-level paging in use needs a CPU that has it. */
	if (s->la57_active)
		assert_true(s->la57);
	if (access("/dev/kvm", F_OK))
		assert_false(s->kvm_usable);
	if (!missing(s, "l1d")) {
		assert_true(s->l1d.size_bytes >= 4096);
		assert_true(s->l1d.line_bytes >= 16);
	}
	if (!missing(s, "llc"))
		assert_true(s->llc.size_bytes >= s->l1d.size_bytes);
	assert_true(s->mem_total_bytes > 0);
	assert_true(s->mem_available_bytes <= s->mem_total_bytes);
}

static void test_json(void **state)
{
	const struct wb_sysinfo *s = *state;
	json_t *o = wb_env_to_json(s), *m;
	char *text;
	size_t n = 0;

	assert_non_null(o);
	for (size_t i = 0; i < sizeof(json_keys) / sizeof(json_keys[0]); i++) {
		if (!json_object_get(o, json_keys[i]))
			print_message("# key %s absent\n", json_keys[i]);
		assert_non_null(json_object_get(o, json_keys[i]));
	}
	assert_string_equal(json_string_value(json_object_get(o, "vendor")),
			    s->vendor);
	assert_int_equal(
		json_integer_value(json_object_get(o, "l1d_size_bytes")),
		s->l1d.size_bytes);
	assert_true(json_is_boolean(json_object_get(o, "pmu_hw")));
	m = json_object_get(o, "missing");
	assert_true(json_is_array(m));
	/* missing[] in the JSON lists exactly the struct's names. */
	for (const char *p = s->missing; *p; p++)
		n += *p == ',';
	assert_int_equal(json_array_size(m), s->missing[0] ? n + 1 : 0);
	text = json_dumps(o, JSON_COMPACT);
	assert_non_null(text);
	free(text);
	json_decref(o);
}

/* A stand-in identity replaces what it names, marks the record, and is
 * applied whole or not at all. */
static void test_identity(void **state)
{
	const struct wb_sysinfo *real = *state;
	struct wb_sysinfo s = *real;
	char bad[128] = "";
	json_t *o;

	assert_int_equal(wb_env_apply_identity(
				 &s,
				 "vendor=AuthenticAMD;family=25;model=1;"
				 "model_name=Test CPU B;hypervisor=;thp=none;"
				 "hugetlb=none;kvm=1;pdpe1gb=0",
				 bad, sizeof(bad)),
			 0);
	assert_string_equal(s.vendor, "AuthenticAMD");
	assert_int_equal(s.family, 25);
	assert_int_equal(s.model, 1);
	assert_string_equal(s.model_name, "Test CPU B");
	assert_string_equal(s.hypervisor, "");
	assert_false(s.has_hypervisor_flag);
	assert_string_equal(s.thp_enabled, "");
	assert_false(s.hugetlb_2m || s.hugetlb_1g);
	assert_int_equal(s.hugetlb_2m_total + s.hugetlb_1g_free, 0);
	assert_true(s.kvm_usable);
	assert_false(s.pdpe1gb);
	/* what was not named stays as measured */
	assert_string_equal(s.kernel, real->kernel);
	assert_int_equal(s.mem_total_bytes, real->mem_total_bytes);
	o = wb_env_to_json(&s);
	assert_non_null(o);
	assert_string_equal(
		json_string_value(json_object_get(o, "test_identity")),
		s.test_identity);
	json_decref(o);
	o = wb_env_to_json(real);
	assert_null(json_object_get(o, "test_identity"));
	json_decref(o);

	/* each bad part is named, and nothing is applied */
	static const struct {
		const char *spec, *bad;
	} cases[] = {
		{ "vendor=AuthenticAMD;model=x", "bad value 'x' for model" },
		{ "family=1;colour=red", "unknown key 'colour'" },
		{ "thp=sometimes", "bad value 'sometimes' for thp" },
		{ "hugetlb=4M", "bad value '4M' for hugetlb" },
		{ "kvm=maybe", "bad value 'maybe' for kvm" },
		{ "model=70000", "bad value '70000' for model" },
		{ "vendor", "'vendor' is not key=value" },
		{ "vendor=AuthenticAMDAuthenticAMD", "bad value" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = *real;
		bad[0] = 0;
		assert_int_equal(wb_env_apply_identity(&s, cases[i].spec, bad,
						       sizeof(bad)),
				 -EINVAL);
		if (!strstr(bad, cases[i].bad))
			print_message("# '%s': '%s'\n", cases[i].spec, bad);
		assert_non_null(strstr(bad, cases[i].bad));
		assert_memory_equal(&s, real, sizeof(s));
	}
	assert_int_equal(wb_env_apply_identity(&s, "", bad, sizeof(bad)),
			 -EINVAL);
}

/* writes @text to @root/@rel, making the directories on the way */
static void put(const char *root, const char *rel, const char *text)
{
	char p[512], *slash;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (slash = strchr(p + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(p, 0755);
		*slash = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void put_all(const char *root, const char *const *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char rel[256], *eq;

		snprintf(rel, sizeof(rel), "%s\n", kv[i]);
		eq = strchr(rel, '=');
		assert_non_null(eq);
		*eq = 0;
		put(root, rel, eq + 1);
	}
}

/* DAMON in synthetic sysfs trees: none, off, and what runs */
static void test_damon(void **state)
{
	char root[] = "/tmp/wb-damon.XXXXXX", admin[64], mods[64], out[160];

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(admin, sizeof(admin), "%s/admin", root);
	snprintf(mods, sizeof(mods), "%s/module", root);
	assert_int_equal(wb_env_damon(admin, mods, out, sizeof(out)), 0);
	assert_string_equal(out, "none");
	/* "path=text" lines: what each step writes */
	static const char *const off[] = {
		"admin/kdamonds/nr_kdamonds=2",
		"admin/kdamonds/0/state=off",
		"admin/kdamonds/1/state=off",
		"module/damon_reclaim/parameters/enabled=N",
	};
	/* as a cloud image's boot left it: paddr, pageout of idle memory */
	static const char *const on[] = {
		"admin/kdamonds/0/state=on",
		"admin/kdamonds/0/contexts/0/operations=paddr",
		"admin/kdamonds/0/contexts/0/schemes/nr_schemes=2",
		"admin/kdamonds/0/contexts/0/schemes/0/action=pageout",
		"admin/kdamonds/0/contexts/0/schemes/1/action=hugepage",
		"admin/kdamonds/1/state=on",
		"admin/kdamonds/1/contexts/0/operations=vaddr",
		"admin/kdamonds/1/contexts/0/schemes/nr_schemes=0",
		"module/damon_lru_sort/parameters/enabled=Y",
	};
	put_all(root, off, sizeof(off) / sizeof(off[0]));
	assert_int_equal(wb_env_damon(admin, mods, out, sizeof(out)), 0);
	assert_string_equal(out, "off");
	put_all(root, on, sizeof(on) / sizeof(on[0]));
	assert_int_equal(wb_env_damon(admin, mods, out, sizeof(out)), 0);
	assert_string_equal(out, "kdamond 0 on: paddr: pageout, hugepage; "
				 "kdamond 1 on: vaddr (monitoring only); "
				 "damon_lru_sort on");
	put(root, "admin/kdamonds/nr_kdamonds", "many\n");
	assert_int_equal(wb_env_damon(admin, mods, out, sizeof(out)), -EIO);
	snprintf(out, sizeof(out), "rm -rf %s", root);
	assert_int_equal(system(out), 0);
}

static void test_null(void **state)
{
	(void)state;
	assert_int_not_equal(wb_env_probe(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_fields),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_damon),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
