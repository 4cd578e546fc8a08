/* conv3x3: zero padding through a declared local P and a select. */
#include "harness.h"
#include "conv3x3.h"

static void run(int c, int h, int w, int o)
{
    float *in = ALLOC(float, c *h *w), *k = ALLOC(float, o *c * 9);
    float *out = ALLOC(float, o *h *w), *ref = ALLOC(float, o *h *w);
    fill_f32(in, (size_t)c * h * w);
    fill_f32(k, (size_t)o * c * 9);
    for (int oc = 0; oc < o; oc++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float s = 0.0f;
                for (int ci = 0; ci < c; ci++)
                    for (int dy = 0; dy < 3; dy++)
                        for (int dx = 0; dx < 3; dx++) {
                            int yy = y + dy - 1, xx = x + dx - 1;
                            float p = yy >= 0 && yy < h && xx >= 0 && xx < w ? in[(ci * h + yy) * w + xx] : 0.0f;
                            s += p * k[((oc * c + ci) * 3 + dy) * 3 + dx];
                        }
                ref[(oc * h + y) * w + x] = s;
            }
    tdsl_tensor I = TDSL_F32(in, c, h, w), K = TDSL_F32(k, o, c, 3, 3), O = TDSL_F32(out, o, h, w);
    if (CHECK_OK(conv3x3(&I, &K, &O)))
        check_close_f32(LABEL("conv3x3 c=%d h=%d w=%d o=%d", c, h, w, o), out, ref, (size_t)o * h * w, 1e-5,
                        2e-6 * 9 * c + 1e-6);
    free(in), free(k), free(out), free(ref);
}

int main(void)
{
    harness_init();
    run(3, 37, 29, 5);
    run(8, 32, 32, 16);
    run(1, 1, 1, 1);
    run(2, 1, 7, 3);
    run(1, 7, 1, 2);
    run(16, 13, 64, 4);
    return harness_done("conv3x3");
}
