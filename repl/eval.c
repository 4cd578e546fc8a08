/* eval.c - runs a parsed statement: names, literals and scalar casts, element
 * reads, the built-ins (the table builtins[]: rand zeros ones full arange load
 * save seed) and calls of fns; assigns or prints the values. No narrowing happens
 * silently: a number as typed adapts to where it goes, a typed value only widens. */
#include "repl/repl_int.h"
#include "repl/npy.h"
#include "repl/print.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- scalars ---- */

typedef enum NumKind { N_INT, N_UINT, N_FLOAT, N_BOOL } NumKind;
typedef struct Num {
    NumKind k;
    int64_t i;
    uint64_t u;
    double f;
} Num;

/* The element as a Num: a value of C type T read without alignment. */
#define NUM_READ(T, kind, field)   \
    do {                           \
        T v_;                      \
        memcpy(&v_, p, sizeof v_); \
        n.k = kind;                \
        n.field = v_;              \
    } while (0)

static Num num_read(const RTensor *t, int64_t flat)
{
    const char *p = (const char *)t->data + flat * (dtype_bits(t->type) / 8);
    Num n = { N_INT, 0, 0, 0 };
    switch (t->type) {
    case DT_BOOL:
        NUM_READ(uint8_t, N_BOOL, i);
        n.i = n.i != 0;
        break;
    case DT_I8: NUM_READ(int8_t, N_INT, i); break;
    case DT_I16: NUM_READ(int16_t, N_INT, i); break;
    case DT_I32: NUM_READ(int32_t, N_INT, i); break;
    case DT_I64: NUM_READ(int64_t, N_INT, i); break;
    case DT_U8: NUM_READ(uint8_t, N_UINT, u); break;
    case DT_U16: NUM_READ(uint16_t, N_UINT, u); break;
    case DT_U32: NUM_READ(uint32_t, N_UINT, u); break;
    case DT_U64: NUM_READ(uint64_t, N_UINT, u); break;
    case DT_F32: NUM_READ(float, N_FLOAT, f); break;
    case DT_F64: NUM_READ(double, N_FLOAT, f); break;
    default: break;
    }
    if (n.k == N_UINT && n.u <= INT64_MAX) {
        n.k = N_INT;
        n.i = (int64_t)n.u;
    }
    return n;
}

/* the shortest decimal form that reads back as the same value */
static void num_print(char *buf, size_t cap, Num n, bool f32)
{
    if (n.k == N_BOOL) snprintf(buf, cap, "%s", n.i ? "true" : "false");
    else if (n.k == N_INT) snprintf(buf, cap, "%lld", (long long)n.i);
    else if (n.k == N_UINT) snprintf(buf, cap, "%llu", (unsigned long long)n.u);
    else
        for (int p = 6; p <= 17; p++) {
            snprintf(buf, cap, "%.*g", p, n.f);
            double back = strtod(buf, NULL);
            if (f32 ? (float)back == (float)n.f : back == n.f) break;
        }
}

/* integer range of an integer dtype, as (lo, hi) in int64 / uint64 */
static bool int_fits(Num n, DType t)
{
    int bits = dtype_bits(t);
    if (dtype_is_signed(t)) {
        if (n.k == N_UINT) return false;
        int64_t hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
        return n.i <= hi && n.i >= -hi - 1;
    }
    uint64_t hi = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    if (n.k == N_UINT) return n.u <= hi;
    return n.i >= 0 && (uint64_t)n.i <= hi;
}

static void scalar_store(DType t, Num n, Scalar *out)
{
    memset(out, 0, sizeof *out);
    int64_t i = n.k == N_UINT ? (int64_t)n.u : n.i;
    switch (t) {
    case DT_F32: out->f32 = (float)n.f; break;
    case DT_F64: out->f64 = n.f; break;
    case DT_I8: out->i8 = (int8_t)i; break;
    case DT_I16: out->i16 = (int16_t)i; break;
    case DT_I32: out->i32 = (int32_t)i; break;
    case DT_I64: out->i64 = i; break;
    case DT_U8:
    case DT_BOOL: out->u8 = (uint8_t)i; break;
    case DT_U16: out->u16 = (uint16_t)i; break;
    case DT_U32: out->u32 = (uint32_t)i; break;
    case DT_U64: out->u64 = n.k == N_UINT ? n.u : (uint64_t)n.i; break;
    default: break;
    }
}

