/* intdiv: truncating / and %, x / 0 = 0, x % 0 = 0, INT_MIN / -1 = INT_MIN,
 * INT_MIN % -1 = 0, for i32, i64, u32, i8; division by a scalar and literals. */
#include "harness.h"
#include "intdiv.h"

#define REF_DIV(T, a, b, MINV) ((b) == 0 ? (T)0 : ((a) == (MINV) && (b) == -1) ? (T)(a) : (T)((a) / (b)))
#define REF_MOD(T, a, b, MINV) ((b) == 0 ? (T)0 : ((a) == (MINV) && (b) == -1) ? (T)0 : (T)((a) % (b)))

/* Inputs: random pairs, plus every special pair at the front. */
static void run32(int n)
{
    int32_t *a = ALLOC(int32_t, n), *b = ALLOC(int32_t, n), *q = ALLOC(int32_t, n), *r = ALLOC(int32_t, n);
    int32_t *qr = ALLOC(int32_t, n), *rr = ALLOC(int32_t, n);
    fill_i32_range(a, (size_t)n, -1000, 1000);
    fill_i32_range(b, (size_t)n, -12, 12);
    static const int32_t sa[] = { 7, -7, 7, -7, 0, INT32_MIN, INT32_MIN, INT32_MAX, INT32_MIN, 5, -5, 123 };
    static const int32_t sb[] = { 2, 2, -2, -2, 0, -1, 0, -1, 1, 0, 0, INT32_MIN };
    for (int i = 0; i < n && i < (int)(sizeof sa / sizeof sa[0]); i++) a[i] = sa[i], b[i] = sb[i];
    for (int i = 0; i < n; i++) {
        qr[i] = REF_DIV(int32_t, a[i], b[i], INT32_MIN);
        rr[i] = REF_MOD(int32_t, a[i], b[i], INT32_MIN);
    }
    tdsl_tensor A = TDSL_I32(a, n), B = TDSL_I32(b, n), Q = TDSL_I32(q, n), R = TDSL_I32(r, n);
    if (CHECK_OK(idivmod(&A, &B, &Q, &R))) {
        check_equal_i32(LABEL("idivmod / n=%d", n), q, qr, (size_t)n);
        check_equal_i32(LABEL("idivmod %% n=%d", n), r, rr, (size_t)n);
    }
    free(a), free(b), free(q), free(r), free(qr), free(rr);
}

static void run64(int n)
{
    int64_t *a = ALLOC(int64_t, n), *b = ALLOC(int64_t, n), *q = ALLOC(int64_t, n), *r = ALLOC(int64_t, n);
    int64_t *qr = ALLOC(int64_t, n), *rr = ALLOC(int64_t, n);
    fill_i64_range(a, (size_t)n, -100000, 100000);
    fill_i64_range(b, (size_t)n, -30, 30);
    static const int64_t sa[] = { INT64_MIN, INT64_MIN, INT64_MAX, -9, 9, 0, 1 };
    static const int64_t sb[] = { -1, 0, 3, 4, -4, 0, INT64_MAX };
    for (int i = 0; i < n && i < (int)(sizeof sa / sizeof sa[0]); i++) a[i] = sa[i], b[i] = sb[i];
    for (int i = 0; i < n; i++) {
        qr[i] = REF_DIV(int64_t, a[i], b[i], INT64_MIN);
        rr[i] = REF_MOD(int64_t, a[i], b[i], INT64_MIN);
    }
    tdsl_tensor A = TDSL_I64(a, n), B = TDSL_I64(b, n), Q = TDSL_I64(q, n), R = TDSL_I64(r, n);
    if (CHECK_OK(ldivmod(&A, &B, &Q, &R))) {
        check_equal_i64(LABEL("ldivmod / n=%d", n), q, qr, (size_t)n);
        check_equal_i64(LABEL("ldivmod %% n=%d", n), r, rr, (size_t)n);
    }
    free(a), free(b), free(q), free(r), free(qr), free(rr);
}

