#!/usr/bin/env bash
# What counting inside the timed loop adds to a fault kernel's time: the
# page-fault software events and the tlb:tlb_flush tracepoint cost
# something on every fault and flush they count, so the fault kernels
# (wb_kernel.faults_in_loop) time with them off and count them apart. Each
# round runs the same instances that way and with the test-only
# --test-counters-in-loop (the old way), one after the other; prints the
# median ns per iteration of both, their ratio, and the fault and flush
# counts of both, which must agree. The ratio is the median over rounds of
# each round's in-loop median over its apart median, so that the machine's
# drift between rounds does not pass for the counters' cost; over the quiet
# rounds only (others' work under a quarter CPU) when there are any. As root the
# runs see tlb:tlb_flush through a tracefs mounted in a private mount
# namespace of their own (the system's mounts are left alone).
# ROUNDS (5) rounds; KEEP=DIR keeps the files.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# the test build: the only one that takes --test-counters-in-loop
WB=${WB:-$top/build/walkbench-test}
ROUNDS=${ROUNDS:-5}
if [ -n "${KEEP:-}" ]; then
	tmp=$KEEP
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
fi
kernels=(demand_zero cow_storm shootdown huge_fault)
params=(-p demand_zero.mib=64 -p demand_zero.page_size=4K -p demand_zero.phase=2
	-p cow_storm.mib=64 -p cow_storm.page_size=4K -p cow_storm.writer=2
	-p cow_storm.percent=100
	-p shootdown.op=3 -p shootdown.pages=16 -p shootdown.threads=2
	-p huge_fault.op=1 -p huge_fault.regions=32)
wrap=()
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null &&
	unshare -m true 2>/dev/null; then
	# tracefs only where the runs see it
	wrap=(unshare -m sh -c 'mount -t tracefs tracefs "$0" 2>/dev/null; exec "$@"'
		/sys/kernel/tracing)
fi
run() {
	"${wrap[@]}" "$WB" run "${kernels[@]}" "${params[@]}" --reps 5 --passes 1 \
		--min-time 0.1 --out "$1" "${@:2}" >"$1.log" 2>&1 || {
		cat "$1.log"
		exit 1
	}
}
t0=$(date +%s)
for r in $(seq "$ROUNDS"); do
	rm -f "$tmp/apart$r.json" "$tmp/loop$r.json"
	run "$tmp/apart$r.json"
	run "$tmp/loop$r.json" --test-counters-in-loop
done
python3 - "$tmp" "$ROUNDS" "$(($(date +%s) - t0))" <<'PY'
import json, os, statistics, sys

tmp, rounds, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
med = statistics.median
# times[(instance, unit)][mode][round]: ns per repetition
times, counts, busy, tracepoint = {}, {}, {}, False
for mode in ("apart", "loop"):
    for r in range(1, rounds + 1):
        d = json.load(open(os.path.join(tmp, "%s%d.json" % (mode, r))))
        mb = d["context"]["walkbench"].get("machine_busy", {})
        busy[(mode, r)] = mb.get("others_cpu", 0) + mb.get("steal_cpu", 0)
        for i in d["context"]["walkbench"]["instances"]:
            if i["status"] != "ok":
                sys.exit("%s (%s): %s %s" % (i["name"], mode, i["status"],
                                             i["why"]))
            apart = i.get("counted_apart", {}).get("counters", {})
            tracepoint |= any(k.startswith("tlb_flush_per_") for k in apart)
            for k, v in apart.items():
                counts.setdefault((i["name"], "apart batch", k), []).append(v)
        for b in d["benchmarks"]:
            if b.get("run_type") != "iteration":
                continue
            unit = [k for k in b if k.startswith("ns_per_")][0]
            t = times.setdefault((b["run_name"], unit), {})
            t.setdefault(mode, {}).setdefault(r, []).append(b[unit])
            for k, v in b.items():
                if k.startswith(("minor_faults_per_", "tlb_flush_per_")):
                    counts.setdefault((b["run_name"], mode, k), []).append(v)
print("tlb:tlb_flush counted: %s" % ("yes (private tracefs)" if tracepoint
      else "no (tracefs not mounted, not root)"))
print("others' load while measuring, CPUs: %s" % " ".join(
    "%s%d=%.2f" % (m, r, busy[(m, r)]) for r in range(1, rounds + 1)
    for m in ("apart", "loop")))
# rounds in which neither run shared the machine with more than a quarter
# CPU of others' work; all of them when there is none
quiet = [r for r in range(1, rounds + 1)
         if busy[("apart", r)] < 0.25 and busy[("loop", r)] < 0.25]
use = quiet or list(range(1, rounds + 1))
print("ratio over rounds %s (%s)" % (" ".join(map(str, use)),
      "quiet" if quiet else "none was quiet: all"))
print("%-50s %13s %13s %7s  %s" % ("instance", "counters off", "in the loop",
                                   "ratio", "per round"))
for (name, unit), m in sorted(times.items()):
    off = med([x for r in use for x in m["apart"][r]])
    on = med([x for r in use for x in m["loop"][r]])
    per = [med(m["loop"][r]) / med(m["apart"][r]) for r in range(1, rounds + 1)]
    print("%-50s %10.1f ns %10.1f ns %7.3f  %s (%s)" % (
        name, off, on, med([per[r - 1] for r in use]),
        " ".join("%.3f" % x for x in per), unit))
print("counts per iteration (median): timed apart / in the loop / apart batch")
for name in sorted({n for n, _, _ in counts}):
    for metric in ("minor_faults", "tlb_flush"):
        row = []
        for mode in ("apart", "loop", "apart batch"):
            v = [med(x) for (n, md, k), x in counts.items()
                 if n == name and md == mode and k.startswith(metric + "_per_")]
            row.append("%.3f" % v[0] if v else "-")
        if row != ["-"] * 3:
            print("  %-48s %-13s %s" % (name, metric, " / ".join(row)))
print("%d rounds, %s s" % (rounds, secs))
PY
