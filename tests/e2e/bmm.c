/* bmm: batched matmul, one product per batch index. */
#include "harness.h"
#include "bmm.h"

static void run(int b, int m, int k, int n)
{
    float *a = ALLOC(float, b *m *k), *bb = ALLOC(float, b *k *n);
    float *c = ALLOC(float, b *m *n), *ref = ALLOC(float, b *m *n);
    fill_f32(a, (size_t)b * m * k);
    fill_f32(bb, (size_t)b * k * n);
    for (int p = 0; p < b; p++)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float s = 0.0f;
                for (int r = 0; r < k; r++) s += a[(p * m + i) * k + r] * bb[(p * k + r) * n + j];
                ref[(p * m + i) * n + j] = s;
            }
    tdsl_tensor A = TDSL_F32(a, b, m, k), B = TDSL_F32(bb, b, k, n), C = TDSL_F32(c, b, m, n);
    if (CHECK_OK(bmm(&A, &B, &C)))
        check_close_f32(LABEL("bmm b=%d m=%d k=%d n=%d", b, m, k, n), c, ref, (size_t)b * m * n, 1e-5, 2e-6 * k + 1e-6);
    free(a), free(bb), free(c), free(ref);
}

int main(void)
{
    harness_init();
    run(3, 37, 53, 29);
    run(4, 64, 64, 64);
    run(1, 1, 1, 1);
    run(7, 1, 9, 1);
    run(2, 5, 1, 128);
    return harness_done("bmm");
}
