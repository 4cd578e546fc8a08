#!/bin/bash
# tests/run.sh - the one test runner (`make test` runs `B=build CC=gcc SAN="" tests/run.sh`).
# Groups, in order; each is a pair of functions, list_GROUP (prints case ids) and
# case_GROUP ID (runs one case, prints PASS/FAIL/SKIP lines), so a new group is
# two functions and a word in GROUPS:
#   e2e     tests/e2e/NAME.tdsl + NAME.c: compile with tdslc, link the harness, run
#           it; then the same harness against the JIT (tests/jit_shim.c)
#   errors  tests/errors/NAME.tdsl with `# error: LINE:COL: message` lines inside:
#           tdslc -I tests/modules/lib must fail and print exactly those
#           `FILE:LINE:COL: error: message`
#   cli     tdslc on inputs that are not ordinary programs (binary files, control
#           characters, too many errors): exact stderr, tests/cli/group.sh
#   golden  tests/golden/NAME.tdsl: `tdslc --emit loops` must equal NAME.loops, and
#           where NAME.steps exists, `tdslc --emit steps` must equal it
#           (UPDATE_GOLDEN=1 rewrites the .loops and existing .steps files instead)
#   link    tests/link/NAME.c linked with every tests/link/*.tdsl compiled alone
#           (several generated objects and headers in one program; -I tests/link,
#           so one may use another as a module)
#   modules `use NAME`: the search path (-I, $TDSL_PATH, the stdlib next to tdslc),
#           entry points, exact diagnostics: tests/modules/group.sh
#   pool    the thread pool (plain and under TSan) and parallel loops: tests/pool/group.sh
#   vector  vectorized and unrolled loops equal the serial ones: tests/vector/group.sh
#   repl_values  REPL tensor values, .npy files and printing, also against NumPy:
#           tests/repl_values/group.sh
#   repl    the tdsl REPL: transcripts tests/repl/NAME.in -> NAME.out, :llvm/:asm,
#           the terminal through a pty, a long session: tests/repl/group.sh
#   stdlib  stdlib/nn.tdsl against C loops and its own unscheduled form, AOT
#           and JIT: tests/stdlib/group.sh
#   math    TDSL's own f32 exp log tanh erf sigmoid sin cos against f64 libm, scalar
#           against vectorized bit for bit: tests/math/group.sh
#   tune    tdslc --tune with small budgets: tests/tune/group.sh
#   onnx    ONNX import: fixture models (tests/onnx/gen_models.c) against golden
#           --emit graph / --emit tdsl / error text, and a sweep over the ONNX
#           backend test suite: tests/onnx/group.sh
#   onnxfuzz  the inputs make fuzz-onnx found bugs with (tests/fuzz/onnx_crashes/)
#           replayed through the fuzz target without libFuzzer, and their
#           expected errors: tests/fuzz/onnx_group.sh
#   pkg     C++ callers of the generated header, make install into a scratch prefix,
#           an example project built with cmake and with make: tests/pkg/group.sh
#   valgrind  e2e harnesses (x86-64-v3 objects) under valgrind --error-exitcode=1,
#           and a control it must catch: tests/valgrind/group.sh
#   aarch64 (not run by default: make test-aarch64) e2e harnesses built with
#           tdslc --target aarch64, run under qemu-aarch64, results bit-identical
#           to x86-64: tests/aarch64/group.sh
#   fuzz    the libFuzzer targets of make fuzz without libFuzzer, on inputs from
#           the tests and on every input that found a bug: tests/fuzz/group.sh
#   schedfuzz  tests/sched_fuzz: random schedules for every fn of tests/e2e and
#           examples against the unscheduled fn (8 parts, 504 cases; 104 under SAN)
# Usage: tests/run.sh [PATTERN...]  runs only the cases whose id (e2e/matmul,
# errors/bad_dim, ...) contains one of the patterns. JOBS=N sets parallelism.
# The last line is `N passed, N failed`; the exit status is 1 if any failed.
# A case whose output holds `internal error:` fails, whatever else it checks.
set -u

