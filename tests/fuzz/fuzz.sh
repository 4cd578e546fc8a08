#!/bin/bash
# tests/fuzz/fuzz.sh - `make fuzz`: runs each libFuzzer target of FUZZ_TARGETS
# (built into $B by mk/fuzz.mk) for FUZZ_SECONDS seconds, one after another,
# from seeds taken from the tests ($B/fuzz/NAME/seeds, remade each run) and a
# corpus that grows across runs ($B/fuzz/NAME/corpus). libFuzzer runs in fork
# mode (-fork=1 -ignore_crashes=1): a crash, leak, hang (-timeout=30; 120 for repl) or OOM
# (-rss_limit_mb=2048) is written to $B/fuzz/NAME/artifacts/ and the run goes
# on. FUZZ_FORK=0 runs each target as one process instead (2 to 10 times
# faster for the fast targets; a crash ends that target's run). Prints a line
# per target, then `fuzz: T targets, E executions, C
# crashes`; exit 1 when C > 0. Replay an input: $B/tests/fuzz/fz_NAME FILE
# (FUZZ_VERBOSE=1 prints the compiler's messages).
set -u
B=${B:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-front codegen sched repl npy entry onnx}
FUZZ_SEED=${FUZZ_SEED:-}
FUZZ_FORK=${FUZZ_FORK:-1}
TESTDATA=${ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
cd "$(dirname "$0")/../.." || exit 1
root=$PWD      # the repl target works in a scratch directory: every path it gets is absolute

# copies the files named to dir, each once (by content), those up to max bytes
seed_files() {
    local dir=$1 max=$2 f
    shift 2
    for f in "$@"; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -le "$max" ] || continue
        cp "$f" "$dir/$(md5sum <"$f" | cut -c1-16)"
    done
}

# each schedule block of the .tdsl files named, a seed of its own
seed_schedules() {
    local dir=$1
    shift
    awk -v dir="$dir" '/^schedule /{on=1; n++; f=dir "/sched_" n} on{print > f} /^}/{if(on){close(f)} on=0}' "$@"
}

seed_npy() {
    local dir=$1
    seed_files "$dir" 65536 tests/errors/data/*.npy tests/errors/data/*.npz tests/e2e/*.npy tests/e2e/*.npz
    /usr/bin/python3 - "$dir" <<'PY' || echo "fuzz: no NumPy: the npy seeds are the test files only"
import io, sys, zipfile
import numpy as np
d = sys.argv[1]
for i, (t, shape) in enumerate([("<f4", (2, 3)), (">f8", (4,)), ("|u1", (0, 5)), ("<i8", ()), ("|b1", (3, 1, 2)),
                                ("<u2", (1, 1, 1, 1)), (">i4", (5,)), ("<f2", (2,))]):
    a = (np.arange(int(np.prod(shape))) % 7).astype(t).reshape(shape)
    np.save(f"{d}/npy_{i}.npy", a)
np.save(f"{d}/npy_fortran.npy", np.asfortranarray(np.ones((2, 3), "<f4")))
b = io.BytesIO()
np.lib.format.write_array(b, np.ones((3,), "<f4"), version=(2, 0))
open(f"{d}/npy_v2.npy", "wb").write(b.getvalue())
np.savez(f"{d}/stored.npz", a=np.arange(6, dtype="<f4").reshape(2, 3), x=np.ones(2, "<i4"))
np.savez_compressed(f"{d}/deflated.npz", a=np.zeros((4, 4), "<f8"), arr_0=np.ones(3, "|u1"))
PY
}

seed_entry() {
    cp tests/fuzz/seeds/entry/* "$1/"
}

seed_onnx() {
    local dir=$1 d n k=0
    "$B/tests/onnx/gen_models" "$dir" >/dev/null || return 1
    local pat='^test_(gemm|matmul|conv_|relu|sigmoid|add|mul|maxpool_2d|averagepool_2d|batchnorm|flatten|transpose|softmax|layer_normalization|concat|reshape)'
    for d in "$TESTDATA"/node/test_*; do
        n=${d##*/}
        [[ $n =~ $pat ]] && [[ $n != *_expanded ]] && [ -f "$d/model.onnx" ] || continue
        [ "$(stat -c %s "$d/model.onnx")" -lt 2000 ] || continue
        k=$((k + 1))
        [ $((k % 5)) = 1 ] && cp "$d/model.onnx" "$dir/$n.onnx"
    done
}

