/* sched_nested: reductions nested in an expression, scheduled (reordered,
 * tiled, packed, rfactored, with a producer computed at a loop of the stage,
 * and accumulating in a buffer of their own dtype). Each scheduled twin must
 * equal its unscheduled fn bit for bit (rfactor within rounding), and that fn
 * a plain C loop. */
#include "harness.h"
#include "sched_nested.h"

typedef int (*Lin)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);

static void run_lin(int n, int k, int m)
{
    size_t ny = (size_t)n * m;
    float *x = ALLOC(float, n *k), *w = ALLOC(float, m *k), *b = ALLOC(float, m);
    float *y = ALLOC(float, ny), *got = ALLOC(float, ny), *ref = ALLOC(float, ny), *ref2 = ALLOC(float, ny);
    fill_f32(x, (size_t)n * k);
    fill_f32(w, (size_t)m * k);
    fill_f32(b, (size_t)m);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            float z = 0.0f;
            for (int r = 0; r < k; r++) z += x[i * k + r] * w[j * k + r];
            ref[i * m + j] = z + b[j];
            float v = z * 2.0f + b[j] * 0.5f;
            ref2[i * m + j] = v > 0.0f ? v : 0.0f;
        }
    tdsl_tensor X = TDSL_F32(x, n, k), W = TDSL_F32(w, m, k), B = TDSL_F32(b, m);
    tdsl_tensor Y = TDSL_F32(y, n, m), G = TDSL_F32(got, n, m);
    double atol = 2e-6 * k + 1e-6;
    if (CHECK_OK(lin(&X, &W, &B, &Y))) {
        check_close_f32(LABEL("lin %dx%dx%d", n, k, m), y, ref, ny, 1e-5, atol);
        struct {
            const char *name;
            Lin f;
            bool exact;
        } t[] = {
            { "lin_reorder", lin_reorder, true },  { "lin_tile", lin_tile, true },      { "lin_pack", lin_pack, true },
            { "lin_rfactor", lin_rfactor, false }, { "lin_rffuse", lin_rffuse, false },
        };
        for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
            memset(got, 0xA5, ny * sizeof(float));
            if (!CHECK_OK(t[i].f(&X, &W, &B, &G))) continue;
            const char *what = LABEL("%s %dx%dx%d", t[i].name, n, k, m);
            if (t[i].exact) check_equal_f32(what, got, y, ny);
            else check_close_f32(what, got, y, ny, 1e-5, atol);
        }
    }
    if (CHECK_OK(relu_bias(&X, &W, &B, &Y))) {
        check_close_f32(LABEL("relu_bias %dx%dx%d", n, k, m), y, ref2, ny, 1e-5, 2 * atol);
        memset(got, 0xA5, ny * sizeof(float));
        if (CHECK_OK(relu_bias_at(&X, &W, &B, &G)))
            check_equal_f32(LABEL("relu_bias_at %dx%dx%d", n, k, m), got, y, ny);
    }
    free(x), free(w), free(b), free(y), free(got), free(ref), free(ref2);
}

static void run_sums(int n, int k)
{
    size_t na = (size_t)n * k;
    int32_t *a = ALLOC(int32_t, na);
    float *af = ALLOC(float, na);
    int64_t *y = ALLOC(int64_t, n), *yi = ALLOC(int64_t, n), *iref = ALLOC(int64_t, n);
    double *w = ALLOC(double, n), *ws = ALLOC(double, n), *wref = ALLOC(double, n);
    fill_i32(a, na);
    fill_f32(af, na);
    for (int i = 0; i < n; i++) {
        uint32_t s = 0;         /* i32 arithmetic wraps */
        float f = 0.0f;
        for (int r = 0; r < k; r++) s += (uint32_t)a[i * k + r], f += af[i * k + r];
        iref[i] = (int64_t)(int32_t)s * 3 - 1;
        wref[i] = (double)f * 0.25;
    }
    tdsl_tensor A = TDSL_I32(a, n, k), AF = TDSL_F32(af, n, k);
    tdsl_tensor Y = TDSL_I64(y, n), YI = TDSL_I64(yi, n), W = TDSL_F64(w, n), WS = TDSL_F64(ws, n);
    memset(yi, 0xA5, (size_t)n * sizeof(int64_t));
    if (CHECK_OK(isum(&A, &Y)) && CHECK_OK(isum_reorder(&A, &YI))) {
        check_equal_i64(LABEL("isum %dx%d", n, k), y, iref, (size_t)n);
        check_equal_i64(LABEL("isum_reorder %dx%d", n, k), yi, iref, (size_t)n);
    }
    memset(ws, 0xA5, (size_t)n * sizeof(double));
    if (CHECK_OK(wsum(&AF, &W)) && CHECK_OK(wsum_s(&AF, &WS))) {
        check_equal_f64(LABEL("wsum %dx%d", n, k), w, wref, (size_t)n);
        check_equal_f64(LABEL("wsum_s %dx%d", n, k), ws, w, (size_t)n);
    }
    free(a), free(af), free(y), free(yi), free(iref), free(w), free(ws), free(wref);
}

int main(void)
{
    harness_init();
    static const int sizes[][3] = { { 1, 1, 1 },    { 7, 13, 3 },   { 31, 17, 29 },
                                    { 64, 64, 64 }, { 100, 9, 37 }, { 5, 0, 4 } };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        run_lin(sizes[i][0], sizes[i][1], sizes[i][2]);
        run_sums(sizes[i][0], sizes[i][1]);
    }
    return harness_done("sched_nested");
}
