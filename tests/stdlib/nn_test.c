/* nn_test.c - stdlib/nn.tdsl against plain C loops in double precision and
 * against its own unscheduled form. nn_all.h comes from a file holding
 * stdlib/nn.tdsl and a copy with the schedule blocks stripped and every fn
 * renamed NAME_ref (tests/stdlib/group.sh makes it): a kernel must equal its
 * _ref twin bit for bit, unless its schedule names rfactor (then within
 * rounding). `nn_test gemm|rest|conv|all` runs one part of the kernels (conv: the
 * fused convolutions, their _pk twins on packed weights, linear_act,
 * linear_pk_act and linear_gemv_act; Winograd's conv3x3w_pk_act and _res). */
#include "harness.h"
#include "nn_all.h"

/* got (float) against a double reference: |got - want| <= atol + rtol |want| */
static void near(const char *what, const float *got, const double *want, size_t n, double rtol, double atol)
{
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (!h_close(got[i], want[i], rtol, atol) && !bad++) first = i;
    if (h_check(bad == 0)) return;
    fprintf(stderr, "%s: %zu of %zu elements differ from the double reference; first at [%zu]: got %.9g, want %.9g\n",
            what, bad, n, first, (double)got[first], want[first]);
}

/* the scheduled result against the unscheduled one: bit for bit unless the
 * schedule names rfactor */
static void twin(const char *what, const float *got, const float *ref, size_t n, bool rfactor, double atol)
{
    if (rfactor) check_close_f32(what, got, ref, n, 1e-5, atol);
    else check_equal_f32(what, got, ref, n);
}

static float *rnd(size_t n)
{
    float *p = ALLOC(float, n);
    fill_f32(p, n);
    return p;
}

/* ---- gemm class ---- */

static void t_matmul(int m, int k, int n)
{
    float *a = rnd((size_t)m * k), *b = rnd((size_t)k * n), *c = ALLOC(float, (size_t)m *n);
    float *c2 = ALLOC(float, (size_t)m *n);
    double *want = ALLOC(double, (size_t)m *n);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = 0; r < k; r++) s += (double)a[(size_t)i * k + r] * b[(size_t)r * n + j];
            want[(size_t)i * n + j] = s;
        }
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n), C2 = TDSL_F32(c2, m, n);
    if (CHECK_OK(matmul(&A, &B, &C)) && CHECK_OK(matmul_ref(&A, &B, &C2))) {
        near(LABEL("matmul %dx%dx%d", m, k, n), c, want, (size_t)m * n, 1e-5, 2e-6 * k + 1e-6);
        twin(LABEL("matmul %dx%dx%d vs unscheduled", m, k, n), c, c2, (size_t)m * n, false, 0);
    }
    free(a), free(b), free(c), free(c2), free(want);
}

static void t_bmm(int bt, int m, int k, int n)
{
    size_t sa = (size_t)m * k, sb = (size_t)k * n, sc = (size_t)m * n;
    float *a = rnd(bt * sa), *b = rnd(bt * sb), *c = ALLOC(float, bt *sc), *c2 = ALLOC(float, bt *sc);
    double *want = ALLOC(double, bt *sc);
    for (int p = 0; p < bt; p++)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int r = 0; r < k; r++) s += (double)a[p * sa + (size_t)i * k + r] * b[p * sb + (size_t)r * n + j];
                want[p * sc + (size_t)i * n + j] = s;
            }
    tdsl_tensor A = TDSL_F32(a, bt, m, k), B = TDSL_F32(b, bt, k, n);
    tdsl_tensor C = TDSL_F32(c, bt, m, n), C2 = TDSL_F32(c2, bt, m, n);
    if (CHECK_OK(bmm(&A, &B, &C)) && CHECK_OK(bmm_ref(&A, &B, &C2))) {
        near(LABEL("bmm %dx%dx%dx%d", bt, m, k, n), c, want, bt * sc, 1e-5, 2e-6 * k + 1e-6);
        twin(LABEL("bmm %dx%dx%dx%d vs unscheduled", bt, m, k, n), c, c2, bt * sc, false, 0);
    }
    free(a), free(b), free(c), free(c2), free(want);
}

typedef int (*LinearFn)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);

static void t_linear(const char *name, LinearFn f, LinearFn ref, bool with_relu, int n, int k, int m)
{
    float *x = rnd((size_t)n * k), *w = rnd((size_t)m * k), *b = rnd(m);
    float *y = ALLOC(float, (size_t)n *m), *y2 = ALLOC(float, (size_t)n *m);
    double *want = ALLOC(double, (size_t)n *m);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = b[j];
            for (int r = 0; r < k; r++) s += (double)x[(size_t)i * k + r] * w[(size_t)j * k + r];
            want[(size_t)i * m + j] = with_relu && s < 0 ? 0 : s;
        }
    tdsl_tensor X = TDSL_F32(x, n, k), W = TDSL_F32(w, m, k), B = TDSL_F32(b, m);
    tdsl_tensor Y = TDSL_F32(y, n, m), Y2 = TDSL_F32(y2, n, m);
    if (CHECK_OK(f(&X, &W, &B, &Y)) && CHECK_OK(ref(&X, &W, &B, &Y2))) {
        near(LABEL("%s %dx%d->%d", name, n, k, m), y, want, (size_t)n * m, 1e-5, 2e-6 * k + 1e-6);
        twin(LABEL("%s %dx%d->%d vs unscheduled", name, n, k, m), y, y2, (size_t)n * m, false, 0);
    }
    free(x), free(w), free(b), free(y), free(y2), free(want);
}

/* O[oc, y, x] = B[oc] + sum K[oc, ci, dy, dx] I[ci, y + dy - 1, x + dx - 1];
 * depthwise: oc = ci only (K is c x 3 x 3) */
