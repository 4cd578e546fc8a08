/* casts: float -> int truncates toward zero and saturates (NaN -> 0);
 * int -> float rounds to nearest; widenings keep the value; bool -> 0/1. */
#include "harness.h"
#include "casts.h"

static int32_t sat_i32(double x)
{
    if (isnan(x)) return 0;
    if (x >= 2147483648.0) return INT32_MAX;
    if (x <= -2147483649.0) return INT32_MIN;
    return (int32_t)x;
}
static int64_t sat_i64(double x)
{
    if (isnan(x)) return 0;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    if (x < -9223372036854775808.0) return INT64_MIN;
    return (int64_t)x;
}
static uint8_t sat_u8(double x)
{
    if (isnan(x) || x <= -1.0) return 0;
    if (x >= 256.0) return 255;
    return (uint8_t)x;
}
static uint32_t sat_u32(double x)
{
    if (isnan(x) || x <= -1.0) return 0;
    if (x >= 4294967296.0) return UINT32_MAX;
    return (uint32_t)x;
}

static void run(int n)
{
    float *x = ALLOC(float, n);
    int32_t *ii = ALLOC(int32_t, n);
    uint8_t *u = ALLOC(uint8_t, n);
    int8_t *s = ALLOC(int8_t, n);
    bool *bo = ALLOC(bool, n);
    int32_t *xi = ALLOC(int32_t, n), *xir = ALLOC(int32_t, n), *ui = ALLOC(int32_t, n), *uir = ALLOC(int32_t, n);
    int32_t *bi = ALLOC(int32_t, n), *bir = ALLOC(int32_t, n);
    uint8_t *xu = ALLOC(uint8_t, n), *xur = ALLOC(uint8_t, n);
    int64_t *xl = ALLOC(int64_t, n), *xlr = ALLOC(int64_t, n), *sl = ALLOC(int64_t, n), *slr = ALLOC(int64_t, n);
    float *fi = ALLOC(float, n), *fir = ALLOC(float, n);
    double *di = ALLOC(double, n), *dir = ALLOC(double, n), *xd = ALLOC(double, n), *xdr = ALLOC(double, n);
    uint16_t *us = ALLOC(uint16_t, n), *usr = ALLOC(uint16_t, n);

    fill_f32_range(x, (size_t)n, -300.0, 300.0);
    fill_i32_range(ii, (size_t)n, INT32_MIN, INT32_MAX);
    fill_u8(u, (size_t)n);
    fill_i8_range(s, (size_t)n, -128, 127);
    fill_bool(bo, (size_t)n);
    static const float sx[] = { NAN,    INFINITY, -INFINITY, 3e9f,  -3e9f, 2147483520.0f, -2147483648.0f,
                                255.9f, 256.0f,   -0.5f,     -1.0f, -1.5f, 0.99f,         1e20f,
                                -1e20f, 9.3e18f,  -9.3e18f,  -0.0f, 2.5f,  -2.5f };
    for (int i = 0; i < n && i < (int)(sizeof sx / sizeof sx[0]); i++) x[i] = sx[i];
    static const int32_t si[] = { INT32_MAX, INT32_MIN, 16777217, -16777217, 0, 33554435 };
    for (int i = 0; i < n && i < (int)(sizeof si / sizeof si[0]); i++) ii[i] = si[i];

    for (int i = 0; i < n; i++) {
        xir[i] = sat_i32(x[i]);
        xur[i] = sat_u8(x[i]);
        xlr[i] = sat_i64(x[i]);
        fir[i] = (float)ii[i];
        dir[i] = (double)ii[i];
        uir[i] = (int32_t)u[i];
        slr[i] = (int64_t)s[i];
        xdr[i] = (double)x[i];
        bir[i] = bo[i] ? 1 : 0;
        usr[i] = (uint16_t)u[i];
    }
    tdsl_tensor X = TDSL_F32(x, n), I = TDSL_I32(ii, n), U = TDSL_U8(u, n), S = TDSL_I8(s, n), Bo = TDSL_BOOL(bo, n);
    tdsl_tensor XI = TDSL_I32(xi, n), XU = TDSL_U8(xu, n), XL = TDSL_I64(xl, n), IF = TDSL_F32(fi, n);
    tdsl_tensor ID = TDSL_F64(di, n), UI = TDSL_I32(ui, n), SL = TDSL_I64(sl, n), XD = TDSL_F64(xd, n);
    tdsl_tensor BI = TDSL_I32(bi, n), US = TDSL_U16(us, n);
    if (CHECK_OK(casts(&X, &I, &U, &S, &Bo, &XI, &XU, &XL, &IF, &ID, &UI, &SL, &XD, &BI, &US))) {
        check_equal_i32(LABEL("i32(f32) n=%d", n), xi, xir, (size_t)n);
        check_equal_u8(LABEL("u8(f32) n=%d", n), xu, xur, (size_t)n);
        check_equal_i64(LABEL("i64(f32) n=%d", n), xl, xlr, (size_t)n);
        check_equal_f32(LABEL("f32(i32) n=%d", n), fi, fir, (size_t)n);
        check_equal_f64(LABEL("f64(i32) n=%d", n), di, dir, (size_t)n);
        check_equal_i32(LABEL("i32(u8) n=%d", n), ui, uir, (size_t)n);
        check_equal_i64(LABEL("i64(i8) n=%d", n), sl, slr, (size_t)n);
        check_equal_f64(LABEL("f64(f32) n=%d", n), xd, xdr, (size_t)n);
        check_equal_i32(LABEL("i32(bool) n=%d", n), bi, bir, (size_t)n);
        check_equal_u16(LABEL("u16(u8) n=%d", n), us, usr, (size_t)n);
    }
    free(x), free(ii), free(u), free(s), free(bo), free(xi), free(xir), free(ui), free(uir);
    free(bi), free(bir), free(xu), free(xur), free(xl), free(xlr), free(sl), free(slr);
    free(fi), free(fir), free(di), free(dir), free(xd), free(xdr), free(us), free(usr);
}

