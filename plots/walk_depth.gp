# Page-walk depth: median ns per access for each stride (each stride makes
# successive accesses need new entries one level higher), one bar per file,
# the range of the per-process medians as error bars; an unstable bar (its
# processes disagree) is hollow.
#   tsv: stride, then per file: ns, min, max, stable (1/0), modes
#   nfiles: number of files
load dir.'/common.gp'
load dir.'/bars.gp'
set xlabel "stride between accesses (level of the page table that changes)"
set ylabel "time per access (ns, median over processes; bars: min..max)"
yscale = 1
@bars
@render
