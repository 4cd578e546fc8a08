# tests/fuzz/group.sh - the `fuzz` group of tests/run.sh (sourced by it): the
# libFuzzer targets of tests/fuzz/targets/ built without libFuzzer
# ($B/tests/fuzz/fz_NAME_replay, with $CC and $SAN: under ASan and UBSan in
# make test-asan) run on inputs, each of which must exit 0 and print nothing.
#   fuzz/NAME/FILE   tests/fuzz/crashes/NAME/FILE: an input `make fuzz` found a
#                    bug with (docs/fuzzing.md lists them), replayed
#   fuzz/smoke-NAME  the target on inputs from the tests (examples, a REPL
#                    transcript, .npy files, tests/fuzz/seeds/entry/: good and
#                    bad descriptors checked against the C references)

list_fuzz() {
    local f t
    for t in front codegen sched repl npy entry; do echo "fuzz/smoke-$t"; done
    for f in tests/fuzz/crashes/*/*; do
        [ -f "$f" ] || continue
        echo "fuzz/${f#tests/fuzz/crashes/}"
    done
}

# fuzz_replay NAME FILE...: runs the replay binary of NAME on the files
fuzz_replay() {
    local t=$1 bin=$B/tests/fuzz/fz_$1_replay out rc
    shift
    if [ ! -x "$bin" ]; then
        echo "  no $bin (make test-build builds it)"
        return 1
    fi
    # at most 2 GiB at once, as under libFuzzer (-malloc_limit_mb=2048): an
    # input that makes a reader allocate what a header claims fails here too
    out=$(
        if [ -z "$SAN" ]; then if [ "$t" = npy ]; then ulimit -v 2097152; else ulimit -v 4194304; fi; fi
        ASAN_OPTIONS="allocator_may_return_null=1:max_allocation_size_mb=2048${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
            timeout "$TIMEOUT" "$bin" "$@" 2>&1
    )
    rc=$?
    [ $rc = 0 ] && [ -z "$out" ] && return 0
    echo "  \$ $bin $*  (FUZZ_VERBOSE=1 prints the messages)"
    echo "  exited $rc:"
    show "$out"
    return 1
}

case_fuzz() {
    local id=${1#fuzz/} out ok=1 tmp
    case $id in
    smoke-front) out=$(fuzz_replay front examples/*.tdsl tests/errors/*.tdsl) || ok=0 ;;
    smoke-codegen) out=$(fuzz_replay codegen examples/scale.tdsl examples/blur3.tdsl examples/matmul.tdsl) || ok=0 ;;
    smoke-sched)
        tmp=$OUT/fuzz
        mkdir -p "$tmp"
        awk '/^schedule /{on=1} on{print} /^}/{on=0}' examples/*.tdsl >"$tmp/schedules.tdsl"
        out=$(fuzz_replay sched "$tmp/schedules.tdsl") || ok=0
        ;;
    smoke-repl) out=$(fuzz_replay repl tests/repl/builtins.in tests/repl/values.in) || ok=0 ;;
    smoke-npy) out=$(fuzz_replay npy tests/e2e/consts_w1.npy tests/e2e/consts.npz tests/errors/data/*.np?) || ok=0 ;;
    smoke-entry) out=$(fuzz_replay entry tests/fuzz/seeds/entry/*) || ok=0 ;;
    *) out=$(fuzz_replay "${id%%/*}" "tests/fuzz/crashes/$id") || ok=0 ;;
    esac
    if [ $ok = 1 ]; then echo "PASS $1"; else echo "FAIL $1"; printf '%s\n' "$out"; fi
}
