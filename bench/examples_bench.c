/* examples_bench.c - each example fn with its schedule next to the same fn
 * with no schedule (compiled from a copy whose fns are renamed NAME_ref and
 * whose schedule blocks are cut), side by side, on 1 or more threads
 * (TDSL_NUM_THREADS). Prints ms (median of runs), the speed-up and the largest
 * relative difference between the two results. */
#include "examples_sched.h"
#include "examples_ref.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static float *randf(size_t n, unsigned seed)
{
    float *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
    }
    return p;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define RUNS 7

typedef int (*Thunk)(void *ctx, int which);    /* which: 0 scheduled, 1 reference */

static double median_ms(Thunk f, void *ctx, int which)
{
    double t[RUNS];
    if (f(ctx, which)) {
        fprintf(stderr, "call failed\n");
        exit(1);
    }
    for (int r = 0; r < RUNS; r++) {
        double s = now_ms();
        f(ctx, which);
        t[r] = now_ms() - s;
    }
    qsort(t, RUNS, sizeof t[0], cmp_d);
    return t[RUNS / 2];
}

static double max_rel(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / (fabs((double)b[i]) + 1e-3);
        if (d > m) m = d;
    }
    return m;
}

static void report(const char *name, const char *shape, Thunk f, void *ctx, const float *y, const float *yr, size_t n)
{
    double ts = median_ms(f, ctx, 0), tr = median_ms(f, ctx, 1);
    printf("  %-12s %-26s scheduled %9.3f ms   unscheduled %9.3f ms   speed-up %6.1fx   max rel diff %.1e\n", name,
           shape, ts, tr, tr / ts, max_rel(y, yr, n));
}

/* ---- one context per example ---- */

typedef struct {
    tdsl_tensor a[4], y, yr;
} Ctx;

static int run_softmax(void *p, int w)
{
    Ctx *c = p;
    return w ? softmax_ref(&c->a[0], &c->yr) : softmax(&c->a[0], &c->y);
}
static int run_conv(void *p, int w)
{
    Ctx *c = p;
    return w ? conv3x3_ref(&c->a[0], &c->a[1], &c->yr) : conv3x3(&c->a[0], &c->a[1], &c->y);
}
static int run_blur(void *p, int w)
{
    Ctx *c = p;
    return w ? blur3_ref(&c->a[0], &c->yr) : blur3(&c->a[0], &c->y);
}
static int run_scale(void *p, int w)
{
    Ctx *c = p;
    return w ? scale_ref(&c->a[0], 1.5f, &c->yr) : scale(&c->a[0], 1.5f, &c->y);
}
static int run_linear(void *p, int w)
{
    Ctx *c = p;
    return w ? linear_ref(&c->a[0], &c->a[1], &c->a[2], &c->yr) : linear(&c->a[0], &c->a[1], &c->a[2], &c->y);
}
static int run_lrelu(void *p, int w)
{
    Ctx *c = p;
    return w ? linear_relu_ref(&c->a[0], &c->a[1], &c->a[2], &c->yr) : linear_relu(&c->a[0], &c->a[1], &c->a[2], &c->y);
}

int main(void)
{
    const char *th = getenv("TDSL_NUM_THREADS");
    printf("== examples: scheduled vs unscheduled, %s thread(s), median of %d runs\n", th ? th : "all", RUNS);
    {
        int n = 1024, d = 1024;
        float *x = randf((size_t)n * d, 1), *y = malloc(sizeof(float) * n * d), *yr = malloc(sizeof(float) * n * d);
        Ctx c = { .a = { TDSL_F32(x, n, d) }, .y = TDSL_F32(y, n, d), .yr = TDSL_F32(yr, n, d) };
        report("softmax", "X 1024x1024", run_softmax, &c, y, yr, (size_t)n * d);
        free(x), free(y), free(yr);
    }
    {
        int ch = 64, h = 56, w = 56, o = 64;
        float *i = randf((size_t)ch * h * w, 2), *k = randf((size_t)o * ch * 9, 3);
        float *y = malloc(sizeof(float) * o * h * w), *yr = malloc(sizeof(float) * o * h * w);
        Ctx c = { .a = { TDSL_F32(i, ch, h, w), TDSL_F32(k, o, ch, 3, 3) },
                  .y = TDSL_F32(y, o, h, w),
                  .yr = TDSL_F32(yr, o, h, w) };
        report("conv3x3", "64ch 56x56 -> 64ch", run_conv, &c, y, yr, (size_t)o * h * w);
        free(i), free(k), free(y), free(yr);
    }
    {
        int h = 2048, w = 2048;
        float *x = randf((size_t)h * w, 4), *y = malloc(sizeof(float) * h * w), *yr = malloc(sizeof(float) * h * w);
        Ctx c = { .a = { TDSL_F32(x, h, w) }, .y = TDSL_F32(y, h - 2, w - 2), .yr = TDSL_F32(yr, h - 2, w - 2) };
        report("blur3", "2048x2048", run_blur, &c, y, yr, (size_t)(h - 2) * (w - 2));
        free(x), free(y), free(yr);
    }
    {
        int n = 1 << 24;
        float *x = randf((size_t)n, 5), *y = malloc(sizeof(float) * n), *yr = malloc(sizeof(float) * n);
        Ctx c = { .a = { TDSL_F32(x, n) }, .y = TDSL_F32(y, n), .yr = TDSL_F32(yr, n) };
        report("scale", "16M", run_scale, &c, y, yr, (size_t)n);
        free(x), free(y), free(yr);
    }
    {
        int n = 256, k = 1024, m = 512;
        float *x = randf((size_t)n * k, 6), *wt = randf((size_t)m * k, 7), *b = randf((size_t)m, 8);
        float *y = malloc(sizeof(float) * n * m), *yr = malloc(sizeof(float) * n * m);
        Ctx c = { .a = { TDSL_F32(x, n, k), TDSL_F32(wt, m, k), TDSL_F32(b, m) },
                  .y = TDSL_F32(y, n, m),
                  .yr = TDSL_F32(yr, n, m) };
        report("linear", "256x1024 . 512x1024^T", run_linear, &c, y, yr, (size_t)n * m);
        report("linear_relu", "256x1024 . 512x1024^T", run_lrelu, &c, y, yr, (size_t)n * m);
        free(x), free(wt), free(b), free(y), free(yr);
    }
    return 0;
}