seeds() {
    local t=$1 dir=$2
    case $t in
    front) seed_files "$dir" 16384 tests/e2e/*.tdsl tests/errors/*.tdsl tests/golden/*.tdsl examples/*.tdsl stdlib/*.tdsl \
        tests/modules/*/*.tdsl tests/link/*.tdsl ;;
    codegen) seed_files "$dir" 1500 tests/e2e/*.tdsl tests/golden/*.tdsl examples/*.tdsl ;;
    sched) seed_schedules "$dir" tests/e2e/*.tdsl tests/golden/*.tdsl examples/*.tdsl tests/errors/*.tdsl ;;
    repl) seed_files "$dir" 4096 tests/repl/*.in ;;
    npy) seed_npy "$dir" ;;
    entry) seed_entry "$dir" ;;
    onnx) seed_onnx "$dir" ;;
    esac
}

dict() {
    case $1 in
    front | codegen | sched | repl) echo "-dict=$root/tests/fuzz/tdsl.dict" ;;
    npy) echo "-dict=$root/tests/fuzz/npy.dict" ;;
    onnx) echo "-dict=$root/tests/fuzz/onnx.dict" ;;
    esac
}

# the inputs libFuzzer saved for a crash, leak, hang or OOM (not its slow-unit- notes)
artifacts() {
    find "$1/artifacts" -type f -regex '.*/\(crash\|leak\|timeout\|oom\)-.*' | wc -l
}

total_t=0 total_e=0 total_c=0
for t in $FUZZ_TARGETS; do
    bin=$root/$B/tests/fuzz/fz_$t
    [ "$t" = onnx ] && bin=$root/$B/tests/fuzz/onnx_fuzz
    work=$root/$B/fuzz/$t
    rm -rf "$work/seeds"
    mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts" || exit 1
    if [ ! -x "$bin" ]; then
        echo "fuzz: $t: no $bin (make fuzz builds it)"
        total_c=$((total_c + 1))
        continue
    fi
    seeds "$t" "$work/seeds"
    before=$(artifacts "$work")
    # shellcheck disable=SC2046
    # the repl target's calls may ask for more than there is (a 4 TiB
    # intermediate): that is an error code, not a crash (repl.c sets ASan's allocator_may_return_null)
    # a REPL input JIT-compiles at -O3 each fn it calls: seconds on a loaded machine
    limit="" hang=30
    [ "$t" = repl ] && limit=-malloc_limit_mb=2147483647 hang=120
    mode="-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1"
    [ "$FUZZ_FORK" = 0 ] && mode=""
    # shellcheck disable=SC2086
    UBSAN_OPTIONS=print_stacktrace=1 timeout -k 10 $((FUZZ_SECONDS + 120)) "$bin" $mode \
        -max_total_time="$FUZZ_SECONDS" -timeout=$hang -rss_limit_mb=2048 \
        ${FUZZ_SEED:+-seed=$FUZZ_SEED} $limit $(dict "$t") -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds" \
        >"$work/log" 2>&1
    rc=$?
    # one process ends with "Done N runs"; fork mode's lines are "#N: ...", one process's "#N<tab>..."
    execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log" | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\):*[[:space:]].*/\1/p' "$work/log" | tail -n 1)
    crashes=$(($(artifacts "$work") - before))
    [ "$rc" != 0 ] && [ "$crashes" = 0 ] && crashes=1 && echo "fuzz: $t: libFuzzer exited $rc (log: $work/log)"
    printf 'fuzz: %-8s %10s executions, %d crashes (%s/s; corpus %d; log %s)\n' "$t" "${execs:-0}" "$crashes" \
        "$(( ${execs:-0} / (FUZZ_SECONDS > 0 ? FUZZ_SECONDS : 1) ))" "$(find "$work/corpus" -type f | wc -l)" "$work/log"
    if [ "$crashes" != 0 ]; then      # fork mode keeps no child's report: replay the new inputs
        find "$work/artifacts" -type f -newer "$work/seeds" -regex '.*/\(crash\|leak\|timeout\|oom\)-.*' | head -n 5 | while read -r a; do
            echo "  $a:"
            timeout 60 "$bin" "$a" 2>&1 | grep -a -m 4 '^SUMMARY: \|ERROR: \|^fuzz: \|^entry fuzz: \|^npy fuzz: \|^internal error' |
                sed 's/^/    /'
        done
        echo "  replay one: $bin FILE"
    fi
    total_t=$((total_t + 1)) total_e=$((total_e + ${execs:-0})) total_c=$((total_c + crashes))
done
echo "fuzz: $total_t targets, $total_e executions, $total_c crashes"
[ "$total_c" = 0 ]
