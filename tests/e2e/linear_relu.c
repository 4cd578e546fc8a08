/* linear_relu: the contract's fused linear + relu with its schedule (split 8,
 * parallel, vectorize 16, Z computed at Y's outer loop). */
#include "harness.h"
#include "linear_relu.h"

static void run(int n, int k, int m)
{
    float *x = ALLOC(float, n *k), *w = ALLOC(float, m *k), *b = ALLOC(float, m);
    float *y = ALLOC(float, n *m), *ref = ALLOC(float, n *m);
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
    tdsl_tensor Y = TDSL_F32(y, n, m);
    if (CHECK_OK(linear_relu(&X, &W, &B, &Y)))
        check_close_f32(LABEL("linear_relu n=%d k=%d m=%d", n, k, m), y, ref, (size_t)n * m, 1e-5, 2e-6 * k + 1e-6);
    free(x), free(w), free(b), free(y), free(ref);
}

int main(void)
{
    harness_init();
    run(37, 53, 29);
    run(64, 128, 64);
    run(4, 8, 5);
    run(1, 1, 1);
    run(7, 7, 7);
    run(9, 16, 17);
    run(16, 33, 15);
    run(128, 64, 128);
    run(5, 0, 3);           /* empty reduction: Y = relu(B) */
    return harness_done("linear_relu");
}
