#!/usr/bin/env bash
# Installs the Debian packages walkbench needs, when root; otherwise names
# the one apt-get line to run and exits 3 (resource missing).
# `deps.sh deb`: also what `make deb` builds and checks the package with.
set -u
pkgs=(gcc g++ make git libpfm4-dev libhwloc-dev hwloc gnuplot-nox
	libbenchmark-dev libjansson-dev nettle-dev libcmocka-dev clang-format python3
	python3-jsonschema
	clang libclang-rt-14-dev qemu-system-x86 busybox-static cppcheck clang-tidy)
[ "${1:-}" = deb ] && pkgs+=(debhelper dpkg-dev fakeroot lintian bash-completion)
[ -n "${WB_EXTRA_PKGS:-}" ] && pkgs+=($WB_EXTRA_PKGS)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "walkbench: missing packages; as root run: apt-get install -y ${missing[*]}" >&2
	exit 3
fi
echo "walkbench: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	{ echo "walkbench: apt-get install ${missing[*]} failed" >&2; exit 3; }
