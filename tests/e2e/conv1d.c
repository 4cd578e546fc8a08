/* conv1d: a literal kernel width (K: f32[5]) fixes the reduction extent. */
#include "harness.h"
#include "conv1d.h"

static void run(int n)
{
    int on = n - 4;
    float *x = ALLOC(float, n), *k = ALLOC(float, 5), *o = ALLOC(float, on), *ref = ALLOC(float, on);
    fill_f32(x, (size_t)n);
    fill_f32(k, 5);
    for (int i = 0; i < on; i++) {
        float s = 0.0f;
        for (int r = 0; r < 5; r++) s += x[i + r] * k[r];
        ref[i] = s;
    }
    tdsl_tensor X = TDSL_F32(x, n), K = TDSL_F32(k, 5), O = TDSL_F32(o, on);
    if (CHECK_OK(conv1d(&X, &K, &O))) check_close_f32(LABEL("conv1d n=%d", n), o, ref, (size_t)on, 1e-5, 1e-5);
    free(x), free(k), free(o), free(ref);
}

static void run_multi(int c, int n, int oc)
{
    int on = n - 2;
    float *x = ALLOC(float, c *n), *k = ALLOC(float, oc *c * 3);
    float *o = ALLOC(float, oc *on), *ref = ALLOC(float, oc *on);
    fill_f32(x, (size_t)c * n);
    fill_f32(k, (size_t)oc * c * 3);
    for (int p = 0; p < oc; p++)
        for (int i = 0; i < on; i++) {
            float s = 0.0f;
            for (int ci = 0; ci < c; ci++)
                for (int r = 0; r < 3; r++) s += x[ci * n + i + r] * k[(p * c + ci) * 3 + r];
            ref[p * on + i] = s;
        }
    tdsl_tensor X = TDSL_F32(x, c, n), K = TDSL_F32(k, oc, c, 3), O = TDSL_F32(o, oc, on);
    if (CHECK_OK(conv1d_multi(&X, &K, &O)))
        check_close_f32(LABEL("conv1d_multi c=%d n=%d o=%d", c, n, oc), o, ref, (size_t)oc * on, 1e-5, 6e-6 * c + 1e-6);
    free(x), free(k), free(o), free(ref);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(5);
    run(4);
    run(1029);
    run_multi(3, 37, 5);
    run_multi(16, 64, 8);
    run_multi(1, 3, 1);
    run_multi(7, 2, 2);
    return harness_done("conv1d");
}
