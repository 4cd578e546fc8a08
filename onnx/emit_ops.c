/* emit_ops.c - --emit tdsl, one printer per op: a stdlib nn call where one
 * fits the node exactly (linear, matmul, conv3x3, softmax, ...), else the
 * op written out as TDSL stages. Index vars i0.. range over the output's
 * dims, r0.. are reduction vars; every stage has a declared shape. */
#include "graph/graph.h"
#include "onnx/emit.h"
#include <float.h>
#include <string.h>

#define P(...) fprintf(e->body, __VA_ARGS__)

static bool is(const OnnxNode *n, const char *op) { return !strcmp(n->op, op); }

static bool known(const OnnxDim d, int64_t v) { return !d.sym && d.n == v; }

/* ---- elementwise ---- */

static const char *unary_expr(Emitter *e, OnnxNode *n, const char *x)
{
    const char *fn = is(n, "Relu")   ? NULL
                     : is(n, "Tanh") ? "tanh"
                     : is(n, "Erf")  ? "erf"
                     : is(n, "Exp")  ? "exp"
                     : is(n, "Log")  ? "log"
                     : is(n, "Sqrt") ? "sqrt"
                     : is(n, "Abs")  ? "abs"
                                     : NULL;
    if (fn) return arena_printf(e->a, "%s(%s)", fn, x);
    if (is(n, "Relu")) return arena_printf(e->a, "max(%s, 0.0)", x);
    if (is(n, "Neg")) return arena_printf(e->a, "-%s", x);
    if (is(n, "Sigmoid")) return arena_printf(e->a, "1.0 / (1.0 + exp(-%s))", x);
    if (is(n, "Gelu")) return arena_printf(e->a, "0.5 * %s * (1.0 + erf(%s * 0.70710678118654752))", x, x);
    if (is(n, "LeakyRelu"))
        return arena_printf(e->a, "select(%s >= 0.0, %s, %s * %s)", x, x, em_float(e, n->geo.alpha), x);
    if (is(n, "Clip")) {
        const char *s = x;
        if (!__builtin_isinf(n->geo.lo)) s = arena_printf(e->a, "max(%s, %s)", s, em_float(e, n->geo.lo));
        if (!__builtin_isinf(n->geo.hi)) s = arena_printf(e->a, "min(%s, %s)", s, em_float(e, n->geo.hi));
        return s;
    }
    return NULL;
}

static int emit_elementwise(Emitter *e, OnnxNode *n)
{
    int rank = n->out[0]->shape.rank;
    const char *expr;
    if ((n->nin == 1 && !is(n, "Max") && !is(n, "Min")) || is(n, "Clip")) {
        expr = unary_expr(e, n, em_at(e, n->in[0], rank));
    } else {
        const char *op = is(n, "Add") ? "+" : is(n, "Sub") ? "-" : is(n, "Mul") ? "*" : is(n, "Div") ? "/" : NULL;
        expr = em_at(e, n->in[0], rank);
        for (int k = 1; k < n->nin; k++) {
            const char *b = em_at(e, n->in[k], rank);
            if (op) expr = arena_printf(e->a, "%s %s %s", expr, op, b);
            else expr = arena_printf(e->a, "%s(%s, %s)", is(n, "Max") ? "max" : "min", expr, b);
        }
    }
    if (rank == 0) return em_fail(e, n, "rank-0 (scalar) tensors are not supported");
    const char *out = em_out(e, n, 0);
    P("    %s[%s] = %s\n", out, em_vars(e, "i", rank), expr);
    return 0;
}

/* ---- epilogues (graph/fuse.c), kernels (graph/kernels.c) ---- */

/* expr, then what graph passes fused into n's store: + the residual read
 * at the output's index, max(lo), min(hi) */
static const char *epilogue(Emitter *e, const OnnxNode *n, const char *expr)
{
    const OnnxEpilogue *q = &n->epi;
    int rank = n->out[0]->shape.rank;
    if (q->residual) expr = arena_printf(e->a, "%s + %s", expr, em_at(e, q->residual, rank));
    if (q->clamp && q->lo > -FLT_MAX) expr = arena_printf(e->a, "max(%s, %s)", expr, em_float(e, q->lo));
    if (q->clamp && q->hi < FLT_MAX) expr = arena_printf(e->a, "min(%s, %s)", expr, em_float(e, q->hi));
    return expr;
}

/* ", lo, hi": a kernel's clamp arguments (the largest floats where open) */
static const char *clamp_args(Emitter *e, const OnnxNode *n)
{
    float lo = n->epi.clamp && n->epi.lo > -FLT_MAX ? n->epi.lo : -FLT_MAX;
    float hi = n->epi.clamp && n->epi.hi < FLT_MAX ? n->epi.hi : FLT_MAX;
    return arena_printf(e->a, ", %s, %s", em_float(e, lo), em_float(e, hi));
}

/* ---- Gemm, MatMul ---- */

