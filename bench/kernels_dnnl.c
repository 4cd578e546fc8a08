/* kernels_dnnl.c - softmax, layernorm and gelu of stdlib/nn.tdsl against
 * oneDNN 2.6 (C API, OpenMP threads): softmax over the last axis, layer
 * normalization with scale and shift, eltwise gelu_erf; and the oneDNN
 * helpers (kernels_dnnl.h) the convolutions (kernels_conv.c) use too. */
#include "bench/kernels_dnnl.h"
#include "nn.h"
#include "nn_host.h"

dnnl_engine_t dn_eng;
static dnnl_stream_t strm;

void dn_init(void)
{
    if (dn_eng) return;
    CK(dnnl_engine_create(&dn_eng, dnnl_cpu, 0));
    CK(dnnl_stream_create(&strm, dn_eng, dnnl_stream_default_flags));
}

int pipe_run(void *arg)
{
    Pipe *q = arg;
    for (int i = 0; i < q->n; i++)
        if (dnnl_primitive_execute(q->s[i].p, strm, q->s[i].nargs, q->s[i].args) != dnnl_success) return 1;
    return dnnl_stream_wait(strm) != dnnl_success;
}

void pipe_free(Pipe *q)
{
    for (int i = 0; i < q->n; i++) dnnl_primitive_destroy(q->s[i].p);
}

dnnl_memory_t dn_mem(const dnnl_memory_desc_t *md, void *handle)
{
    dnnl_memory_t m;
    CK(dnnl_memory_create(&m, md, dn_eng, handle ? handle : DNNL_MEMORY_ALLOCATE));
    return m;
}

dnnl_memory_desc_t md_tag(int nd, const dnnl_dims_t dims, dnnl_format_tag_t tag)
{
    dnnl_memory_desc_t md;
    CK(dnnl_memory_desc_init_by_tag(&md, nd, dims, dnnl_f32, tag));
    return md;
}

/* a primitive from its pd (destroyed here) and its arguments */
Step dn_step(dnnl_primitive_desc_t pd, int nargs, const dnnl_exec_arg_t *args)
{
    Step s = { 0 };
    CK(dnnl_primitive_create(&s.p, pd));
    s.nargs = nargs;
    memcpy(s.args, args, sizeof(dnnl_exec_arg_t) * nargs);
    dnnl_primitive_desc_destroy(pd);
    return s;
}

Step dn_reorder(dnnl_memory_t from, dnnl_memory_t to)
{
    const dnnl_memory_desc_t *a, *b;
    dnnl_primitive_desc_t pd;
    CK(dnnl_memory_get_memory_desc(from, &a));
    CK(dnnl_memory_get_memory_desc(to, &b));
    CK(dnnl_reorder_primitive_desc_create(&pd, a, dn_eng, b, dn_eng, NULL));
    return dn_step(pd, 2, (dnnl_exec_arg_t[]){ { DNNL_ARG_FROM, from }, { DNNL_ARG_TO, to } });
}

const char *dn_impl_name(const_dnnl_primitive_desc_t pd)
{
    const char *s = "?";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &s);
    return s;
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
        CK(dnnl_primitive_desc_create(&pd, &sd, NULL, dn_eng, NULL));
    } else if (r->kind == 1) {
        dnnl_layer_normalization_desc_t ld;
        CK(dnnl_layer_normalization_forward_desc_init(&ld, dnnl_forward_inference, &md, NULL, 1e-5f,
                                                      dnnl_use_scale | dnnl_use_shift));
        CK(dnnl_primitive_desc_create(&pd, &ld, NULL, dn_eng, NULL));
    } else {
        dnnl_eltwise_desc_t ed;
        CK(dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, dnnl_eltwise_gelu_erf, &md, 0, 0));
        CK(dnnl_primitive_desc_create(&pd, &ed, NULL, dn_eng, NULL));
    }
    fprintf(stderr, "oneDNN %s %dx%d: %s\n", row_names[r->kind], r->n, r->d, dn_impl_name(pd));
    dnnl_exec_arg_t args[4] = { { DNNL_ARG_SRC, dn_mem(&md, r->x) },
                                { DNNL_ARG_DST, dn_mem(&md, r->y) },
                                { DNNL_ARG_SCALE, dn_mem(&vd, r->g) },
                                { DNNL_ARG_SHIFT, dn_mem(&vd, r->b) } };
    Pipe q = { 1, { dn_step(pd, r->kind == 1 ? 4 : 2, args) } };
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
