/* kernels.c - stdlib/nn.tdsl against the libraries on this machine, in one
 * process per thread count: matmul and linear against OpenBLAS cblas_sgemm
 * (NN; NT plus a bias pass), the convolutions against oneDNN's
 * (kernels_conv.c), softmax, layer normalization and eltwise
 * gelu_erf against oneDNN, and the memory-bound kernels against a STREAM
 * triad measured in the same process. Medians of several runs; every result
 * is checked against a double-precision reference (on a sample of rows).
 *
 * The thread pool reads TDSL_NUM_THREADS once and oneDNN's OpenMP reads
 * OMP_NUM_THREADS once, so the parent runs this program again as a child per
 * thread count (--child T) with both set, and writes the table of both to
 * build/bench/kernels.md and the bar chart data to kernels.dat (plotted by
 * bench/kernels.gp). --torch FILE adds a PyTorch eager column from lines
 * "kernel|size|threads|ms" (bench/kernels_torch.py), when that file exists.
 * Build and run: make bench-kernels. One group of one child, printing its
 * lines only: kernels --child THREADS gemm|conv|rows|gather. */
#include "bench/kernels.h"
#include "nn.h"
#include "nn_host.h"
#include <omp.h>

/* OpenBLAS (libopenblas-dev); declared here so any cblas.h variant will do */
enum { CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112 };
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *A, int lda, const float *B,
                 int ldb, float beta, float *C, int ldc);
void openblas_set_num_threads(int n);

int bench_runs = 5;

double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

float *frand(size_t n, unsigned seed)
{
    float *p = malloc(n * sizeof(float));
    if (!p) {
        fprintf(stderr, "kernels: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)((seed >> 8) * (2.0 / 16777216.0) - 1.0);
    }
    return p;
}

/* median seconds of bench_runs calls after one warm-up; NAN if a call fails */
double time_median(int (*fn)(void *), void *arg)
{
    double t[64];
    if (fn(arg)) return NAN;
    for (int k = 0; k < bench_runs; k++) {
        double t0 = now_s();
        if (fn(arg)) return NAN;
        t[k] = now_s() - t0;
    }
    qsort(t, bench_runs, sizeof(double), cmp_d);
    return t[bench_runs / 2];
}

/* normwise error of sampled rows: max |got - want| / max |want| */
void err_add(Err *e, double got, double want)
{
    double d = fabs(got - want);
    if (!(d <= e->diff)) e->diff = d;   /* NaN sticks */
    if (fabs(want) > e->scale) e->scale = fabs(want);
}
double err_value(const Err *e) { return e->scale > 0 ? e->diff / e->scale : e->diff; }

/* ---- STREAM triad a = b + s c, GB/s counting 3 arrays ---- */

static double triad_gbs(void)
{
    size_t n = (size_t)32 << 20;
    float *a = frand(n, 1), *b = frand(n, 2), *c = frand(n, 3);
    double best = 1e30;
    for (int k = 0; k < bench_runs + 1; k++) {
        double t0 = now_s();
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++) a[i] = b[i] + 3.0f * c[i];
        double t = now_s() - t0;
        if (k && t < best) best = t;
    }
    free(a), free(b), free(c);
    return 3.0 * 4.0 * n / best * 1e-9;
}

/* ---- matmul: C = A B, n x n ---- */

typedef struct Mm {
    int n;
    float *a, *b, *c;
    int host;
} Mm;

static int mm_tdsl(void *p)
{
    Mm *m = p;
    tdsl_tensor A = TDSL_F32(m->a, m->n, m->n), B = TDSL_F32(m->b, m->n, m->n), C = TDSL_F32(m->c, m->n, m->n);
    return m->host ? matmul_host(&A, &B, &C) : matmul(&A, &B, &C);
}
static int mm_blas(void *p)
{
    Mm *m = p;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m->n, m->n, m->n, 1.0f, m->a, m->n, m->b, m->n, 0.0f, m->c,
                m->n);
    return 0;
}
static double mm_check(const Mm *m)
{
    Err e = { 0 };
    int n = m->n;
    for (int i = 0; i < n; i += 61)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = 0; r < n; r++) s += (double)m->a[(size_t)i * n + r] * m->b[(size_t)r * n + j];
            err_add(&e, m->c[(size_t)i * n + j], s);
        }
    return err_value(&e);
}

