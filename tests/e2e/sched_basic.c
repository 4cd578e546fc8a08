/* sched_basic: split, tile, reorder, parallel, vectorize, compute_at. Each
 * scheduled fn must match its unscheduled twin bit for bit, and both the plain
 * C reference within rounding; sizes leave tails in every split loop. */
#include "harness.h"
#include "sched_basic.h"

static void run_mm(int m, int k, int n)
{
    float *a = ALLOC(float, m *k), *b = ALLOC(float, k *n);
    float *c = ALLOC(float, m *n), *cs = ALLOC(float, m *n), *ref = ALLOC(float, m *n);
    fill_f32(a, (size_t)m * k);
    fill_f32(b, (size_t)k * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
            ref[i * n + j] = s;
        }
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n), CS = TDSL_F32(cs, m, n);
    if (CHECK_OK(mm(&A, &B, &C)) & CHECK_OK(mm_s(&A, &B, &CS))) {
        check_close_f32(LABEL("mm %dx%dx%d", m, k, n), c, ref, (size_t)m * n, 1e-5, 2e-6 * k + 1e-6);
        check_equal_f32(LABEL("mm_s vs mm %dx%dx%d", m, k, n), cs, c, (size_t)m * n);
    }
    free(a), free(b), free(c), free(cs), free(ref);
}

static void run_blur(int h, int w)
{
    int oh = h - 2, ow = w - 2;
    float *in = ALLOC(float, h *w), *o = ALLOC(float, oh *ow), *os = ALLOC(float, oh *ow);
    float *ref = ALLOC(float, oh *ow), *bx = ALLOC(float, h *ow);
    fill_f32(in, (size_t)h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < ow; x++) bx[y * ow + x] = (in[y * w + x] + in[y * w + x + 1] + in[y * w + x + 2]) / 3.0f;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            ref[y * ow + x] = (bx[y * ow + x] + bx[(y + 1) * ow + x] + bx[(y + 2) * ow + x]) / 3.0f;
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(o, oh, ow), OS = TDSL_F32(os, oh, ow);
    if (CHECK_OK(blur(&I, &O)) & CHECK_OK(blur_s(&I, &OS))) {
        check_close_f32(LABEL("blur %dx%d", h, w), o, ref, (size_t)oh * ow, 1e-5, 1e-6);
        check_equal_f32(LABEL("blur_s vs blur %dx%d", h, w), os, o, (size_t)oh * ow);
    }
    free(in), free(o), free(os), free(ref), free(bx);
}

static void run_lrelu(int n, int k, int m)
{
    float *x = ALLOC(float, n *k), *w = ALLOC(float, m *k), *b = ALLOC(float, m);
    float *y = ALLOC(float, n *m), *ys = ALLOC(float, n *m), *ref = ALLOC(float, n *m);
    fill_f32(x, (size_t)n * k);
    fill_f32(w, (size_t)m * k);
    fill_f32(b, (size_t)m);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            float z = 0.0f;
            for (int r = 0; r < k; r++) z += x[i * k + r] * w[j * k + r];
            ref[i * m + j] = fmaxf(z + b[j], 0.0f);
        }
    tdsl_tensor X = TDSL_F32(x, n, k), W = TDSL_F32(w, m, k), B = TDSL_F32(b, m);
    tdsl_tensor Y = TDSL_F32(y, n, m), YS = TDSL_F32(ys, n, m);
    if (CHECK_OK(lrelu(&X, &W, &B, &Y)) & CHECK_OK(lrelu_s(&X, &W, &B, &YS))) {
        check_close_f32(LABEL("lrelu %d %d %d", n, k, m), y, ref, (size_t)n * m, 1e-5, 2e-6 * k + 1e-6);
        check_equal_f32(LABEL("lrelu_s vs lrelu %d %d %d", n, k, m), ys, y, (size_t)n * m);
    }
    free(x), free(w), free(b), free(y), free(ys), free(ref);
}

static void run_smax(int n, int d)
{
    float *x = ALLOC(float, n *d), *y = ALLOC(float, n *d), *ys = ALLOC(float, n *d), *ref = ALLOC(float, n *d);
    fill_f32_range(x, (size_t)n * d, -5.0, 5.0);
    for (int i = 0; i < n; i++) {
        float m = -INFINITY, s = 0.0f;
        for (int j = 0; j < d; j++) m = fmaxf(m, x[i * d + j]);
        for (int j = 0; j < d; j++) s += (ref[i * d + j] = expf(x[i * d + j] - m));
        for (int j = 0; j < d; j++) ref[i * d + j] /= s;
    }
    tdsl_tensor X = TDSL_F32(x, n, d), Y = TDSL_F32(y, n, d), YS = TDSL_F32(ys, n, d);
    if (CHECK_OK(smax(&X, &Y)) & CHECK_OK(smax_s(&X, &YS))) {
        check_close_f32(LABEL("smax %dx%d", n, d), y, ref, (size_t)n * d, 2e-5, 1e-7);
        check_equal_f32(LABEL("smax_s vs smax %dx%d", n, d), ys, y, (size_t)n * d);
    }
    free(x), free(y), free(ys), free(ref);
}

static void run_isq(int m, int n)
{
    int32_t *a = ALLOC(int32_t, m *n), *o = ALLOC(int32_t, m *n), *os = ALLOC(int32_t, m *n);
    int32_t *ref = ALLOC(int32_t, m *n);
    fill_i32_range(a, (size_t)m * n, -100000, 100000);
    for (int i = 0; i < m * n; i++) ref[i] = (int32_t)((uint32_t)a[i] * (uint32_t)a[i] - (uint32_t)(a[i] / 3));
    tdsl_tensor A = TDSL_I32(a, m, n), O = TDSL_I32(o, m, n), OS = TDSL_I32(os, m, n);
    if (CHECK_OK(isq(&A, &O)) & CHECK_OK(isq_s(&A, &OS))) {
        check_equal_i32(LABEL("isq %dx%d", m, n), o, ref, (size_t)m * n);
        check_equal_i32(LABEL("isq_s %dx%d", m, n), os, ref, (size_t)m * n);
    }
    free(a), free(o), free(os), free(ref);
}

int main(void)
{
    harness_init();
    run_mm(37, 53, 29);
    run_mm(64, 64, 64);
    run_mm(1, 1, 1);
    run_mm(9, 5, 25);
    run_mm(128, 33, 47);
    run_blur(37, 53);
    run_blur(64, 64);
    run_blur(3, 3);
    run_blur(18, 10);
    run_blur(100, 9);
    run_lrelu(37, 53, 29);
    run_lrelu(64, 64, 64);
    run_lrelu(1, 1, 1);
    run_lrelu(4, 3, 5);
    run_smax(37, 53);
    run_smax(64, 128);
    run_smax(1, 1);
    run_smax(5, 7);
    run_isq(37, 53);
    run_isq(64, 128);
    run_isq(1, 1);
    run_isq(5, 33);
    return harness_done("sched_basic");
}
