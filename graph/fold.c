/* fold.c - work done once at compile time: a node whose inputs are all
 * float constants is evaluated here (its output becomes a constant), and a
 * BatchNormalization after a conv is folded into the conv's weights and
 * bias: W'[o] = W[o] s[o], b'[o] = (b[o] - mean[o]) s[o] + beta[o] with
 * s = scale / sqrt(var + eps). */
#include "graph/graph.h"
#include <math.h>
#include <string.h>

static bool is(const OnnxNode *n, const char *op) { return !strcmp(n->op, op); }

static bool const_f32(const OnnxValue *v) { return v && v->is_const && v->f && v->dtype == OD_FLOAT; }

static double unary(const OnnxNode *n, double x)
{
    if (is(n, "Relu")) return x > 0 ? x : 0;
    if (is(n, "Neg")) return -x;
    if (is(n, "Abs")) return fabs(x);
    if (is(n, "Sqrt")) return sqrt(x);
    if (is(n, "Exp")) return exp(x);
    if (is(n, "Log")) return log(x);
    if (is(n, "Tanh")) return tanh(x);
    if (is(n, "Erf")) return erf(x);
    if (is(n, "Sigmoid")) return 1 / (1 + exp(-x));
    if (is(n, "LeakyRelu")) return x >= 0 ? x : x * n->geo.alpha;
    return fmin(fmax(x, n->geo.lo), n->geo.hi);     /* Clip */
}

static double binary(const OnnxNode *n, double x, double y)
{
    if (is(n, "Add")) return x + y;
    if (is(n, "Sub")) return x - y;
    if (is(n, "Mul")) return x * y;
    if (is(n, "Div")) return x / y;
    if (is(n, "Max")) return fmax(x, y);
    return fmin(x, y);
}

/* the element of v (numpy broadcasting, aligned right) at output index idx */
static float bcast_at(const OnnxValue *v, const int64_t *idx, int rank)
{
    int64_t off = 0;
    for (int k = 0; k < v->shape.rank; k++) {
        int64_t ext = v->shape.d[k].n, i = idx[k + rank - v->shape.rank];
        off = off * ext + (ext == 1 ? 0 : i);
    }
    return v->f[off];
}

static void next_index(int64_t *idx, const OnnxShape *s)
{
    for (int k = s->rank - 1; k >= 0; k--) {
        if (++idx[k] < s->d[k].n) return;
        idx[k] = 0;
    }
}

static bool elementwise(const OnnxNode *n)
{
    static const char *ops[] = { "Relu", "Neg", "Abs",  "Sqrt", "Exp", "Log", "Tanh", "Erf", "Sigmoid", "LeakyRelu",
                                 "Clip", "Add", "Sub", "Mul",  "Div", "Max", "Min", NULL };
    for (const char **o = ops; *o; o++)
        if (is(n, *o)) return true;
    return false;
}

/* out[i] for every output index i; false when the node is not one folded here */
static bool evaluate(const OnnxNode *n, const OnnxShape *s, float *out, int64_t numel)
{
    int64_t idx[ONNX_MAX_RANK] = { 0 };
    if (is(n, "Identity") || is(n, "Flatten") || is(n, "Reshape")) {
        memcpy(out, n->in[0]->f, sizeof(float) * (size_t)numel);
        return true;
    }
    if (is(n, "Transpose")) {
        const OnnxAttr *p = onnx_attr(n, "perm");
        const OnnxValue *x = n->in[0];
        for (int64_t i = 0; i < numel; i++, next_index(idx, s)) {
            int64_t off = 0, src[ONNX_MAX_RANK];
            for (int k = 0; k < s->rank; k++) src[p ? p->is[k] : s->rank - 1 - k] = idx[k];
            for (int k = 0; k < x->shape.rank; k++) off = off * x->shape.d[k].n + src[k];
            out[i] = x->f[off];
        }
        return true;
    }
    if (!elementwise(n)) return false;
    bool one = n->nin == 1 || is(n, "Clip");
    for (int64_t i = 0; i < numel; i++, next_index(idx, s)) {
        double x = bcast_at(n->in[0], idx, s->rank);
        for (int k = 1; k < n->nin && !one; k++) x = binary(n, x, bcast_at(n->in[k], idx, s->rank));
        out[i] = (float)(one ? unary(n, x) : x);
    }
    return true;
}

