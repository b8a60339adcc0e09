#!/usr/bin/env bash
# The guest image builds from the Debian kernel package and busybox-static,
# and a second build with unchanged inputs does nothing.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IMG=$(dirname "$WB")/vm

"$ROOT/vm/build-image.sh" "$IMG" "$WB" >"$TMP/b1" 2>&1
rc=$?
if [ "$rc" -eq 3 ]; then
	skip "guest image builds" "$(tail -1 "$TMP/b1")"
	exit 0
fi
check "guest image builds" test "$rc" -eq 0
check "image has kernel and initramfs" test -s "$IMG/vmlinuz" -a -s "$IMG/initrd.img"
check "initramfs holds init, busybox and walkbench" sh -c \
	"gzip -dc '$IMG/initrd.img' | busybox cpio -t 2>/dev/null | grep -qx init &&
	 gzip -dc '$IMG/initrd.img' | busybox cpio -t 2>/dev/null | grep -qx wb/walkbench &&
	 gzip -dc '$IMG/initrd.img' | busybox cpio -t 2>/dev/null | grep -qx bin/busybox"
check "modules listed in dependency order (virtio before virtio_console)" sh -c \
	"gzip -dc '$IMG/initrd.img' | busybox cpio -i --to-stdout etc/wb-modules 2>/dev/null |
	 awk '/virtio\\.ko/ {v=NR} /virtio_console/ {c=NR} END {exit !(v && c && v < c)}'"
before=$(stat -c %Y.%s "$IMG/initrd.img")
"$ROOT/vm/build-image.sh" "$IMG" "$WB" >"$TMP/b2" 2>&1
check "second build does nothing" grep -q "up to date" "$TMP/b2"
check "initramfs untouched by the second build" test "$(stat -c %Y.%s "$IMG/initrd.img")" = "$before"
