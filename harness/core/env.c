// SPDX-License-Identifier: MIT
/*
 * Environment fingerprint (see env.h). Each probe fills its fields or adds
 * its name to missing[]; nothing here fails the whole probe except a NULL
 * argument, because a fingerprint with holes that says where they are is
 * still worth recording.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>
#include <perfmon/pfmlib.h>

#include "arch/arch.h"
#include "core/env.h"
#include "core/sysfs.h"
#include "core/topo_hwloc.h"
#include "counters/perf_open.h"

void wb_env_missing(struct wb_sysinfo *s, const char *name)
{
	size_t n = strlen(s->missing);

	snprintf(s->missing + n, sizeof(s->missing) - n, "%s%s", n ? "," : "",
		 name);
}

/* First line of a small file, without its newline. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		err = -EIO;
	else
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
	return err;
}

static void probe_cpuinfo(struct wb_sysinfo *s)
{
	/* arm64's identity is MIDR's alone: a vendor_id here would be a
	 * foreign /proc/cpuinfo (qemu-user on an x86 host) */
	if (wb_arch_is_arm64(s)) {
		if (wb_cpuinfo_field("microcode", s->microcode,
				     sizeof(s->microcode)))
			wb_env_missing(s, "microcode");
		return;
	}
	if (!s->vendor[0] &&
	    wb_cpuinfo_field("vendor_id", s->vendor, sizeof(s->vendor)))
		wb_env_missing(s, "vendor");
	if (!s->model_name[0] && wb_cpuinfo_field("model name", s->model_name,
						  sizeof(s->model_name)))
		wb_env_missing(s, "model_name");
	if (wb_cpuinfo_field("microcode", s->microcode, sizeof(s->microcode)))
		wb_env_missing(s, "microcode");
}

static void probe_hugetlb(struct wb_sysinfo *s)
{
	static const char base[] = "/sys/kernel/mm/hugepages/hugepages-";
	char p[128];

	snprintf(p, sizeof(p), "%s2048kB", base);
	s->hugetlb_2m = !access(p, F_OK);
	snprintf(p, sizeof(p), "%s1048576kB", base);
	s->hugetlb_1g = !access(p, F_OK);
	if (s->hugetlb_2m) {
		snprintf(p, sizeof(p), "%s2048kB/nr_hugepages", base);
		if (wb_sysfs_u64(p, &s->hugetlb_2m_total))
			wb_env_missing(s, "hugetlb_2m_total");
		snprintf(p, sizeof(p), "%s2048kB/free_hugepages", base);
		if (wb_sysfs_u64(p, &s->hugetlb_2m_free))
			wb_env_missing(s, "hugetlb_2m_free");
	}
	if (s->hugetlb_1g) {
		snprintf(p, sizeof(p), "%s1048576kB/nr_hugepages", base);
		if (wb_sysfs_u64(p, &s->hugetlb_1g_total))
			wb_env_missing(s, "hugetlb_1g_total");
		snprintf(p, sizeof(p), "%s1048576kB/free_hugepages", base);
		if (wb_sysfs_u64(p, &s->hugetlb_1g_free))
			wb_env_missing(s, "hugetlb_1g_free");
	}
}

static void probe_meminfo(struct wb_sysinfo *s)
{
	char line[256];
	unsigned long long kb;
	int found = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) {
				s->mem_total_bytes = kb * 1024;
				found |= 1;
			} else if (sscanf(line, "MemAvailable: %llu kB", &kb) ==
				   1) {
				s->mem_available_bytes = kb * 1024;
				found |= 2;
			}
		}
		fclose(f);
	}
	if (!(found & 1))
		wb_env_missing(s, "mem_total");
	if (!(found & 2))
		wb_env_missing(s, "mem_available");
}

