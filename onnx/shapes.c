/* shapes.c - shape inference over the graph IR, one rule per supported op
 * (the table `ops`), in node order. A rule checks its inputs, attributes and
 * dtypes, resolves them into node->geo for the emitters, and sets its outputs'
 * dtype and shape; anything it does not support is one error naming the node. */
#include "onnx/onnx.h"
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef int (*InferFn)(OnnxGraph *, OnnxNode *);

#define ERR(...) (onnx_error(g, n, __VA_ARGS__), -1)

/* ---- helpers ---- */

const OnnxAttr *onnx_attr(const OnnxNode *n, const char *name)
{
    for (int k = 0; k < n->nattr; k++)
        if (!strcmp(n->attr[k].name, name)) return &n->attr[k];
    return NULL;
}

int64_t onnx_attr_int(const OnnxNode *n, const char *name, int64_t dflt)
{
    const OnnxAttr *a = onnx_attr(n, name);
    return a && a->kind == OA_INT ? a->i : dflt;
}

float onnx_attr_float(const OnnxNode *n, const char *name, float dflt)
{
    const OnnxAttr *a = onnx_attr(n, name);
    return a && a->kind == OA_FLOAT ? a->f : dflt;
}

const char *onnx_dtype_name(OnnxDtype t)
{
    static const char *names[] = { "undefined", "float32", "uint8",     "int8",       "uint16",  "int16",
                                   "int32",     "int64",   "string",    "bool",       "float16", "float64",
                                   "uint32",    "uint64",  "complex64", "complex128", "bfloat16" };
    return (unsigned)t < sizeof names / sizeof *names ? names[t] : "unknown";
}

bool onnx_dim_eq(OnnxDim a, OnnxDim b)
{
    if (a.sym || b.sym) return a.sym && b.sym && !strcmp(a.sym, b.sym);
    return a.n == b.n;
}

const char *onnx_shape_str(const OnnxShape *s, char *buf, size_t size)
{
    size_t k = 0;
    if (s->rank < 0) {
        snprintf(buf, size, "[?]");
        return buf;
    }
    k += (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < s->rank && k < size; i++) {
        if (s->d[i].sym) k += (size_t)snprintf(buf + k, size - k, "%s%s", i ? ", " : "", s->d[i].sym);
        else k += (size_t)snprintf(buf + k, size - k, "%s%lld", i ? ", " : "", (long long)s->d[i].n);
    }
    if (k < size) snprintf(buf + k, size - k, "]");
    return buf;
}

const char *onnx_ints_str(const int64_t *v, int n, char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%lld", i ? ", " : "", (long long)v[i]);
    if (k < size) snprintf(buf + k, size - k, "]");
    return buf;
}

bool onnx_shape_fits(const OnnxShape *s)
{
    int64_t p = 1;
    for (int k = 0; k < s->rank; k++) {
        int64_t n = s->d[k].sym ? 1 : s->d[k].n;
        if (n < 0 || n > ONNX_MAX_NUMEL || (n && p > ONNX_MAX_NUMEL / n)) return false;
        if (n) p *= n;
    }
    return true;
}

static const char *shp(const OnnxValue *v, char *buf) { return onnx_shape_str(&v->shape, buf, 256); }

/* input k, present, float32, with a known shape of rank in [lo, hi] */
static int need_input(OnnxGraph *g, OnnxNode *n, int k, int lo, int hi)
{
    if (k >= n->nin || !n->in[k]) return ERR("input %d is missing", k);
    OnnxValue *v = n->in[k];
    if (v->dtype != OD_FLOAT)
        return ERR("input %d '%s' has dtype %s; only float32 is supported", k, v->name, onnx_dtype_name(v->dtype));
    if (v->shape.rank < 0) return ERR("input %d '%s' has no known shape", k, v->name);
    if (v->shape.rank < lo || v->shape.rank > hi) {
        char b[256];
        if (lo == hi) return ERR("input %d '%s' has shape %s; rank %d is supported", k, v->name, shp(v, b), lo);
        return ERR("input %d '%s' has shape %s; ranks %d to %d are supported", k, v->name, shp(v, b), lo, hi);
    }
    return 0;
}

static int set_out(OnnxGraph *g, OnnxNode *n, int k, OnnxDtype dt, const OnnxShape *s)
{
    if (k >= n->nout || !n->out[k]) return 0;
    if (s->rank > ONNX_MAX_RANK)
        return ERR("output %d has rank %d; at most %d is supported", k, s->rank, ONNX_MAX_RANK);
    char b[256];
    if (!onnx_shape_fits(s))
        return ERR("output %d would have shape %s, more than 2^40 elements", k, onnx_shape_str(s, b, sizeof b));
    n->out[k]->dtype = dt;
    n->out[k]->shape = *s;
    return 0;
}

/* outputs past the first must be absent: they are training or index outputs */
static int only_first_output(OnnxGraph *g, OnnxNode *n, const char *what)
{
    for (int k = 1; k < n->nout; k++)
        if (n->out[k]) return ERR("output %d (%s) is not supported", k, what);
    return 0;
}

