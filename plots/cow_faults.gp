# Fault costs, one row per fault benchmark (top to bottom in file order),
# one bar per file, drawn across so that every label is written in full:
# left, page faults handled per second; right, the time per MiB the faults
# mapped (time per fault x the faults per MiB the instance counted), where a
# 2 MiB THP fault compares with 512 4K faults. Median over processes, the
# range of the per-process medians as error bars; an unstable bar (its
# processes disagree) is hollow.
#   tsv:    benchmark, then per file: faults/s, min, max, stable (1/0), modes
#   mibtsv: benchmark, then per file: us per MiB, min, max, stable, modes;
#           then per file the faults per MiB (absent: no per-MiB panel)
#   nfiles, nrows; labw: the longest label in characters
load dir.'/common.gp'
if (!exists("mibtsv")) { mibtsv = "" }
bw = 0.8 / nfiles
yo(c) = column(0) + (c - 1 - (nfiles - 1) / 2.0) * bw
set key autotitle columnheader
unset title
set grid noytics xtics
set yrange [nrows - 0.5:-0.5]
set xrange [0:*]
set offsets 0, graph 0.05, 0, 0
set ytics nomirror scale 0
set xtics nomirror
hollow_key = exists("unst") ? "unstable (processes disagree): hollow" : ""
# the labels' room: a character of Sans 13 takes about 10 of 1200 pixels
lm = (labw + 2) * 10.0 / 1200
if (lm > 0.5) { lm = 0.5 }
split = strlen(mibtsv) > 0 ? lm + (0.965 - lm) * 0.5 : 0.965
# ttl has the unstable line already (common.gp)
t = ttl
if (exists("same")) { t = t."\nin every row: ".same }
# one panel: file @f's bars of @v (columns 5c-3..5c+1), divided by @sc
panel(f, sc, labels) = sprintf("plot %s for [c=1:nfiles] '%s' using (column(5*c) > 0 ? column(5*c-3)/%g/2 : NaN):(yo(c)):(0):(column(5*c-3)/%g):(yo(c)-bw/2):(yo(c)+bw/2) with boxxyerror fillstyle solid 0.8 border -1 linecolor c title %s, for [c=1:nfiles] '%s' using (column(5*c) > 0 ? NaN : column(5*c-3)/%g/2):(yo(c)):(0):(column(5*c-3)/%g):(yo(c)-bw/2):(yo(c)+bw/2) with boxxyerror fillstyle empty linecolor c linewidth 3 title %s, for [c=1:nfiles] '%s' using (column(5*c-3)/%g):(yo(c)):(column(5*c-2)/%g):(column(5*c-1)/%g) with xerrorbars pointtype -1 linecolor rgb '#000000' notitle", labels ? sprintf("'%s' using (0):(column(0)):ytic(1) with points pointsize 0 notitle,", f) : "", f, sc, sc, labels ? "columnheader(5*c-3)" : "''", f, sc, sc, labels ? "(c == 1 ? hollow_key : '')" : "''", f, sc, sc, sc)
left = "set lmargin at screen lm; set rmargin at screen split - 0.025; set tmargin at screen 0.80; set bmargin at screen 0.12; set key at screen 0.5, screen 0.005 center bottom horizontal nobox; set title 'faults per second (millions)'; ".panel(tsv, 1e6, 1)
right = strlen(mibtsv) > 0 ? "; set lmargin at screen split + 0.025; set rmargin at screen 0.965; set format y ''; unset key; set xtics rotate by 45 right; set title 'time per MiB mapped (us)'; ".panel(mibtsv, 1, 0) : ""
doplot = "set multiplot title t noenhanced; ".left.right."; unset multiplot; set format y '%g'; unset title; set xtics norotate"
@render
