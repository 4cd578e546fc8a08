/* int_types: i8 i16 i64 u16 u64 arithmetic, wrapping; unary minus, min, max, abs
 * (abs(-128) wraps to -128 in i8), an i64 sum. */
#include "harness.h"
#include "int_types.h"

static void run8(int n)
{
    int8_t *a = ALLOC(int8_t, n), *b = ALLOC(int8_t, n), *o[6], *r[6];
    for (int t = 0; t < 6; t++) o[t] = ALLOC(int8_t, n), r[t] = ALLOC(int8_t, n);
    fill_i8_range(a, (size_t)n, -128, 127);
    fill_i8_range(b, (size_t)n, -128, 127);
    if (n > 1) a[0] = -128, b[0] = 127, a[1] = 127, b[1] = 127;
    for (int i = 0; i < n; i++) {
        r[0][i] = (int8_t)(uint8_t)(a[i] + b[i]);
        r[1][i] = (int8_t)(uint8_t)(a[i] - b[i]);
        r[2][i] = (int8_t)(uint8_t)(a[i] * b[i]);
        r[3][i] = (int8_t)(uint8_t)(-a[i]);
        r[4][i] = a[i] > b[i] ? a[i] : b[i];
        r[5][i] = (int8_t)(uint8_t)(a[i] < 0 ? -a[i] : a[i]);
    }
    tdsl_tensor A = TDSL_I8(a, n), B = TDSL_I8(b, n);
    tdsl_tensor S = TDSL_I8(o[0], n), D = TDSL_I8(o[1], n), P = TDSL_I8(o[2], n);
    tdsl_tensor N = TDSL_I8(o[3], n), M = TDSL_I8(o[4], n), AB = TDSL_I8(o[5], n);
    static const char *names[6] = { "+", "-", "*", "neg", "max", "abs" };
    if (CHECK_OK(int8ops(&A, &B, &S, &D, &P, &N, &M, &AB)))
        for (int t = 0; t < 6; t++) check_equal_i8(LABEL("i8 %s n=%d", names[t], n), o[t], r[t], (size_t)n);
    free(a), free(b);
    for (int t = 0; t < 6; t++) free(o[t]), free(r[t]);
}

static void run16(int n)
{
    int16_t *a = ALLOC(int16_t, n), *b = ALLOC(int16_t, n), *o[3], *r[3];
    for (int t = 0; t < 3; t++) o[t] = ALLOC(int16_t, n), r[t] = ALLOC(int16_t, n);
    fill_i16_range(a, (size_t)n, -32768, 32767);
    fill_i16_range(b, (size_t)n, -32768, 32767);
    for (int i = 0; i < n; i++) {
        r[0][i] = (int16_t)(uint16_t)(a[i] + b[i]);
        r[1][i] = (int16_t)(uint16_t)((uint32_t)a[i] * (uint32_t)b[i]);
        r[2][i] = a[i] < b[i] ? a[i] : b[i];
    }
    tdsl_tensor A = TDSL_I16(a, n), B = TDSL_I16(b, n);
    tdsl_tensor S = TDSL_I16(o[0], n), P = TDSL_I16(o[1], n), M = TDSL_I16(o[2], n);
    static const char *names[3] = { "+", "*", "min" };
    if (CHECK_OK(int16ops(&A, &B, &S, &P, &M)))
        for (int t = 0; t < 3; t++) check_equal_i16(LABEL("i16 %s n=%d", names[t], n), o[t], r[t], (size_t)n);
    free(a), free(b);
    for (int t = 0; t < 3; t++) free(o[t]), free(r[t]);
}

