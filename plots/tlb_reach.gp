# TLB reach: median ns per access against the number of pages touched, one
# line per (file, page size) through its stable points, with the range of
# the per-process medians as error bars; an unstable point (its processes
# disagree) is an open circle off the line. Inputs (TSV, blocks separated
# by two blank lines, first line of a block is its header, column 2 names
# the series):
#   tsv:   pages, ns_median, ns_min, ns_max, stable (1/0), modes
#   knees: detected knees: pages, ns, label          (has_knees=1)
#   model: predicted knees: pages, y_low, y_high, label (has_model=1)
load dir.'/common.gp'
set format x "%.0f"
set xlabel "working set (pages, log2 scale)"
set ylabel "time per access (ns, median over processes; bars: min..max)"
set yrange [0:*]
# the model's labels hang from the top; the left middle is empty below the knees
set key left center box opaque
knees_cmd = has_knees ? ", knees using 1:2 with points pointtype 6 pointsize 3 linewidth 2 linecolor rgb '#d00000' title 'detected knee', knees using 1:2:3 with labels offset 0,1.8 textcolor rgb '#d00000' notitle" : ""
model_cmd = has_model ? ", model using 1:2:(0):($3-$2) with vectors nohead dashtype 2 linewidth 1.5 linecolor rgb '#606060' title 'model: predicted TLB reach', model using 1:3:4 with labels rotate by 90 right offset -1,0 textcolor rgb '#606060' notitle" : ""
doplot = "plot for [i=0:*] tsv index i using 1:($5 > 0 ? $2 : NaN):3:4 with yerrorlines pointtype 7 linecolor i+1 title columnheader(2), for [i=0:*] tsv index i using 1:($5 > 0 ? NaN : $2):3:4 with yerrorbars pointtype hollow pointsize 2 linewidth 2 linecolor i+1 title (i == 0 ? hollow_key : '')".knees_cmd.model_cmd
@render
