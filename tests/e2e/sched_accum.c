/* sched_accum: accumulate(v) in every position (init inside the tile or a
 * partial sum copied in, a nested reduction's final nest inside or after,
 * an rfactor stage, a stage computed at a consumer's parallel loop, another
 * dtype). Each scheduled twin must equal its unscheduled fn bit for bit (the
 * rfactor one within rounding) at odd and round sizes; the unscheduled fns
 * equal plain C loops within rounding. */
#include "harness.h"
#include "sched_accum.h"

typedef int (*F2)(const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);
typedef int (*F3)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);

static void twin2(const char *name, F2 f, const tdsl_tensor *a, const tdsl_tensor *b, tdsl_tensor *out,
                  const float *want, size_t n, const char *sz)
{
    memset(out->data, 0xA5, n * sizeof(float));
    if (CHECK_OK(f(a, b, out))) check_equal_f32(LABEL("%s %s", name, sz), out->data, want, n);
}

static void run_mm(int m, int k, int n)
{
    size_t nc = (size_t)m * n;
    float *a = ALLOC(float, m *k), *b = ALLOC(float, k *n), *c = ALLOC(float, nc), *got = ALLOC(float, nc);
    float *ref = ALLOC(float, nc), *relu = ALLOC(float, nc);
    fill_f32(a, (size_t)m * k);
    fill_f32(b, (size_t)k * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = 0; r < k; r++) s += (double)a[i * k + r] * b[r * n + j];
            ref[i * n + j] = (float)s;
        }
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n), G = TDSL_F32(got, m, n);
    char sz[64];
    snprintf(sz, sizeof sz, "%dx%dx%d", m, k, n);
    if (CHECK_OK(mm(&A, &B, &C))) {
        check_close_f32(LABEL("mm %s", sz), c, ref, nc, 1e-4, 1e-5 * k + 1e-6);
        twin2("mm_acc", mm_acc, &A, &B, &G, c, nc, sz);
        twin2("mm_acc_blocked", mm_acc_blocked, &A, &B, &G, c, nc, sz);
        twin2("mm_acc_point", mm_acc_point, &A, &B, &G, c, nc, sz);
        twin2("mm_acc_t", mm_acc_t, &A, &B, &G, c, nc, sz);
    }
    tdsl_tensor R = TDSL_F32(relu, m, n);
    if (CHECK_OK(mm_acc_relu(&A, &B, &R))) twin2("mm_acc_relu_s", mm_acc_relu_s, &A, &B, &G, relu, nc, sz);
    free(a), free(b), free(c), free(got), free(ref), free(relu);
}

static void run_lin(int n, int k, int m)
{
    size_t ny = (size_t)n * m;
    float *x = ALLOC(float, n *k), *w = ALLOC(float, m *k), *b = ALLOC(float, m);
    float *y = ALLOC(float, ny), *got = ALLOC(float, ny);
    fill_f32(x, (size_t)n * k);
    fill_f32(w, (size_t)m * k);
    fill_f32(b, (size_t)m);
    tdsl_tensor X = TDSL_F32(x, n, k), W = TDSL_F32(w, m, k), B = TDSL_F32(b, m);
    tdsl_tensor Y = TDSL_F32(y, n, m), G = TDSL_F32(got, n, m);
    if (!CHECK_OK(lin(&X, &W, &B, &Y))) return;
    struct {
        const char *name;
        F3 f;
        bool exact;
    } t[] = { { "lin_acc", lin_acc, true },
              { "lin_acc_blocked", lin_acc_blocked, true },
              { "lin_acc_rf", lin_acc_rf, false } };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        memset(got, 0xA5, ny * sizeof(float));
        if (!CHECK_OK(t[i].f(&X, &W, &B, &G))) continue;
        const char *what = LABEL("%s %dx%dx%d", t[i].name, n, k, m);
        if (t[i].exact) check_equal_f32(what, got, y, ny);
        else check_close_f32(what, got, y, ny, 1e-5, 2e-6 * k + 1e-6);
    }
    free(x), free(w), free(b), free(y), free(got);
}

static void run_isum(int n, int k)
{
    int32_t *a = ALLOC(int32_t, n *k);
    int64_t *y = ALLOC(int64_t, n), *got = ALLOC(int64_t, n), *ref = ALLOC(int64_t, n);
    fill_i32(a, (size_t)n * k);
    for (int i = 0; i < n; i++) {
        uint32_t s = 0;
        for (int r = 0; r < k; r++) s += (uint32_t)a[i * k + r];
        ref[i] = (int64_t)(int32_t)s * 3 - 1;
    }
    tdsl_tensor A = TDSL_I32(a, n, k), Y = TDSL_I64(y, n), G = TDSL_I64(got, n);
    memset(got, 0xA5, (size_t)n * sizeof(int64_t));
    if (CHECK_OK(isum(&A, &Y)) && CHECK_OK(isum_acc(&A, &G))) {
        check_equal_i64(LABEL("isum %dx%d", n, k), y, ref, (size_t)n);
        check_equal_i64(LABEL("isum_acc %dx%d", n, k), got, ref, (size_t)n);
    }
    free(a), free(y), free(got), free(ref);
}

int main(void)
{
    harness_init();
    static const int sizes[][3] = { { 1, 1, 1 }, { 7, 13, 3 }, { 37, 17, 29 }, { 64, 64, 64 }, { 13, 0, 20 } };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        run_mm(sizes[i][0], sizes[i][1], sizes[i][2]);
        run_lin(sizes[i][0], sizes[i][1], sizes[i][2]);
        run_isum(sizes[i][0], sizes[i][1]);
    }
    return harness_done("sched_accum");
}
