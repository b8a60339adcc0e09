#!/usr/bin/env bash
# make static: a fully static walkbench (C timing shim, hwloc without udev)
# that runs a kernel and writes the same results shape, saying which shim.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
S=$(dirname "$WB")/walkbench-static
for a in libpfm.a libhwloc.a libjansson.a; do
	if [ ! -e "/usr/lib/x86_64-linux-gnu/$a" ]; then
		skip "make static" "no /usr/lib/x86_64-linux-gnu/$a"
		exit 0
	fi
done
check "make static links" make -s -C "$ROOT" static O="$(dirname "$WB")"
check "the binary is statically linked" sh -c "file -L '$S' | grep -q 'statically linked'"
check "SHA-256 comes from nettle, linked in" sh -c "nm '$S' | grep -q ' T nettle_sha256_digest$'"
OUT=$TMP/s.json
expect_exit 0 "static walkbench runs tlb_reach" "$S" run tlb_reach --param pages=16 \
	--param page_size=4K --reps 3 --extra-time 0 --min-time 0.01 --out "$OUT"
check "results name the shim and carry repetitions and aggregates" python3 - "$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["context"]["walkbench"]["gb_library_build_type"] == "static-shim"
b = d["benchmarks"]
it = [x for x in b if x["run_type"] == "iteration"]
ag = {x["aggregate_name"]: x for x in b if x["run_type"] == "aggregate"}
assert len(it) == 3 and set(ag) == {"mean", "median", "stddev", "cv"}
assert all(x["iterations"] >= 1 and x["real_time"] > 0 for x in it)
med = sorted(x["real_time"] for x in it)[1]
assert abs(ag["median"]["real_time"] - med) < 1e-9 * med
assert all(x["page_size_verified"] is True for x in it)
PY
