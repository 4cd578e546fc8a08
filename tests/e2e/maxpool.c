/* maxpool: strided windows (I[c, 2y+dy, 2x+dx]) with explicit literal ranges,
 * input extents affine in size vars bound from another parameter. */
#include "harness.h"
#include "maxpool.h"

static void run(int c, int h, int w)
{
    int ih = 2 * h, iw = 2 * w;
    float *in = ALLOC(float, c *ih *iw), *s = ALLOC(float, c *h *w);
    float *out = ALLOC(float, c *h *w), *ref = ALLOC(float, c *h *w);
    fill_f32(in, (size_t)c * ih * iw);
    fill_f32(s, (size_t)c * h * w);
    for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float m = -INFINITY;
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) m = fmaxf(m, in[(ci * ih + 2 * y + dy) * iw + 2 * x + dx]);
                ref[(ci * h + y) * w + x] = m + s[(ci * h + y) * w + x];
            }
    tdsl_tensor I = TDSL_F32(in, c, ih, iw), S = TDSL_F32(s, c, h, w), O = TDSL_F32(out, c, h, w);
    if (CHECK_OK(maxpool_add(&I, &S, &O)))
        check_equal_f32(LABEL("maxpool_add c=%d h=%d w=%d", c, h, w), out, ref, (size_t)c * h * w);
    free(in), free(s), free(out), free(ref);
}

static void run3(int h, int w)
{
    int ih = 2 * h + 1, iw = 2 * w + 1;
    float *in = ALLOC(float, ih *iw), *s = ALLOC(float, h *w);
    float *out = ALLOC(float, h *w), *ref = ALLOC(float, h *w);
    fill_f32(in, (size_t)ih * iw);
    fill_f32(s, (size_t)h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float m = -INFINITY;
            for (int dy = 0; dy < 3; dy++)
                for (int dx = 0; dx < 3; dx++) m = fmaxf(m, in[(2 * y + dy) * iw + 2 * x + dx]);
            ref[y * w + x] = m * s[y * w + x];
        }
    tdsl_tensor I = TDSL_F32(in, ih, iw), S = TDSL_F32(s, h, w), O = TDSL_F32(out, h, w);
    if (CHECK_OK(maxpool3s2(&I, &S, &O))) check_equal_f32(LABEL("maxpool3s2 h=%d w=%d", h, w), out, ref, (size_t)h * w);
    free(in), free(s), free(out), free(ref);
}

int main(void)
{
    harness_init();
    run(3, 19, 27);
    run(16, 32, 32);
    run(1, 1, 1);
    run(2, 7, 1);
    run3(18, 26);
    run3(1, 1);
    run3(64, 7);

    /* an input of odd height cannot be 2 * h rows: a shape error on I dim 1 */
    {
        int c = 2, h = 3, w = 4;
        float *in = ALLOC(float, c * (2 * h + 1) * 2 * w), *s = ALLOC(float, c *h *w);
        float *out = ALLOC(float, c *h *w);
        fill_f32(in, (size_t)c * (2 * h + 1) * 2 * w);
        fill_f32(s, (size_t)c * h * w);
        tdsl_tensor I = TDSL_F32(in, c, 2 * h + 1, 2 * w), S = TDSL_F32(s, c, h, w);
        tdsl_tensor O = TDSL_F32(out, c, h, w);
        int rc = maxpool_add(&I, &S, &O);
        CHECK(TDSL_ERR_KIND(rc) == TDSL_ERR_SHAPE && TDSL_ERR_ARG(rc) == 0 && TDSL_ERR_DIM(rc) == 1,
              "odd input height: got code 0x%x (kind %d arg %d dim %d), want shape error on arg 0 dim 1", (unsigned)rc,
              TDSL_ERR_KIND(rc), TDSL_ERR_ARG(rc), TDSL_ERR_DIM(rc));
        check_untouched("maxpool_add odd height", out, sizeof(float) * c * h * w);
        free(in), free(s), free(out);
    }
    return harness_done("maxpool");
}
