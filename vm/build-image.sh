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
# WB_ARCH=arm64 builds an aarch64 image (default build/vm-arm64) from the
# static cross build (make ARCH=arm64), linux-image-arm64:arm64's kernel
# and busybox-static:arm64, both fetched with apt-get download and
# unpacked with dpkg -x: nothing of arm64 is installed on the host.
set -euo pipefail
ARCH=${WB_ARCH:-x86_64}
case $ARCH in
x86_64 | amd64) ARCH=x86_64 DEBARCH=amd64 DEF_OUT=build/vm DEF_WB=build/walkbench ;;
arm64 | aarch64) ARCH=aarch64 DEBARCH=arm64 DEF_OUT=build/vm-arm64 DEF_WB=build/arm64/walkbench-static ;;
*) echo "build-image: WB_ARCH=$ARCH: not x86_64 or arm64" >&2; exit 2 ;;
esac
OUT=${1:-$DEF_OUT}
WB=${2:-$DEF_WB}
HERE=$(cd "$(dirname "$0")" && pwd)
MODULES="virtio_pci virtio_console"

die() { echo "build-image: $*" >&2; exit "${RC:-1}"; }
# apt-get download PKG into DIR; exit 3 naming PKG and apt's last line
fetch() {
	local msg
	if ! msg=$(cd "$2" && apt-get download "$1" 2>&1 >/dev/null); then
		RC=3 die "$3: apt-get download $1 failed: $(echo "$msg" |
			grep -v '^\s*$' | grep -v '^W: Download is performed unsandboxed' | tail -1)"
	fi
}
mk=make
[ $ARCH = aarch64 ] && mk="make ARCH=arm64"
[ -x "$WB" ] || RC=3 die "no walkbench binary at $WB (run $mk first)"
mkdir -p "$OUT/deb"
if [ $ARCH = aarch64 ]; then
	file -L "$WB" | grep -q 'ARM aarch64.*statically linked' ||
		RC=3 die "$WB is not a static aarch64 walkbench (make ARCH=arm64)"
	# the guest's busybox: busybox-static:arm64, unpacked, never installed
	# (it would replace the host's /bin/busybox)
	if [ -n "${WB_BUSYBOX:-}" ]; then
		BUSYBOX=$WB_BUSYBOX
	else
		bdeb=$(ls "$OUT"/deb/busybox-static_*_arm64.deb 2>/dev/null | sort -V | tail -1 || true)
		if [ -z "$bdeb" ]; then
			echo "build-image: fetching busybox-static:arm64 with apt-get download"
			fetch busybox-static:arm64 "$OUT/deb" "no busybox-static:arm64"
			bdeb=$(ls "$OUT"/deb/busybox-static_*_arm64.deb | sort -V | tail -1)
		fi
		# only the binary is kept: the package's other files (a
		# conf-hooks.d directory) would look like make's .d files
		if [ "$(cat "$OUT/busybox.deb" 2>/dev/null)" != "$(basename "$bdeb")" ]; then
			rm -rf "$OUT/busybox.x"
			dpkg -x "$bdeb" "$OUT/busybox.x"
			mv "$OUT/busybox.x/bin/busybox" "$OUT/busybox"
			rm -rf "$OUT/busybox.x"
			basename "$bdeb" >"$OUT/busybox.deb"
		fi
		BUSYBOX=$OUT/busybox
	fi
	file -L "$BUSYBOX" 2>/dev/null | grep -q 'ARM aarch64.*statically linked' ||
		RC=3 die "$BUSYBOX is not an aarch64 busybox-static (busybox-static:arm64)"
	# the arm64 busybox cannot run here: the host's packs the initramfs
	PACKER=/bin/busybox
	[ -x "$PACKER" ] || PACKER=$(command -v busybox || true)
	[ -n "$PACKER" ] || RC=3 die "no busybox on the host to pack the initramfs (apt-get install busybox-static)"
else
	BUSYBOX=${WB_BUSYBOX:-/bin/busybox}
	file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
		RC=3 die "$BUSYBOX is not busybox-static (apt-get install busybox-static)"
	PACKER=$BUSYBOX
fi

# a package already fetched for another image is reused
other=$([ $ARCH = aarch64 ] && echo vm-arm64 || echo vm)
deb=$(ls "$OUT"/deb/linux-image-*-${DEBARCH}_*.deb \
	"$OUT"/../$other/deb/linux-image-*-${DEBARCH}_*.deb \
	2>/dev/null | sort -V | tail -1 || true)
if [ -z "$deb" ]; then
	meta=linux-image-$DEBARCH
	[ $ARCH = aarch64 ] && meta=linux-image-arm64:arm64
	pkg=${WB_KERNEL_PKG:-$(apt-cache depends $meta 2>/dev/null |
		awk '/Depends: linux-image-/ {print $2; exit}')}
	[ -n "$pkg" ] || RC=3 die "no $meta in the package lists (apt-get update$([ $ARCH = aarch64 ] && echo '; dpkg --add-architecture arm64')?)"
	echo "build-image: fetching the guest kernel ($pkg) with apt-get download"
	fetch "$pkg" "$OUT/deb" "no guest kernel"
	deb=$(ls "$OUT"/deb/linux-image-*-${DEBARCH}_*.deb | sort -V | tail -1)
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
[ $ARCH = x86_64 ] || inputs=$(echo "$ARCH $inputs" | sha256sum | cut -d' ' -f1)
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
(cd "$root" && find . | "$PACKER" cpio -o -H newc 2>/dev/null) | gzip -1 >"$OUT/initrd.img.new"
mv "$OUT/initrd.img.new" "$OUT/initrd.img"
cp "$kdir/boot/vmlinuz-$kver" "$OUT/vmlinuz"
echo "$kver" >"$OUT/kernel-version"
echo "$ARCH" >"$OUT/arch"
# The guest kernel's paging, from the package's own config: what the model
# must take for an arm64 guest when its results do not say.
cfg=$kdir/boot/config-$kver
if [ -f "$cfg" ]; then
	grep -E '^CONFIG_(ARM64_(4K|16K|64K)_PAGES|ARM64_VA_BITS|PGTABLE_LEVELS|X86_5LEVEL)=' "$cfg" |
		sed "s|\$| (boot/config-$kver in $(basename "$deb"))|" >"$OUT/kernel-paging"
fi
echo "$variant" >"$OUT/variant"
echo "$inputs" >"$OUT/stamp"
t1=$(date +%s.%N)
printf 'build-image: %s built in %.1f s (kernel %s, modules: %s)\n' "$OUT" \
	"$(echo "$t1 - $t0" | bc 2>/dev/null || echo 0)" "$kver" "$(tr '\n' ' ' <"$root/etc/wb-modules")"