static int norm_axis(OnnxGraph *g, OnnxNode *n, int64_t axis, int rank, int *out)
{
    if (axis < -rank || axis >= rank) return ERR("axis %lld is out of range for rank %d", (long long)axis, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return 0;
}

/* an int64 constant input (initializer or Constant), or NULL with an error */
static const OnnxValue *const_ints(OnnxGraph *g, OnnxNode *n, int k, const char *what)
{
    const OnnxValue *v = k < n->nin ? n->in[k] : NULL;
    if (!v) {
        onnx_error(g, n, "input %d (%s) is missing", k, what);
        return NULL;
    }
    if (!v->is_const || !v->i) {
        onnx_error(g, n,
                   "input %d '%s' (%s) must be a constant integer tensor (an initializer or a Constant); "
                   "one computed at run time is not supported",
                   k, v->name, what);
        return NULL;
    }
    return v;
}

/* ---- elementwise ---- */

static int infer_unary(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 0, ONNX_MAX_RANK)) return -1;
    if (!strcmp(n->op, "LeakyRelu")) n->geo.alpha = onnx_attr_float(n, "alpha", 0.01f);
    return set_out(g, n, 0, OD_FLOAT, &n->in[0]->shape);
}

/* a scalar float constant input k (Clip's min, max) into *out; absent keeps it */
static int const_scalar(OnnxGraph *g, OnnxNode *n, int k, float *out)
{
    if (k >= n->nin || !n->in[k]) return 0;
    const OnnxValue *v = n->in[k];
    if (!v->is_const || !v->f || v->numel != 1)
        return ERR("input %d '%s' must be a constant float32 scalar; one computed at run time is not supported", k,
                   v->name);
    *out = v->f[0];
    return 0;
}

static int infer_clip(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 0, ONNX_MAX_RANK)) return -1;
    n->geo.lo = onnx_attr_float(n, "min", -__builtin_inff());
    n->geo.hi = onnx_attr_float(n, "max", __builtin_inff());
    if (const_scalar(g, n, 1, &n->geo.lo) || const_scalar(g, n, 2, &n->geo.hi)) return -1;
    return set_out(g, n, 0, OD_FLOAT, &n->in[0]->shape);
}

/* out may not alias a or b */
static int broadcast(OnnxGraph *g, OnnxNode *n, const OnnxShape *a, const OnnxShape *b, OnnxShape *out)
{
    out->rank = a->rank > b->rank ? a->rank : b->rank;
    for (int k = 0; k < out->rank; k++) {
        int ia = k - (out->rank - a->rank), ib = k - (out->rank - b->rank);
        OnnxDim one = { .n = 1 };
        OnnxDim da = ia >= 0 ? a->d[ia] : one, db = ib >= 0 ? b->d[ib] : one;
        if (onnx_dim_eq(da, db) || (!db.sym && db.n == 1)) out->d[k] = da;
        else if (!da.sym && da.n == 1) out->d[k] = db;
        else {
            char b1[256], b2[256];
            return ERR("shapes %s and %s do not broadcast", onnx_shape_str(a, b1, 256), onnx_shape_str(b, b2, 256));
        }
    }
    return 0;
}

