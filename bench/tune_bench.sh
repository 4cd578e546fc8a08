#!/bin/sh
# bench/tune_bench.sh - the body of make bench-tune (see the Makefile): tunes
# each pipeline of bench/tune/ with tdslc --tune (1 thread, TUNE_BUDGET
# seconds, a private cache deleted first so it always searches) twice: for
# x86-64-v3 (the default target) and for --target host (this CPU's vector
# width and registers, as Halide's JIT target has them), compiles each tuned
# block for its target and the unscheduled fn to objects,
# links them with bench/tune_halide.cpp's harness and stdlib/nn.tdsl's
# hand-written kernels, runs it (Halide 14's three autoschedulers side by side)
# and draws the chart. Writes build/bench/tune.md, tune.png, and under
# build/bench/tune/ the schedules (PIPELINE.sched.tdsl) and tuning logs.
set -eu
B=${B:-build}
CXX=${CXX:-g++}
BUDGET=${TUNE_BUDGET:-60}
SEED=${TUNE_SEED:-1}
D=$B/bench/tune
export TDSL_NUM_THREADS=1 HL_NUM_THREADS=1
rm -rf "$D"
mkdir -p "$D"

# pipeline, fn, sizes
for spec in "matmul tmatmul m=1024,k=1024,n=1024" \
            "conv_relu tconv_relu c=64,h=56,w=56,o=64" \
            "blur3 tblur3 h=2048,w=2048" \
            "softmax tsoftmax n=1024,d=1024" \
            "layernorm tlayernorm n=4096,d=4096" \
            "gelu tgelu n=4096,d=4096"; do
    set -- $spec
    p=$1 fn=$2 sizes=$3
    for tg in x86-64-v3 host; do
        out=$p.sched.tdsl log=$p.tune.log
        [ "$tg" = host ] && out=$p.host.sched.tdsl log=$p.host.tune.log
        rm -f "$D/cache.tsv"
        echo "== tdslc --tune $fn --size $sizes --budget $BUDGET --seed $SEED --target $tg"
        s=$(date +%s)
        if ! "$B/tdslc" "bench/tune/$p.tdsl" --tune "$fn" --size "$sizes" --budget "$BUDGET" --seed "$SEED" \
               --target "$tg" --schedule-out "$D/$out" --tune-cache "$D/cache.tsv" > "$D/$log" 2>&1; then
            tail -5 "$D/$log"
            echo "tdslc --tune $fn --target $tg failed (log: $D/$log)"
            exit 1
        fi
        echo "   $(( $(date +%s) - s )) s wall; $(grep -c '^tune: trial' "$D/$log") trial lines"
        sed -n '/^#/p' "$D/$out" | sed 's/^/   /'
    done
    # one object per variant, the fn renamed FN_tuned, FN_host, FN_plain so they link together
    for v in tuned host plain; do
        sed -E "s/\\b$fn\\b/${fn}_$v/g" "bench/tune/$p.tdsl" > "$D/${p}_$v.tdsl"
    done
    sed -E "s/\\b$fn\\b/${fn}_tuned/g" "$D/$p.sched.tdsl" > "$D/${p}_tuned.sched.tdsl"
    sed -E "s/\\b$fn\\b/${fn}_host/g" "$D/$p.host.sched.tdsl" > "$D/${p}_host.sched.tdsl"
    "$B/tdslc" "$D/${p}_tuned.tdsl" --schedule "$D/${p}_tuned.sched.tdsl" -o "$D/${p}_tuned.o"
    "$B/tdslc" "$D/${p}_host.tdsl" --schedule "$D/${p}_host.sched.tdsl" --target host -o "$D/${p}_host.o"
    "$B/tdslc" "$D/${p}_plain.tdsl" -o "$D/${p}_plain.o"
done
rm -f "$D/cache.tsv"

echo "== harness: Halide 14 autoschedulers vs the TDSL objects (1 thread)"
"$CXX" -o "$D/tune_halide" "$B/bench/tune_halide.o" "$D"/*_tuned.o "$D"/*_host.o "$D"/*_plain.o "$B/bench/nn.o" \
    -lHalide14 -lpthread -ldl -lm
"$D/tune_halide" --dir "$D" ${TUNE_ROUNDS:+--rounds "$TUNE_ROUNDS"}
gnuplot -e "dat='$B/bench/tune.dat'; png='$B/bench/tune.png'" bench/tune.gp
echo "wrote $B/bench/tune.md and $B/bench/tune.png"