static bool foldable(const OnnxNode *n)
{
    if (n->nout != 1 || !n->out[0] || n->out[0]->dtype != OD_FLOAT || n->out[0]->is_const) return false;
    if (graph_numel(&n->out[0]->shape) < 0 || n->out[0]->shape.rank < 1) return false;
    int nin = is(n, "Clip") || is(n, "Reshape") ? 1 : n->nin;  /* Clip's bounds, Reshape's shape: already read */
    for (int k = 0; k < nin; k++)
        if (!const_f32(n->in[k])) return false;
    return nin > 0;
}

void graph_fold_constants(OnnxGraph *g, GraphStats *st)
{
    for (int k = 0; k < g->nnodes; k++) {
        OnnxNode *n = &g->nodes[k];
        if (!foldable(n)) continue;
        OnnxValue *o = n->out[0];
        int64_t numel = graph_numel(&o->shape);
        float *data = ARENA_ARRAY(g->arena, float, numel + 1);
        if (!evaluate(n, &o->shape, data, numel)) continue;
        o->is_const = true, o->f = data, o->numel = numel, o->producer = -1;
        n->dead = true;
        st->folded++;
    }
}

/* ---- BatchNormalization into the conv before it ---- */

static bool bn_params_fit(const OnnxNode *bn, int64_t channels)
{
    for (int k = 1; k <= 4; k++)
        if (!const_f32(bn->in[k]) || bn->in[k]->numel != channels) return false;
    return bn->nout == 1 || (bn->nout > 1 && !bn->out[1] && (bn->nout < 3 || !bn->out[2]));
}

static void fold_into(OnnxGraph *g, OnnxNode *conv, OnnxNode *bn)
{
    const OnnxValue *w = conv->in[1], *b = conv->nin > 2 ? conv->in[2] : NULL;
    int64_t oc = w->shape.d[0].n, per = w->numel / oc;
    float *nw = ARENA_ARRAY(g->arena, float, w->numel + 1), *nb = ARENA_ARRAY(g->arena, float, oc + 1);
    const float *scale = bn->in[1]->f, *beta = bn->in[2]->f, *mean = bn->in[3]->f, *var = bn->in[4]->f;
    for (int64_t o = 0; o < oc; o++) {
        double s = scale[o] / sqrt((double)var[o] + bn->geo.eps);
        for (int64_t i = 0; i < per; i++) nw[o * per + i] = (float)(w->f[o * per + i] * s);
        nb[o] = (float)(((b ? b->f[o] : 0.0) - mean[o]) * s + beta[o]);
    }
    OnnxShape bs = { .rank = 1, .d = { { oc, NULL } } };
    OnnxValue **in = ARENA_ARRAY(g->arena, OnnxValue *, 3);
    in[0] = conv->in[0];
    in[1] = graph_new_const(g, arena_printf(g->arena, "%s_bn", w->name), &w->shape, nw);
    in[2] = graph_new_const(g, arena_printf(g->arena, "%s_bn_bias", w->name), &bs, nb);
    conv->in = in, conv->nin = 3;
    conv->out[0] = bn->out[0];
    conv->epi.ops = arena_printf(g->arena, "%s%sBatchNormalization", conv->epi.ops ? conv->epi.ops : "",
                                 conv->epi.ops ? ", " : "");
    /* the conv now computes BN's output; it takes BN's place in the order */
    OnnxNode moved = *conv;
    moved.index = conv->index;
    conv->dead = true;
    *bn = moved;
}

void graph_fold_batchnorm(OnnxGraph *g, GraphStats *st)
{
    for (int k = 0; k < g->nnodes; k++) {
        OnnxNode *c = &g->nodes[k];
        if (c->dead || !is(c, "Conv") || c->nout != 1 || !const_f32(c->in[1])) continue;
        if (c->nin > 2 && c->in[2] && !const_f32(c->in[2])) continue;
        OnnxNode *bn = graph_sole_user(g, c->out[0]);
        if (!bn || !is(bn, "BatchNormalization") || bn->in[0] != c->out[0] || c->in[1]->shape.d[0].sym) continue;
        if (!bn_params_fit(bn, c->in[1]->shape.d[0].n)) continue;
        fold_into(g, c, bn);
        st->bn_folded++;
    }
}
