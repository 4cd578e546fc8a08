/* sched_prims: every schedule primitive on a twin of an unscheduled fn, on odd
 * and round sizes. Each scheduled fn must equal its twin bit for bit (the
 * rfactor ones within rounding), and each twin a plain C loop within rounding. */
#include "harness.h"
#include "sched_prims.h"

typedef int (*Fn1)(const tdsl_tensor *, tdsl_tensor *);
typedef int (*Fn2)(const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);
typedef struct {
    const char *name;
    Fn1 f;
} Twin1;
typedef struct {
    const char *name;
    Fn2 f;
} Twin2;

static const int sizes[] = { 1, 7, 31, 64, 100 };
#define NSIZES (int)(sizeof sizes / sizeof sizes[0])
#define NTWINS(t) (int)(sizeof(t) / sizeof((t)[0]))

/* Runs each twin on (in -> out of n floats) and compares it with want. */
static void twins1(const Twin1 *t, int nt, const tdsl_tensor *in, tdsl_tensor *out, const float *want, size_t n,
                   bool exact, const char *sizes_label)
{
    for (int i = 0; i < nt; i++) {
        memset(out->data, 0xA5, n * sizeof(float));
        if (!CHECK_OK(t[i].f(in, out))) continue;
        const char *what = LABEL("%s %s", t[i].name, sizes_label);
        if (exact) check_equal_f32(what, out->data, want, n);
        else check_close_f32(what, out->data, want, n, 1e-5, 1e-5);
    }
}

static void twins2(const Twin2 *t, int nt, const tdsl_tensor *a, const tdsl_tensor *b, tdsl_tensor *out,
                   const float *want, size_t n, bool exact, const char *sizes_label)
{
    for (int i = 0; i < nt; i++) {
        memset(out->data, 0xA5, n * sizeof(float));
        if (!CHECK_OK(t[i].f(a, b, out))) continue;
        const char *what = LABEL("%s %s", t[i].name, sizes_label);
        if (exact) check_equal_f32(what, out->data, want, n);
        else check_close_f32(what, out->data, want, n, 1e-5, 1e-5);
    }
}

/* ---- elementwise: split, tile, fuse, reorder, parallel, vectorize, unroll ---- */
static void run_ew(int m, int n)
{
    size_t sz = (size_t)m * n;
    float *a = ALLOC(float, sz), *b = ALLOC(float, sz), *got = ALLOC(float, sz), *ref = ALLOC(float, sz);
    fill_f32(a, sz);
    for (size_t i = 0; i < sz; i++) ref[i] = a[i] * 3.0f + a[i] / 7.0f;
    tdsl_tensor A = TDSL_F32(a, m, n), B = TDSL_F32(b, m, n), G = TDSL_F32(got, m, n);
    char sl[64];
    snprintf(sl, sizeof sl, "%dx%d", m, n);
    if (CHECK_OK(ew(&A, &B))) {
        check_close_f32(LABEL("ew %s", sl), b, ref, sz, 1e-6, 1e-7);
        Twin1 t[] = {
            { "ew_split", ew_split },     { "ew_split_reorder", ew_split_reorder }, { "ew_tile", ew_tile },
            { "ew_fuse", ew_fuse },       { "ew_fuse_tail", ew_fuse_tail },         { "ew_fuse_outer", ew_fuse_outer },
            { "ew_reorder", ew_reorder }, { "ew_parallel", ew_parallel },           { "ew_vectorize", ew_vectorize },
            { "ew_unroll", ew_unroll },
        };
        twins1(t, NTWINS(t), &A, &G, b, sz, true, sl);
    }
    free(a), free(b), free(got), free(ref);
}

static void run_ew8(int m)
{
    size_t sz = (size_t)m * 8 * 3;
    float *a = ALLOC(float, m * 8), *c = ALLOC(float, 3), *b = ALLOC(float, sz), *got = ALLOC(float, sz),
          *ref = ALLOC(float, sz);
    fill_f32(a, (size_t)m * 8);
    fill_f32(c, 3);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < 8; j++)
            for (int k = 0; k < 3; k++) ref[(i * 8 + j) * 3 + k] = a[i * 8 + j] * c[k] + 0.5f;
    tdsl_tensor A = TDSL_F32(a, m, 8), C = TDSL_F32(c, 3), B = TDSL_F32(b, m, 8, 3), G = TDSL_F32(got, m, 8, 3);
    char sl[64];
    snprintf(sl, sizeof sl, "%dx8x3", m);
    if (CHECK_OK(ew8(&A, &C, &B))) {
        check_close_f32(LABEL("ew8 %s", sl), b, ref, sz, 1e-6, 1e-6);
        Twin2 t[] = { { "ew8_vectorize", ew8_vectorize }, { "ew8_unroll", ew8_unroll } };
        twins2(t, NTWINS(t), &A, &C, &G, b, sz, true, sl);
    }
    free(a), free(c), free(b), free(got), free(ref);
}

