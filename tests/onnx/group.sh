# tests/onnx/group.sh - the `onnx` group of tests/run.sh (sourced by it): ONNX import.
#   onnx/NAME    a fixture model NAME.onnx written by $B/tests/onnx/gen_models
#                (protobuf-c, tests/onnx/gen_models.c): `tdslc --emit graph` must
#                print tests/onnx/NAME.graph; for a model with NAME.tdsl,
#                `--emit tdsl` must print it, write one .npy per const, and the
#                program must compile with its consts; `tdslc NAME.onnx -o NAME.o`
#                must give an object that needs only libc/libm/pthreads and a
#                header with one entry point NAME; for one with NAME.err, tdslc must exit 1 with
#                exactly that stderr (MODEL for the path). UPDATE_GOLDEN=1 rewrites.
#   onnx/sweep   every model of /usr/share/libonnx-testdata (node, pytorch-converted,
#                pytorch-operator, simple): tdslc --emit graph exits 0, or 1 with one
#                line `PATH: error: ...`; never a signal, a hang or a sanitizer
#                report. Prints the supported / unsupported counts.
#   onnx/passes  the fixtures gen_models also writes as cases (cases/NAME/model.onnx
#                and random inputs) through `conformance -d`: each model imported with
#                the graph passes (folding, fusion, kernels) gives the results of the
#                same model imported without them (rtol 1e-3, atol 1e-5)
#   onnx/repl    tests/onnx/repl.in piped into $B/tdsl in a directory holding the
#                fixtures as onnx/NAME.onnx must print tests/onnx/repl.out (:load
#                MODEL.onnx; the repository's path prints as ROOT)
#   onnx/conformance  the backend node tests the issue lists ($ONNX_CONF_OPS, not
#                *_expanded) through $B/tests/onnx/conformance: import, compile
#                (JIT), run on every test_data_set and compare (rtol 1e-3, atol
#                1e-5). PASS / FAIL lines per test (a FAIL fails the group);
#                UNSUPPORTED lines with the importer's error are listed, not failed.
#   onnx/torch-NAME  tests/onnx/torch/NAME.onnx, a tiny model PyTorch exported
#                (tests/onnx/torch_fixtures.py, committed with its input and
#                output .npy): tdslc NAME.onnx -o NAME.o, linked into
#                tests/onnx/torch_main.c (libc, libm, pthreads), run with
#                TDSL_NUM_THREADS=1 and 2: max |got - want| / max |want| <= 1e-3.
#                A model the importer refuses FAILs with its error.
ONNX_TESTDATA=${ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}

list_onnx() {
    local f
    for f in tests/onnx/*.graph tests/onnx/*.err; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "onnx/${f%.*}"
    done | sort -u
    for f in tests/onnx/torch/*.onnx; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "onnx/torch-${f%.onnx}"
    done
    echo "onnx/sweep"
    echo "onnx/passes"
    echo "onnx/repl"
    echo "onnx/conformance"
}

onnx_repl() {
    local dir=$OUT/onnx/repl want=tests/onnx/repl.out got
    rm -rf "$dir" && mkdir -p "$dir/onnx" && cp "$(onnx_models)"/*.onnx "$dir/onnx/" ||
        { echo "FAIL onnx/repl"; echo "  cannot set up $dir"; return; }
    got=$(cd "$dir" && ASAN_OPTIONS="allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
          timeout "$TIMEOUT" "$OLDPWD/$B/tdsl" <"$OLDPWD/tests/onnx/repl.in" 2>&1)
    got=${got//$PWD/ROOT}
    if onnx_golden onnx/repl "$want" "$got" "(cd $dir && $PWD/$B/tdsl < $PWD/tests/onnx/repl.in)"; then
        echo "PASS onnx/repl"
    else
        echo "FAIL onnx/repl"
    fi
}

ONNX_CONF_OPS="gemm matmul_ conv_ relu sigmoid tanh add sub mul div maxpool_2d averagepool_2d globalaveragepool
globalmaxpool batchnorm_epsilon batchnorm_example flatten transpose softmax logsoftmax layer_normalization erf exp
log sqrt concat clip identity leakyrelu neg abs max_ min_ reduce_mean reduce_sum gather_0 gather_1 gather_2d_indices
gather_negative_indices argmax argmin"

onnx_conformance() {
    if [ ! -d "$ONNX_TESTDATA/node" ]; then
        echo "SKIP onnx/conformance (no $ONNX_TESTDATA: apt-get install libonnx-testdata)"
        return
    fi
    local pat dirs=() d
    pat="^test_($(echo $ONNX_CONF_OPS | tr ' ' '|'))"
    for d in "$ONNX_TESTDATA"/node/test_*; do
        [[ ${d##*/} =~ $pat ]] && [[ $d != *_expanded ]] && dirs+=("$d")
    done
    local out rc
    out=$(timeout 300 "$B/tests/onnx/conformance" -I stdlib -j 2 "${dirs[@]}" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    [ $rc -le 1 ] || echo "FAIL onnx/conformance (the runner exited $rc)"
}

