#!/usr/bin/env bash
# make ARCH=arm64: a static aarch64 walkbench from Debian's cross toolchain
# and :arm64 -dev packages (bench/deps.sh arm64), which runs under
# qemu-aarch64-static (or natively on an aarch64 machine): --version, list
# (with which kernels run on arm64) and the model's nested walk.
source "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$(uname -m)" = aarch64 ]; then
	cc=gcc
	run=()
else
	cc=aarch64-linux-gnu-gcc
	run=(qemu-aarch64-static)
fi
if ! command -v "$cc" >/dev/null; then
	skip "make ARCH=arm64" "$cc not installed (gcc-aarch64-linux-gnu; bench/deps.sh arm64)"
	exit 0
fi
libdir=$("$cc" -print-multiarch 2>/dev/null)
for lp in libpfm:libpfm4-dev libhwloc:libhwloc-dev libjansson:libjansson-dev libnettle:nettle-dev; do
	a=$("$cc" -print-file-name="${lp%%:*}.a")
	if [ "$a" = "${lp%%:*}.a" ] && [ ! -e "/usr/lib/${libdir:-aarch64-linux-gnu}/${lp%%:*}.a" ]; then
		skip "make ARCH=arm64" "${lp##*:}:arm64 not installed (no ${lp%%:*}.a for aarch64; bench/deps.sh arm64)"
		exit 0
	fi
done

O=$TMP/arm64
if make -s -C "$TOP" ARCH=arm64 O="$O" >"$TMP/build.log" 2>&1; then
	ok "make ARCH=arm64 builds \$O/walkbench-static"
else
	not_ok "make ARCH=arm64 builds \$O/walkbench-static"
	sed 's/^/# /' "$TMP/build.log" | grep -v 'statically linked applications' | tail -20
	exit 0
fi
BIN=$O/walkbench-static
check "the build has only the static aarch64 walkbench (no C++, no Google Benchmark)" \
	test -x "$BIN" -a ! -e "$O/walkbench" -a ! -e "$O/harness/runner/gbshim.o"
file "$BIN" >"$TMP/file" 2>&1
check "file(1) says ARM aarch64, statically linked" \
	grep -q 'ARM aarch64.*statically linked' "$TMP/file"

if [ ${#run[@]} -gt 0 ] && ! command -v "${run[0]}" >/dev/null; then
	skip "run the aarch64 walkbench" "qemu-aarch64-static not installed (qemu-user-static; bench/deps.sh arm64)"
	exit 0
fi
expect_exit 0 "aarch64 walkbench --version" "${run[@]}" "$BIN" --version
check "--version names the version" grep -q '[0-9]\.[0-9]' "$TMP/out"
expect_exit 0 "aarch64 walkbench list" "${run[@]}" "$BIN" list
check "list names the shootdown kernel" grep -q '^shootdown ' "$TMP/out"
expect_exit 0 "aarch64 walkbench list --json" "${run[@]}" "$BIN" list --json
if command -v python3 >/dev/null; then
	check "list --json says for every kernel whether it runs on arm64" python3 -c '
import json, sys
k = json.load(open(sys.argv[1]))
assert k and all(isinstance(x.get("arm64"), bool) for x in k), k' "$TMP/out"
fi
expect_exit 0 "aarch64 walkbench model walk 4:4K 4:4K" "${run[@]}" "$BIN" model walk 4:4K 4:4K
check "the nested 4K/4K walk is 24 references" test "$(tail -n1 "$TMP/out")" = 24

# The arm64 probe itself: a one-instance run records arch aarch64, the
# identity from MIDR (qemu's -cpu max under qemu-user: emulated), and the
# regime read from the system (on qemu-user, qemu's own address space).
if [ ${#run[@]} -gt 0 ]; then
	expect_exit 0 "aarch64 walkbench run tlb_reach (one instance)" \
		"${run[@]}" "$BIN" run tlb_reach --param pages=16 --param page_size=4K \
		--reps 1 --passes 1 --quick --out "$TMP/a64.json"
	check "the run's context: aarch64, MIDR identity, emulated, regime levels from granule and VA bits" python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
e = w["env"]
assert w["arch"] == e["arch"] == "aarch64", (w.get("arch"), e.get("arch"))
assert e["vendor"] == "arm64-0x%02x" % e["family"] or e["vendor"] == "ARM", e
assert e["model_name"], e
lv = {(4096, 39): 3, (4096, 48): 4, (4096, 52): 5, (16384, 47): 3, (16384, 48): 4,
      (65536, 42): 2, (65536, 48): 3, (65536, 52): 3}
assert lv[(e["page_size"], e["va_bits"])] == e["pt_levels"], e
# qemu -cpu max: implementer 0, part Q
if e["vendor"] == "arm64-0x00" and e["model"] == 0x51:
    assert w["emulated"] is True and w["grid"] == "functional", w
assert "midr" not in e["missing"], e["missing"]' "$TMP/a64.json"
fi
