/* values_test.c - REPL tensor values (repl/tensor.c, npy.c, print.c).
 *   values_test DIR             unit tests: constructors, get/set, printing (exact
 *                               strings), .npy round trips and every load error
 *                               (the bad files are written under DIR)
 *   values_test --dump F.npy    loads F and prints "DTYPE D0 D1 ..." and one
 *                               element a line (ints exact, floats as %a)
 *   values_test --print F...    rt_print of each file, each followed by "----"
 *   values_test --save-all DIR  saves NAME.npy for every dtype and several shapes
 *                               and NAME.txt, its --dump text (for numpy_check.py) */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "repl/npy.h"
#include "repl/print.h"
#include "repl/tensor.h"

static int checks, fails;

#define CHECK(cond, ...) check(cond, __LINE__, __VA_ARGS__)
static void check(bool ok, int line, const char *fmt, ...)
{
    checks++;
    if (ok) return;
    fails++;
    printf("FAIL values_test.c:%d: ", line);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

#define SHAPE(...) \
    (int)(sizeof((int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), (int64_t[]) { __VA_ARGS__ }

/* ---- dump: the text numpy_check.py compares with NumPy's view of a file ---- */

static void dump(FILE *f, const RTensor *t)
{
    fprintf(f, "%s", dtype_name(t->type));
    for (int i = 0; i < t->ndim; i++) fprintf(f, " %lld", (long long)t->shape[i]);
    fprintf(f, "\n");
    int64_t n = rt_numel(t), v;
    for (int64_t i = 0; i < n; i++) {
        if (t->type == DT_U64) fprintf(f, "%llu\n", (unsigned long long)((uint64_t *)t->data)[i]);
        else if (dtype_is_float(t->type)) fprintf(f, "%a\n", rt_get(t, i));
        else if (rt_get_i64(t, i, &v)) fprintf(f, "%lld\n", (long long)v);
    }
}

/* ---- constructors and element access ---- */

static void test_constructors(void)
{
    RTensor *t = rt_new(DT_I32, SHAPE(2, 3));
    CHECK(t && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3, "rt_new shape");
    CHECK(rt_numel(t) == 6 && rt_nbytes(t) == 24, "numel %lld nbytes %zu", (long long)rt_numel(t), rt_nbytes(t));
    for (int i = 0; i < 6; i++) CHECK(rt_get(t, i) == 0, "zero-filled");
    rt_free(t);

    t = rt_new(DT_BOOL, 0, NULL);
    CHECK(t && rt_numel(t) == 1 && rt_nbytes(t) == 1, "scalar bool");
    rt_free(t);
    t = rt_new(DT_F64, SHAPE(0, 5));
    CHECK(t && rt_numel(t) == 0 && rt_nbytes(t) == 0 && t->data, "empty");
    rt_free(t);
    CHECK(!rt_new(DT_F32, SHAPE(3, -1)), "negative extent");
    CHECK(!rt_new(DT_F64, SHAPE(1 << 30, 1 << 30, 1 << 30)), "too big");
    CHECK(!rt_new(DT_NONE, SHAPE(2)), "DT_NONE");
    int64_t many[RT_MAX_DIMS + 1];
    for (int i = 0; i <= RT_MAX_DIMS; i++) many[i] = 1;
    CHECK(!rt_new(DT_U8, RT_MAX_DIMS + 1, many), "too many dims");
    t = rt_new(DT_U8, RT_MAX_DIMS, many);
    CHECK(t != NULL, "RT_MAX_DIMS dims");
    rt_free(t);
    rt_free(NULL);

    /* full: like a C cast, saturating for ints */
    static const struct {
        DType t;
        double v, want;
    } full[] = {
        { DT_I8, 300, 127 },
        { DT_I8, -300, -128 },
        { DT_I8, -2.9, -2 },
        { DT_I32, 2.9, 2 },
        { DT_U8, -5, 0 },
        { DT_U8, 255.9, 255 },
        { DT_U16, 1e9, 65535 },
        { DT_I32, NAN, 0 },
        { DT_I64, 1e19, 9223372036854775807.0 },
        { DT_I64, -1e19, -9223372036854775808.0 },
        { DT_U32, INFINITY, 4294967295.0 },
        { DT_BOOL, 0.5, 1 },
        { DT_BOOL, 0, 0 },
        { DT_BOOL, NAN, 1 },
        { DT_F32, 0.1, (float)0.1 },
        { DT_F64, -0.0, 0 },
        { DT_F32, 1e300, INFINITY },
    };
    for (size_t k = 0; k < sizeof full / sizeof *full; k++) {
        t = rt_full(full[k].t, SHAPE(2, 2), full[k].v);
        for (int i = 0; i < 4; i++)
            CHECK(rt_get(t, i) == full[k].want, "full(%s, %g)[%d] = %g, want %g", dtype_name(full[k].t), full[k].v, i,
                  rt_get(t, i), full[k].want);
        rt_free(t);
    }
    t = rt_full(DT_U64, SHAPE(1), 1e30);
    CHECK(((uint64_t *)t->data)[0] == UINT64_MAX, "u64 saturates");
    rt_free(t);
    t = rt_full(DT_I64, SHAPE(1), 1e19);
    CHECK(((int64_t *)t->data)[0] == INT64_MAX, "i64 saturates");
    rt_free(t);

    t = rt_arange(DT_I16, 5);
    CHECK(t->ndim == 1 && t->shape[0] == 5, "arange shape");
    for (int i = 0; i < 5; i++) CHECK(rt_get(t, i) == i, "arange[%d]", i);
    rt_free(t);
    t = rt_arange(DT_F32, 0);
    CHECK(t && rt_numel(t) == 0, "arange(0)");
    rt_free(t);

    t = rt_scalar(DT_F64, 2.5);
    CHECK(t->ndim == 0 && rt_get(t, 0) == 2.5, "scalar");
    RTensor *c = rt_copy(t);
    rt_set(c, 0, 7);
    CHECK(rt_get(t, 0) == 2.5 && rt_get(c, 0) == 7, "copy is independent");
    rt_free(t);
    rt_free(c);
}

static void test_access(void)
{
    RTensor *t = rt_new(DT_U64, SHAPE(3));
    int64_t v;
    rt_set_u64(t, 0, UINT64_MAX);
    rt_set_u64(t, 1, (uint64_t)1 << 63);
    rt_set_i64(t, 2, -5);
    CHECK(!rt_get_i64(t, 0, &v) && !rt_get_i64(t, 1, &v), "u64 over INT64_MAX is not an i64");
    CHECK(((uint64_t *)t->data)[0] == UINT64_MAX && rt_get_i64(t, 2, &v) && v == 0, "u64 exact, saturating");
    rt_free(t);

    t = rt_new(DT_I64, SHAPE(2));
    rt_set_i64(t, 0, INT64_MIN + 1);
    CHECK(rt_get_i64(t, 0, &v) && v == INT64_MIN + 1, "i64 exact");
    rt_free(t);

    t = rt_new(DT_I8, SHAPE(2));
    rt_set_i64(t, 0, 1000);
    rt_set_i64(t, 1, -1000);
    CHECK(rt_get(t, 0) == 127 && rt_get(t, 1) == -128, "set_i64 saturates");
    rt_free(t);

    t = rt_new(DT_F64, SHAPE(4));
    rt_set(t, 0, 3);
    rt_set(t, 1, 2.5);
    rt_set(t, 2, NAN);
    rt_set(t, 3, 1e30);
    CHECK(rt_get_i64(t, 0, &v) && v == 3, "integral float");
    CHECK(!rt_get_i64(t, 1, &v) && !rt_get_i64(t, 2, &v) && !rt_get_i64(t, 3, &v), "non-integral float");
    rt_free(t);

    t = rt_new(DT_BOOL, SHAPE(1));
    rt_set(t, 0, -3);
    CHECK(((uint8_t *)t->data)[0] == 1 && rt_get_i64(t, 0, &v) && v == 1, "bool stores 1");
    rt_free(t);
}

static void test_rand(void)
{
    static const DType types[] = { DT_F32, DT_F64, DT_I8, DT_I64, DT_U16, DT_U64, DT_BOOL };
    for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
        DType ty = types[k];
        rt_seed(42);
        RTensor *a = rt_rand(ty, SHAPE(50, 40));
        rt_seed(42);
        RTensor *b = rt_rand(ty, SHAPE(50, 40));
        RTensor *c = rt_rand(ty, SHAPE(50, 40));
        CHECK(!memcmp(a->data, b->data, rt_nbytes(a)), "%s: same seed, same values", dtype_name(ty));
        CHECK(memcmp(b->data, c->data, rt_nbytes(a)) != 0, "%s: the stream moves on", dtype_name(ty));
        double lo = dtype_is_float(ty) ? 0 : dtype_is_signed(ty) ? -10 : 0;
        double hi = dtype_is_float(ty) ? 1 : ty == DT_BOOL ? 2 : 10;
        double mn = INFINITY, mx = -INFINITY;
        for (int64_t i = 0; i < rt_numel(a); i++) {
            double v = rt_get(a, i);
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
            if (!(v >= lo && v < hi)) {
                CHECK(false, "%s: rand value %g outside [%g, %g)", dtype_name(ty), v, lo, hi);
                break;
            }
        }
        /* 2000 draws cover the ends of every range */
        if (dtype_is_float(ty)) CHECK(mn < 0.01 && mx > 0.99, "%s: rand spans [0, 1)", dtype_name(ty));
        else CHECK(mn == lo && mx == hi - 1, "%s: rand spans [%g, %g]: %g..%g", dtype_name(ty), lo, hi - 1, mn, mx);
        rt_free(a);
        rt_free(b);
        rt_free(c);
    }
}

/* ---- printing ---- */

static void expect_print(RTensor *t, const char *want, int line)
{
    char *got = rt_format(t);
    check(got && !strcmp(got, want), line, "printing:\n--- want\n%s--- got\n%s---", want, got ? got : "(NULL)");
    free(got);
    rt_free(t);
}

static RTensor *from(DType ty, int ndim, const int64_t *shape, const double *v)
{
    RTensor *t = rt_new(ty, ndim, shape);
    for (int64_t i = 0; i < rt_numel(t); i++) rt_set(t, i, v[i]);
    return t;
}
#define VALS(...) \
    (const double[]) { __VA_ARGS__ }

static RTensor *arange_shaped(DType ty, int ndim, const int64_t *shape)
{
    RTensor *t = rt_new(ty, ndim, shape);
    for (int64_t i = 0; i < rt_numel(t); i++) rt_set_i64(t, i, i);
    return t;
}

static void test_print(void)
{
    expect_print(from(DT_F32, SHAPE(2, 3), VALS(0.1, 0.2, 0.3, 1, 2, 3)),
                 "f32[2, 3]\n[[0.1, 0.2, 0.3],\n [1.0, 2.0, 3.0]]\n", __LINE__);
    expect_print(from(DT_F32, SHAPE(2, 3), VALS(0.1, 0.25, 0.3, 1, -2, 3)),
                 "f32[2, 3]\n[[ 0.10,  0.25,  0.30],\n [ 1.00, -2.00,  3.00]]\n", __LINE__);
    expect_print(from(DT_F64, SHAPE(3), VALS(1.0 / 3, 1, 1.03125)), "f64[3]\n[0.3333, 1.0000, 1.0312]\n", __LINE__);
    expect_print(arange_shaped(DT_F32, SHAPE(4)), "f32[4]\n[0.0, 1.0, 2.0, 3.0]\n", __LINE__);
    expect_print(from(DT_F64, SHAPE(2), VALS(1e10, 1)), "f64[2]\n[1.0e+10, 1.0e+00]\n", __LINE__);
    expect_print(from(DT_F64, SHAPE(2), VALS(1.5e-5, 2)), "f64[2]\n[1.5e-05, 2.0e+00]\n", __LINE__);
    expect_print(from(DT_F64, SHAPE(2), VALS(1e100, -1e5)), "f64[2]\n[ 1.0e+100, -1.0e+005]\n", __LINE__);
    expect_print(from(DT_F64, SHAPE(3), VALS(1.5, NAN, -INFINITY)), "f64[3]\n[ 1.5,  nan, -inf]\n", __LINE__);
    expect_print(from(DT_F32, SHAPE(2), VALS(NAN, INFINITY)), "f32[2]\n[nan, inf]\n", __LINE__);
    expect_print(from(DT_F32, SHAPE(2), VALS(-0.0, 1)), "f32[2]\n[-0.0,  1.0]\n", __LINE__);
    expect_print(from(DT_F32, SHAPE(2), VALS(123456.7, 0.5)), "f32[2]\n[1.2346e+05, 5.0000e-01]\n", __LINE__);
    expect_print(from(DT_F32, SHAPE(2), VALS(1234.5677, 2)), "f32[2]\n[1234.5677,    2.0000]\n", __LINE__);
    expect_print(from(DT_I32, SHAPE(2, 2), VALS(1, -20, 300, 4)), "i32[2, 2]\n[[  1, -20],\n [300,   4]]\n", __LINE__);
    expect_print(from(DT_BOOL, SHAPE(3), VALS(1, 0, 1)), "bool[3]\n[ true, false,  true]\n", __LINE__);
    expect_print(from(DT_U8, SHAPE(1, 1), VALS(7)), "u8[1, 1]\n[[7]]\n", __LINE__);
    RTensor *u = rt_new(DT_U64, SHAPE(2));
    rt_set_u64(u, 0, UINT64_MAX);
    expect_print(u, "u64[2]\n[18446744073709551615,                    0]\n", __LINE__);

    /* scalars and empty tensors */
    expect_print(rt_scalar(DT_F32, 0.5), "f32 0.5\n", __LINE__);
    expect_print(rt_scalar(DT_F32, 2), "f32 2.0\n", __LINE__);
    expect_print(rt_scalar(DT_F64, 1.0 / 3), "f64 0.3333\n", __LINE__);
    expect_print(rt_scalar(DT_F64, 1e10), "f64 1.0e+10\n", __LINE__);
    expect_print(rt_scalar(DT_BOOL, 1), "bool true\n", __LINE__);
    expect_print(rt_scalar(DT_I8, -3), "i8 -3\n", __LINE__);
    expect_print(rt_new(DT_F32, SHAPE(0, 3)), "f32[0, 3]\n[]\n", __LINE__);
    expect_print(rt_new(DT_I64, SHAPE(0)), "i64[0]\n[]\n", __LINE__);

    /* nesting, wrapping at 75 columns, summaries */
    expect_print(arange_shaped(DT_I32, SHAPE(2, 3, 4)),
                 "i32[2, 3, 4]\n"
                 "[[[ 0,  1,  2,  3],\n  [ 4,  5,  6,  7],\n  [ 8,  9, 10, 11]],\n\n"
                 " [[12, 13, 14, 15],\n  [16, 17, 18, 19],\n  [20, 21, 22, 23]]]\n",
                 __LINE__);
    expect_print(arange_shaped(DT_U8, SHAPE(2, 2, 1, 2)),
                 "u8[2, 2, 1, 2]\n"
                 "[[[[0, 1]],\n\n  [[2, 3]]],\n\n\n"
                 " [[[4, 5]],\n\n  [[6, 7]]]]\n",
                 __LINE__);
    expect_print(arange_shaped(DT_I64, SHAPE(30)),
                 "i64[30]\n"
                 "[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n"
                 " 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]\n",
                 __LINE__);
    expect_print(arange_shaped(DT_I64, SHAPE(2000)), "i64[2000]\n[   0,    1,    2, ..., 1997, 1998, 1999]\n",
                 __LINE__);
    expect_print(arange_shaped(DT_I32, SHAPE(40, 30)),
                 "i32[40, 30]\n"
                 "[[   0,    1,    2, ...,   27,   28,   29],\n"
                 " [  30,   31,   32, ...,   57,   58,   59],\n"
                 " [  60,   61,   62, ...,   87,   88,   89],\n"
                 " ...,\n"
                 " [1110, 1111, 1112, ..., 1137, 1138, 1139],\n"
                 " [1140, 1141, 1142, ..., 1167, 1168, 1169],\n"
                 " [1170, 1171, 1172, ..., 1197, 1198, 1199]]\n",
                 __LINE__);
    RTensor *big = rt_full(DT_F32, SHAPE(10, 10, 11), 0.5);
    rt_set(big, 1099, 2);
    expect_print(big,
                 "f32[10, 10, 11]\n"
                 "[[[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  ...,\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]],\n\n"
                 " [[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  ...,\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]],\n\n"
                 " [[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  ...,\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]],\n\n"
                 " ...,\n\n"
                 " [[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  ...,\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]],\n\n"
                 " [[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  ...,\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]],\n\n"
                 " [[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  ...,\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n"
                 "  [0.5, 0.5, 0.5, ..., 0.5, 0.5, 2.0]]]\n",
                 __LINE__);
    /* a summarised row too wide for one line wraps, "..." included */
    RTensor *w = rt_new(DT_F64, SHAPE(2, 600));
    for (int64_t i = 0; i < 1200; i++) rt_set(w, i, i % 600 * 1000.25 + 0.0001 * (i / 600));
    expect_print(w,
                 "f64[2, 600]\n"
                 "[[0.0000e+00, 1.0002e+03, 2.0005e+03, ..., 5.9715e+05, 5.9815e+05,\n"
                 "  5.9915e+05],\n"
                 " [1.0000e-04, 1.0003e+03, 2.0005e+03, ..., 5.9715e+05, 5.9815e+05,\n"
                 "  5.9915e+05]]\n",
                 __LINE__);
}

/* ---- .npy files ---- */

static const char *dir;

static char *path_of(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static void write_bytes(const char *name, const void *p, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");
    if (!f) {
        CHECK(false, "cannot write %s", path_of(name));
        return;
    }
    fwrite(p, 1, n, f);
    fclose(f);
}

/* a file with version major.0, header dict `dict` (padded as NumPy does) and the
 * data; returns the length written */
static size_t write_npy(const char *name, int major, const char *dict, const void *data, size_t n)
{
    unsigned char buf[4096];
    size_t pre = major == 1 ? 10 : 12, dn = strlen(dict), pad = 64 - (pre + dn + 1) % 64;
    size_t hlen = dn + pad + 1;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 0; i < pre - 8; i++) buf[8 + i] = (unsigned char)(hlen >> (8 * i));
    memcpy(buf + pre, dict, dn);
    memset(buf + pre + dn, ' ', pad);
    buf[pre + hlen - 1] = '\n';
    memcpy(buf + pre + hlen, data, n);
    write_bytes(name, buf, pre + hlen + n);
    return pre + hlen + n;
}

static void expect_load_error(const char *name, const char *want)
{
    char err[512] = "";
    RTensor *t = npy_load(path_of(name), err, sizeof err);
    char full[4200];
    snprintf(full, sizeof full, "%s: %s", path_of(name), want);
    CHECK(!t && !strcmp(err, full), "loading %s:\n  want: %s\n  got:  %s", name, full, t ? "(a tensor)" : err);
    rt_free(t);
}

static RTensor *expect_load(const char *name)
{
    char err[512] = "";
    RTensor *t = npy_load(path_of(name), err, sizeof err);
    CHECK(t != NULL, "loading %s: %s", name, err);
    return t;
}

static void test_npy_round_trip(void)
{
    char err[512], name[64];
    for (int ty = DT_BOOL; ty < DT_COUNT; ty++) {
        static const int64_t shapes[][4] = { { 0 }, { 1, 7 }, { 3, 2, 3, 4 }, { 2, 0, 3 } };
        for (int s = 0; s < 4; s++) {
            rt_seed((uint64_t)(ty * 10 + s));
            RTensor *t = rt_rand((DType)ty, (int)shapes[s][0], shapes[s] + 1);
            snprintf(name, sizeof name, "rt_%s_%d.npy", dtype_name((DType)ty), s);
            CHECK(npy_save(t, path_of(name), err, sizeof err) == 0, "saving %s: %s", name, err);
            RTensor *u = expect_load(name);
            if (u) {
                CHECK(u->type == t->type && u->ndim == t->ndim &&
                          !memcmp(u->shape, t->shape, (size_t)t->ndim * sizeof *t->shape) &&
                          !memcmp(u->data, t->data, rt_nbytes(t)),
                      "%s round trip", name);
                FILE *f = fopen(path_of(name), "rb");
                unsigned char pre[10];
                CHECK(fread(pre, 1, 10, f) == 10 && pre[6] == 1 && (10 + (pre[8] | pre[9] << 8)) % 64 == 0,
                      "%s: version 1.0, data 64-byte aligned", name);
                fclose(f);
            }
            rt_free(t);
            rt_free(u);
        }
    }
    RTensor *t = rt_arange(DT_F32, 3);
    CHECK(npy_save(t, "/nonexistent-dir/x.npy", err, sizeof err) == -1 &&
              !strcmp(err, "/nonexistent-dir/x.npy: cannot write: No such file or directory"),
          "save error: %s", err);
    rt_free(t);
}

static void test_npy_variants(void)
{
    /* other versions, byte orders and header spellings NumPy (or Python 2) writes */
    const int32_t i32[3] = { 1, -2, 300 };
    const unsigned char be[12] = { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0x2c };
    const double f64[2] = { 0.5, -3 };
    write_npy("v2.npy", 2, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", i32, 12);
    write_npy("v3.npy", 3, "{\"shape\": (3L,), \"descr\": \"<i4\", \"fortran_order\": False}", i32, 12);
    write_npy("be.npy", 1, "{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }", be, 12);
    write_npy("native.npy", 1, "{'descr': '=i4', 'fortran_order': False, 'shape': (3,), }", i32, 12);
    write_npy("fortran1d.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", f64, 16);
    static const char *names[] = { "v2.npy", "v3.npy", "be.npy", "native.npy" };
    for (int k = 0; k < 4; k++) {
        RTensor *t = expect_load(names[k]);
        if (!t) continue;
        CHECK(t->type == DT_I32 && t->ndim == 1 && t->shape[0] == 3, "%s: i32[3]", names[k]);
        CHECK(!memcmp(t->data, i32, 12), "%s: values", names[k]);
        rt_free(t);
    }
    RTensor *t = expect_load("fortran1d.npy");
    if (t) CHECK(t->ndim == 2 && rt_get(t, 0) == 0.5 && rt_get(t, 1) == -3, "a Fortran-order column is C order too");
    rt_free(t);
    const unsigned char b[3] = { 0, 1, 2 };
    write_npy("bool.npy", 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", b, 3);
    t = expect_load("bool.npy");
    if (t) CHECK(((uint8_t *)t->data)[2] == 1, "bool bytes other than 0/1 read as true");
    rt_free(t);
    write_npy("scalar.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f64, 8);
    t = expect_load("scalar.npy");
    if (t) CHECK(t->ndim == 0 && rt_get(t, 0) == 0.5, "0-d array is a scalar");
    rt_free(t);
}

static void test_npy_errors(void)
{
    const float f[6] = { 1, 2, 3, 4, 5, 6 };
    expect_load_error("missing.npy", "cannot open: No such file or directory");
    write_bytes("text.npy", "x,y\n1,2\n", 8);
    expect_load_error("text.npy", "not a .npy file (it does not start with \\x93NUMPY)");
    write_bytes("empty.npy", "", 0);
    expect_load_error("empty.npy", "not a .npy file (it does not start with \\x93NUMPY)");
    write_bytes("short.npy", "\x93NUM", 4);
    expect_load_error("short.npy", "truncated .npy header (the file has only 4 bytes)");
    write_bytes("v4.npy", "\x93NUMPY\x04\x00\x10\x00", 10);
    expect_load_error("v4.npy", "unsupported .npy format version 4.0 (versions 1.0, 2.0 and 3.0 are)");
    write_bytes("nolen.npy", "\x93NUMPY\x02\x00\x10\x00", 10);
    expect_load_error("nolen.npy", "truncated .npy header (no header length)");
    write_bytes("cut_header.npy", "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', ", 26);
    expect_load_error("cut_header.npy", "truncated .npy header (16 of its 118 bytes)");
    write_bytes("huge_header.npy", "\x93NUMPY\x02\x00\x00\x00\x00\x40", 12);
    expect_load_error("huge_header.npy",
                      "the .npy header claims 1073741824 bytes; more than 1048576 is not a header NumPy writes");
    size_t n = write_npy("cut_data.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f, 24);
    char *full = malloc(n);
    FILE *fp = fopen(path_of("cut_data.npy"), "rb");
    CHECK(fread(full, 1, n, fp) == n, "reread");
    fclose(fp);
    write_bytes("cut_data.npy", full, n - 5);
    free(full);
    expect_load_error("cut_data.npy", "truncated .npy data: shape (2, 3) of f32 needs 24 bytes, the file has 19");
    write_npy("fortran.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f, 24);
    expect_load_error("fortran.npy", "Fortran-order arrays are not supported; save with np.ascontiguousarray");
    write_npy("f16.npy", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", f, 4);
    expect_load_error("f16.npy", "unsupported dtype '<f2' (float16); TDSL tensors are bool, i8, i16, i32, i64, "
                                 "u8, u16, u32, u64, f32 or f64");
    write_npy("c16.npy", 1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", f, 16);
    expect_load_error("c16.npy", "unsupported dtype '<c16' (complex); TDSL tensors are bool, i8, i16, i32, i64, "
                                 "u8, u16, u32, u64, f32 or f64");
    write_npy("str.npy", 1, "{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", f, 12);
    expect_load_error("str.npy", "unsupported dtype '<U3' (unicode string); TDSL tensors are bool, i8, i16, i32, "
                                 "i64, u8, u16, u32, u64, f32 or f64");
    write_npy("i3.npy", 1, "{'descr': '<i3', 'fortran_order': False, 'shape': (1,), }", f, 3);
    expect_load_error("i3.npy", "unsupported dtype '<i3'; TDSL tensors are bool, i8, i16, i32, i64, "
                                "u8, u16, u32, u64, f32 or f64");
    write_npy("struct.npy", 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f, 4);
    expect_load_error("struct.npy", "unsupported dtype: structured arrays (a list descr) are not supported");
    write_npy("noshape.npy", 1, "{'descr': '<f4', 'fortran_order': False, }", f, 4);
    expect_load_error("noshape.npy", "malformed .npy header: no 'shape' key");
    write_npy("extra.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", f, 4);
    expect_load_error("extra.npy", "malformed .npy header: unexpected key 'x'");
    write_npy("twice.npy", 1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", f, 4);
    expect_load_error("twice.npy", "malformed .npy header: key 'descr' appears twice");
    write_npy("syntax.npy", 1, "{'descr': '<f4', 'fortran_order': false, 'shape': (1,), }", f, 4);
    expect_load_error("syntax.npy", "malformed .npy header at offset 34: "
                                    "{'descr': '<f4', 'fortran_order': false, 'shape': (1,), }");
    write_npy("notuple.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", f, 12);
    expect_load_error("notuple.npy", "malformed .npy header at offset 50: "
                                     "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }");
    write_npy("big.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }", f, 8);
    expect_load_error("big.npy", "shape (1000000000, 1000000000) of f64 is too large");
    write_npy("bigger.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", f, 8);
    expect_load_error("bigger.npy", "shape too large (an extent does not fit in 64 bits)");
    char dict[400] = "{'descr': '<f8', 'fortran_order': False, 'shape': (";
    for (int i = 0; i < 33; i++) strcat(dict, "1, ");
    strcat(dict, "), }");
    write_npy("dims.npy", 1, dict, f, 8);
    expect_load_error("dims.npy", "shape has more than 32 dimensions");
}

/* ---- modes for numpy_check.py ---- */

static int mode_save_all(const char *out)
{
    char err[512], path[4200];
    static const int64_t shapes[][5] = { { 0 }, { 1, 0 }, { 1, 7 }, { 2, 3, 4 }, { 3, 2, 3, 4 }, { 2, 0, 3 } };
    for (int ty = DT_BOOL; ty < DT_COUNT; ty++) {
        for (int s = 0; s < 6; s++) {
            rt_seed((uint64_t)(100 + ty * 10 + s));
            RTensor *t = rt_rand((DType)ty, (int)shapes[s][0], shapes[s] + 1);
            int64_t n = rt_numel(t);
            /* the extremes of the type in the larger tensors */
            if (n >= 7) {
                if (ty == DT_U64) rt_set_u64(t, 0, UINT64_MAX);
                else if (dtype_is_int((DType)ty)) {
                    rt_set_i64(t, 0, INT64_MAX);
                    rt_set_i64(t, 1, INT64_MIN);
                } else if (dtype_is_float((DType)ty)) {
                    rt_set(t, 0, NAN);
                    rt_set(t, 1, -INFINITY);
                    rt_set(t, 2, -0.0);
                    rt_set(t, 3, ty == DT_F32 ? 1e-45 : 5e-324);
                    rt_set(t, 4, ty == DT_F32 ? 3.4028234663852886e38 : 1.7976931348623157e308);
                }
            }
            const char *name = dtype_name((DType)ty);
            snprintf(path, sizeof path, "%s/%s_%d.npy", out, name, s);
            if (npy_save(t, path, err, sizeof err)) {
                fprintf(stderr, "%s\n", err);
                return 1;
            }
            snprintf(path, sizeof path, "%s/%s_%d.txt", out, name, s);
            FILE *f = fopen(path, "w");
            if (!f) return 1;
            dump(f, t);
            fclose(f);
            rt_free(t);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc == 3 && !strcmp(argv[1], "--dump")) {
        RTensor *t = npy_load(argv[2], err, sizeof err);
        if (!t) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        dump(stdout, t);
        rt_free(t);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--print")) {
        for (int i = 2; i < argc; i++) {
            RTensor *t = npy_load(argv[i], err, sizeof err);
            if (t) rt_print(stdout, t);
            else printf("error: %s\n", err);
            printf("----\n");
            rt_free(t);
        }
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--save-all")) return mode_save_all(argv[2]);
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: values_test DIR | --dump F.npy | --print F.npy... | --save-all DIR\n");
        return 2;
    }
    dir = argv[1];
    test_constructors();
    test_access();
    test_rand();
    test_print();
    test_npy_round_trip();
    test_npy_variants();
    test_npy_errors();
    printf("%s values_test (%d checks, %d failed)\n", fails ? "FAIL" : "PASS", checks, fails);
    return fails != 0;
}
