// SPDX-License-Identifier: MIT
/*
 * arm64: the identity from MIDR_EL1 (as Linux shows it in sysfs or
 * /proc/cpuinfo, else read with the kernel's EL0 emulation), the regime from
 * the granule and the user VA size. No register declares TLB sizes to
 * user space (the TRMs give them, the model's CPU table carries them), so
 * detect shows none; there is no in-band hypervisor identification either.
 */
#if defined(__aarch64__)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/hwcap.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/arch.h"
#include "core/env.h"

void wb_arch_tlb_leaves(const struct wb_sysinfo *s, char *out, size_t len)
{
	(void)s;
	snprintf(out, len, "none: arm64 declares no TLB sizes in registers");
}

uint64_t wb_arch_l2_2m_entries(const struct wb_sysinfo *s)
{
	(void)s;
	return 0;
}

/* A whole small file (/proc files report size 0), NUL-terminated. */
static int slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t o = 0;

	if (fd < 0)
		return -errno;
	while (o + 1 < len) {
		ssize_t n = read(fd, buf + o, len - 1 - o);

		if (n < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (!n)
			break;
		o += (size_t)n;
	}
	close(fd);
	buf[o] = 0;
	return 0;
}

static int read_midr(struct wb_midr *m)
{
	char buf[64], *info;
	int err;

	if (!slurp("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1",
		   buf, sizeof(buf)) &&
	    !wb_midr_from_sysfs(buf, m))
		return 0;
	info = malloc(1 << 16);
	if (!info)
		return -ENOMEM;
	err = slurp("/proc/cpuinfo", info, 1 << 16);
	if (!err)
		err = wb_midr_from_cpuinfo(info, m);
	free(info);
	if (!err)
		return 0;
	/* the kernel emulates EL0 reads of the ID registers where it says
	 * HWCAP_CPUID (so does qemu-user, whose /proc/cpuinfo is the host's) */
	if (getauxval(AT_HWCAP) & HWCAP_CPUID) {
		uint64_t v;
		char hex[24];

		__asm__ volatile("mrs %0, midr_el1" : "=r"(v));
		snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)v);
		return wb_midr_from_sysfs(hex, m);
	}
	return err;
}

/*
 * Xen says so in /sys/hypervisor/type, a device tree may name one; KVM and
 * others give an arm64 guest nothing to read, so an empty hypervisor here
 * means "not identified", never "bare metal".
 */
static void read_hypervisor(struct wb_sysinfo *s)
{
	char buf[64];

	if (!slurp("/sys/hypervisor/type", buf, sizeof(buf)) && buf[0]) {
		buf[strcspn(buf, "\n")] = 0;
		snprintf(s->hypervisor, sizeof(s->hypervisor), "%.31s", buf);
		s->has_hypervisor_flag = true;
		return;
	}
	if (!slurp("/proc/device-tree/hypervisor/compatible", buf,
		   sizeof(buf)) &&
	    buf[0]) {
		snprintf(s->hypervisor, sizeof(s->hypervisor), "%.31s", buf);
		s->has_hypervisor_flag = true;
		return;
	}
	/* missing, not "": nothing in-band can tell the two apart */
	wb_env_missing(s, "hypervisor");
}

void wb_arch_identity(struct wb_sysinfo *s)
{
	struct wb_midr m;

	if (read_midr(&m))
		wb_env_missing(s, "midr");
	else
		wb_midr_to_sysinfo(&m, s);
	read_hypervisor(s);
	/* every 4K-granule arm64 CPU has 1G level-1 blocks; whether this
	 * kernel offers them is its hugetlb pool directory */
	s->pdpe1gb = !access("/sys/kernel/mm/hugepages/hugepages-1048576kB",
			     F_OK);
}

/*
 * A hint above 2^48 is honoured only when the kernel was built for 52-bit
 * user addresses; its stack stays below 2^48 either way.
 */
static bool probe_va52(long page)
{
	void *p = mmap((void *)(1UL << 50), (size_t)page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	bool high;

	if (p == MAP_FAILED)
		return false;
	high = (uintptr_t)p >= (1UL << 48);
	munmap(p, (size_t)page);
	return high;
}

void wb_arch_regime(struct wb_sysinfo *s)
{
	long page = sysconf(_SC_PAGESIZE);
	char *maps = malloc(1 << 16);
	unsigned int bits = 0;

	s->la57_active = false;
	if (page <= 0) {
		wb_env_missing(s, "page_size");
	} else {
		s->page_size = (uint64_t)page;
	}
	if (!maps || slurp("/proc/self/maps", maps, 1 << 16) ||
	    wb_arch_va_bits_from_maps(maps, &bits)) {
		wb_env_missing(s, "va_bits");
		free(maps);
		return;
	}
	free(maps);
	if (bits == 48 && page > 0 && probe_va52(page))
		bits = 52;
	s->va_bits = bits;
	if (!s->page_size ||
	    wb_arch_arm64_levels(s->page_size, s->va_bits, &s->pt_levels))
		wb_env_missing(s, "pt_levels");
}
#endif
