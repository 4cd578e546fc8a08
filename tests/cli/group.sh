# tests/cli/group.sh - the `cli` group of tests/run.sh (sourced by it): what
# tdslc prints for inputs that are not ordinary programs.
#   cli/NAME   the input is tests/cli/NAME.tdsl, or is made from NAME.in, a
#              printf %b string (\0 \x01 \xc3 \f ...; a final newline is added
#              unless it ends in \c), into $OUT/cli/NAME.tdsl; then
#              `tdslc INPUT -o $OUT/cli/NAME.o` must print exactly NAME.out on
#              stderr, with INPUT written as FILE, followed by `exit N`.
#              UPDATE_GOLDEN=1 rewrites the .out files.
#   cli/repl-load-NAME  the same input through the REPL's `:load` (stdout and
#              stderr together) must print NAME.repl, where that file exists.

list_cli() {
    local f
    for f in tests/cli/*.out; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "cli/${f%.out}"
    done
    for f in tests/cli/*.repl; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "cli/repl-load-${f%.repl}"
    done
}

# prints the path of case $1's input, making it from NAME.in when there is one
cli_input() {
    local name=$1 dir=$OUT/cli content
    if [ -f "tests/cli/$name.in" ]; then
        mkdir -p "$dir" || return 1
        content=$(<"tests/cli/$name.in")
        printf '%b\n' "$content" >"$dir/$name.tdsl" || return 1
        echo "$dir/$name.tdsl"
    else
        echo "tests/cli/$name.tdsl"
    fi
}

# cli_compare ID EXPECTED_FILE GOT CMD: PASS when GOT equals the file
cli_compare() {
    local id=$1 want=$2 got=$3 cmd=$4
    if [ -n "${UPDATE_GOLDEN:-}" ]; then
        printf '%s\n' "$got" >"$want"
        echo "PASS $id (rewrote $want)"
    elif [ "$got" == "$(cat "$want")" ]; then
        echo "PASS $id"
    else
        echo "FAIL $id"
        echo "  \$ $cmd"
        echo "  output differs from $want (< expected, > got):"
        show "$(diff <(cat "$want") <(printf '%s\n' "$got") | cat -v)"
    fi
}

case_cli() {
    local name=${1#cli/} src got rc
    local load=${name#repl-load-}
    if [ "$load" != "$name" ]; then
        src=$(cli_input "$load") || { echo "FAIL cli/$name"; echo "  cannot write the input"; return; }
        got=$(cd "$(dirname "$src")" && printf ':load %s\n' "${src##*/}" |
              timeout "$TIMEOUT" "$OLDPWD/$B/tdsl" 2>&1)
        cli_compare "cli/$name" "tests/cli/$load.repl" "$got" "printf ':load $src\\n' | $B/tdsl"
        return
    fi
    src=$(cli_input "$name") || { echo "FAIL cli/$name"; echo "  cannot write the input"; return; }
    mkdir -p "$OUT/cli"
    got=$(timeout "$TIMEOUT" "$TDSLC" "$src" -o "$OUT/cli/$name.o" 2>&1 >/dev/null)
    rc=$?
    got="${got//"$src"/FILE}"$'\n'"exit $rc"
    cli_compare "cli/$name" "tests/cli/$name.out" "${got#$'\n'}" "$TDSLC $src -o $OUT/cli/$name.o"
}