/* Y[i0, i1] = alpha * sum + beta * C, the Gemm's epilogue around its sum */
static int emit_gemm_store(Emitter *e, OnnxNode *n, OnnxValue *c, const char *expr)
{
    OnnxGeom *q = &n->geo;
    if (q->alpha != 1.0f) expr = arena_printf(e->a, "%s * %s", em_float(e, q->alpha), expr);
    if (c && q->beta != 0.0f) {
        const char *ec = em_at(e, c, 2);
        expr = arena_printf(e->a, "%s + %s", expr,
                            q->beta == 1.0f ? ec : arena_printf(e->a, "%s * %s", em_float(e, q->beta), ec));
    }
    P("    %s[i0, i1] = %s\n", em_out(e, n, 0), epilogue(e, n, expr));
    return 0;
}

/* Y[i0, i1] = sum(X[i0, r0, r1, ..] * W[i1, r0 * s0 + r1 * s1 + ..]) + C:
 * a Gemm (no transA) over a flattened X reads X itself, since the flattened
 * index j -> (j / s0, j / s1 % ..) is not affine but its inverse is */
static int emit_gemm_view(Emitter *e, OnnxNode *n, const OnnxValue *x)
{
    OnnxGeom *q = &n->geo;
    OnnxValue *b = n->in[1], *c = n->nin > 2 ? n->in[2] : NULL;
    char *xa = "i0", *flat = "", *over = "";
    int64_t stride = 1;
    for (int k = x->shape.rank - 1; k >= 1; k--) {
        if (x->shape.d[k].sym) return em_fail(e, n, "a flattened symbolic dim is not supported");
        const char *r = arena_printf(e->a, "r%d", k - 1);
        flat = arena_printf(e->a, "%s%s%s", stride == 1 ? r : arena_printf(e->a, "%s * %lld", r, (long long)stride),
                            flat[0] ? " + " : "", flat);
        stride *= x->shape.d[k].n;
    }
    for (int k = 1; k < x->shape.rank; k++) {
        xa = arena_printf(e->a, "%s, r%d", xa, k - 1);
        over = arena_printf(e->a, "%s%sr%d in 0..%lld", over, k > 1 ? ", " : "", k - 1, (long long)x->shape.d[k].n);
    }
    const char *eb = arena_printf(e->a, "%s[%s]", em_name(e, b),
                                  q->tb ? arena_printf(e->a, "i1, %s", flat) : arena_printf(e->a, "%s, i1", flat));
    const char *expr = arena_printf(e->a, "sum(%s[%s] * %s over %s)", em_name(e, x), xa, eb, over);
    return emit_gemm_store(e, n, c, expr);
}

static const char *gemm_a(Emitter *e, const OnnxValue *a, const char *row, const char *red)
{
    return arena_printf(e->a, "%s[%s, %s]", em_name(e, a), row, red);
}

static int emit_gemm(Emitter *e, OnnxNode *n)
{
    OnnxGeom *q = &n->geo;
    OnnxValue *a = n->in[0], *b = n->in[1], *c = n->nin > 2 ? n->in[2] : NULL;
    if (e->view[a->id]) {
        if (q->ta) return em_fail(e, n, "transA over a flattened input is not supported");
        return emit_gemm_view(e, n, e->view[a->id]);
    }
    const char *kn = graph_kernel(n);
    if (kn && !strcmp(kn, "matmul")) {
        P("    %s = matmul(%s, %s)\n", em_out(e, n, 0), em_name(e, a), em_name(e, b));
        return 0;
    }
    if (kn) {
        P("    %s = %s(%s, %s, %s%s)\n", em_out(e, n, 0), kn, em_name(e, a), em_name(e, b), em_name(e, c),
          strstr(kn, "_act") ? clamp_args(e, n) : "");
        return 0;
    }
    const char *ea = q->ta ? gemm_a(e, a, "r0", "i0") : gemm_a(e, a, "i0", "r0");
    const char *eb = arena_printf(e->a, "%s[%s]", em_name(e, b), q->tb ? "i1, r0" : "r0, i1");
    const char *k = em_dims(e, &(OnnxShape){ .rank = 1, .d = { a->shape.d[!q->ta] } });
    const char *expr = arena_printf(e->a, "sum(%s * %s over r0 in 0..%s)", ea, eb, k);
    return emit_gemm_store(e, n, c, expr);
}

/* A[..., i, r] @ B[..., r, j], numpy-broadcast batch dims; 1-D operands as in numpy */
static int emit_matmul(Emitter *e, OnnxNode *n)
{
    OnnxValue *a = n->in[0], *b = n->in[1];
    int ra = a->shape.rank, rb = b->shape.rank, ro = n->out[0]->shape.rank;
    if (ro == 0) return em_fail(e, n, "a rank-0 result is not supported");
    int nbatch = ro - (ra > 1) - (rb > 1);   /* output dims before the row / column dims */
    char *ia = "", *ib = "";
    for (int k = 0; k < ra - 2; k++) {
        int o = nbatch - (ra - 2) + k;
        ia = arena_printf(e->a, "%s%s, ", ia, known(a->shape.d[k], 1) ? "0" : arena_printf(e->a, "i%d", o));
    }
    for (int k = 0; k < rb - 2; k++) {
        int o = nbatch - (rb - 2) + k;
        ib = arena_printf(e->a, "%s%s, ", ib, known(b->shape.d[k], 1) ? "0" : arena_printf(e->a, "i%d", o));
    }
    ia = ra > 1 ? arena_printf(e->a, "%si%d, r0", ia, nbatch) : "r0";
    ib = rb > 1 ? arena_printf(e->a, "%sr0, i%d", ib, ro - 1) : "r0";
    const char *k = em_dims(e, &(OnnxShape){ .rank = 1, .d = { a->shape.d[ra - 1] } });
    P("    %s[%s] = sum(%s[%s] * %s[%s] over r0 in 0..%s)\n", em_out(e, n, 0), em_vars(e, "i", ro), em_name(e, a), ia,
      em_name(e, b), ib, k);
    return 0;
}

