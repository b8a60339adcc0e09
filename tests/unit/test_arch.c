// SPDX-License-Identifier: MIT
/*
 * The arm64 side of the architecture seam, on any machine: MIDR_EL1 from
 * its sysfs text and from /proc/cpuinfo, the identity it gives, the user VA
 * size from a maps text and the levels the Arm ARM gives a granule and VA
 * size, and a stand-in aarch64 identity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "check/detect_arch.h"
#include "core/env.h"
#include "mem/hostpage.h"
#include "model/cpu.h"
#include "runner/kernel.h"
#include "runner/needs.h"

/* An AWS Graviton2 (Neoverse N1 r3p1), as Linux shows it. */
static const char n1_cpuinfo[] = "processor\t: 0\n"
				 "BogoMIPS\t: 243.75\n"
				 "Features\t: fp asimd evtstrm aes pmull sha1 "
				 "sha2 crc32 atomics fphp asimdhp cpuid "
				 "asimdrdm lrcpc dcpop asimddp ssbs\n"
				 "CPU implementer\t: 0x41\n"
				 "CPU architecture: 8\n"
				 "CPU variant\t: 0x3\n"
				 "CPU part\t: 0xd0c\n"
				 "CPU revision\t: 1\n"
				 "\n"
				 "processor\t: 1\n"
				 "CPU implementer\t: 0x42\n"
				 "CPU part\t: 0x516\n"
				 "\n";

static void midr_sysfs(void **state)
{
	struct wb_midr m;

	(void)state;
	assert_int_equal(wb_midr_from_sysfs("0x00000000410fd0c1\n", &m), 0);
	assert_int_equal(m.implementer, 0x41);
	assert_int_equal(m.variant, 0);
	assert_int_equal(m.part, 0xd0c);
	assert_int_equal(m.revision, 1);
	/* Neoverse V2 r0p1 */
	assert_int_equal(wb_midr_from_sysfs("0x00000000410fd4f1", &m), 0);
	assert_int_equal(m.part, 0xd4f);
	assert_int_equal(m.revision, 1);
	/* qemu's -cpu max: implementer 0, part 'Q' */
	assert_int_equal(wb_midr_from_sysfs("0x00000000000f0510\n", &m), 0);
	assert_int_equal(m.implementer, 0);
	assert_int_equal(m.part, 0x51);
	assert_int_equal(wb_midr_from_sysfs("", &m), -EINVAL);
	assert_int_equal(wb_midr_from_sysfs("410fd0c1", &m), -EINVAL);
	assert_int_equal(wb_midr_from_sysfs("0x410fd0c1 junk", &m), -EINVAL);
	assert_int_equal(wb_midr_from_sysfs("0xzz", &m), -EINVAL);
}

static void midr_cpuinfo(void **state)
{
	struct wb_midr m;

	(void)state;
	assert_int_equal(wb_midr_from_cpuinfo(n1_cpuinfo, &m), 0);
	/* the first processor's block, not the second's */
	assert_int_equal(m.implementer, 0x41);
	assert_int_equal(m.variant, 3);
	assert_int_equal(m.part, 0xd0c);
	assert_int_equal(m.revision, 1);
	/* x86's /proc/cpuinfo has none of it */
	assert_int_equal(wb_midr_from_cpuinfo("processor\t: 0\n"
					      "vendor_id\t: AuthenticAMD\n"
					      "cpu family\t: 26\n\n",
					      &m),
			 -ENOENT);
	assert_int_equal(wb_midr_from_cpuinfo("CPU implementer\t: 0x41\n"
					      "CPU part\t: banana\n",
					      &m),
			 -EINVAL);
	assert_int_equal(wb_midr_from_cpuinfo("CPU implementer\t: 0x41\n"
					      "CPU part\t: 0x1000\n",
					      &m),
			 -EINVAL);
}

