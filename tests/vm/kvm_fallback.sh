#!/usr/bin/env bash
# Every way a KVM boot fails before the guest is up, on any machine: a
# stand-in qemu (fake/qemu-system-x86_64) aborts on the MSR refusal seen
# on AMD hosts, hangs as on Intel ones, exits with a message, or boots on
# the second CPU model; build/walkbench-ident says /dev/kvm is usable
# (WB_TEST_IDENTITY kvm=1) so the KVM path runs where there is none.
# --accel kvm exits 3 with qemu's own words; --accel auto records each
# attempt and falls back to TCG; a guest whose kernel reports a soft
# lockup after it is up is killed then (exit 1), keeping the instances of
# the last checkpoint it sent; no qemu is left behind.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WBI=$(dirname "$WB")/walkbench-ident
IMG=$(dirname "$WB")/vm

if [ ! -x "$WBI" ]; then
	skip "KVM fallback" "build/walkbench-ident not built (make test builds it)"
	exit 0
fi
if ! REAL=$(command -v qemu-system-x86_64); then
	skip "KVM fallback" "qemu-system-x86_64 not installed"
	exit 0
fi
if ! "$ROOT/vm/build-image.sh" "$IMG" "$WB" >"$TMP/b" 2>&1; then
	skip "KVM fallback" "no guest image: $(tail -1 "$TMP/b")"
	exit 0
fi
export WB_REAL_QEMU=$REAL WB_FAKE_LOG=$TMP/attempts
export PATH=$ROOT/tests/vm/fake:$PATH
export WB_TEST_IDENTITY="kvm=1"
args=(tlb_reach --param pages=16 --param page_size=4K --reps 2 --min-time 0.01
	--image "$IMG")
no_fake_left() { ! pgrep -f "$ROOT/tests/vm/fake" >/dev/null && ! pgrep -f "sleep 600" >/dev/null; }
guest() { python3 - "$1" "$2" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
g = w["guest"]
exec(sys.argv[2])
PY
}

# case_run NAME MODES ACCEL EXIT [UP_TIMEOUT]: vm run with the stand-in in
# MODES; 3 s is enough for a stand-in to fail, a real TCG boot needs more
case_run() {
	: >"$WB_FAKE_LOG"
	rm -f "$TMP/r.json"
	export WB_FAKE_KVM=$2
	start=$(date +%s)
	expect_exit "$4" "$1: exit $4" "$WBI" vm run "${args[@]}" --accel "$3" \
		--up-timeout "${5:-3}" --out "$TMP/r.json"
	took=$(($(date +%s) - start))
	tries=$(tr '\n' '|' <"$WB_FAKE_LOG")
	logs=$(sed -n "s/.*logs in //p" "$TMP/err")
	[ -n "$logs" ] && rm -rf "$logs"
}

case_run "abort, then hang" "host:abort-msr host,-arch-capabilities:hang" kvm 3
check "abort, then hang: both CPU models tried in order ($tries)" \
	test "$tries" = "host abort-msr|host,-arch-capabilities hang|"
check "abort, then hang: the error carries qemu's refusal" \
	grep -q "^walkbench: error: -cpu host: qemu (kvm) exited with status 134 .*failed to set MSR 0x10a" "$TMP/err"
check "abort, then hang: and the hang after it" \
	grep -q "; -cpu host,-arch-capabilities: kvm guest did not reach its 'up' marker within 3 s; qemu killed" "$TMP/err"
# the stand-in hangs for 600 s: anything near that means it was not killed
# at the up timeout (a generous bound: the run lock may be held by others)
check "abort, then hang: killed at the up timeout, not left to hang ($took s)" test "$took" -le 120
check "abort, then hang: nothing written" test ! -e "$TMP/r.json"
check "abort, then hang: no qemu left behind" no_fake_left

case_run "hang" "host:hang" kvm 3
check "hang: no second CPU model after a hang ($tries)" test "$tries" = "host hang|"
check "hang: the error says so" grep -q "^walkbench: error: -cpu host: kvm guest did not reach its 'up' marker within 3 s; qemu killed (console empty; qemu said nothing)" "$TMP/err"
check "hang: no qemu left behind" no_fake_left

case_run "exit with a message" "host:exit-msg host,-arch-capabilities:exit-msg" kvm 3
check "exit: both models tried ($tries)" test "$tries" = "host exit-msg|host,-arch-capabilities exit-msg|"
check "exit: qemu's last line in the error" \
	grep -q "^walkbench: error: -cpu host: qemu (kvm) exited with status 1 before the guest was up: qemu-system-x86_64: fake: kvm refused this CPU model; -cpu host,-arch" "$TMP/err"

