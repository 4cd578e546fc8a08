/* reverse: reads at n - 1 - i, in 1-D and 2-D. */
#include "harness.h"
#include "reverse.h"

static void run(int n)
{
    float *a = ALLOC(float, n), *o = ALLOC(float, n), *r = ALLOC(float, n), *s = ALLOC(float, n), *sr = ALLOC(float, n);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n; i++) r[i] = a[n - 1 - i], sr[i] = a[i] + a[n - 1 - i];
    tdsl_tensor A = TDSL_F32(a, n), O = TDSL_F32(o, n), S = TDSL_F32(s, n);
    if (CHECK_OK(reverse(&A, &O))) check_equal_f32(LABEL("reverse n=%d", n), o, r, (size_t)n);
    if (CHECK_OK(symsum(&A, &S))) check_equal_f32(LABEL("symsum n=%d", n), s, sr, (size_t)n);
    free(a), free(o), free(r), free(s), free(sr);
}

static void run2(int h, int w)
{
    int32_t *in = ALLOC(int32_t, h *w), *v = ALLOC(int32_t, h *w), *vr = ALLOC(int32_t, h *w);
    int32_t *rr = ALLOC(int32_t, h *w), *rrr = ALLOC(int32_t, h *w);
    fill_i32(in, (size_t)h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            vr[y * w + x] = in[(h - 1 - y) * w + x];
            rrr[y * w + x] = in[(h - 1 - y) * w + (w - 1 - x)];
        }
    tdsl_tensor I = TDSL_I32(in, h, w), V = TDSL_I32(v, h, w), R = TDSL_I32(rr, h, w);
    if (CHECK_OK(flip2(&I, &V, &R))) {
        check_equal_i32(LABEL("flip2.V %dx%d", h, w), v, vr, (size_t)h * w);
        check_equal_i32(LABEL("flip2.R %dx%d", h, w), rr, rrr, (size_t)h * w);
    }
    free(in), free(v), free(vr), free(rr), free(rrr);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(1);
    run(2);
    run(1025);
    run2(37, 53);
    run2(64, 128);
    run2(1, 1);
    run2(1, 17);
    run2(17, 1);
    return harness_done("reverse");
}
