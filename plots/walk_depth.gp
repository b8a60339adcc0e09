# Page-walk depth: median ns per access for each stride (each stride makes
# successive accesses need new entries one level higher), one bar per file.
#   tsv: stride, then one column per file (header: the file's label)
#   ncols: number of columns
load dir.'/common.gp'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xlabel "stride between accesses (level of the page table that changes)"
set ylabel "time per access (ns, median of repetitions)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set grid noxtics
doplot = "plot for [c=2:ncols] tsv using c:xtic(1) title columnheader(c)"
@render
