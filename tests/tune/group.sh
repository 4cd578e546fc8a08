# tests/tune/group.sh - the `tune` group of tests/run.sh (sourced by it): the
# autotuner, tdslc --tune (tune/), with small budgets:
#   tune/mm      tunes tests/tune/mm.tdsl (a plain matmul) for 4 s with a seed,
#                with trial 2 crashing and trial 3 hanging (TDSL_TUNE_FAULT): the
#                tuner survives both, stays within its budget (+20 %), and writes a
#                schedule block that compiles (tdslc --schedule) into an object
#                whose results equal a C loop's at the tuning and at odd sizes
#   tune/cache   a second run answers from the cache (no trials) with the same block;
#                a cached block that no longer compiles is tuned again; another
#                size misses
#   tune/repl    :tune mm(A, B) 3 in the REPL installs a schedule; mm's results are
#                the same before and after; bad :tune lines get exact errors
#   tune/errors  an unknown fn, a missing size, a malformed --size: exact messages
#   tune/onnx    tdslc MODEL.onnx --tune (tests/onnx/torch/cnn.onnx, 4 s): each of its
#                5 distinct kernel calls is tuned in its own copy; the object still
#                matches PyTorch's output and runs NAME_ws without malloc
#                (tests/onnx/torch_main.c); a second run takes all 5 from the cache
#   tune/space   the space's register tiles fit the registers, for 16 x 8 lanes and
#                32 x 16 (space_test.c); a 4 x 7-vector tile of a conv renders as a
#                block whose whole tiles hold whole unrolled vectors (--emit loops)
#   tune/model   the cost model (tune/model.c) learns a known linear law of log
#                time and ranks a batch's fastest first (model_test.c); a softmax
#                tuning (seed 3: its first draw at random is illegal) times none of the
#                illegal ones: they are dropped when they do not lower (0 rejected)

list_tune() {
    echo tune/mm
    echo tune/cache
    echo tune/repl
    echo tune/errors
    echo tune/space
    echo tune/model
    echo tune/onnx
}

case_tune() {
    case $1 in
    tune/mm) tune_mm ;;
    tune/cache) tune_cache ;;
    tune/repl) tune_repl ;;
    tune/errors) tune_errors ;;
    tune/space) tune_space ;;
    tune/model) tune_model ;;
    tune/onnx) tune_onnx ;;
    esac
}

# tune_run DIR SIZES OUT: a 2 s tuning of mm.tdsl with DIR/cache.tsv; its log in tune_log
tune_run() {
    tune_log=$(env TDSL_NUM_THREADS=1 "$TDSLC" tests/tune/mm.tdsl --tune matmul --size "$2" --budget 2 --seed 3 \
        --tune-cache "$1/cache.tsv" --schedule-out "$3" 2>&1)
}

tune_cache() {
    local dir=$OUT/tune/cache problems=""
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    tune_run "$dir" m=40,k=40,n=40 "$dir/a.tdsl" || problems+="  the first run failed"$'\n'
    grep -q 'from the cache' <<<"$tune_log" && problems+="  the first run hit an empty cache"$'\n'
    tune_run "$dir" m=40,k=40,n=40 "$dir/b.tdsl" || problems+="  the second run failed"$'\n'
    grep -q '^tune: from the cache' <<<"$tune_log" || problems+="  the second run missed the cache"$'\n'
    grep -q '^tune: trial' <<<"$tune_log" && problems+="  the second run searched (trials) despite the cache"$'\n'
    cmp -s <(grep -v '^#' "$dir/a.tdsl") <(grep -v '^#' "$dir/b.tdsl") || problems+="  the cached block differs"$'\n'
    tune_run "$dir" m=41,k=40,n=40 "$dir/c.tdsl"
    grep -q 'from the cache' <<<"$tune_log" && problems+="  another size hit the cache"$'\n'
    sed -i 's/\.split(/.splitt(/g; s/schedule matmul {\\n}/schedule matmul {\\n    C.splitt(i)\\n}/' "$dir/cache.tsv"
    tune_run "$dir" m=40,k=40,n=40 "$dir/d.tdsl"
    grep -q '^tune: the cached schedule fails now' <<<"$tune_log" || problems+="  a broken cached block was used"$'\n'
    grep -q '^schedule matmul {' "$dir/d.tdsl" || problems+="  no block after tuning again"$'\n'
    if [ -z "$problems" ]; then echo "PASS tune/cache"; else
        echo "FAIL tune/cache"
        printf '%s' "$problems"
        show "$tune_log"
    fi
}

