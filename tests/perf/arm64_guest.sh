#!/usr/bin/env bash
# The arm64 guest end to end: `walkbench vm run --arch arm64 cow walk
# --quick` under qemu-system-aarch64 (TCG, -cpu max), then validate of the
# file it brings back. Prints the wall time, the guest's own time, the
# labels (arch, emulated, accel, the kernel's paging regime), the instances
# and validate's summary; exits 1 when the run writes no file, when a label
# is wrong or when validate fails an exact OS fact, 0 with SKIP when the
# cross build or qemu-system-aarch64 is missing (bench/deps.sh arm64).
# KEEP=DIR keeps the results file; WALL_LIMIT (1800) ends a run that hangs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$top/build/walkbench}
if [ -n "${KEEP:-}" ]; then
	tmp=$KEEP
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
fi
if ! command -v qemu-system-aarch64 >/dev/null; then
	echo "arm64_guest: SKIP: qemu-system-aarch64 not installed (qemu-system-arm)"
	exit 0
fi
if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
	echo "arm64_guest: SKIP: aarch64-linux-gnu-gcc not installed (gcc-aarch64-linux-gnu)"
	exit 0
fi
if ! make -C "$top" -s ARCH=arm64 >"$tmp/build.log" 2>&1; then
	echo "arm64_guest: SKIP: make ARCH=arm64 failed: $(grep -m1 -E 'error|No such' "$tmp/build.log")"
	exit 0
fi
out=$tmp/arm64.json
start=$(date +%s.%N)
timeout -k 10 "${WALL_LIMIT:-1800}" \
	"$WB" vm run --arch arm64 cow walk --quick --out "$out" >"$tmp/run.log" 2>&1
rc=$?
end=$(date +%s.%N)
secs=$(python3 -c "print('%.1f' % ($end - $start))")
if [ ! -s "$out" ] || ! python3 -c "import json; json.load(open('$out'))"; then
	echo "arm64_guest: the run wrote no results (exit $rc): $(tail -1 "$tmp/run.log")"
	exit 1
fi
"$WB" validate "$out" >"$tmp/validate.log" 2>&1
vrc=$?
python3 - "$out" "$secs" "$tmp/validate.log" "$vrc" <<'PY'
import json, re, sys
f = json.load(open(sys.argv[1]))
w = f["context"]["walkbench"]
env = w.get("env", {})
g = w.get("guest", {})
summary = [l for l in open(sys.argv[3]) if l.startswith("validate: ")]
kp = g.get("kernel_paging") or {}
print("arm64_guest: vm run --arch arm64 cow walk --quick: %s s wall, %.1f s in the guest"
      % (sys.argv[2], g.get("total_seconds", float("nan"))))
print("arm64_guest: arch %s, emulated %s (%s), accel %s"
      % (w.get("arch"), w.get("emulated"), env.get("emulated_by", "?"),
         g.get("accel")))
print("arm64_guest: guest paging: %s granule, %s-bit VA, %s levels (%s)"
      % (kp.get("granule"), kp.get("va_bits"), kp.get("levels"), kp.get("source")))
print("arm64_guest: %d instances, grid %s, %d pass(es)"
      % (len(w["instances"]), w.get("grid"), w.get("passes", 0)))
print("arm64_guest: validate (exit %s): %s" % (sys.argv[4],
      summary[-1].strip()[len("validate: "):] if summary else "no summary line"))
ok = w.get("arch") == "aarch64" and w.get("emulated") is True
sys.exit(0 if ok and sys.argv[4] == "0" else 1)
PY
