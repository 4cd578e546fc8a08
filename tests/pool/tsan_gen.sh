# tests/pool/tsan_gen.sh - generated parallel code under ThreadSanitizer (sourced
# by tests/pool/group.sh). tdslc --emit llvm gives the optimized module with
# the thread pool linked in; opt scalarizes its vector loads and stores (TSan
# leaves accesses wider than 16 bytes uninstrumented), every function it
# defines is marked sanitize_thread, and $CLANG -O0 -fsanitize=thread compiles
# it, so the kernels, their parallel bodies and the pool are all instrumented;
# the harness is built with the same flags (whatever $SAN is).
#   pool/tsan-gen-NAME  a scheduled harness with parallel loops (tests/pool/par_sched,
#                       tests/e2e/sched_basic), 3 threads: passes with 0 reports
#   pool/tsan-control   tests/pool/race.c, two threads writing one result through
#                       generated code: TSan must report the race
# SKIP when $CLANG cannot link a -fsanitize=thread program (libclang-rt-19-dev).
CLANG=${CLANG:-clang-19}
POOL_TSAN_GEN="par_sched sched_basic"
POOL_TSAN_OPTS="halt_on_error=1 exitcode=66"

# pool_tsan_object SRC DIR NAME: DIR/NAME.o, instrumented, and DIR/NAME.h
pool_tsan_object() {
    local src=$1 dir=$2 name=$3
    step "tdslc --emit llvm" timeout "$TIMEOUT" "$TDSLC" "$src" --emit llvm -o "$dir/$name.ll" || return 1
    step "tdslc --emit header" timeout "$TIMEOUT" "$TDSLC" "$src" --emit header -o "$dir/$name.h" || return 1
    step "opt: scalarizing" "$($LLVM_CONFIG --bindir)/opt" -passes=scalarize-masked-mem-intrin,scalarizer \
        -scalarize-load-store -S "$dir/$name.ll" -o "$dir/$name.scalar.ll" || return 1
    # attribute groups of defined functions get sanitize_thread
    awk 'NR == FNR { if ($1 == "define") for (i = 1; i <= NF; i++) if ($i ~ /^#[0-9]+$/) g[$i] = 1; next }
         $1 == "attributes" && ($2 in g) { sub(/= \{ /, "= { sanitize_thread ") } { print }' \
        "$dir/$name.scalar.ll" "$dir/$name.scalar.ll" >"$dir/$name.tsan.ll"
    step "$CLANG -fsanitize=thread (the module)" "$CLANG" -fsanitize=thread -O0 -c "$dir/$name.tsan.ll" \
        -o "$dir/$name.o" || return 1
    nm "$dir/$name.o" | grep -q ' U __tsan_write' || { echo "  $name.o has no instrumented writes"; return 1; }
}

pool_tsan_gen() {
    local name=$1 dir=$OUT/pool/tsan-gen-$1 src harness out
    mkdir -p "$dir"
    case $name in
    par_sched) src=tests/pool/par_sched.tdsl harness=tests/pool/par_sched.c ;;
    race) src=tests/pool/race.tdsl harness=tests/pool/race.c ;;
    *) src=tests/e2e/$name.tdsl harness=tests/e2e/$name.c ;;
    esac
    local id=tsan-gen-$name
    [ "$name" = race ] && id=tsan-control
    if ! echo 'int main(void){return 0;}' | "$CLANG" -fsanitize=thread -x c - -o "$dir/probe" 2>/dev/null; then
        echo "SKIP pool/$id ($CLANG cannot link -fsanitize=thread: libclang-rt-19-dev; make test installs it)"
        return
    fi
    out=$(
        pool_tsan_object "$src" "$dir" "$name" || exit 1
        step "compiling the harness with -fsanitize=thread" "$CLANG" -fsanitize=thread -std=gnu11 -O1 -g -Wall \
            -I tests/e2e -I "$dir" "$harness" "$dir/$name.o" -lm -lpthread -o "$dir/$name" || exit 1
        if [ "$name" = race ]; then
            local o rc
            o=$(env TSAN_OPTIONS="$POOL_TSAN_OPTS" timeout "$TIMEOUT" "$dir/$name" 2>&1)
            rc=$?
            if [ $rc -ne 66 ] || [[ $o != *"data race"*"twice"* ]]; then
                echo "  TSan exited $rc without the race in twice (expected exit 66 and a 'data race' report)"
                show "$o"
                exit 1
            fi
            exit 0
        fi
        step "running under TSan with TDSL_NUM_THREADS=3" env TDSL_NUM_THREADS=3 TSAN_OPTIONS="$POOL_TSAN_OPTS" \
            timeout "$TIMEOUT" "$dir/$name" || exit 1
        printf '%s\n' "$step_out" | tail -n 1
    )
    if [ $? -eq 0 ]; then
        echo "PASS pool/$id${out:+ ($(printf '%s\n' "$out" | tail -n 1), 0 reports)}"
    else
        echo "FAIL pool/$id"
        printf '%s\n' "$out"
    fi
}
