/* f64_ops: f64 matmul, axpy with an f64 scalar, and f64 literals. */
#include "harness.h"
#include "f64_ops.h"

static void run_mm(int m, int k, int n)
{
    double *a = ALLOC(double, m *k), *b = ALLOC(double, k *n);
    double *c = ALLOC(double, m *n), *ref = ALLOC(double, m *n);
    fill_f64(a, (size_t)m * k);
    fill_f64(b, (size_t)k * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
            ref[i * n + j] = s;
        }
    tdsl_tensor A = TDSL_F64(a, m, k), B = TDSL_F64(b, k, n), C = TDSL_F64(c, m, n);
    if (CHECK_OK(dmatmul(&A, &B, &C)))
        check_close_f64(LABEL("dmatmul %dx%dx%d", m, k, n), c, ref, (size_t)m * n, 1e-13, 1e-14 * (k + 1));
    free(a), free(b), free(c), free(ref);
}

static void run_vec(int n, double alpha)
{
    double *x = ALLOC(double, n), *y = ALLOC(double, n), *z = ALLOC(double, n), *ref = ALLOC(double, n);
    double *p = ALLOC(double, n), *pref = ALLOC(double, n);
    fill_f64(x, (size_t)n);
    fill_f64(y, (size_t)n);
    for (int i = 0; i < n; i++) {
        ref[i] = alpha * x[i] + y[i];
        pref[i] = 0.1 * x[i] * x[i] - 0.3 * x[i] + 1.0;
    }
    tdsl_tensor X = TDSL_F64(x, n), Y = TDSL_F64(y, n), Z = TDSL_F64(z, n), P = TDSL_F64(p, n);
    if (CHECK_OK(daxpy(&X, &Y, alpha, &Z)))
        check_close_f64(LABEL("daxpy n=%d a=%g", n, alpha), z, ref, (size_t)n, 1e-15, 2e-15 * (fabs(alpha) + 1.0));
    /* 1e-12 would catch 0.1 rounded to f32 (relative error 1.5e-9) */
    if (CHECK_OK(dpoly(&X, &P))) check_close_f64(LABEL("dpoly n=%d", n), p, pref, (size_t)n, 1e-12, 1e-15);
    free(x), free(y), free(z), free(ref), free(p), free(pref);
}

int main(void)
{
    harness_init();
    run_mm(37, 53, 29);
    run_mm(64, 64, 64);
    run_mm(1, 1, 1);
    run_mm(7, 128, 3);
    run_vec(37, 1.0 / 3.0);
    run_vec(1024, -2.5);
    run_vec(1, 1e300);
    run_vec(7, 0.1);
    return harness_done("f64_ops");
}
