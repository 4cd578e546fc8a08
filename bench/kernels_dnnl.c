/* kernels_dnnl.c - conv3x3, softmax, layernorm and gelu of stdlib/nn.tdsl
 * against oneDNN 2.6 (C API, OpenMP threads): convolution with the
 * NCHW -> blocked reorder of its input and the blocked -> NCHW reorder of its
 * output in the timed call (weights reordered once, outside), softmax over
 * the last axis, layer normalization with scale and shift, eltwise gelu_erf.
 * A oneDNN call is a Pipe of primitives run in order on one stream. */
#include "bench/kernels.h"
#include "nn.h"
#include "nn_host.h"
#include <oneapi/dnnl/dnnl.h>

#define CK(x)                                                                   \
    do {                                                                        \
        dnnl_status_t s_ = (x);                                                 \
        if (s_ != dnnl_success) {                                               \
            fprintf(stderr, "kernels: %s failed (oneDNN status %d)\n", #x, s_); \
            exit(2);                                                            \
        }                                                                       \
    } while (0)

static dnnl_engine_t eng;
static dnnl_stream_t strm;

typedef struct Step {
    dnnl_primitive_t p;
    int nargs;
    dnnl_exec_arg_t args[6];
} Step;

typedef struct Pipe {
    int n;
    Step s[4];
} Pipe;

static void dn_init(void)
{
    if (eng) return;
    CK(dnnl_engine_create(&eng, dnnl_cpu, 0));
    CK(dnnl_stream_create(&strm, eng, dnnl_stream_default_flags));
}

static int pipe_run(void *arg)
{
    Pipe *q = arg;
    for (int i = 0; i < q->n; i++)
        if (dnnl_primitive_execute(q->s[i].p, strm, q->s[i].nargs, q->s[i].args) != dnnl_success) return 1;
    return dnnl_stream_wait(strm) != dnnl_success;
}

static void pipe_free(Pipe *q)
{
    for (int i = 0; i < q->n; i++) dnnl_primitive_destroy(q->s[i].p);
}

static dnnl_memory_t mem(const dnnl_memory_desc_t *md, void *handle)
{
    dnnl_memory_t m;
    CK(dnnl_memory_create(&m, md, eng, handle ? handle : DNNL_MEMORY_ALLOCATE));
    return m;
}

static dnnl_memory_desc_t md_tag(int nd, const dnnl_dims_t dims, dnnl_format_tag_t tag)
{
    dnnl_memory_desc_t md;
    CK(dnnl_memory_desc_init_by_tag(&md, nd, dims, dnnl_f32, tag));
    return md;
}

/* a primitive from its pd (destroyed here) and its arguments */
static Step step(dnnl_primitive_desc_t pd, int nargs, const dnnl_exec_arg_t *args)
{
    Step s = { 0 };
    CK(dnnl_primitive_create(&s.p, pd));
    s.nargs = nargs;
    memcpy(s.args, args, sizeof(dnnl_exec_arg_t) * nargs);
    dnnl_primitive_desc_destroy(pd);
    return s;
}

static Step reorder(dnnl_memory_t from, dnnl_memory_t to)
{
    const dnnl_memory_desc_t *a, *b;
    dnnl_primitive_desc_t pd;
    CK(dnnl_memory_get_memory_desc(from, &a));
    CK(dnnl_memory_get_memory_desc(to, &b));
    CK(dnnl_reorder_primitive_desc_create(&pd, a, eng, b, eng, NULL));
    return step(pd, 2, (dnnl_exec_arg_t[]){ { DNNL_ARG_FROM, from }, { DNNL_ARG_TO, to } });
}

static const char *impl_name(const_dnnl_primitive_desc_t pd)
{
    const char *s = "?";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &s);
    return s;
}

/* ---- conv3x3: c -> c channels, hw x hw, stride 1, zero pad 1, bias ---- */

typedef struct Conv {
    int c, hw;
    float *in, *k, *b, *out;
    int host;           /* the --target host object */
} Conv;

static int conv_tdsl(void *p)
{
    Conv *v = p;
    tdsl_tensor I = TDSL_F32(v->in, v->c, v->hw, v->hw), K = TDSL_F32(v->k, v->c, v->c, 3, 3);
    tdsl_tensor B = TDSL_F32(v->b, v->c), O = TDSL_F32(v->out, v->c, v->hw, v->hw);
    return v->host ? conv3x3_host(&I, &K, &B, &O) : conv3x3(&I, &K, &B, &O);
}

