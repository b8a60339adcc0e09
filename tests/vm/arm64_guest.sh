#!/usr/bin/env bash
# An arm64 guest under qemu-system-aarch64 (TCG, -cpu max): the results
# come back whole, labelled emulated and aarch64 with where the guest
# learned it was emulated, on the functional grid; the guest's regime is
# Debian's (4K granule, 48-bit VA: 4 levels, no 5-level paging), and
# validate passes every exact OS fact (VmPTE growth, faults, zero page,
# COW, page sizes) and fails none. Skips naming what is missing: the
# emulator, the cross toolchain's static walkbench, the arm64 packages.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$WB")
XWB=$BUILD/arm64/walkbench-static
IMG=$BUILD/vm-arm64

if ! command -v qemu-system-aarch64 >/dev/null; then
	skip "arm64 guest run" "qemu-system-aarch64 not installed (bench/deps.sh arm64)"
	exit 0
fi
if [ ! -x "$XWB" ]; then
	if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
		skip "arm64 guest run" "no aarch64-linux-gnu-gcc to cross-build walkbench (bench/deps.sh arm64)"
		exit 0
	fi
	if ! make -C "$ROOT" -s ARCH=arm64 >"$TMP/xb" 2>&1; then
		skip "arm64 guest run" "make ARCH=arm64 failed (the :arm64 -dev packages?): $(grep -m1 -E 'error|No such' "$TMP/xb")"
		exit 0
	fi
fi
if ! WB_ARCH=arm64 "$ROOT/vm/build-image.sh" "$IMG" "$XWB" >"$TMP/b" 2>&1; then
	skip "arm64 guest run" "no arm64 guest image: $(tail -1 "$TMP/b")"
	exit 0
fi

# The suites' OS facts in the fewest instances: VmPTE growth at every level
# (walk_depth) and over many PTE tables (walk_pwc), the zero page and first
# writes (demand_zero, 4K), COW of 4K pages and of THPs (cow_storm).
OUT=$TMP/arm64.json
expect_exit 0 "vm run --arch arm64 on TCG" timeout 350 "$WB" vm run --arch arm64 \
	walk_depth walk_pwc demand_zero cow_storm --quick \
	--param stride=512G --param upper_entries=16 \
	--param demand_zero.page_size=4K --param phase=write \
	--param cow_storm.page_size=2M --param writer=child --param percent=10 \
	--image "$IMG" --out "$OUT"
py() { python3 - "$OUT" "$@"; }
check "labelled aarch64, emulated, TCG, and how the guest knew" py <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
assert w["arch"] == "aarch64", w.get("arch")
assert w["complete"] is True and w["emulated"] is True
g = w["guest"]
assert g["arch"] == "aarch64" and g["accel"] == "tcg" and g["cpu_model"] == "max", g
assert "aarch64" in g["qemu_version"] or g["qemu_version"].startswith("QEMU")
assert g["guest_kernel"].endswith("-arm64"), g["guest_kernel"]
assert "KVM runs only guests of the host's own architecture" in g["fallback_reason"], g["fallback_reason"]
e = w["env"]["emulated_by"]
assert "MIDR_EL1" in e and "wb.accel=tcg" in e, e
assert w["env"]["la57_active"] is False
assert w["grid"] == "functional", w["grid"]
PY
check "the guest's regime: 4K pages, 4 levels, with a VmPTE prediction for each walk" py <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
env = w["env"]
assert env["la57_active"] is False, env
assert env.get("page_size", 4096) == 4096 and env.get("pt_levels", 4) == 4, env
walks = [i for i in w["instances"] if i["kernel"].startswith("walk")]
assert walks and all(any(p["quantity"] == "vmpte_delta_bytes"
                         for p in i["prediction"]["items"]) for i in walks), walks
PY
check "page sizes verified inside the guest" py <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
ok = [i for i in w["instances"] if i["status"] == "ok"]
assert len(ok) == len(w["instances"]), [(i["name"], i["status"]) for i in w["instances"]]
assert all(i["page_size_verified"] for i in ok), [i["name"] for i in ok if not i["page_size_verified"]]
PY
expect_exit 0 "validate the arm64 guest's file" "$WB" validate "$OUT"
cp "$TMP/out" "$TMP/v"
check "no FAIL and no INCONCLUSIVE" grep -qE "^validate: [0-9]+ PASS, 0 FAIL, 0 INCONCLUSIVE" "$TMP/v"
check "every exact OS fact PASSes" python3 - "$TMP/v" <<'PY'
import sys
rows = [l for l in open(sys.argv[1]) if " exact " in l]
names = {l.split()[0] for l in rows}
assert {"walk_depth", "walk_pwc", "demand_zero", "cow_storm"} <= names, names
assert rows and all(l.rstrip().endswith("PASS") for l in rows), [l for l in rows if not l.rstrip().endswith("PASS")]
for q in ("vmpte_delta_bytes", "read_pages_zero_page", "pfn_differ_after", "minor_faults_child"):
    assert any(q in l for l in rows), q
PY
check "timings of the emulated guest are not checked" grep -q "emulated CPU (TCG)" "$TMP/v"