static double conv_at(const float *in, const float *k, int c, int h, int w, int oc, int y, int x, bool dw)
{
    double s = 0;
    for (int ci = dw ? oc : 0; ci < (dw ? oc + 1 : c); ci++)
        for (int dy = 0; dy < 3; dy++)
            for (int dx = 0; dx < 3; dx++) {
                int yy = y + dy - 1, xx = x + dx - 1;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                size_t ki = dw ? (size_t)oc * 9 : ((size_t)oc * c + ci) * 9;
                s += (double)in[((size_t)ci * h + yy) * w + xx] * k[ki + dy * 3 + dx];
            }
    return s;
}

static void t_conv3x3(int c, int h, int w, int o)
{
    size_t so = (size_t)o * h * w;
    float *in = rnd((size_t)c * h * w), *k = rnd((size_t)o * c * 9), *b = rnd(o);
    float *out = ALLOC(float, so), *out2 = ALLOC(float, so);
    double *want = ALLOC(double, so);
    for (int oc = 0; oc < o; oc++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                want[((size_t)oc * h + y) * w + x] = b[oc] + conv_at(in, k, c, h, w, oc, y, x, false);
    tdsl_tensor I = TDSL_F32(in, c, h, w), K = TDSL_F32(k, o, c, 3, 3), B = TDSL_F32(b, o);
    tdsl_tensor O = TDSL_F32(out, o, h, w), O2 = TDSL_F32(out2, o, h, w);
    if (CHECK_OK(conv3x3(&I, &K, &B, &O)) && CHECK_OK(conv3x3_ref(&I, &K, &B, &O2))) {
        near(LABEL("conv3x3 c=%d %dx%d o=%d", c, h, w, o), out, want, so, 1e-5, 2e-5 * c + 1e-6);
        twin(LABEL("conv3x3 c=%d %dx%d o=%d vs unscheduled", c, h, w, o), out, out2, so, false, 0);
    }
    free(in), free(k), free(b), free(out), free(out2), free(want);
}

static void t_depthwise(int c, int h, int w)
{
    size_t so = (size_t)c * h * w;
    float *in = rnd(so), *k = rnd((size_t)c * 9), *b = rnd(c), *out = ALLOC(float, so), *out2 = ALLOC(float, so);
    double *want = ALLOC(double, so);
    for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                want[((size_t)ci * h + y) * w + x] = b[ci] + conv_at(in, k, c, h, w, ci, y, x, true);
    tdsl_tensor I = TDSL_F32(in, c, h, w), K = TDSL_F32(k, c, 3, 3), B = TDSL_F32(b, c);
    tdsl_tensor O = TDSL_F32(out, c, h, w), O2 = TDSL_F32(out2, c, h, w);
    if (CHECK_OK(depthwise3x3(&I, &K, &B, &O)) && CHECK_OK(depthwise3x3_ref(&I, &K, &B, &O2))) {
        near(LABEL("depthwise3x3 c=%d %dx%d", c, h, w), out, want, so, 1e-5, 1e-5);
        twin(LABEL("depthwise3x3 c=%d %dx%d vs unscheduled", c, h, w), out, out2, so, false, 0);
    }
    free(in), free(k), free(b), free(out), free(out2), free(want);
}

static void t_conv1x1(int c, int h, int w, int o)
{
    size_t hw = (size_t)h * w, so = (size_t)o * hw;
    float *in = rnd(c * hw), *k = rnd((size_t)o * c), *b = rnd(o), *out = ALLOC(float, so), *out2 = ALLOC(float, so);
    double *want = ALLOC(double, so);
    for (int oc = 0; oc < o; oc++)
        for (size_t p = 0; p < hw; p++) {
            double s = b[oc];
            for (int ci = 0; ci < c; ci++) s += (double)k[(size_t)oc * c + ci] * in[ci * hw + p];
            want[oc * hw + p] = s;
        }
    tdsl_tensor I = TDSL_F32(in, c, h, w), K = TDSL_F32(k, o, c), B = TDSL_F32(b, o);
    tdsl_tensor O = TDSL_F32(out, o, h, w), O2 = TDSL_F32(out2, o, h, w);
    if (CHECK_OK(conv1x1(&I, &K, &B, &O)) && CHECK_OK(conv1x1_ref(&I, &K, &B, &O2))) {
        near(LABEL("conv1x1 c=%d %dx%d o=%d", c, h, w, o), out, want, so, 1e-5, 2e-6 * c + 1e-6);
        twin(LABEL("conv1x1 c=%d %dx%d o=%d vs unscheduled", c, h, w, o), out, out2, so, false, 0);
    }
    free(in), free(k), free(b), free(out), free(out2), free(want);
}

static void part_gemm(void)
{
    static const int mm[][3] = { { 1, 1, 1 }, { 7, 13, 37 }, { 37, 300, 19 }, { 64, 64, 64 }, { 139, 263, 1043 } };
    for (size_t q = 0; q < sizeof mm / sizeof mm[0]; q++) t_matmul(mm[q][0], mm[q][1], mm[q][2]);
    t_bmm(1, 1, 1, 1), t_bmm(3, 7, 13, 37), t_bmm(2, 64, 64, 64), t_bmm(2, 139, 260, 21);
    static const int lin[][3] = { { 1, 1, 1 }, { 7, 13, 37 }, { 37, 300, 71 }, { 64, 784, 128 }, { 270, 260, 130 } };
    for (size_t q = 0; q < sizeof lin / sizeof lin[0]; q++) {
        t_linear("linear", linear, linear_ref, false, lin[q][0], lin[q][1], lin[q][2]);
        t_linear("linear_relu", linear_relu, linear_relu_ref, true, lin[q][0], lin[q][1], lin[q][2]);
    }
    t_conv3x3(1, 1, 1, 1), t_conv3x3(3, 7, 5, 7), t_conv3x3(5, 9, 13, 37), t_conv3x3(16, 14, 14, 32);
    t_conv1x1(1, 1, 1, 1), t_conv1x1(7, 5, 37, 13), t_conv1x1(5, 3, 7, 53), t_conv1x1(64, 14, 14, 64);
    t_depthwise(1, 1, 1), t_depthwise(3, 7, 37), t_depthwise(16, 14, 14);
}

/* ---- row kernels: X [n, d] (and G, B [d], or Z [n, d]) -> Y [n, d] ---- */

typedef void (*RowWant)(const float *x, const float *g, const float *b, double *y, int d);

static void w_softmax(const float *x, const float *g, const float *b, double *y, int d)
{
    (void)g, (void)b;
    double mx = x[0], s = 0;
    for (int j = 1; j < d; j++) mx = x[j] > mx ? x[j] : mx;
    for (int j = 0; j < d; j++) s += exp(x[j] - mx);
    for (int j = 0; j < d; j++) y[j] = exp(x[j] - mx) / s;
}
static void w_log_softmax(const float *x, const float *g, const float *b, double *y, int d)
{
    (void)g, (void)b;
    double mx = x[0], s = 0;
    for (int j = 1; j < d; j++) mx = x[j] > mx ? x[j] : mx;
    for (int j = 0; j < d; j++) s += exp(x[j] - mx);
    for (int j = 0; j < d; j++) y[j] = x[j] - mx - log(s);
}
static void w_layernorm(const float *x, const float *g, const float *b, double *y, int d)
{
    double mu = 0, v = 0;
    for (int j = 0; j < d; j++) mu += x[j];
    mu /= d;
    for (int j = 0; j < d; j++) v += (x[j] - mu) * (x[j] - mu);
    double r = 1 / sqrt(v / d + 1e-5);
    for (int j = 0; j < d; j++) y[j] = (x[j] - mu) * r * g[j] + b[j];
}
static void w_rmsnorm(const float *x, const float *g, const float *b, double *y, int d)
{
    (void)b;
    double s = 0;
    for (int j = 0; j < d; j++) s += (double)x[j] * x[j];
    double r = 1 / sqrt(s / d + 1e-5);
    for (int j = 0; j < d; j++) y[j] = x[j] * r * g[j];
}
/* elementwise: g is B (rows) or Z's row (add) */
#define W_EACH(name, expr)                                                             \
    static void name(const float *x, const float *g, const float *b, double *y, int d) \
    {                                                                                  \
        (void)g, (void)b;                                                              \
        for (int j = 0; j < d; j++) {                                                  \
            double v = x[j];                                                           \
            y[j] = (expr);                                                             \
        }                                                                              \
    }
W_EACH(w_gelu, 0.5 * v * (1 + erf(v / sqrt(2.0))))
W_EACH(w_relu, v > 0 ? v : 0)
W_EACH(w_sigmoid, 1 / (1 + exp(-v)))
W_EACH(w_tanh, tanh(v))
W_EACH(w_add, v + g[j])
W_EACH(w_mul, v *g[j])

typedef int (*Fn2)(const tdsl_tensor *, tdsl_tensor *);
typedef int (*Fn3)(const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);
typedef int (*Fn4)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);

