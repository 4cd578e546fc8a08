/* kernels_conv.c - the convolutions of stdlib/nn.tdsl against oneDNN 2.6's
 * convolution at ResNet-18's shapes: conv3x3 (bias only), the fused
 * conv3x3_act, conv3x3_res, conv3x3s2_act, conv1x1s2_act and conv7x7s2_act,
 * with oneDNN's bias, relu (eltwise post-op) and residual (sum post-op, its
 * destination first filled with R). oneDNN's timed call includes the
 * NCHW -> blocked reorder of the input and the blocked -> NCHW reorder of the
 * output (and of R), as a framework's NCHW call does; its weights are
 * reordered once, outside the timing. */
#include "bench/kernels_dnnl.h"
#include "nn.h"
#include "nn_host.h"
#include <float.h>

typedef enum { CV_PLAIN, CV_3X3, CV_RES, CV_3X3S2, CV_1X1S2, CV_7X7S2 } ConvKind;

typedef struct ConvDef {
    const char *name;
    int k, stride, pad;
} ConvDef;

static const ConvDef conv_defs[] = {
    [CV_PLAIN] = { "conv3x3", 3, 1, 1 },       [CV_3X3] = { "conv3x3_act", 3, 1, 1 },
    [CV_RES] = { "conv3x3_res", 3, 1, 1 },     [CV_3X3S2] = { "conv3x3s2_act", 3, 2, 1 },
    [CV_1X1S2] = { "conv1x1s2_act", 1, 2, 0 }, [CV_7X7S2] = { "conv7x7s2_act", 7, 2, 3 },
};

/* c -> o channels, an ih x ih image to oh x oh; relu, or no clamp */
typedef struct Conv {
    ConvKind kind;
    int c, o, ih, oh, relu;
    float *in, *k, *b, *r, *out;
    int host; /* the --target host object */
} Conv;

static int conv_tdsl(void *p)
{
    Conv *v = p;
    int kk = conv_defs[v->kind].k;
    float lo = v->relu ? 0 : -FLT_MAX, hi = FLT_MAX;
    tdsl_tensor I = TDSL_F32(v->in, v->c, v->ih, v->ih), K = TDSL_F32(v->k, v->o, v->c, kk, kk);
    tdsl_tensor K1 = TDSL_F32(v->k, v->o, v->c), B = TDSL_F32(v->b, v->o);
    tdsl_tensor R = TDSL_F32(v->r, v->o, v->oh, v->oh), O = TDSL_F32(v->out, v->o, v->oh, v->oh);
    int h = v->host;
    switch (v->kind) {
    case CV_PLAIN: return h ? conv3x3_host(&I, &K, &B, &O) : conv3x3(&I, &K, &B, &O);
    case CV_3X3: return (h ? conv3x3_act_host : conv3x3_act)(&I, &K, &B, lo, hi, &O);
    case CV_RES: return (h ? conv3x3_res_host : conv3x3_res)(&I, &K, &B, &R, lo, hi, &O);
    case CV_3X3S2: return (h ? conv3x3s2_act_host : conv3x3s2_act)(&I, &K, &B, lo, hi, &O);
    case CV_1X1S2: return (h ? conv1x1s2_act_host : conv1x1s2_act)(&I, &K1, &B, lo, hi, &O);
    case CV_7X7S2: return (h ? conv7x7s2_act_host : conv7x7s2_act)(&I, &K, &B, lo, hi, &O);
    }
    return 1;
}

/* the value at output (oc, y, x) in double */
static double conv_want(const Conv *v, int oc, int y, int x)
{
    const ConvDef *d = &conv_defs[v->kind];
    int k = d->k, n = v->ih;
    double s = 0;
    for (int ci = 0; ci < v->c; ci++)
        for (int dy = 0; dy < k; dy++)
            for (int dx = 0; dx < k; dx++) {
                int yy = y * d->stride + dy - d->pad, xx = x * d->stride + dx - d->pad;
                if (yy < 0 || yy >= n || xx < 0 || xx >= n) continue;
                s += (double)v->in[((size_t)ci * n + yy) * n + xx] * v->k[(((size_t)oc * v->c + ci) * k + dy) * k + dx];
            }
    s += v->b[oc];
    if (v->kind == CV_RES) s += v->r[((size_t)oc * v->oh + y) * v->oh + x];
    return v->relu && s < 0 ? 0 : s;
}

static double conv_check(const Conv *v)
{
    Err e = { 0 };
    for (int oc = 0; oc < v->o; oc += 7)
        for (int y = 0; y < v->oh; y++)
            for (int x = 0; x < v->oh; x++)
                err_add(&e, v->out[((size_t)oc * v->oh + y) * v->oh + x], conv_want(v, oc, y, x));
    return err_value(&e);
}

/* bias, then (residual) sum, then relu */
static dnnl_primitive_attr_t conv_attr(const Conv *v)
{
    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t po;
    CK(dnnl_primitive_attr_create(&attr));
    CK(dnnl_post_ops_create(&po));
    if (v->kind == CV_RES) CK(dnnl_post_ops_append_sum(po, 1.0f));
    if (v->relu) CK(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f));
    CK(dnnl_primitive_attr_set_post_ops(attr, po));
    dnnl_post_ops_destroy(po);
    return attr;
}