bool scalar_convert(const Val *v, DType t, bool cast, Scalar *out, char *why, size_t cap)
{
    DType src = v->t->type;
    Num n = num_read(v->t, 0);
    char val[64];
    num_print(val, sizeof val, n, src == DT_F32);
    if (!cast && !v->literal && src != t && !dtype_widens_to(src, t)) {
        snprintf(why, cap, "a %s value would be narrowed to %s (convert it explicitly: %s(...))", dtype_name(src),
                 dtype_name(t), dtype_name(t));
        return false;
    }
    if (!cast && v->literal) {
        if (n.k == N_BOOL && t != DT_BOOL) {
            snprintf(why, cap, "expected %s, found the bool %s", dtype_name(t), val);
            return false;
        }
        if (n.k != N_BOOL && t == DT_BOOL) {
            snprintf(why, cap, "expected a bool (true or false), found %s", val);
            return false;
        }
        if (n.k == N_FLOAT && dtype_is_int(t)) {
            snprintf(why, cap, "expected an integer of type %s, found %s", dtype_name(t), val);
            return false;
        }
    }
    if (t == DT_BOOL) {
        n.i = n.k == N_FLOAT ? n.f != 0 : n.k == N_UINT ? n.u != 0 : n.i != 0;
        n.k = N_BOOL;
    } else if (dtype_is_float(t)) {
        if (n.k != N_FLOAT) n.f = n.k == N_UINT ? (double)n.u : (double)n.i;
        n.k = N_FLOAT;
        if (t == DT_F32 && isfinite(n.f) && fabs(n.f) > 3.4028234663852886e38 && !cast) {
            snprintf(why, cap, "%s does not fit in f32", val);
            return false;
        }
    } else {
        if (n.k == N_FLOAT) {
            /* an explicit cast truncates, but only a value the type can hold */
            double tr = trunc(n.f);
            bool sgn = dtype_is_signed(t);
            double lo = sgn ? -ldexp(1, dtype_bits(t) - 1) : 0, hi = ldexp(1, dtype_bits(t) - (sgn ? 1 : 0));
            if (!(tr >= lo && tr < hi)) {
                snprintf(why, cap, "%s does not fit in %s", val, dtype_name(t));
                return false;
            }
            if (tr >= 0x1p63) {
                n.k = N_UINT;
                n.u = (uint64_t)tr;
            } else {
                n.k = N_INT;
                n.i = (int64_t)tr;
            }
        } else if (n.k == N_BOOL) {
            n.k = N_INT;
        }
        if (!int_fits(n, t)) {
            snprintf(why, cap, "%s does not fit in %s", val, dtype_name(t));
            return false;
        }
    }
    scalar_store(t, n, out);
    return true;
}

char *scalar_str(Arena *a, const RTensor *t)
{
    char buf[64];
    num_print(buf, sizeof buf, num_read(t, 0), t->type == DT_F32);
    return arena_strdup(a, buf);
}

static RTensor *scalar_tensor(DType t, const Scalar *x)
{
    RTensor *r = rt_new(t, 0, NULL);
    if (r) memcpy(r->data, x, (size_t)dtype_bits(t) / 8);
    return r;
}

char *type_str(Arena *a, const RTensor *t)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%s", dtype_name(t->type));
    if (t->ndim) {
        for (int k = 0; k < t->ndim && n < (int)sizeof buf - 40; k++)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%lld", k ? ", " : "[", (long long)t->shape[k]);
        snprintf(buf + n, sizeof buf - (size_t)n, "]");
    }
    return arena_strdup(a, buf);
}

/* ---- helpers ---- */

static Val *literal(RTensor *t)
{
    Val *v = val_new(t);
    if (v) v->literal = true;
    return v;
}

static int one(Val *v, Val **out)
{
    if (!v) return -1;
    out[0] = v;
    return 1;
}

