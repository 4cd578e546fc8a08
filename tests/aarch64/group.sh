# tests/aarch64/group.sh - the `aarch64` group of tests/run.sh (sourced by it;
# not in the default groups: `make test-aarch64` runs GROUPS_RUN=aarch64). Every
# harness is built twice from the same source, for x86-64 (tdslc's default
# target, run here) and for aarch64 (tdslc --target aarch64, the harness
# cross-compiled with $AARCH64_CC and run under $QEMU_AARCH64), each run with
# HARNESS_DUMP (tests/e2e/harness.h) writing a digest of every checked result;
# a case passes when both runs pass and the two digests are identical, so the
# results are bit-identical across the targets.
#   aarch64/NAME          tests/e2e/NAME.tdsl as written (with its schedules)
#   aarch64/NAME-unsched  the same with its schedule blocks removed (the files that have any)
#   aarch64/par-NAME      tests/e2e/NAME.c against NAME.tdsl with loops made parallel by
#                         tests/pool/parflip --target, TDSL_NUM_THREADS=3 (the thread
#                         pool's aarch64 bitcode, lower/runtime_link.c)
#   aarch64/par_sched     tests/pool/par_sched.tdsl: parallel schedules against their
#                         unscheduled twins
#   aarch64/stdlib-nn     tests/stdlib/nn_test.c: stdlib/nn.tdsl and its unscheduled twin
#                         (tests/stdlib/group.sh's stdlib_source), TDSL_NUM_THREADS=2
AARCH64_CC=${AARCH64_CC:-aarch64-linux-gnu-gcc}
QEMU_AARCH64=${QEMU_AARCH64:-qemu-aarch64}
AARCH64_SYSROOT=${AARCH64_SYSROOT:-/usr/aarch64-linux-gnu}
AARCH64_PAR_CASES="matmul softmax conv3x3 reductions"
# results allowed to differ between the targets, by case and label (an ERE),
# and why: f64 erf is a call to the platform's libm (TDSL's own math is f32),
# and glibc's erf built for aarch64 rounds differently from its x86-64 build
# (GCC contracts its polynomials into fmadd there)
AARCH64_KNOWN_DIFFS=("math_f64|^(erf\(f64\)|dgelu) |f64 erf is glibc's, whose aarch64 build rounds differently")

list_aarch64() {
    local f n
    for f in tests/e2e/*.tdsl; do
        n=${f##*/}
        n=${n%.tdsl}
        echo "aarch64/$n"
        # the harnesses of size_overflow and workspace expect what their schedules do
        # (a parallel workspace: its per-thread slices, its exact byte counts)
        [ "$n" != size_overflow ] && [ "$n" != workspace ] && grep -q '^schedule' "$f" && echo "aarch64/$n-unsched"
    done
    for n in $AARCH64_PAR_CASES; do echo "aarch64/par-$n"; done
    echo aarch64/par_sched
    echo aarch64/stdlib-nn
}

