# Huge vs base pages: base-page time / huge-page time per access on the same
# access pattern, against the working-set size; one line per (file, huge
# page size), with the range of ratios over pairs of processes as error
# bars. A ratio is drawn only where both times are stable; where either
# side's processes disagree an open triangle on the axis marks the working
# set, and index.html lists both sides' modes. Above 1 huge pages are faster.
#   tsv: blocks; ws, speedup (header column 2 names the series), min, max,
#        class (faster, same, slower, unstable), base ns, huge ns, base, huge,
#        no-ratio mark (0 where unstable, else nan)
#   xlab: x axis label
load dir.'/common.gp'
set format x "%.0f"
set xlabel xlab
set ylabel "speed-up (4K time / huge-page time, medians over processes)"
set yrange [0:*]
set offsets graph 0.03, graph 0.03, graph 0.08, 0
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linecolor rgb '#606060'
# column 10: 0 where the series has no ratio (base or huge processes
# disagree), its header "SERIES: no ratio", so that each series' marks are
# named in the key even when none of its ratios is drawn; marks of later
# series are smaller, to stay visible where they coincide
doplot = "plot for [i=0:*] tsv index i using 1:2:3:4 with yerrorlines pointtype 7 linecolor i+1 title columnheader(2), for [i=0:*] tsv index i using 1:10 with points pointtype 8 pointsize (2.5 - 0.4 * (i % 4)) linewidth 2 linecolor i+1 title columnheader(10)"
@render
