# tests/math/group.sh - the `math` group of tests/run.sh (sourced by it): TDSL's
# own f32 math (lower/codegen_math.c), one case per function:
#   math/FN   tests/math/math_test FN: >= 10^6 sampled inputs (special values,
#             random bit patterns, a range of interest) within 2 ulp of f64 libm,
#             special values exact, scalar (-O0, -O3) and vectorized (8, 16,
#             parallel) results bit-identical. `make test-math` runs all 2^32.
#   math/asm  a vectorized exp loop is packed AVX2 code (ymm fma) with no calls

MATH_FNS="exp log tanh erf sigmoid sin cos pow"

list_math() {
    local f
    for f in $MATH_FNS; do echo "math/$f"; done
    echo math/asm
}

case_math() {
    local name=${1#math/} out
    [ "$name" = asm ] && { math_asm; return; }
    if out=$(timeout "$TIMEOUT" "$B/tests/math/math_test" "$name" 2>&1); then
        echo "PASS math/$name ($(printf '%s\n' "$out" | head -n 1 | sed 's/^ok *[a-z]* *//; s/ at x = .*;/;/'))"
    else
        echo "FAIL math/$name"
        echo "  \$ $B/tests/math/math_test $name"
        show "$out"
    fi
}

math_asm() {
    local dir=$OUT/math src s problems=""
    mkdir -p "$dir"
    src=$dir/vexp.tdsl
    printf 'fn vexp(X: f32[n]) -> Y: f32[n] {\n    Y[i] = exp(X[i])\n}\nschedule vexp {\n    Y.vectorize(i, 8)\n}\n' >"$src"
    s=$("$TDSLC" --emit asm "$src" -o - 2>&1) || problems+="  tdslc --emit asm $src failed"$'\n'
    grep -qE 'vfmadd[0-9]+ps[^#]*%ymm' <<<"$s" || problems+="  no ymm vfmadd...ps in the x86-64-v3 asm"$'\n'
    grep -E '^\s*(call|jmp)[a-z]*\s' <<<"$s" | grep -qvE 'tdsl\.k\.|\.LBB' &&
        problems+="  a call other than entry -> kernel (libm?)"$'\n'
    if [ -z "$problems" ]; then
        echo "PASS math/asm"
    else
        echo "FAIL math/asm"
        printf '%s' "$problems"
        echo "  \$ $TDSLC --emit asm $src -o -"
    fi
}