case_aarch64() {
    local id=${1#aarch64/} dir=$OUT/aarch64/${1#aarch64/} out
    rm -rf "$dir"
    mkdir -p "$dir/x86" "$dir/a64"
    if out=$(aarch64_case "$id" "$dir" 2>&1); then
        echo "PASS aarch64/$id ($(printf '%s\n' "$out" | tail -n 1))"
    else
        echo "FAIL aarch64/$id"
        printf '%s\n' "$out"
    fi
}

# aarch64_case ID DIR: builds and runs both, compares; the last line of its
# output is the summary
aarch64_case() {
    local id=$1 dir=$2 name src harness compile=(tdslc) env=()
    case $id in
    par_sched) name=par_sched src=tests/pool/par_sched.tdsl harness=tests/pool/par_sched.c env=(TDSL_NUM_THREADS=3) ;;
    stdlib-nn)
        name=nn_all src=$dir/nn_all.tdsl harness=tests/stdlib/nn_test.c env=(TDSL_NUM_THREADS=2)
        stdlib_source "$dir" || return 1
        ;;
    par-*)
        name=${id#par-} src=tests/e2e/${id#par-}.tdsl harness=tests/e2e/${id#par-}.c
        compile=(parflip) env=(TDSL_NUM_THREADS=3)
        ;;
    *-unsched)
        name=${id%-unsched} harness=tests/e2e/${id%-unsched}.c src=$dir/${id%-unsched}.tdsl
        sed '/^schedule/,/^}/d' "tests/e2e/$name.tdsl" >"$src"
        cp tests/e2e/*.np[yz] "$dir/" 2>/dev/null  # the consts a source loads, beside it
        if grep -q '^schedule' "$src"; then echo "  $src still has a schedule block"; return 1; fi
        ;;
    *) name=$id src=tests/e2e/$id.tdsl harness=tests/e2e/$id.c ;;
    esac
    aarch64_build_run x86 "$name" "$src" "$harness" "$dir/x86" "${compile[0]}" "${env[@]}" || return 1
    aarch64_build_run a64 "$name" "$src" "$harness" "$dir/a64" "${compile[0]}" "${env[@]}" || return 1
    local sx sa
    sx=$(tail -n 1 "$dir/x86/stdout") sa=$(tail -n 1 "$dir/a64/stdout")
    if [ "$sx" != "$sa" ]; then
        echo "  the summaries differ: x86-64 '$sx', aarch64 '$sa'"
        return 1
    fi
    aarch64_compare "$id" "$dir" "$sa"
}

# aarch64_compare ID DIR SUMMARY: the two digests, less the known differences
aarch64_compare() {
    local id=$1 dir=$2 k known="" why="" n d
    for k in "${AARCH64_KNOWN_DIFFS[@]}"; do
        [ "${k%%|*}" = "${id%-unsched}" ] || continue
        known=${k#*|} why=${known##*|} known=${known%|*}
    done
    if [ -n "$known" ]; then
        d=$(diff <(grep -Ev "$known" "$dir/x86/dump") <(grep -Ev "$known" "$dir/a64/dump"))
    else
        d=$(diff "$dir/x86/dump" "$dir/a64/dump")
    fi
    if [ -n "$d" ]; then
        echo "  results not bit-identical between x86-64 and aarch64 (digests of the checked results):"
        show "$(grep '^[<>]' <<<"$d" | sed 's/^</x86-64:/; s/^>/aarch64:/')"
        return 1
    fi
    n=$(wc -l <"$dir/a64/dump")
    d=$(diff "$dir/x86/dump" "$dir/a64/dump" | grep -c '^>')
    if [ "$d" -gt 0 ]; then
        echo "$3, $((n - d)) results bit-identical to x86-64, $d differ as known: $why"
    else
        echo "$3, $n results bit-identical to x86-64"
    fi
}

# aarch64_build_run x86|a64 NAME SRC HARNESS DIR tdslc|parflip [VAR=VALUE...]
aarch64_build_run() {
    local arch=$1 name=$2 src=$3 harness=$4 dir=$5 how=$6
    shift 6
    local tc=("$TDSLC") cc=("$CC") run=(timeout "$TIMEOUT") what=x86-64
    [ "$how" = parflip ] && tc=("$B/tests/pool/parflip")
    if [ "$arch" = a64 ]; then
        tc+=(--target aarch64)
        cc=("$AARCH64_CC")
        run+=("$QEMU_AARCH64" -L "$AARCH64_SYSROOT")
        what=aarch64
    fi
    step "$what: ${tc[0]##*/}" timeout "$TIMEOUT" "${tc[@]}" "$src" -o "$dir/$name.o" || return 1
    step "$what: compiling the harness" "${cc[@]}" -std=c11 -O1 -Wall -Wextra -I tests/e2e -I "$dir" \
        "$harness" "$dir/$name.o" -lm -lpthread -o "$dir/$name" || return 1
    : >"$dir/dump"
    step "$what: running" env "$@" HARNESS_DUMP="$dir/dump" "${run[@]}" "$dir/$name" || return 1
    printf '%s\n' "$step_out" >"$dir/stdout"
}