B=${B:-build}
CC=${CC:-gcc}
SAN=${SAN:-}
JOBS=${JOBS:-2}
LLVM_CONFIG=${LLVM_CONFIG:-llvm-config-19}
TIMEOUT=${TIMEOUT:-120}
GROUPS_RUN=${GROUPS_RUN:-"e2e errors cli golden link modules parse stdlib schedfuzz pool vector math tune repl_values repl onnx onnxfuzz pkg valgrind fuzz"}
unset TDSL_PATH     # modules come from -I and the in-tree stdlib only, as the cases say

cd "$(dirname "$0")/.." || exit 1
TDSLC=$B/tdslc
OUT=$B/tests
mkdir -p "$OUT" || exit 1
RES=$(mktemp -d "$OUT/results.XXXXXX") || exit 1     # private: runs may overlap
trap 'rm -rf "$RES"' EXIT

if [ ! -x "$TDSLC" ]; then
    echo "tests/run.sh: $TDSLC does not exist; run make first" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

# ---- helpers used by the cases (they run in subshells, output goes to a file) ----

# step DESC CMD...: runs CMD, keeping its output; on failure prints the command
# and the output indented and returns nonzero.
step_out=""
step() {
    local desc=$1
    shift
    step_out=$("$@" 2>&1)
    local rc=$?
    if [ $rc -eq 0 ] && has_internal_error "$step_out"; then
        echo "  $desc reported an internal error:"
        echo "  \$ $(quote_cmd "$@")"
        show "$step_out"
        return 1
    fi
    if [ $rc -ne 0 ]; then
        [ $rc -eq 124 ] && desc="$desc (timed out after ${TIMEOUT}s)"
        [ $rc -gt 128 ] && [ $rc -ne 124 ] && desc="$desc (killed by signal $((rc - 128)))"
        echo "  $desc failed (exit $rc):"
        echo "  \$ $(quote_cmd "$@")"
        show "$step_out"
        return 1
    fi
    return 0
}

# has_internal_error TEXT: whether TEXT holds a compiler bug report (lang/check.h,
# or a Diag's "internal error: ...")
has_internal_error() {
    [[ $1 == *"internal error:"* ]]
}

# prints a command so that it can be pasted into a shell
quote_cmd() {
    local out="" a
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./=:,+@%-]+$ ]]; then out+="$a "; else out+="'${a//\'/\'\\\'\'}' "; fi
    done
    echo "${out% }"
}

# indents text, at most 60 lines
show() {
    [ -z "$1" ] && return
    local n
    n=$(printf '%s\n' "$1" | wc -l)
    printf '%s\n' "$1" | head -n 60 | sed 's/^/  | /'
    [ "$n" -gt 60 ] && echo "  | ... ($((n - 60)) more lines)"
}

llvm_ldflags() {
    local libdir
    libdir=$($LLVM_CONFIG --libdir 2>/dev/null) || return 1
    echo "-L$libdir -lLLVM-19 -Wl,-rpath,$libdir"
}

# ---- group e2e ----

