/* SPDX-License-Identifier: MIT */
/*
 * The architecture seam: everything that differs between x86-64 and arm64
 * (CPUID or MIDR, declared TLB geometry, the paging regime) is behind these
 * functions, one file per architecture (arch_x86.c, arch_arm64.c, each
 * compiled everywhere and empty elsewhere), so the rest of walkbench has no
 * #ifdef. The parsers beside them (midr.c, vaspace.c) are plain C compiled
 * on every architecture, so their tests run on any machine.
 */
#ifndef WB_ARCH_H
#define WB_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wb_sysinfo;

/* What the CPU declares of its TLBs, one line; never used as a result. */
void wb_arch_tlb_leaves(const struct wb_sysinfo *s, char *out, size_t len);
/* The declared L2 TLB entries for 2M pages, 0 when nothing declares it. */
uint64_t wb_arch_l2_2m_entries(const struct wb_sysinfo *s);

/*
 * The CPU's identity as it reads it: vendor, family, model, stepping,
 * model_name, hypervisor (and its flag), la57 and pdpe1gb (on arm64: the
 * 1 GiB block is offered, the hugepages-1048576kB pool directory exists).
 * What it cannot read is added to s->missing.
 */
void wb_arch_identity(struct wb_sysinfo *s);
/*
 * The running kernel's paging regime: page_size, va_bits, pt_levels and
 * la57_active. What it cannot read is added to s->missing.
 */
void wb_arch_regime(struct wb_sysinfo *s);

/* s->arch names arm64 ("aarch64", uname's machine; a stand-in identity may
 * set it on another machine). */
bool wb_arch_is_arm64(const struct wb_sysinfo *s);

/* MIDR_EL1's fields (Arm ARM, DDI 0487, "MIDR_EL1, Main ID Register"). */
struct wb_midr {
	unsigned int implementer; /* [31:24], 0x41 Arm */
	unsigned int variant; /* [23:20] */
	unsigned int part; /* [15:4], 0xd0c Neoverse N1 */
	unsigned int revision; /* [3:0] */
};

/* The sysfs file's text ("0x00000000410fd0c1\n"). -EINVAL if not hex. */
int wb_midr_from_sysfs(const char *text, struct wb_midr *m);
/* /proc/cpuinfo's text: "CPU implementer", "CPU variant", "CPU part" and
 * "CPU revision" of the first processor. -ENOENT without implementer and
 * part, -EINVAL when one of them is not a number. */
int wb_midr_from_cpuinfo(const char *text, struct wb_midr *m);
/*
 * vendor ("ARM" for implementer 0x41, else "arm64-0xNN"), family (the
 * implementer), model (the part), stepping (the revision) and model_name
 * (the model's CPU table row, else "arm64 implementer 0xNN part 0xNNN").
 */
void wb_midr_to_sysinfo(const struct wb_midr *m, struct wb_sysinfo *s);
/* qemu's `-cpu max` (MIDR implementer 0, "reserved for software use", part
 * 'Q'): every time measured on it is the emulator's. The first from MIDR's
 * fields, the second from an identity wb_midr_to_sysinfo() filled. */
bool wb_midr_qemu_max(const struct wb_midr *m);
bool wb_midr_is_qemu_max(const struct wb_sysinfo *s);

/*
 * Translation levels of an arm64 stage-1 regime, as the model's
 * wbm_regime_arm64() gives them for the combinations Linux builds (4K: 39
 * -> 3, 48 -> 4, 52 -> 5; 16K: 36 -> 2, 47 -> 3, 48 -> 4, 52 -> 4; 64K:
 * 42 -> 2, 48 -> 3, 52 -> 3). -EINVAL for any other.
 */
int wb_arch_arm64_levels(uint64_t granule, unsigned int va_bits,
			 unsigned int *levels);
/*
 * The user VA size from /proc/self/maps text: the highest end address
 * (the [stack] top) rounded up to a power of two. -ENOENT with no mapping,
 * -EINVAL on a line that does not parse.
 */
int wb_arch_va_bits_from_maps(const char *maps, unsigned int *va_bits);

#endif
