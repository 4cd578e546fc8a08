/* mlp: two layers composed by calls (H = linear_relu(...); Y = linear(...)),
 * with literal dims 784/128/10; the callee fns are checked on their own too. */
#include "harness.h"
#include "mlp.h"

static void ref_linear(const float *x, const float *w, const float *b, float *y, int n, int k, int m, int relu)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            float z = 0.0f;
            for (int r = 0; r < k; r++) z += x[i * k + r] * w[j * k + r];
            y[i * m + j] = relu ? fmaxf(z + b[j], 0.0f) : z + b[j];
        }
}

static void run(int b)
{
    float *x = ALLOC(float, b * 784), *w1 = ALLOC(float, 128 * 784), *b1 = ALLOC(float, 128);
    float *w2 = ALLOC(float, 10 * 128), *b2 = ALLOC(float, 10);
    float *y = ALLOC(float, b * 10), *h = ALLOC(float, b * 128), *ref = ALLOC(float, b * 10);
    float *hy = ALLOC(float, b * 128);
    fill_f32_range(x, (size_t)b * 784, 0.0, 1.0);           /* pixels */
    fill_f32_range(w1, 128 * 784, -0.05, 0.05);
    fill_f32_range(b1, 128, -0.1, 0.1);
    fill_f32_range(w2, 10 * 128, -0.2, 0.2);
    fill_f32_range(b2, 10, -0.1, 0.1);
    ref_linear(x, w1, b1, h, b, 784, 128, 1);
    ref_linear(h, w2, b2, ref, b, 128, 10, 0);

    tdsl_tensor X = TDSL_F32(x, b, 784), W1 = TDSL_F32(w1, 128, 784), B1 = TDSL_F32(b1, 128);
    tdsl_tensor W2 = TDSL_F32(w2, 10, 128), B2 = TDSL_F32(b2, 10), Y = TDSL_F32(y, b, 10);
    if (CHECK_OK(mlp(&X, &W1, &B1, &W2, &B2, &Y)))
        check_close_f32(LABEL("mlp b=%d", b), y, ref, (size_t)b * 10, 1e-4, 1e-4);

    tdsl_tensor H = TDSL_F32(hy, b, 128);
    if (CHECK_OK(linear_relu(&X, &W1, &B1, &H)))
        check_close_f32(LABEL("mlp.linear_relu b=%d", b), hy, h, (size_t)b * 128, 1e-4, 1e-4);
    free(x), free(w1), free(b1), free(w2), free(b2), free(y), free(h), free(ref), free(hy);
}

int main(void)
{
    harness_init();
    run(1);
    run(3);
    run(16);
    run(37);
    return harness_done("mlp");
}
