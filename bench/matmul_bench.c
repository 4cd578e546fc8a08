/* matmul_bench.c - sgemm m = n = k = N: tdsl's matmul (unscheduled, from
 * examples/matmul.tdsl) next to a naive C triple loop, side by side in one run,
 * median of several runs. Build and run: make bench. */
#include "matmul.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* the reference every C programmer writes first: i, j, r order */
__attribute__((noinline)) static void naive(const float *A, const float *B, float *C, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            float s = 0;
            for (int r = 0; r < n; r++) s += A[i * n + r] * B[r * n + j];
            C[i * n + j] = s;
        }
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1024, runs = argc > 2 ? atoi(argv[2]) : 5;
    float *A = malloc(sizeof(float) * n * n), *B = malloc(sizeof(float) * n * n);
    float *C = malloc(sizeof(float) * n * n), *D = malloc(sizeof(float) * n * n);
    for (int i = 0; i < n * n; i++) A[i] = (float)(i % 7) - 3, B[i] = (float)(i % 5) - 2;
    tdsl_tensor tA = TDSL_F32(A, n, n), tB = TDSL_F32(B, n, n), tC = TDSL_F32(C, n, n);
    double ttd[32], tnv[32], flop = 2.0 * n * n * n;
    if (runs > 32) runs = 32;
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        if (matmul(&tA, &tB, &tC)) return 1;
        double t1 = now();
        naive(A, B, D, n);
        double t2 = now();
        ttd[r] = t1 - t0;
        tnv[r] = t2 - t1;
    }
    for (int i = 0; i < n * n; i++)
        if (C[i] != D[i]) { fprintf(stderr, "mismatch at %d: %g vs %g\n", i, C[i], D[i]); return 1; }
    qsort(ttd, runs, sizeof(double), cmp);
    qsort(tnv, runs, sizeof(double), cmp);
    printf("matmul %d^3, median of %d runs (1 thread):\n", n, runs);
    printf("  tdsl default schedule   %8.1f ms  %6.2f GFLOP/s\n", ttd[runs / 2] * 1e3, flop / ttd[runs / 2] * 1e-9);
    printf("  naive C (gcc -O3 v3)    %8.1f ms  %6.2f GFLOP/s\n", tnv[runs / 2] * 1e3, flop / tnv[runs / 2] * 1e-9);
    printf("  ratio tdsl / naive      %8.2fx\n", tnv[runs / 2] / ttd[runs / 2]);
    free(A), free(B), free(C), free(D);
    return 0;
}
