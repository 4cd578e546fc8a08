# bench/kernels.gp - the bar chart of build/bench/kernels.dat (make bench):
# gnuplot -e "dat='build/bench/kernels.dat'; png='build/bench/kernels.png'; torch=0" bench/kernels.gp
# (torch=1 adds the PyTorch bars, column 6, when bench/kernels_torch.py ran)
set terminal pngcairo size 2400,650 noenhanced font ",10"
set output png
set title "stdlib/nn.tdsl vs OpenBLAS / oneDNN: speed relative to the library on 1 thread (higher is better)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set bmargin 4
set yrange [0:*]
set grid ytics
set ylabel "speed (library, 1 thread = 1)"
cmd = "plot dat using 2:xtic(1) title 'TDSL 1 thread', '' using 3 title 'library 1 thread', " . \
      "'' using 4 title 'TDSL 2 threads', '' using 5 title 'library 2 threads'"
if (torch) cmd = cmd . ", '' using 6 title 'PyTorch 1 thread'"
eval cmd