tune_mm() {
    local dir=$OUT/tune/mm problems="" t0 t1 log
    # shellcheck disable=SC2206
    local san=($SAN)
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    t0=$(date +%s.%N)
    if ! step "tdslc --tune" env TDSL_NUM_THREADS=1 TDSL_TUNE_FAULT=crash:2,hang:3 "$TDSLC" tests/tune/mm.tdsl \
        --tune matmul --size m=64,k=37,n=48 --budget 4 --seed 7 --tune-cache "$dir/cache.tsv" \
        --schedule-out "$dir/mm.sched.tdsl"; then
        echo "FAIL tune/mm"
        return
    fi
    t1=$(date +%s.%N)
    log=$step_out
    grep -q '^tune: trial 2: crashed' <<<"$log" || problems+="  trial 2 did not crash (or was not survived)"$'\n'
    grep -q '^tune: trial 3: timed out' <<<"$log" || problems+="  trial 3 did not time out"$'\n'
    awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a <= 4 * 1.2 + 1.5) }' ||
        problems+="  took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s for a 4 s budget"$'\n'
    grep -q '^schedule matmul {' "$dir/mm.sched.tdsl" || problems+="  no schedule block in the output"$'\n'
    grep -q '^    C$' "$dir/mm.sched.tdsl" || problems+="  the block schedules nothing (no candidate beat the unscheduled fn?)"$'\n'
    if [ -z "$problems" ] &&
        step "tdslc --schedule" "$TDSLC" tests/tune/mm.tdsl --schedule "$dir/mm.sched.tdsl" -o "$dir/mm.o" &&
        step "compiling the harness" "$CC" "${san[@]}" -std=c11 -O1 -Wall -I "$dir" tests/tune/mm_main.c "$dir/mm.o" \
            -lm -lpthread -o "$dir/mm_main" &&
        step "mm_main" "$dir/mm_main"; then
        echo "PASS tune/mm ($(grep -c '^tune: trial' <<<"$log") trials)"
    else
        echo "FAIL tune/mm"
        [ -n "$problems" ] && printf '%s' "$problems" && show "$log"
        [ -n "$problems" ] || show "$step_out"
    fi
}

tune_repl() {
    local dir=$OUT/tune/repl out problems="" want
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    out=$(printf '%s\n' 'fn mm(A: f32[m, k], B: f32[k, n]) -> C: f32[m, n] {' \
        '    C[i, j] = sum(A[i, r] * B[r, j] over r)' '}' 'seed(3)' 'A = rand(f32[40, 24])' 'B = rand(f32[24, 37])' \
        'C = mm(A, B)' ':tune mm(A, B) 3' 'D = mm(A, B)' 'C[5, 7]' 'D[5, 7]' 'C[39, 36]' 'D[39, 36]' \
        ':tune mm(A) 2' ':tune nope(A)' ':tune mm(A, B) x' |
        env XDG_CACHE_HOME="$dir" TDSL_NUM_THREADS=1 timeout "$TIMEOUT" "$B/tdsl" 2>&1)
    grep -q '^tuning mm for 3 s' <<<"$out" || problems+="  no 'tuning mm for 3 s'"$'\n'
    grep -q '^schedule mm {' <<<"$out" || problems+="  no schedule block printed"$'\n'
    grep -q '^scheduled mm' <<<"$out" || problems+="  the schedule was not installed"$'\n'
    mapfile -t vals < <(grep '^f32 ' <<<"$out")
    [ "${#vals[@]}" = 4 ] && [ "${vals[0]}" = "${vals[1]}" ] && [ "${vals[2]}" = "${vals[3]}" ] ||
        problems+="  results before and after differ: ${vals[*]}"$'\n'
    want="<stdin>:14:9: error: mm takes 2 arguments, not 1
<stdin>:15:7: error: unknown function 'nope'
<stdin>:16:16: error: :tune takes a budget in seconds (0 to 3600) after the call"
    [ "$(grep '^<stdin>' <<<"$out")" = "$want" ] || problems+="  errors: $(grep '^<stdin>' <<<"$out")"$'\n'
    [ -s "$dir/tdsl/tune.tsv" ] || problems+="  nothing cached under XDG_CACHE_HOME"$'\n'
    if [ -z "$problems" ]; then echo "PASS tune/repl"; else
        echo "FAIL tune/repl"
        printf '%s' "$problems"
        show "$out"
    fi
}

tune_errors() {
    local out problems=""
    out=$("$TDSLC" tests/tune/mm.tdsl --tune nope --size m=1 2>&1)
    [ "$out" = "error: --tune: no fn 'nope'" ] || problems+="  unknown fn: got: $out"$'\n'
    out=$("$TDSLC" tests/tune/mm.tdsl --tune matmul --size m=8,k=8 2>&1)
    [ "$out" = "error: --tune matmul: give a size for 'n' (--size n=N)" ] || problems+="  missing size: got: $out"$'\n'
    out=$("$TDSLC" tests/tune/mm.tdsl --tune matmul --size m=8,k 2>&1)
    [[ $out == "tdslc: --size takes NAME=N[,NAME=N...] (N >= 0), not 'm=8,k'"* ]] ||
        problems+="  bad --size: got: $out"$'\n'
    if [ -z "$problems" ]; then echo "PASS tune/errors"; else
        echo "FAIL tune/errors"
        printf '%s' "$problems"
    fi
}

