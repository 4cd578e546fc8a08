/* reductions: row and column sums, max, min, prod, reductions inside an
 * expression, two reduction variables, a partial explicit range, integers. */
#include "harness.h"
#include "reductions.h"

static void run(int m, int n)
{
    float *a = ALLOC(float, m *n);
    float *rs = ALLOC(float, m), *rsr = ALLOC(float, m), *cs = ALLOC(float, n), *csr = ALLOC(float, n);
    float *mx = ALLOC(float, m), *mxr = ALLOC(float, m), *mn = ALLOC(float, m), *mnr = ALLOC(float, m);
    float *p = ALLOC(float, m), *pr = ALLOC(float, m), *t = ALLOC(float, m), *tr = ALLOC(float, m);
    fill_f32_range(a, (size_t)m * n, -1.5, 1.5);
    for (int i = 0; i < m; i++) {
        float s = 0.0f, x = -INFINITY, y = INFINITY, pp = 1.0f, sq = 0.0f, ma = -INFINITY;
        for (int j = 0; j < n; j++) {
            float v = a[i * n + j];
            s += v, x = fmaxf(x, v), y = fminf(y, v), pp *= v, sq += v * v, ma = fmaxf(ma, fabsf(v));
        }
        rsr[i] = s, mxr[i] = x, mnr[i] = y, pr[i] = pp, tr[i] = sq - ma;
    }
    for (int j = 0; j < n; j++) {
        float s = 0.0f;
        for (int i = 0; i < m; i++) s += a[i * n + j];
        csr[j] = s;
    }
    tdsl_tensor A = TDSL_F32(a, m, n), S = TDSL_F32(rs, m), C = TDSL_F32(cs, n);
    tdsl_tensor Mx = TDSL_F32(mx, m), Mn = TDSL_F32(mn, m), P = TDSL_F32(p, m), T = TDSL_F32(t, m);
    if (CHECK_OK(rowsums(&A, &S))) check_close_f32(LABEL("rowsums %dx%d", m, n), rs, rsr, (size_t)m, 1e-5, 1e-6 * n);
    if (CHECK_OK(colsums(&A, &C))) check_close_f32(LABEL("colsums %dx%d", m, n), cs, csr, (size_t)n, 1e-5, 1e-6 * m);
    if (CHECK_OK(rowreduce(&A, &Mx, &Mn, &P, &T))) {
        check_equal_f32(LABEL("rowreduce.max %dx%d", m, n), mx, mxr, (size_t)m);
        check_equal_f32(LABEL("rowreduce.min %dx%d", m, n), mn, mnr, (size_t)m);
        check_close_f32(LABEL("rowreduce.prod %dx%d", m, n), p, pr, (size_t)m, 3e-7 * n + 1e-6, 1e-30);
        check_close_f32(LABEL("rowreduce.sumsq-maxabs %dx%d", m, n), t, tr, (size_t)m, 1e-5, 2e-6 * n);
    }
    free(a), free(rs), free(rsr), free(cs), free(csr), free(mx), free(mxr), free(mn), free(mnr);
    free(p), free(pr), free(t), free(tr);
}

static void run_total(int m, int n)
{
    float *a = ALLOC(float, m *n), t[1], tr[1], *p = ALLOC(float, m), *pr = ALLOC(float, m);
    fill_f32(a, (size_t)m * n);
    float s = 0.0f;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) s += a[i * n + j];
    tr[0] = s;
    for (int i = 0; i < m; i++) {
        float x = 0.0f, y = 0.0f;
        for (int j = 0; j < n; j++) x += a[i * n + j];
        for (int j = 0; j < n; j++) y += a[i * n + j];
        pr[i] = x - 0.5f * y;
    }
    tdsl_tensor A = TDSL_F32(a, m, n), T = TDSL_F32(t, 1), P = TDSL_F32(p, m);
    if (CHECK_OK(total(&A, &T, &P))) {
        check_close_f32(LABEL("total %dx%d", m, n), t, tr, 1, 1e-5, 1e-6 * m * n);
        check_close_f32(LABEL("total.partial %dx%d", m, n), p, pr, (size_t)m, 1e-5, 2e-6 * n);
    }
    free(a), free(p), free(pr);
}

static void run_int(int m, int n)
{
    int32_t *a = ALLOC(int32_t, m *n), *s = ALLOC(int32_t, m), *sr = ALLOC(int32_t, m);
    int32_t *mx = ALLOC(int32_t, n), *mxr = ALLOC(int32_t, n);
    int64_t *mn = ALLOC(int64_t, m), *mnr = ALLOC(int64_t, m);
    fill_i32_range(a, (size_t)m * n, INT32_MIN, INT32_MAX);     /* sums wrap */
    for (int i = 0; i < m; i++) {
        uint32_t x = 0;
        int64_t y = INT64_MAX;
        for (int j = 0; j < n; j++) x += (uint32_t)a[i * n + j], y = a[i * n + j] < y ? a[i * n + j] : y;
        sr[i] = (int32_t)x, mnr[i] = y;
    }
    for (int j = 0; j < n; j++) {
        int32_t x = INT32_MIN;
        for (int i = 0; i < m; i++) x = a[i * n + j] > x ? a[i * n + j] : x;
        mxr[j] = x;
    }
    tdsl_tensor A = TDSL_I32(a, m, n), S = TDSL_I32(s, m), Mx = TDSL_I32(mx, n), Mn = TDSL_I64(mn, m);
    if (CHECK_OK(isums(&A, &S, &Mx, &Mn))) {
        check_equal_i32(LABEL("isums.sum %dx%d", m, n), s, sr, (size_t)m);
        check_equal_i32(LABEL("isums.max %dx%d", m, n), mx, mxr, (size_t)n);
        check_equal_i64(LABEL("isums.min %dx%d", m, n), mn, mnr, (size_t)m);
    }
    free(a), free(s), free(sr), free(mx), free(mxr), free(mn), free(mnr);
}

int main(void)
{
    harness_init();
    run(37, 53);
    run(64, 128);
    run(1, 1);
    run(7, 1);
    run(1, 29);
    run(128, 64);
    run_total(37, 53);
    run_total(64, 64);
    run_total(1, 1);
    run_total(5, 3);
    run_int(37, 53);
    run_int(64, 64);
    run_int(1, 1);
    run_int(7, 300);
    return harness_done("reductions");
}
