/* argmax: positions against a plain C reference of NumPy's rule (the first
 * best; the first NaN wins), at odd sizes, with ties, NaNs, infinities and
 * signed zeros, unscheduled and scheduled. */
#include "harness.h"
#include "argmax.h"

/* is x better than the best so far (first occurrence kept) */
static int better_f(float x, float best, int is_max)
{
    if (isnan(best)) return 0;
    if (isnan(x)) return 1;
    return is_max ? x > best : x < best;
}

/* position of the best of x[0], x[s], ..., x[(len - 1) * s] */
static int64_t ref_f(const float *x, int64_t len, int64_t s, int is_max)
{
    int64_t at = 0;
    for (int64_t i = 1; i < len; i++)
        if (better_f(x[i * s], x[at * s], is_max)) at = i;
    return at;
}

/* values with many ties, a few NaNs, infinities and both zeros */
static void fill_tricky(float *p, size_t n, int nans)
{
    static const float special[] = { 0.0f, -0.0f, INFINITY, -INFINITY, 3.0f, -3.0f };
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng_next() % 16;
        p[i] = r < 2 ? special[rng_next() % 6] : (float)((int)(rng_next() % 7) - 3);
        if (nans && r == 15) p[i] = (rng_next() & 1) ? NAN : -NAN;
    }
}

typedef int (*Fn2)(const tdsl_tensor *, tdsl_tensor *);

static void check_rows(const char *name, Fn2 f, int n, int d, int is_max, int nans)
{
    float *x = ALLOC(float, n *d);
    int64_t *p = ALLOC(int64_t, n), *ref = ALLOC(int64_t, n);
    fill_tricky(x, (size_t)n * d, nans);
    for (int i = 0; i < n; i++) ref[i] = ref_f(x + (size_t)i * d, d, 1, is_max);
    tdsl_tensor X = TDSL_F32(x, n, d), P = TDSL_I64(p, n);
    if (CHECK_OK(f(&X, &P))) check_equal_i64(LABEL("%s %dx%d nans=%d", name, n, d, nans), p, ref, n);
    free(x), free(p), free(ref);
}

static void check_3d(const char *name, Fn2 f, int n, int a, int b)
{
    float *x = ALLOC(float, n *a *b);
    int64_t *p = ALLOC(int64_t, n), *ref = ALLOC(int64_t, n);
    fill_tricky(x, (size_t)n * a * b, n % 2);
    for (int i = 0; i < n; i++) ref[i] = ref_f(x + (size_t)i * a * b, (int64_t)a * b, 1, 1);
    tdsl_tensor X = TDSL_F32(x, n, a, b), P = TDSL_I64(p, n);
    if (CHECK_OK(f(&X, &P))) check_equal_i64(LABEL("%s %dx%dx%d", name, n, a, b), p, ref, n);
    free(x), free(p), free(ref);
}

static void check_cols(int n, int d)
{
    float *x = ALLOC(float, n *d);
    int64_t *p = ALLOC(int64_t, d), *ref = ALLOC(int64_t, d);
    fill_tricky(x, (size_t)n * d, 1);
    for (int j = 0; j < d; j++) ref[j] = ref_f(x + j, n, d, 0);
    tdsl_tensor X = TDSL_F32(x, n, d), P = TDSL_I64(p, d);
    if (CHECK_OK(amin_cols(&X, &P))) check_equal_i64(LABEL("amin_cols %dx%d", n, d), p, ref, d);
    free(x), free(p), free(ref);
}

static void check_ints(int n, int d)
{
    int8_t *x8 = ALLOC(int8_t, n *d);
    uint32_t *xu = ALLOC(uint32_t, n *d);
    int64_t *p = ALLOC(int64_t, n), *ref = ALLOC(int64_t, n);
    for (int i = 0; i < n * d; i++) {
        x8[i] = (int8_t)(i % 11 == 0 ? INT8_MIN : i % 13 == 0 ? INT8_MAX : rng_range(-3, 3));
        xu[i] = (uint32_t)(i % 11 == 0 ? UINT32_MAX : i % 13 == 0 ? 0x80000000u : (uint64_t)rng_range(0, 3) << 30);
    }
    for (int i = 0; i < n; i++) {
        int64_t at = 0;
        for (int j = 1; j < d; j++)
            if (x8[i * d + j] > x8[i * d + at]) at = j;
        ref[i] = at;
    }
    tdsl_tensor X8 = TDSL_I8(x8, n, d), XU = TDSL_U32(xu, n, d), P = TDSL_I64(p, n);
    if (CHECK_OK(amax_i8(&X8, &P))) check_equal_i64(LABEL("amax_i8 %dx%d", n, d), p, ref, n);
    for (int i = 0; i < n; i++) {
        int64_t at = 0;
        for (int j = 1; j < d; j++)
            if (xu[i * d + j] < xu[i * d + at]) at = j;
        ref[i] = at;
    }
    if (CHECK_OK(amin_u32(&XU, &P))) check_equal_i64(LABEL("amin_u32 %dx%d", n, d), p, ref, n);
    free(x8), free(xu), free(p), free(ref);
}

static void check_expr(int n, int d)
{
    float *x = ALLOC(float, n *d), *sq = ALLOC(float, n *d);
    int64_t *p = ALLOC(int64_t, n), *ref = ALLOC(int64_t, n);
    fill_tricky(x, (size_t)n * d, 1);
    for (int i = 0; i < n * d; i++) sq[i] = x[i] * x[i];
    for (int i = 0; i < n; i++) ref[i] = ref_f(sq + (size_t)i * d, d, 1, 1) + 1;
    tdsl_tensor X = TDSL_F32(x, n, d), P = TDSL_I64(p, n);
    if (CHECK_OK(amax_expr(&X, &P))) check_equal_i64(LABEL("amax_expr %dx%d", n, d), p, ref, n);
    free(x), free(sq), free(p), free(ref);
}

/* an empty row has no position: the entry point returns an error */
static void check_empty(void)
{
    float x[1];
    int64_t p[3];
    tdsl_tensor X = TDSL_F32(x, 3, 0), P = TDSL_I64(p, 3);
    CHECK(amax(&X, &P) != 0, "argmax over 0 columns returned 0");
    /* positions past 2^32 - 1 do not fit the keys: refused before any read */
    tdsl_tensor W = TDSL_F32(x, 1, INT64_C(4294967296)), P1 = TDSL_I64(p, 1);
    CHECK(amax(&W, &P1) != 0, "argmax over 2^32 columns returned 0");
}

int main(void)
{
    harness_init();
    int sizes[][2] = { { 1, 1 }, { 1, 9 }, { 7, 1 }, { 5, 13 }, { 9, 31 }, { 3, 64 }, { 4, 257 }, { 17, 100 } };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s][0], d = sizes[s][1];
        for (int nans = 0; nans < 2; nans++) {
            check_rows("amax", amax, n, d, 1, nans);
            check_rows("amin", amin, n, d, 0, nans);
            check_rows("amax_vec", amax_vec, n, d, 1, nans);
            check_rows("amax_rf", amax_rf, n, d, 1, nans);
            check_rows("amin_rf_par", amin_rf_par, n, d, 0, nans);
        }
        check_cols(n, d);
        check_ints(n, d);
        check_expr(n, d);
        check_3d("amax2", amax2, n, d % 5 + 1, d);
        check_3d("amax2_reorder", amax2_reorder, n, d % 5 + 1, d);
    }
    check_empty();
    return harness_done("argmax");
}
