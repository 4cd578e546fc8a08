# tests/fuzz/onnx_group.sh - the `onnxfuzz` group of tests/run.sh (sourced by
# it): the inputs `make fuzz-onnx` found bugs with, replayed.
#   onnxfuzz/NAME  tests/fuzz/onnx_crashes/NAME.onnx through
#                  $B/tests/fuzz/onnx_fuzz_replay (the fuzz target without
#                  libFuzzer: load, emit, parse and check the program; under ASan
#                  and UBSan in make test-asan) must exit 0 with no output; where
#                  NAME.err exists, `tdslc NAME.onnx --emit tdsl` must exit 1 and
#                  print exactly it (MODEL for the path). A NAME.open file marks a
#                  bug not fixed yet (its first line says which): while the replay
#                  still fails, the case is a SKIP that says so.

list_onnxfuzz() {
    local f
    for f in tests/fuzz/onnx_crashes/*.onnx; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "onnxfuzz/${f%.onnx}"
    done
}

case_onnxfuzz() {
    local name=${1#onnxfuzz/} dir=tests/fuzz/onnx_crashes replay=$B/tests/fuzz/onnx_fuzz_replay out rc problems=0
    local model=$dir/$name.onnx
    if [ ! -x "$replay" ]; then
        echo "FAIL $1"
        echo "  no $replay (make test-build builds it)"
        return
    fi
    out=$(timeout "$TIMEOUT" "$replay" "$model" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] || [ -n "$out" ]; then
        if [ -f "$dir/$name.open" ]; then
            echo "SKIP $1 (open bug: $(head -n 1 "$dir/$name.open"))"
            return
        fi
        echo "  \$ $replay $model  (ONNX_FUZZ_VERBOSE=1 prints the messages)"
        echo "  exited $rc:"
        show "$out"
        problems=1
    fi
    if [ -f "$dir/$name.err" ]; then
        out=$(timeout "$TIMEOUT" "$TDSLC" "$model" --emit tdsl 2>&1 >/dev/null)
        rc=$?
        [ $rc -eq 1 ] || { echo "  \$ $TDSLC $model --emit tdsl"; echo "  exited $rc; expected 1"; problems=1; }
        onnx_golden "$1" "$dir/$name.err" "${out//$model/MODEL}" "$TDSLC $model --emit tdsl" || problems=1
    fi
    if [ $problems = 0 ]; then echo "PASS $1"; else echo "FAIL $1"; fi
}