/* ---- windows ---- */

/* the input as the window reads it: padded (select, `fill` outside) when
 * the windows reach past it; returns the name to read, "" on failure */
static const char *padded(Emitter *e, OnnxNode *n, const char *fill, int64_t *rows, int64_t *cols)
{
    OnnxValue *x = n->in[0];
    OnnxGeom *q = &n->geo;
    const OnnxShape *o = &n->out[0]->shape;
    int64_t ext[2];
    bool pad = false;
    for (int k = 0; k < 2; k++) {
        ext[k] = (o->d[2 + k].n - 1) * q->s[k] + (q->k[k] - 1) * q->d[k] + 1;
        pad |= q->pb[k] > 0 || ext[k] > x->shape.d[2 + k].n;
    }
    *rows = ext[0], *cols = ext[1];
    const char *xn = em_name(e, x);     /* first: a copy it needs goes before the pad stage */
    if (!pad) return xn;
    OnnxShape ps = x->shape;
    ps.d[2].n = ext[0], ps.d[3].n = ext[1];
    const char *p = em_stage(e, arena_printf(e->a, "T%d_pad", e->ntemp + 1), &ps);
    int64_t h = x->shape.d[2].n, w = x->shape.d[3].n;
    const char *cond = "", *at[2];
    for (int k = 0; k < 2; k++) {
        const char *i = k ? "i3" : "i2";
        int64_t lo = q->pb[k], hi = q->pb[k] + (k ? w : h);
        if (lo) cond = arena_printf(e->a, "%s%s%s >= %lld", cond, cond[0] ? " && " : "", i, (long long)lo);
        cond = arena_printf(e->a, "%s%s%s < %lld", cond, cond[0] ? " && " : "", i, (long long)hi);
        at[k] = lo ? arena_printf(e->a, "%s - %lld", i, (long long)lo) : i;
    }
    P("    %s[i0, i1, i2, i3] = select(%s, %s[i0, i1, %s, %s], %s)\n", p, cond, xn, at[0], at[1], fill);
    return p;
}

/* "s * i2 + d * r1": the input row (or column) a window position reads */
static const char *win(Emitter *e, int64_t s, const char *i, int64_t d, const char *r)
{
    const char *a = s == 1 ? i : arena_printf(e->a, "%lld * %s", (long long)s, i);
    const char *b = d == 1 ? r : arena_printf(e->a, "%lld * %s", (long long)d, r);
    return arena_printf(e->a, "%s + %s", a, b);
}

/* a graph output a kernel wrote in its 3-D form: copied into the output */
static void finish_image(Emitter *e, OnnxNode *n)
{
    OnnxValue *v = n->out[0];
    if (v->is_output) P("    %s[i0, i1, i2, i3] = %s[i1, i2, i3]\n", e->names[v->id], e->alt[v->id]);
}

/* the weights as a 1x1 kernel takes them: [o, c] (the same data) */
static const char *weights_oc(Emitter *e, const OnnxValue *w)
{
    OnnxShape s = { .rank = 2, .d = { w->shape.d[0], w->shape.d[1] } };
    return em_const_as(e, w, &s);
}

/* a stdlib conv: O = kernel(I, K, B[, R][, lo, hi]) on [c, h, w] images */
static int emit_conv_kernel(Emitter *e, OnnxNode *n, const char *kn)
{
    bool one = strstr(kn, "conv1x1") && !n->packed, act = strstr(kn, "_act") || strstr(kn, "_res");
    const char *in = em_image(e, n->in[0]), *w = one ? weights_oc(e, n->in[1]) : em_name(e, n->in[1]);
    const char *res = n->epi.residual ? arena_printf(e->a, ", %s", em_image(e, n->epi.residual)) : "";
    const char *out = em_out_image(e, n, 0);
    P("    %s = %s(%s, %s, %s%s%s)\n", out, kn, in, w, em_name(e, n->in[2]), res, act ? clamp_args(e, n) : "");
    finish_image(e, n);
    return 0;
}

static int emit_conv(Emitter *e, OnnxNode *n)
{
    OnnxGeom *q = &n->geo;
    OnnxValue *x = n->in[0], *w = n->in[1];
    int64_t c = x->shape.d[1].n, rows, cols;
    bool depthwise = q->group > 1 && q->group == c && w->shape.d[0].n == c;
    if (q->group > 1 && !depthwise)
        return em_fail(e, n, "group %lld (neither 1 nor depthwise) is not supported yet", (long long)q->group);
    const char *kn = graph_kernel(n);
    if (kn) return emit_conv_kernel(e, n, kn);
    const char *p = padded(e, n, "0.0", &rows, &cols);
    const char *ci = depthwise ? "i1" : "r0";
    const char *expr =
        arena_printf(e->a, "%s[i0, %s, %s, %s] * %s[i1, %s, r1, r2]", p, ci, win(e, q->s[0], "i2", q->d[0], "r1"),
                     win(e, q->s[1], "i3", q->d[1], "r2"), em_name(e, w), depthwise ? "0" : "r0");
    const char *over = arena_printf(e->a, "r1 in 0..%lld, r2 in 0..%lld", (long long)q->k[0], (long long)q->k[1]);
    if (!depthwise) over = arena_printf(e->a, "r0 in 0..%lld, %s", (long long)c, over);
    expr = arena_printf(e->a, "sum(%s over %s)", expr, over);
    if (n->nin > 2 && n->in[2]) expr = arena_printf(e->a, "%s + %s[i1]", expr, em_name(e, n->in[2]));
    P("    %s[i0, i1, i2, i3] = %s\n", em_out(e, n, 0), epilogue(e, n, expr));
    return 0;
}