static int infer_binary(OnnxGraph *g, OnnxNode *n)
{
    if (onnx_attr(n, "broadcast") || onnx_attr(n, "axis"))
        return ERR("the legacy broadcast/axis attributes (opset < 7) are not supported");
    if (n->nin < 1) return ERR("has no inputs");
    OnnxShape s = { 0 };
    for (int k = 0; k < n->nin; k++) {
        OnnxShape t;
        if (need_input(g, n, k, 0, ONNX_MAX_RANK)) return -1;
        if (broadcast(g, n, &s, &n->in[k]->shape, &t)) return -1;
        s = t;
    }
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_identity(OnnxGraph *g, OnnxNode *n)
{
    if (n->nin < 1 || !n->in[0]) return ERR("input 0 is missing");
    if (n->in[0]->shape.rank < 0) return ERR("input 0 '%s' has no known shape", n->in[0]->name);
    OnnxValue *o = n->nout ? n->out[0] : NULL;
    if (o && n->in[0]->is_const) {     /* a constant stays constant */
        o->is_const = true, o->numel = n->in[0]->numel, o->f = n->in[0]->f, o->i = n->in[0]->i;
    }
    return set_out(g, n, 0, n->in[0]->dtype, &n->in[0]->shape);
}

static int infer_constant(OnnxGraph *g, OnnxNode *n)
{
    const OnnxAttr *a = n->nattr == 1 ? &n->attr[0] : NULL;
    OnnxValue *o = n->nout ? n->out[0] : NULL;
    if (!a) return ERR("needs exactly one attribute, has %d", n->nattr);
    if (!o) return 0;
    o->is_const = true;
    if (!strcmp(a->name, "value") && a->kind == OA_TENSOR) {
        OnnxValue *t = a->t;
        o->dtype = t->dtype, o->shape = t->shape, o->numel = t->numel, o->f = t->f, o->i = t->i;
    } else if (!strcmp(a->name, "value_float") && a->kind == OA_FLOAT) {
        o->dtype = OD_FLOAT, o->shape.rank = 0, o->numel = 1;
        o->f = ARENA_NEW(g->arena, float), o->f[0] = a->f;
    } else if (!strcmp(a->name, "value_floats") && a->kind == OA_FLOATS) {
        o->dtype = OD_FLOAT, o->shape.rank = 1, o->shape.d[0].n = o->numel = a->n, o->f = a->fs;
    } else if (!strcmp(a->name, "value_int") && a->kind == OA_INT) {
        o->dtype = OD_INT64, o->shape.rank = 0, o->numel = 1;
        o->i = ARENA_NEW(g->arena, int64_t), o->i[0] = a->i;
    } else if (!strcmp(a->name, "value_ints") && a->kind == OA_INTS) {
        o->dtype = OD_INT64, o->shape.rank = 1, o->shape.d[0].n = o->numel = a->n, o->i = a->is;
    } else {
        return ERR("attribute '%s' (%s) is not supported", a->name, a->kind_name);
    }
    return 0;
}

/* ---- linear algebra ---- */

static int infer_gemm(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 2, 2) || need_input(g, n, 1, 2, 2)) return -1;
    OnnxGeom *q = &n->geo;
    q->alpha = onnx_attr_float(n, "alpha", 1.0f);
    q->beta = onnx_attr_float(n, "beta", 1.0f);
    q->ta = onnx_attr_int(n, "transA", 0) != 0;
    q->tb = onnx_attr_int(n, "transB", 0) != 0;
    if (onnx_attr(n, "broadcast")) return ERR("the legacy broadcast attribute (opset < 7) is not supported");
    const OnnxShape *a = &n->in[0]->shape, *b = &n->in[1]->shape;
    OnnxDim m = a->d[q->ta], ka = a->d[!q->ta], kb = b->d[q->tb], nn = b->d[!q->tb];
    char b1[256], b2[256];
    if (!onnx_dim_eq(ka, kb))
        return ERR("A %s and B %s do not agree on the reduced dimension", shp(n->in[0], b1), shp(n->in[1], b2));
    OnnxShape s = { .rank = 2, .d = { m, nn } };
    if (n->nin > 2 && n->in[2]) {
        OnnxShape t;
        if (need_input(g, n, 2, 0, 2) || broadcast(g, n, &s, &n->in[2]->shape, &t)) return -1;
        if (!onnx_dim_eq(t.d[0], m) || !onnx_dim_eq(t.d[1], nn))
            return ERR("C %s does not broadcast to the result %s", shp(n->in[2], b1), onnx_shape_str(&s, b2, 256));
    }
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_matmul(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 1, ONNX_MAX_RANK) || need_input(g, n, 1, 1, ONNX_MAX_RANK)) return -1;
    OnnxShape a = n->in[0]->shape, b = n->in[1]->shape, s;
    bool va = a.rank == 1, vb = b.rank == 1;
    if (va) a.rank = 2, a.d[1] = a.d[0], a.d[0] = (OnnxDim){ .n = 1 };
    if (vb) b.rank = 2, b.d[1] = (OnnxDim){ .n = 1 };
    char b1[256], b2[256];
    if (!onnx_dim_eq(a.d[a.rank - 1], b.d[b.rank - 2]))
        return ERR("A %s and B %s do not agree on the reduced dimension", shp(n->in[0], b1), shp(n->in[1], b2));
    OnnxShape ba = a, bb = b;
    ba.rank -= 2, bb.rank -= 2;
    if (broadcast(g, n, &ba, &bb, &s)) return -1;
    if (!va) s.d[s.rank++] = a.d[a.rank - 2];
    if (!vb) s.d[s.rank++] = b.d[b.rank - 1];
    return set_out(g, n, 0, OD_FLOAT, &s);
}

/* ---- windows: Conv and the pools ---- */

/* ints attribute `name` of exactly `cnt` values into out, else dflt */
static int ints_attr(OnnxGraph *g, OnnxNode *n, const char *name, int cnt, int64_t *out, int64_t dflt)
{
    const OnnxAttr *a = onnx_attr(n, name);
    for (int k = 0; k < cnt; k++) out[k] = dflt;
    if (!a) return 0;
    if (a->kind != OA_INTS || a->n != cnt) return ERR("attribute '%s' must hold %d ints", name, cnt);
    for (int k = 0; k < cnt; k++) out[k] = a->is[k];
    return 0;
}

/* resolves kernel, strides, dilations, pads (auto_pad applied) and the output
 * extent of the two spatial axes of X (NCHW); kernel from W when given */
