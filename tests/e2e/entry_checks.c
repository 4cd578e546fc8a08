/* entry_checks: generated entry points reject bad arguments with the exact
 * code (kind, argument, dim) and without writing any result; good but unusual
 * arguments (explicit compact strides, byte_offset, zero extents, adjacent
 * buffers, aliased inputs) still work. */
#include "harness.h"
#include "entry_checks.h"


enum { N = 4, K = 5, M = 3, SLACK = 64 };
static float x[N * K + SLACK], w[M * K + SLACK], b[M + SLACK], y[N * M + SLACK], yref[N * M];
static float xcopy[N * K + SLACK];

static void reset_y(void) { memset(y, 0xA5, sizeof y); }
#define Y_UNTOUCHED(what) check_untouched(what, y, sizeof y)

static void ref_linear(const float *xx, const float *ww, const float *bb, float *out, int n, int k, int m)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            float s = 0.0f;
            for (int r = 0; r < k; r++) s += xx[i * k + r] * ww[j * k + r];
            out[i * m + j] = s + bb[j];
        }
}

static void linear_checks(void)
{
    fill_f32(x, sizeof x / sizeof x[0]);
    fill_f32(w, sizeof w / sizeof w[0]);
    fill_f32(b, sizeof b / sizeof b[0]);
    ref_linear(x, w, b, yref, N, K, M);

    /* the good call, for contrast */
    {
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        reset_y();
        if (CHECK_OK(ec_linear(&X, &W, &B, &Y))) check_close_f32("good call", y, yref, N * M, 1e-5, 1e-5);
        check_untouched("good call writes only its N x M elements", y + N * M, SLACK * sizeof(float));
    }
    /* rank */
    {
        tdsl_tensor X = TDSL_F32(x, N, K, 1), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        reset_y();
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_RANK, 0, 0);
        Y_UNTOUCHED("rank of X");
        tdsl_tensor X2 = TDSL_F32(x, N, K), B2 = TDSL_F32(b, 1, M);
        EXPECT_ERR(ec_linear(&X2, &W, &B2, &Y), TDSL_ERR_RANK, 2, 0);
        Y_UNTOUCHED("rank of B");
        tdsl_tensor Y1 = TDSL_F32(y, N * M);
        EXPECT_ERR(ec_linear(&X2, &W, &B, &Y1), TDSL_ERR_RANK, 3, 0);
        Y_UNTOUCHED("rank of Y");
    }
    /* dtype: code, bits, lanes, and a result's dtype */
    {
        tdsl_tensor X = TDSL_I32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        reset_y();
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_DTYPE, 0, 0);
        Y_UNTOUCHED("dtype code of X");
        tdsl_tensor X2 = TDSL_F32(x, N, K), W2 = TDSL_F64(w, M, K);
        EXPECT_ERR(ec_linear(&X2, &W2, &B, &Y), TDSL_ERR_DTYPE, 1, 0);
        Y_UNTOUCHED("dtype bits of W");
        tdsl_tensor B2 = TDSL_F32(b, M);
        B2.dtype.lanes = 4;
        EXPECT_ERR(ec_linear(&X2, &W, &B2, &Y), TDSL_ERR_DTYPE, 2, 0);
        Y_UNTOUCHED("dtype lanes of B");
        tdsl_tensor Y2 = TDSL_F64(y, N, M);
        EXPECT_ERR(ec_linear(&X2, &W, &B, &Y2), TDSL_ERR_DTYPE, 3, 0);
        Y_UNTOUCHED("dtype of Y");
        tdsl_tensor X3 = TDSL_U32(x, N, K);
        EXPECT_ERR(ec_linear(&X3, &W, &B, &Y), TDSL_ERR_DTYPE, 0, 0);
        Y_UNTOUCHED("u32 for f32");
    }
    /* device */
    {
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        W.device.device_type = 2;       /* kDLCUDA */
        reset_y();
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_DEVICE, 1, 0);
        Y_UNTOUCHED("device of W");
        tdsl_tensor W2 = TDSL_F32(w, M, K), Y2 = TDSL_F32(y, N, M);
        Y2.device.device_type = 3;      /* kDLCUDAHost */
        EXPECT_ERR(ec_linear(&X, &W2, &B, &Y2), TDSL_ERR_DEVICE, 3, 0);
        Y_UNTOUCHED("device of Y");
    }
    /* strides */
    {
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        int64_t padded[2] = { K + 1, 1 }, every2[2] = { K, 2 }, ypad[2] = { M + 1, 1 };
        X.strides = padded;
        reset_y();
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_STRIDES, 0, 0);
        Y_UNTOUCHED("padded rows of X");
        X.strides = every2;
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_STRIDES, 0, 1);
        Y_UNTOUCHED("inner stride 2 of X");
        X.strides = NULL;
        Y.strides = ypad;
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_STRIDES, 3, 0);
        Y_UNTOUCHED("padded rows of Y");
        int64_t bstride[1] = { 2 };
        Y.strides = NULL;
        B.strides = bstride;
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_STRIDES, 2, 0);
        Y_UNTOUCHED("stride 2 of B");
    }
    /* compact explicit strides are accepted */
    {
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        int64_t xs[2] = { K, 1 }, ws[2] = { K, 1 }, bs[1] = { 1 }, ys[2] = { M, 1 };
        X.strides = xs, W.strides = ws, B.strides = bs, Y.strides = ys;
        reset_y();
        if (CHECK_OK(ec_linear(&X, &W, &B, &Y)))
            check_close_f32("explicit compact strides", y, yref, N * M, 1e-5, 1e-5);
    }
    /* size variables that disagree */
    {
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K + 1), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        reset_y();
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_SHAPE, 1, 1);
        Y_UNTOUCHED("k of W differs from k of X");
        tdsl_tensor W2 = TDSL_F32(w, M, K), B2 = TDSL_F32(b, M + 1);
        EXPECT_ERR(ec_linear(&X, &W2, &B2, &Y), TDSL_ERR_SHAPE, 2, 0);
        Y_UNTOUCHED("m of B differs from m of W");
        tdsl_tensor W3 = TDSL_F32(w, M, K - 1);
        EXPECT_ERR(ec_linear(&X, &W3, &B, &Y), TDSL_ERR_SHAPE, 1, 1);
        Y_UNTOUCHED("k of W smaller than k of X");
    }
    /* wrong result shape */
    {
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M);
        tdsl_tensor Y = TDSL_F32(y, N, M + 1), Y2 = TDSL_F32(y, N + 1, M), Y3 = TDSL_F32(y, N - 1, M);
        reset_y();
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_SHAPE, 3, 1);
        Y_UNTOUCHED("Y has m + 1 columns");
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y2), TDSL_ERR_SHAPE, 3, 0);
        Y_UNTOUCHED("Y has n + 1 rows");
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y3), TDSL_ERR_SHAPE, 3, 0);
        Y_UNTOUCHED("Y has n - 1 rows");
    }
    /* NULL tensor, data, shape */
    {
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
        reset_y();
        EXPECT_ERR(ec_linear(&X, NULL, &B, &Y), TDSL_ERR_NULL, 1, 0);
        Y_UNTOUCHED("W is NULL");
        EXPECT_ERR(ec_linear(&X, &W, &B, NULL), TDSL_ERR_NULL, 3, 0);
        X.data = NULL;
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_NULL, 0, 0);
        Y_UNTOUCHED("data of X is NULL");
        X.data = x;
        B.shape = NULL;
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_NULL, 2, 0);
        Y_UNTOUCHED("shape of B is NULL");
        B = TDSL_F32(b, M);
        Y.data = NULL;
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_NULL, 3, 0);
    }
    /* a result overlapping an input, exactly or partly */
    {
        memcpy(xcopy, x, sizeof x);
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M);
        tdsl_tensor Y = TDSL_F32(x, N, M);
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y), TDSL_ERR_ALIAS, 3, 0);
        tdsl_tensor Y2 = TDSL_F32(x + N * K - 1, N, M);      /* shares X's last element */
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y2), TDSL_ERR_ALIAS, 3, 0);
        tdsl_tensor Y3 = TDSL_F32(b, N, M);                  /* covers all of B */
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y3), TDSL_ERR_ALIAS, 3, 0);
        tdsl_tensor Y4 = TDSL_F32(w + 2, N, M);              /* inside W */
        EXPECT_ERR(ec_linear(&X, &W, &B, &Y4), TDSL_ERR_ALIAS, 3, 0);
        CHECK(memcmp(x, xcopy, sizeof x) == 0, "X was written by a call that failed with an alias error");
    }
    /* adjacent but disjoint buffers are fine, and inputs may overlap each other */
    {
        float *buf = ALLOC(float, N *K + N * M);
        memcpy(buf, x, sizeof(float) * N * K);
        tdsl_tensor X = TDSL_F32(buf, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M);
        tdsl_tensor Y = TDSL_F32(buf + N * K, N, M);
        if (CHECK_OK(ec_linear(&X, &W, &B, &Y)))
            check_close_f32("result right after X", buf + N * K, yref, N * M, 1e-5, 1e-5);
        free(buf);

        float sq[M * K], sqref[M * M];
        memcpy(sq, w, sizeof sq);
        ref_linear(sq, sq, b, sqref, M, K, M);
        tdsl_tensor S = TDSL_F32(sq, M, K), Z = TDSL_F32(y, M, M);
        reset_y();
        if (CHECK_OK(ec_linear(&S, &S, &B, &Z)))
            check_close_f32("X and W are the same tensor", y, sqref, M * M, 1e-5, 1e-5);
    }
    /* byte_offset is honoured */
    {
        float out[N * M], ref[N * M];
        ref_linear(x + 3, w, b, ref, N, K, M);
        tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(out, N, M);
        X.byte_offset = 3 * sizeof(float);
        if (CHECK_OK(ec_linear(&X, &W, &B, &Y))) check_close_f32("byte_offset of X", out, ref, N * M, 1e-5, 1e-5);
    }
    /* zero extents */
    {
        tdsl_tensor X = TDSL_F32(x, 0, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, 0, M);
        reset_y();
        CHECK_OK(ec_linear(&X, &W, &B, &Y));
        Y_UNTOUCHED("n = 0 writes nothing");
        tdsl_tensor X2 = TDSL_F32(x, N, 0), W2 = TDSL_F32(w, M, 0), Y2 = TDSL_F32(y, N, M);
        float only_b[N * M];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < M; j++) only_b[i * M + j] = b[j];
        if (CHECK_OK(ec_linear(&X2, &W2, &B, &Y2))) check_equal_f32("k = 0: an empty sum is 0", y, only_b, N * M);
    }
}