static void midr_identity(void **state)
{
	struct wb_sysinfo s;
	struct wb_midr n1 = { 0x41, 3, 0xd0c, 1 };
	struct wb_midr other = { 0xc0, 0, 0xac3, 2 };
	struct wbm_cpu row;

	(void)state;
	memset(&s, 0, sizeof(s));
	wb_midr_to_sysinfo(&n1, &s);
	assert_string_equal(s.vendor, "ARM");
	assert_int_equal(s.family, 0x41);
	assert_int_equal(s.model, 0xd0c);
	assert_int_equal(s.stepping, 1);
	/* named by the model's table, or said to be unknown */
	if (!wbm_cpu_lookup("ARM", 0x41, 0xd0c, &row))
		assert_string_equal(s.model_name, row.name);
	else
		assert_string_equal(s.model_name,
				    "arm64 implementer 0x41 part 0xd0c");

	memset(&s, 0, sizeof(s));
	wb_midr_to_sysinfo(&other, &s);
	assert_string_equal(s.vendor, "arm64-0xc0");
	assert_int_equal(s.family, 0xc0);
	assert_int_equal(s.model, 0xac3);
	assert_string_equal(s.model_name, "arm64 implementer 0xc0 part 0xac3");
	assert_false(wb_midr_is_qemu_max(&s));

	memset(&s, 0, sizeof(s));
	wb_midr_to_sysinfo(&(struct wb_midr){ 0, 0, 'Q', 0 }, &s);
	assert_string_equal(s.vendor, "arm64-0x00");
	assert_true(wb_midr_is_qemu_max(&s));
	snprintf(s.arch, sizeof(s.arch), "aarch64");
	assert_true(wb_arch_is_arm64(&s));
	assert_true(wb_env_emulated(&s));
	/* the same MIDR fields under an x86 arch are no qemu arm64 CPU */
	snprintf(s.arch, sizeof(s.arch), "x86_64");
	assert_false(wb_env_emulated(&s));
}

static void va_bits_from_maps(void **state)
{
	/* arm64, 4K granule, 48-bit VA: the stack ends just below 2^48 */
	static const char arm48[] =
		"aaaab4a10000-aaaab4a3b000 r-xp 00000000 fe:01 1 /bin/cat\n"
		"ffff8c530000-ffff8c6b8000 r-xp 00000000 fe:01 2 libc.so.6\n"
		"ffffd8f2e000-ffffd8f4f000 rw-p 00000000 00:00 0 [stack]\n";
	/* arm64, 4K granule, 39-bit VA */
	static const char arm39[] =
		"5568a54000-5568a7f000 r-xp 00000000 fe:01 1 /bin/cat\n"
		"7ffc9fd000-7ffca1e000 rw-p 00000000 00:00 0 [stack]\n";
	/* arm64, 64K granule, 42-bit VA */
	static const char arm42[] =
		"3ffe4e70000-3ffe4e90000 rw-p 00000000 00:00 0 [stack]\n";
	/* x86-64: the vsyscall page is the kernel's, not the user's */
	static const char x86[] =
		"55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1 /bin/cat\n"
		"7ffd1c6f0000-7ffd1c711000 rw-p 00000000 00:00 0 [stack]\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 "
		"[vsyscall]\n";
	unsigned int bits = 0;

	(void)state;
	assert_int_equal(wb_arch_va_bits_from_maps(arm48, &bits), 0);
	assert_int_equal(bits, 48);
	assert_int_equal(wb_arch_va_bits_from_maps(arm39, &bits), 0);
	assert_int_equal(bits, 39);
	assert_int_equal(wb_arch_va_bits_from_maps(arm42, &bits), 0);
	assert_int_equal(bits, 42);
	assert_int_equal(wb_arch_va_bits_from_maps(x86, &bits), 0);
	assert_int_equal(bits, 47);
	assert_int_equal(wb_arch_va_bits_from_maps("", &bits), -ENOENT);
	assert_int_equal(wb_arch_va_bits_from_maps("not maps\n", &bits),
			 -EINVAL);
}

