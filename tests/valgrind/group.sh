# tests/valgrind/group.sh - the `valgrind` group of tests/run.sh (sourced by it):
# end-to-end harnesses against objects tdslc builds for its default target,
# x86-64-v3 (valgrind has no AVX-512), the harness built without sanitizers
# (whatever $SAN is), run under `valgrind --error-exitcode=1`: no invalid
# access, no use of uninitialised memory, no definite leak.
#   valgrind/NAME     tests/e2e/NAME.c against NAME.tdsl (matmul and sched_basic:
#                     schedules with parallel loops, TDSL_NUM_THREADS=2; softmax: TDSL's exp)
#   valgrind/control  tests/valgrind/overread.c passes a tensor one element short:
#                     valgrind must report the invalid read and exit 1
# SKIP when valgrind is missing (make test installs it).
VALGRIND=${VALGRIND:-valgrind}
VALGRIND_CASES="matmul softmax sched_basic"
VALGRIND_ARGS=(-q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite)

list_valgrind() {
    local n
    for n in $VALGRIND_CASES; do echo "valgrind/$n"; done
    echo valgrind/control
}

case_valgrind() {
    local name=${1#valgrind/} dir=$OUT/valgrind out
    if ! command -v "$VALGRIND" >/dev/null; then
        echo "SKIP valgrind/$name (no $VALGRIND; make test installs it)"
        return
    fi
    mkdir -p "$dir"
    if [ "$name" = control ]; then
        valgrind_control
        return
    fi
    out=$(
        step "tdslc" timeout "$TIMEOUT" "$TDSLC" "tests/e2e/$name.tdsl" -o "$dir/$name.o" || exit 1
        step "compiling the harness" "$CC" -std=c11 -O1 -g -Wall -Wextra -I tests/e2e -I "$dir" "tests/e2e/$name.c" \
            "$dir/$name.o" -lm -lpthread -o "$dir/$name" || exit 1
        step "running under valgrind" env TDSL_NUM_THREADS=2 timeout "$((TIMEOUT * 2))" "$VALGRIND" "${VALGRIND_ARGS[@]}" \
            "$dir/$name" || exit 1
        printf '%s\n' "$step_out" | tail -n 1
    )
    if [ $? -eq 0 ]; then echo "PASS valgrind/$name ($(printf '%s\n' "$out" | tail -n 1))"; else echo "FAIL valgrind/$name"; printf '%s\n' "$out"; fi
}

valgrind_control() {
    local dir=$OUT/valgrind out rc
    out=$(
        step "tdslc" timeout "$TIMEOUT" "$TDSLC" tests/valgrind/overread.tdsl -o "$dir/overread.o" || exit 1
        step "compiling" "$CC" -std=c11 -O1 -g -Wall -Wextra -I "$dir" tests/valgrind/overread.c "$dir/overread.o" \
            -lm -lpthread -o "$dir/overread" || exit 1
        out=$(timeout "$TIMEOUT" "$VALGRIND" "${VALGRIND_ARGS[@]}" "$dir/overread" 2>&1)
        rc=$?
        if [ $rc -ne 1 ] || [[ $out != *"Invalid read"* ]]; then
            echo "  valgrind exited $rc and did not report the invalid read (expected exit 1 and 'Invalid read'):"
            show "$out"
            exit 1
        fi
    )
    if [ $? -eq 0 ]; then echo "PASS valgrind/control"; else echo "FAIL valgrind/control"; printf '%s\n' "$out"; fi
}
