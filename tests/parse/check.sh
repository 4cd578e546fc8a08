#!/bin/sh
# check.sh - runs the parser cases: tests/parse/check.sh PARSE_TEST_BINARY
# A case X.tdsl passes when its "# error: L:C: msg" lines are exactly the errors
# reported (in order) and, if X.ast exists, the printed AST matches it.
bin=${1:?usage: $0 PARSE_TEST_BINARY}
dir=$(dirname "$0")
pass=0 fail=0
tmp=$(mktemp -d)
for f in "$dir"/*.tdsl; do
    name=$(basename "$f" .tdsl)
    "$bin" "$f" >"$tmp/out" 2>"$tmp/err"
    sed -n 's/^# error: //p' "$f" >"$tmp/want"
    sed -n 's/^[^:]*:\([0-9]*:[0-9]*\): error: /\1: /p' "$tmp/err" >"$tmp/got"
    ok=1
    if ! cmp -s "$tmp/want" "$tmp/got"; then
        echo "FAIL $name: diagnostics differ"; diff "$tmp/want" "$tmp/got"; ok=0
    fi
    if [ -f "$dir/$name.ast" ] && ! cmp -s "$dir/$name.ast" "$tmp/out"; then
        echo "FAIL $name: printed AST differs"; diff "$dir/$name.ast" "$tmp/out"; ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
rm -rf "$tmp"
echo "parse: $pass passed, $fail failed"
[ $fail = 0 ]
