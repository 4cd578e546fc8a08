# tests/pkg/group.sh - the `pkg` group of tests/run.sh (sourced by it): TDSL as
# a dependency of other projects.
#   pkg/cxx     three generated headers compiled as C++11 (g++ -Wall -Wextra -Werror
#               -pedantic) by tests/pkg/cxx_main.cpp: tdsl::tensor and the TDSL_F32
#               macros, results against plain loops, error codes; parameters named
#               like C and C++ keywords (tests/pkg/names.tdsl), that header also as C
#   pkg/install make install-files into a scratch prefix: every file in its place,
#               the man pages render, the installed tdslc finds the installed
#               stdlib (use nn) from any directory
#   pkg/cmake   tests/pkg/example (copied out of the tree) built with Debian's cmake
#               through find_package(TDSL) and tdsl_add_library (C++ program),
#               run; touching a schedule reruns tdslc
#   pkg/make    the same example built with plain make through tdsl.mk (C program)
# Each case installs into its own prefix under $OUT/pkg/ and builds in a copy
# of the example there, so nothing resolves back into the source tree.

list_pkg() {
    echo pkg/cxx
    echo pkg/install
    echo pkg/cmake
    echo pkg/make
}

case_pkg() {
    local name=${1#pkg/} out
    if out=$("pkg_$name" 2>&1); then
        echo "PASS pkg/$name${out:+ ($(printf '%s\n' "$out" | tail -n 1))}"
    else
        echo "FAIL pkg/$name"
        printf '%s\n' "$out"
    fi
}

# pkg_prefix NAME: installs into a fresh $OUT/pkg/NAME/prefix; prints its path
pkg_prefix() {
    local dir=$OUT/pkg/$1
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    step "make install-files" make --no-print-directory -s install-files B="$B" PREFIX="$PWD/$dir/prefix" >&2 ||
        return 1
    echo "$PWD/$dir/prefix"
}

pkg_cxx() {
    local dir=$OUT/pkg/cxx
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    command -v g++ >/dev/null || { echo "  no g++ (make test-deps installs it)"; return 1; }
    step "tdslc linear_relu" timeout "$TIMEOUT" "$TDSLC" examples/linear_relu.tdsl -o "$dir/linear_relu.o" &&
        step "tdslc scale" timeout "$TIMEOUT" "$TDSLC" examples/scale.tdsl -o "$dir/scale.o" &&
        step "tdslc names" timeout "$TIMEOUT" "$TDSLC" tests/pkg/names.tdsl -o "$dir/names.o" || return 1
    # the header with keyword-named parameters is still C
    printf '#include "names.h"\n' >"$dir/names_c.c"
    step "cc names.h" "$CC" -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I "$dir" "$dir/names_c.c" || return 1
    # shellcheck disable=SC2086
    step "g++" g++ $SAN -std=c++11 -O1 -Wall -Wextra -Werror -pedantic -I "$dir" tests/pkg/cxx_main.cpp \
        "$dir/linear_relu.o" "$dir/scale.o" "$dir/names.o" -lpthread -o "$dir/main" || return 1
    step "running" timeout "$TIMEOUT" "$dir/main" || return 1
    printf '%s\n' "$step_out" | tail -n 1
}

pkg_install() {
    local p f missing=""
    p=$(pkg_prefix install) || return 1
    for f in bin/tdslc bin/tdsl share/tdsl/stdlib/nn.tdsl include/tdsl_tensor.h share/man/man1/tdslc.1 \
        share/man/man1/tdsl.1 lib/cmake/TDSL/TDSLConfig.cmake lib/cmake/TDSL/TDSLConfigVersion.cmake \
        share/tdsl/tdsl.mk; do
        [ -f "$p/$f" ] || missing+=" $f"
    done
    [ -z "$missing" ] || { echo "  not installed:$missing"; return 1; }
    cmp -s runtime/tdsl_tensor.h "$p/include/tdsl_tensor.h" || { echo "  include/tdsl_tensor.h differs"; return 1; }
    if command -v man >/dev/null; then
        for f in tdslc tdsl; do
            step "man $f" env MANWIDTH=80 man -l "$p/share/man/man1/$f.1" || return 1
            grep -q "^NAME" <<<"$step_out" && grep -q "^SYNOPSIS" <<<"$step_out" ||
                { echo "  man $f has no NAME and SYNOPSIS"; show "$step_out"; return 1; }
        done
    fi
    # the installed tdslc, run from elsewhere, finds the installed stdlib (and not the tree's)
    local dir=$OUT/pkg/install/use
    mkdir -p "$dir" && printf 'use nn\nfn r(X: f32[n, d]) -> Y: f32[n, d] {\n    Y = relu(X)\n}\n' >"$dir/u.tdsl"
    step "installed tdslc with use nn" "$p/bin/tdslc" "$dir/u.tdsl" -o "$dir/u.o" || return 1
    [ -s "$dir/u.o" ] && grep -q 'int r(' "$dir/u.h" || { echo "  no u.o or no r() in u.h"; return 1; }
    echo "$(find "$p" -type f | wc -l) files"
}

# pkg_example NAME: a copy of tests/pkg/example in $OUT/pkg/NAME/src; prints its path
pkg_example() {
    local src=$OUT/pkg/$1/src
    mkdir -p "$src" && cp tests/pkg/example/* "$src/" && echo "$PWD/$src"
}

pkg_cmake() {
    command -v cmake >/dev/null || { echo "  no cmake (make test-deps installs it)"; return 1; }
    local p src bld
    p=$(pkg_prefix cmake) && src=$(pkg_example cmake) || return 1
    bld=$OUT/pkg/cmake/build
    mkdir -p "$bld" || return 1
    step "cmake" cmake -DCMAKE_PREFIX_PATH="$p" -S "$src" -B "$bld" || return 1
    step "cmake --build" cmake --build "$bld" || return 1
    step "running the example" timeout "$TIMEOUT" "$bld/example" || return 1
    local ran=$step_out
    # a changed schedule compiles the model again
    touch "$src/model.sched.tdsl"
    step "cmake --build again" cmake --build "$bld" || return 1
    grep -q "tdslc: model.o" <<<"$step_out" || { echo "  touching the schedule did not rerun tdslc"; show "$step_out"; return 1; }
    printf '%s\n' "$ran" | tail -n 1
}

pkg_make() {
    local p src
    p=$(pkg_prefix make) && src=$(pkg_example make) || return 1
    step "make" make --no-print-directory -C "$src" TDSL_PREFIX_DIR="$p" || return 1
    grep -q -- "--schedule model.sched.tdsl --target host" <<<"$step_out" ||
        { echo "  tdslc ran without the schedule and target"; show "$step_out"; return 1; }
    step "running the example" timeout "$TIMEOUT" "$src/example" || return 1
    local ran=$step_out
    touch "$src/model.sched.tdsl"
    step "make again" make --no-print-directory -C "$src" TDSL_PREFIX_DIR="$p" || return 1
    grep -q "bin/tdslc model.tdsl" <<<"$step_out" || { echo "  touching the schedule did not rerun tdslc"; show "$step_out"; return 1; }
    printf '%s\n' "$ran" | tail -n 1
}
