/* scalars: f32, f64, i32, bool, u8, i64 scalar parameters by value. */
#include "harness.h"
#include "scalars.h"

static void run(int n, float a, double b, int32_t k, bool flag)
{
    float *x = ALLOC(float, n), *o = ALLOC(float, n), *oref = ALLOC(float, n);
    double *d = ALLOC(double, n), *p = ALLOC(double, n), *pref = ALLOC(double, n);
    int32_t *kk = ALLOC(int32_t, n), *q = ALLOC(int32_t, n), *qref = ALLOC(int32_t, n);
    fill_f32(x, (size_t)n);
    fill_f64(d, (size_t)n);
    fill_i32_range(kk, (size_t)n, -100000, 100000);
    for (int i = 0; i < n; i++) {
        oref[i] = flag ? x[i] * a : x[i] - a;
        pref[i] = d[i] * b + (double)k;
        qref[i] = (int32_t)((uint32_t)kk[i] * (uint32_t)k + 1u);
    }
    tdsl_tensor A = TDSL_F32(x, n), D = TDSL_F64(d, n), K = TDSL_I32(kk, n);
    tdsl_tensor O = TDSL_F32(o, n), P = TDSL_F64(p, n), Q = TDSL_I32(q, n);
    if (CHECK_OK(scalars(&A, &D, &K, a, b, k, flag, &O, &P, &Q))) {
        check_equal_f32(LABEL("scalars.O n=%d a=%g flag=%d", n, a, flag), o, oref, (size_t)n);
        check_close_f64(LABEL("scalars.P n=%d b=%g k=%d", n, b, k), p, pref, (size_t)n, 1e-15, 1e-15 * (fabs(b) + 1.0));
        check_equal_i32(LABEL("scalars.Q n=%d k=%d", n, k), q, qref, (size_t)n);
    }
    free(x), free(o), free(oref), free(d), free(p), free(pref), free(kk), free(q), free(qref);
}

static void run2(int n, uint8_t c, int64_t e, float u)
{
    uint8_t *a = ALLOC(uint8_t, n), *o = ALLOC(uint8_t, n), *oref = ALLOC(uint8_t, n);
    int64_t *l = ALLOC(int64_t, n), *lref = ALLOC(int64_t, n);
    fill_u8(a, (size_t)n);
    for (int i = 0; i < n; i++) {
        oref[i] = (uint8_t)(a[i] + c);
        lref[i] = (int64_t)((uint64_t)a[i] * (uint64_t)e);
    }
    tdsl_tensor A = TDSL_U8(a, n), O = TDSL_U8(o, n), L = TDSL_I64(l, n);
    if (CHECK_OK(scalars2(&A, c, e, u, &O, &L))) {
        check_equal_u8(LABEL("scalars2.O n=%d c=%u", n, c), o, oref, (size_t)n);
        check_equal_i64(LABEL("scalars2.L n=%d e=%lld", n, (long long)e), l, lref, (size_t)n);
    }
    free(a), free(o), free(oref), free(l), free(lref);
}

int main(void)
{
    harness_init();
    run(37, 1.5f, 0.25, 3, true);
    run(37, 1.5f, 0.25, 3, false);
    run(64, -3.0f, 1e10, -70000, true);
    run(1, 0.0f, -1.0, 0, false);
    run(129, 1e-3f, 3.0, 2147483647, true);
    run2(37, 200, 1000000000000ll, 1.0f);
    run2(64, 0, -1, -2.0f);
    run2(1, 255, INT64_MIN, 0.0f);
    return harness_done("scalars");
}
