/* transpose: T[j, i] = A[i, j], and a transposed stage feeding a product. */
#include "harness.h"
#include "transpose.h"

static void run(int m, int n)
{
    float *a = ALLOC(float, m *n), *t = ALLOC(float, n *m), *ref = ALLOC(float, n *m);
    float *g = ALLOC(float, n *n), *gref = ALLOC(float, n *n);
    fill_f32(a, (size_t)m * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) ref[j * m + i] = a[i * n + j];
    for (int p = 0; p < n; p++)
        for (int q = 0; q < n; q++) {
            float s = 0.0f;
            for (int r = 0; r < m; r++) s += a[r * n + p] * a[r * n + q];
            gref[p * n + q] = s;
        }
    tdsl_tensor A = TDSL_F32(a, m, n), T = TDSL_F32(t, n, m), G = TDSL_F32(g, n, n);
    if (CHECK_OK(transpose(&A, &T))) check_equal_f32(LABEL("transpose %dx%d", m, n), t, ref, (size_t)m * n);
    if (CHECK_OK(gram(&A, &G)))
        check_close_f32(LABEL("gram %dx%d", m, n), g, gref, (size_t)n * n, 1e-5, 2e-6 * m + 1e-6);
    free(a), free(t), free(ref), free(g), free(gref);
}

int main(void)
{
    harness_init();
    run(37, 53);
    run(64, 128);
    run(1, 1);
    run(1, 7);
    run(7, 1);
    run(128, 64);
    return harness_done("transpose");
}
