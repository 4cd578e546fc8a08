/* matmul_bench.c - sgemm C = A B, m = n = k = N, in GFLOP/s: tdsl's matmul with
 * the schedule of examples/matmul.tdsl (compiled for x86-64-v3 and for the host
 * CPU), tdsl's matmul with no schedule, a naive C triple loop and OpenBLAS
 * cblas_sgemm, side by side, on 1 and 2 threads; medians of several runs.
 *
 * The thread pool reads TDSL_NUM_THREADS once, at first use, so each thread
 * count runs in a child process (this program with --child), and the parent
 * prints one table. Within a child every repetition runs every variant in turn,
 * so noise on this shared machine falls on all of them alike. The naive loop
 * and the unscheduled fn are single-threaded code: they run in the 1-thread
 * child only, and from N >= 1024 only over the first 128 rows of C (m = 128,
 * the same code; the table marks them and counts the flops of those rows).
 * A second column gives 1-thread rates by the CPU time of the calling thread,
 * which time spent descheduled does not inflate. Every result is checked
 * against a double-precision reference on a sample of rows; the error shown is
 * the largest |C - R| / (|A| |B|) there, and the unscheduled result must equal
 * the scheduled one bit for bit. Build and run: make bench. */
#include "matmul.h"             /* matmul: examples/matmul.tdsl, x86-64-v3 */
#include "matmul_host.h"        /* the same schedule, --target host */
#include "matmul_default.h"     /* the same fn with no schedule */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* OpenBLAS (libopenblas-dev); declared here so any cblas.h variant will do */
enum { CblasRowMajor = 101, CblasNoTrans = 111 };
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *A, int lda, const float *B,
                 int ldb, float beta, float *C, int ldc);
void openblas_set_num_threads(int n);

#define MAX_RUNS 32
enum { V_BEST, V_HOST, V_DEFAULT, V_NAIVE, V_BLAS, NVAR };
static const char *const names[NVAR] = {
    "tdsl schedule (x86-64-v3)",   "tdsl schedule (--target host)", "tdsl no schedule",
    "naive C (gcc -O3 x86-64-v3)", "OpenBLAS cblas_sgemm",
};

static double clock_s(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* the loop every C programmer writes first: i, j, r order, rows 0..m-1 */
__attribute__((noinline)) static void naive(const float *A, const float *B, float *C, int m, int n, int k)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0;
            for (int r = 0; r < k; r++) s += A[(size_t)i * k + r] * B[(size_t)r * n + j];
            C[(size_t)i * n + j] = s;
        }
}

/* ---- child: one thread count, one size; prints "variant median_s rows err" lines ---- */

typedef struct Run {
    int n, rows;                /* C rows this variant computes */
    float *C;
    double t[MAX_RUNS], cpu[MAX_RUNS];   /* wall time; CPU time of this thread */
} Run;

static int call(int v, const float *A, const float *B, Run *r)
{
    int n = r->n, m = r->rows;
    tdsl_tensor tA = TDSL_F32((float *)A, m, n), tB = TDSL_F32((float *)B, n, n), tC = TDSL_F32(r->C, m, n);
    switch (v) {
    case V_BEST: return matmul(&tA, &tB, &tC);
    case V_HOST: return matmul_host(&tA, &tB, &tC);
    case V_DEFAULT: return matmul_default(&tA, &tB, &tC);
    case V_NAIVE: naive(A, B, r->C, m, n, n); return 0;
    case V_BLAS:
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, n, 1.0f, A, n, B, n, 0.0f, r->C, n);
        return 0;
    }
    return 1;
}

/* max over checked rows of |C - R| / (|A||B|), R in double */
static double check(const float *A, const float *B, const Run *r)
{
    int n = r->n;
    double *R = malloc(sizeof(double) * n), *S = malloc(sizeof(double) * n), worst = 0;
    for (int i = 0; i < r->rows; i++) {
        if (i >= 8 && i < r->rows - 8 && i % 61) continue;
        memset(R, 0, sizeof(double) * n), memset(S, 0, sizeof(double) * n);
        for (int q = 0; q < n; q++) {
            double a = A[(size_t)i * n + q];
            const float *b = B + (size_t)q * n;
            for (int j = 0; j < n; j++) R[j] += a * b[j], S[j] += fabs(a) * fabs(b[j]);
        }
        for (int j = 0; j < n; j++) {
            double e = fabs(r->C[(size_t)i * n + j] - R[j]) / (S[j] > 0 ? S[j] : 1);
            if (!(e <= worst)) worst = e;       /* NaN sticks */
        }
    }
    free(R), free(S);
    return worst;
}