static int window(OnnxGraph *g, OnnxNode *n, const OnnxValue *w, OnnxShape *out)
{
    OnnxGeom *q = &n->geo;
    const OnnxShape *x = &n->in[0]->shape;
    int64_t pads[4];
    if (ints_attr(g, n, "kernel_shape", 2, q->k, 0) || ints_attr(g, n, "strides", 2, q->s, 1) ||
        ints_attr(g, n, "dilations", 2, q->d, 1) || ints_attr(g, n, "pads", 4, pads, 0))
        return -1;
    for (int k = 0; k < 2; k++) {
        if (w) {
            if (w->shape.d[2 + k].sym) return ERR("the kernel's spatial dims must be known");
            if (q->k[k] && q->k[k] != w->shape.d[2 + k].n) return ERR("kernel_shape disagrees with the weights");
            q->k[k] = w->shape.d[2 + k].n;
        }
        if (q->k[k] < 1 || q->s[k] < 1 || q->d[k] < 1 || pads[k] < 0 || pads[k + 2] < 0)
            return ERR("kernel, strides, dilations must be positive and pads non-negative");
        if (q->k[k] > INT32_MAX || q->s[k] > INT32_MAX || q->d[k] > INT32_MAX || pads[k] > INT32_MAX ||
            pads[k + 2] > INT32_MAX)
            return ERR("kernel, strides, dilations and pads must be below 2^31");
        if (x->d[2 + k].sym)
            return ERR("spatial dim '%s' is symbolic; only known spatial extents are supported", x->d[2 + k].sym);
        q->pb[k] = pads[k], q->pe[k] = pads[k + 2];
    }
    const OnnxAttr *ap = onnx_attr(n, "auto_pad");
    const char *mode = ap && ap->kind == OA_STRING ? ap->s : "NOTSET";
    bool same = !strcmp(mode, "SAME_UPPER") || !strcmp(mode, "SAME_LOWER");
    if (!same && strcmp(mode, "NOTSET") && strcmp(mode, "VALID")) return ERR("auto_pad '%s' is not supported", mode);
    *out = *x;
    for (int k = 0; k < 2; k++) {
        int64_t in = x->d[2 + k].n, span = q->d[k] * (q->k[k] - 1) + 1, o;
        if (same) {
            o = (in + q->s[k] - 1) / q->s[k];
            int64_t tot = (o - 1) * q->s[k] + span - in;
            if (tot < 0) tot = 0;
            q->pb[k] = !strcmp(mode, "SAME_UPPER") ? tot / 2 : tot - tot / 2;
            q->pe[k] = tot - q->pb[k];
        } else {
            if (!strcmp(mode, "VALID")) q->pb[k] = q->pe[k] = 0;
            int64_t room = in + q->pb[k] + q->pe[k] - span;
            if (room < 0) return ERR("the window (extent %lld) is larger than the padded input", (long long)span);
            o = (q->ceil ? (room + q->s[k] - 1) / q->s[k] : room / q->s[k]) + 1;
            if (q->ceil && (o - 1) * q->s[k] >= in + q->pb[k]) o--;   /* no window starts in the end padding */
        }
        out->d[2 + k] = (OnnxDim){ .n = o };
    }
    return 0;
}