/*
 * Arm ARM (DDI 0487), VMSAv8-64 translation: a 2^g-byte granule resolves
 * g bits of offset and g - 3 bits per table level, so a VA of b bits needs
 * ceil((b - g) / (g - 3)) levels: 4K 48-bit starts at level 0 (4 levels),
 * 16K 48-bit at level 0 with one bit there (4), 64K 48-bit at level 1 (3);
 * 4K 52-bit (FEAT_LPA2) at level -1 (5).
 */
static void arm64_levels(void **state)
{
	static const struct {
		uint64_t granule;
		unsigned int va_bits, levels;
	} ok[] = {
		{ 4096, 39, 3 },  { 4096, 48, 4 },  { 4096, 52, 5 },
		{ 16384, 47, 3 }, { 16384, 48, 4 }, { 65536, 42, 2 },
		{ 65536, 48, 3 }, { 65536, 52, 3 },
	};
	unsigned int lv;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		unsigned int g = 0, want;

		while (((uint64_t)1 << g) < ok[i].granule)
			g++;
		/* the table agrees with the formula it stands for */
		want = (ok[i].va_bits - g + (g - 3) - 1) / (g - 3);
		assert_int_equal(want, ok[i].levels);
		assert_int_equal(
			wb_arch_arm64_levels(ok[i].granule, ok[i].va_bits, &lv),
			0);
		assert_int_equal(lv, ok[i].levels);
	}
	/* combinations Linux does not build */
	assert_int_equal(wb_arch_arm64_levels(4096, 47, &lv), -EINVAL);
	assert_int_equal(wb_arch_arm64_levels(16384, 39, &lv), -EINVAL);
	assert_int_equal(wb_arch_arm64_levels(65536, 39, &lv), -EINVAL);
	assert_int_equal(wb_arch_arm64_levels(8192, 48, &lv), -EINVAL);
}

static void identity_aarch64(void **state)
{
	struct wb_sysinfo s;
	char bad[128];

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(
		wb_env_apply_identity(&s,
				      "arch=aarch64;vendor=ARM;family=0x41;"
				      "model=0xd0c;page_size=65536;va_bits=48;"
				      "pt_levels=3",
				      bad, sizeof(bad)),
		0);
	assert_true(wb_arch_is_arm64(&s));
	assert_int_equal(s.model, 0xd0c);
	assert_int_equal(s.page_size, 65536);
	assert_int_equal(s.pt_levels, 3);
	assert_int_equal(
		wb_env_apply_identity(&s, "arch=riscv64", bad, sizeof(bad)),
		-EINVAL);
	assert_int_equal(
		wb_env_apply_identity(&s, "page_size=8192", bad, sizeof(bad)),
		-EINVAL);
	assert_int_equal(
		wb_env_apply_identity(&s, "pt_levels=6", bad, sizeof(bad)),
		-EINVAL);
	/* all or nothing: still the aarch64 identity */
	assert_true(wb_arch_is_arm64(&s));
	assert_int_equal(s.page_size, 65536);
}

/* What runs on arm64, and a 64K-granule kernel's refusal of 4K layouts. */
static void needs_on_arm64(void **state)
{
	struct wb_sysinfo s;
	char why[160];

	(void)state;
	assert_true(wb_needs_arm64(0, why, sizeof(why)));
	assert_string_equal(why, "");
	assert_true(wb_needs_arm64(WB_NEED_4K_PAGES | WB_NEED_2CPUS, why,
				   sizeof(why)));
	assert_string_equal(why, "with the 4K granule");
	assert_false(wb_needs_arm64(WB_NEED_X86_64, why, sizeof(why)));
	assert_false(wb_needs_arm64(WB_NEED_LA57, why, sizeof(why)));

	memset(&s, 0, sizeof(s));
	snprintf(s.arch, sizeof(s.arch), "aarch64");
	s.page_size = 65536;
	assert_int_equal(wb_needs_check(WB_NEED_4K_PAGES, &s, why, sizeof(why)),
			 -ENODEV);
	assert_string_equal(why, "needs 4K base pages (this kernel's page "
				 "size is 64K)");
	assert_int_equal(wb_needs_check(WB_NEED_X86_64, &s, why, sizeof(why)),
			 -ENODEV);
	s.page_size = 4096;
	assert_int_equal(wb_needs_check(WB_NEED_4K_PAGES, &s, why, sizeof(why)),
			 0);
	snprintf(s.arch, sizeof(s.arch), "x86_64");
	assert_int_equal(wb_needs_check(WB_NEED_X86_64, &s, why, sizeof(why)),
			 0);
}