static int emit_pool(Emitter *e, OnnxNode *n)
{
    OnnxGeom *q = &n->geo;
    bool mx = is(n, "MaxPool");
    if (graph_kernel(n)) {
        const char *in = em_image(e, n->in[0]);
        P("    %s = %s(%s)\n", em_out_image(e, n, 0), graph_kernel(n), in);
        finish_image(e, n);
        return 0;
    }
    int64_t rows, cols, h = n->in[0]->shape.d[2].n, w = n->in[0]->shape.d[3].n;
    const char *p = padded(e, n, mx ? "-1.0 / 0.0" : "0.0", &rows, &cols);
    const char *at = arena_printf(e->a, "%s[i0, i1, %s, %s]", p, win(e, q->s[0], "i2", q->d[0], "r0"),
                                  win(e, q->s[1], "i3", q->d[1], "r1"));
    const char *over = arena_printf(e->a, "r0 in 0..%lld, r1 in 0..%lld", (long long)q->k[0], (long long)q->k[1]);
    if (mx) {
        P("    %s[i0, i1, i2, i3] = max(%s over %s)\n", em_out(e, n, 0), at, over);
        return 0;
    }
    /* the divisor: the window's positions inside the input (count_include_pad
     * 0) or inside the input and its pads (1), never the ceil_mode overhang */
    bool full = rows <= h + q->pb[0] + q->pe[0] && cols <= w + q->pb[1] + q->pe[1];
    const char *div;
    if ((q->count_pad && full) || p == em_name(e, n->in[0])) {
        div = em_float(e, (double)(q->k[0] * q->k[1]));
    } else {
        int64_t lo0 = q->count_pad ? 0 : q->pb[0], lo1 = q->count_pad ? 0 : q->pb[1];
        int64_t hi0 = q->count_pad ? h + q->pb[0] + q->pe[0] : q->pb[0] + h;
        int64_t hi1 = q->count_pad ? w + q->pb[1] + q->pe[1] : q->pb[1] + w;
        OnnxShape cs = { .rank = 2, .d = { n->out[0]->shape.d[2], n->out[0]->shape.d[3] } };
        const char *cnt = em_stage(e, arena_printf(e->a, "T%d_count", e->ntemp + 1), &cs);
        const char *y = win(e, q->s[0], "i0", 1, "r0"), *x = win(e, q->s[1], "i1", 1, "r1");
        P("    %s[i0, i1] = sum(select(%s >= %lld && %s < %lld && %s >= %lld && %s < %lld, 1.0, 0.0) over %s)\n", cnt,
          y, (long long)lo0, y, (long long)hi0, x, (long long)lo1, x, (long long)hi1, over);
        div = arena_printf(e->a, "%s[i2, i3]", cnt);
    }
    P("    %s[i0, i1, i2, i3] = sum(%s over %s) / %s\n", em_out(e, n, 0), at, over, div);
    return 0;
}

/* ---- reductions and normalizations ---- */

/* X read by a stage over the dims of X not in mask (i0.. in order, or over
 * all dims when keep: the reduced ones then stay as unused index vars) and
 * the reduction vars r0.. over the dims in mask; *over gets their ranges and
 * *count the number of elements reduced */
static const char *reduce_at(Emitter *e, const OnnxValue *x, uint32_t mask, bool keep, const char **over, double *count)
{
    char *at = "", *ov = "";
    int o = 0, r = 0;
    *count = 1;
    for (int k = 0; k < x->shape.rank; k++) {
        const char *v;
        if (mask & (1u << k)) {
            v = arena_printf(e->a, "r%d", r);
            ov = arena_printf(e->a, "%s%sr%d in 0..%s", ov, r ? ", " : "", r,
                              em_dims(e, &(OnnxShape){ 1, { x->shape.d[k] } }));
            *count *= x->shape.d[k].sym ? 0 : (double)x->shape.d[k].n;
            r++;
            if (keep) o++;
        } else {
            v = arena_printf(e->a, "i%d", o++);
        }
        at = arena_printf(e->a, "%s%s%s", at, k ? ", " : "", v);
    }
    *over = ov;
    return arena_printf(e->a, "%s[%s]", em_name(e, x), at);
}

/* the shape of x without the dims in mask */
static OnnxShape drop_dims(const OnnxShape *x, uint32_t mask)
{
    OnnxShape s = { 0 };
    for (int k = 0; k < x->rank; k++)
        if (!(mask & (1u << k))) s.d[s.rank++] = x->d[k];
    return s;
}

