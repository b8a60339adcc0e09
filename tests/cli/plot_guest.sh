#!/usr/bin/env bash
# walkbench plot, native vs guest: a native file from a short real run and
# guest files derived from it (context.walkbench.guest as vm run writes it,
# times scaled by 1.5) give guest_ratio.{tsv,png,svg} with the ratio 1.5;
# an emulated (TCG) guest is never drawn and the reason is printed.
source "$(dirname "$0")/../lib.sh"

# png_size FILE: "WIDTHxHEIGHT" from the PNG signature and IHDR chunk
png_size() {
	local sig
	sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
	[ "$sig" = 89504e470d0a1a0a ] || return 1
	echo "$((16#$(od -An -tx1 -j16 -N4 "$1" | tr -d ' \n')))x$((16#$(od -An -tx1 -j20 -N4 "$1" | tr -d ' \n')))"
}

if ! command -v gnuplot >/dev/null; then
	skip "guest ratio plot" "gnuplot not installed (Debian package gnuplot-nox)"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip "guest ratio plot" "python3 not installed (needed to derive guest files)"
	exit 0
fi

N=$TMP/native.json
expect_exit 0 "native tlb_reach run" "$WB" run tlb_reach --quick --param page_size=4K \
	--param pages=16 --reps 4 --min-time 0.01 --out "$N"
# The native file as machine A (tests/data/identity.py), whatever ran it.
python3 - "$N" <<'PY'
import json, sys
from identity import A, set_identity
json.dump(set_identity(json.load(open(sys.argv[1])), A), open(sys.argv[1], "w"))
PY
# mk OUT ACCEL [other]: a guest file from the native one, times x1.5, its
# host machine A, or B with "other"
mk() {
	python3 - "$N" "$@" <<'PY'
import json, sys
from identity import A, B, set_identity
src, out, accel = sys.argv[1:4]
d = json.load(open(src))
w = d["context"]["walkbench"]
host = dict(w["env"])
if len(sys.argv) > 4:
    host.update(B)
w["emulated"] = accel == "tcg"
w["guest"] = {"accel": accel, "cpu_model": "max" if accel == "tcg" else "host",
              "qemu_version": "test", "guest_kernel": "test", "variant": "test",
              "mem_bytes": 1 << 30, "smp": 1, "guest_thp": "never",
              "host_backing": "4K", "host_backing_verified": True,
              "host_backing_detail": "test", "up_seconds": 1.0,
              "total_seconds": 2.0, "image_stamp": "test",
              "host_command_line": "walkbench vm run", "fallback_reason": None,
              "host_env": host, "host_hypervisor": host.get("hypervisor", "")}
for b in d["benchmarks"]:
    if b.get("aggregate_unit", "time") != "time":
        continue  # cv is a ratio, not a time
    for k in ("real_time", "cpu_time", "ns_per_access"):
        if k in b:
            b[k] *= 1.5
json.dump(d, open(out, "w"))
PY
}
mk "$TMP/kvm.json" kvm
mk "$TMP/tcg.json" tcg
mk "$TMP/other.json" kvm other

out=$TMP/g
expect_exit 0 "native + KVM guest + TCG guest: exit 0" "$WB" plot "$N" "$TMP/kvm.json" "$TMP/tcg.json" --out "$out"
for f in guest_ratio.tsv guest_ratio.png guest_ratio.svg; do
	check "$f written and printed" grep -qxF "$out/$f" "$TMP/out"
done
check "guest_ratio.png is a 1200x800 PNG" test "$(png_size "$out/guest_ratio.png")" = 1200x800
check "guest_ratio.svg is 1200x800 and complete" \
	sh -c "grep -q 'width=\"1200\" height=\"800\"' '$out/guest_ratio.svg' && grep -q '</svg>' '$out/guest_ratio.svg'"
check "no gnuplot log left" test ! -e "$out/guest_ratio.log"
check "title names host and date" grep -q "Native vs guest - $(hostname)" "$out/guest_ratio.svg"
check "subtitle names the accelerator and host backing" \
	grep -q "guest kvm vs native native: accel kvm, host pages 4K" "$out/guest_ratio.svg"
check "grouped by kernel: block header names tlb_reach" grep -q "^x	benchmark	tlb_reach	" "$out/guest_ratio.tsv"
ratio=$(awk -F'\t' '$2 ~ /^page_size:4K\/pages:16/ { print $3 }' "$out/guest_ratio.tsv")
check "ratio 1.5 (within 1%) for tlb_reach/page_size:4K/pages:16 (got '$ratio')" \
	awk -v r="$ratio" 'BEGIN { exit !(r != "" && r > 1.485 && r < 1.515) }'
check "model 2D/1D reference beside it (4 -> 24 refs: 6)" \
	grep -Pq "^0\tpage_size:4K/pages:16\t[0-9.]+\t[0-9.]+\t[0-9.]+\t4\t24\t6\t[0-9.]+\t[0-9.]+$" "$out/guest_ratio.tsv"
# guest = native x 1.5 process by process: every pair of processes' ratio
# lies around 1.5, within the processes' own spread
check "ratio range over processes brackets 1.5" \
	awk -F'\t' '$2 ~ /^page_size:4K\/pages:16/ && $9 <= 1.5 * 1.001 && $10 >= 1.5 * 0.999 && $9 > 0.5 && $10 < 4.5 { ok = 1 } END { exit !ok }' "$out/guest_ratio.tsv"
check "only the KVM guest is drawn" test "$(grep -c "^[0-9]" "$out/guest_ratio.tsv")" = 1
check "emulated guest: reason on stderr" \
	grep -qF "walkbench: guest tcg is emulated (TCG): its timings are not a virtualization cost" "$TMP/err"
check "index.html embeds the ratio plot" grep -q '<img src="guest_ratio.png"' "$out/index.html"
check "index.html says why the TCG guest is not drawn" \
	grep -q "guest tcg is emulated (TCG): its timings are not a virtualization cost" "$out/index.html"

out=$TMP/t
expect_exit 0 "native + only emulated guests: exit 0" "$WB" plot "$N" "$TMP/tcg.json" --out "$out"
check "only emulated: no guest_ratio files" sh -c "! ls '$out' | grep -q guest_ratio"
check "only emulated: other plots still written" test -s "$out/tlb_reach.png"
check "only emulated: reason on stderr" grep -q "guest tcg is emulated (TCG)" "$TMP/err"
check "only emulated: reason in index.html" grep -q "Native vs guest: not plotted" "$out/index.html"

out=$TMP/o
expect_exit 0 "guest from another machine: exit 0" "$WB" plot "$N" "$TMP/other.json" --out "$out"
check "other machine: no guest_ratio files" test ! -e "$out/guest_ratio.tsv"
check "other machine: says it has no native file to pair" grep -q "guest other: no native file to pair it with (different machines" "$TMP/err"

out=$TMP/n
expect_exit 0 "native file alone: exit 0" "$WB" plot "$N" --out "$out"
check "native alone: no guest_ratio files and nothing said" \
	sh -c "test ! -e '$out/guest_ratio.tsv' && ! grep -q guest '$TMP/err'"

# vm pair prints the same ratio from the same shared computation
expect_exit 0 "vm pair on the same files" "$WB" vm pair "$N" "$TMP/kvm.json"
check "vm pair: ratio 1.50, refs 4 -> 24" grep -q "tlb_reach/page_size:4K/pages:16 .* 1\.50  4 -> 24" "$TMP/out"