static const char *limit(const struct wb_detect_limit *l, int n,
			 const char *what)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(l[i].what, what))
			return l[i].says;
	return NULL;
}

/* What detect says it cannot establish: nothing on x86-64; on arm64 the
 * TLB sizes, the row by MIDR (or unknown), an unnamed hypervisor. */
static void detect_limits(void **state)
{
	struct wb_detect_limit l[WB_DETECT_LIMITS];
	struct wb_sysinfo s;
	struct wbm_cpu row;
	const char *says;
	int n;

	(void)state;
	memset(&s, 0, sizeof(s));
	snprintf(s.arch, sizeof(s.arch), "x86_64");
	assert_int_equal(wb_detect_arch_limits(&s, l, WB_DETECT_LIMITS), 0);

	wb_midr_to_sysinfo(&(struct wb_midr){ 0xc0, 0, 0xac3, 2 }, &s);
	snprintf(s.arch, sizeof(s.arch), "aarch64");
	n = wb_detect_arch_limits(&s, l, WB_DETECT_LIMITS);
	assert_true(n >= 4);
	assert_non_null(strstr(limit(l, n, "tlb_sizes"), "no TLB sizes"));
	says = limit(l, n, "model_row");
	assert_non_null(says);
	assert_non_null(strstr(says, "implementer 0xc0 part 0xac3: not in "
				     "the model's table"));
	assert_non_null(limit(l, n, "hypervisor"));
	assert_non_null(strstr(limit(l, n, "coalescing"), "contiguous bit"));

	/* a part the table lists is found by MIDR; a named hypervisor
	 * leaves nothing to say about it */
	wb_midr_to_sysinfo(&(struct wb_midr){ 0x41, 3, 0xd0c, 1 }, &s);
	snprintf(s.hypervisor, sizeof(s.hypervisor), "xen");
	n = wb_detect_arch_limits(&s, l, WB_DETECT_LIMITS);
	assert_null(limit(l, n, "hypervisor"));
	says = limit(l, n, "model_row");
	if (!wbm_cpu_lookup("ARM", 0x41, 0xd0c, &row))
		assert_non_null(strstr(says, "the model's row found by MIDR"));
	else
		assert_non_null(strstr(says, "not in the model's table"));
	/* never more than asked for */
	assert_int_equal(wb_detect_arch_limits(&s, l, 2), 2);
}

/* No hypervisor named is bare metal on x86-64 (CPUID would say), but on
 * arm64 nothing in-band would: there the host's backing is measured. */
static void arm64_never_assumed_native(void **state)
{
	struct wb_sysinfo s;

	(void)state;
	memset(&s, 0, sizeof(s));
	snprintf(s.arch, sizeof(s.arch), "x86_64");
	assert_true(wb_hostpage_is_native(&s));
	snprintf(s.arch, sizeof(s.arch), "aarch64");
	assert_false(wb_hostpage_is_native(&s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(midr_sysfs),
		cmocka_unit_test(midr_cpuinfo),
		cmocka_unit_test(midr_identity),
		cmocka_unit_test(va_bits_from_maps),
		cmocka_unit_test(arm64_levels),
		cmocka_unit_test(identity_aarch64),
		cmocka_unit_test(needs_on_arm64),
		cmocka_unit_test(detect_limits),
		cmocka_unit_test(arm64_never_assumed_native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
