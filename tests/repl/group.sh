# tests/repl/group.sh - the `repl` group of tests/run.sh (sourced by it): the tdsl REPL.
#   repl/NAME     tests/repl/NAME.in piped into $B/tdsl (stdout and stderr together)
#                 must print exactly NAME.out; run in a scratch directory that
#                 links examples/, tests/e2e/ (as e2e/: weight files) and
#                 tests/modules/ (as modtests/, with TDSL_PATH=modtests/lib); a
#                 tests/repl/NAME.c is built there as libNAME.so (for :lib). So
#                 relative paths and saved files stay
#                 there; the repository's path prints as ROOT.
#                 Lines of :time have their measured numbers masked (<T>, <N>, <R>);
#                 UPDATE_GOLDEN=1 rewrites the .out files.
#   repl/inspect  :llvm and :asm (host code, so only their shape is checked)
#   repl/pty      the interactive mode through a pseudo-terminal: prompt, history,
#                 completion, Ctrl-C at the prompt and during a call (tests/repl/pty_test.py)
#   repl/status   the exit status from a pipe: 0 when every statement ran, 1 when
#                 one failed, even if the lines after a bad line all run
#   repl/xform_numpy  tensor statements (B[i, j] = ..., C = A + B) over random
#                 tensors, saved and checked against NumPy (tests/repl/xform_numpy.py)
#   repl/long     a long generated session (definitions, redefinitions, schedules,
#                 calls, errors): runs clean, the point of it under make test-asan
# Under ASan the allocator returns NULL for a huge request (calls.in expects
# the entry point's out-of-memory error) instead of aborting, with a warning
# that repl_mask drops.

repl_tdsl() {
    ASAN_OPTIONS="allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" "$@"
}

repl_scratch() {      # a fresh directory with examples/ linked; prints its path
    local dir=$OUT/repl/$1
    rm -rf "$dir" && mkdir -p "$dir" && ln -s "$PWD/examples" "$dir/examples" &&
        ln -s "$PWD/tests/modules" "$dir/modtests" && ln -s "$PWD/tests/e2e" "$dir/e2e" && echo "$dir"
}

# the numbers :time measures vary from run to run; its counts do not. ASan
# notes the huge allocation that calls.in makes fail on purpose.
repl_mask() {
    sed -E '/^==[0-9]+==WARNING: AddressSanitizer failed to allocate /d;
            /^time /{s/[0-9][0-9.e+-]* (ns|us|ms|s)\b/<T>/g; s/[0-9]+ runs?( in batches of [0-9]+)?/<N> runs/};
            s/[0-9][0-9.e+-]* (GFLOP|GOP|GB)\/s/<R> \1\/s/g'
}

