#!/usr/bin/env bash
# Every parser's seed corpus (tests/fuzz/corpus: the hostile inputs listed
# in tests/README.md) through its libFuzzer target once, under ASan and
# UBSan: a crash, leak or sanitizer report fails. `make fuzz` fuzzes for
# longer.
source "$(dirname "$0")/../lib.sh"
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null; then
	skip "fuzz corpora" "clang (with libclang-rt-14-dev) is not installed"
	exit 0
fi
make -s fuzz-build >"$TMP/build" 2>&1 || { not_ok "fuzz targets build: $(tail -3 "$TMP/build")"; exit 0; }
run_corpus() { "$1" -runs=0 "$2" >"$3" 2>&1; }
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=${f##*/fuzz_}
	check "fuzz_$n: every seed input is handled" \
		run_corpus "$f" "tests/fuzz/corpus/$n" "$TMP/$n.log"
done
