/* divmod: reads whose indices divide by a constant (j / 16, j % 16) against C
 * loops over the unblocked data: a gemm over weights packed in blocks of 16
 * (padding NaN, never read), unblocking, a Reshape, nested divisions, an
 * upsampling of an intermediate (computed at a loop, inlined), a read guarded
 * by a select, a reduction over a flattened pair of dims; each scheduled
 * twin bit-identical to its unscheduled fn. */
#include "harness.h"
#include "divmod.h"

typedef int (*GemmFn)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);

/* w [m][k] into blocks [(m + 15) / 16][k][16]; the padding is NaN */
static float *block16(const float *w, int m, int k)
{
    int mb = (m + 15) / 16;
    float *wp = ALLOC(float, (size_t)mb *k * 16 + 1);
    for (int b = 0; b < mb; b++)
        for (int r = 0; r < k; r++)
            for (int l = 0; l < 16; l++) {
                int j = b * 16 + l;
                wp[((size_t)b * k + r) * 16 + l] = j < m ? w[(size_t)j * k + r] : NAN;
            }
    return wp;
}

static void run_gemm(int n, int k, int m)
{
    const GemmFn fns[] = { gemm_blocked, gemm_blocked_s, gemm_blocked_p };
    static const char *names[] = { "gemm_blocked", "gemm_blocked_s", "gemm_blocked_p" };
    size_t ny = (size_t)n * m;
    float *x = ALLOC(float, n *k), *w = ALLOC(float, m *k), *b = ALLOC(float, m), *ref = ALLOC(float, ny);
    float *y[3] = { ALLOC(float, ny), ALLOC(float, ny), ALLOC(float, ny) };
    fill_f32(x, (size_t)n * k);
    fill_f32(w, (size_t)m * k);
    fill_f32(b, (size_t)m);
    float *wp = block16(w, m, k);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double z = 0.0;
            for (int r = 0; r < k; r++) z += (double)x[i * k + r] * w[j * k + r];
            ref[(size_t)i * m + j] = (float)(z + b[j]);
        }
    tdsl_tensor X = TDSL_F32(x, n, k), WP = TDSL_F32(wp, (m + 15) / 16, k, 16), B = TDSL_F32(b, m);
    for (int f = 0; f < 3; f++) {
        tdsl_tensor Y = TDSL_F32(y[f], n, m);
        if (!CHECK_OK(fns[f](&X, &WP, &B, &Y))) continue;
        if (f == 0)
            check_close_f32(LABEL("%s n=%d k=%d m=%d", names[f], n, k, m), y[0], ref, ny, 1e-5, 2e-6 * k + 1e-6);
        else check_equal_f32(LABEL("%s n=%d k=%d m=%d", names[f], n, k, m), y[f], y[0], ny);
    }
    free(x), free(w), free(b), free(ref), free(wp), free(y[0]), free(y[1]), free(y[2]);
}

static void run_unblock(int kb, int r)
{
    size_t nw = (size_t)16 * kb * r;
    float *w = ALLOC(float, nw), *wp, *got = ALLOC(float, nw), *gots = ALLOC(float, nw);
    fill_f32(w, nw);
    wp = block16(w, 16 * kb, r);
    tdsl_tensor WP = TDSL_F32(wp, kb, r, 16), W = TDSL_F32(got, 16 * kb, r), WS = TDSL_F32(gots, 16 * kb, r);
    if (CHECK_OK(unblock(&WP, &W))) check_equal_f32(LABEL("unblock kb=%d r=%d", kb, r), got, w, nw);
    if (CHECK_OK(unblock_s(&WP, &WS))) check_equal_f32(LABEL("unblock_s kb=%d r=%d", kb, r), gots, w, nw);
    free(w), free(wp), free(got), free(gots);
}

/* a row-major reshape keeps the data in order */
static void run_reshape(int n)
{
    size_t sz = (size_t)12 * n;
    float *x = ALLOC(float, sz), *y = ALLOC(float, sz), *ys = ALLOC(float, sz);
    fill_f32(x, sz);
    tdsl_tensor X = TDSL_F32(x, 3 * n, 4), Y = TDSL_F32(y, n, 12), YS = TDSL_F32(ys, n, 12);
    if (CHECK_OK(reshape(&X, &Y))) check_equal_f32(LABEL("reshape n=%d", n), y, x, sz);
    if (CHECK_OK(reshape_s(&X, &YS))) check_equal_f32(LABEL("reshape_s n=%d", n), ys, x, sz);
    free(x), free(y), free(ys);
}

