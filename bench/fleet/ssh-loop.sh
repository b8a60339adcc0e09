#!/usr/bin/env bash
# The fleet without a scheduler (bench/FLEET.md): one walkbench run per host
# over ssh, one host at a time, results copied back, then merged here.
#   bench/fleet/ssh-loop.sh OUTDIR host1 host2 ...
# Each host needs walkbench built at $REMOTE_WB (default: walkbench/build/
# walkbench under the login directory).
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 OUTDIR HOST..." >&2
	exit 2
fi
out=$1
shift
REMOTE_WB=${REMOTE_WB:-walkbench/build/walkbench}
WB=${WB:-$(dirname "$0")/../../build/walkbench}
WB_RUN_ARGS=${WB_RUN_ARGS:---quick}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out" || exit 3
for h in "$@"; do
	remote=/tmp/walkbench-$stamp.json
	# shellcheck disable=SC2029 # expanded here on purpose
	ssh -o BatchMode=yes "$h" "$REMOTE_WB run $WB_RUN_ARGS --out $remote"
	echo "walkbench: $h: exit $?"
	scp -q "$h:$remote" "$out/$h-$stamp.json" &&
		ssh -o BatchMode=yes "$h" "rm -f $remote"
done
"$WB" merge "$out"/*.json --out "$out/merged-$stamp"
