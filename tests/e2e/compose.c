/* compose: a model built from calls (whole-tensor bindings), a multi-result
 * call and a scalar argument passed through; callees are checked alone too. */
#include "harness.h"
#include "compose.h"

static void ref_mm(const float *a, const float *b, float *c, int m, int k, int n)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
            c[i * n + j] = s;
        }
}

static void run(int b, int d, int h, int c, float s)
{
    float *x = ALLOC(float, b *d), *w1 = ALLOC(float, d *h), *w2 = ALLOC(float, h *c);
    float *hh = ALLOC(float, b *h), *z = ALLOC(float, b *c);
    float *y = ALLOC(float, b *c), *yr = ALLOC(float, b *c), *r = ALLOC(float, b), *rr = ALLOC(float, b);
    fill_f32(x, (size_t)b * d);
    fill_f32(w1, (size_t)d * h);
    fill_f32(w2, (size_t)h * c);
    ref_mm(x, w1, hh, b, d, h);
    for (int i = 0; i < b * h; i++) hh[i] = fmaxf(hh[i], 0.0f);
    ref_mm(hh, w2, z, b, h, c);
    for (int i = 0; i < b * c; i++) yr[i] = z[i] * s;
    for (int i = 0; i < b; i++) {
        float lo = INFINITY, hi = -INFINITY;
        for (int j = 0; j < c; j++) lo = fminf(lo, yr[i * c + j]), hi = fmaxf(hi, yr[i * c + j]);
        rr[i] = hi - lo;
    }
    tdsl_tensor X = TDSL_F32(x, b, d), W1 = TDSL_F32(w1, d, h), W2 = TDSL_F32(w2, h, c);
    tdsl_tensor Y = TDSL_F32(y, b, c), R = TDSL_F32(r, b);
    double tol = 4e-6 * (d + h) + 1e-6;
    if (CHECK_OK(two_layer(&X, &W1, &W2, s, &Y, &R))) {
        check_close_f32(LABEL("two_layer.Y b=%d d=%d h=%d c=%d", b, d, h, c), y, yr, (size_t)b * c, 1e-5,
                        tol * fabsf(s));
        check_close_f32(LABEL("two_layer.R b=%d d=%d h=%d c=%d", b, d, h, c), r, rr, (size_t)b, 1e-5,
                        2 * tol * fabsf(s));
    }
    /* the callees on their own */
    float *m1 = ALLOC(float, b *h), *m1r = ALLOC(float, b *h);
    ref_mm(x, w1, m1r, b, d, h);
    tdsl_tensor M1 = TDSL_F32(m1, b, h);
    if (CHECK_OK(mm(&X, &W1, &M1)))
        check_close_f32(LABEL("mm b=%d d=%d h=%d", b, d, h), m1, m1r, (size_t)b * h, 1e-5, tol);
    float *mn = ALLOC(float, b), *mx = ALLOC(float, b), *mnr = ALLOC(float, b), *mxr = ALLOC(float, b);
    for (int i = 0; i < b; i++) {
        mnr[i] = INFINITY, mxr[i] = -INFINITY;
        for (int j = 0; j < d; j++) mnr[i] = fminf(mnr[i], x[i * d + j]), mxr[i] = fmaxf(mxr[i], x[i * d + j]);
    }
    tdsl_tensor Mn = TDSL_F32(mn, b), Mx = TDSL_F32(mx, b);
    if (CHECK_OK(rowminmax(&X, &Mn, &Mx))) {
        check_equal_f32(LABEL("rowminmax.Mn b=%d d=%d", b, d), mn, mnr, (size_t)b);
        check_equal_f32(LABEL("rowminmax.Mx b=%d d=%d", b, d), mx, mxr, (size_t)b);
    }
    free(x), free(w1), free(w2), free(hh), free(z), free(y), free(yr), free(r), free(rr);
    free(m1), free(m1r), free(mn), free(mx), free(mnr), free(mxr);
}

int main(void)
{
    harness_init();
    run(37, 53, 29, 11, 0.5f);
    run(64, 64, 128, 16, -2.0f);
    run(1, 1, 1, 1, 3.0f);
    run(7, 33, 5, 2, 1.0f);
    return harness_done("compose");
}
