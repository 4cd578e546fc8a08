/* lecture4_main.c - runs lecture4_blas.tdsl's two MLPs, mlp_blas (matmuls in
 * OpenBLAS through extern fn) and mlp_tdsl (all TDSL), on the same random
 * inputs at a few sizes: the largest difference between their outputs, and
 * the median time of each (timings are figures, never asserted).
 *   lecture4_main [RUNS]     exit 1 if an output differs by more than 1e-3 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "examples/course/timing.h"
#include "mlp_blas.h"

typedef int (*MlpFn)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *,
                     const tdsl_tensor *, tdsl_tensor *);

typedef struct {
    const char *what;
    int64_t b, k, h, o;
} Size;

typedef struct {
    tdsl_tensor x, w1, b1, w2, b2;
} Inputs;

/* n values uniform in [-scale, scale), from a fixed LCG: the same every run */
static float *random_floats(int64_t n, float scale, unsigned *seed)
{
    float *p = malloc((size_t)n * sizeof(float));
    for (int64_t i = 0; i < n; i++) {
        *seed = *seed * 1664525u + 1013904223u;
        p[i] = scale * ((float)(*seed >> 8) / 8388608.0f - 1.0f);
    }
    return p;
}

/* Median of RUNS calls, each timed over enough repetitions to take >= 1 ms */
static double median_ms(MlpFn f, const Inputs *in, tdsl_tensor *y, int runs)
{
    int reps = 1;
    double t0 = course_now_ms();
    f(&in->x, &in->w1, &in->b1, &in->w2, &in->b2, y);
    double once = course_now_ms() - t0;
    if (once < 1.0) reps = (int)(1.0 / (once > 1e-4 ? once : 1e-4)) + 1;
    double *t = malloc((size_t)runs * sizeof(double));
    for (int r = 0; r < runs; r++) {
        t0 = course_now_ms();
        for (int i = 0; i < reps; i++) f(&in->x, &in->w1, &in->b1, &in->w2, &in->b2, y);
        t[r] = (course_now_ms() - t0) / reps;
    }
    double m = course_median(t, runs);
    free(t);
    return m;
}

/* Runs both at one size; returns the largest |mlp_blas - mlp_tdsl|, or -1 on an error */
static double compare_at(const Size *s, int runs)
{
    unsigned seed = 12345;
    float *x = random_floats(s->b * s->k, 1.0f, &seed), *w1 = random_floats(s->h * s->k, 1.0f / sqrtf(s->k), &seed);
    float *b1 = random_floats(s->h, 0.1f, &seed), *w2 = random_floats(s->o * s->h, 1.0f / sqrtf(s->h), &seed);
    float *b2 = random_floats(s->o, 0.1f, &seed);
    float *yb = malloc((size_t)(s->b * s->o) * sizeof(float)), *yt = malloc((size_t)(s->b * s->o) * sizeof(float));
    Inputs in = { TDSL_F32(x, s->b, s->k), TDSL_F32(w1, s->h, s->k), TDSL_F32(b1, s->h), TDSL_F32(w2, s->o, s->h),
                  TDSL_F32(b2, s->o) };
    tdsl_tensor YB = TDSL_F32(yb, s->b, s->o), YT = TDSL_F32(yt, s->b, s->o);
    int rc = mlp_blas(&in.x, &in.w1, &in.b1, &in.w2, &in.b2, &YB);
    if (rc == 0) rc = mlp_tdsl(&in.x, &in.w1, &in.b1, &in.w2, &in.b2, &YT);
    double err = -1;
    if (rc != 0) {
        char msg[128];
        fprintf(stderr, "%s: %s\n", s->what, tdsl_format_error(rc, msg, sizeof msg));
    } else {
        err = 0;
        for (int64_t i = 0; i < s->b * s->o; i++) err = fmax(err, fabs((double)yb[i] - (double)yt[i]));
        double tb = median_ms(mlp_blas, &in, &YB, runs), tt = median_ms(mlp_tdsl, &in, &YT, runs);
        printf("%-22s %5lld x %4lld -> %4lld -> %2lld   %9.4f   %9.4f   %.2g\n", s->what, (long long)s->b,
               (long long)s->k, (long long)s->h, (long long)s->o, tt, tb, err);
    }
    free(x), free(w1), free(b1), free(w2), free(b2), free(yb), free(yt);
    return err;
}

int main(int argc, char **argv)
{
    static const Size sizes[] = {
        { "digits (lecture 3)", 360, 64, 32, 10 },
        { "MNIST MLP, batch 256", 256, 784, 128, 10 },
        { "wide, batch 1024", 1024, 1024, 1024, 10 },
    };
    int runs = argc > 1 ? atoi(argv[1]) : 11;
    if (runs < 1) runs = 1;
    printf("%-22s %-27s %-11s %-11s %s\n", "model", "b x k -> h -> o", "TDSL ms", "BLAS ms", "max |diff|");
    int bad = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double err = compare_at(&sizes[i], runs);
        bad |= err < 0 || err > 1e-3;
    }
    printf("(median of %d runs; TDSL_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s)\n", runs,
           getenv("TDSL_NUM_THREADS") ? getenv("TDSL_NUM_THREADS") : "unset",
           getenv("OPENBLAS_NUM_THREADS") ? getenv("OPENBLAS_NUM_THREADS") : "unset");
    return bad;
}