/* e as exactly one value (a new reference), or NULL after reporting. */
static Val *eval_one(Line *ln, const RExpr *e, const char *what)
{
    Val *vs[64];
    int n = eval_expr(ln, e, vs, 64);
    if (n == 1) return vs[0];
    if (n >= 0) {
        line_error(ln, e->start, e->end, "%s must be one value; this gives %d", what, n);
        for (int i = 0; i < n; i++) val_release(vs[i]);
    }
    return NULL;
}

/* An integer: a literal, or an integer scalar. */
static bool eval_int(Line *ln, const RExpr *e, const char *what, int64_t *out)
{
    Val *v = eval_one(ln, e, what);
    if (!v) return false;
    Scalar x;
    char why[200];
    bool ok = false;
    if (v->t->ndim) line_error(ln, e->start, e->end, "%s must be an integer, not a tensor", what);
    else if (!dtype_is_int(v->t->type))
        line_error(ln, e->start, e->end, "%s must be an integer, not %s", what, dtype_name(v->t->type));
    else if (!scalar_convert(v, DT_I64, true, &x, why, sizeof why))
        line_error(ln, e->start, e->end, "%s: %s", what, why);
    else {
        *out = x.i64;
        ok = true;
    }
    val_release(v);
    return ok;
}

typedef struct TypeSpec {
    DType t;
    int ndim;
    int64_t shape[RT_MAX_DIMS];
} TypeSpec;

/* f32 or f32[4, n] */
static bool eval_type(Line *ln, const RExpr *e, TypeSpec *ts)
{
    DType t = (e->kind == RX_NAME || e->kind == RX_INDEX) ? dtype_from_name(e->str) : DT_NONE;
    if (t == DT_NONE) {
        line_error(ln, e->start, e->end, "expected a dtype and a shape, like f32[4, 8]");
        return false;
    }
    ts->t = t;
    ts->ndim = e->kind == RX_INDEX ? e->nargs : 0;
    if (ts->ndim > RT_MAX_DIMS) {
        line_error(ln, e->start, e->end, "a tensor has at most %d dimensions", RT_MAX_DIMS);
        return false;
    }
    for (int k = 0; k < ts->ndim; k++) {
        if (!eval_int(ln, e->args[k], "an extent", &ts->shape[k])) return false;
        if (ts->shape[k] < 0) {
            line_error(ln, e->args[k]->start, e->args[k]->end, "extent %lld is negative", (long long)ts->shape[k]);
            return false;
        }
    }
    if (npy_shape_numel(t, ts->ndim, ts->shape) < 0) {
        line_error(ln, e->start, e->end, "%s is too large (more than %lld bytes)", e->str, (long long)RT_MAX_BYTES);
        return false;
    }
    return true;
}

static bool nargs_are(Line *ln, const RExpr *e, int lo, int hi, const char *usage)
{
    if (e->nargs >= lo && e->nargs <= hi) return true;
    line_error(ln, e->start, e->end, "%s takes %s", e->str, usage);
    return false;
}

static Val *made(Line *ln, const RExpr *e, RTensor *t)
{
    if (!t) line_error(ln, e->start, e->end, "out of memory");
    return t ? val_new(t) : NULL;
}

/* ---- the built-ins ---- */

/* rand, zeros, ones: a tensor of type T; fill is -1 for random values */
static int make_tensor(Line *ln, const RExpr *e, Val **out, int fill)
{
    TypeSpec ts;
    if (!eval_type(ln, e->args[0], &ts)) return -1;
    RTensor *t = fill < 0 ? rt_rand(ts.t, ts.ndim, ts.shape) : rt_full(ts.t, ts.ndim, ts.shape, fill);
    return one(made(ln, e, t), out);
}

static int bi_rand(Line *ln, const RExpr *e, Val **out) { return make_tensor(ln, e, out, -1); }
static int bi_zeros(Line *ln, const RExpr *e, Val **out) { return make_tensor(ln, e, out, 0); }
static int bi_ones(Line *ln, const RExpr *e, Val **out) { return make_tensor(ln, e, out, 1); }

