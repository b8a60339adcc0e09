#!/usr/bin/env bash
# vm run builds a missing guest image and rebuilds a stale one with the
# script make vm uses, then goes on to boot it; what it cannot build with
# is one line naming it, exit 3. The image is a temporary directory; the
# kernel package already fetched for build/vm is reused when there is one.
# qemu is a stand-in that records its arguments and exits, so nothing boots.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IMG=$TMP/img
mkdir -p "$IMG/deb" "$TMP/bin"
for d in "$(dirname "$WB")"/vm/deb/linux-image-*-amd64_*.deb; do
	[ -e "$d" ] && ln -s "$d" "$IMG/deb/"
done
cat >"$TMP/bin/qemu-system-x86_64" <<SH
#!/bin/sh
[ "\$1" = --version ] && { echo "QEMU emulator version 0 (stand-in)"; exit 0; }
echo "\$*" >>"$TMP/qemu.log"
echo "qemu-system-x86_64: stand-in: not booting" >&2
exit 1
SH
chmod +x "$TMP/bin/qemu-system-x86_64"
vmrun() {
	PATH=$TMP/bin:$PATH "$WB" vm run tlb_reach --param pages=16 --quick \
		--accel tcg --image "$IMG" --out "$TMP/o$1.json" "${@:2}"
}
initrd_wb() { gzip -dc "$IMG/initrd.img" | busybox cpio -i --to-stdout wb/walkbench 2>/dev/null; }

vmrun 1 >"$TMP/out" 2>"$TMP/err"
if grep -q "error: guest image: no guest kernel" "$TMP/err"; then
	skip "vm run builds a missing image" "$(tail -1 "$TMP/err")"
	exit 0
fi
check "missing image: vm run says it builds one" grep -q "building the guest image in $IMG" "$TMP/err"
check "missing image: built (kernel and initramfs)" test -s "$IMG/vmlinuz" -a -s "$IMG/initrd.img"
check "then it goes on to boot that image" grep -q -- "-kernel $IMG/vmlinuz" "$TMP/qemu.log"
check "the image carries this walkbench" cmp -s <(initrd_wb) "$WB"
before=$(stat -c %Y.%s "$IMG/initrd.img")
vmrun 2 >"$TMP/out" 2>"$TMP/err"
check "unchanged inputs: no rebuild, no progress lines" sh -c "! grep -q build-image '$TMP/err'"
check "unchanged inputs: initramfs untouched" test "$(stat -c %Y.%s "$IMG/initrd.img")" = "$before"
check "and it boots again" test "$(wc -l <"$TMP/qemu.log")" -eq 2

# an image made from another walkbench binary is stale for this one
cp "$WB" "$TMP/wb-old" && echo stale >>"$TMP/wb-old"
"$ROOT/vm/build-image.sh" "$IMG" "$TMP/wb-old" >/dev/null 2>&1
check "image now carries the other binary" cmp -s <(initrd_wb) "$TMP/wb-old"
vmrun 3 >"$TMP/out" 2>"$TMP/err"
check "stale image: vm run says so and rebuilds" grep -q "is stale" "$TMP/err"
check "stale image: rebuilt with this walkbench" cmp -s <(initrd_wb) "$WB"
check "stale image: then boots" test "$(wc -l <"$TMP/qemu.log")" -eq 3

# what the build needs, missing: one error line naming it, exit 3
expect_exit 3 "no busybox-static: exit 3" env WB_BUSYBOX=/bin/true \
	PATH="$TMP/bin:$PATH" "$WB" vm run tlb --image "$TMP/img2" --out "$TMP/o4.json"
one_line_error "no busybox-static"
check "no busybox-static: named" grep -q "not busybox-static" "$TMP/err"
expect_exit 3 "no kernel package: exit 3" env WB_KERNEL_PKG=linux-image-none-amd64 \
	PATH="$TMP/bin:$PATH" "$WB" vm run tlb --image "$TMP/img3" --out "$TMP/o5.json"
check "no kernel package: one error line naming it" test \
	"$(grep -c 'error: guest image: no guest kernel: apt-get download linux-image-none-amd64 failed' "$TMP/err")" = 1 -a \
	"$(grep -vc '^build-image: ' "$TMP/err")" = 1
check "nothing booted without an image" test "$(wc -l <"$TMP/qemu.log")" -eq 3

# installed as PREFIX/bin/walkbench with the scripts in PREFIX/share/walkbench/vm:
# the image goes to the user's cache directory, built there from the script
P=$TMP/prefix
mkdir -p "$P/bin" "$P/share/walkbench/vm" "$TMP/home/.cache/walkbench/vm/deb"
cp "$WB" "$P/bin/walkbench"
cp "$ROOT/vm/build-image.sh" "$ROOT/vm/init.sh" "$P/share/walkbench/vm/"
ln -s "$IMG"/deb/*.deb "$TMP/home/.cache/walkbench/vm/deb/" 2>/dev/null
(cd / && env -u XDG_CACHE_HOME -u WB_VM_IMAGE HOME="$TMP/home" PATH="$TMP/bin:$PATH" \
	"$P/bin/walkbench" vm run tlb_reach --param pages=16 --quick --accel tcg \
	--out "$TMP/o6.json") >"$TMP/out" 2>"$TMP/err"
check "installed: image built under ~/.cache/walkbench/vm" \
	test -s "$TMP/home/.cache/walkbench/vm/initrd.img"
check "installed: and booted from there" \
	grep -q -- "-kernel $TMP/home/.cache/walkbench/vm/vmlinuz" "$TMP/qemu.log"