static void run_d(int n)
{
    double *d = ALLOC(double, n);
    float *f = ALLOC(float, n), *fr = ALLOC(float, n);
    int32_t *i32 = ALLOC(int32_t, n), *ir = ALLOC(int32_t, n);
    uint32_t *u32 = ALLOC(uint32_t, n), *ur = ALLOC(uint32_t, n);
    fill_f64_range(d, (size_t)n, -5e9, 5e9);
    static const double sd[] = { NAN,           INFINITY, -INFINITY,    4294967295.5,          4294967296.0,
                                 -0.9,          -1.0,     2147483647.9, 2147483648.0,          -2147483648.9,
                                 -2147483649.0, 1e40,     1e-50,        3.4028235677973366e38, 0.1,
                                 -7.99 };
    for (int i = 0; i < n && i < (int)(sizeof sd / sizeof sd[0]); i++) d[i] = sd[i];
    for (int i = 0; i < n; i++) {
        fr[i] = (float)d[i];
        ir[i] = sat_i32(d[i]);
        ur[i] = sat_u32(d[i]);
    }
    tdsl_tensor D = TDSL_F64(d, n), F = TDSL_F32(f, n), I = TDSL_I32(i32, n), U = TDSL_U32(u32, n);
    if (CHECK_OK(dcasts(&D, &F, &I, &U))) {
        check_equal_f32(LABEL("f32(f64) n=%d", n), f, fr, (size_t)n);
        check_equal_i32(LABEL("i32(f64) n=%d", n), i32, ir, (size_t)n);
        check_equal_u32(LABEL("u32(f64) n=%d", n), u32, ur, (size_t)n);
    }
    free(d), free(f), free(fr), free(i32), free(ir), free(u32), free(ur);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(1);
    run(1000);
    run_d(37);
    run_d(16);
    run_d(1);
    run_d(515);
    return harness_done("casts");
}