/* args: 0 X; 1 X, G[d]; 2 X, G[d], B[d]; 3 X, Z[n, d] */
typedef struct RowK {
    const char *name;
    void *fn, *ref;
    int args;
    bool rfactor;
    double rtol, atol;
    RowWant want;
} RowK;


static int row_call(const RowK *k, void *fn, int n, int d, float *x, float *g, float *b, float *y)
{
    tdsl_tensor X = TDSL_F32(x, n, d), G = TDSL_F32(g, d), B = TDSL_F32(b, d), Z = TDSL_F32(g, n, d);
    tdsl_tensor Y = TDSL_F32(y, n, d);
    switch (k->args) {
    case 0: return ((Fn2)fn)(&X, &Y);
    case 1: return ((Fn3)fn)(&X, &G, &Y);
    case 2: return ((Fn4)fn)(&X, &G, &B, &Y);
    default: return ((Fn3)fn)(&X, &Z, &Y);
    }
}

static void t_row(const RowK *k, int n, int d)
{
    size_t nd = (size_t)n * d;
    float *x = rnd(nd), *g = rnd(k->args == 3 ? nd : (size_t)d), *b = rnd(d);
    float *y = ALLOC(float, nd), *y2 = ALLOC(float, nd);
    double *want = ALLOC(double, nd);
    for (int i = 0; i < n; i++)
        k->want(x + (size_t)i * d, k->args == 3 ? g + (size_t)i * d : g, b, want + (size_t)i * d, d);
    if (CHECK_OK(row_call(k, k->fn, n, d, x, g, b, y)) && CHECK_OK(row_call(k, k->ref, n, d, x, g, b, y2))) {
        near(LABEL("%s %dx%d", k->name, n, d), y, want, nd, k->rtol, k->atol);
        twin(LABEL("%s %dx%d vs unscheduled", k->name, n, d), y, y2, nd, k->rfactor, k->atol);
    }
    free(x), free(g), free(b), free(y), free(y2), free(want);
}

/* ---- pooling, transpose ---- */