case_run "auto after abort and hang" "host:abort-msr host,-arch-capabilities:hang" auto 0
check "auto: each attempt recorded, then TCG" guest "$TMP/r.json" '
assert w["emulated"] is True and g["accel"] == "tcg" and g["cpu_model"] == "max"
t = g["kvm_attempts"]
assert [(a["cpu_model"], a["outcome"]) for a in t] == [("host", "exited"), ("host,-arch-capabilities", "hung")], t
assert "failed to set MSR 0x10a" in t[0]["message"] and t[0]["seconds"] < 3
assert 2.9 < t[1]["seconds"] < 6, t[1]
assert t[0]["message"] in g["fallback_reason"] and t[1]["message"] in g["fallback_reason"]
assert abs(g["kvm_attempt_seconds"] - t[0]["seconds"] - t[1]["seconds"]) < 1e-6
'
check "auto: results carry the stand-in identity" guest "$TMP/r.json" '
assert g["host_env"]["test_identity"] == "kvm=1" and g["host_env"]["kvm_usable"] is True'

# a guest that comes up, then its kernel reports a CPU stuck for over two
# minutes: killed then, not at --vm-timeout (30 minutes)
case_run "soft lockup after up" "host:lockup" kvm 1
check "lockup: the error quotes the guest kernel" \
	grep -q "^walkbench: error: -cpu host: kvm guest kernel reports a soft lockup (a CPU stuck for 150 s): the guest stopped making progress; qemu killed" "$TMP/err"
check "lockup: killed at once, not at --vm-timeout ($took s)" test "$took" -le 120
check "lockup: nothing written" test ! -e "$TMP/r.json"
check "lockup: no qemu left behind" no_fake_left

# the same, after the guest sent a checkpoint of its results (vm/init.sh):
# the instances it finished are kept, marked incomplete, with the reason
"$WB" run tlb_reach --param pages=16 --param page_size=4K --reps 2 \
	--min-time 0.01 --out "$TMP/ckpt.json" >/dev/null 2>&1
if [ -s "$TMP/ckpt.json" ]; then
	export WB_FAKE_CKPT=$TMP/ckpt.json
	case_run "soft lockup after a checkpoint" "host:lockup" kvm 1
	unset WB_FAKE_CKPT
	check "checkpoint: the error says what is kept" \
		grep -q "^walkbench: error: -cpu host: kvm guest kernel reports a soft lockup .*qemu killed after [0-9]* s; logs in [^;]*; the instances the guest finished before are kept in $TMP/r.json (complete: false)" "$TMP/err"
	check "checkpoint: its instances, incomplete, with the reason" guest "$TMP/r.json" '
c = json.load(open(sys.argv[1].replace("r.json", "ckpt.json")))["context"]["walkbench"]
assert w["complete"] is False
assert "soft lockup" in g["stopped"], g.get("stopped")
assert g["accel"] == "kvm" and w["emulated"] is False
assert g["total_seconds"] > 0, g["total_seconds"]
assert [i["name"] for i in w["instances"]] == [i["name"] for i in c["instances"]]'
	check "checkpoint: no qemu left behind" no_fake_left

	# the final frame whole, then the power-off hung: complete results,
	# their own exit code, and why qemu was killed
	export WB_FAKE_CKPT=$TMP/ckpt.json WB_FAKE_FRAME_RC=0
	case_run "soft lockup after the final frame" "host:lockup" kvm 0
	unset WB_FAKE_CKPT WB_FAKE_FRAME_RC
	check "final frame: the kill is said" \
		grep -q "^walkbench: -cpu host: kvm guest kernel reports a soft lockup .*, after the guest had sent its final results" "$TMP/err"
	check "final frame: complete, with the reason" guest "$TMP/r.json" '
assert w["complete"] is True
assert "soft lockup" in g["stopped"], g.get("stopped")'
	check "final frame: no qemu left behind" no_fake_left
else
	skip "soft lockup after a checkpoint" "the native run for its checkpoint wrote nothing"
fi

case_run "second CPU model boots" "host:abort-msr host,-arch-capabilities:boot" kvm 0 90
check "second model: the guest that came up says which model" guest "$TMP/r.json" '
assert g["accel"] == "kvm" and g["cpu_model"] == "host,-arch-capabilities", g["cpu_model"]
assert [a["outcome"] for a in g["kvm_attempts"]] == ["exited", "up"]
assert g["fallback_reason"] is None'
check "no qemu left behind" no_fake_left