/* x's index vars where the stage runs over all of x's dims but reads a
 * stage over the dims not in mask ("i0, i2") */
static const char *kept_vars(Emitter *e, int rank, uint32_t mask)
{
    char *s = "";
    for (int k = 0; k < rank; k++)
        if (!(mask & (1u << k))) s = arena_printf(e->a, "%s%si%d", s, s[0] ? ", " : "", k);
    return s;
}

static int emit_reduce(Emitter *e, OnnxNode *n)
{
    const OnnxValue *x = n->in[0];
    bool keep = is(n, "GlobalAveragePool") || is(n, "GlobalMaxPool") || n->geo.count_pad;
    const char *over;
    double count;
    if (n->out[0]->shape.rank == 0) return em_fail(e, n, "a rank-0 (scalar) result is not supported");
    const char *at = reduce_at(e, x, n->geo.mask, keep, &over, &count);
    const char *red = is(n, "GlobalMaxPool") ? "max" : "sum";
    if (is(n, "ReduceSumSquare")) at = arena_printf(e->a, "%s * %s", at, at);
    const char *expr = arena_printf(e->a, "%s(%s over %s)", red, at, over);
    if (is(n, "GlobalAveragePool") || is(n, "ReduceMean")) {
        if (count == 0) return em_fail(e, n, "a mean over a symbolic dim is not supported yet");
        expr = arena_printf(e->a, "%s / %s", expr, em_float(e, count));
    }
    P("    %s[%s] = %s\n", em_out(e, n, 0), em_vars(e, "i", n->out[0]->shape.rank), expr);
    return 0;
}

static int emit_softmax(Emitter *e, OnnxNode *n)
{
    const OnnxValue *x = n->in[0];
    int rank = x->shape.rank, ax = n->geo.axis;
    bool lg = is(n, "LogSoftmax");
    uint32_t mask = 1u << ax;
    OnnxShape rs = drop_dims(&x->shape, mask);
    if (rs.rank == 0) rs.rank = 1, rs.d[0].n = 1;
    const char *over, *all = em_vars(e, "i", rank), *kv = kept_vars(e, rank, mask);
    double cnt;
    const char *at = reduce_at(e, x, mask, false, &over, &cnt);
    const char *xa = arena_printf(e->a, "%s[%s]", em_name(e, x), all);
    if (!kv[0]) kv = "0";
    const char *mx = em_stage(e, arena_printf(e->a, "T%d_max", e->ntemp + 1), &rs);
    const char *lhs = rank > 1 ? em_vars(e, "i", rank - 1) : "i0";
    P("    %s[%s] = max(%s over %s)\n", mx, lhs, at, over);
    const char *sm = em_stage(e, arena_printf(e->a, "T%d_sum", e->ntemp + 1), &rs);
    const char *at_m = arena_printf(e->a, "%s[%s]", mx, kv);
    /* the sum reads X again (exp recomputed) so that it needs no stage over all of X */
    P("    %s[%s] = sum(exp(%s - %s[%s]) over %s)\n", sm, lhs, at, mx, lhs, over);
    const char *at_s = arena_printf(e->a, "%s[%s]", sm, kv);
    if (lg) P("    %s[%s] = %s - %s - log(%s)\n", em_out(e, n, 0), all, xa, at_m, at_s);
    else P("    %s[%s] = exp(%s - %s) / %s\n", em_out(e, n, 0), all, xa, at_m, at_s);
    return 0;
}

/* v[i1] (one value per channel), or the literal when v is a scalar constant */
static const char *chan(Emitter *e, const OnnxValue *v)
{
    if (v->is_const && v->f && v->numel == 1) return em_float(e, v->f[0]);
    return arena_printf(e->a, "%s[i1]", em_name(e, v));
}

static int emit_batchnorm(Emitter *e, OnnxNode *n)
{
    int rank = n->out[0]->shape.rank;
    const char *all = em_vars(e, "i", rank);
    P("    %s[%s] = (%s[%s] - %s) * (%s / sqrt(%s + %s)) + %s\n", em_out(e, n, 0), all, em_name(e, n->in[0]), all,
      chan(e, n->in[3]), chan(e, n->in[1]), chan(e, n->in[4]), em_float(e, n->geo.eps), chan(e, n->in[2]));
    return 0;
}

