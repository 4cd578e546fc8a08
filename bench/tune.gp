# bench/tune.gp - the bar chart of build/bench/tune.dat (make bench-tune):
# gnuplot -e "dat='build/bench/tune.dat'; png='build/bench/tune.png'" bench/tune.gp
# Each bar is the best Halide autoscheduler's time / the variant's time, so 1 is
# parity with the best of Mullapudi2016, Adams2019 and Li2018 (log scale).
set terminal pngcairo size 1400,600 noenhanced font ",10"
set output png
set title "tdslc --tune vs Halide 14 autoschedulers, 1 thread: speed relative to the best Halide autoscheduler (higher is better)"
set datafile missing "-"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right
set logscale y
set grid ytics
set ylabel "speed (best Halide autoscheduler = 1)"
plot dat using 2:xtic(1) title 'TDSL tuned', '' using 3 title 'TDSL tuned --target host', \
     '' using 4 title 'TDSL unscheduled', '' using 5 title 'hand-written (stdlib/nn.tdsl)', \
     '' using 6 title 'Halide Mullapudi2016', '' using 7 title 'Halide Adams2019', '' using 8 title 'Halide Li2018', \
     1 notitle with lines lc rgb "black" dt 2
