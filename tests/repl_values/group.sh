# tests/repl_values/group.sh - the `repl_values` group of tests/run.sh (sourced by it):
# the REPL's tensor values (repl/tensor.c, repl/npy.c, repl/print.c).
#   repl_values/unit   tests/repl_values/values_test.c: constructors, get/set, printing
#                      (exact strings), .npy round trips and every load error
#   repl_values/numpy  tests/repl_values/numpy_check.py: .npy files both ways and
#                      printing against real NumPy (Debian python3-numpy, which
#                      `make test` installs); SKIP when no python3 has numpy

# a python3 with numpy: Debian's first (a pyenv or venv python3 may lack it)
repl_values_python() {
    local py
    for py in ${PYTHON_NUMPY:-} /usr/bin/python3 python3; do
        "$py" -c 'import numpy' >/dev/null 2>&1 && { echo "$py"; return 0; }
    done
    return 1
}

list_repl_values() {
    echo repl_values/unit
    echo repl_values/numpy
}

case_repl_values() {
    local name=${1#repl_values/} bin=$B/tests/repl_values/values_test dir=$OUT/repl_values/${1#repl_values/}
    local out rc py
    if [ ! -x "$bin" ]; then
        echo "FAIL $1"
        echo "  no $bin (make test builds it)"
        return
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    case $name in
    unit)
        if out=$(timeout "$TIMEOUT" "$bin" "$dir" 2>&1); then
            echo "PASS repl_values/unit ($(printf '%s\n' "$out" | tail -n 1 | sed 's/^PASS values_test (//; s/, 0 failed)$//'))"
        else
            echo "FAIL repl_values/unit"
            echo "  \$ $bin $dir"
            show "$out"
        fi
        ;;
    numpy)
        if ! py=$(repl_values_python); then
            echo "SKIP repl_values/numpy (no python3 with numpy: apt-get install python3-numpy)"
            return
        fi
        out=$(timeout "$TIMEOUT" "$py" tests/repl_values/numpy_check.py "$dir" "$bin" 2>&1)
        rc=$?
        if [ $rc -ne 0 ] || ! grep -q '^PASS\|^FAIL' <<<"$out"; then
            echo "FAIL repl_values/numpy (exit $rc)"
            echo "  \$ $py tests/repl_values/numpy_check.py $dir $bin"
            show "$out"
        else
            printf '%s\n' "$out"
        fi
        ;;
    *)
        echo "FAIL $1"
        echo "  unknown case"
        ;;
    esac
}
