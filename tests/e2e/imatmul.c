/* imatmul: i32 matmul, exact, including products and sums that wrap
 * modulo 2^32; i8 inputs widened to i32 before the product. */
#include "harness.h"
#include "imatmul.h"

static void run(int m, int k, int n, int range)
{
    int32_t *a = ALLOC(int32_t, m *k), *b = ALLOC(int32_t, k *n);
    int32_t *c = ALLOC(int32_t, m *n), *ref = ALLOC(int32_t, m *n);
    fill_i32_range(a, (size_t)m * k, -range, range);
    fill_i32_range(b, (size_t)k * n, -range, range);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            uint32_t s = 0;         /* unsigned: wrapping is defined */
            for (int r = 0; r < k; r++) s += (uint32_t)a[i * k + r] * (uint32_t)b[r * n + j];
            ref[i * n + j] = (int32_t)s;
        }
    tdsl_tensor A = TDSL_I32(a, m, k), B = TDSL_I32(b, k, n), C = TDSL_I32(c, m, n);
    if (CHECK_OK(imatmul(&A, &B, &C)))
        check_equal_i32(LABEL("imatmul %dx%dx%d range %d", m, k, n, range), c, ref, (size_t)m * n);
    free(a), free(b), free(c), free(ref);
}

static void run8(int m, int k, int n)
{
    int8_t *a = ALLOC(int8_t, m *k), *b = ALLOC(int8_t, n *k);
    int32_t *c = ALLOC(int32_t, m *n), *ref = ALLOC(int32_t, m *n);
    fill_i8_range(a, (size_t)m * k, -128, 127);
    fill_i8_range(b, (size_t)n * k, -128, 127);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            int32_t s = 0;
            for (int r = 0; r < k; r++) s += (int32_t)a[i * k + r] * (int32_t)b[j * k + r];
            ref[i * n + j] = s;
        }
    tdsl_tensor A = TDSL_I8(a, m, k), B = TDSL_I8(b, n, k), C = TDSL_I32(c, m, n);
    if (CHECK_OK(i8dot(&A, &B, &C))) check_equal_i32(LABEL("i8dot %dx%dx%d", m, k, n), c, ref, (size_t)m * n);
    free(a), free(b), free(c), free(ref);
}

int main(void)
{
    harness_init();
    run(37, 53, 29, 100);
    run(64, 64, 64, 1000);
    run(1, 1, 1, 7);
    run(7, 37, 5, 1 << 20);      /* products overflow: wraps */
    run(16, 128, 16, 2147483647);
    run8(37, 53, 29);
    run8(64, 128, 32);
    run8(1, 1, 1);
    return harness_done("imatmul");
}
