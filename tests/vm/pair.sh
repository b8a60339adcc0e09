#!/usr/bin/env bash
# vm pair: guest/native ratio per benchmark next to the model's 1D and 2D
# walk references; an emulated guest is refused with its reason. The guest
# file is derived from a native run (times doubled) so the ratio is known.
source "$(dirname "$0")/../lib.sh"
N=$TMP/native.json
expect_exit 0 "native tlb_reach run" "$WB" run tlb_reach --param pages=16 \
	--param page_size=4K --reps 2 --min-time 0.01 --out "$N"
mk() { # mk OUT EMULATED
	python3 - "$N" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["context"]["walkbench"]
w["emulated"] = sys.argv[3] == "1"
w["guest"] = {"accel": "tcg" if w["emulated"] else "kvm",
              "fallback_reason": None, "host_backing": "4K",
              "host_env": dict(w["env"])}
for b in d["benchmarks"]:
    b["real_time"] *= 2
json.dump(d, open(sys.argv[2], "w"))
PY
}
mk "$TMP/kvm.json" 0
mk "$TMP/tcg.json" 1
expect_exit 0 "pair with a KVM guest" "$WB" vm pair "$N" "$TMP/kvm.json"
check "ratio 2.00 for the doubled time" grep -q "tlb_reach/page_size:4K/pages:16 .* 2\.00  4 -> 24" "$TMP/out"
expect_exit 2 "pair with an emulated guest refused" "$WB" vm pair "$N" "$TMP/tcg.json"
one_line_error "emulated guest"
check "refusal names emulation" grep -q "emulated" "$TMP/err"
expect_exit 2 "pair of two native files refused" "$WB" vm pair "$N" "$N"
check "refusal says why" grep -q "no context.walkbench.guest" "$TMP/err"
