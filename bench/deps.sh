#!/usr/bin/env bash
# Installs the Debian packages walkbench needs, when root; otherwise names
# the one apt-get line to run and exits 3 (resource missing).
# `deps.sh deb`: also what `make deb` builds and checks the package with.
# `deps.sh arm64`: only what `make ARCH=arm64` and the arm64 tests need (the
# cross toolchain, the :arm64 -dev packages, qemu for aarch64), adding the
# arm64 architecture to dpkg first when it is missing. The guest's arm64
# kernel and busybox are not installed: their files would clash with the
# host's own packages, so the guest image fetches them (`apt-get download`).
set -u
if [ "${1:-}" = arm64 ]; then
	pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross libpfm4-dev:arm64
		libhwloc-dev:arm64 libjansson-dev:arm64 nettle-dev:arm64
		qemu-user-static qemu-system-arm)
	# an aarch64 machine builds natively: no cross toolchain, no qemu-user
	[ "$(uname -m)" = aarch64 ] && pkgs=(gcc libc6-dev libpfm4-dev
		libhwloc-dev libjansson-dev nettle-dev qemu-system-arm)
	if [ "$(uname -m)" != aarch64 ] &&
		! dpkg --print-foreign-architectures | grep -qx arm64; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "walkbench: dpkg has no arm64 architecture; as root run: dpkg --add-architecture arm64 && apt-get update" >&2
			exit 3
		fi
		dpkg --add-architecture arm64 ||
			{ echo "walkbench: dpkg --add-architecture arm64 failed" >&2; exit 3; }
		added_arch=1
	fi
else
	pkgs=(gcc g++ make git libpfm4-dev libhwloc-dev hwloc gnuplot-nox
		libbenchmark-dev libjansson-dev nettle-dev libcmocka-dev
		clang-format python3 python3-jsonschema clang libclang-rt-14-dev
		qemu-system-x86 busybox-static cppcheck clang-tidy)
fi
[ "${1:-}" = deb ] && pkgs+=(debhelper dpkg-dev fakeroot lintian bash-completion)
[ -n "${WB_EXTRA_PKGS:-}" ] && pkgs+=($WB_EXTRA_PKGS)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { [ -z "${added_arch:-}" ] || apt-get update -qq >/dev/null; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
	echo "walkbench: missing packages; as root run: apt-get install -y ${missing[*]}" >&2
	exit 3
fi
echo "walkbench: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	{ echo "walkbench: apt-get install ${missing[*]} failed" >&2; exit 3; }
