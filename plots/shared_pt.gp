# Shared mappings: page-table bytes (VmPTE, all processes) against the
# number of processes mapping one region, measured (solid) and as the
# reference model predicts (dashed); one pair of lines per file.
#   tsv: blocks; procs, measured_bytes, model_bytes (header col 2: series)
load dir.'/common.gp'
set format x "%.0f"
set xlabel "processes mapping the shared region"
set ylabel "page-table memory (KiB)"
set yrange [0:*]
set offsets graph 0.03, graph 0.03, graph 0.08, 0
# Backings often measure the same bytes (exact facts): each series' marks
# are of another shape and smaller than the one before, so that marks that
# coincide stay visible nested in one another; a series' model line is in
# its colour, dashed, over the measured line.
pt(i) = word("7 5 9 13 11 15 3 1", i % 8 + 1) + 0
ps(i) = 3.2 - 0.6 * (i % 5)
doplot = "plot for [i=0:*] tsv index i using 1:($2/1024) with linespoints pointtype pt(i) pointsize ps(i) linewidth 2 linecolor i+1 title columnheader(2), for [i=0:*] tsv index i using 1:($3/1024) with lines dashtype (8,6) linewidth 1.5 linecolor i+1 title columnheader(3)"
@render