static int bi_full(Line *ln, const RExpr *e, Val **out)
{
    TypeSpec ts;
    if (!eval_type(ln, e->args[0], &ts)) return -1;
    Val *v = eval_one(ln, e->args[1], "the fill value");
    if (!v) return -1;
    Scalar x;
    char why[200];
    bool ok = !v->t->ndim && scalar_convert(v, ts.t, false, &x, why, sizeof why);
    if (!ok)
        line_error(ln, e->args[1]->start, e->args[1]->end, "%s", v->t->ndim ? "the fill value must be a scalar" : why);
    val_release(v);
    if (!ok) return -1;
    RTensor *t = rt_new(ts.t, ts.ndim, ts.shape);
    if (t) {
        size_t sz = (size_t)dtype_bits(ts.t) / 8;
        for (int64_t i = 0, n = rt_numel(t); i < n; i++) memcpy((char *)t->data + (size_t)i * sz, &x, sz);
    }
    return one(made(ln, e, t), out);
}

/* arange's argument: a dtype and shape, or a count of i64 values */
static bool arange_type(Line *ln, const RExpr *a, TypeSpec *ts)
{
    if ((a->kind == RX_NAME || a->kind == RX_INDEX) && dtype_from_name(a->str) != DT_NONE) return eval_type(ln, a, ts);
    ts->t = DT_I64;
    ts->ndim = 1;
    if (!eval_int(ln, a, "the count", &ts->shape[0])) return false;
    if (ts->shape[0] < 0) {
        line_error(ln, a->start, a->end, "the count %lld is negative", (long long)ts->shape[0]);
        return false;
    }
    return true;
}

static int bi_arange(Line *ln, const RExpr *e, Val **out)
{
    const RExpr *a = e->args[0];
    TypeSpec ts;
    if (!arange_type(ln, a, &ts)) return -1;
    int64_t n = 1;
    for (int k = 0; k < ts.ndim; k++) n *= ts.shape[k];
    Num last = { N_INT, n - 1, 0, 0 };
    if (n > 1 && dtype_is_int(ts.t) && !int_fits(last, ts.t)) {
        line_error(ln, a->start, a->end, "arange needs values up to %lld, which %s cannot hold", (long long)(n - 1),
                   dtype_name(ts.t));
        return -1;
    }
    if (n > 2 && ts.t == DT_BOOL) {
        line_error(ln, a->start, a->end, "arange of bool has at most 2 elements");
        return -1;
    }
    RTensor *t;
    if (ts.ndim == 1) t = rt_arange(ts.t, ts.shape[0]);
    else if ((t = rt_new(ts.t, ts.ndim, ts.shape)))
        for (int64_t i = 0; i < n; i++) rt_set_i64(t, i, i);
    return one(made(ln, e, t), out);
}

static bool is_file_name(Line *ln, const RExpr *a)
{
    if (a->kind == RX_STRING) return true;
    line_error(ln, a->start, a->end, "expected a file name in quotes");
    return false;
}

static int bi_load(Line *ln, const RExpr *e, Val **out)
{
    const RExpr *a = e->args[0];
    if (!is_file_name(ln, a)) return -1;
    char err[512] = "";
    RTensor *t = npy_load(a->str, err, sizeof err);
    if (!t) line_error(ln, a->start, a->end, "%s", err[0] ? err : "cannot load the file");
    return t ? one(val_new(t), out) : -1;
}

static int bi_save(Line *ln, const RExpr *e, Val **out)
{
    (void)out;
    const RExpr *a = e->args[1];
    if (!is_file_name(ln, a)) return -1;
    Val *v = eval_one(ln, e->args[0], "the tensor to save");
    if (!v) return -1;
    char err[512] = "";
    int r = npy_save(v->t, a->str, err, sizeof err);
    if (r) line_error(ln, a->start, a->end, "%s", err[0] ? err : "cannot save the file");
    val_release(v);
    return r ? -1 : 0;
}

static int bi_seed(Line *ln, const RExpr *e, Val **out)
{
    (void)out;
    int64_t sd;
    if (!eval_int(ln, e->args[0], "the seed", &sd)) return -1;
    rt_seed((uint64_t)sd);
    return 0;
}