/* 2x2 windows, stride 2: I is c x 2h x 2w */
static void t_pool(bool avg, int c, int h, int w)
{
    size_t so = (size_t)c * h * w;
    float *in = rnd(so * 4), *out = ALLOC(float, so), *out2 = ALLOC(float, so);
    double *want = ALLOC(double, so);
    for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const float *p = in + ((size_t)ci * 2 * h + 2 * y) * 2 * w + 2 * x;
                double a = p[0], b = p[1], e = p[2 * w], f = p[2 * w + 1];
                double mx = fmax(fmax(a, b), fmax(e, f));
                want[((size_t)ci * h + y) * w + x] = avg ? (a + b + e + f) / 4 : mx;
            }
    tdsl_tensor I = TDSL_F32(in, c, 2 * h, 2 * w), O = TDSL_F32(out, c, h, w), O2 = TDSL_F32(out2, c, h, w);
    const char *name = avg ? "avgpool2x2" : "maxpool2x2";
    int rc = avg ? avgpool2x2(&I, &O) : maxpool2x2(&I, &O);
    int rc2 = avg ? avgpool2x2_ref(&I, &O2) : maxpool2x2_ref(&I, &O2);
    if (CHECK_OK(rc) && CHECK_OK(rc2)) {
        near(LABEL("%s c=%d %dx%d", name, c, 2 * h, 2 * w), out, want, so, 1e-6, 1e-7);
        twin(LABEL("%s c=%d %dx%d vs unscheduled", name, c, 2 * h, 2 * w), out, out2, so, false, 0);
    }
    free(in), free(out), free(out2), free(want);
}

/* 3x3 windows, stride 2, padding 1: I is c x h x w, O c x (h + 1) / 2 x (w + 1) / 2;
 * max over the window's places inside I, average over all 9 (zeros outside) */
static void t_pool3(bool avg, int c, int h, int w)
{
    int oh = (h + 1) / 2, ow = (w + 1) / 2;
    size_t so = (size_t)c * oh * ow;
    float *in = rnd((size_t)c * h * w), *out = ALLOC(float, so), *out2 = ALLOC(float, so);
    double *want = ALLOC(double, so);
    for (int ci = 0; ci < c; ci++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                double mx = -INFINITY, s = 0;
                for (int yy = 2 * y - 1; yy <= 2 * y + 1; yy++)
                    for (int xx = 2 * x - 1; xx <= 2 * x + 1; xx++) {
                        if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                        double v = in[((size_t)ci * h + yy) * w + xx];
                        mx = fmax(mx, v), s += v;
                    }
                want[((size_t)ci * oh + y) * ow + x] = avg ? s / 9 : mx;
            }
    tdsl_tensor I = TDSL_F32(in, c, h, w), O = TDSL_F32(out, c, oh, ow), O2 = TDSL_F32(out2, c, oh, ow);
    const char *name = avg ? "avgpool3x3s2" : "maxpool3x3s2";
    int rc = avg ? avgpool3x3s2(&I, &O) : maxpool3x3s2(&I, &O);
    int rc2 = avg ? avgpool3x3s2_ref(&I, &O2) : maxpool3x3s2_ref(&I, &O2);
    if (CHECK_OK(rc) && CHECK_OK(rc2)) {
        near(LABEL("%s c=%d %dx%d", name, c, h, w), out, want, so, 1e-6, 1e-7);
        twin(LABEL("%s c=%d %dx%d vs unscheduled", name, c, h, w), out, out2, so, false, 0);
    }
    free(in), free(out), free(out2), free(want);
}

static void t_gap(int c, int h, int w)
{
    size_t hw = (size_t)h * w;
    float *in = rnd(c * hw), *out = ALLOC(float, c), *out2 = ALLOC(float, c);
    double *want = ALLOC(double, c);
    for (int ci = 0; ci < c; ci++) {
        double s = 0;
        for (size_t p = 0; p < hw; p++) s += in[ci * hw + p];
        want[ci] = s / (double)hw;
    }
    tdsl_tensor I = TDSL_F32(in, c, h, w), O = TDSL_F32(out, c), O2 = TDSL_F32(out2, c);
    if (CHECK_OK(global_avgpool(&I, &O)) && CHECK_OK(global_avgpool_ref(&I, &O2))) {
        near(LABEL("global_avgpool c=%d %dx%d", c, h, w), out, want, c, 1e-5, 1e-6);
        twin(LABEL("global_avgpool c=%d %dx%d vs unscheduled", c, h, w), out, out2, c, false, 0);
    }
    free(in), free(out), free(out2), free(want);
}

static void t_transpose(int n, int d)
{
    size_t nd = (size_t)n * d;
    float *x = rnd(nd), *y = ALLOC(float, nd), *y2 = ALLOC(float, nd);
    double *want = ALLOC(double, nd);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) want[(size_t)j * n + i] = x[(size_t)i * d + j];
    tdsl_tensor X = TDSL_F32(x, n, d), Y = TDSL_F32(y, d, n), Y2 = TDSL_F32(y2, d, n);
    if (CHECK_OK(transpose(&X, &Y)) && CHECK_OK(transpose_ref(&X, &Y2))) {
        near(LABEL("transpose %dx%d", n, d), y, want, nd, 0, 0);
        twin(LABEL("transpose %dx%d vs unscheduled", n, d), y, y2, nd, false, 0);
    }
    free(x), free(y), free(y2), free(want);
}

