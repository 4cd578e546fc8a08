# bench/models.gp - the bar chart of build/bench/models.dat (make bench-models):
# gnuplot -e "dat='build/bench/models.dat'; png='build/bench/models.png'" bench/models.gp
# TDSL's speedup over PyTorch eager per model and --target at 1 and 2 threads, next to the
# issue's target; 1 (the dashed line) is PyTorch's speed. "?" (a model that
# failed) draws no bar.
set terminal pngcairo size 1300,550 noenhanced font ",10"
set output png
set title "TDSL vs PyTorch eager on real models: speedup = PyTorch time / TDSL time (higher is better)"
set datafile missing "?"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right
set xtics rotate by -25 noenhanced
set logscale y
set yrange [0.01:*]
set grid ytics
set ylabel "speedup over PyTorch eager (log scale)"
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 lw 1.5
plot dat using 2:xtic(1) title 'TDSL 1 thread', '' using 3 title 'TDSL 2 threads', '' using 4 title 'target'
