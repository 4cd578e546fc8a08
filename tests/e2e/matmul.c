/* matmul: the contract's scheduled matmul (tile 32x64, vectorize 16, parallel)
 * against a plain triple loop, on sizes that leave tails in every loop. */
#include "harness.h"
#include "matmul.h"

static void run(int m, int k, int n)
{
    float *a = ALLOC(float, m *k), *b = ALLOC(float, k *n);
    float *c = ALLOC(float, m *n), *ref = ALLOC(float, m *n);
    fill_f32(a, (size_t)m * k);
    fill_f32(b, (size_t)k * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
            ref[i * n + j] = s;
        }
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n);
    if (CHECK_OK(matmul(&A, &B, &C)))
        check_close_f32(LABEL("matmul %dx%dx%d", m, k, n), c, ref, (size_t)m * n, 1e-5, 2e-6 * k + 1e-6);
    free(a), free(b), free(c), free(ref);
}

int main(void)
{
    harness_init();
    run(37, 53, 29);
    run(64, 64, 64);
    run(128, 128, 128);
    run(1, 1, 1);
    run(7, 3, 5);
    run(1, 200, 1);
    run(33, 17, 65);
    run(96, 31, 130);
    run(31, 0, 17);         /* empty reduction: all zeros */
    run(0, 5, 7);
    return harness_done("matmul");
}
