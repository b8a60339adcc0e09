#!/usr/bin/env bash
# Huge-vs-base agreement: two `run huge --quick` runs, each plotted; for
# every huge-vs-base point (series and working set) in both runs' speed-up
# table (huge_speedup.tsv), the class of its verdict in each run (faster,
# same within 5%, slower, unstable: wb_versus), with both runs' speed-ups
# (median base / median huge) where they differ, then
# "agreement: K of N points (P%)". Before it, per run: its wall time,
# the first passes' time, the extra passes spent and the unstable
# instances (of those measured); with more than one huge backing (e.g.
# RUN_ARGS=--allow-settings, as `make bench` runs it as root), the
# agreement of each. Exit 1 below 90%, 3 when there is
# nothing to compare. KEEP=DIR keeps both runs' files and plots there;
# RUN_ARGS adds arguments to both runs (e.g. "--passes 3 --reps 6", the
# three processes huge_access had before it asked for six).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$top/build/walkbench}
if ! command -v gnuplot >/dev/null; then
	echo "SKIP: gnuplot not installed (Debian package gnuplot-nox)"
	exit 0
fi
tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${KEEP:-}" ]; then
	mkdir -p "$KEEP" || exit 2
	trap 'cp -r "$tmp"/. "$KEEP"/; rm -rf "$tmp"' EXIT
fi
for i in 1 2; do
	t0=$(date +%s.%N)
	"$WB" run huge --quick ${RUN_ARGS:-} --out "$tmp/$i.json" >"$tmp/run$i.log" 2>&1
	rc=$?
	wall=$(python3 -c "import time; print(time.time() - $t0)")
	# skipped or untrusted instances still leave the others' records
	if [ ! -s "$tmp/$i.json" ]; then
		echo "run $i wrote no results (exit $rc): $(tail -n 1 "$tmp/run$i.log")"
		exit 3
	fi
	"$WB" plot "$tmp/$i.json" --out "$tmp/p$i" >/dev/null 2>"$tmp/plot$i.log" || {
		echo "plot $i failed: $(head -n 1 "$tmp/plot$i.log")"
		exit 3
	}
	python3 - "$tmp/$i.json" "$i" "$wall" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
a = w.get("adaptive", {})
m = [x for x in w["instances"] if x.get("passes_measured")]
u = [x for x in m if x.get("stable") is False]
print("run %s: %.1f s; first passes %.1f s, %d extra passes (%.1f s); "
      "%d of %d instances unstable" % (sys.argv[2], float(sys.argv[3]),
      a.get("first_s", 0), a.get("extra_passes", 0), a.get("extra_s", 0),
      len(u), len(m)))
PY
	if [ ! -s "$tmp/p$i/huge_speedup.tsv" ]; then
		echo "run $i has no huge-vs-base pair (see $(grep -c skipped "$tmp/$i.json") skipped instances)"
		exit 3
	fi
done
# "series @ x MiB"<TAB>class<TAB>speed-up for each row of a speed-up
# table, sorted
classes() {
	awk -F'\t' '$1 == "MiB" || $1 == "ws" { series = $2; next }
		NF >= 5 { print series " @ " $1 " MiB\t" $5 "\t" $2 }' "$1" |
		LC_ALL=C sort
}
classes "$tmp/p1/huge_speedup.tsv" >"$tmp/c1"
classes "$tmp/p2/huge_speedup.tsv" >"$tmp/c2"
# joined on the sorted key, shown by series and working set
LC_ALL=C join -t "$(printf '\t')" "$tmp/c1" "$tmp/c2" | sort -t@ -k1,1 -k2n |
	awk -F'\t' '{ n++; same = $2 == $4; k += same
		why = sprintf("  differs (speed-up %.3g, %.3g)", $3, $5)
		printf "%-60s %-9s %-9s%s\n", $1, $2, $4, same ? "" : why
		split($1, w, " "); b = w[3]
		if (!(b in bn)) order[nb++] = b
		bn[b]++; bk[b] += same }
	END {
		if (!n) { print "agreement: no point in both runs"; exit 3 }
		for (i = 0; nb > 1 && i < nb; i++)
			printf "backing %s: %d of %d points\n", order[i], \
				bk[order[i]], bn[order[i]]
		p = 100 * k / n
		printf "agreement: %d of %d points (%.1f%%)\n", k, n, p
		exit p < 90 ? 1 : 0
	}'
