/* avgpool / minpool3: windows over explicit literal ranges, shrinking results. */
#include "harness.h"
#include "avgpool.h"

static void run(int c, int h, int w)
{
    int oh = h - 1, ow = w - 1;
    float *in = ALLOC(float, c *h *w), *out = ALLOC(float, c *oh *ow), *ref = ALLOC(float, c *oh *ow);
    fill_f32(in, (size_t)c * h * w);
    for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                float s = 0.0f;
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) s += in[(ci * h + y + dy) * w + x + dx];
                ref[(ci * oh + y) * ow + x] = s / 4.0f;
            }
    tdsl_tensor I = TDSL_F32(in, c, h, w), O = TDSL_F32(out, c, oh, ow);
    if (CHECK_OK(avgpool(&I, &O)))
        check_close_f32(LABEL("avgpool c=%d h=%d w=%d", c, h, w), out, ref, (size_t)c * oh * ow, 1e-6, 1e-6);
    free(in), free(out), free(ref);
}

static void run_min(int h, int w)
{
    int oh = h - 2, ow = w - 2;
    float *in = ALLOC(float, h *w), *out = ALLOC(float, oh *ow), *ref = ALLOC(float, oh *ow);
    fill_f32(in, (size_t)h * w);
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            float m = INFINITY;
            for (int dy = 0; dy < 3; dy++)
                for (int dx = 0; dx < 3; dx++) m = fminf(m, in[(y + dy) * w + x + dx]);
            ref[y * ow + x] = m;
        }
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(out, oh, ow);
    if (CHECK_OK(minpool3(&I, &O))) check_equal_f32(LABEL("minpool3 h=%d w=%d", h, w), out, ref, (size_t)oh * ow);
    free(in), free(out), free(ref);
}

int main(void)
{
    harness_init();
    run(3, 37, 53);
    run(8, 64, 64);
    run(1, 2, 2);
    run(1, 1, 9);      /* zero rows out */
    run(5, 7, 2);
    run_min(37, 53);
    run_min(3, 3);
    run_min(128, 66);
    return harness_done("avgpool");
}