static int emit_layernorm(Emitter *e, OnnxNode *n)
{
    const OnnxValue *x = n->in[0], *sc = n->in[1], *b = n->nin > 2 ? n->in[2] : NULL;
    int rank = x->shape.rank, ax = n->geo.axis;
    OnnxShape rs = drop_dims(&x->shape, n->geo.mask);
    if (rs.rank == 0) rs.rank = 1, rs.d[0].n = 1;
    const char *over, *all = em_vars(e, "i", rank);
    const char *lhs = ax ? em_vars(e, "i", ax) : "i0", *kv = ax ? lhs : "0";
    double cnt;
    const char *at = reduce_at(e, x, n->geo.mask, false, &over, &cnt);
    if (cnt == 0) return em_fail(e, n, "normalizing over a symbolic dim is not supported yet");
    const char *mu = em_stage(e, arena_printf(e->a, "T%d_mean", e->ntemp + 1), &rs);
    P("    %s[%s] = sum(%s over %s) / %s\n", mu, lhs, at, over, em_float(e, cnt));
    const char *r = em_stage(e, arena_printf(e->a, "T%d_rstd", e->ntemp + 1), &rs);
    P("    %s[%s] = 1.0 / sqrt(sum((%s - %s[%s]) * (%s - %s[%s]) over %s) / %s + %s)\n", r, lhs, at, mu, lhs, at, mu,
      lhs, over, em_float(e, cnt), em_float(e, n->geo.eps));
    const char *expr =
        arena_printf(e->a, "(%s[%s] - %s[%s]) * %s[%s] * %s", em_name(e, x), all, mu, kv, r, kv, em_at(e, sc, rank));
    if (b) expr = arena_printf(e->a, "%s + %s", expr, em_at(e, b, rank));
    P("    %s[%s] = %s\n", em_out(e, n, 0), all, expr);
    const char *stat[2] = { mu, r };   /* outputs 1, 2: Mean and InvStdDev, the normalized dims of extent 1 */
    for (int k = 1; k < 3 && k < n->nout; k++)
        if (n->out[k]) P("    %s[%s] = %s[%s]\n", em_out(e, n, k), all, stat[k - 1], kv);
    return 0;
}

/* ---- layout ---- */

/* a reshape that only adds or drops dims of extent 1: an affine copy */
static bool squeeze_map(const OnnxShape *x, const OnnxShape *y, int *from)
{
    int k = 0;
    for (int j = 0; j < y->rank; j++) {
        from[j] = -1;
        if (known(y->d[j], 1)) continue;
        while (k < x->rank && known(x->d[k], 1)) k++;
        if (k >= x->rank || !onnx_dim_eq(x->d[k], y->d[j])) return false;
        from[j] = k++;
    }
    while (k < x->rank && known(x->d[k], 1)) k++;
    return k == x->rank;
}

/* Flatten to [rows, rest] of X[rows, ...] read only by Gemms without transA
 * that are written out (no kernel: a kernel takes the flattened matrix) */
static bool gemm_view(Emitter *e, OnnxNode *n)
{
    const OnnxShape *x = &n->in[0]->shape, *y = &n->out[0]->shape;
    if (y->rank != 2 || x->rank < 2 || !onnx_dim_eq(x->d[0], y->d[0]) || n->out[0]->is_output) return false;
    for (int k = 0; k < e->g->nnodes; k++) {
        OnnxNode *c = &e->g->nodes[k];
        for (int j = 0; j < c->nin; j++)
            if (c->in[j] == n->out[0] && (j != 0 || !is(c, "Gemm") || c->geo.ta || graph_kernel(c))) return false;
    }
    return true;
}

/* the general reshape: the dims both shapes begin with (a batch, symbolic or
 * not) read as they are; over the rest, static, the output's row-major
 * position L = sum(ik * stride_k) read from X at (L / sx_j) % ext_j (the
 * first of those dims without the %) */
static int emit_reshape_divmod(Emitter *e, OnnxNode *n)
{
    const OnnxValue *x = n->in[0];
    const OnnxShape *y = &n->out[0]->shape, *xs = &x->shape;
    int p = 0;
    while (p + 1 < xs->rank && p + 1 < y->rank && onnx_dim_eq(xs->d[p], y->d[p])) p++;
    OnnxShape tx = { .rank = xs->rank - p }, ty = { .rank = y->rank - p };
    memcpy(tx.d, xs->d + p, sizeof(OnnxDim) * (size_t)tx.rank),
        memcpy(ty.d, y->d + p, sizeof(OnnxDim) * (size_t)ty.rank);
    char b1[256], b2[256];
    if (graph_numel(&tx) < 0 || graph_numel(&ty) < 0 || y->rank == 0 || xs->rank == 0)
        return em_fail(e, n,
                       "reshaping %s to %s: only static shapes (of rank >= 1, past a common leading part) "
                       "are supported",
                       onnx_shape_str(xs, b1, 256), onnx_shape_str(y, b2, 256));
    if (graph_numel(&tx) == 0)      /* the divisors below are products of X's dims: one would be 0 */
        return em_fail(e, n, "reshaping %s to %s: a tensor with no elements is not supported",
                       onnx_shape_str(xs, b1, 256), onnx_shape_str(y, b2, 256));
    char *flat = "";
    int64_t stride = 1;
    for (int k = y->rank - 1; k >= p; stride *= y->d[k].n, k--)
        flat = arena_printf(e->a, "%s%s%s",
                            stride == 1 ? arena_printf(e->a, "i%d", k)
                                        : arena_printf(e->a, "i%d * %lld", k, (long long)stride),
                            flat[0] ? " + " : "", flat);
    char *at = "";
    stride = 1;
    for (int k = xs->rank - 1; k >= p; stride *= xs->d[k].n, k--) {
        const char *q = stride == 1 ? flat : arena_printf(e->a, "(%s) / %lld", flat, (long long)stride);
        if (k > p) q = arena_printf(e->a, "(%s) %% %lld", q, (long long)xs->d[k].n);
        at = arena_printf(e->a, "%s%s%s", q, at[0] ? ", " : "", at);
    }
    for (int k = p - 1; k >= 0; k--) at = arena_printf(e->a, "i%d, %s", k, at);
    P("    %s[%s] = %s[%s]\n", em_out(e, n, 0), em_vars(e, "i", y->rank), em_name(e, x), at);
    return 0;
}