static int child(int n, int threads, int runs)
{
    openblas_set_num_threads(threads);
    float *A = malloc(sizeof(float) * n * n), *B = malloc(sizeof(float) * n * n);
    srand(12345);
    for (size_t i = 0; i < (size_t)n * n; i++) A[i] = rand() / (float)RAND_MAX * 2 - 1;
    for (size_t i = 0; i < (size_t)n * n; i++) B[i] = rand() / (float)RAND_MAX * 2 - 1;
    bool on[NVAR] = { true, true, threads == 1, threads == 1, true };
    int slow_rows = n >= 1024 ? 128 : n;         /* rows of C the slow variants compute */
    Run run[NVAR];
    for (int v = 0; v < NVAR; v++) {
        run[v].n = n;
        run[v].rows = v == V_DEFAULT || v == V_NAIVE ? slow_rows : n;
        run[v].C = on[v] ? calloc((size_t)n * n, sizeof(float)) : NULL;
        if (on[v] && call(v, A, B, &run[v])) return fprintf(stderr, "%s failed\n", names[v]), 1;   /* warm-up */
    }
    for (int k = 0; k < runs; k++)
        for (int v = 0; v < NVAR; v++) {
            if (!on[v]) continue;
            double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
            if (call(v, A, B, &run[v])) return fprintf(stderr, "%s failed\n", names[v]), 1;
            run[v].cpu[k] = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
            run[v].t[k] = clock_s(CLOCK_MONOTONIC) - t0;
            if (v == V_BLAS && threads > 1) usleep(100000);   /* let OpenBLAS's spinning workers sleep */
        }
    if (on[V_DEFAULT] && memcmp(run[V_DEFAULT].C, run[V_BEST].C, sizeof(float) * slow_rows * n)) {
        fprintf(stderr, "the scheduled matmul differs from the unscheduled one\n");
        return 1;
    }
    for (int v = 0; v < NVAR; v++) {
        if (!on[v]) continue;
        qsort(run[v].t, runs, sizeof(double), cmp);
        qsort(run[v].cpu, runs, sizeof(double), cmp);
        printf("%d %.9f %.9f %d %.3g\n", v, run[v].t[runs / 2], run[v].cpu[runs / 2], run[v].rows,
               check(A, B, &run[v]));
        free(run[v].C);
    }
    free(A), free(B);
    return 0;
}

/* ---- parent: a child per (size, thread count), one table ---- */

typedef struct Cell {
    bool ok;
    double sec, cpu, err;
    int rows;
} Cell;

static int measure(const char *self, int n, int threads, int runs, Cell *out)
{
    char cmd[8448];
    snprintf(cmd, sizeof cmd, "TDSL_NUM_THREADS=%d OPENBLAS_NUM_THREADS=%d '%s' --child %d %d %d", threads, threads,
             self, n, threads, runs);
    FILE *p = popen(cmd, "r");
    if (!p) return 1;
    int v, rows;
    double sec, cpu, err;
    while (fscanf(p, "%d %lf %lf %d %lf", &v, &sec, &cpu, &rows, &err) == 5)
        if (v >= 0 && v < NVAR) out[v] = (Cell){ true, sec, cpu, err, rows };
    return pclose(p) != 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "--child")) return child(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    int runs = 5, sizes[8], ns = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc) runs = atoi(argv[++i]);
        else if (ns < 8) sizes[ns++] = atoi(argv[i]);
    }
    if (!ns) sizes[ns++] = 1024;
    if (runs < 1) runs = 1;
    if (runs > MAX_RUNS) runs = MAX_RUNS;
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) return fprintf(stderr, "cannot find /proc/self/exe\n"), 1;
    self[len] = 0;
    int bad = 0;
    for (int s = 0; s < ns; s++) {
        int n = sizes[s];
        Cell c[2][NVAR] = { 0 };
        for (int t = 0; t < 2; t++) bad |= measure(self, n, t + 1, runs, c[t]);
        double flop = 2.0 * n * n;
        printf("matmul %d^3 (f32), GFLOP/s, median of %d runs%s\n", n, runs,
               n >= 1024 ? " (*: over the first 128 rows of C)" : "");
        printf("  %-31s %9s %9s %9s %9s\n", "", "1 thread", "1t (cpu)", "2 threads", "max err");
        for (int v = 0; v < NVAR; v++) {
            Cell *a = &c[0][v], *b = &c[1][v];
            printf("  %-30s%s", names[v], a->ok && a->rows < n ? "*" : " ");
            if (a->ok) printf(" %9.1f %9.1f", flop * a->rows / a->sec * 1e-9, flop * a->rows / a->cpu * 1e-9);
            else printf(" %9s %9s", "-", "-");
            if (b->ok) printf(" %9.1f", flop * b->rows / b->sec * 1e-9);
            else printf(" %9s", "-");
            printf(" %9.1e\n", fmax(a->ok ? a->err : 0, b->ok ? b->err : 0));
        }
        /* ratios of times per flop: > 1 means tdsl is faster */
        Cell *o1 = &c[0][V_BLAS], *o2 = &c[1][V_BLAS];
        for (int v = V_BEST; v <= V_HOST; v++) {
            Cell *a = &c[0][v], *b = &c[1][v];
            if (!a->ok || !b->ok || !o1->ok || !o2->ok) continue;
            printf("  %s / OpenBLAS: %.2f (1 thread), %.2f (1 thread, cpu), %.2f (2 threads); 2-thread speedup %.2f"
                   " (OpenBLAS %.2f)\n",
                   v == V_BEST ? "tdsl x86-64-v3" : "tdsl host     ", o1->sec / a->sec, o1->cpu / a->cpu,
                   o2->sec / b->sec, a->sec / b->sec, o1->sec / o2->sec);
        }
        Cell *b1 = &c[0][V_BEST], *d = &c[0][V_DEFAULT], *nv = &c[0][V_NAIVE];
        if (b1->ok && d->ok && nv->ok)
            printf("  tdsl schedule (1 thread) / no schedule: %.1fx, / naive C: %.1fx\n",
                   d->sec * n / d->rows / b1->sec, nv->sec * n / nv->rows / b1->sec);
    }
    return bad;
}
