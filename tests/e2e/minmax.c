/* minmax: functions with several results. */
#include "harness.h"
#include "minmax.h"

static void run(int n, int d)
{
    float *x = ALLOC(float, n *d), *mn = ALLOC(float, n), *mx = ALLOC(float, n);
    float *mnr = ALLOC(float, n), *mxr = ALLOC(float, n);
    float *s = ALLOC(float, n), *q = ALLOC(float, n), *r = ALLOC(float, n *d);
    float *sr = ALLOC(float, n), *qr = ALLOC(float, n), *rr = ALLOC(float, n *d);
    fill_f32(x, (size_t)n * d);
    for (int i = 0; i < n; i++) {
        float a = INFINITY, b = -INFINITY, su = 0.0f, sq = 0.0f;
        for (int j = 0; j < d; j++) {
            float v = x[i * d + j];
            a = fminf(a, v), b = fmaxf(b, v), su += v, sq += v * v;
        }
        mnr[i] = a, mxr[i] = b, sr[i] = su, qr[i] = sq;
        for (int j = 0; j < d; j++) rr[i * d + j] = x[i * d + j] - su;
    }
    tdsl_tensor X = TDSL_F32(x, n, d), Mn = TDSL_F32(mn, n), Mx = TDSL_F32(mx, n);
    if (CHECK_OK(minmax(&X, &Mn, &Mx))) {
        check_equal_f32(LABEL("minmax.Mn %dx%d", n, d), mn, mnr, (size_t)n);
        check_equal_f32(LABEL("minmax.Mx %dx%d", n, d), mx, mxr, (size_t)n);
    }
    tdsl_tensor S = TDSL_F32(s, n), Q = TDSL_F32(q, n), R = TDSL_F32(r, n, d);
    if (CHECK_OK(stats(&X, &S, &Q, &R))) {
        check_close_f32(LABEL("stats.S %dx%d", n, d), s, sr, (size_t)n, 1e-5, 1e-6 * d);
        check_close_f32(LABEL("stats.Q %dx%d", n, d), q, qr, (size_t)n, 1e-5, 1e-6 * d);
        check_close_f32(LABEL("stats.R %dx%d", n, d), r, rr, (size_t)n * d, 1e-5, 1e-6 * d);
    }
    free(x), free(mn), free(mx), free(mnr), free(mxr);
    free(s), free(q), free(r), free(sr), free(qr), free(rr);
}

int main(void)
{
    harness_init();
    run(37, 53);
    run(64, 128);
    run(1, 1);
    run(7, 1);
    run(1, 1000);
    return harness_done("minmax");
}
