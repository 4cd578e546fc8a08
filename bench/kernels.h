/* kernels.h - what the pieces of the kernels benchmark share: kernels.c (the
 * child's timing loop, matmul, linear), kernels_conv.c (the convolutions
 * against oneDNN), kernels_dnnl.c (the row kernels against oneDNN), kernels_gather.c (embedding and argmax_rows), kernels_table.c (the parent: children, table, plot). */
#ifndef TDSL_BENCH_KERNELS_H
#define TDSL_BENCH_KERNELS_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern int bench_runs;

typedef struct Err {
    double diff, scale;
} Err;

double now_s(void);
float *frand(size_t n, unsigned seed);
double time_median(int (*fn)(void *), void *arg);
void err_add(Err *e, double got, double want);
double err_value(const Err *e);
void report(const char *kernel, const char *size, int threads, const char *impl, double s, double flops, double bytes,
            double err);

void bench_convs(int threads);
void bench_rows(int n, int d, int threads);
void bench_gathers(int threads);   /* kernels_gather.c */
int bench_parent(int argc, char **argv);

#endif