/* ---- row sums: reduction loops split, reordered, unrolled, vectorized; rfactor ---- */
static void run_rowsum(int m, int k)
{
    float *a = ALLOC(float, m *k), *b = ALLOC(float, m), *got = ALLOC(float, m), *ref = ALLOC(float, m);
    fill_f32(a, (size_t)m * k);
    for (int i = 0; i < m; i++) {
        double s = 0.0;
        for (int r = 0; r < k; r++) s += (double)a[i * k + r] * a[i * k + r];
        ref[i] = (float)s;
    }
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, m), G = TDSL_F32(got, m);
    char sl[64];
    snprintf(sl, sizeof sl, "%dx%d", m, k);
    if (CHECK_OK(rowsum(&A, &B))) {
        check_close_f32(LABEL("rowsum %s", sl), b, ref, (size_t)m, 1e-5, 1e-5);
        Twin1 exact[] = { { "rowsum_split", rowsum_split }, { "rowsum_vec", rowsum_vec } };
        twins1(exact, NTWINS(exact), &A, &G, b, (size_t)m, true, sl);
        Twin1 rf[] = { { "rowsum_rf", rowsum_rf }, { "rowsum_rf_par", rowsum_rf_par } };
        twins1(rf, NTWINS(rf), &A, &G, b, (size_t)m, false, sl);
    }
    free(a), free(b), free(got), free(ref);
}

static void run_isum(int m, int k, int l)
{
    size_t sz = (size_t)m * k * l;
    int32_t *a = ALLOC(int32_t, sz), *b = ALLOC(int32_t, m), *g = ALLOC(int32_t, m), *ref = ALLOC(int32_t, m);
    fill_i32(a, sz);
    for (int i = 0; i < m; i++) {
        int32_t s = 0;
        for (size_t x = 0; x < (size_t)k * l; x++) s += a[(size_t)i * k * l + x] * 3;
        ref[i] = s;
    }
    tdsl_tensor A = TDSL_I32(a, m, k, l), B = TDSL_I32(b, m), G = TDSL_I32(g, m);
    if (CHECK_OK(isum(&A, &B)) & CHECK_OK(isum_reorder(&A, &G))) {
        check_equal_i32(LABEL("isum %dx%dx%d", m, k, l), b, ref, (size_t)m);
        check_equal_i32(LABEL("isum_reorder %dx%dx%d", m, k, l), g, b, (size_t)m);
    }
    free(a), free(b), free(g), free(ref);
}

/* ---- dot: rfactor + vectorize ---- */
static void run_dot(int n)
{
    float *a = ALLOC(float, n), *b = ALLOC(float, n), *c = ALLOC(float, 1), *g = ALLOC(float, 1);
    fill_f32(a, (size_t)n);
    fill_f32(b, (size_t)n);
    double s = 0.0;
    for (int i = 0; i < n; i++) s += (double)a[i] * b[i];
    float ref = (float)s;
    tdsl_tensor A = TDSL_F32(a, n), B = TDSL_F32(b, n), C = TDSL_F32(c, 1), G = TDSL_F32(g, 1);
    if (CHECK_OK(dot(&A, &B, &C))) {
        check_close_f32(LABEL("dot %d", n), c, &ref, 1, 1e-5, 1e-5);
        char sl[32];
        snprintf(sl, sizeof sl, "%d", n);
        Twin2 t[] = { { "dot_rf", dot_rf } };
        twins2(t, 1, &A, &B, &G, c, 1, false, sl);
    }
    free(a), free(b), free(c), free(g);
}

/* ---- matmul: reorder, pack (identity, transposed, once), everything at once ---- */
static void run_mm(int m, int k, int n)
{
    float *a = ALLOC(float, m *k), *b = ALLOC(float, k *n), *c = ALLOC(float, m *n), *g = ALLOC(float, m *n),
          *ref = ALLOC(float, m *n);
    fill_f32(a, (size_t)m * k);
    fill_f32(b, (size_t)k * n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int r = 0; r < k; r++) s += (double)a[i * k + r] * b[r * n + j];
            ref[i * n + j] = (float)s;
        }
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n), G = TDSL_F32(g, m, n);
    char sl[64];
    snprintf(sl, sizeof sl, "%dx%dx%d", m, k, n);
    if (CHECK_OK(mm(&A, &B, &C))) {
        check_close_f32(LABEL("mm %s", sl), c, ref, (size_t)m * n, 1e-5, 1e-5 * k);
        Twin2 t[] = { { "mm_reorder", mm_reorder },
                      { "mm_pack", mm_pack },
                      { "mm_pack_t", mm_pack_t },
                      { "mm_best", mm_best },
                      { "mm_pack_blk", mm_pack_blk },
                      { "mm_pack_blk_odd", mm_pack_blk_odd },
                      { "mm_pack_blk_par", mm_pack_blk_par } };
        twins2(t, NTWINS(t), &A, &B, &G, c, (size_t)m * n, true, sl);
    }
    free(a), free(b), free(c), free(g), free(ref);
}