static int infer_conv(OnnxGraph *g, OnnxNode *n)
{
    char b1[256], b2[256];
    if (need_input(g, n, 0, 3, 5) || need_input(g, n, 1, 3, 5)) return -1;
    if (n->in[0]->shape.rank != 4)
        return ERR("input '%s' has shape %s; only 2-D convolutions (rank 4, NCHW) are supported", n->in[0]->name,
                   shp(n->in[0], b1));
    const OnnxValue *w = n->in[1];
    const OnnxShape *x = &n->in[0]->shape;
    if (w->shape.rank != 4) return ERR("weights '%s' have shape %s; rank 4 is needed", w->name, shp(w, b1));
    int64_t grp = n->geo.group = onnx_attr_int(n, "group", 1);
    OnnxDim c = x->d[1], m = w->shape.d[0];
    if (c.sym || m.sym) return ERR("channel counts must be known");
    if (grp < 1 || c.n % grp || m.n % grp || w->shape.d[1].n != c.n / grp)
        return ERR("weights %s do not fit input %s with group %lld", shp(w, b1), shp(n->in[0], b2), (long long)grp);
    OnnxShape s;
    if (window(g, n, w, &s)) return -1;
    s.d[1] = m;
    if (n->nin > 2 && n->in[2]) {
        if (need_input(g, n, 2, 1, 1)) return -1;
        if (!onnx_dim_eq(n->in[2]->shape.d[0], m))
            return ERR("bias %s does not have %lld values", shp(n->in[2], b1), (long long)m.n);
    }
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_pool(OnnxGraph *g, OnnxNode *n)
{
    char b1[256];
    if (need_input(g, n, 0, 3, 5) || only_first_output(g, n, "Indices")) return -1;
    if (n->in[0]->shape.rank != 4)
        return ERR("input '%s' has shape %s; only 2-D pooling (rank 4, NCHW) is supported", n->in[0]->name,
                   shp(n->in[0], b1));
    if (onnx_attr_int(n, "storage_order", 0)) return ERR("storage_order 1 is not supported");
    if (!onnx_attr(n, "kernel_shape")) return ERR("attribute 'kernel_shape' is missing");
    n->geo.ceil = onnx_attr_int(n, "ceil_mode", 0) != 0;
    n->geo.count_pad = onnx_attr_int(n, "count_include_pad", 0) != 0;
    OnnxShape s;
    if (window(g, n, NULL, &s)) return -1;
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_global_pool(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 3, ONNX_MAX_RANK)) return -1;
    OnnxShape s = n->in[0]->shape;
    for (int k = 2; k < s.rank; k++) {
        if (s.d[k].sym)
            return ERR("spatial dim '%s' is symbolic; only known spatial extents are supported", s.d[k].sym);
        s.d[k] = (OnnxDim){ .n = 1 };
        n->geo.mask |= 1u << k;
    }
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_batchnorm(OnnxGraph *g, OnnxNode *n)
{
    char b1[256];
    if (need_input(g, n, 0, 2, ONNX_MAX_RANK)) return -1;
    if (onnx_attr_int(n, "training_mode", 0)) return ERR("training_mode 1 is not supported (inference only)");
    if (!onnx_attr_int(n, "spatial", 1)) return ERR("spatial 0 is not supported");
    if (only_first_output(g, n, "a training statistic")) return -1;
    n->geo.eps = onnx_attr_float(n, "epsilon", 1e-5f);
    for (int k = 1; k <= 4; k++) {
        if (need_input(g, n, k, 1, 1)) return -1;
        if (!onnx_dim_eq(n->in[k]->shape.d[0], n->in[0]->shape.d[1]))
            return ERR("input %d '%s' has shape %s; it needs one value per channel", k, n->in[k]->name,
                       shp(n->in[k], b1));
    }
    return set_out(g, n, 0, OD_FLOAT, &n->in[0]->shape);
}

/* ---- layout ---- */

/* the product of dims [lo, hi) as one dim: a size variable may stand only
 * with dims of extent 1 */
static int dim_product(OnnxGraph *g, OnnxNode *n, const OnnxShape *s, int lo, int hi, OnnxDim *out)
{
    OnnxDim p = { .n = 1 };
    for (int k = lo; k < hi; k++) {
        if (s->d[k].sym) {
            if (p.sym || p.n != 1) return ERR("cannot merge the symbolic dim '%s' with other dims", s->d[k].sym);
            p = s->d[k];
        } else if (p.sym) {
            if (s->d[k].n != 1) return ERR("cannot merge the symbolic dim '%s' with other dims", p.sym);
        } else {
            p.n *= s->d[k].n;
        }
    }
    *out = p;
    return 0;
}

static int infer_flatten(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 0, ONNX_MAX_RANK)) return -1;
    const OnnxShape *x = &n->in[0]->shape;
    int64_t a = onnx_attr_int(n, "axis", 1);   /* in [-r, r]; a negative one counts from r */
    if (a < -x->rank || a > x->rank) return ERR("axis %lld is out of range for rank %d", (long long)a, x->rank);
    int axis = (int)(a < 0 ? a + x->rank : a);
    n->geo.axis = axis;
    OnnxShape s = { .rank = 2 };
    if (dim_product(g, n, x, 0, axis, &s.d[0]) || dim_product(g, n, x, axis, x->rank, &s.d[1])) return -1;
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_reshape(OnnxGraph *g, OnnxNode *n)
{
    char b1[256], b2[256];
    if (need_input(g, n, 0, 0, ONNX_MAX_RANK)) return -1;
    if (onnx_attr(n, "shape")) return ERR("the shape attribute (opset < 5) is not supported");
    const OnnxValue *sv = const_ints(g, n, 1, "shape");
    if (!sv) return -1;
    const OnnxShape *x = &n->in[0]->shape;
    if (sv->shape.rank != 1 || sv->numel > ONNX_MAX_RANK)
        return ERR("shape '%s' must be 1-D with at most %d values", sv->name, ONNX_MAX_RANK);
    bool allowzero = onnx_attr_int(n, "allowzero", 0) != 0;
    OnnxShape s = { .rank = (int)sv->numel };
    int infer = -1;
    int64_t known = 1;
    bool copied[ONNX_MAX_RANK] = { 0 };
    for (int k = 0; k < s.rank; k++) {
        int64_t v = sv->i[k];
        if (v == 0 && !allowzero) {
            if (k >= x->rank) return ERR("shape value 0 at %d has no input dim to copy", k);
            s.d[k] = x->d[k], copied[k] = true;
        } else if (v == -1 && infer < 0) {
            infer = k;
        } else if (v < 0) {
            return ERR("shape %s is not valid", onnx_ints_str(sv->i, s.rank, b1, 256));
        } else {
            s.d[k].n = v;
        }
        if (!s.d[k].sym && k != infer && __builtin_mul_overflow(known, s.d[k].n, &known))
            return ERR("cannot reshape %s to %s", shp(n->in[0], b1), onnx_ints_str(sv->i, s.rank, b2, 256));
    }
    int64_t total = 1;
    for (int k = 0; k < x->rank; k++) {
        if (x->d[k].sym && !copied[k]) return ERR("cannot reshape the symbolic dim '%s'", x->d[k].sym);
        if (!x->d[k].sym) total *= x->d[k].n;
    }
    if (infer >= 0) {
        if (!known || total % known)
            return ERR("cannot reshape %s to %s", shp(n->in[0], b1), onnx_ints_str(sv->i, s.rank, b2, 256));
        s.d[infer].n = total / known;
    } else if (known != total) {
        return ERR("cannot reshape %s to %s", shp(n->in[0], b1), onnx_ints_str(sv->i, s.rank, b2, 256));
    }
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_transpose(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 0, ONNX_MAX_RANK)) return -1;
    const OnnxShape *x = &n->in[0]->shape;
    const OnnxAttr *p = onnx_attr(n, "perm");
    OnnxShape s = { .rank = x->rank };
    uint32_t seen = 0;
    if (p && (p->kind != OA_INTS || p->n != x->rank)) return ERR("perm must hold %d ints", x->rank);
    for (int k = 0; k < x->rank; k++) {
        int64_t j = p ? p->is[k] : x->rank - 1 - k;
        if (j < 0 || j >= x->rank || (seen & (1u << j))) return ERR("perm is not a permutation of 0..%d", x->rank - 1);
        seen |= 1u << j;
        s.d[k] = x->d[j];
    }
    return set_out(g, n, 0, OD_FLOAT, &s);
}

