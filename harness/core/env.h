/* SPDX-License-Identifier: MIT */
/*
 * Environment fingerprint: what this machine is, as far as it matters for
 * address translation. Probed once by the parent; children read a copy.
 * Every field that could not be read is left empty/0 and named in missing[].
 */
#ifndef WB_ENV_H
#define WB_ENV_H

#include <stdbool.h>
#include <stdint.h>

struct json_t;

struct wb_cache_geom {
	uint64_t size_bytes;
	unsigned int ways, line_bytes;
};

struct wb_sysinfo {
	char arch[16]; /* uname's machine: "x86_64", "aarch64" */
	/* x86: CPUID's "GenuineIntel", "AuthenticAMD"; arm64: "ARM" for MIDR
	 * implementer 0x41, else "arm64-0xNN" */
	char vendor[16];
	/* arm64: family is the MIDR implementer, model the part number,
	 * stepping the revision (harness/arch/arch.h) */
	unsigned int family, model, stepping;
	char model_name[128];
	char microcode[32];
	char kernel[128]; /* uname -r */
	char hypervisor[32]; /* CPUID leaf 0x40000000 vendor, "" on bare metal */
	/* why the CPU is taken as emulated (env_emulated.c), "" when not */
	char emulated_by[256];
	bool has_hypervisor_flag; /* cpuinfo "hypervisor" */
	char thp_enabled[16], thp_defrag[32]; /* the bracketed word */
	uint64_t hugetlb_2m_total, hugetlb_2m_free;
	uint64_t hugetlb_1g_total, hugetlb_1g_free;
	bool hugetlb_2m, hugetlb_1g; /* the pool directory exists */
	/* pdpe1gb on arm64: 1 GiB blocks offered (the 1G pool directory) */
	bool pdpe1gb, la57, la57_active; /* active: 5-level paging in use */
	/* the running kernel's paging regime: base page (the arm64 granule),
	 * user VA bits of the translation regime, levels of its tables */
	uint64_t page_size;
	unsigned int va_bits, pt_levels;
	char clocksource[32];
	char governor[32];
	struct wb_cache_geom l1d, l2, llc;
	int ncpus_online;
	bool kvm_usable; /* /dev/kvm opens and KVM_GET_API_VERSION answers */
	/* the kernel's access monitor at work (wb_env_damon()): "none",
	 * "off" or what runs, e.g. "kdamond 0 on: paddr: pageout" */
	char damon[160];
	bool pmu_hw; /* a hardware PMU is visible to perf_event_open */
	char pmu_name[64]; /* libpfm4's name for the default PMU, "" if none */
	bool root;
	uint64_t mem_total_bytes, mem_available_bytes;
	char missing[256]; /* comma-separated fields that could not be read */
	/* test builds: the stand-in identity applied over the probe, else "" */
	char test_identity[384];
};

/*
 * In a build with WB_TEST_IDENTITY defined (build/walkbench-ident), the
 * probe then applies the environment variable WB_TEST_IDENTITY with
 * wb_env_apply_identity(); a bad one is named on stderr and -EINVAL
 * returned with the real identity left in place.
 */
int wb_env_probe(struct wb_sysinfo *s);
/*
 * Replaces identity fields with @spec, "key=value;key=value": vendor,
 * family, model, model_name, kernel, hypervisor ("" for bare metal),
 * thp (always|madvise|never|none), hugetlb (none|2M|1G|2M,1G: pools the
 * machine has can be hidden, not added), kvm and pdpe1gb (0|1), arch
 * (x86_64|aarch64), page_size (4096|16384|65536), va_bits and pt_levels.
 * All or
 * nothing: 0, or -EINVAL with @bad naming the first bad part.
 */
int wb_env_apply_identity(struct wb_sysinfo *s, const char *spec, char *bad,
			  size_t len);
/*
 * The CPU is emulated (qemu's TCG: CPUID's hypervisor vendor
 * "TCGTCGTCGTCG"; on arm64 qemu's `-cpu max` MIDR or wb.accel=tcg on the
 * kernel command line): every time measured here is the emulator's.
 */
bool wb_env_emulated(const struct wb_sysinfo *s);
/* Fills emulated_by with each source that says so (env_emulated.c);
 * wb_env_probe() calls it. */
void wb_env_probe_emulated(struct wb_sysinfo *s);
/* The same from the given MIDR_EL1 and kernel command line files. */
void wb_env_emulated_from(struct wb_sysinfo *s, const char *midr,
			  const char *cmdline);
/*
 * What DAMON does on this machine, from its sysfs admin tree @admin
 * (/sys/kernel/mm/damon/admin) and the parameters of its modules under
 * @modules (/sys/module): "none" without either, "off" when no kdamond
 * runs, else each running one ("kdamond 0 on: paddr: pageout", a
 * context's operations and its schemes' actions; "damon_reclaim on"),
 * joined by "; ". -errno when the tree is there but cannot be read.
 */
int wb_env_damon(const char *admin, const char *modules, char *out, size_t len);
/* Table levels of the running regime: pt_levels when probed, else what
 * la57_active says (a fingerprint written before pt_levels, a test's). */
static inline int wb_env_pt_levels(const struct wb_sysinfo *s)
{
	if (!s)
		return 4;
	if (s->pt_levels)
		return (int)s->pt_levels;
	return s->la57_active ? 5 : 4;
}

/* Adds @name to s->missing (the probes of harness/arch/ use it too). */
void wb_env_missing(struct wb_sysinfo *s, const char *name);
/* A new JSON object for the results context; NULL on allocation failure. */
struct json_t *wb_env_to_json(const struct wb_sysinfo *s);

#endif