const Builtin builtins[] = {
    { "rand", 1, 1, "a dtype and a shape: rand(f32[4, 8])", "rand(T)",
      "random values of type T (like f32[4, 8]); floats in [0, 1)", bi_rand },
    { "zeros", 1, 1, "a dtype and a shape: zeros(f32[4, 8])", "zeros(T)", "a tensor of zeros", bi_zeros },
    { "ones", 1, 1, "a dtype and a shape: ones(f32[4, 8])", "ones(T)", "a tensor of ones", bi_ones },
    { "full", 2, 2, "a dtype and shape, then a value: full(f32[4, 8], 0.5)", "full(T, v)", "a tensor filled with v",
      bi_full },
    { "arange", 1, 1, "a count or a dtype and shape: arange(10), arange(f32[2, 3])", "arange(n or T)",
      "0, 1, 2, ...: n values of i64, or of type T", bi_arange },
    { "load", 1, 1, "a file name: load(\"x.npy\")", "load(\"a.npy\")", "read a NumPy .npy file", bi_load },
    { "save", 2, 2, "a tensor and a file name: save(A, \"a.npy\")", "save(A, \"a.npy\")", "write A as a .npy file",
      bi_save },
    { "seed", 1, 1, "an integer: seed(42)", "seed(42)", "seed rand", bi_seed },
    { NULL, 0, 0, NULL, NULL, NULL, NULL },
};

const Builtin *builtin_find(const char *name)
{
    for (const Builtin *b = builtins; b->name; b++)
        if (!strcmp(b->name, name)) return b;
    return NULL;
}

bool is_builtin(const char *name) { return builtin_find(name) != NULL; }

/* "rand, zeros, ..., seed" */
char *builtin_list(Arena *a)
{
    size_t n = 1;
    for (const Builtin *b = builtins; b->name; b++) n += strlen(b->name) + 2;
    char *s = arena_alloc(a, n), *p = s;
    *p = 0;
    for (const Builtin *b = builtins; b->name; b++) p += sprintf(p, "%s%s", b == builtins ? "" : ", ", b->name);
    return s;
}

static int eval_builtin(Line *ln, const Builtin *b, const RExpr *e, Val **out)
{
    if (!nargs_are(ln, e, b->min, b->max, b->usage)) return -1;
    return b->run(ln, e, out);
}

/* f32(x): an explicit conversion of a scalar */
static int eval_cast(Line *ln, const RExpr *e, DType t, Val **out)
{
    if (!nargs_are(ln, e, 1, 1, "one scalar")) return -1;
    Val *v = eval_one(ln, e->args[0], "the value to convert");
    if (!v) return -1;
    Scalar x;
    char why[200];
    bool ok = !v->t->ndim && scalar_convert(v, t, true, &x, why, sizeof why);
    if (!ok)
        line_error(ln, e->args[0]->start, e->args[0]->end, "%s",
                   v->t->ndim ? "only scalars convert; tensors keep their dtype" : why);
    val_release(v);
    return ok ? one(made(ln, e, scalar_tensor(t, &x)), out) : -1;
}

static int eval_fn_call(Line *ln, LFunc *lf, const RExpr *e, Val **out, int max)
{
    Call c;
    if (call_prepare(ln, lf, e, &c)) return -1;
    if (c.nresults > max) {
        line_error(ln, e->start, e->end, "too many results");
        call_free(&c);
        return -1;
    }
    Compiled *comp = comp_get(ln->s, lf, ln->d);
    int r = comp ? call_run(ln, &c, comp, NULL) : -1;
    if (comp) comp_release(comp);
    int n = r ? -1 : c.nresults;
    for (int i = 0; i < n; i++) out[i] = val_ref(c.results[i]);
    call_free(&c);
    return n;
}

