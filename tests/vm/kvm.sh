#!/usr/bin/env bash
# KVM, honestly: where /dev/kvm answers, a guest either boots (results say
# kvm, not emulated) or is killed at the up timeout; --accel kvm then exits
# 3, --accel auto falls back to TCG and says why. No qemu outlives a run.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IMG=$(dirname "$WB")/vm

if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm -a -w /dev/kvm ]; then
	skip "KVM guest" "no usable /dev/kvm on this machine"
	exit 0
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
	skip "KVM guest" "qemu-system-x86_64 not installed"
	exit 0
fi
if ! "$ROOT/vm/build-image.sh" "$IMG" "$WB" >"$TMP/b" 2>&1; then
	skip "KVM guest" "no guest image: $(tail -1 "$TMP/b")"
	exit 0
fi
args=(tlb_reach --param pages=16 --param page_size=4K --reps 2 --min-time 0.01)
no_qemu_left() { ! pgrep -f "qemu-system-x86_64.*$1" >/dev/null; }

start=$(date +%s)
"$WB" vm run "${args[@]}" --accel kvm --up-timeout 8 --out "$TMP/k.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
took=$(($(date +%s) - start))
if [ "$rc" -eq 0 ]; then
	ok "--accel kvm booted"
	check "KVM results are not emulated" python3 -c "
import json; w = json.load(open('$TMP/k.json'))['context']['walkbench']
assert w['emulated'] is False and w['guest']['accel'] == 'kvm'"
else
	check "--accel kvm that cannot boot exits 3 (got $rc)" test "$rc" -eq 3
	check "--accel kvm gave up within the timeout ($took s)" test "$took" -le 20
	check "the error says the guest was not up" grep -q "did not reach its 'up' marker" "$TMP/err"
	logs=$(sed -n "s/.*logs in //p" "$TMP/err")
	check "no qemu left behind" no_qemu_left "${logs:-wb-vm}"
	check "nothing written" test ! -e "$TMP/k.json"
	rm -rf "$logs"
	expect_exit 0 "--accel auto falls back to TCG" "$WB" vm run "${args[@]}" \
		--up-timeout 8 --out "$TMP/a.json"
	check "fallback recorded and results emulated" python3 -c "
import json; w = json.load(open('$TMP/a.json'))['context']['walkbench']
g = w['guest']
assert w['emulated'] is True and g['accel'] == 'tcg'
assert 'did not reach' in g['fallback_reason'] and g['kvm_attempt_seconds'] > 0"
fi