static int infer_concat(OnnxGraph *g, OnnxNode *n)
{
    char b1[256], b2[256];
    if (need_input(g, n, 0, 1, ONNX_MAX_RANK)) return -1;
    OnnxShape s = n->in[0]->shape;
    int axis;
    if (!onnx_attr(n, "axis")) return ERR("attribute 'axis' is missing");
    if (norm_axis(g, n, onnx_attr_int(n, "axis", 0), s.rank, &axis)) return -1;
    n->geo.axis = axis;
    if (s.d[axis].sym) return ERR("the concatenated dim '%s' is symbolic", s.d[axis].sym);
    for (int k = 1; k < n->nin; k++) {
        if (need_input(g, n, k, s.rank, s.rank)) return -1;
        const OnnxShape *t = &n->in[k]->shape;
        for (int j = 0; j < s.rank; j++)
            if (j != axis && !onnx_dim_eq(t->d[j], s.d[j]))
                return ERR("input %d %s does not fit %s", k, shp(n->in[k], b1), shp(n->in[0], b2));
        if (t->d[axis].sym) return ERR("the concatenated dim '%s' is symbolic", t->d[axis].sym);
        if ((s.d[axis].n += t->d[axis].n) > ONNX_MAX_NUMEL)
            return ERR("the concatenated dim would have more than 2^40 elements");
    }
    return set_out(g, n, 0, OD_FLOAT, &s);
}

/* ---- normalizations and reductions ---- */

static int infer_softmax(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 1, ONNX_MAX_RANK)) return -1;
    int rank = n->in[0]->shape.rank;
    int64_t dflt = g->opset < 13 ? 1 : -1;
    if (norm_axis(g, n, onnx_attr_int(n, "axis", dflt), rank, &n->geo.axis)) return -1;
    /* before opset 13 the axis splits the input into 2-D [outer, inner] and
     * normalizes over all of inner: the same as per-axis only at the last axis */
    if (g->opset < 13 && n->geo.axis != rank - 1)
        return ERR("axis %d of a rank-%d input with opset %lld (the coerced-to-2-D form) is not supported", n->geo.axis,
                   rank, (long long)g->opset);
    return set_out(g, n, 0, OD_FLOAT, &n->in[0]->shape);
}

static int infer_layernorm(OnnxGraph *g, OnnxNode *n)
{
    char b1[256];
    if (need_input(g, n, 0, 1, ONNX_MAX_RANK)) return -1;
    for (int k = 3; k < n->nout; k++)
        if (n->out[k]) return ERR("output %d is not one of LayerNormalization's (Y, Mean, InvStdDev)", k);
    const OnnxShape *x = &n->in[0]->shape;
    if (norm_axis(g, n, onnx_attr_int(n, "axis", -1), x->rank, &n->geo.axis)) return -1;
    n->geo.eps = onnx_attr_float(n, "epsilon", 1e-5f);
    for (int k = n->geo.axis; k < x->rank; k++) n->geo.mask |= 1u << k;
    if (n->nin < 2 || !n->in[1]) return ERR("input 1 (Scale) is missing");
    for (int k = 1; k < 3 && k < n->nin; k++) {
        if (!n->in[k]) continue;
        OnnxShape t;
        if (need_input(g, n, k, 0, x->rank) || broadcast(g, n, x, &n->in[k]->shape, &t)) return -1;
        for (int j = 0; j < x->rank; j++)
            if (!onnx_dim_eq(t.d[j], x->d[j]))
                return ERR("input %d '%s' %s does not broadcast to the input", k, n->in[k]->name, shp(n->in[k], b1));
    }
    OnnxShape stat = *x;   /* Mean, InvStdDev: X's shape with the normalized dims 1 */
    for (int k = n->geo.axis; k < x->rank; k++) stat.d[k] = (OnnxDim){ 1, NULL };
    for (int k = 1; k < 3 && k < n->nout; k++)
        if (n->out[k] && set_out(g, n, k, OD_FLOAT, &stat)) return -1;
    return set_out(g, n, 0, OD_FLOAT, x);
}

