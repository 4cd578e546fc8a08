/* blur3: a separable 3x3 box blur whose result shape is h-2 x w-2; BX covers
 * h rows but only w-2 columns. */
#include "harness.h"
#include "blur3.h"

static void run(int h, int w)
{
    int oh = h - 2, ow = w - 2;
    float *in = ALLOC(float, h *w), *out = ALLOC(float, oh *ow), *ref = ALLOC(float, oh *ow);
    float *bx = ALLOC(float, h *ow);
    fill_f32(in, (size_t)h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < ow; x++) bx[y * ow + x] = (in[y * w + x] + in[y * w + x + 1] + in[y * w + x + 2]) / 3.0f;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            ref[y * ow + x] = (bx[y * ow + x] + bx[(y + 1) * ow + x] + bx[(y + 2) * ow + x]) / 3.0f;
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(out, oh, ow);
    if (CHECK_OK(blur3(&I, &O))) check_close_f32(LABEL("blur3 %dx%d", h, w), out, ref, (size_t)oh * ow, 1e-5, 1e-6);
    free(in), free(out), free(ref), free(bx);
}

int main(void)
{
    harness_init();
    run(37, 53);
    run(64, 128);
    run(3, 3);
    run(2, 9);      /* zero rows out */
    run(7, 3);
    run(130, 18);
    return harness_done("blur3");
}
