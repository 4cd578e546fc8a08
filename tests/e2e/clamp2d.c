/* clamp2d: clamped borders through selects whose else arm re-reads the centre. */
#include "harness.h"
#include "clamp2d.h"

static void run2(int h, int w)
{
    float *in = ALLOC(float, h *w), *o = ALLOC(float, h *w), *ref = ALLOC(float, h *w);
    fill_f32(in, (size_t)h * w);
#define AT(y, x) in[(y) * w + (x)]
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            ref[y * w + x] = (y >= 1 ? AT(y - 1, x) : AT(y, x)) + (y <= h - 2 ? AT(y + 1, x) : AT(y, x)) +
                             (x >= 1 ? AT(y, x - 1) : AT(y, x)) + (x <= w - 2 ? AT(y, x + 1) : AT(y, x)) -
                             4.0f * AT(y, x);
#undef AT
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(o, h, w);
    if (CHECK_OK(laplace(&I, &O))) check_close_f32(LABEL("laplace %dx%d", h, w), o, ref, (size_t)h * w, 1e-5, 2e-6);
    free(in), free(o), free(ref);
}

static void run1(int n)
{
    float *a = ALLOC(float, n), *l = ALLOC(float, n), *r = ALLOC(float, n);
    float *lr = ALLOC(float, n), *rr = ALLOC(float, n);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n; i++) {
        lr[i] = i >= 1 ? a[i - 1] : a[i];
        rr[i] = i + 1 >= n ? a[i] : a[i + 1];
    }
    tdsl_tensor A = TDSL_F32(a, n), L = TDSL_F32(l, n), R = TDSL_F32(r, n);
    if (CHECK_OK(clamp1d(&A, &L, &R))) {
        check_equal_f32(LABEL("clamp1d.L n=%d", n), l, lr, (size_t)n);
        check_equal_f32(LABEL("clamp1d.R n=%d", n), r, rr, (size_t)n);
    }
    free(a), free(l), free(r), free(lr), free(rr);
}

static void run_nested(int n)
{
    float *a = ALLOC(float, n), *o = ALLOC(float, n), *r = ALLOC(float, n);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n; i++) r[i] = i >= 1 ? (i + 1 < n ? a[i - 1] + a[i + 1] : a[i - 1]) : 0.0f;
    tdsl_tensor A = TDSL_F32(a, n), O = TDSL_F32(o, n);
    if (CHECK_OK(guard_nested(&A, &O))) check_equal_f32(LABEL("guard_nested n=%d", n), o, r, (size_t)n);
    free(a), free(o), free(r);
}

int main(void)
{
    harness_init();
    run2(37, 53);
    run2(64, 64);
    run2(1, 1);
    run2(1, 9);
    run2(9, 1);
    run2(2, 2);
    run1(37);
    run1(64);
    run1(1);
    run1(2);
    run_nested(37);
    run_nested(1);
    run_nested(2);
    return harness_done("clamp2d");
}