static void run64(int n)
{
    int64_t *a = ALLOC(int64_t, n), *b = ALLOC(int64_t, n), *s = ALLOC(int64_t, n), *p = ALLOC(int64_t, n);
    int64_t *sr = ALLOC(int64_t, n), *pr = ALLOC(int64_t, n), t[1], tr[1];
    fill_i64_range(a, (size_t)n, INT64_MIN, INT64_MAX);
    fill_i64_range(b, (size_t)n, -1000000, 1000000);
    uint64_t acc = 0;
    for (int i = 0; i < n; i++) {
        sr[i] = (int64_t)((uint64_t)a[i] - (uint64_t)b[i]);
        pr[i] = (int64_t)((uint64_t)a[i] * (uint64_t)b[i]);
        acc += (uint64_t)a[i] * (uint64_t)b[i];
    }
    tr[0] = (int64_t)acc;
    tdsl_tensor A = TDSL_I64(a, n), B = TDSL_I64(b, n), S = TDSL_I64(s, n), P = TDSL_I64(p, n), T = TDSL_I64(t, 1);
    if (CHECK_OK(int64ops(&A, &B, &S, &P, &T))) {
        check_equal_i64(LABEL("i64 - n=%d", n), s, sr, (size_t)n);
        check_equal_i64(LABEL("i64 * n=%d", n), p, pr, (size_t)n);
        check_equal_i64(LABEL("i64 sum n=%d", n), t, tr, 1);
    }
    free(a), free(b), free(s), free(p), free(sr), free(pr);
}

static void runu(int n)
{
    uint16_t *a = ALLOC(uint16_t, n), *b = ALLOC(uint16_t, n), *o[3], *r[3];
    uint64_t *c = ALLOC(uint64_t, n), *d = ALLOC(uint64_t, n), *q[3], *qr[3];
    for (int t = 0; t < 3; t++) {
        o[t] = ALLOC(uint16_t, n), r[t] = ALLOC(uint16_t, n);
        q[t] = ALLOC(uint64_t, n), qr[t] = ALLOC(uint64_t, n);
    }
    fill_u16_range(a, (size_t)n, 0, 65535);
    fill_u16_range(b, (size_t)n, 0, 65535);
    for (int i = 0; i < n; i++) c[i] = rng_next(), d[i] = rng_next() >> (rng_next() % 64);
    if (n > 1) d[0] = 0, c[1] = UINT64_MAX, d[1] = 1;
    for (int i = 0; i < n; i++) {
        r[0][i] = (uint16_t)(a[i] - b[i]);
        r[1][i] = (uint16_t)((uint32_t)a[i] * (uint32_t)b[i]);
        r[2][i] = a[i] > b[i] ? a[i] : b[i];
        qr[0][i] = c[i] - d[i];
        qr[1][i] = c[i] * d[i];
        qr[2][i] = d[i] ? c[i] / d[i] : 0;
    }
    tdsl_tensor A = TDSL_U16(a, n), B = TDSL_U16(b, n), C = TDSL_U64(c, n), D = TDSL_U64(d, n);
    tdsl_tensor S = TDSL_U16(o[0], n), P = TDSL_U16(o[1], n), M = TDSL_U16(o[2], n);
    tdsl_tensor CS = TDSL_U64(q[0], n), CP = TDSL_U64(q[1], n), CD = TDSL_U64(q[2], n);
    static const char *n16[3] = { "-", "*", "max" }, *n64[3] = { "-", "*", "/" };
    if (CHECK_OK(uintops(&A, &B, &C, &D, &S, &P, &M, &CS, &CP, &CD)))
        for (int t = 0; t < 3; t++) {
            check_equal_u16(LABEL("u16 %s n=%d", n16[t], n), o[t], r[t], (size_t)n);
            check_equal_u64(LABEL("u64 %s n=%d", n64[t], n), q[t], qr[t], (size_t)n);
        }
    free(a), free(b), free(c), free(d);
    for (int t = 0; t < 3; t++) free(o[t]), free(r[t]), free(q[t]), free(qr[t]);
}

int main(void)
{
    harness_init();
    run8(37);
    run8(64);
    run8(1);
    run8(300);
    run16(37);
    run16(64);
    run16(1);
    run64(37);
    run64(128);
    run64(1);
    runu(37);
    runu(64);
    runu(1);
    return harness_done("int_types");
}
