# Native vs guest: guest median / native median per benchmark, bars from
# 1.0 on a log scale, one colour per kernel, and the model's 2D/1D ratio of
# worst-case memory references per translation as a black mark.
#   tsv: blocks (one per kernel, two blank lines apart) of
#        x, benchmark, ratio (header: the kernel), native ns, guest ns,
#        model 1D refs, model 2D refs, model 2D/1D, ratio min, ratio max
#        (over pairs of processes: the error bars); an unstable row (either
#        side's processes disagree) has no ratio and no bar
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
set ylabel "guest time / native time (median of repetitions, log2 scale)"
set xtics rotate by 45 right
set bmargin 12
set lmargin 22
set grid noxtics
set key top left box opaque
set offsets 0.6, 0.6, graph 0.35, 0
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead linewidth 1.5 linecolor rgb '#000000' front
set style fill solid 0.75 border -1
doplot = "plot for [i=0:*] tsv index i using 1:3:($1-0.4):($1+0.4):(1):3:xtic(2) with boxxyerror title columnheader(3), for [i=0:*] tsv index i using ($1-0.45):8:(0.9):(0) with vectors nohead linewidth 4 linecolor rgb '#000000' title (i == 0 ? 'model: nested (2D) / native (1D) worst-case walk references' : ''), for [i=0:*] tsv index i using 1:3:9:10 with yerrorbars pointtype -1 linecolor rgb '#000000' notitle"
@render