/* embedding: clamped rows, indices past both ends included */
static void t_embedding(int v, int d, int n)
{
    float *t = rnd((size_t)v * d), *e = ALLOC(float, (size_t)n *d), *e2 = ALLOC(float, (size_t)n *d);
    double *want = ALLOC(double, (size_t)n *d);
    int64_t *idx = ALLOC(int64_t, n);
    for (int r = 0; r < n; r++) idx[r] = r % 5 == 0 ? INT64_MIN : r % 5 == 1 ? v : rng_range(-1, v);
    for (int r = 0; r < n; r++)
        for (int j = 0; j < d; j++) {
            int64_t row = idx[r] < 0 ? 0 : idx[r] >= v ? v - 1 : idx[r];
            want[(size_t)r * d + j] = t[(size_t)row * d + j];
        }
    tdsl_tensor T = TDSL_F32(t, v, d), I = TDSL_I64(idx, n), E = TDSL_F32(e, n, d), E2 = TDSL_F32(e2, n, d);
    if (CHECK_OK(embedding(&T, &I, &E)) && CHECK_OK(embedding_ref(&T, &I, &E2))) {
        near(LABEL("embedding %dx%d n=%d", v, d, n), e, want, (size_t)n * d, 0, 0);
        twin(LABEL("embedding %dx%d n=%d vs unscheduled", v, d, n), e, e2, (size_t)n * d, false, 0);
    }
    free(t), free(e), free(e2), free(want), free(idx);
}

/* argmax_rows: the first largest, ties and a NaN row included */
static void t_argmax_rows(int n, int d)
{
    float *x = ALLOC(float, (size_t)n *d);
    int64_t *p = ALLOC(int64_t, n), *p2 = ALLOC(int64_t, n), *want = ALLOC(int64_t, n);
    for (size_t i = 0; i < (size_t)n * d; i++) x[i] = (float)(rng_range(-4, 4));
    if (n > 2 && d > 3) x[(size_t)2 * d + 3] = NAN;
    for (int i = 0; i < n; i++) {
        int64_t at = 0;
        for (int j = 1; j < d; j++) {
            float a = x[(size_t)i * d + at], b = x[(size_t)i * d + j];
            if (!isnan(a) && (isnan(b) || b > a)) at = j;
        }
        want[i] = at;
    }
    tdsl_tensor X = TDSL_F32(x, n, d), P = TDSL_I64(p, n), P2 = TDSL_I64(p2, n);
    if (CHECK_OK(argmax_rows(&X, &P)) && CHECK_OK(argmax_rows_ref(&X, &P2))) {
        check_equal_i64(LABEL("argmax_rows %dx%d", n, d), p, want, n);
        check_equal_i64(LABEL("argmax_rows %dx%d vs unscheduled", n, d), p, p2, n);
    }
    free(x), free(p), free(p2), free(want);
}

static void part_rest(void)
{
    static const int rows[][2] = { { 1, 1 }, { 7, 37 }, { 37, 1001 }, { 64, 256 } };
    const RowK rowk[] = {
                            /* not static: under the JIT the entry points are lookups */
        { "softmax", (void *)softmax, (void *)softmax_ref, 0, true, 1e-5, 1e-7, w_softmax },
        { "log_softmax", (void *)log_softmax, (void *)log_softmax_ref, 0, true, 1e-5, 1e-5, w_log_softmax },
        { "layernorm", (void *)layernorm, (void *)layernorm_ref, 2, true, 1e-4, 1e-5, w_layernorm },
        { "rmsnorm", (void *)rmsnorm, (void *)rmsnorm_ref, 1, true, 1e-4, 1e-5, w_rmsnorm },
        { "gelu", (void *)gelu, (void *)gelu_ref, 0, false, 1e-5, 1e-6, w_gelu },
        { "relu", (void *)relu, (void *)relu_ref, 0, false, 0, 0, w_relu },
        { "sigmoid", (void *)sigmoid, (void *)sigmoid_ref, 0, false, 1e-5, 1e-6, w_sigmoid },
        { "tanh_act", (void *)tanh_act, (void *)tanh_act_ref, 0, false, 1e-5, 1e-6, w_tanh },
        { "add_rows", (void *)add_rows, (void *)add_rows_ref, 1, false, 1e-6, 1e-7, w_add },
        { "mul_rows", (void *)mul_rows, (void *)mul_rows_ref, 1, false, 1e-6, 1e-7, w_mul },
        { "add", (void *)add, (void *)add_ref, 3, false, 1e-6, 1e-7, w_add },
    };
    for (size_t q = 0; q < sizeof rowk / sizeof rowk[0]; q++)
        for (size_t s = 0; s < sizeof rows / sizeof rows[0]; s++) t_row(&rowk[q], rows[s][0], rows[s][1]);
    for (int avg = 0; avg < 2; avg++) {
        t_pool(avg, 1, 1, 1), t_pool(avg, 3, 7, 37), t_pool(avg, 16, 14, 14);
        t_pool3(avg, 1, 1, 1), t_pool3(avg, 3, 7, 37), t_pool3(avg, 2, 37, 8), t_pool3(avg, 16, 14, 14);
    }
    t_gap(1, 1, 1), t_gap(3, 7, 37), t_gap(64, 7, 7);
    t_transpose(1, 1), t_transpose(7, 37), t_transpose(37, 13), t_transpose(64, 128);
    t_embedding(1, 1, 3), t_embedding(7, 64, 37), t_embedding(100, 13, 9), t_embedding(3, 300, 64);
    t_argmax_rows(1, 1), t_argmax_rows(7, 37), t_argmax_rows(5, 4096), t_argmax_rows(33, 17);
}

/* ---- the fused convolutions and linear_act: min(max(value, lo), hi) ---- */

typedef enum { F_3X3, F_RES, F_3X3S2, F_1X1, F_1X1S2, F_7X7S2 } FusedKind;

typedef struct Fused {
    const char *name;
    int k, stride, pad;
} Fused;

static const Fused fused_defs[] = {
    [F_3X3] = { "conv3x3_act", 3, 1, 1 },     [F_RES] = { "conv3x3_res", 3, 1, 1 },
    [F_3X3S2] = { "conv3x3s2_act", 3, 2, 1 }, [F_1X1] = { "conv1x1_act", 1, 1, 0 },
    [F_1X1S2] = { "conv1x1s2_act", 1, 2, 0 }, [F_7X7S2] = { "conv7x7s2_act", 7, 2, 3 },
};