tune_space() {
    local dir=$OUT/tune/space problems="" out loops
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    # shellcheck disable=SC2206
    local san=($SAN)
    out=$("$CC" "${san[@]}" -std=gnu11 -O1 -Wall -Wextra -I. -I"$B" tests/tune/space_test.c "$B/libtdsl.a" -lm -lz \
        -o "$dir/space_test" 2>&1 && "$dir/space_test" 2>&1 >"$dir/tile.tdsl") || problems+="  space_test failed:"$'\n'"$out"$'\n'
    loops=$("$TDSLC" tests/tune/conv.tdsl --schedule "$dir/tile.tdsl" --emit loops 2>&1) ||
        problems+="  the rendered block does not compile: $loops"$'\n'
    # 7 vectors unrolled (the last tile's fewer), each a whole one (no min(8, ...))
    grep -A1 '^ *unrolled x_t_u in 0 \.\. .* width 7:$' <<<"$loops" | grep -q '^ *vectorized x_t_v in 0 \.\. 8 width 8:$' ||
        problems+="  the whole tiles do not hold 7 whole vectors:"$'\n'"$loops"$'\n'
    if [ -z "$problems" ]; then echo "PASS tune/space"; else
        echo "FAIL tune/space"
        printf '%s' "$problems"
    fi
}

tune_model() {
    local dir=$OUT/tune/model problems="" out
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    # shellcheck disable=SC2206
    local san=($SAN)
    out=$("$CC" "${san[@]}" -std=gnu11 -O1 -Wall -Wextra -I. -I"$B" tests/tune/model_test.c "$B/libtdsl.a" -lm \
        -o "$dir/model_test" 2>&1 && "$dir/model_test" 2>&1) || problems+="  model_test failed:"$'\n'"$out"$'\n'
    local log
    # seed 3's first draw at random (the 7th, after the six plain starting points) is illegal;
    # ASan's trials are slow (a fork, a JIT compile): 8 s there to reach it, also on a busy machine
    local budget=3
    [ -n "$SAN" ] && budget=8
    log=$(env TDSL_NUM_THREADS=1 "$TDSLC" tests/tune/softmax.tdsl --tune softmax --size n=24,d=40 --budget $budget \
        --seed 3 --tune-cache "$dir/cache.tsv" --schedule-out "$dir/sm.tdsl" 2>&1) || problems+="  tuning failed"$'\n'
    grep -Eq '\(0 rejected, [0-9]+ failed; [1-9][0-9]* illegal drawn' "$dir/sm.tdsl" 2>/dev/null ||
        problems+="  no illegal draw dropped, or one timed: $(sed -n 2p "$dir/sm.tdsl" 2>/dev/null)"$'\n'
    "$TDSLC" tests/tune/softmax.tdsl --schedule "$dir/sm.tdsl" -o "$dir/sm.o" >/dev/null 2>&1 ||
        problems+="  the tuned block does not compile"$'\n'
    if [ -z "$problems" ]; then echo "PASS tune/model (${out%%$'\n'*})"; else
        echo "FAIL tune/model"
        printf '%s' "$problems"
        show "$log"
    fi
}

tune_onnx() {
    local dir=$OUT/tune/onnx problems="" log src=tests/onnx/torch/cnn
    # shellcheck disable=SC2206
    local san=($SAN)
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    log=$(env TDSL_NUM_THREADS=1 "$TDSLC" "$src.onnx" --tune --budget 4 --tune-cache "$dir/cache.tsv" \
        -o "$dir/cnn.o" 2>&1) || problems+="  tdslc --tune failed"$'\n'
    [ "$(grep -c '^tune: [a-z0-9_]*__[0-9_]* (1 call): ' <<<"$log")" = 5 ] ||
        problems+="  not the 5 kernel calls of cnn.onnx tuned"$'\n'
    if [ -s "$dir/cnn.o" ]; then
        step "compiling the harness" "$CC" "${san[@]}" -std=gnu11 -O1 -Wall -Wextra -I. -I"$dir" -include "$dir/cnn.h" \
            -DENTRY=cnn tests/onnx/torch_main.c "$dir/cnn.o" -lm -lpthread -o "$dir/cnn" &&
            step "running" "$dir/cnn" "$src.in.npy" "$src.out.npy" || problems+="  the tuned model: $step_out"$'\n'
    fi
    local again
    again=$(env TDSL_NUM_THREADS=1 "$TDSLC" "$src.onnx" --tune --budget 4 --tune-cache "$dir/cache.tsv" \
        -o "$dir/cnn2.o" 2>&1)
    [ "$(grep -c '^tune: from the cache' <<<"$again")" = 5 ] || problems+="  the second run missed the cache"$'\n'
    if [ -z "$problems" ]; then echo "PASS tune/onnx"; else
        echo "FAIL tune/onnx"
        printf '%s' "$problems"
        show "$log"
    fi
}