static int emit_reshape(Emitter *e, OnnxNode *n)
{
    const OnnxValue *x = n->in[0];
    const OnnxShape *y = &n->out[0]->shape;
    int from[ONNX_MAX_RANK], inv[ONNX_MAX_RANK];
    if (squeeze_map(&x->shape, y, from)) {
        for (int k = 0; k < x->shape.rank; k++) inv[k] = -1;
        for (int j = 0; j < y->rank; j++)
            if (from[j] >= 0) inv[from[j]] = j;
        char *at = "";
        for (int k = 0; k < x->shape.rank; k++)
            at = arena_printf(e->a, "%s%s%s", at, k ? ", " : "", inv[k] < 0 ? "0" : arena_printf(e->a, "i%d", inv[k]));
        if (y->rank == 0) return em_fail(e, n, "a rank-0 (scalar) result is not supported");
        P("    %s[%s] = %s[%s]\n", em_out(e, n, 0), em_vars(e, "i", y->rank), em_name(e, x), at);
        return 0;
    }
    if (gemm_view(e, n)) {
        e->view[n->out[0]->id] = x;
        return 0;
    }
    return emit_reshape_divmod(e, n);
}

static int emit_transpose(Emitter *e, OnnxNode *n)
{
    const OnnxAttr *p = onnx_attr(n, "perm");
    int rank = n->out[0]->shape.rank;
    const char *at[ONNX_MAX_RANK];
    for (int k = 0; k < rank; k++) at[p ? p->is[k] : rank - 1 - k] = arena_printf(e->a, "i%d", k);
    char *s = "";
    for (int k = 0; k < rank; k++) s = arena_printf(e->a, "%s%s%s", s, k ? ", " : "", at[k]);
    P("    %s[%s] = %s[%s]\n", em_out(e, n, 0), em_vars(e, "i", rank), em_name(e, n->in[0]), s);
    return 0;
}

/* nested selects along the axis: input k where off_k <= i < off_k + extent_k */
static int emit_concat(Emitter *e, OnnxNode *n)
{
    int rank = n->out[0]->shape.rank, ax = n->geo.axis;
    int64_t off = 0;
    const char *expr = NULL;
    for (int k = n->nin - 1; k >= 0; k--) off += n->in[k]->shape.d[ax].n;
    for (int k = n->nin - 1; k >= 0; k--) {
        off -= n->in[k]->shape.d[ax].n;
        char *at = "";
        for (int j = 0; j < rank; j++)
            at = arena_printf(e->a, "%s%si%d%s", at, j ? ", " : "", j,
                              j == ax && off ? arena_printf(e->a, " - %lld", (long long)off) : "");
        const char *v = arena_printf(e->a, "%s[%s]", em_name(e, n->in[k]), at);
        expr = !expr ? v
                     : arena_printf(e->a, "select(i%d < %lld, %s, %s)", ax, (long long)(off + n->in[k]->shape.d[ax].n),
                                    v, expr);
    }
    P("    %s[%s] = %s\n", em_out(e, n, 0), em_vars(e, "i", rank), expr);
    return 0;
}

/* Identity and Constant only name a value; a graph output gets a copy */
static int emit_alias(Emitter *e, OnnxNode *n)
{
    OnnxValue *o = n->out[0];
    if (!o) return 0;
    if (is(n, "Constant") || o->is_const) {
        if (!o->is_output) return 0;      /* declared as a const where read */
        return 0;                         /* emit_body copies constant outputs */
    }
    if (!o->is_output) {
        e->names[o->id] = em_name(e, n->in[0]);
        if (e->view[n->in[0]->id]) e->view[o->id] = e->view[n->in[0]->id];
        return 0;
    }
    const char *all = em_vars(e, "i", o->shape.rank);
    P("    %s[%s] = %s[%s]\n", em_out(e, n, 0), all, em_name(e, n->in[0]), all);
    return 0;
}

/* OUT = kernel(the node's inputs, in order): a stdlib fn with the node's own
 * signature (matmul, bmm, softmax, log_softmax, gelu, layernorm) */
static int emit_call(Emitter *e, OnnxNode *n, const char *kn)
{
    const char *args = "";
    for (int k = 0; k < n->nin; k++)
        if (n->in[k]) args = arena_printf(e->a, "%s%s%s", args, args[0] ? ", " : "", em_name(e, n->in[k]));
    P("    %s = %s(%s)\n", em_out(e, n, 0), kn, args);
    return 0;
}

/* one dim of x as text ("5", "N") */
static const char *dim_text(Emitter *e, const OnnxValue *x, int k)
{
    return em_dims(e, &(OnnxShape){ 1, { x->shape.d[k] } });
}

/* X[i0, .., at, ..] with the axis read at `at` and the other dims at the output's index vars from `first` on */
static const char *read_with(Emitter *e, const OnnxValue *x, int ax, const char *at, int skip)
{
    char *out = arena_printf(e->a, "%s[", em_name(e, x));
    for (int k = 0; k < x->shape.rank; k++) {
        const char *v = k == ax ? at : arena_printf(e->a, "i%d", k < ax ? k : k + skip);
        out = arena_printf(e->a, "%s%s%s", out, k ? ", " : "", v);
    }
    return arena_printf(e->a, "%s]", out);
}

