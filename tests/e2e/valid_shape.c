/* valid_shape: results whose extents are affine in size vars (n - 1, n - 2,
 * n + 2, 2 * w), and a select whose else arm relies on the negated guard. */
#include "harness.h"
#include "valid_shape.h"

static void run(int n)
{
    float *a = ALLOC(float, n);
    float *d = ALLOC(float, n - 1), *dr = ALLOC(float, n - 1);
    float *v = ALLOC(float, n), *vr = ALLOC(float, n);          /* n - 2 used */
    float *p = ALLOC(float, n + 2), *pr = ALLOC(float, n + 2);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n - 1; i++) dr[i] = a[i + 1] - a[i];
    for (int i = 0; i < n - 2; i++) vr[i] = a[i] + a[i + 1] * a[i + 2];
    for (int i = 0; i < n + 2; i++) pr[i] = i >= 1 && i <= n ? a[i - 1] : -1.0f;
    tdsl_tensor A = TDSL_F32(a, n), D = TDSL_F32(d, n - 1), P = TDSL_F32(p, n + 2);
    if (CHECK_OK(diff(&A, &D))) check_equal_f32(LABEL("diff n=%d", n), d, dr, (size_t)(n - 1));
    if (n >= 2) {
        tdsl_tensor V = TDSL_F32(v, n - 2);
        if (CHECK_OK(valid3(&A, &V))) check_close_f32(LABEL("valid3 n=%d", n), v, vr, (size_t)(n - 2), 1e-6, 1e-7);
    }
    if (CHECK_OK(pad2(&A, &P))) check_equal_f32(LABEL("pad2 n=%d", n), p, pr, (size_t)(n + 2));
    free(a), free(d), free(dr), free(v), free(vr), free(p), free(pr);
}

static void run_crop(int h, int w)
{
    int oh = h - 2, ow = 2 * w;
    float *in = ALLOC(float, h *w), *o = ALLOC(float, oh *ow), *r = ALLOC(float, oh *ow);
    fill_f32(in, (size_t)h * w);
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) r[y * ow + x] = x < w ? in[(y + 1) * w + x] : in[(y + 2) * w + x - w];
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(o, oh, ow);
    if (CHECK_OK(crop(&I, &O))) check_equal_f32(LABEL("crop %dx%d", h, w), o, r, (size_t)oh * ow);
    free(in), free(o), free(r);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(2);
    run(1);
    run(3);
    run(1000);
    run_crop(37, 53);
    run_crop(64, 32);
    run_crop(3, 1);
    run_crop(2, 5);
    return harness_done("valid_shape");
}
