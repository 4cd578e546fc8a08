#!/bin/sh
# lecture4_blas.sh - lecture 4 end to end: compile lecture4_blas.tdsl (one MLP
# whose matmuls call OpenBLAS through extern fn, one all TDSL), link it with
# examples/blas/sgemm_nt.c (the cblas_sgemm wrapper with the entry-point ABI)
# and lecture4_main.c, and compare the two MLPs' outputs and times.
# Run from anywhere: sh examples/course/lecture4_blas.sh
# (needs `make` and libopenblas-dev; writes only under build/course/lecture4/).
# One thread each by default, for a like-for-like comparison; set
# TDSL_NUM_THREADS / OPENBLAS_NUM_THREADS to change that.
set -e
cd "$(dirname "$0")/../.."
B=${B:-build}
CC=${CC:-cc}
OUT=$B/course/lecture4
export TDSL_NUM_THREADS=${TDSL_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
[ -x "$B/tdslc" ] || { echo "$B/tdslc is missing: run make first" >&2; exit 1; }
mkdir -p "$OUT"

run() { echo "\$ $*"; "$@"; }
# the model, with examples/blas/ on the module path for `use linear_blas`
run "$B/tdslc" -I examples/blas examples/course/lecture4_blas.tdsl -o "$OUT/mlp_blas.o"
# sgemm_nt.c includes the header of linear_blas.tdsl, which declares my_sgemm_nt
run "$B/tdslc" examples/blas/linear_blas.tdsl --emit header -o "$OUT/linear_blas.h"
run "$CC" -O2 -I. -I"$OUT" -o "$OUT/lecture4_main" examples/course/lecture4_main.c examples/blas/sgemm_nt.c \
    "$OUT/mlp_blas.o" -lopenblas -lm -lpthread
run "$OUT/lecture4_main" "${RUNS:-11}"
echo "lecture 4: ok, mlp_blas (OpenBLAS) matches mlp_tdsl"