static void runu(int n)
{
    uint32_t *a = ALLOC(uint32_t, n), *b = ALLOC(uint32_t, n), *q = ALLOC(uint32_t, n), *r = ALLOC(uint32_t, n);
    uint32_t *qr = ALLOC(uint32_t, n), *rr = ALLOC(uint32_t, n);
    fill_u32_range(a, (size_t)n, 0, 4294967295ll);
    fill_u32_range(b, (size_t)n, 0, 20);
    static const uint32_t sa[] = { 4294967295u, 4294967295u, 2147483648u, 0, 17 };
    static const uint32_t sb[] = { 1, 2147483648u, 0, 0, 4294967295u };
    for (int i = 0; i < n && i < (int)(sizeof sa / sizeof sa[0]); i++) a[i] = sa[i], b[i] = sb[i];
    for (int i = 0; i < n; i++) {
        qr[i] = b[i] ? a[i] / b[i] : 0;
        rr[i] = b[i] ? a[i] % b[i] : 0;
    }
    tdsl_tensor A = TDSL_U32(a, n), B = TDSL_U32(b, n), Q = TDSL_U32(q, n), R = TDSL_U32(r, n);
    if (CHECK_OK(udivmod(&A, &B, &Q, &R))) {
        check_equal_u32(LABEL("udivmod / n=%d", n), q, qr, (size_t)n);
        check_equal_u32(LABEL("udivmod %% n=%d", n), r, rr, (size_t)n);
    }
    free(a), free(b), free(q), free(r), free(qr), free(rr);
}

static void run8(int n)
{
    int8_t *a = ALLOC(int8_t, n), *b = ALLOC(int8_t, n), *q = ALLOC(int8_t, n), *r = ALLOC(int8_t, n);
    int8_t *qr = ALLOC(int8_t, n), *rr = ALLOC(int8_t, n);
    fill_i8_range(a, (size_t)n, -128, 127);
    fill_i8_range(b, (size_t)n, -128, 127);
    static const int8_t sa[] = { -128, -128, 127, -7, 0 };
    static const int8_t sb[] = { -1, 0, -128, 2, 0 };
    for (int i = 0; i < n && i < (int)(sizeof sa / sizeof sa[0]); i++) a[i] = sa[i], b[i] = sb[i];
    for (int i = 0; i < n; i++) {
        qr[i] = REF_DIV(int8_t, a[i], b[i], INT8_MIN);
        rr[i] = REF_MOD(int8_t, a[i], b[i], INT8_MIN);
    }
    tdsl_tensor A = TDSL_I8(a, n), B = TDSL_I8(b, n), Q = TDSL_I8(q, n), R = TDSL_I8(r, n);
    if (CHECK_OK(bdivmod(&A, &B, &Q, &R))) {
        check_equal_i8(LABEL("bdivmod / n=%d", n), q, qr, (size_t)n);
        check_equal_i8(LABEL("bdivmod %% n=%d", n), r, rr, (size_t)n);
    }
    free(a), free(b), free(q), free(r), free(qr), free(rr);
}

static void runk(int n, int32_t d)
{
    int32_t *a = ALLOC(int32_t, n), *q = ALLOC(int32_t, n), *r = ALLOC(int32_t, n), *h = ALLOC(int32_t, n);
    int32_t *qr = ALLOC(int32_t, n), *rr = ALLOC(int32_t, n), *hr = ALLOC(int32_t, n);
    fill_i32_range(a, (size_t)n, -100000, 100000);
    if (n > 2) a[0] = INT32_MIN, a[1] = INT32_MAX, a[2] = -1;
    for (int i = 0; i < n; i++) {
        qr[i] = REF_DIV(int32_t, a[i], d, INT32_MIN);
        rr[i] = REF_MOD(int32_t, a[i], d, INT32_MIN);
        hr[i] = (int32_t)((uint32_t)(a[i] / 2) + (uint32_t)(a[i] % 3));
    }
    tdsl_tensor A = TDSL_I32(a, n), Q = TDSL_I32(q, n), R = TDSL_I32(r, n), H = TDSL_I32(h, n);
    if (CHECK_OK(idivk(&A, d, &Q, &R, &H))) {
        check_equal_i32(LABEL("idivk / %d n=%d", d, n), q, qr, (size_t)n);
        check_equal_i32(LABEL("idivk %% %d n=%d", d, n), r, rr, (size_t)n);
        check_equal_i32(LABEL("idivk /2 + %%3 n=%d", n), h, hr, (size_t)n);
    }
    free(a), free(q), free(r), free(h), free(qr), free(rr), free(hr);
}

int main(void)
{
    harness_init();
    run32(37);
    run32(64);
    run32(1);
    run32(1000);
    run64(37);
    run64(128);
    run64(1);
    runu(37);
    runu(64);
    runu(5);
    run8(37);
    run8(256);
    run8(5);
    runk(37, 7);
    runk(64, -3);
    runk(7, 0);
    runk(5, -1);
    runk(33, 1);
    return harness_done("intdiv");
}