static void filt_checks(void)
{
    enum { H = 6, W = 7 };
    float in[H * W], k[12], o[(H - 2) * (W - 2) + SLACK], ref[(H - 2) * (W - 2)];
    fill_f32(in, H * W);
    fill_f32(k, 12);
    for (int yy = 0; yy < H - 2; yy++)
        for (int xx = 0; xx < W - 2; xx++) {
            float s = 0.0f;
            for (int dy = 0; dy < 3; dy++)
                for (int dx = 0; dx < 3; dx++) s += in[(yy + dy) * W + xx + dx] * k[dy * 3 + dx];
            ref[yy * (W - 2) + xx] = s;
        }
    tdsl_tensor I = TDSL_F32(in, H, W), Kt = TDSL_F32(k, 3, 3), O = TDSL_F32(o, H - 2, W - 2);
    memset(o, 0xA5, sizeof o);
    if (CHECK_OK(ec_filt(&I, &Kt, &O))) check_close_f32("ec_filt good call", o, ref, (H - 2) * (W - 2), 1e-5, 1e-5);

    tdsl_tensor K34 = TDSL_F32(k, 3, 4), K43 = TDSL_F32(k, 4, 3);
    memset(o, 0xA5, sizeof o);
    EXPECT_ERR(ec_filt(&I, &K34, &O), TDSL_ERR_SHAPE, 1, 1);
    EXPECT_ERR(ec_filt(&I, &K43, &O), TDSL_ERR_SHAPE, 1, 0);
    check_untouched("literal dim mismatch", o, sizeof o);

    tdsl_tensor O1 = TDSL_F32(o, H - 1, W - 2), O2 = TDSL_F32(o, H - 2, W);
    EXPECT_ERR(ec_filt(&I, &Kt, &O1), TDSL_ERR_SHAPE, 2, 0);
    EXPECT_ERR(ec_filt(&I, &Kt, &O2), TDSL_ERR_SHAPE, 2, 1);
    check_untouched("derived extent mismatch", o, sizeof o);

    /* h - 2 < 0: a negative derived extent */
    tdsl_tensor I1 = TDSL_F32(in, 1, W), On = TDSL_F32(o, 0, W - 2);
    EXPECT_ERR(ec_filt(&I1, &Kt, &On), TDSL_ERR_NEGATIVE, 2, 0);
    check_untouched("negative derived extent", o, sizeof o);

    /* h = 2: a zero-row result is fine */
    tdsl_tensor I2 = TDSL_F32(in, 2, W), O0 = TDSL_F32(o, 0, W - 2);
    CHECK_OK(ec_filt(&I2, &Kt, &O0));
    check_untouched("zero-row result", o, sizeof o);
}

