# Bars by hand (boxes at computed x), so that a hollow bar can stand beside
# solid ones: file c's columns in the TSV are 5c-3 (value), 5c-2 (min),
# 5c-1 (max), 5c (stable), 5c+1 (modes). Sets the macro `bars`, which
# defines doplot; the caller sets yscale (the value is divided by it).
bw = 0.8 / nfiles
xo(c) = column(0) + (c - 1 - (nfiles - 1) / 2.0) * bw
set boxwidth bw absolute
set yrange [0:*]
set offsets 0.5, 0.5, graph 0.08, 0
set grid noxtics
set xtics nomirror
# the header row is every clause's, also of those without a title
set key autotitle columnheader
hollow_key = exists("unst") ? "unstable (processes disagree): hollow" : ""
bars = "doplot = \"plot tsv using 0:(NaN):xtic(1) notitle, for [c=1:nfiles] tsv using (xo(c)):(column(5*c) > 0 ? column(5*c-3)/yscale : NaN) with boxes fillstyle solid 0.8 border -1 linecolor c title columnheader(5*c-3), for [c=1:nfiles] tsv using (xo(c)):(column(5*c) > 0 ? NaN : column(5*c-3)/yscale) with boxes fillstyle empty linecolor c linewidth 3 title (c == 1 ? hollow_key : ''), for [c=1:nfiles] tsv using (xo(c)):(column(5*c-3)/yscale):(column(5*c-2)/yscale):(column(5*c-1)/yscale) with yerrorbars pointtype -1 linecolor rgb '#000000' notitle\""
