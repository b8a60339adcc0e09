# Writes a synthetic walkbench results file (results/README.md) on stdout,
# for the compare and plot tests. Sourced, then:
#   mkresults [key=value ...]
# keys: reps (3), seed (1), tlb_scale (1.0: multiplies the tlb suite's
# times, to inject a slowdown), model (167), vendor (GenuineIntel),
# kernel (6.18.0), emulated (false), psv (true: page_size_verified),
# suites (tlb,walk,huge,cow,shared), host (testhost), complete (true),
# busy (absent: no machine_busy; else others_cpu of the run),
# passes (reps: each repetition its own pass; "none" leaves out the pass
# field, as older files and Google Benchmark's own output do),
# bimodal (absent: the benchmarks whose name contains it take 4x the time
# in every third pass, 2, 5, ...: two modes across processes, as when the
# host backs one process's memory with other pages; without passes, every
# third repetition), slow (absent: the benchmarks whose name contains it
# take 1.2x the time in every pass).
# unstable (a regular expression: benchmarks whose name matches it are
# unstable, their passes from the third on unstable_x (3.6) times slower,
# as when the host backs those processes with other page sizes).
# Noise is +-1% multiplicative from awk's seeded generator.
# shellcheck shell=bash
mkresults() {
	awk -v args="$*" '
function kv(k, d) { return (k in A) ? A[k] : d }
function noise() { return 1 + (rand() - 0.5) * 0.02 }
function sep() { if (nb++) printf ",\n" }
# bench NAME KERNEL SUITE PARAMS_JSON NS UNIT_FIELD EXTRA_JSON
function bench(name, kern, suite, params, ns, unitf, extra,   r, t, sum, v, med) {
	sum = 0
	for (r = 0; r < reps; r++) {
		t = ns * noise()
		if (bim != "" && index(name, bim) && (npass == "none" ? r : r % npass) % 3 == 2) t *= 4
		if (slow != "" && index(name, slow)) t *= 1.2
		if (uns != "" && name ~ uns && (npass == "none" ? r : r % npass) >= 2)
			t *= unsx
		v[r] = t; sum += t
		sep()
		printf "    {\"name\": \"%s\", \"family_index\": %d, \"per_family_instance_index\": 0, \"run_name\": \"%s\", \"run_type\": \"iteration\", \"repetitions\": %d, \"repetition_index\": %d, \"threads\": 1, \"iterations\": 100000, \"real_time\": %.6f, \"cpu_time\": %.6f, \"time_unit\": \"ns\", \"kernel\": \"%s\", \"suite\": \"%s\", \"params\": %s, \"page_size_verified\": %s, \"%s\": %.6f%s%s}", \
			name, fam, name, reps, r, t, t, kern, suite, params, psv, unitf, t, extra, \
			npass == "none" ? "" : sprintf(", \"pass\": %d", r % npass)
	}
	sep()
	printf "    {\"name\": \"%s_mean\", \"family_index\": %d, \"per_family_instance_index\": 0, \"run_name\": \"%s\", \"run_type\": \"aggregate\", \"repetitions\": %d, \"threads\": 1, \"aggregate_name\": \"mean\", \"aggregate_unit\": \"time\", \"iterations\": %d, \"real_time\": %.6f, \"cpu_time\": %.6f, \"time_unit\": \"ns\"}", \
		name, fam, name, reps, reps, sum / reps, sum / reps
	fam++
	inst[ni++] = sprintf("{\"name\": \"%s\", \"kernel\": \"%s\", \"suite\": \"%s\", \"params\": %s, \"status\": \"ok\", \"why\": \"\", \"page_size_verified\": %s, \"page_size_how\": \"pagemap+kpageflags+smaps\", \"facts\": {%s}, \"fact_sources\": {%s}, \"prediction\": {\"model\": \"cpu row test\", \"items\": [%s]}, \"missing_metrics\": {\"dtlb_load_miss\": \"no hardware PMU\"}, \"stderr_tail\": \"\"}", \
		name, kern, suite, params, psv, facts, srcs, pred)
	facts = ""; srcs = ""; pred = ""
}
function has(s) { return index("," suites ",", "," s ",") > 0 }
BEGIN {
	n = split(args, kvs, " ")
	for (i = 1; i <= n; i++) { split(kvs[i], p, "="); A[p[1]] = p[2] }
	reps = kv("reps", 3); srand(kv("seed", 1)); scale = kv("tlb_scale", 1)
	npass = kv("passes", reps); bim = kv("bimodal", ""); slow = kv("slow", "")
	uns = kv("unstable", ""); unsx = kv("unstable_x", 3.6)
	psv = kv("psv", "true"); suites = kv("suites", "tlb,walk,huge,cow,shared")
	printf "{\n  \"context\": {\n    \"date\": \"2026-11-25T04:00:00+00:00\", \"host_name\": \"%s\", \"executable\": \"build/walkbench\", \"num_cpus\": 2, \"mhz_per_cpu\": 2000, \"cpu_scaling_enabled\": false, \"caches\": [], \"load_avg\": [0.1, 0.1, 0.1], \"library_build_type\": \"release\",\n", kv("host", "testhost")
	printf "    \"walkbench\": {\"version\": \"0.1.0\", \"schema_version\": 1, \"git_commit\": \"0123456789ab\", \"command_line\": \"walkbench run --quick\", \"complete\": %s, \"pinned\": true, \"pinned_cpu\": 1, \"pmu\": \"none: no hardware PMU\", \"gb_library_build_type\": \"release\", \"repetitions\": %d, \"min_time_s\": 0.05, \"emulated\": %s,%s\n", kv("complete", "true"), reps, kv("emulated", "false"), \
		("busy" in A) ? sprintf(" \"machine_busy\": {\"others_cpu\": %s, \"steal_cpu\": 0.0, \"measured_s\": 10.0},", A["busy"]) : ""
	printf "      \"env\": {\"vendor\": \"%s\", \"family\": 6, \"model\": %d, \"model_name\": \"Test CPU @ 2.00GHz\", \"kernel\": \"%s\", \"hypervisor\": \"KVMKVMKVM\", \"thp_enabled\": \"madvise\"},\n", kv("vendor", "GenuineIntel"), kv("model", 167), kv("kernel", "6.18.0")
	printf "      \"instances\": @INSTANCES@\n    }\n  },\n  \"benchmarks\": [\n"
	if (has("tlb")) {
		for (ps = 0; ps < 2; ps++) {
			psz = ps ? "2M" : "4K"
			for (pg = 1; pg <= (ps ? 1024 : 8192); pg *= 2) {
				ns = pg <= (ps ? 32 : 64) ? 1.0 : pg <= (ps ? 512 : 1024) ? 7.0 : 30.0
				pred = sprintf("{\"quantity\": \"l1_dtlb_reach_pages\", \"value\": %d, \"tolerance\": \"rel\", \"tol\": 0.5, \"basis\": \"test\"}, {\"quantity\": \"l2_tlb_reach_pages\", \"value\": %d, \"tolerance\": \"rel\", \"tol\": 0.5, \"basis\": \"test\"}", ps ? 32 : 64, ps ? 1024 : 1536)
				bench(sprintf("tlb_reach/pages:%d/page_size:%s", pg, psz), "tlb_reach", "tlb", \
					sprintf("{\"pages\": %d, \"page_size\": \"%s\"}", pg, psz), ns * scale, "ns_per_access", ", \"page_faults_per_access\": 0.0")
			}
		}
		# planned but not measured: appears in instances only
		inst[ni++] = "{\"name\": \"tlb_reach/pages:1/page_size:1G\", \"kernel\": \"tlb_reach\", \"suite\": \"tlb\", \"params\": {\"pages\": 1, \"page_size\": \"1G\"}, \"status\": \"skipped\", \"why\": \"no free 1 GiB hugetlb pages (nr_hugepages 0)\", \"page_size_verified\": false, \"page_size_how\": \"\", \"facts\": {}, \"fact_sources\": {}, \"prediction\": {\"model\": \"\", \"items\": []}, \"missing_metrics\": {}, \"stderr_tail\": \"\"}"
	}
	if (has("walk")) {
		split("4K 2M 1G 512G", st, " ")
		for (i = 1; i <= 4; i++)
			bench(sprintf("walk_depth/stride:%s/page_size:4K", st[i]), "walk_depth", "walk", \
				sprintf("{\"stride\": \"%s\", \"page_size\": \"4K\"}", st[i]), 2 + 4 * i, "ns_per_access", "")
	}
	if (has("huge")) {
		for (ps = 0; ps < 2; ps++)
			for (b = 1; b <= 256; b *= 4) {
				ns = ps ? 2 + b / 256 : 2 + b / 16
				# backing 1: base pages, 4: hugetlb 2M
				bench(sprintf("huge_access/pattern:1/backing:%d/ws:%dM", ps ? 4 : 1, b), "huge_access", "huge", \
					sprintf("{\"pattern\": 1, \"backing\": %d, \"ws\": %d}", ps ? 4 : 1, b * 1048576), ns, "ns_per_access", "")
			}
	}
	if (has("cow")) {
		# 16 MiB faulted in 4K pages (4096 faults) or THPs (8), and a THP
		# copy-on-write by both processes of 10% of 32 MiB: 791 pages
		# copied in 4K pieces, 1582 faults (512 per MiB copied)
		split("demand_zero demand_zero demand_zero cow_storm", ck, " ")
		split("mib:16/page_size:4K/phase:read mib:16/page_size:4K/phase:write mib:16/page_size:2M/phase:write mib:32/page_size:2M/writer:both/percent:10", cn, " ")
		split("{\"mib\":16,\"page_size\":\"4K\",\"phase\":\"read\"} {\"mib\":16,\"page_size\":\"4K\",\"phase\":\"write\"} {\"mib\":16,\"page_size\":\"2M\",\"phase\":\"write\"} {\"mib\":32,\"page_size\":\"2M\",\"writer\":\"both\",\"percent\":10}", cp, " ")
		split("200 400 40000 2000", cns, " ")
		split("4096 4096 8 1582", cf, " ")
		split("16777216 16777216 16777216 3239936", cb, " ")
		for (i = 1; i <= 4; i++) {
			facts = sprintf("\"timed_faults\": %d, \"timed_mapped_bytes\": %d", cf[i], cb[i])
			srcs = "\"timed_faults\": \"perf:minor-faults\", \"timed_mapped_bytes\": \"pagemap\""
			bench(ck[i] "/" cn[i], ck[i], "cow", cp[i], cns[i], "ns_per_fault", sprintf(", \"faults_per_s\": %.1f", 1e9 / cns[i]))
		}
	}
	if (has("shared")) {
		for (pr = 1; pr <= 16; pr *= 2) {
			# pt_bytes_total is what the plot draws; vmpte_bytes a
			# fact with an abs tolerance for index.html
			facts = sprintf("\"vmpte_bytes\": %d, \"pt_bytes_total\": %d", pr * 69632, pr * 69632)
			srcs = "\"vmpte_bytes\": \"status\", \"pt_bytes_total\": \"status+perf:minor-faults\""
			pred = sprintf("{\"quantity\": \"vmpte_bytes\", \"value\": %d, \"tolerance\": \"abs\", \"tol\": 4096, \"basis\": \"test\"}, {\"quantity\": \"pt_bytes_total\", \"value\": %d, \"tolerance\": \"exact\", \"tol\": 0, \"basis\": \"test\"}", pr * 69632, pr * 69632)
			bench(sprintf("shared_map/procs:%d/backing:1", pr), "shared_map", "shared", \
				sprintf("{\"procs\": %d, \"backing\": 1}", pr), 50, "ns_per_page", "")
		}
	}
	printf "\n  ]\n}\n"
	s = "["
	for (i = 0; i < ni; i++) s = s (i ? ",\n        " : "") inst[i]
	print s "]" > "/dev/stderr"
}' 2>"${TMPDIR:-/tmp}/mkresults.$$" >"${TMPDIR:-/tmp}/mkresults.$$.body" &&
		awk -v f="${TMPDIR:-/tmp}/mkresults.$$" 'BEGIN { while ((getline l < f) > 0) s = s l "\n"; sub(/\n$/, "", s) }
			{ i = index($0, "@INSTANCES@"); if (i) $0 = substr($0, 1, i - 1) s substr($0, i + 11) } { print }' \
			"${TMPDIR:-/tmp}/mkresults.$$.body"
	local rc=$?
	rm -f "${TMPDIR:-/tmp}/mkresults.$$" "${TMPDIR:-/tmp}/mkresults.$$.body"
	return $rc
}
