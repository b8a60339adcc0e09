# Fault rates: page faults handled per second (median over repetitions) for
# each fault benchmark, one bar per file.
#   tsv: benchmark, then one column per file; ncols: number of columns
#   xlab: x axis label
load dir.'/common.gp'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by 30 right
set bmargin 12
set lmargin 14
set xlabel xlab
set ylabel "faults per second (millions, median of repetitions)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set grid noxtics
doplot = "plot for [c=2:ncols] tsv using (column(c)/1e6):xtic(1) title columnheader(c)"
@render
