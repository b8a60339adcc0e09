#!/bin/sh
# Runs `walkbench detect --allow-settings` RUNS times (default 5; root)
# and prints, per run, each folio size's coalescing factor and confidence,
# then per size whether the runs agree. Extra arguments go to detect
# (e.g. --quick). Not part of `make test`: it takes RUNS detect runs.
# usage: [RUNS=N] tests/perf/detect_coalesce.sh [detect options]
set -eu
cd "$(dirname "$0")/../.."
WB=${WB:-build/walkbench}
runs=${RUNS:-5}
out=$(mktemp)
trap 'rm -f "$out" "$out.j"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	start=$(date +%s.%N)
	"$WB" detect --json --allow-settings "$@" >"$out.j" || echo "run $i: detect exit $?"
	end=$(date +%s.%N)
	python3 - "$out.j" "$i" "$start" "$end" >>"$out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
parts = []
for e in j.get("coalescing", []):
    if e["factor"] is None:
        parts.append("%s=not-measured" % e["size"])
    else:
        f = "none" if e["factor"] == 1 else (">=" if e["at_least"] else "") + str(e["factor"])
        parts.append("%s=%s(%.2f)" % (e["size"], f, e["confidence"]))
print("run %s %.1fs (coalescing %.1fs) %s" % (
    sys.argv[2], float(sys.argv[4]) - float(sys.argv[3]),
    j.get("coalescing_seconds", 0), " ".join(parts) or j.get("coalescing_note")))
PY
	tail -n 1 "$out"
done
python3 - "$out" <<'PY'
import collections, re, sys
per = collections.defaultdict(list)
for l in open(sys.argv[1]):
    for k, v in re.findall(r"(\d+[KM])=([^( ]+)", l):
        per[k].append(v)
for k, v in per.items():
    val, cnt = collections.Counter(v).most_common(1)[0]
    print("%s folios: %s in %d of %d runs%s" % (k, val, cnt, len(v),
          " (agree)" if cnt == len(v) else " (DISAGREE)"))
PY