static void scale_checks(void)
{
    enum { L = 9 };
    float a[L], out[L + SLACK], ref[L];
    fill_f32(a, L);
    for (int i = 0; i < L; i++) ref[i] = a[i] * 1.5f;
    tdsl_tensor A = TDSL_F32(a, L), B = TDSL_F32(out, L), B2 = TDSL_F32(out, L + 1);
    memset(out, 0xA5, sizeof out);
    /* the scalar is argument 1, so the result is argument 2 */
    EXPECT_ERR(ec_scale(&A, 1.5f, &B2), TDSL_ERR_SHAPE, 2, 0);
    check_untouched("ec_scale wrong result extent", out, sizeof out);
    tdsl_tensor Bi = TDSL_TENSOR_OF(out, 2, 32, L);
    Bi.dtype.code = 6;
    EXPECT_ERR(ec_scale(&A, 1.5f, &Bi), TDSL_ERR_DTYPE, 2, 0);
    check_untouched("ec_scale bool for f32", out, sizeof out);
    tdsl_tensor Ain = TDSL_F32(a, L);
    EXPECT_ERR(ec_scale(&A, 1.5f, &Ain), TDSL_ERR_ALIAS, 2, 0);
    if (CHECK_OK(ec_scale(&A, 1.5f, &B))) check_equal_f32("ec_scale good call", out, ref, L);
}