/* one case: c -> o channels, an oh x ow output from an input stride times
 * that, clamped to lo .. hi; its buffers in, k, b and r (the residual) */
typedef struct FCase {
    FusedKind kind;
    int c, oh, ow, o;
    float lo, hi;
    float *in, *k, *b, *r;
} FCase;

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* the sum over the window in double, + B (+ R), clamped */
static double fused_at(const FCase *t, int oc, int y, int x)
{
    const Fused *d = &fused_defs[t->kind];
    int k = d->k, ih = t->oh * d->stride, iw = t->ow * d->stride;
    double s = 0;
    for (int ci = 0; ci < t->c; ci++)
        for (int dy = 0; dy < k; dy++)
            for (int dx = 0; dx < k; dx++) {
                int yy = y * d->stride + dy - d->pad, xx = x * d->stride + dx - d->pad;
                if (yy < 0 || yy >= ih || xx < 0 || xx >= iw) continue;
                s += (double)t->in[((size_t)ci * ih + yy) * iw + xx] *
                     t->k[(((size_t)oc * t->c + ci) * k + dy) * k + dx];
            }
    s += t->b[oc];
    if (t->kind == F_RES) s += t->r[((size_t)oc * t->oh + y) * t->ow + x];
    return clampd(s, t->lo, t->hi);
}

typedef int (*FusedFn)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, float, float, tdsl_tensor *);

static FusedFn fused_fn(FusedKind kind, bool ref)
{
    switch (kind) {
    case F_3X3: return ref ? conv3x3_act_ref : conv3x3_act;
    case F_3X3S2: return ref ? conv3x3s2_act_ref : conv3x3s2_act;
    case F_1X1: return ref ? conv1x1_act_ref : conv1x1_act;
    case F_1X1S2: return ref ? conv1x1s2_act_ref : conv1x1s2_act;
    case F_7X7S2: return ref ? conv7x7s2_act_ref : conv7x7s2_act;
    default: return NULL;
    }
}

static int fused_call(const FCase *t, bool ref, float *out)
{
    const Fused *d = &fused_defs[t->kind];
    int s = d->stride, k = d->k;
    tdsl_tensor I = TDSL_F32(t->in, t->c, t->oh * s, t->ow * s), K = TDSL_F32(t->k, t->o, t->c, k, k);
    tdsl_tensor K1 = TDSL_F32(t->k, t->o, t->c), B = TDSL_F32(t->b, t->o);
    tdsl_tensor R = TDSL_F32(t->r, t->o, t->oh, t->ow), O = TDSL_F32(out, t->o, t->oh, t->ow);
    if (t->kind == F_RES)
        return ref ? conv3x3_res_ref(&I, &K, &B, &R, t->lo, t->hi, &O) : conv3x3_res(&I, &K, &B, &R, t->lo, t->hi, &O);
    return fused_fn(t->kind, ref)(&I, k == 1 ? &K1 : &K, &B, t->lo, t->hi, &O);
}

/* K's rows in blocks of 16, the 16 innermost, zeros past o: KP[oc / 16, ..., oc % 16] */
static float *pack16(const float *k, int o, size_t per)
{
    size_t ob = (size_t)(o + 15) / 16;
    float *kp = ALLOC(float, ob * 16 * per);
    memset(kp, 0, sizeof(float) * ob * 16 * per);
    for (int oc = 0; oc < o; oc++)
        for (size_t p = 0; p < per; p++) kp[((size_t)(oc / 16) * per + p) * 16 + oc % 16] = k[oc * per + p];
    return kp;
}

/* the _pk twin (weights packed by pack16), scheduled or not; -1: none for this kind */
static int packed_call(const FCase *t, const float *kp, bool ref, float *out)
{
    const Fused *d = &fused_defs[t->kind];
    int s = d->stride, k = d->k, ob = (t->o + 15) / 16;
    tdsl_tensor I = TDSL_F32(t->in, t->c, t->oh * s, t->ow * s), KP = TDSL_F32(kp, ob, t->c, k, k, 16);
    tdsl_tensor KP1 = TDSL_F32(kp, ob, t->c, 16), B = TDSL_F32(t->b, t->o);
    tdsl_tensor R = TDSL_F32(t->r, t->o, t->oh, t->ow), O = TDSL_F32(out, t->o, t->oh, t->ow);
    switch (t->kind) {
    case F_3X3: return (ref ? conv3x3_pk_act_ref : conv3x3_pk_act)(&I, &KP, &B, t->lo, t->hi, &O);
    case F_RES: return (ref ? conv3x3_pk_res_ref : conv3x3_pk_res)(&I, &KP, &B, &R, t->lo, t->hi, &O);
    case F_3X3S2: return (ref ? conv3x3s2_pk_act_ref : conv3x3s2_pk_act)(&I, &KP, &B, t->lo, t->hi, &O);
    case F_1X1S2: return (ref ? conv1x1s2_pk_act_ref : conv1x1s2_pk_act)(&I, &KP1, &B, t->lo, t->hi, &O);
    case F_7X7S2: return (ref ? conv7x7s2_pk_act_ref : conv7x7s2_pk_act)(&I, &KP, &B, t->lo, t->hi, &O);
    default: return -1;
    }
}

