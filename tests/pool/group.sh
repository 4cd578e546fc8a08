# tests/pool/group.sh - the `pool` group of tests/run.sh (sourced by it): the
# thread pool and parallel-loop codegen.
#   pool/stress          tests/pool/pool_stress.c + runtime/tdsl_pool.c, 1, 2 and 4 threads
#   pool/tsan            the same under ThreadSanitizer (its own build, whatever $SAN is)
#   pool/tsan-gen-NAME   generated parallel code (and the pool in it) instrumented for TSan:
#                        a scheduled harness, 0 reports; pool/tsan-control: a real race
#                        through generated code is reported (tests/pool/tsan_gen.sh)
#   pool/par-NAME        tests/e2e/NAME.c against NAME.tdsl with loops made parallel by
#                        tests/pool/parflip (AOT) and by par_shim (JIT, nested parallel loops too)
#   pool/sched           tests/pool/par_sched.tdsl: parallel schedules equal their unscheduled
#                        twins bit for bit (AOT and JIT)
#   pool/nomem           a malloc failing inside a parallel body: TDSL_ERR_NOMEM, nothing leaked
#   pool/symbols         a parallel object (x86-64 and aarch64) needs only libc, libm, pthreads
#   pool/two_objects     two parallel objects in one program share one pool
POOL_PAR_CASES="matmul softmax conv3x3 reductions"
# shellcheck source=tests/pool/tsan_gen.sh
source tests/pool/tsan_gen.sh

list_pool() {
    local n
    echo pool/stress
    echo pool/tsan
    for n in $POOL_TSAN_GEN; do echo "pool/tsan-gen-$n"; done
    echo pool/tsan-control
    for n in $POOL_PAR_CASES; do echo "pool/par-$n"; done
    echo pool/sched
    echo pool/nomem
    echo pool/symbols
    echo pool/two_objects
}

case_pool() {
    local name=${1#pool/} dir=$OUT/pool
    mkdir -p "$dir"
    case $name in
    stress) pool_stress ;;
    tsan) pool_tsan ;;
    tsan-gen-*) pool_tsan_gen "${name#tsan-gen-}" ;;
    tsan-control) pool_tsan_gen race ;;
    par-*) pool_par "${name#par-}" ;;
    sched) pool_sched ;;
    nomem) pool_nomem ;;
    symbols) pool_symbols ;;
    two_objects) pool_two_objects ;;
    *) echo "FAIL pool/$name"; echo "  unknown case" ;;
    esac
}

pool_stress() {
    local dir=$OUT/pool out t
    # shellcheck disable=SC2206
    local san=($SAN)
    out=$(
        step "compiling" "$CC" "${san[@]}" -std=gnu11 -O2 -g -Wall -Wextra -I. tests/pool/pool_stress.c runtime/tdsl_pool.c \
            -lpthread -o "$dir/pool_stress" || exit 1
        for t in 1 2 4; do
            step "running with TDSL_NUM_THREADS=$t" env TDSL_NUM_THREADS=$t timeout "$TIMEOUT" "$dir/pool_stress" || exit 1
            printf '%s\n' "$step_out" | tail -n 1
        done
    )
    if [ $? -eq 0 ]; then echo "PASS pool/stress"; else echo "FAIL pool/stress"; fi
    [ -n "$out" ] && printf '%s\n' "$out" | grep -v ': ok$'
    return 0
}

pool_tsan() {
    local dir=$OUT/pool out t
    out=$(
        step "compiling with -fsanitize=thread" "$CC" -fsanitize=thread -std=gnu11 -O1 -g -Wall -Wextra -I. \
            tests/pool/pool_stress.c runtime/tdsl_pool.c -lpthread -o "$dir/pool_stress_tsan" || exit 1
        for t in 2 3; do
            step "running under TSan with TDSL_NUM_THREADS=$t" env TDSL_NUM_THREADS=$t \
                TSAN_OPTIONS="halt_on_error=1 exitcode=66" timeout "$TIMEOUT" "$dir/pool_stress_tsan" 300 || exit 1
        done
    )
    if [ $? -eq 0 ]; then echo "PASS pool/tsan"; else echo "FAIL pool/tsan"; printf '%s\n' "$out"; fi
}

pool_par() {
    local n=$1 dir=$OUT/pool/par-$1 out ok=1
    local flags=(-std=c11 -O1 -Wall -Wextra -I tests/e2e -I "$dir")
    # shellcheck disable=SC2206
    local san=($SAN)
    local ld
    # shellcheck disable=SC2207
    ld=($(llvm_ldflags))
    mkdir -p "$dir"
    rm -f "$dir/$n.o" "$dir/$n.h"
    out=$(
        step "parflip (loops made parallel)" timeout "$TIMEOUT" "$B/tests/pool/parflip" "tests/e2e/$n.tdsl" -o "$dir/$n.o" || exit 1
        step "compiling the harness" "$CC" "${san[@]}" "${flags[@]}" "tests/e2e/$n.c" "$dir/$n.o" -lm -lpthread -o "$dir/$n" || exit 1
        step "running (AOT)" env TDSL_NUM_THREADS=3 timeout "$TIMEOUT" "$dir/$n" || exit 1
        step "compiling the harness for the JIT" "$CC" "${san[@]}" "${flags[@]}" -DTDSL_JIT_LOOKUP=tdsl_test_jit_lookup \
            "tests/e2e/$n.c" "$OUT/jit_shim.o" "$OUT/pool/par_shim.o" "$OUT/pool/par_flip.o" "$B/libtdsl.a" "${ld[@]}" \
            -lm -lpthread -lffi -lz -o "$dir/$n.jit" || exit 1
        step "running (JIT, nested parallel loops)" env TDSL_NUM_THREADS=2 PAR_NEST=1 TDSL_JIT_FILE="tests/e2e/$n.tdsl" \
            timeout "$TIMEOUT" "$dir/$n.jit" || exit 1
    ) || ok=0
    if [ $ok = 1 ]; then echo "PASS pool/par-$n"; else echo "FAIL pool/par-$n"; printf '%s\n' "$out"; fi
}