static void probe_caches(struct wb_sysinfo *s)
{
	hwloc_topology_t t;
	hwloc_bitmap_t allowed;
	int cpu = -ENOENT;

	if (wb_topo_load(&t)) {
		wb_env_missing(s, "caches");
		return;
	}
	allowed = hwloc_bitmap_alloc();
	if (allowed && !wb_topo_allowed(t, allowed))
		cpu = wb_topo_default_cpu_in(t, allowed);
	/* The geometry of the PU measurements run on by default. */
	if (cpu < 0 || wb_topo_cache_in(t, cpu, 1, &s->l1d))
		wb_env_missing(s, "l1d");
	if (cpu < 0 || wb_topo_cache_in(t, cpu, 2, &s->l2))
		wb_env_missing(s, "l2");
	if (cpu < 0 || wb_topo_cache_in(t, cpu, 0, &s->llc))
		wb_env_missing(s, "llc");
	hwloc_bitmap_free(allowed);
	hwloc_topology_destroy(t);
}

static bool probe_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
	close(fd);
	return ok;
}

/* Counting user-mode cycles on ourselves: allowed at paranoid level 2. */
static void probe_pmu(struct wb_sysinfo *s)
{
	pfm_pmu_t i;
	int err, best = -1;

	err = wb_perf_probe_cycles();
	if (!err) {
		s->pmu_hw = true;
	} else if (err == -EACCES || err == -EPERM) {
		/* Forbidden is not absent: we cannot tell. */
		wb_env_missing(s, "pmu_hw");
	}

	/*
	 * libpfm4 detects its PMU models from CPUID, so a model can be present
	 * for libpfm while perf has no hardware PMU (a VM without vPMU):
	 * pmu_hw says whether counting works. Of the present core PMUs the one
	 * with the most events is the model-specific table rather than the
	 * architectural subset (ix86arch).
	 */
	if (pfm_initialize() != PFM_SUCCESS) {
		wb_env_missing(s, "pmu_name");
		return;
	}
	pfm_for_all_pmus(i)
	{
		pfm_pmu_info_t info;

		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(i, &info) != PFM_SUCCESS ||
		    !info.is_present || info.type != PFM_PMU_TYPE_CORE)
			continue;
		if (info.nevents > best) {
			best = info.nevents;
			snprintf(s->pmu_name, sizeof(s->pmu_name), "%s",
				 info.name);
		}
	}
}

int wb_env_probe(struct wb_sysinfo *s)
{
	struct utsname u;
	long n;

	if (!s)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	if (uname(&u)) {
		wb_env_missing(s, "kernel");
		wb_env_missing(s, "arch");
	} else {
		snprintf(s->kernel, sizeof(s->kernel), "%s", u.release);
		snprintf(s->arch, sizeof(s->arch), "%.15s", u.machine);
	}
	wb_arch_identity(s);
	probe_cpuinfo(s);
	wb_arch_regime(s);
	if (wb_sysfs_word("/sys/kernel/mm/transparent_hugepage/enabled",
			  s->thp_enabled, sizeof(s->thp_enabled)))
		wb_env_missing(s, "thp_enabled");
	if (wb_sysfs_word("/sys/kernel/mm/transparent_hugepage/defrag",
			  s->thp_defrag, sizeof(s->thp_defrag)))
		wb_env_missing(s, "thp_defrag");
	probe_hugetlb(s);
	if (read_line("/sys/devices/system/clocksource/clocksource0/"
		      "current_clocksource",
		      s->clocksource, sizeof(s->clocksource)))
		wb_env_missing(s, "clocksource");
	/* Most VMs expose no cpufreq: then there is no governor to show. */
	if (read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
		      s->governor, sizeof(s->governor)))
		wb_env_missing(s, "governor");
	probe_caches(s);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	s->ncpus_online = n > 0 ? (int)n : 0;
	if (n <= 0)
		wb_env_missing(s, "ncpus_online");
	s->kvm_usable = probe_kvm();
	if (wb_env_damon("/sys/kernel/mm/damon/admin", "/sys/module", s->damon,
			 sizeof(s->damon)))
		wb_env_missing(s, "damon");
	probe_pmu(s);
	s->root = geteuid() == 0;
	probe_meminfo(s);
	wb_env_probe_emulated(s);
#ifdef WB_TEST_IDENTITY
	const char *spec = getenv("WB_TEST_IDENTITY");
	char bad[160];

	if (spec && *spec && wb_env_apply_identity(s, spec, bad, sizeof(bad))) {
		fprintf(stderr, "walkbench: WB_TEST_IDENTITY: %s\n", bad);
		wb_env_missing(s, "test_identity");
		return -EINVAL;
	}
#endif
	return 0;
}