static void bench_matmul(int n, int threads)
{
    Mm m = { n, frand((size_t)n * n, 1), frand((size_t)n * n, 2), calloc((size_t)n * n, 4), 0 };
    double fl = 2.0 * n * n * n, t, e;
    char size[32];
    snprintf(size, sizeof size, "%d", n);
    t = time_median(mm_tdsl, &m), e = mm_check(&m);
    report("matmul", size, threads, "tdsl", t, fl, 0, e);
    m.host = 1;
    t = time_median(mm_tdsl, &m), e = mm_check(&m);
    report("matmul", size, threads, "tdsl-host", t, fl, 0, e);
    t = time_median(mm_blas, &m), e = mm_check(&m);
    report("matmul", size, threads, "OpenBLAS", t, fl, 0, e);
    free(m.a), free(m.b), free(m.c);
}

/* ---- linear: Y = X W^T + B ---- */

typedef struct Lin {
    int n, k, m;
    float *x, *w, *b, *y;
    int host;
} Lin;

static int lin_tdsl(void *p)
{
    Lin *l = p;
    tdsl_tensor X = TDSL_F32(l->x, l->n, l->k), W = TDSL_F32(l->w, l->m, l->k), B = TDSL_F32(l->b, l->m);
    tdsl_tensor Y = TDSL_F32(l->y, l->n, l->m);
    return l->host ? linear_host(&X, &W, &B, &Y) : linear(&X, &W, &B, &Y);
}
static int lin_blas(void *p)
{
    Lin *l = p;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, l->n, l->m, l->k, 1.0f, l->x, l->k, l->w, l->k, 0.0f, l->y,
                l->m);
    for (int i = 0; i < l->n; i++)
        for (int j = 0; j < l->m; j++) l->y[(size_t)i * l->m + j] += l->b[j];
    return 0;
}
static double lin_check(const Lin *l)
{
    Err e = { 0 };
    for (int i = 0; i < l->n; i += 7)
        for (int j = 0; j < l->m; j++) {
            double s = l->b[j];
            for (int r = 0; r < l->k; r++) s += (double)l->x[(size_t)i * l->k + r] * l->w[(size_t)j * l->k + r];
            err_add(&e, l->y[(size_t)i * l->m + j], s);
        }
    return err_value(&e);
}

static void bench_linear(int n, int k, int m, int threads)
{
    Lin l = { n, k, m, frand((size_t)n * k, 1), frand((size_t)m * k, 2), frand(m, 3), calloc((size_t)n * m, 4), 0 };
    double fl = 2.0 * n * k * m, t, e;
    char size[48];
    snprintf(size, sizeof size, "%dx%d->%d", n, k, m);
    t = time_median(lin_tdsl, &l), e = lin_check(&l);
    report("linear", size, threads, "tdsl", t, fl, 0, e);
    l.host = 1;
    t = time_median(lin_tdsl, &l), e = lin_check(&l);
    report("linear", size, threads, "tdsl-host", t, fl, 0, e);
    t = time_median(lin_blas, &l), e = lin_check(&l);
    report("linear", size, threads, "OpenBLAS", t, fl, 0, e);
    free(l.x), free(l.w), free(l.b), free(l.y);
}

/* ---- the child: every kernel at its bench sizes on `threads` threads ---- */

/* only: NULL for all, or "gemm", "conv", "rows", "gather" for one group */
static int child(int threads, const char *only)
{
    openblas_set_num_threads(threads);
    omp_set_num_threads(threads);
    if (!only || !strcmp(only, "gather")) printf("triad|-|%d|%.3f\n", threads, triad_gbs()); /* gather's yardstick */
    if (!only || !strcmp(only, "gemm")) {
        bench_matmul(1024, threads);
        bench_matmul(2048, threads);
        bench_linear(256, 1024, 512, threads);
        bench_linear(64, 784, 128, threads);
    }
    if (!only || !strcmp(only, "conv")) bench_convs(threads);
    if (!only || !strcmp(only, "rows")) bench_rows(4096, 4096, threads);
    if (!only || !strcmp(only, "gather")) bench_gathers(threads);
    fflush(stdout);
    return 0;
}

/* "kernel|size|threads|impl|ms|rate|unit|err" for the parent */
void report(const char *kernel, const char *size, int threads, const char *impl, double s, double flops, double bytes,
            double err)
{
    double rate = bytes > 0 ? bytes / s * 1e-9 : flops / s * 1e-9;
    printf("%s|%s|%d|%s|%.4f|%.2f|%s|%.2g\n", kernel, size, threads, impl, s * 1e3, rate,
           bytes > 0 ? "GB/s" : "GFLOP/s", err);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (getenv("BENCH_RUNS")) bench_runs = atoi(getenv("BENCH_RUNS"));
    if (bench_runs < 1 || bench_runs > 64) bench_runs = 5;
    if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--child"))
        return child(atoi(argv[2]), argc == 4 ? argv[3] : NULL);
    return bench_parent(argc, argv);
}
