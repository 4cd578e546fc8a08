# tests/stdlib/group.sh - the `stdlib` group of tests/run.sh (sourced by it):
# stdlib/nn.tdsl itself, compiled together with a copy whose schedule blocks
# are stripped and whose fns are renamed NAME_ref (as the Makefile's
# bench/examples_ref.tdsl rule does), so tests/stdlib/nn_test.c checks every
# kernel against plain C loops in double precision and against its own
# unscheduled form (bit for bit unless its schedule names rfactor).
#   stdlib/nn      AOT: tdslc -> object + header -> harness; and the header
#                  declares the signatures the benchmarks and `use nn` rely on
#   stdlib/nn-jit  the same harness against the JIT (tests/jit_shim.c)

list_stdlib() {
    echo stdlib/nn
    echo stdlib/nn-jit
}

# stdlib_source DIR: writes DIR/nn_all.tdsl (nn.tdsl + its unscheduled twin)
stdlib_source() {
    mkdir -p "$1" &&
    { cat stdlib/nn.tdsl; sed '/^schedule/,/^}/d' stdlib/nn.tdsl | sed -E 's/^fn ([a-z0-9_]+)\(/fn \1_ref(/'; } >"$1/nn_all.tdsl"
}

# the prototypes issue 9 and the ONNX importer fix (checked in the generated header)
STDLIB_SIGNATURES=(
    "int matmul(const tdsl_tensor *A, const tdsl_tensor *B, tdsl_tensor *C);"
    "int linear(const tdsl_tensor *X, const tdsl_tensor *W, const tdsl_tensor *B, tdsl_tensor *Y);"
    "int linear_relu(const tdsl_tensor *X, const tdsl_tensor *W, const tdsl_tensor *B, tdsl_tensor *Y);"
    "int conv3x3(const tdsl_tensor *I, const tdsl_tensor *K, const tdsl_tensor *B, tdsl_tensor *O);"
    "int softmax(const tdsl_tensor *X, tdsl_tensor *Y);"
    "int layernorm(const tdsl_tensor *X, const tdsl_tensor *G, const tdsl_tensor *B, tdsl_tensor *Y);"
    "int gelu(const tdsl_tensor *X, tdsl_tensor *Y);"
    # the fused kernels the ONNX importer calls
    "int conv3x3_act(const tdsl_tensor *I, const tdsl_tensor *K, const tdsl_tensor *B, float lo, float hi, tdsl_tensor *O);"
    "int conv3x3_res(const tdsl_tensor *I, const tdsl_tensor *K, const tdsl_tensor *B, const tdsl_tensor *R, float lo, float hi, tdsl_tensor *O);"
    "int conv3x3s2_act(const tdsl_tensor *I, const tdsl_tensor *K, const tdsl_tensor *B, float lo, float hi, tdsl_tensor *O);"
    "int conv1x1_act(const tdsl_tensor *I, const tdsl_tensor *K, const tdsl_tensor *B, float lo, float hi, tdsl_tensor *O);"
    "int conv1x1s2_act(const tdsl_tensor *I, const tdsl_tensor *K, const tdsl_tensor *B, float lo, float hi, tdsl_tensor *O);"
    "int conv7x7s2_act(const tdsl_tensor *I, const tdsl_tensor *K, const tdsl_tensor *B, float lo, float hi, tdsl_tensor *O);"
    "int linear_act(const tdsl_tensor *X, const tdsl_tensor *W, const tdsl_tensor *B, float lo, float hi, tdsl_tensor *Y);"
    "int linear_gemv_act(const tdsl_tensor *X, const tdsl_tensor *W, const tdsl_tensor *B, float lo, float hi, tdsl_tensor *Y);"
)

case_stdlib() {
    local name=${1#stdlib/} dir=$OUT/stdlib/${1#stdlib/} out ok=1
    # shellcheck disable=SC2206
    local san=($SAN)
    local flags=(-std=c11 -O1 -Wall -Wextra -I tests/e2e -I "$dir")
    stdlib_source "$dir" || { echo "FAIL stdlib/$name"; echo "  cannot write $dir/nn_all.tdsl"; return; }
    if [ "$name" = nn ]; then
        out=$(
            step "tdslc" timeout "$TIMEOUT" "$TDSLC" "$dir/nn_all.tdsl" -o "$dir/nn_all.o" || exit 1
            for sig in "${STDLIB_SIGNATURES[@]}"; do
                grep -qxF -- "$sig" "$dir/nn_all.h" || { echo "  $dir/nn_all.h does not declare: $sig"; exit 1; }
            done
            step "compiling the harness" "$CC" "${san[@]}" "${flags[@]}" tests/stdlib/nn_test.c "$dir/nn_all.o" \
                -lm -lpthread -o "$dir/nn_test" || exit 1
            [ -z "$step_out" ] || { echo "  warnings compiling the harness:"; show "$step_out"; }
            step "running" timeout "$TIMEOUT" "$dir/nn_test" || exit 1
            printf '%s\n' "$step_out" | tail -n 1
        ) || ok=0
    else
        local ld
        # shellcheck disable=SC2207
        ld=($(llvm_ldflags))
        out=$(
            step "tdslc --emit header" timeout "$TIMEOUT" "$TDSLC" --emit header "$dir/nn_all.tdsl" \
                -o "$dir/nn_all.h" || exit 1
            step "compiling the harness for the JIT" "$CC" "${san[@]}" "${flags[@]}" \
                -DTDSL_JIT_LOOKUP=tdsl_test_jit_lookup tests/stdlib/nn_test.c "$OUT/jit_shim.o" "$B/libtdsl.a" \
                "${ld[@]}" -lm -lpthread -lffi -lz -o "$dir/nn_test" || exit 1
            step "running against the JIT" env TDSL_JIT_FILE="$dir/nn_all.tdsl" timeout "$TIMEOUT" "$dir/nn_test" ||
                exit 1
            printf '%s\n' "$step_out" | tail -n 1
        ) || ok=0
    fi
    if [ $ok = 1 ]; then
        echo "PASS stdlib/$name ($(printf '%s\n' "$out" | tail -n 1))"
    else
        echo "FAIL stdlib/$name"
        printf '%s\n' "$out"
    fi
}
