#!/usr/bin/env bash
# bench/make-bench.sh (`make bench`) with a stub walkbench: a FAIL from
# validate fails it even when the run's own exit (4, instances skipped)
# is not a failure; skipped instances, or a file with nothing checkable
# here, alone are not.
source "$(dirname "$0")/../lib.sh"

BENCH="$(cd "$(dirname "$0")/../.." && pwd)/bench/make-bench.sh"
# stub RUN_RC VALIDATE_RC: run prints a results path and exits RUN_RC,
# validate exits VALIDATE_RC, plot is absent
stub() {
	cat >"$TMP/wb" <<STUB
#!/usr/bin/env bash
case "\$1 \${2-}" in
"run "*) echo "results: $TMP/r.json"; exit $1 ;;
"validate --help") exit 0 ;;
"validate "*) echo "validate: stub"; exit $2 ;;
*) exit 2 ;;
esac
STUB
	chmod +x "$TMP/wb"
}

stub 4 1
expect_exit 1 "run skipped some, validate found a FAIL: fails" env WB_BENCH_BIN="$TMP/wb" WB_BENCH_ARGS=x bash "$BENCH"
check "says validate failed" grep -q "validate found a FAIL" "$TMP/err"
stub 0 1
expect_exit 1 "run ok, validate found a FAIL: fails" env WB_BENCH_BIN="$TMP/wb" WB_BENCH_ARGS=x bash "$BENCH"
stub 5 1
expect_exit 1 "untrusted page size and a FAIL: the FAIL" env WB_BENCH_BIN="$TMP/wb" WB_BENCH_ARGS=x bash "$BENCH"
stub 4 0
expect_exit 0 "run skipped some, nothing failed: passes" env WB_BENCH_BIN="$TMP/wb" WB_BENCH_ARGS=x bash "$BENCH"
stub 0 4
expect_exit 0 "nothing checkable here: not a failure" env WB_BENCH_BIN="$TMP/wb" WB_BENCH_ARGS=x bash "$BENCH"
stub 5 0
expect_exit 5 "untrusted page size: exit 5" env WB_BENCH_BIN="$TMP/wb" WB_BENCH_ARGS=x bash "$BENCH"
