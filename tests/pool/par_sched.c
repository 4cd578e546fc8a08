/* par_sched.c - fns with parallel schedules (tests/pool/par_sched.tdsl) give
 * bit-identical results to their unscheduled twins (NAME_serial), on sizes
 * with tails and on empty ones; run as an object and against the JIT. */
#include "harness.h"
#include "par_sched.h"

static void run_rows(int n, int m)
{
    int big = n * m > n ? n * m : n;    /* y and r also hold the n sums */
    float *x = ALLOC(float, n *m), *y = ALLOC(float, big), *r = ALLOC(float, big);
    fill_f32(x, (size_t)n * m);
    tdsl_tensor X = TDSL_F32(x, n, m), Y = TDSL_F32(y, n, m), R = TDSL_F32(r, n, m);
    if (CHECK_OK(rows(&X, 0.75f, &Y)) && CHECK_OK(rows_serial(&X, 0.75f, &R)))
        check_equal_f32(LABEL("rows %dx%d", n, m), y, r, (size_t)n * m);
    if (CHECK_OK(nested(&X, &Y)) && CHECK_OK(nested_serial(&X, &R)))
        check_equal_f32(LABEL("nested %dx%d", n, m), y, r, (size_t)n * m);
    tdsl_tensor S = TDSL_F32(y, n), SR = TDSL_F32(r, n);
    if (CHECK_OK(rowsum(&X, &S)) && CHECK_OK(rowsum_serial(&X, &SR)))
        check_equal_f32(LABEL("rowsum %dx%d", n, m), y, r, (size_t)n);
    if (n >= 2 && m >= 2) {
        tdsl_tensor O = TDSL_F32(y, n - 2, m - 2), OR = TDSL_F32(r, n - 2, m - 2);
        if (CHECK_OK(blur(&X, &O)) && CHECK_OK(blur_serial(&X, &OR)))
            check_equal_f32(LABEL("blur %dx%d", n, m), y, r, (size_t)(n - 2) * (m - 2));
    }
    free(x), free(y), free(r);
}

static void run_tiles(int m, int k, int n)
{
    float *a = ALLOC(float, m *k), *b = ALLOC(float, k *n);
    float *c = ALLOC(float, m *n), *r = ALLOC(float, m *n);
    fill_f32(a, (size_t)m * k);
    fill_f32(b, (size_t)k * n);
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n), R = TDSL_F32(r, m, n);
    if (CHECK_OK(tiles(&A, &B, &C)) && CHECK_OK(tiles_serial(&A, &B, &R)))
        check_equal_f32(LABEL("tiles %dx%dx%d", m, k, n), c, r, (size_t)m * n);
    free(a), free(b), free(c), free(r);
}

int main(void)
{
    harness_init();
    static const int sizes[][2] = { { 1, 1 },   { 2, 2 },    { 3, 17 }, { 37, 5 },
                                    { 64, 64 }, { 129, 33 }, { 0, 4 },  { 5, 0 } };
    for (int rep = 0; rep < 3; rep++)
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) run_rows(sizes[i][0], sizes[i][1]);
    run_tiles(37, 53, 29);
    run_tiles(64, 64, 64);
    run_tiles(9, 1, 17);
    run_tiles(0, 3, 5);
    run_tiles(3, 0, 5);
    return harness_done("par_sched");
}
