#!/bin/bash
# tests/fuzz/onnx_fuzz.sh - `make fuzz-onnx`: seeds a corpus and runs the
# libFuzzer target $B/tests/fuzz/onnx_fuzz (tests/fuzz/onnx_fuzz.c) for
# FUZZ_RUNS executions from FUZZ_SEED, then prints the executions and the
# crashes. Seeds: the fixture models ($B/tests/onnx/gen_models) and every 5th
# small (< 2000 bytes) ONNX backend node test of an op the importer knows.
# The corpus ($B/onnx_fuzz/corpus) grows across runs; crashes, leaks, hangs
# (-timeout=10) and OOMs are written to $B/onnx_fuzz/artifacts/ (libFuzzer's
# crash-/leak-/timeout-/oom- files): replay one with
# `$B/tests/fuzz/onnx_fuzz FILE`, or with ONNX_FUZZ_VERBOSE=1 for the messages.
# An emitted program that does not check is no crash here: the first input of
# each kind of error is kept in $B/onnx_fuzz/emit_errors/ (KIND.onnx, and
# KIND.txt with the messages and the program), and counted.
# FUZZ_JOBS=N fuzzes in N processes (default 1); FUZZ_ARGS adds libFuzzer flags.
set -u
B=${B:-build-fuzz}
FUZZ_RUNS=${FUZZ_RUNS:-100000}
FUZZ_SEED=${FUZZ_SEED:-1}
TESTDATA=${ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
cd "$(dirname "$0")/../.." || exit 1
work=$B/onnx_fuzz
seeds=$work/seeds
mkdir -p "$seeds" "$work/corpus" "$work/artifacts" "$work/emit_errors" || exit 1

"$B/tests/onnx/gen_models" "$seeds" >/dev/null || exit 1
pat='^test_(gemm|matmul|conv_|relu|sigmoid|tanh|add|sub|mul|div|maxpool_2d|averagepool_2d|globalaveragepool|globalmaxpool|batchnorm|flatten|transpose|softmax|logsoftmax|layer_normalization|erf|exp|log|sqrt|concat|clip|identity|leakyrelu|neg|abs|max_|min_|reduce_mean|reduce_sum|reshape|constant)'
k=0
for d in "$TESTDATA"/node/test_*; do
    n=${d##*/}
    [[ $n =~ $pat ]] && [[ $n != *_expanded ]] && [ -f "$d/model.onnx" ] || continue
    [ "$(stat -c %s "$d/model.onnx")" -lt 2000 ] || continue
    k=$((k + 1))
    [ $((k % 5)) = 1 ] && cp "$d/model.onnx" "$seeds/$n.onnx"
done
echo "onnx_fuzz: $(ls "$seeds" | wc -l) seed models, $(ls "$work/corpus" | wc -l) in the corpus; $FUZZ_RUNS runs, seed $FUZZ_SEED"

before=$(ls "$work/artifacts" | wc -l)
ebefore=$(ls "$work/emit_errors" | grep -c '\.onnx$')
# fork mode: a crash is saved and the run goes on (-ignore_crashes), so one bug
# does not hide the next; the child processes' reports land in the log
# shellcheck disable=SC2086
ONNX_FUZZ_EMIT_ERRORS=$work/emit_errors UBSAN_OPTIONS=print_stacktrace=1 \
    "$B/tests/fuzz/onnx_fuzz" -fork="${FUZZ_JOBS:-1}" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -runs="$FUZZ_RUNS" -seed="$FUZZ_SEED" -timeout=10 -rss_limit_mb=2048 -dict=tests/fuzz/onnx.dict \
    -artifact_prefix="$work/artifacts/" ${FUZZ_ARGS:-} "$work/corpus" "$seeds" >"$work/log" 2>&1
rc=$?
grep -a '^#[0-9]*: cov:' "$work/log" | tail -n 3
runs=$(sed -n 's/^INFO: fuzzed for \([0-9]*\) iterations.*/\1/p' "$work/log" | tail -n 1)
crashes=$(($(ls "$work/artifacts" | wc -l) - before))
emits=$(($(ls "$work/emit_errors" | grep -c '\.onnx$') - ebefore))
if [ "$crashes" != 0 ]; then
    echo "onnx_fuzz: the reports (how many times each; the inputs are in $work/artifacts):"
    grep -a '^SUMMARY: ' "$work/log" | sort | uniq -c | sort -rn | head -n 20
fi
echo "onnx_fuzz: ${runs:-?} executions, $crashes crashes (libFuzzer exit $rc), $emits new kinds of emitted" \
    "programs that do not check ($work/emit_errors/KIND.txt); log: $work/log"
[ "$rc" = 0 ] && [ "$crashes" = 0 ] && [ "$emits" = 0 ]
