#!/usr/bin/env bash
# The architecture seam: outside harness/arch/ no file includes <cpuid.h>,
# executes CPUID, reads the TSC or an MSR, and no program code tests for an
# architecture with #if, so that walkbench builds and means the same on
# x86-64 and arm64.
# The compiler barrier (asm volatile("" ::: "memory")) is portable and
# allowed. tests/kernels/ may hold a deliberately architecture-specific
# misbehaving kernel, guarded for each architecture.
source "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1

files=$(git ls-files '*.c' '*.h' '*.cc' 2>/dev/null | grep -v '^harness/arch/' | grep -v '^tests/kernels/')
if [ -z "$files" ]; then
	skip "architecture seam" "not a git checkout (git ls-files lists nothing)"
	exit 0
fi
# shellcheck disable=SC2086
grep -nE '#include <(cpuid|x86intrin|immintrin|ia32intrin)\.h>|__cpuid|__get_cpuid|\brdtscp?\b|__rdtsc|\brdmsr\b|\bwrmsr\b|/dev/cpu/[0-9*]+/msr' $files |
	grep -v '^tests/cli/arch_seam.sh' >"$TMP/hits"
check "no CPUID, TSC or MSR use outside harness/arch/" test ! -s "$TMP/hits"
sed 's/^/# /' "$TMP/hits"
# asm other than the empty compiler barrier
# shellcheck disable=SC2086
grep -nE '__asm__|\basm\b *(volatile)? *\(' $files | grep -vE '__asm__ volatile\(""' >"$TMP/asm"
check "no inline assembly outside harness/arch/ but the compiler barrier" test ! -s "$TMP/asm"
sed 's/^/# /' "$TMP/asm"
# the program's own code; a test may pick its expectations by architecture
# shellcheck disable=SC2086
grep -nE '^#if.*(__x86_64__|__i386__|__aarch64__|__arm__)' $(printf '%s\n' $files | grep -E '^(harness|bench|kernels|vm|plots)/') >"$TMP/ifs"
check "no architecture #if in harness, bench, kernels, vm or plots outside harness/arch/" test ! -s "$TMP/ifs"
sed 's/^/# /' "$TMP/ifs"