static double conv_check(const Conv *v)
{
    Err e = { 0 };
    int c = v->c, n = v->hw;
    for (int oc = 0; oc < c; oc += 7)
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                double s = v->b[oc];
                for (int ci = 0; ci < c; ci++)
                    for (int dy = 0; dy < 3; dy++)
                        for (int dx = 0; dx < 3; dx++) {
                            int yy = y + dy - 1, xx = x + dx - 1;
                            if (yy < 0 || yy >= n || xx < 0 || xx >= n) continue;
                            s += (double)v->in[((size_t)ci * n + yy) * n + xx] *
                                 v->k[((size_t)oc * c + ci) * 9 + dy * 3 + dx];
                        }
                err_add(&e, v->out[((size_t)oc * n + y) * n + x], s);
            }
    return err_value(&e);
}

/* src reorder, convolution, dst reorder; the weights are reordered here once */
static Pipe conv_dnnl(Conv *v)
{
    dnnl_dims_t src = { 1, v->c, v->hw, v->hw }, wei = { v->c, v->c, 3, 3 }, bia = { v->c }, st = { 1, 1 },
                pad = { 1, 1 };
    dnnl_memory_desc_t src_u = md_tag(4, src, dnnl_nchw), wei_u = md_tag(4, wei, dnnl_oihw);
    dnnl_memory_desc_t bia_md = md_tag(1, bia, dnnl_a), src_a = md_tag(4, src, dnnl_format_tag_any);
    dnnl_memory_desc_t wei_a = md_tag(4, wei, dnnl_format_tag_any);
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t pd;
    CK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &src_a, &wei_a, &bia_md,
                                          &src_a, st, pad, pad));
    CK(dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL));
    fprintf(stderr, "oneDNN conv %d ch %dx%d: %s\n", v->c, v->hw, v->hw, impl_name(pd));
    dnnl_memory_t us = mem(&src_u, v->in), uw = mem(&wei_u, v->k), ub = mem(&bia_md, v->b), ud = mem(&src_u, v->out);
    dnnl_memory_t s = mem(dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), NULL);
    dnnl_memory_t w = mem(dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), NULL);
    dnnl_memory_t d = mem(dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), NULL);
    Pipe wq = { 1, { reorder(uw, w) } };
    if (pipe_run(&wq)) fprintf(stderr, "kernels: oneDNN weight reorder failed\n");
    pipe_free(&wq);
    Pipe q = { 3, { reorder(us, s) } };
    q.s[1] = step(pd, 4,
                  (dnnl_exec_arg_t[]){
                      { DNNL_ARG_SRC, s }, { DNNL_ARG_WEIGHTS, w }, { DNNL_ARG_BIAS, ub }, { DNNL_ARG_DST, d } });
    q.s[2] = reorder(d, ud);
    return q;
}

void bench_conv3x3(int c, int hw, int threads)
{
    dn_init();
    size_t sz = (size_t)c * hw * hw;
    Conv v = { c, hw, frand(sz, 1), frand((size_t)c * c * 9, 2), frand(c, 3), calloc(sz, 4), 0 };
    double fl = 2.0 * c * c * 9 * hw * hw, t, e;
    char size[48];
    snprintf(size, sizeof size, "%dch %dx%d", c, hw, hw);
    t = time_median(conv_tdsl, &v), e = conv_check(&v);
    report("conv3x3", size, threads, "tdsl", t, fl, 0, e);
    v.host = 1;
    t = time_median(conv_tdsl, &v), e = conv_check(&v);
    report("conv3x3", size, threads, "tdsl-host", t, fl, 0, e);
    Pipe q = conv_dnnl(&v);
    memset(v.out, 0, sz * 4);
    t = time_median(pipe_run, &q), e = conv_check(&v);
    report("conv3x3", size, threads, "oneDNN", t, fl, 0, e);
    pipe_free(&q);
    free(v.in), free(v.k), free(v.b), free(v.out);
}

/* ---- row kernels over X [n, d]: softmax, layernorm (G, B), gelu ---- */

typedef struct Rows {
    int n, d, kind;     /* 0 softmax, 1 layernorm, 2 gelu */
    float *x, *g, *b, *y;
    int host;           /* the --target host object */
} Rows;

static const char *const row_names[] = { "softmax", "layernorm", "gelu" };

