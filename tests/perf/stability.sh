#!/usr/bin/env bash
# Stability: two runs of the 4K tlb_reach curve (quick grid); every plateau
# point (one whose neighbours in the first run are within 5% of it, i.e.
# not on a knee) must agree between the runs within 3%.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$top/build/walkbench}
tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for i in 1 2; do
	"$WB" run tlb_reach --quick --param page_size=4K --reps 5 --min-time 0.1 \
		--out "$tmp/$i.json" \
		>/dev/null 2>&1 || exit 1
done
python3 - "$tmp/1.json" "$tmp/2.json" <<'PY'
import json, sys
def curve(f):
    b = json.load(open(f))["benchmarks"]
    return {x["params"]["pages"]: x["real_time"] for x in b
            if x.get("aggregate_name") == "median"}
a, b = curve(sys.argv[1]), curve(sys.argv[2])
xs = sorted(a)
worst, bad, n = 0.0, [], 0
for i in range(1, len(xs) - 1):
    x = xs[i]
    if abs(a[xs[i-1]] / a[x] - 1) > 0.05 or abs(a[xs[i+1]] / a[x] - 1) > 0.05:
        continue
    n += 1
    d = abs(b[x] / a[x] - 1)
    worst = max(worst, d)
    if d > 0.03:
        bad.append((x, a[x], b[x]))
print(f"plateau points: {n}, largest difference between runs: {worst*100:.2f}%")
for x, p, q in bad:
    print(f"  pages={x}: {p:.3f} vs {q:.3f} ns/access")
sys.exit(1 if bad or n == 0 else 0)
PY