static int infer_reduce(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 0, ONNX_MAX_RANK)) return -1;
    const OnnxShape *x = &n->in[0]->shape;
    const int64_t *axes = NULL;
    int naxes = 0;
    const OnnxAttr *a = onnx_attr(n, "axes");
    if (a && a->kind == OA_INTS) axes = a->is, naxes = a->n;
    else if (n->nin > 1 && n->in[1]) {
        const OnnxValue *v = const_ints(g, n, 1, "axes");
        if (!v) return -1;
        axes = v->i, naxes = (int)v->numel;
    }
    bool keep = onnx_attr_int(n, "keepdims", 1) != 0;
    if (!naxes && onnx_attr_int(n, "noop_with_empty_axes", 0)) return infer_identity(g, n);
    for (int k = 0; k < naxes; k++) {
        int ax;
        if (norm_axis(g, n, axes[k], x->rank, &ax)) return -1;
        n->geo.mask |= 1u << ax;
    }
    if (!naxes) n->geo.mask = x->rank ? (uint32_t)((1ull << x->rank) - 1) : 0;
    OnnxShape s = { 0 };
    for (int k = 0; k < x->rank; k++) {
        if (!(n->geo.mask & (1u << k))) s.d[s.rank++] = x->d[k];
        else if (keep) s.d[s.rank++] = (OnnxDim){ .n = 1 };
    }
    n->geo.count_pad = keep;    /* reused: whether the reduced dims stay as 1s */
    return set_out(g, n, 0, OD_FLOAT, &s);
}

/* input k: indices (int64 or int32) of a known shape */
static int need_indices(OnnxGraph *g, OnnxNode *n, int k)
{
    if (k >= n->nin || !n->in[k]) return ERR("input %d is missing", k);
    OnnxValue *v = n->in[k];
    if (v->dtype != OD_INT64 && v->dtype != OD_INT32)
        return ERR("input %d '%s' (indices) has dtype %s; int64 or int32 is supported", k, v->name,
                   onnx_dtype_name(v->dtype));
    if (v->shape.rank < 0) return ERR("input %d '%s' has no known shape", k, v->name);
    return 0;
}

/* Gather: X's dims before the axis, the indices' dims, X's dims after it */
static int infer_gather(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 1, ONNX_MAX_RANK) || need_indices(g, n, 1)) return -1;
    const OnnxShape *x = &n->in[0]->shape, *q = &n->in[1]->shape;
    if (norm_axis(g, n, onnx_attr_int(n, "axis", 0), x->rank, &n->geo.axis)) return -1;
    if (x->rank - 1 + q->rank > ONNX_MAX_RANK) return ERR("the result would have rank %d", x->rank - 1 + q->rank);
    OnnxShape s = { 0 };
    for (int k = 0; k < n->geo.axis; k++) s.d[s.rank++] = x->d[k];
    for (int k = 0; k < q->rank; k++) s.d[s.rank++] = q->d[k];
    for (int k = n->geo.axis + 1; k < x->rank; k++) s.d[s.rank++] = x->d[k];
    return set_out(g, n, 0, OD_FLOAT, &s);
}

/* ArgMax / ArgMin: int64 positions along the axis (kept as 1 with keepdims);
 * geo.ceil: select_last_index */
static int infer_argreduce(OnnxGraph *g, OnnxNode *n)
{
    if (need_input(g, n, 0, 1, ONNX_MAX_RANK)) return -1;
    const OnnxShape *x = &n->in[0]->shape;
    if (norm_axis(g, n, onnx_attr_int(n, "axis", 0), x->rank, &n->geo.axis)) return -1;
    const OnnxDim *d = &x->d[n->geo.axis];
    if (!d->sym && d->n == 0) return ERR("axis %d has extent 0: there is no position to return", n->geo.axis);
    bool keep = onnx_attr_int(n, "keepdims", 1) != 0;
    n->geo.count_pad = keep;
    n->geo.ceil = onnx_attr_int(n, "select_last_index", 0) != 0;
    OnnxShape s = { 0 };
    for (int k = 0; k < x->rank; k++)
        if (k != n->geo.axis) s.d[s.rank++] = x->d[k];
        else if (keep) s.d[s.rank++] = (OnnxDim){ .n = 1 };
    return set_out(g, n, 0, OD_INT64, &s);
}

/* ---- the op table ---- */

typedef struct OpRule {
    const char *op;
    InferFn infer;
    const char *attrs;      /* the attributes it takes, comma-separated */
    int min_in, max_in;     /* how many inputs (an omitted optional one counts) */
} OpRule;

#define VARIADIC INT_MAX