/* ---- stencils: compute_at, compute_root, inline, pack of a stage ---- */
static void run_blur(int oh, int ow)
{
    int h = oh + 2, w = ow + 2;
    size_t so = (size_t)oh * ow;
    float *in = ALLOC(float, h *w), *o = ALLOC(float, so), *g = ALLOC(float, so), *ref = ALLOC(float, so),
          *bx = ALLOC(float, h *ow);
    fill_f32(in, (size_t)h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < ow; x++) bx[y * ow + x] = (in[y * w + x] + in[y * w + x + 1] + in[y * w + x + 2]) / 3.0f;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            ref[y * ow + x] = (bx[y * ow + x] + bx[(y + 1) * ow + x] + bx[(y + 2) * ow + x]) / 3.0f;
    tdsl_tensor I = TDSL_F32(in, h, w), O = TDSL_F32(o, oh, ow), G = TDSL_F32(g, oh, ow);
    char sl[64];
    snprintf(sl, sizeof sl, "%dx%d", h, w);
    if (CHECK_OK(blur(&I, &O))) {
        check_close_f32(LABEL("blur %s", sl), o, ref, so, 1e-5, 1e-6);
        Twin1 t[] = { { "blur_at", blur_at },         { "blur_at_x", blur_at_x }, { "blur_root", blur_root },
                      { "blur_inline", blur_inline }, { "blur_pack", blur_pack }, { "blur_pack_blk", blur_pack_blk } };
        twins1(t, NTWINS(t), &I, &G, o, so, true, sl);
    }
    free(in), free(o), free(g), free(ref), free(bx);
}

static void run_chain(int on)
{
    int n = on + 6;
    float *a = ALLOC(float, n), *d = ALLOC(float, on), *g = ALLOC(float, on), *ref = ALLOC(float, on);
    float *b = ALLOC(float, n - 2), *c = ALLOC(float, n - 4);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n - 2; i++) b[i] = a[i] + a[i + 1] * a[i + 2];
    for (int i = 0; i < n - 4; i++) c[i] = b[i] * b[i + 2] - b[i + 1];
    for (int i = 0; i < on; i++) ref[i] = c[i] - c[i + 2] * 0.5f;
    tdsl_tensor A = TDSL_F32(a, n), D = TDSL_F32(d, on), G = TDSL_F32(g, on);
    if (CHECK_OK(chain(&A, &D))) {
        check_close_f32(LABEL("chain %d", n), d, ref, (size_t)on, 1e-5, 1e-6);
        char sl[32];
        snprintf(sl, sizeof sl, "%d", n);
        Twin1 t[] = { { "chain_at", chain_at }, { "chain_at_vec", chain_at_vec }, { "chain_inline", chain_inline } };
        twins1(t, NTWINS(t), &A, &G, d, (size_t)on, true, sl);
    }
    free(a), free(d), free(g), free(ref), free(b), free(c);
}

/* ---- softmax: every stage at one loop of the result ---- */
static void run_softmax(int n, int dd)
{
    size_t sz = (size_t)n * dd;
    float *x = ALLOC(float, sz), *y = ALLOC(float, sz), *g = ALLOC(float, sz), *ref = ALLOC(float, sz);
    fill_f32_range(x, sz, -4.0, 4.0);
    for (int i = 0; i < n; i++) {
        float mx = -INFINITY;
        for (int j = 0; j < dd; j++) mx = fmaxf(mx, x[i * dd + j]);
        double s = 0.0;
        for (int j = 0; j < dd; j++) s += exp((double)x[i * dd + j] - mx);
        for (int j = 0; j < dd; j++) ref[i * dd + j] = (float)(exp((double)x[i * dd + j] - mx) / s);
    }
    tdsl_tensor X = TDSL_F32(x, n, dd), Y = TDSL_F32(y, n, dd), G = TDSL_F32(g, n, dd);
    char sl[64];
    snprintf(sl, sizeof sl, "%dx%d", n, dd);
    if (CHECK_OK(softmax(&X, &Y))) {
        check_close_f32(LABEL("softmax %s", sl), y, ref, sz, 1e-5, 1e-6);
        Twin1 t[] = { { "softmax_at", softmax_at } };
        twins1(t, 1, &X, &G, y, sz, true, sl);
    }
    free(x), free(y), free(g), free(ref);
}

int main(void)
{
    harness_init();
    for (int i = 0; i < NSIZES; i++) {
        int s = sizes[i];
        for (int j = 0; j < NSIZES; j++) {
            int t = sizes[j];
            run_ew(s, t);
            run_rowsum(s, t);
            run_blur(s, t);
            run_softmax(s, t);
        }
        run_ew8(s);
        run_dot(s);
        run_chain(s);
        run_isum(s, 7, 3);
        run_isum(3, s, 5);
        run_isum(2, 4, s);
        run_mm(s, s, s);
    }
    run_dot(1000);
    run_dot(4099);
    run_chain(0);
    run_mm(7, 100, 31);
    run_mm(100, 1, 64);
    run_mm(1, 31, 7);
    run_mm(64, 7, 100);
    run_mm(31, 64, 1);
    return harness_done("sched_prims");
}
