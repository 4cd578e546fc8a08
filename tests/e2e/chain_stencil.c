/* chain_stencil: intermediates computed over the region their consumers read,
 * found backwards from the result; a declared local shape checked against it. */
#include "harness.h"
#include "chain_stencil.h"

static void run(int n)
{
    int on = n - 4;
    float *in = ALLOC(float, n), *o = ALLOC(float, on), *r = ALLOC(float, on);
    float *a1 = ALLOC(float, n), *a2 = ALLOC(float, n);
    fill_f32(in, (size_t)n);
    for (int i = 0; i < n - 1; i++) a1[i] = in[i] + in[i + 1];
    for (int i = 0; i < n - 3; i++) a2[i] = a1[i] * a1[i + 2];
    for (int i = 0; i < on; i++) r[i] = a2[i] - a2[i + 1];
    tdsl_tensor I = TDSL_F32(in, n), O = TDSL_F32(o, on);
    if (CHECK_OK(chain(&I, &O))) check_close_f32(LABEL("chain n=%d", n), o, r, (size_t)on, 1e-5, 1e-6);
    free(in), free(o), free(r), free(a1), free(a2);
}

static void run2(int h, int w)
{
    int oh = h - 2, ow = w - 2;
    float *in = ALLOC(float, h *w), *o = ALLOC(float, oh *ow), *r = ALLOC(float, oh *ow);
    float *t = ALLOC(float, h *w), *u = ALLOC(float, h *w);
    fill_f32(in, (size_t)h * w);
    for (int y = 0; y < h - 1; y++)
        for (int x = 0; x < w; x++) t[y * w + x] = in[y * w + x] * in[(y + 1) * w + x];
    for (int y = 0; y < h - 1; y++)
        for (int x = 0; x < w - 1; x++) u[y * w + x] = t[y * w + x] + t[y * w + x + 1];
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) r[y * ow + x] = u[y * w + x] - u[y * w + x + 1] + t[(y + 1) * w + x + 2];
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(o, oh, ow);
    if (CHECK_OK(chain2(&I, &O))) check_close_f32(LABEL("chain2 %dx%d", h, w), o, r, (size_t)oh * ow, 1e-5, 1e-6);
    free(in), free(o), free(r), free(t), free(u);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(5);
    run(4);
    run(1000);
    run2(37, 53);
    run2(64, 64);
    run2(3, 3);
    run2(2, 2);
    run2(5, 130);
    return harness_done("chain_stencil");
}
