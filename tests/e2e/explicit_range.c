/* explicit_range: `over r in lo..hi` with size-expression bounds (1..k + 1,
 * k..k + 2) and a literal window added to an index. A is n x (k + 2). */
#include "harness.h"
#include "explicit_range.h"

static void run(int n, int k)
{
    int kk = k + 2;
    float *a = ALLOC(float, n *kk), *w = ALLOC(float, n), *f = ALLOC(float, n), *l = ALLOC(float, n);
    float *wr = ALLOC(float, n), *fr = ALLOC(float, n), *lr = ALLOC(float, n);
    fill_f32(a, (size_t)n * kk);
    for (int i = 0; i < n; i++) {
        float s = 0.0f, t = 0.0f, m = -INFINITY;
        for (int r = 1; r < k + 1; r++) s += a[i * kk + r];
        for (int r = 0; r < k + 2; r++) t += a[i * kk + r];
        for (int r = k; r < k + 2; r++) m = fmaxf(m, a[i * kk + r]);
        wr[i] = s, fr[i] = t, lr[i] = m;
    }
    tdsl_tensor A = TDSL_F32(a, n, kk), W = TDSL_F32(w, n), F = TDSL_F32(f, n), L = TDSL_F32(l, n);
    if (CHECK_OK(prefix_window(&A, &W, &F, &L))) {
        check_close_f32(LABEL("prefix_window.W %dx%d", n, k), w, wr, (size_t)n, 1e-5, 1e-6 * k);
        check_close_f32(LABEL("prefix_window.F %dx%d", n, k), f, fr, (size_t)n, 1e-5, 1e-6 * k);
        check_equal_f32(LABEL("prefix_window.L %dx%d", n, k), l, lr, (size_t)n);
    }
    free(a), free(w), free(f), free(l), free(wr), free(fr), free(lr);
}

static void run_w(int n)
{
    float *a = ALLOC(float, n), *o = ALLOC(float, n - 2), *r = ALLOC(float, n - 2);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n - 2; i++) r[i] = a[i] + a[i + 1] + a[i + 2];
    tdsl_tensor A = TDSL_F32(a, n), O = TDSL_F32(o, n - 2);
    if (CHECK_OK(window3(&A, &O))) check_close_f32(LABEL("window3 n=%d", n), o, r, (size_t)(n - 2), 1e-6, 1e-6);
    free(a), free(o), free(r);
}

int main(void)
{
    harness_init();
    run(37, 53);
    run(64, 126);
    run(1, 0);
    run(7, 1);
    run(3, 1000);
    run_w(37);
    run_w(64);
    run_w(3);
    run_w(2);
    return harness_done("explicit_range");
}
