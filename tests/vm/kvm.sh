#!/usr/bin/env bash
# KVM, honestly, on this machine's own /dev/kvm: a guest either boots
# (results say kvm, not emulated) or fails before it is up, however qemu
# fails here (abort, hang, early exit); --accel kvm then exits 3 with
# qemu's words, --accel auto falls back to TCG and records every attempt.
# No qemu outlives a run. kvm_fallback.sh shows each failure mode on any
# machine.
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
	# two CPU models at most, each killed at the 8 s up timeout; the bound
	# is generous because the run lock may be held by another run first
	check "--accel kvm gave up, not left to hang ($took s)" test "$took" -le 120
	check "the error names the attempt and what qemu did" \
		grep -qE -- "-cpu host: .*(exited with status|did not reach its 'up' marker)" "$TMP/err"
	check "the error is the last line of stderr" sh -c "tail -1 '$TMP/err' | grep -q '^walkbench: error: -cpu host: '"
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
t = g['kvm_attempts']
assert t and t[0]['cpu_model'] == 'host', t
assert all(a['outcome'] in ('exited', 'hung') and a['message'] in g['fallback_reason'] for a in t)
assert g['kvm_attempt_seconds'] > 0"
fi
