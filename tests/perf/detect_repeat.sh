#!/bin/sh
# Runs `walkbench detect` N times (default 10) and prints the entry counts
# of each run, then how many runs gave the most common value of each.
# Not part of `make test`: it takes N times the detect runtime.
# usage: tests/perf/detect_repeat.sh [N] [detect options, e.g. --quick]
set -eu
cd "$(dirname "$0")/../.."
WB=${WB:-build/walkbench}
n=${1:-10}
[ $# -gt 0 ] && shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	start=$(date +%s.%N)
	"$WB" detect --json "$@" > "$out.j" || echo "run $i: detect exit $?"
	end=$(date +%s.%N)
	python3 - "$out.j" "$i" "$start" "$end" >> "$out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
keys = ["l1_dtlb_4k_entries", "l2_tlb_4k_entries", "l1_dtlb_2m_entries",
        "l2_tlb_2m_entries"]
vals = [j[k]["value"] for k in keys]
conf = [j[k]["confidence"] for k in keys]
print("run %s %.1fs " % (sys.argv[2], float(sys.argv[4]) - float(sys.argv[3]))
      + " ".join("%s=%s(%.2f)" % (k, "none" if v is None else int(v), c)
                 for k, v, c in zip(keys, vals, conf)))
PY
	tail -n 1 "$out"
done
rm -f "$out.j"
python3 - "$out" <<'PY'
import collections, re, sys
runs = [l for l in open(sys.argv[1]) if l.startswith("run ")]
per = collections.defaultdict(list)
for l in runs:
    for k, v in re.findall(r"(\w+_entries)=(\w+)", l):
        per[k].append(v)
for k, v in per.items():
    val, cnt = collections.Counter(v).most_common(1)[0]
    print("%s: %s in %d of %d runs" % (k, val, cnt, len(v)))
PY