pool_sched() {
    local dir=$OUT/pool/sched out
    local flags=(-std=c11 -O1 -Wall -Wextra -I tests/e2e -I "$dir")
    # shellcheck disable=SC2206
    local san=($SAN)
    local ld
    # shellcheck disable=SC2207
    ld=($(llvm_ldflags))
    mkdir -p "$dir"
    out=$(
        step "tdslc" timeout "$TIMEOUT" "$TDSLC" tests/pool/par_sched.tdsl -o "$dir/par_sched.o" || exit 1
        step "compiling the harness" "$CC" "${san[@]}" "${flags[@]}" tests/pool/par_sched.c "$dir/par_sched.o" \
            -lm -lpthread -o "$dir/par_sched" || exit 1
        step "running (AOT)" env TDSL_NUM_THREADS=3 timeout "$TIMEOUT" "$dir/par_sched" || exit 1
        step "compiling the harness for the JIT" "$CC" "${san[@]}" "${flags[@]}" -DTDSL_JIT_LOOKUP=tdsl_test_jit_lookup \
            tests/pool/par_sched.c "$OUT/jit_shim.o" "$B/libtdsl.a" "${ld[@]}" -lm -lpthread -lffi -lz -o "$dir/par_sched.jit" || exit 1
        step "running (JIT)" env TDSL_NUM_THREADS=2 TDSL_JIT_FILE=tests/pool/par_sched.tdsl \
            timeout "$TIMEOUT" "$dir/par_sched.jit" || exit 1
    )
    if [ $? -eq 0 ]; then echo "PASS pool/sched"; else echo "FAIL pool/sched"; printf '%s\n' "$out"; fi
}

pool_nomem() {
    local dir=$OUT/pool/nomem out
    # shellcheck disable=SC2206
    local san=($SAN)
    mkdir -p "$dir"
    out=$(
        step "tdslc" timeout "$TIMEOUT" "$TDSLC" tests/pool/par_sched.tdsl -o "$dir/par_sched.o" || exit 1
        step "compiling" "$CC" "${san[@]}" -std=c11 -O1 -Wall -Wextra -I tests/e2e -I "$dir" tests/pool/nomem.c \
            "$dir/par_sched.o" -Wl,--wrap=malloc,--wrap=free -lm -lpthread -o "$dir/nomem" || exit 1
        step "running" env TDSL_NUM_THREADS=3 timeout "$TIMEOUT" "$dir/nomem" || exit 1
    )
    if [ $? -eq 0 ]; then echo "PASS pool/nomem"; else echo "FAIL pool/nomem"; printf '%s\n' "$out"; fi
}

# every undefined symbol of a parallel object is defined by libc, libm or libpthread
pool_symbols() {
    local dir=$OUT/pool out l t
    out=$(
        local defined=$dir/libc_symbols
        for l in libc.so.6 libm.so.6 libpthread.so.0; do
            nm -D --defined-only "$($CC -print-file-name=$l)" 2>/dev/null
        done | awk '{ sub(/@.*/, "", $NF); print $NF }' | sort -u >"$defined"
        [ -s "$defined" ] || { echo "  cannot list the symbols of libc.so.6"; exit 1; }
        for t in x86-64-v3 aarch64; do
            step "parflip --target $t" "$B/tests/pool/parflip" --target $t tests/e2e/matmul.tdsl -o "$dir/sym-$t.o" || exit 1
            nm "$dir/sym-$t.o" | grep -q ' [TW] tdsl_rt_parallel_for_v2$' || { echo "  $t: no pool in the object"; exit 1; }
            local extra
            extra=$(nm -u "$dir/sym-$t.o" | awk '{ print $2 }' | sort -u | comm -23 - "$defined")
            [ -z "$extra" ] || { echo "  $t: undefined symbols not from libc/libm/pthreads: $extra"; exit 1; }
        done
    )
    if [ $? -eq 0 ]; then echo "PASS pool/symbols"; else echo "FAIL pool/symbols"; printf '%s\n' "$out"; fi
}

pool_two_objects() {
    local dir=$OUT/pool/two out
    # shellcheck disable=SC2206
    local san=($SAN)
    mkdir -p "$dir"
    out=$(
        step "parflip two_a" "$B/tests/pool/parflip" tests/pool/two_a.tdsl -o "$dir/two_a.o" || exit 1
        step "parflip two_b" "$B/tests/pool/parflip" tests/pool/two_b.tdsl -o "$dir/two_b.o" || exit 1
        step "linking" "$CC" "${san[@]}" -std=c11 -O1 -Wall -Wextra -I "$dir" tests/pool/two_pools.c \
            "$dir/two_a.o" "$dir/two_b.o" -lm -lpthread -o "$dir/two_pools" || exit 1
        local pools
        pools=$(nm "$dir/two_pools" | grep -c ' tdsl_rt_pool_v2$')
        [ "$pools" = 1 ] || { echo "  $pools copies of the pool's state in the program, not 1"; exit 1; }
        step "running" env TDSL_NUM_THREADS=2 timeout "$TIMEOUT" "$dir/two_pools" || exit 1
    )
    if [ $? -eq 0 ]; then echo "PASS pool/two_objects"; else echo "FAIL pool/two_objects"; printf '%s\n' "$out"; fi
}
