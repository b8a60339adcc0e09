#!/usr/bin/env bash
# The Debian package on a fresh Debian 12: a minimal bookworm chroot made by
# debootstrap from Debian's archive, the .deb of `make deb` installed there
# with apt (which resolves its Depends from the archive), then from / in the
# chroot: `walkbench --version`, a short `walkbench run tlb_reach --quick`,
# `man walkbench-run` (man-db installed for it), and `apt-get remove
# --purge walkbench`, after which no path of `dpkg -L walkbench` may be left
# but the directories other packages own. Not part of `make test`: it needs
# root and the network, and debootstrap downloads about 100 MB (`make
# deb-check` builds the package and runs this).
#
# DEB=FILE the package (default: build/deb/walkbench_*_ARCH.deb);
# MIRROR (http://deb.debian.org/debian); CACHE=DIR keeps debootstrap's
# downloads between runs (default /var/cache/walkbench-debootstrap);
# KEEP=1 leaves the chroot (unmounted) for a look.
# Exit: 0 every step passed, 1 a step failed, 3 a needed resource is missing.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CACHE=${CACHE:-/var/cache/walkbench-debootstrap}
fails=0

ok() { echo "ok - $*"; }
bad() {
	echo "not ok - $*"
	fails=$((fails + 1))
}
missing() {
	echo "deb_fresh: $*" >&2
	exit 3
}

[ "$(id -u)" = 0 ] || missing "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null ||
	missing "debootstrap not installed (Debian package debootstrap)"
arch=$(dpkg --print-architecture)
if [ -z "${DEB:-}" ]; then
	DEB=$(ls -t "$top"/build/deb/walkbench_*_"$arch".deb 2>/dev/null | head -1)
fi
[ -n "$DEB" ] && [ -f "$DEB" ] || missing "no package: run make deb first (or DEB=FILE)"

root=$(mktemp -d /var/tmp/wb-chroot.XXXXXX) || exit 1
# apt's _apt and man-db's man users must reach into it, as into any /
chmod 755 "$root"
mounted=()
cleanup() {
	local i
	# deepest first; a recursive bind goes with its submounts
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -R "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}"
	done
	if [ -n "${KEEP:-}" ]; then
		echo "chroot kept in $root (nothing mounted)"
	else
		rm -rf --one-file-system "$root"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "# debootstrap --variant=minbase bookworm $root $MIRROR"
mkdir -p "$CACHE"
t0=$(date +%s)
if ! debootstrap --variant=minbase --cache-dir="$CACHE" bookworm "$root" \
	"$MIRROR" >"$root.log" 2>&1; then
	tail -5 "$root.log"
	rm -f "$root.log"
	missing "debootstrap failed (network or mirror $MIRROR)"
fi
rm -f "$root.log"
echo "# debootstrap took $(($(date +%s) - t0)) s"

bind() { # SRC DIR: a recursive bind mount, undone at exit
	mkdir -p "$root$2"
	mount --rbind "$1" "$root$2" && mount --make-rslave "$root$2" &&
		mounted+=("$root$2")
}
mkdir -p "$root/proc" && mount -t proc proc "$root/proc" && mounted+=("$root/proc")
bind /sys /sys
bind /dev /dev
# the machine-wide run lock lives here: the chroot's run must wait for the
# host's and the other way round
bind /run/lock /run/lock
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$DEB" "$root/tmp/"
deb=/tmp/$(basename "$DEB")

in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive sh -c "cd / && $1"; }
step() { # NAME COMMAND: runs COMMAND in the chroot from /, prints its tail
	local out rc
	out=$(in_root "$2" 2>&1)
	rc=$?
	printf '%s\n' "$out" | tail -"${3:-3}" | sed 's/^/#   /'
	if [ $rc = 0 ]; then ok "$1"; else bad "$1 (exit $rc)"; fi
	return $rc
}

echo "# $(basename "$DEB"): Depends: $(dpkg-deb -f "$DEB" Depends)"
step "apt-get update" "apt-get update -q" 1
step "apt-get install ./$(basename "$DEB") resolves its Depends" \
	"apt-get install -y -q --no-install-recommends $deb" 4 ||
	exit 1
step "walkbench --version from /" "walkbench --version"
step "walkbench run tlb_reach --quick --param pages=64 from /" \
	"walkbench run tlb_reach --quick --param pages=64 --out /tmp/tlb.json" 4
step "the run's file validates" "walkbench validate /tmp/tlb.json >/dev/null && echo validated" 1
step "man-db installs" "apt-get install -y -q --no-install-recommends man-db" 1
step "man walkbench-run renders from /" \
	"MANWIDTH=80 man walkbench-run 2>&1 | grep -m1 -A1 '^NAME'" 2

in_root "dpkg -L walkbench" >"$root/../wb-files.$$" 2>/dev/null
files=$(cat "$root/../wb-files.$$")
rm -f "$root/../wb-files.$$"
echo "# dpkg -L walkbench: $(printf '%s\n' "$files" | grep -c .) paths"
step "apt-get remove --purge walkbench" "apt-get remove --purge -y -q walkbench" 1
left=
for p in $files; do
	[ "$p" = /. ] && continue # dpkg -L's first line, the root itself
	[ -e "$root$p" ] || continue
	# a directory stays when another package owns it
	if [ -d "$root$p" ] && in_root "dpkg -S '$p'" >/dev/null 2>&1; then
		continue
	fi
	left+=" $p"
done
if [ -z "$left" ]; then
	ok "nothing of walkbench is left after the purge"
else
	bad "left after the purge:$left"
fi
in_root "dpkg -s walkbench" >/dev/null 2>&1 &&
	bad "dpkg still knows walkbench" || ok "dpkg no longer knows walkbench"

echo "# $fails failed"
[ $fails = 0 ]
