/* fuse.c - fewer, bigger nodes: GELU's subgraph (x * 0.5 * (1 + erf(x /
 * sqrt 2)), as PyTorch exports it: Div, Erf, Add, Mul, Mul) becomes one
 * Gelu node; a MatMul of a matrix by a constant, + a constant bias, becomes
 * a Gemm (linear's kernels then take it); the elementwise chain after a conv
 * or a Gemm (a residual Add, then Relu or Clip) becomes that node's
 * epilogue, computed in its store. A fused node takes the place of the last
 * node of its chain, where every value it reads (the residual too) has been
 * computed. */
#include "graph/graph.h"
#include <math.h>
#include <string.h>

static bool is(const OnnxNode *n, const char *op) { return n && !strcmp(n->op, op); }

static bool scalar_is(const OnnxValue *v, double want)
{
    return v && v->is_const && v->f && v->numel == 1 && fabs(v->f[0] - want) <= 1e-6 * fabs(want) + 1e-7;
}

/* n is a binary op reading x and a scalar constant c: true */
static bool with_scalar(const OnnxNode *n, const char *op, const OnnxValue *x, double c)
{
    if (!is(n, op) || n->nin != 2) return false;
    return (n->in[0] == x && scalar_is(n->in[1], c)) || (n->in[1] == x && scalar_is(n->in[0], c));
}

/* from d = Div(x, sqrt 2): the Mul by 0.5 that ends the subgraph, or NULL */
static OnnxNode *gelu_end(OnnxGraph *g, OnnxNode *d, OnnxNode **chain)
{
    const OnnxValue *x = d->in[0];
    OnnxNode *erf = graph_sole_user(g, d->out[0]);
    if (!is(erf, "Erf")) return NULL;
    OnnxNode *add = graph_sole_user(g, erf->out[0]);
    if (!with_scalar(add, "Add", erf->out[0], 1.0)) return NULL;
    OnnxNode *mul = graph_sole_user(g, add->out[0]);
    if (!is(mul, "Mul") || mul->nin != 2 || !((mul->in[0] == x) != (mul->in[1] == x))) return NULL;
    OnnxNode *half = graph_sole_user(g, mul->out[0]);
    if (!with_scalar(half, "Mul", mul->out[0], 0.5)) return NULL;
    chain[0] = erf, chain[1] = add, chain[2] = mul;
    return half;
}

void graph_fuse_gelu(OnnxGraph *g, GraphStats *st)
{
    for (int k = 0; k < g->nnodes; k++) {
        OnnxNode *d = &g->nodes[k], *chain[3];
        if (d->dead || !d->in[0] || !with_scalar(d, "Div", d->in[0], sqrt(2.0)) || d->in[0]->is_const) continue;
        OnnxNode *end = gelu_end(g, d, chain);
        if (!end) continue;
        OnnxValue **in = ARENA_ARRAY(g->arena, OnnxValue *, 1);
        in[0] = d->in[0];
        end->op = "Gelu", end->in = in, end->nin = 1, end->nattr = 0;
        end->epi.ops = "Div, Erf, Add, Mul, Mul";
        d->dead = chain[0]->dead = chain[1]->dead = chain[2]->dead = true;
        st->gelu++;
    }
}

/* ---- MatMul + bias as a Gemm ---- */

static bool static_const_f32(const OnnxValue *v, int rank)
{
    if (!v || !v->is_const || !v->f || v->dtype != OD_FLOAT || v->shape.rank != rank) return false;
    for (int k = 0; k < rank; k++)
        if (v->shape.d[k].sym) return false;
    return true;
}

/* the Gemm Y = X WT^T + b (transB) in add's place, WT = W^T made here */
static void as_gemm(OnnxGraph *g, OnnxNode *mm, OnnxNode *add, const OnnxValue *bias)
{
    const OnnxValue *w = mm->in[1];
    int64_t k = w->shape.d[0].n, m = w->shape.d[1].n;
    float *t = ARENA_ARRAY(g->arena, float, k * m + 1);
    for (int64_t i = 0; i < k; i++)
        for (int64_t j = 0; j < m; j++) t[j * k + i] = w->f[i * m + j];
    OnnxShape ts = { .rank = 2, .d = { { m, NULL }, { k, NULL } } };
    OnnxValue **in = ARENA_ARRAY(g->arena, OnnxValue *, 3);
    in[0] = mm->in[0], in[1] = graph_new_const(g, arena_printf(g->arena, "%s_T", w->name), &ts, t);
    in[2] = (OnnxValue *)bias;
    OnnxAttr *tb = ARENA_NEW(g->arena, OnnxAttr);
    *tb = (OnnxAttr){ .name = "transB", .kind = OA_INT, .i = 1 };
    OnnxNode gemm = { .index = mm->index, .name = mm->name, .op = "Gemm", .domain = "", .nin = 3, .in = in,
                      .nout = 1, .out = add->out, .nattr = 1, .attr = tb };
    gemm.geo.alpha = gemm.geo.beta = 1.0f, gemm.geo.tb = true;
    gemm.epi.ops = "MatMul, Add";
    mm->dead = true;
    *add = gemm;
}

