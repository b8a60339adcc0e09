#!/usr/bin/env bash
# walkbench claims under an arm64 identity (build/walkbench-ident with
# WB_TEST_IDENTITY): the claims that rest on what only x86-64 has (a VIPT
# L1D, KVM's shadow paging) say "not established on arm64" and why; the
# model claims use the arm64 regime or say why they cannot. --from an empty
# directory measures nothing, so only the verdicts' words are judged.
source "$(dirname "$0")/../lib.sh"

WBI=$(dirname "$WB")/walkbench-ident
if [ ! -x "$WBI" ]; then
	skip "claims on arm64" "build/walkbench-ident not built (make test builds it)"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip "claims on arm64" "python3 not installed (needed to read the JSON)"
	exit 0
fi
mkdir -p "$TMP/none"
N1='arch=aarch64;vendor=ARM;family=0x41;model=0xd0c;model_name=Neoverse N1;hypervisor='

# claims ID WANT_VERDICT WANT_TEXT: the claim's verdict and words
claim() {
	python3 - "$TMP/out" "$@" <<'PY'
import json, sys
f, cid, verdict, text = sys.argv[1:5]
c = [c for c in json.load(open(f))["claims"] if c["id"] == cid][0]
ok = c["verdict"] == verdict and text in c["numbers"]
if not ok:
    print("# %s: %s / %s" % (cid, c["verdict"], c["numbers"]))
sys.exit(0 if ok else 1)
PY
}

WB_TEST_IDENTITY="$N1;page_size=4096;va_bits=48;pt_levels=4" \
	expect_exit 0 "claims --from (arm64, 4K granule, 48 bits)" "$WBI" claims --json --from "$TMP/none"
check "vipt: not established on arm64 (PIPT-behaving data caches)" \
	claim vipt "cannot be tested here" "not established on arm64: its data caches behave as PIPT"
check "shadow_vs_nested: not established on arm64 (no shadow paging in KVM/arm64)" \
	claim shadow_vs_nested "cannot be tested here" "not established on arm64: KVM/arm64 has no shadow-paging mode"
check "inverted_breakeven: the regime's 4 levels" \
	claim inverted_breakeven "holds" "(4K pages, 4 levels)"
check "walk_2d_worst: the model's 24, as on x86-64" \
	claim walk_2d_worst "does not hold" "24 references"

WB_TEST_IDENTITY="$N1;page_size=65536;va_bits=48;pt_levels=3" \
	expect_exit 0 "claims --from (arm64, 64K granule)" "$WBI" claims --json --from "$TMP/none"
check "inverted_breakeven: not established for a 64K granule, and why" \
	claim inverted_breakeven "cannot be tested here" "this regime has 65536-byte pages and 3 levels"

# and on x86-64 nothing says arm64
WB_TEST_IDENTITY="arch=x86_64" \
	expect_exit 0 "claims --from (x86-64)" "$WBI" claims --json --from "$TMP/none"
check "x86-64: no claim says arm64" bash -c "! grep -q 'arm64' '$TMP/out'"