onnx_passes() {
    local out rc dir
    dir=$(onnx_models)
    out=$(timeout 300 "$B/tests/onnx/conformance" -d -I stdlib -j 2 "$dir"/cases/* 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && ! grep -q '^UNSUPPORTED' <<<"$out"; then
        echo "PASS onnx/passes ($(grep -c '^PASS' <<<"$out") models: the same results with and without graph passes)"
    else
        echo "FAIL onnx/passes (the runner exited $rc)"
        show "$out"
    fi
}

# onnx/torch-NAME: the PyTorch export through tdslc against PyTorch's output
onnx_torch() {
    local name=$1 src=tests/onnx/torch/$1 dir=$OUT/onnx/torch-$1 out t res="" ok=1
    rm -rf "$dir" && mkdir -p "$dir"
    # shellcheck disable=SC2206
    local san=($SAN)
    out=$(step "tdslc" timeout "$TIMEOUT" "$TDSLC" "$src.onnx" -o "$dir/$name.o" &&
          step "compiling the harness" "$CC" "${san[@]}" -std=gnu11 -O1 -Wall -Wextra -Werror -I. -I"$dir" \
              -include "$dir/$name.h" -DENTRY="$name" tests/onnx/torch_main.c "$dir/$name.o" -lm -lpthread \
              -o "$dir/$name") || ok=0
    for t in 1 2; do
        [ $ok = 1 ] || break
        out=$(step "running with TDSL_NUM_THREADS=$t" env TDSL_NUM_THREADS=$t timeout "$TIMEOUT" \
              "$dir/$name" "$src.in.npy" "$src.out.npy" && printf '%s' "$step_out" | tr '\n' ' ') || ok=0
        res+=", $t thr: $out"
    done
    if [ $ok = 1 ]; then
        echo "PASS onnx/torch-$name (${res#, })"
    else
        echo "FAIL onnx/torch-$name"
        printf '%s\n' "$out"
    fi
}

# the fixtures, written once per run into the run's private $RES (cases may
# run in parallel: mkdir is the lock)
onnx_models() {
    local dir=$RES/onnx_models
    if mkdir "$RES/onnx.lock" 2>/dev/null; then
        mkdir -p "$dir" && "$B/tests/onnx/gen_models" "$dir" && touch "$dir/.done"
    fi
    local k
    for k in $(seq 1 100); do
        [ -e "$dir/.done" ] && break
        sleep 0.1
    done
    echo "$dir"
}

# onnx_golden ID WANT GOT CMD: compares (or rewrites) a golden file
onnx_golden() {
    if [ -n "${UPDATE_GOLDEN:-}" ]; then
        printf '%s\n' "$3" >"$2"
        return 0
    fi
    if [ "$3" != "$(cat "$2" 2>/dev/null)" ]; then
        echo "  \$ $4"
        echo "  output differs from $2 (< expected, > got):"
        show "$(diff <(cat "$2" 2>/dev/null) <(printf '%s\n' "$3"))"
        return 1
    fi
}

case_onnx() {
    local name=${1#onnx/}
    [ "$name" = sweep ] && { onnx_sweep; return; }
    [ "$name" = conformance ] && { onnx_conformance; return; }
    [ "$name" = passes ] && { onnx_passes; return; }
    [ "$name" = repl ] && { onnx_repl; return; }
    [[ $name == torch-* ]] && { onnx_torch "${name#torch-}"; return; }
    mkdir -p "$OUT/onnx"
    local dir model out rc problems=0
    dir=$(onnx_models)
    model=$dir/$name.onnx
    rm -rf "$OUT/onnx/$name" && mkdir -p "$OUT/onnx/$name"
    if [ -f "tests/onnx/$name.err" ]; then
        out=$(timeout "$TIMEOUT" "$TDSLC" "$model" --emit tdsl -o "$OUT/onnx/$name/$name.tdsl" 2>&1 >/dev/null)
        rc=$?
        [ $rc -eq 1 ] || { echo "  tdslc exited $rc; expected 1"; problems=1; }
        onnx_golden "$1" "tests/onnx/$name.err" "${out//$model/MODEL}" "$TDSLC $model --emit tdsl" || problems=1
    fi
    if [ -f "tests/onnx/$name.graph" ]; then
        out=$(timeout "$TIMEOUT" "$TDSLC" "$model" --emit graph 2>&1) || { echo "  --emit graph exited $?"; problems=1; }
        onnx_golden "$1" "tests/onnx/$name.graph" "$out" "$TDSLC $model --emit graph" || problems=1
    fi
    if [ -f "tests/onnx/$name.tdsl" ]; then
        local tdsl=$OUT/onnx/$name/$name.tdsl
        out=$(timeout "$TIMEOUT" "$TDSLC" "$model" --emit tdsl -o "$tdsl" 2>&1) || { echo "  --emit tdsl failed:"; show "$out"; problems=1; }
        onnx_golden "$1" "tests/onnx/$name.tdsl" "$(cat "$tdsl")" "$TDSLC $model --emit tdsl -o $tdsl" || problems=1
        local c
        for c in $(sed -n 's/^const .*load("\(.*\)")$/\1/p' "$tdsl"); do
            [ -s "$OUT/onnx/$name/$c" ] || { echo "  --emit tdsl wrote no $c"; problems=1; }
        done
        out=$(timeout "$TIMEOUT" "$TDSLC" "$tdsl" -o "$OUT/onnx/$name/emitted.o" 2>&1) ||
            { echo "  the emitted program does not compile:"; echo "  \$ $TDSLC $tdsl"; show "$out"; problems=1; }
        # the model compiled directly: a self-contained object, one entry point named after the stem
        local obj=$OUT/onnx/$name/$name.o
        out=$(timeout "$TIMEOUT" "$TDSLC" "$model" -o "$obj" 2>&1) ||
            { echo "  \$ $TDSLC $model -o $obj"; show "$out"; problems=1; }
        if [ -s "$obj" ]; then
            [ "$(grep -c '^int ' "${obj%.o}.h")" = 2 ] && grep -q "^int $name(" "${obj%.o}.h" &&
                grep -q "^int ${name}_ws(void \*ws, " "${obj%.o}.h" &&
                grep -Eq "^size_t ${name}_workspace_bytes\((void|int64_t [A-Za-z_0-9]+(, int64_t [A-Za-z_0-9]+)*)\);" "${obj%.o}.h" ||
                { echo "  ${obj%.o}.h does not declare exactly one entry point $name (and its _ws, _workspace_bytes):"
                  show "$(grep '^int \|^size_t ' "${obj%.o}.h")"; problems=1; }
            local undef
            undef=$(nm -u "$obj" | awk '{ print $2 }' | grep -Ev '^(free|malloc|memcpy|memset|getenv|sysconf|sched_yield|pthread_.*|[a-z0-9]+f?)$')
            [ -z "$undef" ] || { echo "  $obj leaves undefined: $undef"; problems=1; }
        fi
    fi
    if [ $problems = 0 ]; then echo "PASS onnx/$name"; else echo "FAIL onnx/$name"; fi
}

onnx_sweep() {
    if [ ! -d "$ONNX_TESTDATA" ]; then
        echo "SKIP onnx/sweep (no $ONNX_TESTDATA: apt-get install libonnx-testdata)"
        return
    fi
    local m out rc ok=0 bad=0 problems="" n=0
    for m in "$ONNX_TESTDATA"/{node,pytorch-converted,pytorch-operator,simple}/*/model.onnx; do
        n=$((n + 1))
        out=$(timeout 10 "$TDSLC" "$m" --emit graph 2>&1 >/dev/null)
        rc=$?
        if [ $rc -eq 0 ] && [ -z "$out" ]; then
            ok=$((ok + 1))
        elif [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [[ $out == "$m: error: "* ]] &&
             [[ $out != *"internal error"* ]]; then
            bad=$((bad + 1))
        else
            problems+="  $m: exit $rc"$'\n'"$(printf '%s\n' "$out" | head -n 5 | sed 's/^/  | /')"$'\n'
        fi
    done
    if [ -z "$problems" ]; then
        echo "PASS onnx/sweep ($n models: $ok supported, $bad unsupported with a one-line error)"
    else
        echo "FAIL onnx/sweep ($n models: $ok supported, $bad unsupported)"
        printf '%s' "$problems" | head -n 60
    fi
}
