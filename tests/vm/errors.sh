#!/usr/bin/env bash
# walkbench vm: bad flags are one-line errors with exit 2, before any boot.
source "$(dirname "$0")/../lib.sh"
R=$TMP/results

expect_exit 0 "vm --help" "$WB" vm --help
expect_exit 0 "vm run --help" "$WB" vm run --help
expect_exit 2 "vm without an action" "$WB" vm
expect_exit 2 "vm unknown action" "$WB" vm frob
one_line_error "vm frob"
for bad in "--accel qemu" "--mem 12" "--mem lots" "--mem 100M" \
	"--host-backing 3M" "--guest-thp maybe" "--smp 0" "--up-timeout -1" \
	"--frob" "--reps" "--mem 1536M --host-backing 1G" "--arch sparc" \
	"--arch" "--arch ARM64"; do
	# shellcheck disable=SC2086
	expect_exit 2 "vm run $bad" "$WB" vm run tlb $bad --results-dir "$R"
	one_line_error "vm run $bad"
done
# KVM runs only the host's own architecture: a guest of another is
# refused before any image is built
case $(uname -m) in
x86_64) other=arm64 ;;
aarch64) other=x86_64 ;;
*) other= ;;
esac
if [ -n "$other" ]; then
	expect_exit 3 "vm run --arch $other --accel kvm on $(uname -m)" \
		"$WB" vm run tlb --arch "$other" --accel kvm --image "$TMP/noimg" --results-dir "$R"
	one_line_error "vm run --arch $other --accel kvm"
	check "--accel kvm across architectures says use tcg" grep -q "use --accel tcg" "$TMP/err"
	check "no image built for a refused --accel kvm" test ! -e "$TMP/noimg"
fi
expect_exit 2 "vm run unknown suite" "$WB" vm run nosuchsuite --results-dir "$R"
check "unknown suite named in the error" grep -q "nosuchsuite" "$TMP/err"
check "nothing written for bad input" test ! -e "$R"
echo '{}' >"$TMP/exists.json"
expect_exit 2 "vm run --out an existing file" "$WB" vm run tlb --out "$TMP/exists.json" --image /nonexistent
# an image directory that cannot be made: no image, and none can be built
expect_exit 3 "vm run without an image" "$WB" vm run tlb --image /proc/noimage --results-dir "$R"
one_line_error "missing image"
expect_exit 2 "vm pair needs two files" "$WB" vm pair "$TMP/exists.json"
expect_exit 2 "vm unframe of a missing file" "$WB" vm unframe "$TMP/nochan" "$TMP/o.json"
expect_exit 2 "vm matrix --out (one file for many cells)" "$WB" vm matrix tlb --out "$TMP/m.json"
one_line_error "vm matrix --out"
expect_exit 2 "vm matrix --host-backing (an axis, not an option)" "$WB" vm matrix tlb --host-backing 2M
expect_exit 2 "vm matrix --guest-thp (an axis, not an option)" "$WB" vm matrix tlb --guest-thp on
expect_exit 0 "vm matrix --help" "$WB" vm matrix --help