/* the _pk twin equals the unpacked kernel's result (out) bit for bit, scheduled and not */
static void t_packed(const FCase *t, const float *out, const char *what)
{
    const Fused *d = &fused_defs[t->kind];
    size_t so = (size_t)t->o * t->oh * t->ow;
    float *kp = pack16(t->k, t->o, (size_t)t->c * d->k * d->k), *pk = ALLOC(float, so), *pk2 = ALLOC(float, so);
    if (t->kind != F_1X1 && CHECK_OK(packed_call(t, kp, false, pk)) && CHECK_OK(packed_call(t, kp, true, pk2))) {
        check_equal_f32(LABEL("%s, weights packed (_pk)", what), pk, out, so);
        check_equal_f32(LABEL("%s, weights packed, unscheduled", what), pk2, out, so);
    }
    free(kp), free(pk), free(pk2);
}

/* U = G K G^T per output and input channel in pack16's blocks, UP[a, b, oc / 16, ci, oc % 16]
 * (what graph/prepack.c embeds for conv3x3w_pk_*), computed in double */
static float *pack_winograd(const float *k, int o, int c)
{
    static const double G[4][3] = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };
    size_t ob = (size_t)(o + 15) / 16, n = 16 * ob * c * 16;
    float *up = ALLOC(float, n);
    memset(up, 0, sizeof(float) * n);
    for (int oc = 0; oc < o; oc++)
        for (int ci = 0; ci < c; ci++)
            for (int ab = 0; ab < 16; ab++) {
                double s = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        s += G[ab / 4][i] * (double)k[((size_t)oc * c + ci) * 9 + i * 3 + j] * G[ab % 4][j];
                up[(((size_t)ab * ob + oc / 16) * c + ci) * 16 + oc % 16] = (float)s;
            }
    return up;
}

/* conv3x3w_pk_act / _res (Winograd F(2x2, 3x3)): near the double reference
 * (a few ulps more than the direct sum) and equal to its unscheduled self */
static void t_winograd(const FCase *t, const double *want, const char *what)
{
    size_t so = (size_t)t->o * t->oh * t->ow;
    float *up = pack_winograd(t->k, t->o, t->c), *w1 = ALLOC(float, so), *w2 = ALLOC(float, so);
    tdsl_tensor I = TDSL_F32(t->in, t->c, t->oh, t->ow), UP = TDSL_F32(up, 4, 4, (t->o + 15) / 16, t->c, 16);
    tdsl_tensor B = TDSL_F32(t->b, t->o), R = TDSL_F32(t->r, t->o, t->oh, t->ow);
    tdsl_tensor O1 = TDSL_F32(w1, t->o, t->oh, t->ow), O2 = TDSL_F32(w2, t->o, t->oh, t->ow);
    bool res = t->kind == F_RES;
    int r1 =
        res ? conv3x3w_pk_res(&I, &UP, &B, &R, t->lo, t->hi, &O1) : conv3x3w_pk_act(&I, &UP, &B, t->lo, t->hi, &O1);
    int r2 = res ? conv3x3w_pk_res_ref(&I, &UP, &B, &R, t->lo, t->hi, &O2)
                 : conv3x3w_pk_act_ref(&I, &UP, &B, t->lo, t->hi, &O2);
    if (CHECK_OK(r1) && CHECK_OK(r2)) {
        near(LABEL("%s, Winograd (conv3x3w_pk)", what), w1, want, so, 1e-5, 1e-5 * t->c * 9 + 1e-5);
        twin(LABEL("%s, Winograd vs unscheduled", what), w1, w2, so, false, 0);
    }
    free(up), free(w1), free(w2);
}

static void t_fused(FusedKind kind, int c, int oh, int ow, int o, float lo, float hi)
{
    const Fused *d = &fused_defs[kind];
    size_t so = (size_t)o * oh * ow, si = (size_t)c * oh * ow * d->stride * d->stride;
    FCase t = { kind, c, oh, ow, o, lo, hi, rnd(si), rnd((size_t)o * c * d->k * d->k), rnd(o), rnd(so) };
    float *out = ALLOC(float, so), *out2 = ALLOC(float, so);
    double *want = ALLOC(double, so);
    for (int oc = 0; oc < o; oc++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) want[((size_t)oc * oh + y) * ow + x] = fused_at(&t, oc, y, x);
    if (CHECK_OK(fused_call(&t, false, out)) && CHECK_OK(fused_call(&t, true, out2))) {
        const char *what = LABEL("%s c=%d %dx%d->%dx%d o=%d lo=%g hi=%g", d->name, c, oh * d->stride, ow * d->stride,
                                 oh, ow, o, lo, hi);
        near(what, out, want, so, 1e-5, 2e-6 * c * d->k * d->k + 1e-6);
        twin(LABEL("%s vs unscheduled", what), out, out2, so, false, 0);
        t_packed(&t, out, what);
        if (kind == F_3X3 || kind == F_RES) t_winograd(&t, want, what);
    }
    free(t.in), free(t.k), free(t.b), free(t.r), free(out), free(out2), free(want);
}

typedef int (*LinearActFn)(const tdsl_tensor *, const tdsl_tensor *, const tdsl_tensor *, float, float, tdsl_tensor *);

/* linear_act, or linear_gemv_act (rfactor: its twin within rounding) */
static void t_linear_act(const char *name, LinearActFn f, LinearActFn ref, bool rfactor, int n, int k, int m, float lo,
                         float hi)
{
    float *x = rnd((size_t)n * k), *w = rnd((size_t)m * k), *b = rnd(m);
    float *y = ALLOC(float, (size_t)n *m), *y2 = ALLOC(float, (size_t)n *m);
    double *want = ALLOC(double, (size_t)n *m);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0;
            for (int r = 0; r < k; r++) s += (double)x[(size_t)i * k + r] * w[(size_t)j * k + r];
            want[(size_t)i * m + j] = clampd(s + b[j], lo, hi);
        }
    tdsl_tensor X = TDSL_F32(x, n, k), W = TDSL_F32(w, m, k), B = TDSL_F32(b, m);
    tdsl_tensor Y = TDSL_F32(y, n, m), Y2 = TDSL_F32(y2, n, m);
    if (CHECK_OK(f(&X, &W, &B, lo, hi, &Y)) && CHECK_OK(ref(&X, &W, &B, lo, hi, &Y2))) {
        near(LABEL("%s %dx%d->%d lo=%g hi=%g", name, n, k, m, lo, hi), y, want, (size_t)n * m, 1e-5, 2e-6 * k + 1e-6);
        twin(LABEL("%s %dx%d->%d vs unscheduled", name, n, k, m), y, y2, (size_t)n * m, rfactor, 2e-6 * k + 1e-6);
    }
    free(x), free(w), free(b), free(y), free(y2), free(want);
}

