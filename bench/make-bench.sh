#!/usr/bin/env bash
# What `make bench` does after installing and building: run the default
# suites, validate the results against the model, plot them, and say where
# everything is. WB_BENCH_ARGS replaces the run's arguments.
set -u
cd "$(dirname "$0")/.."
# WB_BENCH_BIN: another binary (tests give a stub)
WB=${WB_BENCH_BIN:-build/walkbench}
# Every suite on the quick grid. As root, kernels may switch THP mode and
# fill hugetlb pools for their instance, through the restore journal.
default="--quick"
[ "$(id -u)" -eq 0 ] && default="--quick --allow-settings"
args=${WB_BENCH_ARGS:-$default}
out=$(mktemp /tmp/wb-bench.XXXXXX)
trap 'rm -f "$out"' EXIT

# shellcheck disable=SC2086
$WB run $args | tee "$out"
rc=${PIPESTATUS[0]}
file=$(sed -n 's/^results: //p' "$out" | tail -1)
if [ -z "$file" ]; then
	echo "walkbench: no results file was written (exit $rc)" >&2
	exit "$rc"
fi
vrc=0
if $WB validate --help >/dev/null 2>&1; then
	$WB validate "$file"
	vrc=$?
	[ "$rc" -eq 0 ] && rc=$vrc
fi
if $WB plot --help >/dev/null 2>&1; then
	$WB plot "$file" --out "${file%.json}"
fi
echo "results: $file"
# A prediction the measurement refutes fails the bench, whatever else the
# run said: skipped instances (4) must not hide it.
if [ "$vrc" -eq 1 ]; then
	echo "walkbench: validate found a FAIL (rows above); see $file" >&2
	exit 1
fi
# skipped instances are in the file with their reasons, and a file with
# nothing checkable on this machine says so: not a failure. An unverified
# page size (5) is.
case $rc in
0 | 4) exit 0 ;;
5) echo "walkbench: some instances could not be trusted (page size not verified); see 'why' in $file" >&2 ;;
esac
exit "$rc"
