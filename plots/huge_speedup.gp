# Huge vs base pages: base-page time / huge-page time per access on the same
# access pattern, against the working-set size; one line per (file, huge
# page size). Above 1 the huge pages are faster.
#   tsv: blocks; ws, speedup (header column 2 names the series)
#   xlab: x axis label
load dir.'/common.gp'
set format x "%.0f"
set xlabel xlab
set ylabel "speed-up (4K time / huge-page time, medians)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linecolor rgb '#606060'
doplot = "plot for [i=0:*] tsv index i using 1:2 with linespoints pointtype 7 title columnheader(2)"
@render