list_e2e() {
    local f
    for f in tests/e2e/*.tdsl; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "e2e/${f%.tdsl}"
    done
}

case_e2e() {
    local name=${1#e2e/}
    local src=tests/e2e/$name.tdsl harness=tests/e2e/$name.c dir=$OUT/e2e
    local obj=$dir/$name.o exe=$dir/$name jexe=$dir/$name.jit
    mkdir -p "$dir"
    if [ ! -f "$harness" ]; then
        echo "FAIL e2e/$name"
        echo "  no harness $harness"
        return
    fi
    rm -f "$obj" "$dir/$name.h" "$exe" "$jexe"
    local flags=(-std=c11 -O1 -Wall -Wextra -I tests/e2e -I "$dir")
    # shellcheck disable=SC2206
    local san=($SAN)

    # ahead of time: tdslc -> object + header -> harness
    local out summary warn=""
    if out=$(step "tdslc" timeout "$TIMEOUT" "$TDSLC" "$src" -o "$obj"); then
        if out=$(step "compiling the harness" "$CC" "${san[@]}" "${flags[@]}" "$harness" "$obj" -lm -lpthread -o "$exe" &&
                 { [ -z "$step_out" ] || { echo "  warnings compiling the harness:"; show "$step_out"; }; } &&
                 step "running" timeout "$TIMEOUT" "$exe" && printf '%s\n' "$step_out" | tail -n 1); then
            summary=$(printf '%s\n' "$out" | tail -n 1)
            warn=$(printf '%s\n' "$out" | sed '$d')
            echo "PASS e2e/$name ($summary)"
            [ -n "$warn" ] && printf '%s\n' "$warn"
        else
            echo "FAIL e2e/$name"
            printf '%s\n' "$out"
        fi
    else
        echo "FAIL e2e/$name"
        printf '%s\n' "$out"
    fi

    # the same harness against the JIT (it needs the header tdslc wrote)
    if [ ! -f "$OUT/jit_shim.o" ] || [ ! -f "$B/libtdsl.a" ]; then
        echo "SKIP e2e-jit/$name (no $OUT/jit_shim.o; make test builds it)"
        return
    fi
    if [ ! -f "$dir/$name.h" ]; then
        echo "FAIL e2e-jit/$name"
        echo "  tdslc wrote no header $dir/$name.h, so the JIT harness cannot be compiled"
        return
    fi
    local ld
    # shellcheck disable=SC2207
    ld=($(llvm_ldflags))
    local jit_ok=1
    out=$(
        step "compiling the harness for the JIT" "$CC" "${san[@]}" "${flags[@]}" -DTDSL_JIT_LOOKUP=tdsl_test_jit_lookup \
            "$harness" "$OUT/jit_shim.o" "$B/libtdsl.a" "${ld[@]}" -lm -lpthread -lffi -lz -rdynamic -o "$jexe" &&
        step "running against the JIT" env TDSL_JIT_FILE="$src" timeout "$TIMEOUT" "$jexe"
    ) || jit_ok=0
    if [ $jit_ok = 1 ]; then echo "PASS e2e-jit/$name"; else echo "FAIL e2e-jit/$name"; printf '%s\n' "$out"; fi
}

# ---- group errors ----

list_errors() {
    local f
    for f in tests/errors/*.tdsl; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "errors/${f%.tdsl}"
    done
}

case_errors() {
    local name=${1#errors/}
    local src=tests/errors/$name.tdsl dir=$OUT/errors
    mkdir -p "$dir"
    local expected
    expected=$(sed -n 's/^.*#[[:space:]]*error:[[:space:]]*\([0-9][0-9]*:[0-9][0-9]*:.*\)$/\1/p' "$src" |
               sed "s|^\([0-9]*:[0-9]*\):[[:space:]]*|$src:\1: error: |")
    local problems="" err rc
    err=$(timeout "$TIMEOUT" "$TDSLC" -I tests/modules/lib "$src" -o "$dir/$name.o" 2>&1 >/dev/null)
    rc=$?
    if [ -z "$expected" ]; then
        problems+="  $src has no '# error: LINE:COL: message' lines"$'\n'
    fi
    if [ $rc -eq 0 ]; then
        problems+="  tdslc exited 0; expected it to fail"$'\n'
    elif [ $rc -ge 124 ]; then
        problems+="  tdslc crashed or timed out (exit $rc)"$'\n'
    fi
    has_internal_error "$err" && problems+="  tdslc reported an internal error"$'\n'
    local line
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        grep -qxF -- "$line" <<<"$err" || problems+="  missing: $line"$'\n'
    done <<<"$expected"
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        grep -qxF -- "$line" <<<"$expected" || problems+="  unexpected: $line"$'\n'
    done < <(grep -E '^[^ ]+:[0-9]+:[0-9]+: error: ' <<<"$err")
    if [ -z "$problems" ]; then
        echo "PASS errors/$name"
    else
        echo "FAIL errors/$name"
        printf '%s' "$problems"
        echo "  \$ $TDSLC -I tests/modules/lib $src -o $dir/$name.o"
        show "$err"
    fi
}

# ---- group golden ----

list_golden() {
    local f
    for f in tests/golden/*.tdsl; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "golden/${f%.tdsl}"
    done
}

case_golden() {
    local name=${1#golden/} kind
    for kind in loops steps; do
        [ $kind = steps ] && [ ! -f "tests/golden/$name.steps" ] && continue
        golden_kind "$name" $kind || return
    done
    echo "PASS golden/$name${updated:+ (updated $updated)}"
}

# golden_kind NAME loops|steps: compares `tdslc --emit KIND` with NAME.KIND; on a
# failure prints FAIL and returns 1
updated=""
golden_kind() {
    local name=$1 kind=$2
    local src=tests/golden/$name.tdsl want=tests/golden/$name.$kind dir=$OUT/golden
    mkdir -p "$dir"
    local got=$dir/$name.$kind
    local err rc
    err=$(timeout "$TIMEOUT" "$TDSLC" --emit "$kind" "$src" 2>&1 >"$got")
    rc=$?
    if [ $rc -ne 0 ] || has_internal_error "$err"; then
        echo "FAIL golden/$name"
        echo "  \$ $TDSLC --emit $kind $src"
        show "$err"
        return 1
    fi
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$got" "$want"
        updated+="${updated:+, }$want"
        return 0
    fi
    if [ ! -f "$want" ]; then
        echo "FAIL golden/$name"
        echo "  no $want (UPDATE_GOLDEN=1 tests/run.sh golden/$name writes it)"
        return 1
    fi
    local d
    if ! d=$(diff -u "$want" "$got"); then
        echo "FAIL golden/$name"
        echo "  \$ $TDSLC --emit $kind $src | diff -u $want -"
        show "$d"
        return 1
    fi
}

# ---- group link ----

list_link() {
    local f
    for f in tests/link/*.c; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "link/${f%.c}"
    done
    echo link/objcheck
}

# link/objcheck: tests/link/objcheck/model.tdsl's object is self-contained: no
# trace of its weight file's path, the weights' bytes in .rodata, the extern's
# symbol undefined (nm -u); linked with a C file defining it, it runs where the
# weight file is not.
link_objcheck() {
    local dir=$OUT/link/objcheck src=tests/link/objcheck
    rm -rf "$dir" && mkdir -p "$dir/build" "$dir/run" || return 1
    cp "$src/model.tdsl" "$dir/build/" &&
        python3 -c 'import struct, sys
d = "{'"'"'descr'"'"': '"'"'<f4'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (64, 100), }"
h = d + " " * (64 - (10 + len(d) + 1) % 64) + "\n"
w = [float((i % 9) - 4) for i in range(6400)]
sys.stdout.buffer.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + struct.pack("<6400f", *w))' \
        >"$dir/build/model_w.npy" || { echo "  cannot write model_w.npy"; return 1; }
    step "tdslc" timeout "$TIMEOUT" "$TDSLC" "$dir/build/model.tdsl" -o "$dir/build/model.o" || return 1
    if grep -q "model_w\.npy" "$dir/build/model.o"; then echo "  model.o names its weight file"; return 1; fi
    if ! nm -u "$dir/build/model.o" | grep -qw objcheck_post; then
        echo "  objcheck_post is not an undefined symbol of model.o:"; show "$(nm "$dir/build/model.o")"; return 1
    fi
    objcopy -O binary --only-section=.rodata "$dir/build/model.o" "$dir/rodata.bin" || return 1
    local want have
    want=$(tail -c 25600 "$dir/build/model_w.npy" | od -An -v -tx1 | tr -d ' \n')
    have=$(od -An -v -tx1 "$dir/rodata.bin" | tr -d ' \n')
    if [[ $have != *"$want"* ]]; then echo "  the weights are not in model.o's .rodata"; return 1; fi
    # shellcheck disable=SC2086
    step "compiling" "$CC" $SAN -std=c11 -O1 -Wall -I "$dir/build" "$src/main.c" "$dir/build/model.o" -lm -lpthread \
        -o "$dir/run/main" || return 1
    rm -f "$dir/build/model_w.npy"
    (cd "$dir/run" && step "running" timeout "$TIMEOUT" ./main) || return 1
}

case_link() {
    local name=${1#link/}
    if [ "$name" = objcheck ]; then
        local out
        if out=$(link_objcheck 2>&1); then echo "PASS link/objcheck"; else echo "FAIL link/objcheck"; printf '%s\n' "$out"; fi
        return
    fi
    local dir=$OUT/link/$name objs=() f out
    mkdir -p "$dir"
    # shellcheck disable=SC2206
    local san=($SAN)
    out=$(
        for f in tests/link/*.tdsl; do
            f=${f##*/}
            step "tdslc" timeout "$TIMEOUT" "$TDSLC" -I tests/link "tests/link/$f" -o "$dir/${f%.tdsl}.o" || exit 1
        done
        objs=("$dir"/*.o)
        step "compiling" "$CC" "${san[@]}" -std=c11 -O1 -Wall -Wextra -I "$dir" "tests/link/$name.c" "${objs[@]}" \
            -lm -lpthread -o "$dir/$name" || exit 1
        [ -z "$step_out" ] || { echo "  warnings:"; show "$step_out"; }
        step "running" timeout "$TIMEOUT" "$dir/$name" || exit 1
    )
    if [ $? -eq 0 ]; then echo "PASS link/$name"; else echo "FAIL link/$name"; fi
    [ -n "$out" ] && printf '%s\n' "$out"
}

# ---- group cli: tdslc on binary input, control characters, too many errors ----
# shellcheck source=tests/cli/group.sh
source tests/cli/group.sh

# shellcheck source=tests/modules/group.sh
source tests/modules/group.sh

# ---- group pool: the thread pool and parallel loops (tests/pool/group.sh) ----
# shellcheck source=tests/pool/group.sh
source tests/pool/group.sh
# shellcheck source=tests/vector/group.sh
source tests/vector/group.sh
# shellcheck source=tests/math/group.sh
source tests/math/group.sh
# shellcheck source=tests/repl_values/group.sh
source tests/repl_values/group.sh
# shellcheck source=tests/repl/group.sh
source tests/repl/group.sh
# shellcheck source=tests/stdlib/group.sh
source tests/stdlib/group.sh
# shellcheck source=tests/tune/group.sh
source tests/tune/group.sh
# shellcheck source=tests/onnx/group.sh
source tests/onnx/group.sh
# shellcheck source=tests/fuzz/onnx_group.sh
source tests/fuzz/onnx_group.sh
# shellcheck source=tests/pkg/group.sh
source tests/pkg/group.sh
# shellcheck source=tests/aarch64/group.sh
source tests/aarch64/group.sh
# shellcheck source=tests/valgrind/group.sh
source tests/valgrind/group.sh
# shellcheck source=tests/fuzz/group.sh
source tests/fuzz/group.sh

# ---- driver: cases run JOBS at a time, results print in order ----

selected() {
    [ $# -eq 0 ] && return 0
    local id=$1 p
    shift
    for p in "${PATTERNS[@]}"; do
        [[ $id == *"$p"* ]] && return 0
    done
    return 1
}

PATTERNS=("$@")
ids=()
# parse: the parser's own cases (printed AST and syntax errors), tests/parse/check.sh
list_parse() {
    echo "parse/all"
}
case_parse() {
    local out
    if out=$(sh tests/parse/check.sh "$B/tests/parse_test" 2>&1); then echo "PASS parse/all"
    else echo "FAIL parse/all (sh tests/parse/check.sh $B/tests/parse_test)"; printf '%s\n' "$out"; fi
}

# schedfuzz: 8 disjoint sets of fns, 504 cases in all, a fixed seed (make
# fuzz-schedules runs any number); --strict: an illegal draw that compiles fails.
# SCHEDFUZZ_WITHOUT: draws to leave out (e.g. "tailfuse,rfactor") while a known
# bug is open; none are now.
SCHEDFUZZ_WITHOUT=${SCHEDFUZZ_WITHOUT-}
list_schedfuzz() {
    local k
    for k in 1 2 3 4 5 6 7 8; do echo "schedfuzz/$k"; done
}
case_schedfuzz() {
    local k=${1#schedfuzz/} n=63 out rc f files=() args
    [ -n "$SAN" ] && n=13
    for f in tests/e2e/*.tdsl examples/*.tdsl; do
        # externs.tdsl needs its harness's C functions; consts.tdsl stays out so the parts draw as before
        case $f in tests/e2e/entry_checks.tdsl | tests/e2e/size_overflow.tdsl | tests/e2e/externs.tdsl | \
            tests/e2e/consts.tdsl) ;; *) files+=("$f") ;; esac
    done
    args=(-q --strict --part "$k/8" -n "$n" --seed 1)
    [ -n "$SCHEDFUZZ_WITHOUT" ] && args+=(--without "$SCHEDFUZZ_WITHOUT")
    out=$(timeout "$((TIMEOUT * 2))" "$B/tests/sched_fuzz" "${args[@]}" "${files[@]}" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "PASS schedfuzz/$k ($(printf '%s\n' "$out" | tail -n 1))"
    else
        echo "FAIL schedfuzz/$k (exit $rc)"
        echo "  \$ $B/tests/sched_fuzz ${args[*]} tests/e2e/*.tdsl examples/*.tdsl (all but entry_checks, size_overflow, externs, consts)"
        show "$out"
        printf '%s\n' "$out" | tail -n 2 | sed 's/^/  | /'
    fi
}

for g in $GROUPS_RUN; do
    while IFS= read -r id; do
        [ -n "$id" ] || continue
        if [ ${#PATTERNS[@]} -eq 0 ] || selected "$id" "${PATTERNS[@]}"; then ids+=("$id"); fi
    done < <("list_$g")
done

pass=0
fail=0
skip=0
failed_ids=()
pids=()
next=0

report() {      # waits for case $1 and prints its result
    local i=$1 file
    wait "${pids[$i]}" 2>/dev/null
    file=$RES/$i
    if [ ! -s "$file" ]; then
        echo "FAIL ${ids[$i]}"
        echo "  the runner itself failed on this case"
        fail=$((fail + 1))
        failed_ids+=("${ids[$i]}")
        return
    fi
    cat "$file"
    local p f s
    p=$(grep -c '^PASS ' "$file")
    f=$(grep -c '^FAIL ' "$file")
    if [ "$f" -eq 0 ] && grep -q 'internal error:' "$file"; then
        echo "FAIL ${ids[$i]} (its output holds 'internal error:')"
        p=0
        f=1
        echo "FAIL ${ids[$i]}" >>"$file"
    fi
    s=$(grep -c '^SKIP ' "$file")
    pass=$((pass + p))
    fail=$((fail + f))
    skip=$((skip + s))
    [ "$f" -gt 0 ] && failed_ids+=($(sed -n 's/^FAIL \([^ ]*\).*/\1/p' "$file"))
}

start=$SECONDS
for i in "${!ids[@]}"; do
    while [ $((i - next)) -ge "$JOBS" ]; do
        report $next
        next=$((next + 1))
    done
    id=${ids[$i]}
    group=${id%%/*}
    ("case_$group" "$id" >"$RES/$i" 2>&1) &
    pids[$i]=$!
done
while [ $next -lt ${#ids[@]} ]; do
    report $next
    next=$((next + 1))
done

[ $skip -gt 0 ] && echo "($skip skipped)"
if [ $fail -gt 0 ]; then
    echo "failed: ${failed_ids[*]}"
fi
echo "($((SECONDS - start))s)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