/* Gather: Y[..] = X[.., I[..], ..]. A negative index counts from the end
 * (ONNX); one still outside is clamped to the nearest row (ONNX leaves it
 * undefined; TDSL never reads outside X). */
static int emit_gather(Emitter *e, OnnxNode *n)
{
    const OnnxValue *x = n->in[0], *q = n->in[1];
    int ax = n->geo.axis, qr = q->shape.rank, orank = n->out[0]->shape.rank;
    const char *d = dim_text(e, x, ax), *idx = "";
    if (orank == 0) return em_fail(e, n, "a rank-0 (scalar) result is not supported");
    if (q->is_const && q->i && q->numel == 1) {     /* a constant index: settled here */
        int64_t v = q->i[0] < 0 && !x->shape.d[ax].sym ? q->i[0] + x->shape.d[ax].n : q->i[0];
        idx = arena_printf(e->a, "%lld", (long long)v);
        if (qr == 0 && v >= 0 && !x->shape.d[ax].sym && v < x->shape.d[ax].n) {
            P("    %s[%s] = %s\n", em_out(e, n, 0), em_vars(e, "i", orank), read_with(e, x, ax, idx, -1));
            return 0;
        }
    }
    if (qr == 0 && !(q->is_const && q->i)) return em_fail(e, n, "rank-0 (scalar) indices are not supported");
    if (qr == 0) idx = arena_printf(e->a, "i64(%s)", idx);
    else {
        idx = arena_printf(e->a, "%s[", em_name(e, q));
        for (int k = 0; k < qr; k++) idx = arena_printf(e->a, "%s%si%d", idx, k ? ", " : "", ax + k);
        idx = arena_printf(e->a, "i64(%s])", idx);
    }
    const char *wrap = read_with(e, x, ax, arena_printf(e->a, "clamp(%s + %s, 0, %s - 1)", idx, d, d), qr - 1);
    const char *plain = read_with(e, x, ax, arena_printf(e->a, "clamp(%s, 0, %s - 1)", idx, d), qr - 1);
    P("    %s[%s] = select(%s < 0, %s, %s)\n", em_out(e, n, 0), em_vars(e, "i", orank), idx, wrap, plain);
    return 0;
}

/* ArgMax / ArgMin along the axis; select_last_index reads the axis
 * backwards, so the first best of the reversed row is the last one */
static int emit_argreduce(Emitter *e, OnnxNode *n)
{
    const OnnxValue *x = n->in[0];
    int ax = n->geo.axis, orank = n->out[0]->shape.rank;
    bool keep = n->geo.count_pad, last = n->geo.ceil;
    const char *d = dim_text(e, x, ax), *op = is(n, "ArgMax") ? "argmax" : "argmin";
    if (orank == 0) return em_fail(e, n, "a rank-0 (scalar) result is not supported");
    const char *at = read_with(e, x, ax, last ? arena_printf(e->a, "%s - 1 - r0", d) : "r0", keep ? 0 : -1);
    const char *val = arena_printf(e->a, "%s(%s over r0 in 0..%s)", op, at, d);
    if (last) val = arena_printf(e->a, "%s - 1 - %s", d, val);
    P("    %s[%s] = %s\n", em_out(e, n, 0), em_vars(e, "i", orank), val);
    return 0;
}

int em_node(Emitter *e, OnnxNode *n)
{
    if (!n->nout || !n->out[0]) return 0;
    if (is(n, "ArgMax") || is(n, "ArgMin")) return emit_argreduce(e, n);
    if (n->out[0]->dtype != OD_FLOAT && !is(n, "Constant"))
        return em_fail(e, n, "dtype %s is not supported", onnx_dtype_name(n->out[0]->dtype));
    if (is(n, "Gather")) return emit_gather(e, n);
    const char *kn = graph_kernel(n);   /* the one kernel decision (graph/kernels.c) */
    if (kn && !is(n, "Gemm") && !is(n, "Conv") && !is(n, "MaxPool") && !is(n, "AveragePool"))
        return emit_call(e, n, kn);
    if (is(n, "Gemm")) return emit_gemm(e, n);
    if (is(n, "MatMul")) return emit_matmul(e, n);
    if (is(n, "Conv")) return emit_conv(e, n);
    if (is(n, "MaxPool") || is(n, "AveragePool")) return emit_pool(e, n);
    if (is(n, "GlobalAveragePool") || is(n, "GlobalMaxPool") || is(n, "ReduceMean") || is(n, "ReduceSum") ||
        is(n, "ReduceSumSquare"))
        return n->geo.mask || is(n, "ReduceSumSquare") ? emit_reduce(e, n) : emit_alias(e, n);
    if (is(n, "Softmax") || is(n, "LogSoftmax")) return emit_softmax(e, n);
    if (is(n, "BatchNormalization")) return emit_batchnorm(e, n);
    if (is(n, "LayerNormalization")) return emit_layernorm(e, n);
    if (is(n, "Flatten") || is(n, "Reshape")) return emit_reshape(e, n);
    if (is(n, "Transpose")) return emit_transpose(e, n);
    if (is(n, "Concat")) return emit_concat(e, n);
    if (is(n, "Identity") || is(n, "Constant")) return emit_alias(e, n);
    return emit_elementwise(e, n);
}
