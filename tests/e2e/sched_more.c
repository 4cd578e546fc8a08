/* sched_more: fuse, unroll, compute_root, inline; each scheduled fn must match
 * its unscheduled twin bit for bit, and the plain C reference within rounding. */
#include "harness.h"
#include "sched_more.h"

static void run_ew(int m, int n)
{
    float *a = ALLOC(float, m *n), *b = ALLOC(float, m *n), *c = ALLOC(float, m *n);
    float *cf = ALLOC(float, m *n), *ref = ALLOC(float, m *n);
    fill_f32(a, (size_t)m * n);
    fill_f32(b, (size_t)m * n);
    for (int i = 0; i < m * n; i++) ref[i] = a[i] * b[i] + a[i];
    tdsl_tensor A = TDSL_F32(a, m, n), B = TDSL_F32(b, m, n), C = TDSL_F32(c, m, n), CF = TDSL_F32(cf, m, n);
    if (CHECK_OK(ew(&A, &B, &C)) & CHECK_OK(ew_fused(&A, &B, &CF))) {
        check_close_f32(LABEL("ew %dx%d", m, n), c, ref, (size_t)m * n, 1e-6, 1e-7);
        check_equal_f32(LABEL("ew_fused vs ew %dx%d", m, n), cf, c, (size_t)m * n);
    }
    free(a), free(b), free(c), free(cf), free(ref);
}

static void run_blur(int h, int w)
{
    int oh = h - 2, ow = w - 2;
    float *in = ALLOC(float, h *w), *o = ALLOC(float, oh *ow), *orr = ALLOC(float, oh *ow);
    float *oi = ALLOC(float, oh *ow), *ref = ALLOC(float, oh *ow), *bx = ALLOC(float, h *ow);
    fill_f32(in, (size_t)h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < ow; x++) bx[y * ow + x] = (in[y * w + x] + in[y * w + x + 1] + in[y * w + x + 2]) / 3.0f;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            ref[y * ow + x] = (bx[y * ow + x] + bx[(y + 1) * ow + x] + bx[(y + 2) * ow + x]) / 3.0f;
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(o, oh, ow), OR = TDSL_F32(orr, oh, ow), OI = TDSL_F32(oi, oh, ow);
    if (CHECK_OK(blur(&I, &O))) {
        check_close_f32(LABEL("blur %dx%d", h, w), o, ref, (size_t)oh * ow, 1e-5, 1e-6);
        if (CHECK_OK(blur_root(&I, &OR)))
            check_equal_f32(LABEL("blur_root vs blur %dx%d", h, w), orr, o, (size_t)oh * ow);
        if (CHECK_OK(blur_inline(&I, &OI)))
            check_equal_f32(LABEL("blur_inline vs blur %dx%d", h, w), oi, o, (size_t)oh * ow);
    }
    free(in), free(o), free(orr), free(oi), free(ref), free(bx);
}

static void run_mm(int m, int k, int n)
{
    float *a = ALLOC(float, m *k), *b = ALLOC(float, k *n);
    float *c = ALLOC(float, m *n), *cu = ALLOC(float, m *n), *ref = ALLOC(float, m *n);
    fill_f32(a, (size_t)m * k);
    fill_f32(b, (size_t)k * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
            ref[i * n + j] = s;
        }
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n), CU = TDSL_F32(cu, m, n);
    if (CHECK_OK(mm(&A, &B, &C)) & CHECK_OK(mm_unroll(&A, &B, &CU))) {
        check_close_f32(LABEL("mm %dx%dx%d", m, k, n), c, ref, (size_t)m * n, 1e-5, 2e-6 * k + 1e-6);
        check_equal_f32(LABEL("mm_unroll vs mm %dx%dx%d", m, k, n), cu, c, (size_t)m * n);
    }
    free(a), free(b), free(c), free(cu), free(ref);
}

int main(void)
{
    harness_init();
    run_ew(37, 53);
    run_ew(64, 64);
    run_ew(1, 1);
    run_ew(3, 7);
    run_ew(1, 129);
    run_blur(37, 53);
    run_blur(64, 64);
    run_blur(3, 3);
    run_blur(2, 7);
    run_blur(10, 5);
    run_mm(37, 53, 29);
    run_mm(64, 64, 64);
    run_mm(1, 1, 1);
    run_mm(5, 3, 7);
    run_mm(2, 9, 4);
    return harness_done("sched_more");
}
