#!/usr/bin/env bash
# The arm64 guest image (WB_ARCH=arm64 vm/build-image.sh): what it refuses,
# naming the missing piece with exit 3 (an x86-64 walkbench, an x86-64
# busybox, a kernel package apt cannot fetch) or 2 (an unknown WB_ARCH),
# and what it builds: the aarch64 walkbench and busybox in the initramfs,
# the arch and the kernel package's paging recorded, nothing redone when
# nothing changed.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$WB")
XWB=$BUILD/arm64/walkbench-static
S=$ROOT/vm/build-image.sh

expect_exit 2 "WB_ARCH=sparc refused" env WB_ARCH=sparc "$S" "$TMP/s" "$WB"
check "the bad WB_ARCH named" grep -q "WB_ARCH=sparc" "$TMP/err"
expect_exit 3 "an arm64 image from an x86-64 walkbench refused" \
	env WB_ARCH=arm64 WB_BUSYBOX=/bin/busybox "$S" "$TMP/x" "$WB"
check "named: not a static aarch64 walkbench" grep -q "is not a static aarch64 walkbench (make ARCH=arm64)" "$TMP/err"
expect_exit 3 "a missing walkbench refused" env WB_ARCH=arm64 "$S" "$TMP/x" "$TMP/none"
check "named: run make ARCH=arm64" grep -q "run make ARCH=arm64 first" "$TMP/err"

if [ ! -x "$XWB" ]; then
	skip "arm64 image builds" "no $XWB (make ARCH=arm64; bench/deps.sh arm64 installs the cross toolchain)"
	exit 0
fi
expect_exit 3 "an x86-64 busybox refused for an arm64 image" \
	env WB_ARCH=arm64 WB_BUSYBOX=/bin/busybox "$S" "$TMP/x" "$XWB"
check "named: not an aarch64 busybox-static" grep -q "not an aarch64 busybox-static (busybox-static:arm64)" "$TMP/err"

# The rest needs the arm64 busybox and kernel package, fetched once into
# the checkout's image (the arm64 guest test builds it the same way).
IMG=$BUILD/vm-arm64
WB_ARCH=arm64 "$S" "$IMG" "$XWB" >"$TMP/b0" 2>&1
rc=$?
if [ "$rc" -eq 3 ]; then
	skip "arm64 image builds" "$(tail -1 "$TMP/b0")"
	exit 0
fi
check "the checkout's arm64 image builds" test "$rc" -eq 0
expect_exit 3 "a kernel package apt cannot fetch is named" \
	env WB_ARCH=arm64 WB_BUSYBOX="$IMG/busybox" WB_KERNEL_PKG=linux-image-none-such:arm64 \
	"$S" "$TMP/k" "$XWB"
check "named: no guest kernel, the package, apt's reason" grep -q "no guest kernel: apt-get download linux-image-none-such:arm64 failed" "$TMP/err"
check "arch and kernel paging recorded" sh -c \
	"grep -qx aarch64 '$IMG/arch' && grep -q '^CONFIG_ARM64_4K_PAGES=y (boot/config-' '$IMG/kernel-paging' &&
	 grep -q '^CONFIG_ARM64_VA_BITS=48 ' '$IMG/kernel-paging' && grep -q '^CONFIG_PGTABLE_LEVELS=4 ' '$IMG/kernel-paging'"
rm -rf "$TMP/root" && mkdir "$TMP/root"
(cd "$TMP/root" && gzip -dc "$IMG/initrd.img" | busybox cpio -i -d 2>/dev/null)
check "initramfs: aarch64 walkbench and busybox, init, the virtio modules" sh -c \
	"file '$TMP/root/wb/walkbench' | grep -q 'ARM aarch64' &&
	 file '$TMP/root/bin/busybox' | grep -q 'ARM aarch64.*statically linked' &&
	 test -x '$TMP/root/init' && grep -q virtio_console '$TMP/root/etc/wb-modules' &&
	 grep -q virtio_pci.ko '$TMP/root/etc/wb-modules'"
WB_ARCH=arm64 "$S" "$IMG" "$XWB" >"$TMP/b2" 2>&1
check "second build does nothing" grep -q "up to date" "$TMP/b2"