static void two_checks(void)
{
    enum { L = 11 };
    int32_t a[L], p[2 * L + SLACK], pr[L], qr[L];
    fill_i32(a, L);
    for (int i = 0; i < L; i++) pr[i] = a[i] + 1, qr[i] = a[i] * 2;
    tdsl_tensor A = TDSL_I32(a, L), P = TDSL_I32(p, L), Q = TDSL_I32(p + L, L);
    memset(p, 0xA5, sizeof p);
    /* two results over the same memory: the overlap is reported on one of them */
    tdsl_tensor Q0 = TDSL_I32(p + 3, L);
    EXPECT_ERR(ec_two(&A, &P, &Q0), TDSL_ERR_ALIAS, ANY, 0);
    check_untouched("results overlap each other", p, sizeof p);
    tdsl_tensor Qd = TDSL_U32(p + L, L);
    EXPECT_ERR(ec_two(&A, &P, &Qd), TDSL_ERR_DTYPE, 2, 0);
    check_untouched("second result has the wrong dtype", p, sizeof p);
    if (CHECK_OK(ec_two(&A, &P, &Q))) {
        check_equal_i32("ec_two.P", p, pr, L);
        check_equal_i32("ec_two.Q", p + L, qr, L);
    }
}

int main(void)
{
    harness_init();
    linear_checks();
    filt_checks();
    scale_checks();
    two_checks();
    return harness_done("entry_checks");
}