/* linear_pk_act (W packed by pack16) equals linear_act bit for bit */
static void t_linear_pk(int n, int k, int m, float lo, float hi)
{
    float *x = rnd((size_t)n * k), *w = rnd((size_t)m * k), *b = rnd(m), *wp = pack16(w, m, (size_t)k);
    float *y = ALLOC(float, (size_t)n *m), *y2 = ALLOC(float, (size_t)n *m), *y3 = ALLOC(float, (size_t)n *m);
    tdsl_tensor X = TDSL_F32(x, n, k), W = TDSL_F32(w, m, k), WP = TDSL_F32(wp, (m + 15) / 16, k, 16),
                B = TDSL_F32(b, m);
    tdsl_tensor Y = TDSL_F32(y, n, m), Y2 = TDSL_F32(y2, n, m), Y3 = TDSL_F32(y3, n, m);
    if (CHECK_OK(linear_act(&X, &W, &B, lo, hi, &Y)) && CHECK_OK(linear_pk_act(&X, &WP, &B, lo, hi, &Y2)) &&
        CHECK_OK(linear_pk_act_ref(&X, &WP, &B, lo, hi, &Y3))) {
        check_equal_f32(LABEL("linear_pk_act %dx%d->%d lo=%g hi=%g", n, k, m, lo, hi), y2, y, (size_t)n * m);
        check_equal_f32(LABEL("linear_pk_act %dx%d->%d unscheduled", n, k, m), y3, y, (size_t)n * m);
    }
    free(x), free(w), free(b), free(wp), free(y), free(y2), free(y3);
}

/* lo / hi: none, relu, and a clip that cuts both ends of the values */
#define NONE_LO (-3.4028235e38f)
#define NONE_HI 3.4028235e38f

static void part_conv(void)
{
    /* shapes that leave tails: widths not a multiple of 7 or 8, channels
     * not a multiple of 8 or 16; one past 16 output channels */
    static const int sh[][4] = {
        { 1, 1, 1, 1 }, { 3, 7, 5, 7 }, { 5, 9, 13, 37 }, { 16, 14, 14, 32 }, { 9, 4, 23, 17 }
    };
    static const float lh[][2] = { { NONE_LO, NONE_HI }, { 0, NONE_HI }, { -0.7f, 0.9f } };
    for (FusedKind kind = F_3X3; kind <= F_7X7S2; kind++)
        for (size_t q = 0; q < sizeof sh / sizeof sh[0]; q++) {
            const float *l = lh[q % 3];
            if (kind == F_7X7S2 && sh[q][0] > 5) continue; /* the stem: few input channels */
            t_fused(kind, sh[q][0], sh[q][1], sh[q][2], sh[q][3], l[0], l[1]);
        }
    t_fused(F_7X7S2, 3, 16, 16, 64, 0, NONE_HI);
    t_fused(F_RES, 64, 7, 7, 64, -1.5f, 1.5f);
    t_fused(F_RES, 64, 14, 14, 64, 0, NONE_HI);    /* Winograd's row tile whole, and its tail */
    t_fused(F_3X3, 67, 28, 27, 65, -1.5f, 1.5f);
    t_fused(F_3X3S2, 64, 7, 7, 64, 0, NONE_HI);
    t_fused(F_1X1S2, 64, 7, 7, 128, NONE_LO, NONE_HI);
    static const int lin[][3] = { { 1, 1, 1 }, { 7, 13, 37 }, { 37, 300, 71 }, { 1, 512, 1000 } };
    for (size_t q = 0; q < sizeof lin / sizeof lin[0]; q++)
        t_linear_act("linear_act", linear_act, linear_act_ref, false, lin[q][0], lin[q][1], lin[q][2], lh[q % 3][0],
                     lh[q % 3][1]);
    for (size_t q = 0; q < sizeof lin / sizeof lin[0]; q++)
        t_linear_pk(lin[q][0], lin[q][1], lin[q][2], lh[q % 3][0], lh[q % 3][1]);
    t_linear_pk(64, 784, 128, 0, NONE_HI);
    static const int rows[][3] = { { 1, 1, 1 }, { 1, 784, 128 }, { 3, 13, 37 }, { 4, 9, 6 }, { 2, 300, 71 } };
    for (size_t q = 0; q < sizeof rows / sizeof rows[0]; q++)
        t_linear_act("linear_gemv_act", linear_gemv_act, linear_gemv_act_ref, true, rows[q][0], rows[q][1], rows[q][2],
                     lh[q % 3][0], lh[q % 3][1]);
}

int main(int argc, char **argv)
{
    const char *part = argc > 1 ? argv[1] : "all";
    harness_init();
    bool all = !strcmp(part, "all");
    if (all || !strcmp(part, "gemm")) part_gemm();
    if (all || !strcmp(part, "rest")) part_rest();
    if (all || !strcmp(part, "conv")) part_conv();
    return harness_done(LABEL("nn %s", part));
}