static dnnl_primitive_desc_t conv_pd(const Conv *v)
{
    const ConvDef *d = &conv_defs[v->kind];
    dnnl_dims_t src = { 1, v->c, v->ih, v->ih }, wei = { v->o, v->c, d->k, d->k }, bia = { v->o },
                dst = { 1, v->o, v->oh, v->oh }, st = { d->stride, d->stride }, pad = { d->pad, d->pad };
    dnnl_memory_desc_t src_a = md_tag(4, src, dnnl_format_tag_any), wei_a = md_tag(4, wei, dnnl_format_tag_any);
    dnnl_memory_desc_t dst_a = md_tag(4, dst, dnnl_format_tag_any), bia_md = md_tag(1, bia, dnnl_a);
    dnnl_convolution_desc_t cd;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_attr_t attr = conv_attr(v);
    CK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &src_a, &wei_a, &bia_md,
                                          &dst_a, st, pad, pad));
    CK(dnnl_primitive_desc_create(&pd, &cd, attr, dn_eng, NULL));
    dnnl_primitive_attr_destroy(attr);
    fprintf(stderr, "oneDNN %s %d->%d %d->%d: %s\n", d->name, v->c, v->o, v->ih, v->oh, dn_impl_name(pd));
    return pd;
}

/* src reorder, (R into dst,) convolution, dst reorder; the weights are
 * reordered here once */
static Pipe conv_dnnl(Conv *v)
{
    const ConvDef *d = &conv_defs[v->kind];
    dnnl_dims_t src = { 1, v->c, v->ih, v->ih }, wei = { v->o, v->c, d->k, d->k }, bia = { v->o },
                dst = { 1, v->o, v->oh, v->oh };
    dnnl_memory_desc_t src_u = md_tag(4, src, dnnl_nchw), wei_u = md_tag(4, wei, dnnl_oihw);
    dnnl_memory_desc_t dst_u = md_tag(4, dst, dnnl_nchw), bia_md = md_tag(1, bia, dnnl_a);
    dnnl_primitive_desc_t pd = conv_pd(v);
    dnnl_memory_t us = dn_mem(&src_u, v->in), uw = dn_mem(&wei_u, v->k), ub = dn_mem(&bia_md, v->b);
    dnnl_memory_t ud = dn_mem(&dst_u, v->out), ur = dn_mem(&dst_u, v->r);
    dnnl_memory_t s = dn_mem(dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), NULL);
    dnnl_memory_t w = dn_mem(dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), NULL);
    dnnl_memory_t dd = dn_mem(dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), NULL);
    Pipe wq = { 1, { dn_reorder(uw, w) } };
    if (pipe_run(&wq)) fprintf(stderr, "kernels: oneDNN weight reorder failed\n");
    pipe_free(&wq);
    Pipe q = { 0 };
    q.s[q.n++] = dn_reorder(us, s);
    if (v->kind == CV_RES) q.s[q.n++] = dn_reorder(ur, dd);
    q.s[q.n++] =
        dn_step(pd, 4,
                (dnnl_exec_arg_t[]){
                    { DNNL_ARG_SRC, s }, { DNNL_ARG_WEIGHTS, w }, { DNNL_ARG_BIAS, ub }, { DNNL_ARG_DST, dd } });
    q.s[q.n++] = dn_reorder(dd, ud);
    return q;
}

static void bench_conv(ConvKind kind, int c, int o, int ih, int relu, int threads)
{
    dn_init();
    const ConvDef *d = &conv_defs[kind];
    int oh = (ih + 2 * d->pad - d->k) / d->stride + 1;
    size_t so = (size_t)o * oh * oh;
    Conv v = { kind,
               c,
               o,
               ih,
               oh,
               relu,
               frand((size_t)c * ih * ih, 1),
               frand((size_t)o * c * d->k * d->k, 2),
               frand(o, 3),
               frand(so, 4),
               calloc(so, 4),
               0 };
    double fl = 2.0 * o * c * d->k * d->k * oh * oh, t, e;
    char size[64];
    if (kind == CV_PLAIN) snprintf(size, sizeof size, "%dch %dx%d", c, ih, ih);
    else snprintf(size, sizeof size, "%d->%d %d->%d", c, o, ih, oh);
    t = time_median(conv_tdsl, &v), e = conv_check(&v);
    report(d->name, size, threads, "tdsl", t, fl, 0, e);
    v.host = 1;
    t = time_median(conv_tdsl, &v), e = conv_check(&v);
    report(d->name, size, threads, "tdsl-host", t, fl, 0, e);
    Pipe q = conv_dnnl(&v);
    memset(v.out, 0, so * 4);
    t = time_median(pipe_run, &q), e = conv_check(&v);
    report(d->name, size, threads, "oneDNN", t, fl, 0, e);
    pipe_free(&q);
    free(v.in), free(v.k), free(v.b), free(v.r), free(v.out);
}

/* the plain conv3x3 at two sizes, then every layer shape of ResNet-18 */
void bench_convs(int threads)
{
    bench_conv(CV_PLAIN, 64, 64, 56, 0, threads);
    bench_conv(CV_PLAIN, 256, 256, 14, 0, threads);
    bench_conv(CV_7X7S2, 3, 64, 224, 1, threads);
    for (int c = 64, hw = 56; c <= 512; c *= 2, hw /= 2) bench_conv(CV_3X3, c, c, hw, 1, threads);
    bench_conv(CV_RES, 64, 64, 56, 1, threads);
    for (int c = 64, hw = 56; c <= 256; c *= 2, hw /= 2) bench_conv(CV_3X3S2, c, 2 * c, hw, 1, threads);
    for (int c = 64, hw = 56; c <= 256; c *= 2, hw /= 2) bench_conv(CV_1X1S2, c, 2 * c, hw, 0, threads);
}
