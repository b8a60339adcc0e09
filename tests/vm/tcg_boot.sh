#!/usr/bin/env bash
# One small tlb_reach instance in a TCG guest: the results file of the quick
# run comes back whole, labelled emulated, on the functional grid in one
# pass, with the guest's and the host's fingerprints;
# --pair declines to time it against native; the kept channel, corrupted
# or cut short, is refused.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
IMG=$(dirname "$WB")/vm

if ! command -v qemu-system-x86_64 >/dev/null; then
	skip "TCG guest run" "qemu-system-x86_64 not installed"
	exit 0
fi
if ! "$ROOT/vm/build-image.sh" "$IMG" "$WB" >"$TMP/b" 2>&1; then
	skip "TCG guest run" "no guest image: $(tail -1 "$TMP/b")"
	exit 0
fi
OUT=$TMP/g.json
expect_exit 0 "vm run tlb_reach on TCG" timeout 120 "$WB" vm run tlb_reach \
	--param pages=16 --param page_size=4K --quick --min-time 0.01 \
	--accel tcg --up-timeout 90 --keep-logs --pair --out "$OUT"
check "--pair refuses to time an emulated guest against native" grep -q "not paired" "$TMP/err"
check "--pair ran nothing natively for it" test ! -e "$TMP/g.native.json"
py() { python3 - "$OUT" "$@"; }
check "guest results labelled emulated, with the guest object" py <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
assert w["complete"] is True
assert w["emulated"] is True
g = w["guest"]
assert g["accel"] == "tcg" and g["cpu_model"] == "max"
assert g["qemu_version"].startswith("QEMU")
assert g["guest_kernel"] and g["variant"]
assert g["host_backing"] == "4K" and g["host_backing_verified"] is True
assert g["host_env"]["kernel"] != w["env"]["kernel"]
PY
check "quick on TCG: the functional grid, one pass, one repetition, and why" py <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["context"]["walkbench"]
assert w["grid"] == "functional", w["grid"]
assert w["grid_reason"].startswith("emulated: timings are not results"), w["grid_reason"]
assert w["passes"] == 1 and w["repetitions"] == 1, (w["passes"], w["repetitions"])
assert [i["passes_measured"] for i in w["instances"]] == [1], w["instances"]
PY
check "functional facts hold inside the guest (page size verified)" py <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"]
runs = [x for x in b if x.get("run_type") == "iteration"]
assert runs and all(x["page_size_verified"] is True for x in runs)
PY
check "the guest runs 5-level paging under -cpu max" py <<'PY'
import json, sys
env = json.load(open(sys.argv[1]))["context"]["walkbench"]["env"]
assert env["la57"] is True and env["la57_active"] is True, env
PY
logs=$(sed -n 's/^logs kept in //p' "$TMP/err")
chan=$logs/results.chan
if [ -s "$chan" ]; then
	expect_exit 0 "kept channel unframes to the same file" "$WB" vm unframe "$chan" "$TMP/u.json"
	check "unframed payload equals the guest's results" python3 -c "
import json, sys
a = json.load(open('$TMP/u.json')); b = json.load(open('$OUT'))
assert a['benchmarks'] == b['benchmarks']"
	# the final frame alone: a slow guest may have sent checkpoints
	# before it, and a damaged frame then leaves the one before
	python3 -c "
d = open('$chan', 'rb').read()
open('$TMP/one.chan', 'wb').write(d[d.rindex(b'WBFRAME1 '):])"
	cp "$TMP/one.chan" "$TMP/bad.chan"
	# flip one byte inside the payload
	python3 -c "
import sys
p = '$TMP/bad.chan'; d = bytearray(open(p, 'rb').read())
i = d.index(b'\"benchmarks\"'); d[i + 1] ^= 0x20
open(p, 'wb').write(d)"
	expect_exit 1 "corrupted transfer refused" "$WB" vm unframe "$TMP/bad.chan" "$TMP/u2.json"
	check "corruption named as a checksum mismatch" grep -q "checksum mismatch" "$TMP/err"
	check "nothing written from a corrupted transfer" test ! -e "$TMP/u2.json"
	head -c $(($(stat -c %s "$TMP/one.chan") - 100)) "$TMP/one.chan" >"$TMP/cut.chan"
	expect_exit 1 "truncated transfer refused" "$WB" vm unframe "$TMP/cut.chan" "$TMP/u3.json"
	check "truncation named" grep -q "cut short" "$TMP/err"
	rm -rf "$logs"
else
	not_ok "kept results channel present ($chan)"
fi

# SIGTERM during a guest run: qemu dies with it, nothing is written.
"$WB" vm run tlb_reach --param pages=16 --quick --accel tcg --out "$TMP/sig.json" \
	>/dev/null 2>&1 &
wb=$!
qemu=
for _ in $(seq 1 100); do
	qemu=$(pgrep -P "$wb" qemu-system-x86 || true)
	[ -n "$qemu" ] && break
	sleep 0.1
done
if [ -z "$qemu" ]; then
	not_ok "qemu started under vm run"
else
	sleep 1
	kill -TERM "$wb"
	wait "$wb"
	rc=$?
	check "SIGTERM ends vm run by that signal (exit $rc)" test "$rc" -eq 143
	sleep 0.5
	check "qemu did not outlive the interrupted run" sh -c "! kill -0 $qemu 2>/dev/null"
	check "nothing written by the interrupted run" test ! -e "$TMP/sig.json"
fi