static int eval_index(Line *ln, const RExpr *e, Val **out)
{
    Val *v = vars_get(ln->s, e->str);
    if (!v) {
        if (dtype_from_name(e->str) != DT_NONE)
            line_error(ln, e->start, e->end, "%s[...] is a type; make a tensor with zeros(...), rand(...), ...",
                       e->str);
        else line_error(ln, e->start, e->name_end, "unknown tensor '%s'", e->str);
        return -1;
    }
    const RTensor *t = v->t;
    if (e->nargs != t->ndim) {
        line_error(ln, e->open, e->end, "%s has %d dimension%s; give %d ind%s", e->str, t->ndim,
                   t->ndim == 1 ? "" : "s", t->ndim, t->ndim == 1 ? "ex" : "ices");
        return -1;
    }
    int64_t flat = 0;
    for (int k = 0; k < t->ndim; k++) {
        int64_t i;
        if (!eval_int(ln, e->args[k], "an index", &i)) return -1;
        int64_t x = i < 0 ? i + t->shape[k] : i;
        if (x < 0 || x >= t->shape[k]) {
            line_error(ln, e->args[k]->start, e->args[k]->end,
                       "index %lld is out of bounds for dim %d of %s (extent %lld)", (long long)i, k, e->str,
                       (long long)t->shape[k]);
            return -1;
        }
        flat = flat * t->shape[k] + x;
    }
    RTensor *r = rt_new(t->type, 0, NULL);
    size_t sz = (size_t)dtype_bits(t->type) / 8;
    if (r) memcpy(r->data, (const char *)t->data + (size_t)flat * sz, sz);
    return one(made(ln, e, r), out);
}

static int eval_neg(Line *ln, const RExpr *e, Val **out)
{
    const RExpr *x = e->args[0];
    if (x->kind == RX_INT) {
        if (x->big && x->uval != (uint64_t)INT64_MAX + 1) {
            line_error(ln, e->start, e->end, "integer literal does not fit in i64");
            return -1;
        }
        Scalar s = { .i64 = x->big ? INT64_MIN : -x->ival };
        return one(literal(scalar_tensor(DT_I64, &s)), out);
    }
    if (x->kind == RX_FLOAT) {
        Scalar s = { .f64 = -x->fval };
        return one(literal(scalar_tensor(DT_F64, &s)), out);
    }
    Val *v = eval_one(ln, x, "the operand of '-'");
    if (!v) return -1;
    DType t = v->t->type;
    Num n = num_read(v->t, 0);
    bool ok = !v->t->ndim && (dtype_is_float(t) || dtype_is_signed(t)) &&
              (n.k == N_FLOAT || int_fits((Num){ N_INT, -n.i, 0, 0 }, t));
    if (!ok) {
        line_error(ln, e->start, e->end, "%s",
                   v->t->ndim ? "'-' applies to scalars; arithmetic on tensors belongs in a fn"
                              : "cannot negate this value in its dtype");
        val_release(v);
        return -1;
    }
    Scalar s;
    if (n.k == N_FLOAT) n.f = -n.f;
    else n.i = -n.i;
    scalar_store(t, n, &s);
    RTensor *r = scalar_tensor(t, &s);
    bool lit = v->literal;
    val_release(v);
    Val *nv = made(ln, e, r);
    if (nv) nv->literal = lit;
    return one(nv, out);
}

