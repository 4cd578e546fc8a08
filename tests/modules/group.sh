# tests/modules/group.sh - the `modules` group of tests/run.sh (sourced by it):
# `use NAME` and where tdslc finds NAME.tdsl. The test modules are in
# tests/modules/lib/; the programs using them are tests/modules/*.tdsl.
#   modules/include    axpy.tdsl with -I lib: object, header, harness axpy.c;
#                      only the file's fns are entry points (nm, the header)
#   modules/tdsl_path  the same through $TDSL_PATH (an empty and a missing entry first)
#   modules/stdlib     use_nn.tdsl: `use nn` from the in-tree stdlib/, no -I or TDSL_PATH
#   modules/installed  a tdslc copied to PREFIX/bin finds PREFIX/share/tdsl/stdlib
#                      (the layout of make install)
#   modules/NAME       where NAME.err exists: tdslc -I lib NAME.tdsl prints exactly
#                      NAME.err (the file as FILE, the repository as ROOT), then `exit N`;
#                      where NAME.loops exists: --emit loops prints exactly it.
#                      UPDATE_GOLDEN=1 rewrites them.

list_modules() {
    local f
    echo modules/include
    echo modules/tdsl_path
    echo modules/stdlib
    echo modules/installed
    for f in tests/modules/*.err tests/modules/*.loops; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "modules/${f%.*}"
    done
}

# modules_run CASE NAME TDSLC [ARG...]: compiles tests/modules/NAME.tdsl with TDSLC ARG...
# (TDSL_PATH is $MOD_PATH: unset by default) in $OUT/modules/CASE, links NAME.c, runs it
modules_run() {
    local name=$2 tdslc=$3 dir=$OUT/modules/$1
    shift 3
    # shellcheck disable=SC2206
    local san=($SAN)
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    local env=(env -u TDSL_PATH)
    [ -n "${MOD_PATH:-}" ] && env+=("TDSL_PATH=$MOD_PATH")
    step "tdslc" "${env[@]}" timeout "$TIMEOUT" "$tdslc" "$@" "tests/modules/$name.tdsl" -o "$dir/$name.o" &&
    step "compiling the harness" "$CC" "${san[@]}" -std=c11 -O1 -Wall -Wextra -I "$dir" "tests/modules/$name.c" \
        "$dir/$name.o" -lm -lpthread -o "$dir/$name" &&
    step "running" timeout "$TIMEOUT" "$dir/$name"
}

# the entries of axpy.o: its two fns (each with its _ws and _workspace_bytes), none of the modules'
modules_exports() {
    local dir=$OUT/modules/include got
    got=$(nm -g --defined-only "$dir/axpy.o" | awk '{print $3}' | sort | tr '\n' ' ')
    local want="axpy_top axpy_top_workspace_bytes axpy_top_ws scale_top scale_top_workspace_bytes scale_top_ws "
    [ "$got" = "$want" ] || { echo "  axpy.o exports '$got', expected '$want'"; return 1; }
    got=$(grep '^int ' "$dir/axpy.h" | grep -vc '_ws(')
    [ "$got" = 2 ] || { echo "  axpy.h declares $got entry points, expected 2"; return 1; }
}

modules_installed() {
    local root=$OUT/modules/installed-prefix
    rm -rf "$root" && mkdir -p "$root/bin" "$root/share/tdsl/stdlib" || return 1
    cp "$TDSLC" "$root/bin/tdslc" && cp tests/modules/lib/*.tdsl "$root/share/tdsl/stdlib/" || return 1
    modules_run installed axpy "$root/bin/tdslc"
}

# modules_golden NAME err|loops
modules_golden() {
    local name=$1 kind=$2 src=tests/modules/$1.tdsl want=tests/modules/$1.$2 got rc
    if [ "$kind" = err ]; then
        got=$(env -u TDSL_PATH timeout "$TIMEOUT" "$TDSLC" -I tests/modules/lib "$src" -o "$OUT/modules/$name.o" 2>&1 >/dev/null)
        rc=$?
        got="${got//"$PWD"/ROOT}"
        got="${got//"$src"/FILE}"$'\n'"exit $rc"
    else
        got=$(env -u TDSL_PATH timeout "$TIMEOUT" "$TDSLC" -I tests/modules/lib --emit loops "$src" 2>&1)
    fi
    cli_compare "modules/$name" "$want" "${got#$'\n'}" "$TDSLC -I tests/modules/lib $src"
}

case_modules() {
    local name=${1#modules/} out
    mkdir -p "$OUT/modules"
    case $name in
    include) out=$(modules_run include axpy "$TDSLC" -I tests/modules/lib && modules_exports) ;;
    tdsl_path) out=$(MOD_PATH=":/nonexistent:tests/modules/lib" modules_run tdsl_path axpy "$TDSLC") ;;
    stdlib) out=$(modules_run stdlib use_nn "$TDSLC") ;;
    installed) out=$(modules_installed) ;;
    *)
        [ -f "tests/modules/$name.err" ] && modules_golden "$name" err
        [ -f "tests/modules/$name.loops" ] && modules_golden "$name" loops
        return
        ;;
    esac
    if [ $? -eq 0 ]; then echo "PASS modules/$name"; else echo "FAIL modules/$name"; fi
    [ -n "$out" ] && printf '%s\n' "$out"
}
