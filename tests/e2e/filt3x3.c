/* filt3x3: literal dims (K: f32[3, 3], A: f32[4, 4]) fix reduction extents and
 * result shapes; strided literal-sized reads. */
#include "harness.h"
#include "filt3x3.h"

static void run(int h, int w)
{
    int oh = h - 2, ow = w - 2;
    float *in = ALLOC(float, h *w), k[9], *o = ALLOC(float, oh *ow), *r = ALLOC(float, oh *ow);
    fill_f32(in, (size_t)h * w);
    fill_f32(k, 9);
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            float s = 0.0f;
            for (int dy = 0; dy < 3; dy++)
                for (int dx = 0; dx < 3; dx++) s += in[(y + dy) * w + x + dx] * k[dy * 3 + dx];
            r[y * ow + x] = s;
        }
    tdsl_tensor I = TDSL_F32(in, h, w), K = TDSL_F32(k, 3, 3), O = TDSL_F32(o, oh, ow);
    if (CHECK_OK(filt3x3(&I, &K, &O))) check_close_f32(LABEL("filt3x3 %dx%d", h, w), o, r, (size_t)oh * ow, 1e-5, 2e-5);
    free(in), free(o), free(r);
}

static void run_block(void)
{
    float a[16], v[4], s[4], sr[4], t[4], tr[4];
    fill_f32(a, 16);
    fill_f32(v, 4);
    for (int i = 0; i < 4; i++) {
        float x = 0.0f;
        for (int j = 0; j < 4; j++) x += a[i * 4 + j] * v[j];
        sr[i] = x;
    }
    for (int p = 0; p < 2; p++)
        for (int q = 0; q < 2; q++) tr[p * 2 + q] = a[(2 * p) * 4 + 2 * q] + a[(2 * p + 1) * 4 + 2 * q + 1];
    tdsl_tensor A = TDSL_F32(a, 4, 4), V = TDSL_F32(v, 4), S = TDSL_F32(s, 4), T = TDSL_F32(t, 2, 2);
    if (CHECK_OK(block4(&A, &V, &S, &T))) {
        check_close_f32("block4.S", s, sr, 4, 1e-5, 1e-6);
        check_equal_f32("block4.T", t, tr, 4);
    }
}

int main(void)
{
    harness_init();
    run(37, 53);
    run(64, 64);
    run(3, 3);
    run(3, 130);
    run(9, 4);
    run_block();
    run_block();
    return harness_done("filt3x3");
}
