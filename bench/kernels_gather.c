/* kernels_gather.c - the data-dependent kernels of stdlib/nn.tdsl against the
 * STREAM triad of the same run: embedding (a gather of 64-float rows of a
 * table larger than the caches, at random indices) and argmax_rows (over
 * 4096-wide rows). Rates count the bytes each must move: the rows read and
 * written and the indices for the gather, the matrix read and the positions
 * written for argmax. Both are checked exactly against plain C. */
#include "bench/kernels.h"
#include "nn.h"
#include "nn_host.h"

typedef struct Gather {
    int v, d, n;
    float *t, *e;
    int64_t *idx;
    int host;
} Gather;

static int gather_tdsl(void *p)
{
    Gather *g = p;
    tdsl_tensor T = TDSL_F32(g->t, g->v, g->d), I = TDSL_I64(g->idx, g->n), E = TDSL_F32(g->e, g->n, g->d);
    return g->host ? embedding_host(&T, &I, &E) : embedding(&T, &I, &E);
}

static double gather_check(const Gather *g)
{
    for (int r = 0; r < g->n; r++)
        if (memcmp(g->e + (size_t)r * g->d, g->t + (size_t)g->idx[r] * g->d, (size_t)g->d * 4)) return 1;
    return 0;
}

static void bench_gather(int v, int d, int n, int threads)
{
    Gather g = { v, d, n, frand((size_t)v * d, 1), calloc((size_t)n * d, 4), malloc((size_t)n * 8), 0 };
    unsigned s = 7;
    for (int r = 0; r < n; r++) g.idx[r] = (s = s * 1664525u + 1013904223u) % (unsigned)v;
    char size[48];
    snprintf(size, sizeof size, "%dx%d[%d]", v, d, n);
    double bytes = 8.0 * n * d + 8.0 * n, t = time_median(gather_tdsl, &g);
    report("embedding", size, threads, "tdsl", t, 0, bytes, gather_check(&g));
    g.host = 1;
    t = time_median(gather_tdsl, &g);
    report("embedding", size, threads, "tdsl-host", t, 0, bytes, gather_check(&g));
    free(g.t), free(g.e), free(g.idx);
}

typedef struct Argmax {
    int n, d;
    float *x;
    int64_t *p;
    int host;
} Argmax;

static int argmax_tdsl(void *p)
{
    Argmax *a = p;
    tdsl_tensor X = TDSL_F32(a->x, a->n, a->d), P = TDSL_I64(a->p, a->n);
    return a->host ? argmax_rows_host(&X, &P) : argmax_rows(&X, &P);
}

static double argmax_check(const Argmax *a)
{
    for (int i = 0; i < a->n; i++) {
        const float *row = a->x + (size_t)i * a->d;
        int64_t at = 0;
        for (int j = 1; j < a->d; j++)
            if (row[j] > row[at]) at = j;
        if (a->p[i] != at) return 1;
    }
    return 0;
}

static void bench_argmax(int n, int d, int threads)
{
    Argmax a = { n, d, frand((size_t)n * d, 2), calloc(n, 8), 0 };
    char size[48];
    snprintf(size, sizeof size, "%dx%d", n, d);
    double bytes = 4.0 * n * d + 8.0 * n, t = time_median(argmax_tdsl, &a);
    report("argmax_rows", size, threads, "tdsl", t, 0, bytes, argmax_check(&a));
    a.host = 1;
    t = time_median(argmax_tdsl, &a);
    report("argmax_rows", size, threads, "tdsl-host", t, 0, bytes, argmax_check(&a));
    free(a.x), free(a.p);
}

void bench_gathers(int threads)
{
    bench_gather(1 << 18, 64, 1 << 17, threads);
    bench_argmax(4096, 4096, threads);
}