static const OpRule ops[] = {
    { "Relu", infer_unary, "", 1, 1 },
    { "Sigmoid", infer_unary, "", 1, 1 },
    { "Tanh", infer_unary, "", 1, 1 },
    { "Erf", infer_unary, "", 1, 1 },
    { "Exp", infer_unary, "", 1, 1 },
    { "Log", infer_unary, "", 1, 1 },
    { "Sqrt", infer_unary, "", 1, 1 },
    { "Neg", infer_unary, "", 1, 1 },
    { "Abs", infer_unary, "", 1, 1 },
    { "LeakyRelu", infer_unary, "alpha", 1, 1 },
    { "Clip", infer_clip, "min,max", 1, 3 },
    { "Identity", infer_identity, "", 1, 1 },
    { "Constant", infer_constant, "value,value_float,value_floats,value_int,value_ints", 0, 0 },
    { "Add", infer_binary, "", 2, 2 },
    { "Sub", infer_binary, "", 2, 2 },
    { "Mul", infer_binary, "", 2, 2 },
    { "Div", infer_binary, "", 2, 2 },
    { "Max", infer_binary, "", 1, VARIADIC },
    { "Min", infer_binary, "", 1, VARIADIC },
    { "Gemm", infer_gemm, "alpha,beta,transA,transB", 2, 3 },
    { "MatMul", infer_matmul, "", 2, 2 },
    { "Conv", infer_conv, "auto_pad,dilations,group,kernel_shape,pads,strides", 2, 3 },
    { "MaxPool", infer_pool, "auto_pad,ceil_mode,dilations,kernel_shape,pads,storage_order,strides", 1, 1 },
    { "AveragePool", infer_pool, "auto_pad,ceil_mode,count_include_pad,kernel_shape,pads,strides", 1, 1 },
    { "GlobalAveragePool", infer_global_pool, "", 1, 1 },
    { "GlobalMaxPool", infer_global_pool, "", 1, 1 },
    { "BatchNormalization", infer_batchnorm, "epsilon,momentum,training_mode,spatial", 5, 5 },
    { "Flatten", infer_flatten, "axis", 1, 1 },
    { "Reshape", infer_reshape, "allowzero", 2, 2 },
    { "Transpose", infer_transpose, "perm", 1, 1 },
    { "Concat", infer_concat, "axis", 1, VARIADIC },
    { "Softmax", infer_softmax, "axis", 1, 1 },
    { "LogSoftmax", infer_softmax, "axis", 1, 1 },
    { "LayerNormalization", infer_layernorm, "axis,epsilon,stash_type", 2, 3 },
    { "ReduceMean", infer_reduce, "axes,keepdims", 1, 2 },
    { "ReduceSum", infer_reduce, "axes,keepdims,noop_with_empty_axes", 1, 2 },
    { "ReduceSumSquare", infer_reduce, "axes,keepdims", 1, 2 },
    { "Gather", infer_gather, "axis", 2, 2 },
    { "ArgMax", infer_argreduce, "axis,keepdims,select_last_index", 1, 1 },
    { "ArgMin", infer_argreduce, "axis,keepdims,select_last_index", 1, 1 },
};

static bool listed(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (k == len && !strncmp(p, name, k)) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

static int infer_node(OnnxGraph *g, OnnxNode *n)
{
    if (n->domain[0] && strcmp(n->domain, "ai.onnx"))
        return ERR("operators of domain '%s' are not supported", n->domain);
    const OpRule *r = NULL;
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        if (!strcmp(ops[k].op, n->op)) r = &ops[k];
    if (!r) return ERR("operator %s is not supported", n->op[0] ? n->op : "(empty)");
    if (n->nin < r->min_in || n->nin > r->max_in) {
        const char *s = n->nin == 1 ? "" : "s";
        if (r->min_in == r->max_in) return ERR("has %d input%s; %s takes %d", n->nin, s, n->op, r->min_in);
        if (r->max_in == VARIADIC) return ERR("has %d input%s; %s takes at least %d", n->nin, s, n->op, r->min_in);
        return ERR("has %d input%s; %s takes %d to %d", n->nin, s, n->op, r->min_in, r->max_in);
    }
    for (int k = 0; k < n->nattr; k++) {
        if (!listed(r->attrs, n->attr[k].name)) return ERR("attribute '%s' is not supported", n->attr[k].name);
        if (n->attr[k].kind == OA_OTHER)
            return ERR("attribute '%s' has type %s, which is not supported", n->attr[k].name, n->attr[k].kind_name);
    }
    if (r->infer(g, n)) return -1;
    for (int k = 0; k < n->nout; k++)
        if (n->out[k] && n->out[k]->shape.rank < 0 && !n->out[k]->is_const)
            return ERR("cannot infer the shape of output %d '%s'", k, n->out[k]->name);
    return 0;
}

int onnx_infer_shapes(OnnxGraph *g)
{
    for (int k = 0; k < g->nnodes; k++)
        if (infer_node(g, &g->nodes[k])) return -1;
    for (int k = 0; k < g->noutputs; k++) {
        OnnxValue *v = g->outputs[k];
        if (v->shape.rank < 0) {
            onnx_error(g, NULL, "graph output '%s' has no known shape", v->name);
            return -1;
        }
    }
    return 0;
}