static void run_nested(int n, int kb)
{
    size_t ny = (size_t)n * 24, nw = (size_t)32 * kb, nv = (size_t)n * 4, nz = (size_t)(2 * kb + 1) * 16;
    float *x = ALLOC(float, n * 6), *z = ALLOC(float, nz), *u = ALLOC(float, 16);
    float *ry = ALLOC(float, ny), *rw = ALLOC(float, nw), *rv = ALLOC(float, nv);
    float *o[6] = { ALLOC(float, ny), ALLOC(float, nw), ALLOC(float, nv),
                    ALLOC(float, ny), ALLOC(float, nw), ALLOC(float, nv) };
    fill_f32(x, (size_t)n * 6);
    fill_f32(z, nz);
    fill_f32(u, 16);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 24; j++) ry[i * 24 + j] = x[(i * 3 + (j / 4) % 3) * 2 + j % 2];
    for (int j = 0; j < 16 * kb; j++)
        for (int t = 0; t < 2; t++) rw[j * 2 + t] = z[(2 * (j / 16) + t) * 16 + j % 16];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 4; j++) rv[i * 4 + j] = u[(i % 4) * 4 + j];
    tdsl_tensor X = TDSL_F32(x, n, 3, 2), Z = TDSL_F32(z, 2 * kb + 1, 16), U = TDSL_F32(u, 4, 4);
    for (int s = 0; s < 2; s++) {
        tdsl_tensor Y = TDSL_F32(o[3 * s], n, 24), W = TDSL_F32(o[3 * s + 1], 16 * kb, 2);
        tdsl_tensor V = TDSL_F32(o[3 * s + 2], n, 4);
        if (!CHECK_OK((s ? nested_s : nested)(&X, &Z, &U, &Y, &W, &V))) continue;
        check_equal_f32(LABEL("nested%s.Y n=%d kb=%d", s ? "_s" : "", n, kb), o[3 * s], ry, ny);
        check_equal_f32(LABEL("nested%s.W n=%d kb=%d", s ? "_s" : "", n, kb), o[3 * s + 1], rw, nw);
        check_equal_f32(LABEL("nested%s.V n=%d kb=%d", s ? "_s" : "", n, kb), o[3 * s + 2], rv, nv);
    }
    free(x), free(z), free(u), free(ry), free(rw), free(rv);
    for (int i = 0; i < 6; i++) free(o[i]);
}

typedef int (*UpFn)(const tdsl_tensor *, tdsl_tensor *);

static void run_up(int c, int h, int w)
{
    const UpFn fns[] = { up2, up2_s, flip_up, flip_up_i, flip_up_s };
    static const char *names[] = { "up2", "up2_s", "flip_up", "flip_up_i", "flip_up_s" };
    size_t nx = (size_t)c * h * w, ny = 4 * nx;
    float *x = ALLOC(float, nx), *t = ALLOC(float, nx), *ru = ALLOC(float, ny), *rf = ALLOC(float, ny);
    fill_f32(x, nx);
    for (size_t i = 0; i < nx; i++) t[i] = fmaf(x[i], 3.0f, -1.0f);
    for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < 2 * h; y++)
            for (int xx = 0; xx < 2 * w; xx++) {
                size_t o = ((size_t)ci * 2 * h + y) * 2 * w + xx;
                float a = t[((size_t)ci * h + y / 2) * w + xx / 2],
                      b = t[((size_t)ci * h + (2 * h - 1 - y) / 2) * w + xx / 2];
                ru[o] = fmaf(a, 0.5f, (float)(xx % 2 - y % 2));
                rf[o] = fmaf(a, 0.5f, b);
            }
    tdsl_tensor X = TDSL_F32(x, c, h, w);
    for (int f = 0; f < 5; f++) {
        float *y = ALLOC(float, ny);
        tdsl_tensor Y = TDSL_F32(y, c, 2 * h, 2 * w);
        if (CHECK_OK(fns[f](&X, &Y)))
            check_equal_f32(LABEL("%s c=%d h=%d w=%d", names[f], c, h, w), y, f < 2 ? ru : rf, ny);
        free(y);
    }
    free(x), free(t), free(ru), free(rf);
}

