# tests/vector/group.sh - the `vector` group of tests/run.sh (sourced by it):
# LOOP_VECTOR / LOOP_UNROLL codegen (lower/codegen_vector.c).
#   vector/e2e-NAME    tests/e2e/NAME.tdsl with loops rewritten into vector and
#                      unrolled loops must equal the serial loops bit for bit
#                      (tests/vector/vector_test.c --some; JIT, and AOT x86-64-v3)
#   vector/sched-NAME  tests/vector/NAME.tdsl: every scheduled fn X_s equals its
#                      unscheduled twin X bit for bit (JIT and AOT)
#   vector/asm         a vectorize schedule gives <8 x float> IR and ymm code,
#                      and no AVX-512 for the default x86-64-v3 target

list_vector() {
    local f
    for f in tests/e2e/*.tdsl; do
        [ -e "$f" ] || continue
        [ "$f" = tests/e2e/externs.tdsl ] && continue     # its C functions live in its harness only
        f=${f##*/}
        echo "vector/e2e-${f%.tdsl}"
    done
    for f in tests/vector/*.tdsl; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "vector/sched-${f%.tdsl}"
    done
    echo vector/asm
}

case_vector() {
    local name=${1#vector/} out args
    case $name in
    e2e-*) args=(--some "tests/e2e/${name#e2e-}.tdsl") ;;
    sched-*) args=(--twins "tests/vector/${name#sched-}.tdsl") ;;
    asm) vector_asm; return ;;
    *) echo "FAIL vector/$name"; echo "  unknown case"; return ;;
    esac
    if out=$(CC=$CC timeout "$TIMEOUT" "$B/tests/vector/vector_test" "${args[@]}" 2>&1); then
        echo "PASS vector/$name ($(printf '%s\n' "$out" | tail -n 1 | sed 's/^PASS [^ ]* (//; s/)$//'))"
    else
        echo "FAIL vector/$name"
        echo "  \$ $B/tests/vector/vector_test ${args[*]}"
        show "$out"
    fi
}

vector_asm() {
    local dir=$OUT/vector src=tests/vector/vsched.tdsl problems="" ll s
    mkdir -p "$dir"
    ll=$("$TDSLC" --emit llvm -O0 "$src" -o - 2>&1) || problems+="  tdslc --emit llvm -O0 $src failed"$'\n'
    for want in 'load <8 x float>' 'store <8 x float>' 'fadd <8 x float>' '@llvm.fma.v8f32' \
                '@llvm.masked.load.v8f32' '@llvm.masked.gather.v8f32' '<8 x i1>'; do
        grep -qF -- "$want" <<<"$ll" || problems+="  no '$want' in the unoptimized IR"$'\n'
    done
    s=$("$TDSLC" --emit asm "$src" -o - 2>&1) || problems+="  tdslc --emit asm $src failed"$'\n'
    grep -qE 'vfmadd[0-9]+ps[^#]*%ymm' <<<"$s" || problems+="  no ymm vfmadd...ps in the x86-64-v3 asm"$'\n'
    grep -qE 'vmovups[^#]*%ymm' <<<"$s" || problems+="  no ymm vmovups in the x86-64-v3 asm"$'\n'
    grep -qE '%zmm|%k[0-7]' <<<"$s" && problems+="  AVX-512 registers in the x86-64-v3 asm"$'\n'
    if [ -z "$problems" ]; then
        echo "PASS vector/asm"
    else
        echo "FAIL vector/asm"
        printf '%s' "$problems"
        echo "  \$ $TDSLC --emit llvm -O0 $src -o -; $TDSLC --emit asm $src -o -"
    fi
}
