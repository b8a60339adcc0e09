# Native vs guest: guest median / native median per benchmark, bars from
# 1.0 on a log scale, one colour per kernel, and the model's 2D/1D ratio of
# worst-case memory references per translation as a black mark.
#   tsv: blocks (one per kernel, two blank lines apart) of
#        x, benchmark, ratio (header: the kernel), native ns, guest ns,
#        model 1D refs, model 2D refs, model 2D/1D, ratio min, ratio max
#        (over pairs of processes: the error bars); an unstable row (either
#        side's processes disagree) has no ratio and no bar
#   lab0, labmax: the first and the longest benchmark label's length
#   nsub, sub1..sub4: one subtitle line per guest (which native file,
#        accelerator, host backing, guest THP); more: set past four guests
load dir.'/common.gp'
t = ttl
if (exists("unst")) { t = t."\n".unst }
do for [i=1:(nsub < 4 ? nsub : 4)] { t = t."\n".value(sprintf("sub%d", i)) }
if (exists("more")) { t = t."\n".more }
set title t noenhanced
set logscale y 2
set format y "%g"
set xlabel "benchmark (grouped by kernel)"
set ylabel "guest time / native time (medians, log2 scale)"
set xtics rotate by 45 right
set bmargin 12
set lmargin 22
# Slanted by 45 degrees a label reaches about 0.75 of its length in
# character widths to the left of its bar and 0.38 in line heights down:
# room for the first (lab0) on the left, for the longest (labmax) below
if (exists("lab0") && lab0 * 0.75 + 2 > 22) { set lmargin (lab0 * 0.75 + 2 > 35 ? 35 : int(lab0 * 0.75) + 2) }
if (exists("labmax") && labmax * 0.38 + 2 > 12) { set bmargin int(labmax * 0.38) + 2 }
set grid noxtics
set key top left box opaque
set offsets 0.6, 0.6, graph 0.35, 0
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead linewidth 1.5 linecolor rgb '#000000' front
set style fill solid 0.75 border -1
doplot = "plot for [i=0:*] tsv index i using 1:3:($1-0.4):($1+0.4):(1):3:xtic(2) with boxxyerror title columnheader(3), for [i=0:*] tsv index i using ($1-0.45):8:(0.9):(0) with vectors nohead linewidth 4 linecolor rgb '#000000' title (i == 0 ? 'model: nested (2D) / native (1D) worst-case walk references' : ''), for [i=0:*] tsv index i using 1:3:9:10 with yerrorbars pointtype -1 linecolor rgb '#000000' notitle"
@render
