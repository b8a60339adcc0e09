# Shared mappings: page-table bytes (VmPTE, all processes) against the
# number of processes mapping one region, measured (solid) and as the
# reference model predicts (dashed); one pair of lines per file.
#   tsv: blocks; procs, measured_bytes, model_bytes (header col 2: series)
load dir.'/common.gp'
set format x "%.0f"
set xlabel "processes mapping the shared region"
set ylabel "page-table memory (KiB)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
doplot = "plot for [i=0:*] tsv index i using 1:($2/1024) with linespoints pointtype 7 linewidth 2 title columnheader(2), for [i=0:*] tsv index i using 1:($3/1024) with lines dashtype 2 title columnheader(3)"
@render
