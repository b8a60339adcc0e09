# Shared settings for every walkbench plot. A plot script is called as
#   gnuplot -e "dir='plots'; tsv='x.tsv'; out='DIR/x'; ttl='...'" plots/x.gp
# (plus logx=1 or logy=1 for log2 axes)
# and defines a macro `doplot` (its plot command); `render` then writes
# out.png and out.svg, 1200x800. Scripts read the TSV files only.
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	pngterm = "set terminal pngcairo size 1200,800 noenhanced font 'Sans,13' linewidth 1.5"
} else {
	pngterm = "set terminal png size 1200,800 noenhanced large"
}
svgterm = "set terminal svg size 1200,800 noenhanced font 'Sans,13' linewidth 1.5 background '#ffffff'"
set datafile separator "\t"
set datafile missing "NaN"
set grid
set key top left box opaque
# unst: how many points are unstable, a line under the title
if (exists("unst")) { ttl = ttl."\n".unst }
set title ttl noenhanced
# unstable points (their processes disagree) are open symbols off the lines
hollow = 6
hollow_key = exists("unst") ? "unstable (processes disagree): open, not joined" : ""
# log2 axes, as the kernel's plot declaration says (logx=1, logy=1)
if (!exists("logx")) { logx = 0 }
if (!exists("logy")) { logy = 0 }
if (logx) { set logscale x 2 }
if (logy) { set logscale y 2 }
render = "eval pngterm; set output out.'.png'; @doplot; set output; eval svgterm; set output out.'.svg'; @doplot; set output"