list_repl() {
    local f
    for f in tests/repl/*.in; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "repl/${f%.in}"
    done
    echo repl/inspect
    echo repl/pty
    echo repl/status
    echo repl/long
    echo repl/xform_numpy
}

case_repl() {
    local name=${1#repl/} tdsl=$PWD/$B/tdsl dir
    if [ ! -x "$tdsl" ]; then
        echo "FAIL $1"
        echo "  no $tdsl (make builds it)"
        return
    fi
    dir=$(repl_scratch "$name") || { echo "FAIL $1"; echo "  cannot make $OUT/repl/$name"; return; }
    case $name in
    inspect) repl_inspect "$tdsl" "$dir" ;;
    pty) repl_pty "$tdsl" "$dir" ;;
    status) repl_status "$tdsl" "$dir" ;;
    long) repl_long "$tdsl" "$dir" ;;
    xform_numpy) repl_xform_numpy "$tdsl" "$dir" ;;
    *) repl_transcript "$name" "$tdsl" "$dir" ;;
    esac
}

repl_transcript() {
    local name=$1 tdsl=$2 dir=$3 in=$PWD/tests/repl/$1.in want=$PWD/tests/repl/$1.out got d
    got=$dir/$name.out
    # tests/repl/NAME.c: C functions for extern fns, built as ./libNAME.so for :lib
    if [ -f "tests/repl/$name.c" ] && ! "$CC" -shared -fPIC -o "$dir/lib$name.so" "tests/repl/$name.c" 2>"$got"; then
        echo "FAIL repl/$name"
        echo "  cannot build tests/repl/$name.c:"
        show "$(cat "$got")"
        return
    fi
    (cd "$dir" && TDSL_PATH=modtests/lib repl_tdsl timeout "$TIMEOUT" "$tdsl" <"$in" 2>&1) | repl_mask |
        sed "s|$PWD|ROOT|g" >"$got"
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$got" "$want"
        echo "PASS repl/$name (updated tests/repl/$name.out)"
        return
    fi
    if [ ! -f "$want" ]; then
        echo "FAIL repl/$name"
        echo "  no tests/repl/$name.out (UPDATE_GOLDEN=1 tests/run.sh repl/$name writes it)"
        return
    fi
    if d=$(diff -u "$want" "$got"); then
        echo "PASS repl/$name"
    else
        echo "FAIL repl/$name"
        echo "  \$ (cd $dir && $tdsl < tests/repl/$name.in) 2>&1 | diff -u tests/repl/$name.out -"
        show "$d"
    fi
}

repl_inspect() {
    local tdsl=$1 dir=$2 out problems=""
    out=$(cd "$dir" && printf '%s\n' ':load examples/scale.tdsl' ':llvm scale' ':asm scale' ':llvm nosuch' \
          | repl_tdsl timeout "$TIMEOUT" "$tdsl" 2>&1)
    grep -q '^define .*i32 @scale(ptr' <<<"$out" || problems+="  :llvm shows no entry point 'define ... i32 @scale(ptr ...'"$'\n'
    grep -qE '^\s+ret i32' <<<"$out" || problems+="  :llvm shows no 'ret i32'"$'\n'
    grep -q '^scale:' <<<"$out" || problems+="  :asm shows no label 'scale:'"$'\n'
    grep -qE '^\s+ret' <<<"$out" || problems+="  :asm shows no ret"$'\n'
    grep -q "<stdin>:4:7: error: unknown function 'nosuch'" <<<"$out" || problems+="  :llvm nosuch: no located error"$'\n'
    if [ -z "$problems" ]; then
        echo "PASS repl/inspect"
    else
        echo "FAIL repl/inspect"
        printf '%s' "$problems"
        show "$out"
    fi
}

repl_pty() {
    local tdsl=$1 dir=$2 out py
    for py in /usr/bin/python3 python3; do "$py" -c 'import pty' >/dev/null 2>&1 && break; done
    if ! "$py" -c 'import pty' >/dev/null 2>&1; then
        echo "SKIP repl/pty (no python3 with the pty module)"
        return
    fi
    if out=$(cd "$dir" && repl_tdsl timeout "$TIMEOUT" "$py" "$OLDPWD/tests/repl/pty_test.py" "$tdsl" 2>&1); then
        echo "PASS repl/pty ($(printf '%s\n' "$out" | tail -n 1))"
    else
        echo "FAIL repl/pty"
        echo "  \$ (cd $dir && $py tests/repl/pty_test.py $tdsl)"
        show "$out"
    fi
}

repl_status() {
    local tdsl=$1 dir=$2 out rc problems="" script
    for script in $'V = arange(i32[2])\nV[1]' $'this is not a line of tdsl ((\nV = arange(i32[2])\nV[1]' \
                  $'V = arange(i32[2])\nV[1]\nW = full(i32[2],'; do
        out=$(cd "$dir" && printf '%s\n' "$script" | repl_tdsl timeout "$TIMEOUT" "$tdsl" 2>&1)
        rc=$?
        case $script in
        this*|*full*) [ $rc -eq 1 ] || problems+="  exit $rc, expected 1, after: ${script//$'\n'/; }"$'\n' ;;
        *) [ $rc -eq 0 ] || problems+="  exit $rc, expected 0, after: ${script//$'\n'/; }"$'\n' ;;
        esac
        [ "$(grep -v ': error: \|^ \|^this\|^W = ' <<<"$out")" = "i32 1" ] ||
            problems+="  the script did not print just 'i32 1' (and errors): ${script//$'\n'/; }"$'\n'
    done
    if [ -z "$problems" ]; then
        echo "PASS repl/status"
    else
        echo "FAIL repl/status"
        printf '%s' "$problems"
    fi
}

repl_long() {
    local tdsl=$1 dir=$2 n=40 out rc errs
    [ -n "$SAN" ] && n=20
    tests/repl/long_session.sh "$n" >"$dir/long.in"
    out=$(cd "$dir" && repl_tdsl timeout "$TIMEOUT" "$tdsl" examples/mlp.tdsl <long.in 2>&1)
    rc=$?
    errs=$(grep -c ': error: ' <<<"$out")
    # the script has exactly 3 bad lines per round and ends by printing "done"
    if [ $rc -eq 1 ] && [ "$errs" -eq $((3 * n)) ] && [ "$(tail -n 1 <<<"$out")" = "i64 $n" ] &&
       ! grep -qE 'Sanitizer|runtime error|LeakSanitizer' <<<"$out"; then
        echo "PASS repl/long ($n rounds, $(wc -l <"$dir/long.in") lines)"
    else
        echo "FAIL repl/long (exit $rc, $errs errors; expected exit 1, $((3 * n)) errors, last line 'i64 $n')"
        echo "  \$ tests/repl/long_session.sh $n > long.in; (cd $dir && $tdsl examples/mlp.tdsl < long.in)"
        show "$(tail -n 40 <<<"$out")"
    fi
}

repl_xform_numpy() {
    local tdsl=$1 dir=$2 out
    if ! /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1; then
        echo "SKIP repl/xform_numpy (no NumPy for /usr/bin/python3)"
        return
    fi
    if out=$(cd "$dir" && repl_tdsl timeout "$TIMEOUT" /usr/bin/python3 "$OLDPWD/tests/repl/xform_numpy.py" "$tdsl" 2>&1); then
        echo "PASS repl/xform_numpy ($(printf '%s\n' "$out" | tail -n 1))"
    else
        echo "FAIL repl/xform_numpy"
        echo "  \$ (cd $dir && /usr/bin/python3 tests/repl/xform_numpy.py $tdsl)"
        show "$out"
    fi
}