static int rows_tdsl(void *p)
{
    Rows *r = p;
    tdsl_tensor X = TDSL_F32(r->x, r->n, r->d), G = TDSL_F32(r->g, r->d), B = TDSL_F32(r->b, r->d);
    tdsl_tensor Y = TDSL_F32(r->y, r->n, r->d);
    if (r->host)
        return r->kind == 0 ? softmax_host(&X, &Y) : r->kind == 1 ? layernorm_host(&X, &G, &B, &Y) : gelu_host(&X, &Y);
    return r->kind == 0 ? softmax(&X, &Y) : r->kind == 1 ? layernorm(&X, &G, &B, &Y) : gelu(&X, &Y);
}

static void row_want(const Rows *r, const float *x, double *w)
{
    int d = r->d;
    double mx = x[0], s = 0, mu = 0, v = 0;
    for (int j = 0; j < d; j++) mx = x[j] > mx ? x[j] : mx, mu += x[j];
    mu /= d;
    for (int j = 0; j < d; j++) s += exp(x[j] - mx), v += (x[j] - mu) * (x[j] - mu);
    double rs = 1 / sqrt(v / d + 1e-5);
    for (int j = 0; j < d; j++) {
        if (r->kind == 0) w[j] = exp(x[j] - mx) / s;
        else if (r->kind == 1) w[j] = (x[j] - mu) * rs * r->g[j] + r->b[j];
        else w[j] = 0.5 * x[j] * (1 + erf(x[j] / sqrt(2.0)));
    }
}

static double rows_check(const Rows *r)
{
    Err e = { 0 };
    double *w = malloc(sizeof(double) * r->d);
    for (int i = 0; i < r->n; i += 97) {
        row_want(r, r->x + (size_t)i * r->d, w);
        for (int j = 0; j < r->d; j++) err_add(&e, r->y[(size_t)i * r->d + j], w[j]);
    }
    free(w);
    return err_value(&e);
}

static Pipe rows_dnnl(Rows *r)
{
    dnnl_dims_t dims = { r->n, r->d }, gd = { r->d };
    dnnl_memory_desc_t md = md_tag(2, dims, dnnl_nc), vd = md_tag(1, gd, dnnl_a);
    dnnl_primitive_desc_t pd;
    if (r->kind == 0) {
        dnnl_softmax_desc_t sd;
        CK(dnnl_softmax_forward_desc_init(&sd, dnnl_forward_inference, &md, 1));
        CK(dnnl_primitive_desc_create(&pd, &sd, NULL, eng, NULL));
    } else if (r->kind == 1) {
        dnnl_layer_normalization_desc_t ld;
        CK(dnnl_layer_normalization_forward_desc_init(&ld, dnnl_forward_inference, &md, NULL, 1e-5f,
                                                      dnnl_use_scale | dnnl_use_shift));
        CK(dnnl_primitive_desc_create(&pd, &ld, NULL, eng, NULL));
    } else {
        dnnl_eltwise_desc_t ed;
        CK(dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, dnnl_eltwise_gelu_erf, &md, 0, 0));
        CK(dnnl_primitive_desc_create(&pd, &ed, NULL, eng, NULL));
    }
    fprintf(stderr, "oneDNN %s %dx%d: %s\n", row_names[r->kind], r->n, r->d, impl_name(pd));
    dnnl_exec_arg_t args[4] = { { DNNL_ARG_SRC, mem(&md, r->x) },
                                { DNNL_ARG_DST, mem(&md, r->y) },
                                { DNNL_ARG_SCALE, mem(&vd, r->g) },
                                { DNNL_ARG_SHIFT, mem(&vd, r->b) } };
    Pipe q = { 1, { step(pd, r->kind == 1 ? 4 : 2, args) } };
    return q;
}

void bench_rows(int n, int d, int threads)
{
    dn_init();
    size_t sz = (size_t)n * d;
    char size[48];
    snprintf(size, sizeof size, "%dx%d", n, d);
    for (int kind = 0; kind < 3; kind++) {
        Rows r = { n, d, kind, frand(sz, 1), frand(d, 2), frand(d, 3), calloc(sz, 4), 0 };
        double bytes = 8.0 * sz, t = time_median(rows_tdsl, &r), e = rows_check(&r);
        report(row_names[kind], size, threads, "tdsl", t, 0, bytes, e);
        r.host = 1;
        t = time_median(rows_tdsl, &r), e = rows_check(&r);
        report(row_names[kind], size, threads, "tdsl-host", t, 0, bytes, e);
        Pipe q = rows_dnnl(&r);
        memset(r.y, 0, sz * 4);
        t = time_median(pipe_run, &q), e = rows_check(&r);
        report(row_names[kind], size, threads, "oneDNN", t, 0, bytes, e);
        pipe_free(&q);
        free(r.x), free(r.g), free(r.b), free(r.y);
    }
}