void graph_matmul_to_gemm(OnnxGraph *g, GraphStats *st)
{
    for (int k = 0; k < g->nnodes; k++) {
        OnnxNode *mm = &g->nodes[k];
        if (mm->dead || !is(mm, "MatMul") || mm->nin != 2 || mm->nout != 1 || !mm->out[0] || !mm->in[0]) continue;
        if (mm->in[0]->shape.rank != 2 || !static_const_f32(mm->in[1], 2)) continue;
        OnnxNode *add = graph_sole_user(g, mm->out[0]);
        if (!is(add, "Add") || add->nin != 2 || add->nout != 1 || !add->out[0]) continue;
        const OnnxValue *bias = add->in[0] == mm->out[0] ? add->in[1] : add->in[0];
        if (!static_const_f32(bias, 1) || bias->shape.d[0].n != mm->in[1]->shape.d[1].n) continue;
        as_gemm(g, mm, add, bias);
        st->fused++;
    }
}

/* ---- epilogues ---- */

static bool same_shape(const OnnxShape *a, const OnnxShape *b)
{
    if (a->rank != b->rank) return false;
    for (int k = 0; k < a->rank; k++)
        if (!onnx_dim_eq(a->d[k], b->d[k])) return false;
    return true;
}

static void add_op(OnnxGraph *g, OnnxEpilogue *e, const char *op)
{
    e->ops = arena_printf(g->arena, "%s%s%s", e->ops ? e->ops : "", e->ops ? ", " : "", op);
}

/* Can u, the sole reader of cur, join the epilogue e of anchor a? (and does) */
static bool absorb(OnnxGraph *g, const OnnxNode *a, OnnxEpilogue *e, OnnxNode *u, const OnnxValue *cur)
{
    if (is(u, "Relu") || is(u, "Clip")) {
        float lo = is(u, "Relu") ? 0.0f : u->geo.lo, hi = is(u, "Relu") ? __builtin_inff() : u->geo.hi;
        if (!e->clamp) e->lo = lo, e->hi = hi;
        else e->lo = fmaxf(e->lo, lo), e->hi = fminf(e->hi, hi);
        if (e->clamp && e->lo > e->hi) return false;
        e->clamp = true;
        add_op(g, e, u->op);
        return true;
    }
    if (!is(u, "Add") || u->nin != 2 || e->residual || e->clamp) return false;
    OnnxValue *other = u->in[0] == cur ? u->in[1] : u->in[0];
    if (!other || other == cur || other->is_const || !same_shape(&other->shape, &cur->shape)) return false;
    if (!same_shape(&u->out[0]->shape, &cur->shape)) return false;
    OnnxNode fused = *a;    /* only into a kernel that takes a residual (conv3x3_res), not a written-out stage */
    fused.epi = *e, fused.epi.residual = other;
    if (!graph_kernel(&fused)) return false;
    e->residual = other;
    add_op(g, e, "Add");
    return true;
}

static bool anchor(const OnnxNode *n)
{
    return (is(n, "Conv") || is(n, "Gemm")) && n->nout == 1 && n->out[0] && !n->epi.residual && !n->epi.clamp;
}

void graph_fuse_epilogues(OnnxGraph *g, GraphStats *st)
{
    for (int k = 0; k < g->nnodes; k++) {
        OnnxNode *a = &g->nodes[k];
        if (a->dead || !anchor(a)) continue;
        OnnxEpilogue e = a->epi;
        OnnxValue *cur = a->out[0];
        OnnxNode *last = NULL, *u;
        while ((u = graph_sole_user(g, cur)) && u->nout == 1 && u->out[0] && absorb(g, a, &e, u, cur)) {
            if (last) last->dead = true;
            last = u, cur = u->out[0];
            st->fused++;
        }
        if (!last) continue;
        OnnxNode moved = *a;
        moved.epi = e;
        moved.out = last->out;
        a->dead = true;
        *last = moved;
    }
}
