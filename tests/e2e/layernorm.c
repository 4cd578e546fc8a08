/* layernorm: mean and variance over the last dim, rsqrt, scale and shift;
 * f32(d) casts a size variable. */
#include "harness.h"
#include "layernorm.h"

static void run(int n, int d, float eps)
{
    float *x = ALLOC(float, n *d), *g = ALLOC(float, d), *bt = ALLOC(float, d);
    float *y = ALLOC(float, n *d), *ref = ALLOC(float, n *d);
    fill_f32_range(x, (size_t)n * d, -3.0, 5.0);
    fill_f32_range(g, (size_t)d, 0.5, 1.5);
    fill_f32(bt, (size_t)d);
    for (int i = 0; i < n; i++) {
        float mu = 0.0f, v = 0.0f;
        for (int j = 0; j < d; j++) mu += x[i * d + j];
        mu /= (float)d;
        for (int j = 0; j < d; j++) v += (x[i * d + j] - mu) * (x[i * d + j] - mu);
        v /= (float)d;
        float rs = 1.0f / sqrtf(v + eps);
        for (int j = 0; j < d; j++) ref[i * d + j] = (x[i * d + j] - mu) * rs * g[j] + bt[j];
    }
    tdsl_tensor X = TDSL_F32(x, n, d), G = TDSL_F32(g, d), Bt = TDSL_F32(bt, d), Y = TDSL_F32(y, n, d);
    if (CHECK_OK(layernorm(&X, &G, &Bt, eps, &Y)))
        check_close_f32(LABEL("layernorm %dx%d eps %g", n, d, eps), y, ref, (size_t)n * d, 2e-5, 2e-5);
    free(x), free(g), free(bt), free(y), free(ref);
}

int main(void)
{
    harness_init();
    run(37, 53, 1e-5f);
    run(64, 128, 1e-5f);
    run(1, 1, 1.0f);          /* one element: D = 0, Y = Bt */
    run(7, 768, 1e-6f);
    run(3, 2, 0.5f);
    return harness_done("layernorm");
}
