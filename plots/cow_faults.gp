# Fault rates: page faults handled per second (median over processes) for
# each fault benchmark, one bar per file, the range of the per-process
# medians as error bars; an unstable bar (its processes disagree) is hollow.
#   tsv: benchmark, then per file: faults/s, min, max, stable (1/0), modes
#   nfiles: number of files; xlab: x axis label
load dir.'/common.gp'
load dir.'/bars.gp'
set xtics rotate by 30 right
set bmargin 12
set lmargin 14
set xlabel xlab
set ylabel "faults per second (millions, median over processes; bars: min..max)"
yscale = 1e6
@bars
@render
