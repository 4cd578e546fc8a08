/* kernels.c - which stdlib nn fn a node becomes (stdlib/nn.tdsl holds their
 * schedules); NULL: the node is written out as TDSL stages. Convolutions
 * and pools take one image (batch 1) as [c, h, w]; a stride-2 kernel takes
 * even extents. */
#include "graph/graph.h"
#include <string.h>

static bool is(const OnnxNode *n, const char *op) { return !strcmp(n->op, op); }

static bool known(OnnxDim d, int64_t v) { return !d.sym && d.n == v; }

static bool even_image(const OnnxValue *x)
{
    return !x->shape.d[2].sym && !x->shape.d[3].sym && x->shape.d[2].n % 2 == 0 && x->shape.d[3].n % 2 == 0;
}

/* a square window k, stride s, pad p on every side, dilation 1 */
static bool window(const OnnxGeom *q, int64_t k, int64_t s, int64_t p)
{
    for (int i = 0; i < 2; i++)
        if (q->k[i] != k || q->s[i] != s || q->d[i] != 1 || q->pb[i] != p || q->pe[i] != p) return false;
    return true;
}

static const char *conv_kernel(const OnnxNode *n)
{
    const OnnxGeom *q = &n->geo;
    const OnnxValue *x = n->in[0];
    if (x->shape.rank != 4 || !known(x->shape.d[0], 1) || q->group != 1 || n->nin < 3 || !n->in[2]) return NULL;
    if (!n->in[1]->is_const || !n->in[2]->is_const) return NULL;
    if (window(q, 3, 1, 1)) return n->epi.residual ? "conv3x3_res" : n->epi.clamp ? "conv3x3_act" : "conv3x3";
    if (n->epi.residual) return NULL;
    if (window(q, 1, 1, 0)) return "conv1x1_act";
    if (!even_image(x)) return NULL;
    if (window(q, 3, 2, 1)) return "conv3x3s2_act";
    if (window(q, 1, 2, 0)) return "conv1x1s2_act";
    if (window(q, 7, 2, 3)) return "conv7x7s2_act";
    return NULL;
}

/* Gemm as X W^T + B: no transA, alpha 1, beta 1, a bias of one value per column */
static const char *gemm_kernel(const OnnxNode *n)
{
    const OnnxGeom *q = &n->geo;
    const OnnxValue *c = n->nin > 2 ? n->in[2] : NULL;
    if (q->ta || q->alpha != 1.0f || n->epi.residual || !n->nout || !n->out[0]) return NULL;
    if (!c && !q->tb && !n->epi.clamp) return "matmul";
    bool bias1 = c && q->beta == 1.0f && c->shape.rank == 1 && onnx_dim_eq(c->shape.d[0], n->out[0]->shape.d[1]);
    if (!q->tb || !bias1) return NULL;
    const OnnxDim rows = n->out[0]->shape.d[0];
    if (!rows.sym && rows.n <= 4) return "linear_gemv_act";    /* a few rows: dot products, no packing */
    if (!n->epi.clamp) return "linear";
    return n->epi.lo == 0.0f && n->epi.hi == __builtin_inff() ? "linear_relu" : "linear_act";
}

const char *graph_packed_kernel(const char *kernel)
{
    static const char *const pairs[][2] = {
        { "conv3x3", "conv3x3_pk_act" },         { "conv3x3_act", "conv3x3_pk_act" },
        { "conv3x3_res", "conv3x3_pk_res" },     { "conv3x3s2_act", "conv3x3s2_pk_act" },
        { "conv1x1s2_act", "conv1x1s2_pk_act" }, { "conv7x7s2_act", "conv7x7s2_pk_act" },
        { "linear", "linear_pk_act" },           { "linear_relu", "linear_pk_act" },
        { "linear_act", "linear_pk_act" },
    };
    for (size_t k = 0; kernel && k < sizeof pairs / sizeof pairs[0]; k++)
        if (!strcmp(pairs[k][0], kernel)) return pairs[k][1];
    return NULL;
}

bool graph_winograd_fits(const OnnxNode *n)
{
    const char *k = is(n, "Conv") ? conv_kernel(n) : NULL;
    if (!k || strncmp(k, "conv3x3", 7) || strstr(k, "s2")) return false;
    const OnnxShape *x = &n->in[0]->shape, *w = &n->in[1]->shape;
    for (int d = 2; d < 4; d++)
        if (x->d[d].sym || x->d[d].n < 8 || x->d[d].n > 28) return false;
    return w->d[1].n >= 64 && w->d[0].n >= 64;
}

const char *graph_kernel(const OnnxNode *n)
{
    const OnnxShape *o = n->nout && n->out[0] ? &n->out[0]->shape : NULL;
    if (n->winograd) return n->epi.residual ? "conv3x3w_pk_res" : "conv3x3w_pk_act";
    if (n->packed) return graph_packed_kernel(is(n, "Conv") ? conv_kernel(n) : gemm_kernel(n));
    if (is(n, "Conv")) return conv_kernel(n);
    if (is(n, "Gemm")) return gemm_kernel(n);
    if (is(n, "MatMul") && n->in[0]->shape.rank == 2 && n->in[1]->shape.rank == 2) return "matmul";
    if (is(n, "MatMul") && n->in[0]->shape.rank == 3 && n->in[1]->shape.rank == 3 &&
        onnx_dim_eq(n->in[0]->shape.d[0], n->in[1]->shape.d[0]))
        return "bmm";
    if ((is(n, "Softmax") || is(n, "LogSoftmax")) && o && o->rank == 2 && n->geo.axis == 1)
        return is(n, "Softmax") ? "softmax" : "log_softmax";
    if (is(n, "Gelu") && o && o->rank == 2) return "gelu";
    bool pool = (is(n, "MaxPool") || is(n, "AveragePool")) && o && o->rank == 4 && known(o->d[0], 1) &&
                !n->geo.ceil && (n->nout == 1 || !n->out[1]);
    if (pool && is(n, "MaxPool") && window(&n->geo, 3, 2, 1)) return "maxpool3x3s2";
    if (pool && window(&n->geo, 2, 2, 0) && even_image(n->in[0]))
        return is(n, "MaxPool") ? "maxpool2x2" : "avgpool2x2";
    bool stats = n->nout > 1 && (n->out[1] || (n->nout > 2 && n->out[2]));   /* Mean / InvStdDev wanted */
    if (is(n, "LayerNormalization") && o && o->rank == 2 && n->geo.axis == 1 && n->geo.eps == 1e-5f && !stats) {
        /* G and B: one value per column, as nn.layernorm takes them (not broadcast from [1]) */
        const OnnxValue *sc = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
        OnnxDim d = n->in[0]->shape.d[1];
        if (sc && b && sc->shape.rank == 1 && b->shape.rank == 1 && onnx_dim_eq(sc->shape.d[0], d) &&
            onnx_dim_eq(b->shape.d[0], d))
            return "layernorm";
    }
    return NULL;
}