static int add_cache(json_t *o, const char *name, const struct wb_cache_geom *g)
{
	char key[48];
	int err = 0;

	snprintf(key, sizeof(key), "%s_size_bytes", name);
	err |= json_object_set_new(o, key,
				   json_integer((json_int_t)g->size_bytes));
	snprintf(key, sizeof(key), "%s_ways", name);
	err |= json_object_set_new(o, key, json_integer(g->ways));
	snprintf(key, sizeof(key), "%s_line_bytes", name);
	err |= json_object_set_new(o, key, json_integer(g->line_bytes));
	return err;
}

/* jansson rejects invalid UTF-8: keep strings from the machine ASCII. */
static json_t *ascii_string(const char *v)
{
	char buf[256];
	size_t i;

	for (i = 0; v[i] && i + 1 < sizeof(buf); i++)
		buf[i] = (unsigned char)v[i] < 0x80 ? v[i] : '?';
	buf[i] = 0;
	return json_string(buf);
}

bool wb_env_emulated(const struct wb_sysinfo *s)
{
	return !strcmp(s->hypervisor, "TCGTCGTCGTCG") ||
	       (wb_arch_is_arm64(s) && wb_midr_is_qemu_max(s)) ||
	       s->emulated_by[0];
}

struct json_t *wb_env_to_json(const struct wb_sysinfo *s)
{
	json_t *o = json_object(), *miss = json_array();
	char buf[sizeof(s->missing)], *save, *tok;
	int err = 0;

	if (!o || !miss) {
		json_decref(o);
		json_decref(miss);
		return NULL;
	}
#define STR(k, v) (err |= json_object_set_new(o, k, ascii_string(v)))
#define INT(k, v)                                                              \
	(err |= json_object_set_new(o, k, json_integer((json_int_t)(v))))
#define BOOL(k, v) (err |= json_object_set_new(o, k, json_boolean(v)))
	STR("arch", s->arch);
	STR("vendor", s->vendor);
	INT("family", s->family);
	INT("model", s->model);
	INT("stepping", s->stepping);
	STR("model_name", s->model_name);
	STR("microcode", s->microcode);
	STR("kernel", s->kernel);
	STR("hypervisor", s->hypervisor);
	if (s->emulated_by[0])
		STR("emulated_by", s->emulated_by);
	BOOL("hypervisor_flag", s->has_hypervisor_flag);
	STR("thp_enabled", s->thp_enabled);
	STR("thp_defrag", s->thp_defrag);
	BOOL("hugetlb_2m", s->hugetlb_2m);
	INT("hugetlb_2m_total_pages", s->hugetlb_2m_total);
	INT("hugetlb_2m_free_pages", s->hugetlb_2m_free);
	BOOL("hugetlb_1g", s->hugetlb_1g);
	INT("hugetlb_1g_total_pages", s->hugetlb_1g_total);
	INT("hugetlb_1g_free_pages", s->hugetlb_1g_free);
	BOOL("pdpe1gb", s->pdpe1gb);
	BOOL("la57", s->la57);
	BOOL("la57_active", s->la57_active);
	INT("page_size", s->page_size);
	INT("va_bits", s->va_bits);
	INT("pt_levels", s->pt_levels);
	STR("clocksource", s->clocksource);
	STR("governor", s->governor);
	err |= add_cache(o, "l1d", &s->l1d);
	err |= add_cache(o, "l2", &s->l2);
	err |= add_cache(o, "llc", &s->llc);
	INT("ncpus_online", s->ncpus_online);
	BOOL("kvm_usable", s->kvm_usable);
	if (s->damon[0])
		STR("damon", s->damon);
	BOOL("pmu_hw", s->pmu_hw);
	STR("pmu_name", s->pmu_name);
	BOOL("root", s->root);
	INT("mem_total_bytes", s->mem_total_bytes);
	INT("mem_available_bytes", s->mem_available_bytes);
	/* a stand-in identity is never mistaken for the machine's own */
	if (s->test_identity[0])
		STR("test_identity", s->test_identity);
#undef STR
#undef INT
#undef BOOL
	snprintf(buf, sizeof(buf), "%s", s->missing);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		err |= json_array_append_new(miss, ascii_string(tok));
	err |= json_object_set_new(o, "missing", miss);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}
