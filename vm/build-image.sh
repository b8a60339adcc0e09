#!/usr/bin/env bash
# Builds the guest image into OUT (default build/vm): the Debian kernel
# (vmlinuz from the linux-image package, unpacked with dpkg -x) and an
# initramfs with busybox-static, walkbench with the shared libraries it was
# linked against, the virtio modules of the results channel and vm/init.sh.
# The binary may be the static build (make static, vm-static): then no
# shared libraries go in. Rebuilt only when an input changes: a stamp holds
# the inputs' hashes. `make vm` and `walkbench vm run` (vm/vm_image.c) both
# call it; progress goes to stdout, a failure is one line on stderr.
# Exit: 0 built or up to date, 3 a needed resource is missing (walkbench,
# busybox-static, the kernel package or the network to fetch it).
# Environment: WB_IMAGE_QUIET=1 says nothing when up to date;
# WB_BUSYBOX and WB_KERNEL_PKG replace /bin/busybox and the package
# linux-image-amd64 depends on (tests name missing ones with them).
set -euo pipefail
OUT=${1:-build/vm}
WB=${2:-build/walkbench}
HERE=$(cd "$(dirname "$0")" && pwd)
BUSYBOX=${WB_BUSYBOX:-/bin/busybox}
MODULES="virtio_pci virtio_console"

die() { echo "build-image: $*" >&2; exit "${RC:-1}"; }
[ -x "$WB" ] || RC=3 die "no walkbench binary at $WB (run make first)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	RC=3 die "$BUSYBOX is not busybox-static (apt-get install busybox-static)"
mkdir -p "$OUT/deb"

# a package already fetched for another image is reused
deb=$(ls "$OUT"/deb/linux-image-*-amd64_*.deb "$OUT"/../vm/deb/linux-image-*-amd64_*.deb \
	2>/dev/null | sort -V | tail -1 || true)
if [ -z "$deb" ]; then
	pkg=${WB_KERNEL_PKG:-$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-/ {print $2; exit}')}
	[ -n "$pkg" ] || RC=3 die "no linux-image-amd64 in the package lists (apt-get update?)"
	echo "build-image: fetching the guest kernel ($pkg) with apt-get download"
	if ! msg=$(cd "$OUT/deb" && apt-get download "$pkg" 2>&1 >/dev/null); then
		RC=3 die "no guest kernel: apt-get download $pkg failed: $(echo "$msg" |
			grep -v '^\s*$' | tail -1)"
	fi
	deb=$(ls "$OUT"/deb/linux-image-*-amd64_*.deb | sort -V | tail -1)
fi

# What the binary needs at run time, the dynamic loader included.
# A static walkbench (make static) needs none.
if file -L "$WB" | grep -q 'statically linked'; then
	libs=
	variant="static: libpfm, libhwloc (no udev), libjansson; C timing shim for Google Benchmark"
else
	libs=$(ldd "$WB" | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/.*ld-linux/ {print $1}')
	variant="dynamic-bundled-libs"
fi
inputs=$(sha256sum "$deb" "$WB" "$BUSYBOX" "$HERE/init.sh" "$HERE/build-image.sh" \
	$libs | awk '{print $1}' | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$inputs" ] &&
	[ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ]; then
	[ -n "${WB_IMAGE_QUIET:-}" ] || echo "build-image: $OUT up to date"
	exit 0
fi
t0=$(date +%s.%N)
if [ -f "$OUT/stamp" ]; then
	echo "build-image: $OUT is stale (its inputs changed): rebuilding"
else
	echo "build-image: building the guest image in $OUT"
fi

kdir=$OUT/kernel
if [ "$(cat "$kdir/.deb" 2>/dev/null)" != "$(basename "$deb")" ]; then
	echo "build-image: unpacking $(basename "$deb")"
	rm -rf "$kdir"
	mkdir -p "$kdir"
	dpkg -x "$deb" "$kdir"
	basename "$deb" >"$kdir/.deb"
fi
kver=$(ls "$kdir/lib/modules" | head -1)
mdir=$kdir/lib/modules/$kver

root=$OUT/root
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,wb,lib/modules}
cp "$BUSYBOX" "$root/bin/busybox"
cp "$HERE/init.sh" "$root/init"
chmod 755 "$root/init"
cp "$WB" "$root/wb/walkbench"
for l in $libs; do
	mkdir -p "$root$(dirname "$l")"
	cp -L "$l" "$root$l"
done
# glibc resolves /lib/x86_64-linux-gnu through /lib64's loader; keep both.
[ -e "$root/lib64" ] || ln -s lib "$root/lib64"

# Modules in dependency order from each module's own depends= field (the
# package ships no modules.dep and depmod may be absent).
declare -A seen=()
order=()
modpath() { find "$mdir/kernel" -name "${1//[-_]/[-_]}.ko" | head -1; }
add_mod() {
	local name=${1//-/_} p d
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	p=$(modpath "$1")
	# built into this kernel: nothing to load
	[ -n "$p" ] || return 0
	for d in $(tr '\0' '\n' <"$p" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_mod "$d"
	done
	order+=("${p#"$mdir/"}")
}
for m in $MODULES; do add_mod "$m"; done
: >"$root/etc/wb-modules"
for p in "${order[@]}"; do
	mkdir -p "$root/lib/modules/$(dirname "$p")"
	cp "$mdir/$p" "$root/lib/modules/$p"
	echo "$p" >>"$root/etc/wb-modules"
done

echo "build-image: packing the initramfs ($(basename "$WB"), ${#order[@]} modules)"
(cd "$root" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null) | gzip -1 >"$OUT/initrd.img.new"
mv "$OUT/initrd.img.new" "$OUT/initrd.img"
cp "$kdir/boot/vmlinuz-$kver" "$OUT/vmlinuz"
echo "$kver" >"$OUT/kernel-version"
echo "$variant" >"$OUT/variant"
echo "$inputs" >"$OUT/stamp"
t1=$(date +%s.%N)
printf 'build-image: %s built in %.1f s (kernel %s, modules: %s)\n' "$OUT" \
	"$(echo "$t1 - $t0" | bc 2>/dev/null || echo 0)" "$kver" "$(tr '\n' ' ' <"$root/etc/wb-modules")"