int eval_expr(Line *ln, const RExpr *e, Val **out, int max)
{
    Session *s = ln->s;
    switch (e->kind) {
    case RX_INT: {
        Scalar x = { .u64 = e->big ? e->uval : (uint64_t)e->ival };
        return one(literal(scalar_tensor(e->big ? DT_U64 : DT_I64, &x)), out);
    }
    case RX_FLOAT: {
        Scalar x = { .f64 = e->fval };
        return one(literal(scalar_tensor(DT_F64, &x)), out);
    }
    case RX_BOOL: {
        Scalar x = { .u8 = (uint8_t)e->ival };
        return one(literal(scalar_tensor(DT_BOOL, &x)), out);
    }
    case RX_STRING: line_error(ln, e->start, e->end, "a string is only a file name for load or save"); return -1;
    case RX_NEG: return eval_neg(ln, e, out);
    case RX_INDEX: return eval_index(ln, e, out);
    case RX_NAME: {
        Val *v = vars_get(s, e->str);
        if (v) return one(val_ref(v), out);
        if (defs_find(s, e->str, NULL))
            line_error(ln, e->start, e->end, "'%s' is a function; call it: %s(...)", e->str, e->str);
        else if (dtype_from_name(e->str) != DT_NONE)
            line_error(ln, e->start, e->end, "'%s' is a dtype; convert with %s(x) or make a tensor with zeros(%s[4])",
                       e->str, e->str, e->str);
        else if (is_builtin(e->str))
            line_error(ln, e->start, e->end, "'%s' is a built-in; call it: %s(...)", e->str, e->str);
        else line_error(ln, e->start, e->end, "unknown name '%s'", e->str);
        return -1;
    }
    case RX_CALL: {
        LFunc *lf = defs_find(s, e->str, NULL);
        if (lf) return eval_fn_call(ln, lf, e, out, max);
        const Builtin *b = builtin_find(e->str);
        if (b) return eval_builtin(ln, b, e, out);
        DType t = dtype_from_name(e->str);
        if (t != DT_NONE) return eval_cast(ln, e, t, out);
        if (vars_get(s, e->str)) line_error(ln, e->start, e->name_end, "'%s' is a value, not a function", e->str);
        else {
            line_error(ln, e->start, e->name_end, "unknown function '%s'", e->str);
            line_plain_note(ln, "the built-ins are %s; :vars lists the fns", builtin_list(ln->a));
        }
        return -1;
    }
    }
    return -1;
}

/* ---- statements ---- */

bool stmt_check_target(Line *ln, const char *name, int start, int end)
{
    const char *why = NULL;
    if (defs_find(ln->s, name, NULL)) why = "a function";
    else if (is_builtin(name)) why = "a built-in";
    else if (dtype_from_name(name) != DT_NONE) why = "a dtype";
    else if (!strcmp(name, "fn") || !strcmp(name, "schedule") || !strcmp(name, "true") || !strcmp(name, "false"))
        why = "a keyword";
    if (why) line_error(ln, start, end, "'%s' is %s; choose another name", name, why);
    return !why;
}

int eval_stmt(Line *ln)
{
    if (xform_wanted(ln->text)) return xform_stmt(ln);
    RStmt *st = stmt_parse(ln, 0);
    if (!st) return -1;
    const RExpr *e = st->value;
    for (int i = 0; i < st->ntargets; i++) {
        if (!stmt_check_target(ln, st->targets[i], st->tstart[i], st->tend[i])) return -1;
        for (int j = 0; j < i; j++)
            if (!strcmp(st->targets[i], st->targets[j])) {
                line_error(ln, st->tstart[i], st->tend[i], "'%s' is assigned twice", st->targets[i]);
                return -1;
            }
    }
    LFunc *lf = e->kind == RX_NAME && !vars_get(ln->s, e->str) ? defs_find(ln->s, e->str, NULL) : NULL;
    if (lf && !st->ntargets) {             /* a bare fn name: its signature */
        printf("fn ");
        defs_print_signature(stdout, lf->fn);
        putchar('\n');
        return 0;
    }
    Val *vals[64];
    int n = eval_expr(ln, e, vals, 64);
    if (n < 0) return -1;
    if (st->ntargets) {
        if (n != st->ntargets) {
            if (n == 0) line_error(ln, e->start, e->end, "%s(...) gives no value to assign", e->str);
            else
                line_error(ln, st->tstart[0], st->tend[st->ntargets - 1], "%d name%s for %d value%s", st->ntargets,
                           st->ntargets == 1 ? "" : "s", n, n == 1 ? "" : "s");
            for (int i = 0; i < n; i++) val_release(vals[i]);
            return -1;
        }
        for (int i = 0; i < n; i++) vars_set(ln->s, st->targets[i], vals[i]);
        return 0;
    }
    LFunc *callee = e->kind == RX_CALL ? defs_find(ln->s, e->str, NULL) : NULL;
    for (int i = 0; i < n; i++) {
        if (n > 1 && callee) printf("%s:\n", callee->fn->results[i]->name);
        rt_print(stdout, vals[i]->t);
        val_release(vals[i]);
    }
    return 0;
}