static void run_halfshift(int n)
{
    float *x = ALLOC(float, n), *ref = ALLOC(float, 2 * n), *y = ALLOC(float, 2 * n), *ys = ALLOC(float, 2 * n);
    fill_f32(x, (size_t)n);
    for (int i = 0; i < 2 * n; i++) ref[i] = i >= 1 ? x[(i - 1) / 2] : -1.0f;
    tdsl_tensor X = TDSL_F32(x, n), Y = TDSL_F32(y, 2 * n), YS = TDSL_F32(ys, 2 * n);
    if (CHECK_OK(halfshift(&X, &Y))) check_equal_f32(LABEL("halfshift n=%d", n), y, ref, (size_t)2 * n);
    if (CHECK_OK(halfshift_s(&X, &YS))) check_equal_f32(LABEL("halfshift_s n=%d", n), ys, ref, (size_t)2 * n);
    free(x), free(ref), free(y), free(ys);
}

static void run_chain(int c, int h, int w)
{
    size_t nx = (size_t)c * h * w, ny = 4 * nx;
    float *x = ALLOC(float, nx), *ref = ALLOC(float, ny), *y = ALLOC(float, ny), *ys = ALLOC(float, ny);
    fill_f32(x, nx);
    for (int ci = 0; ci < c; ci++)
        for (int yy = 0; yy < 2 * h; yy++)
            for (int xx = 0; xx < 2 * w; xx++) {
                float s = fmaf(x[((size_t)ci * h + yy / 2) * w + xx / 2], 3.0f, -1.0f);
                ref[((size_t)ci * 2 * h + yy) * 2 * w + xx] = s * s + 1.0f;
            }
    tdsl_tensor X = TDSL_F32(x, c, h, w), Y = TDSL_F32(y, c, 2 * h, 2 * w), YS = TDSL_F32(ys, c, 2 * h, 2 * w);
    if (CHECK_OK(up2_chain(&X, &Y))) check_equal_f32(LABEL("up2_chain c=%d h=%d w=%d", c, h, w), y, ref, ny);
    if (CHECK_OK(up2_chain_s(&X, &YS))) check_equal_f32(LABEL("up2_chain_s c=%d h=%d w=%d", c, h, w), ys, ref, ny);
    free(x), free(ref), free(y), free(ys);
}

static void run_rowsum(int n)
{
    int32_t *x = ALLOC(int32_t, n * 12), *ref = ALLOC(int32_t, n), *y = ALLOC(int32_t, n), *ys = ALLOC(int32_t, n);
    fill_i32(x, (size_t)n * 12);
    for (int i = 0; i < n; i++) {
        uint32_t s = 0;     /* wraps, as TDSL's integer sum does */
        for (int r = 0; r < 12; r++) s += (uint32_t)x[i * 12 + r];
        ref[i] = (int32_t)s;
    }
    tdsl_tensor X = TDSL_I32(x, n, 3, 4), Y = TDSL_I32(y, n), YS = TDSL_I32(ys, n);
    if (CHECK_OK(rowsum(&X, &Y))) check_equal_i32(LABEL("rowsum n=%d", n), y, ref, (size_t)n);
    if (CHECK_OK(rowsum_s(&X, &YS))) check_equal_i32(LABEL("rowsum_s n=%d", n), ys, ref, (size_t)n);
    free(x), free(ref), free(y), free(ys);
}

int main(void)
{
    harness_init();
    run_gemm(5, 7, 37);
    run_gemm(4, 33, 16);
    run_gemm(1, 1, 1);
    run_gemm(9, 3, 48);
    run_gemm(2, 5, 17);
    run_unblock(3, 5);
    run_unblock(1, 1);
    run_unblock(4, 9);
    run_reshape(1);
    run_reshape(7);
    run_nested(5, 2);
    run_nested(1, 1);
    run_nested(9, 3);
    run_up(2, 5, 7);
    run_up(1, 1, 1);
    run_up(3, 8, 16);
    run_up(1, 3, 9);
    run_chain(2, 5, 7);
    run_chain(1, 1, 1);
    run_chain(3, 4, 9);
    run_rowsum(1);
    run_rowsum(11);
    run_halfshift(1);
    run_halfshift(4);
    run_halfshift(13);
    return harness_done("divmod");
}
