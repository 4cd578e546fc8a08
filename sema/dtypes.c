/* dtypes.c - dtype checking. Operands must agree up to lossless widening
 * (no silent narrowing); untyped literals take the type their context needs,
 * settled top-down once the surrounding type is known. */
#include "sema/sema_int.h"
#include <math.h>
#include <string.h>

/* Literal pseudo-types, only inside this pass. */
#define LIT_INT ((DType)(DT_COUNT + 1))
#define LIT_FLOAT ((DType)(DT_COUNT + 2))
#define IS_LIT(t) ((t) == LIT_INT || (t) == LIT_FLOAT)

static const char *tname(DType t)
{
    return t == LIT_INT ? "integer literal" : t == LIT_FLOAT ? "float literal" : dtype_name(t);
}

static bool is_numeric(DType t) { return t == LIT_INT || t == LIT_FLOAT || dtype_is_int(t) || dtype_is_float(t); }

static bool literal_fits(const Expr *e, DType t)
{
    if (dtype_is_float(t)) return true;
    if (!dtype_is_int(t)) return false;
    if (e->kind != EX_INT) return true;
    int64_t v = e->ival;
    int bits = dtype_bits(t);
    if (dtype_is_signed(t)) return bits == 64 || (v >= -(INT64_C(1) << (bits - 1)) && v < (INT64_C(1) << (bits - 1)));
    return v >= 0 && (bits == 64 || v < (INT64_C(1) << bits));
}

/* Gives every untyped literal under e the concrete type t. */
static void settle(Ctx *c, Expr *e, DType t)
{
    if (!IS_LIT(e->type)) return;
    if (e->kind == EX_INT && !literal_fits(e, t))
        diag_error(c->d, e->span, "literal %lld does not fit in %s", (long long)e->ival, dtype_name(t));
    e->type = t;
    if (e->kind == EX_UNARY || e->kind == EX_BINARY || e->kind == EX_CALL) {
        for (int i = 0; i < e->nargs; i++) settle(c, e->args[i], t);
    } else if (e->kind == EX_SELECT) {
        settle(c, e->args[1], t);
        settle(c, e->args[2], t);
    } else if (e->kind == EX_REDUCE) {
        settle(c, e->args[0], t);
    }
}

/* The common type of two operands, or DT_NONE after an error. */
static DType unify(Ctx *c, Expr *a, Expr *b, Span sp)
{
    DType ta = a->type, tb = b->type;
    if (ta == DT_NONE || tb == DT_NONE) return DT_NONE;
    if (IS_LIT(ta) && IS_LIT(tb)) return ta == LIT_FLOAT || tb == LIT_FLOAT ? LIT_FLOAT : LIT_INT;
    if (IS_LIT(ta) || IS_LIT(tb)) {
        Expr *lit = IS_LIT(ta) ? a : b;
        DType t = IS_LIT(ta) ? tb : ta;
        if (lit->type == LIT_FLOAT && !dtype_is_float(t)) {
            diag_error(c->d, lit->span, "float literal used where %s is needed", dtype_name(t));
            return DT_NONE;
        }
        if (t == DT_BOOL) {
            diag_error(c->d, lit->span, "number used where bool is needed");
            return DT_NONE;
        }
        settle(c, lit, t);
        return t;
    }
    if (dtype_widens_to(ta, tb)) return tb;
    if (dtype_widens_to(tb, ta)) return ta;
    diag_error(c->d, sp, "operands have different dtypes %s and %s; cast one explicitly, e.g. %s(...)", dtype_name(ta),
               dtype_name(tb), dtype_name(dtype_widens_to(ta, DT_F64) ? tb : ta));
    return DT_NONE;
}

static DType check(Ctx *c, Expr *e);

static DType want_bool(Ctx *c, Expr *e)
{
    DType t = check(c, e);
    if (t != DT_NONE && t != DT_BOOL) {
        diag_error(c->d, e->span, "expected a bool condition, found %s", tname(t));
        return DT_NONE;
    }
    return t;
}

static DType want_numeric(Ctx *c, Expr *e, const char *what)
{
    DType t = check(c, e);
    if (t != DT_NONE && !is_numeric(t)) {
        diag_error(c->d, e->span, "%s needs a number, found %s", what, tname(t));
        return DT_NONE;
    }
    return t;
}

static DType check_binary(Ctx *c, Expr *e)
{
    Expr *a = e->args[0], *b = e->args[1];
    if (e->op == OP_AND || e->op == OP_OR) {
        DType ta = want_bool(c, a), tb = want_bool(c, b);
        return ta && tb ? DT_BOOL : DT_NONE;
    }
    bool eq = e->op == OP_EQ || e->op == OP_NE;
    DType ta = eq ? check(c, a) : want_numeric(c, a, op_text(e->op));
    DType tb = eq ? check(c, b) : want_numeric(c, b, op_text(e->op));
    if (!ta || !tb) return DT_NONE;
    DType t = unify(c, a, b, e->span);
    if (!t) return DT_NONE;
    if (e->op >= OP_LT && e->op <= OP_NE) {
        if (IS_LIT(t)) settle(c, e, t == LIT_INT ? DT_I64 : DT_F64);
        return DT_BOOL;
    }
    return t;
}

static const struct {
    const char *name;
    MathFn fn;
    int nargs;
    bool needs_float;
} math_fns[] = {
    { "exp", MF_EXP, 1, true },     { "log", MF_LOG, 1, true },     { "sqrt", MF_SQRT, 1, true },
    { "rsqrt", MF_RSQRT, 1, true }, { "sin", MF_SIN, 1, true },     { "cos", MF_COS, 1, true },
    { "tanh", MF_TANH, 1, true },   { "erf", MF_ERF, 1, true },     { "sigmoid", MF_SIGMOID, 1, true },
    { "pow", MF_POW, 2, true },     { "floor", MF_FLOOR, 1, true }, { "ceil", MF_CEIL, 1, true },
    { "abs", MF_ABS, 1, false },    { "min", MF_MIN, 2, false },    { "max", MF_MAX, 2, false },
};

bool dtypes_is_builtin(const char *name)
{
    for (size_t i = 0; i < sizeof math_fns / sizeof math_fns[0]; i++)
        if (!strcmp(math_fns[i].name, name)) return true;
    return !strcmp(name, "clamp") || dtype_from_name(name) != DT_NONE;
}

static DType check_cast(Ctx *c, Expr *e, DType to)
{
    e->fn = MF_CAST;
    e->cast_to = to;
    if (e->nargs != 1) {
        diag_error(c->d, e->span, "cast %s(...) takes 1 argument, not %d", dtype_name(to), e->nargs);
        return DT_NONE;
    }
    DType t = check(c, e->args[0]);
    if (!t) return DT_NONE;
    if (IS_LIT(t)) settle(c, e->args[0], t == LIT_FLOAT ? DT_F64 : dtype_is_float(to) ? to : DT_I64);
    return to;
}

/* clamp(x, lo, hi): min(max(x, lo), hi), its three operands unified */
static DType check_clamp(Ctx *c, Expr *e)
{
    e->fn = MF_CLAMP;
    if (e->nargs != 3) {
        diag_error(c->d, e->span, "clamp takes 3 arguments (value, low, high), not %d", e->nargs);
        return DT_NONE;
    }
    DType t0 = want_numeric(c, e->args[0], "clamp"), t1 = want_numeric(c, e->args[1], "clamp");
    DType t2 = want_numeric(c, e->args[2], "clamp");
    if (!t0 || !t1 || !t2) return DT_NONE;
    Expr pair = { .type = unify(c, e->args[0], e->args[1], e->span) };
    if (!pair.type) return DT_NONE;
    DType t = unify(c, &pair, e->args[2], e->span);
    if (t && !IS_LIT(t))
        for (int i = 0; i < 3; i++) settle(c, e->args[i], t);
    return t;
}

static DType check_call(Ctx *c, Expr *e)
{
    if (!strcmp(e->name, "select")) {
        if (e->nargs != 3) {
            diag_error(c->d, e->span, "select takes 3 arguments (condition, then, else), not %d", e->nargs);
            return DT_NONE;
        }
        e->kind = EX_SELECT;
        DType tc = want_bool(c, e->args[0]);
        DType ta = check(c, e->args[1]), tb = check(c, e->args[2]);
        if (!tc || !ta || !tb) return DT_NONE;
        if (ta == DT_BOOL && tb == DT_BOOL) return DT_BOOL;
        return unify(c, e->args[1], e->args[2], e->span);
    }
    DType cast = dtype_from_name(e->name);
    if (cast) return check_cast(c, e, cast);
    if (!strcmp(e->name, "clamp")) return check_clamp(c, e);
    for (size_t i = 0; i < sizeof math_fns / sizeof math_fns[0]; i++) {
        if (strcmp(math_fns[i].name, e->name)) continue;
        e->fn = math_fns[i].fn;
        if (e->nargs != math_fns[i].nargs) {
            diag_error(c->d, e->span, "%s takes %d argument%s, not %d", e->name, math_fns[i].nargs,
                       math_fns[i].nargs == 1 ? "" : "s", e->nargs);
            return DT_NONE;
        }
        DType t = want_numeric(c, e->args[0], e->name);
        if (e->nargs == 2) {
            DType t2 = want_numeric(c, e->args[1], e->name);
            if (!t || !t2) return DT_NONE;
            t = unify(c, e->args[0], e->args[1], e->span);
        }
        if (!t) return DT_NONE;
        if (math_fns[i].needs_float) {
            if (t == LIT_INT || t == LIT_FLOAT) return LIT_FLOAT;
            if (!dtype_is_float(t)) {
                diag_error(c->d, e->span, "%s needs f32 or f64, found %s; cast it, e.g. %s(f32(x))", e->name,
                           dtype_name(t), e->name);
                return DT_NONE;
            }
        }
        return t;
    }
    diag_error(c->d, e->span, "unknown function '%s'", e->name);
    return DT_NONE;
}

static DType check_access(Ctx *c, Expr *e)
{
    Tensor *t = e->tensor;
    bool ok = true;
    if (e->nargs != t->ndim) {
        diag_error(c->d, e->span, "'%s' has %d dimension%s but is indexed with %d", t->name, t->ndim,
                   t->ndim == 1 ? "" : "s", e->nargs);
        ok = false;
    }
    for (int i = 0; i < e->nargs; i++) {
        DType ti = check(c, e->args[i]);
        if (IS_LIT(ti) && ti == LIT_INT) settle(c, e->args[i], DT_I64);
        else if (ti && dtype_is_float(ti) && e->args[i]->kind == EX_ACCESS) {
            diag_error(c->d, e->args[i]->span,
                       "index tensor '%s' of '%s' has dtype %s: an index must be an integer; give '%s' an integer "
                       "dtype (or cast, e.g. i64(...), to truncate)",
                       e->args[i]->tensor->name, t->name, dtype_name(ti), e->args[i]->tensor->name);
            ok = false;
        } else if (ti && !(dtype_is_int(ti) && dtype_widens_to(ti, DT_I64))) {
            diag_error(c->d, e->args[i]->span, "index of '%s' must be an integer, found %s", t->name, tname(ti));
            ok = false;
        }
    }
    return ok ? t->type : DT_NONE;
}

/* argmax/argmin rank values by a 32-bit key (to_loops.c): values of at most
 * 32 bits; the result is the i64 position. */
static DType check_argreduce(Ctx *c, Expr *e, DType t)
{
    if (IS_LIT(t)) settle(c, e->args[0], t = t == LIT_FLOAT ? DT_F32 : DT_I32);
    if (dtype_bits(t) > 32) {
        diag_error(c->d, e->args[0]->span,
                   "%s over %s values is not supported: %s takes values of at most 32 bits; cast them, e.g. f32(...)",
                   op_text(e->op), dtype_name(t), op_text(e->op));
        return DT_NONE;
    }
    return DT_I64;
}

static DType check(Ctx *c, Expr *e)
{
    DType t = DT_NONE;
    switch (e->kind) {
    case EX_INT: t = LIT_INT; break;
    case EX_FLOAT: t = LIT_FLOAT; break;
    case EX_BOOL: t = DT_BOOL; break;
    case EX_NAME: t = e->ref == REF_SCALAR ? e->tensor->type : DT_INDEX; break;
    case EX_ACCESS: t = check_access(c, e); break;
    case EX_UNARY: t = e->op == OP_NOT ? want_bool(c, e->args[0]) : want_numeric(c, e->args[0], "negation"); break;
    case EX_BINARY: t = check_binary(c, e); break;
    case EX_SELECT:
    case EX_CALL: t = check_call(c, e); break;
    case EX_REDUCE:
        for (int i = 0; i < e->nrvars; i++) {
            RVar *r = e->rvars[i];
            if (r->lo && check(c, r->lo)) settle(c, r->lo, DT_I64);
            if (r->hi && check(c, r->hi)) settle(c, r->hi, DT_I64);
        }
        t = want_numeric(c, e->args[0], op_text(e->op));
        if (t && (e->op == OP_ARGMAX || e->op == OP_ARGMIN)) t = check_argreduce(c, e, t);
        break;
    }
    e->type = t;
    return t;
}

/* A stage's value must widen to its target's dtype; intermediates take the
 * value's dtype (f32 for a bare float literal, i32 for an integer one). */
static bool check_stage(Ctx *c, Stage *s)
{
    Tensor *t = s->tensor;
    DType v = check(c, s->value);
    if (!v) return false;
    if (t->kind == TK_LOCAL && !t->type) {
        t->type = v == LIT_FLOAT ? DT_F32 : v == LIT_INT ? DT_I32 : v;
        settle(c, s->value, t->type);
        return true;
    }
    if (IS_LIT(v)) {
        if (v == LIT_FLOAT && !dtype_is_float(t->type)) {
            diag_error(c->d, s->value->span, "float value assigned to %s '%s'", dtype_name(t->type), t->name);
            return false;
        }
        settle(c, s->value, t->type);
        return true;
    }
    if (!dtype_widens_to(v, t->type)) {
        diag_error(c->d, s->value->span,
                   "value of dtype %s cannot be stored in %s '%s' without narrowing; cast it, e.g. %s(...)",
                   dtype_name(v), dtype_name(t->type), t->name, dtype_name(t->type));
        return false;
    }
    return true;
}

static bool check_call_stage(Ctx *c, Stage *s)
{
    bool ok = true;
    Fn *f = s->fn;
    if (s->nargs != f->nparams) {
        diag_error(c->d, s->callee_span, "'%s' takes %d argument%s but %d %s given", f->name, f->nparams,
                   f->nparams == 1 ? "" : "s", s->nargs, s->nargs == 1 ? "is" : "are");
        return false;
    }
    if (s->ntargets != f->nresults) {
        diag_error(c->d, s->callee_span, "'%s' returns %d result%s but %d %s bound", f->name, f->nresults,
                   f->nresults == 1 ? "" : "s", s->ntargets, s->ntargets == 1 ? "is" : "are");
        return false;
    }
    for (int i = 0; i < s->nargs; i++) {
        Tensor *p = f->params[i];
        Expr *e = s->args[i];
        if (!p->is_scalar) {
            if (!e->tensor || e->ref != REF_NONE) {
                diag_error(c->d, e->span, "argument %d of '%s' must be a tensor (%s)", i + 1, f->name, p->name);
                ok = false;
            } else if (e->tensor->ndim != p->ndim) {
                diag_error(c->d, e->span, "argument '%s' has %d dimension%s but '%s' expects %d for %s",
                           e->tensor->name, e->tensor->ndim, e->tensor->ndim == 1 ? "" : "s", f->name, p->ndim,
                           p->name);
                ok = false;
            } else if (e->tensor->type && e->tensor->type != p->type) {
                diag_error(c->d, e->span, "argument '%s' has dtype %s but '%s' expects %s for %s", e->tensor->name,
                           dtype_name(e->tensor->type), f->name, dtype_name(p->type), p->name);
                ok = false;
            }
            continue;
        }
        if (e->tensor && e->ref == REF_NONE) {
            diag_error(c->d, e->span, "argument %d of '%s' must be a %s scalar (%s)", i + 1, f->name,
                       dtype_name(p->type), p->name);
            ok = false;
            continue;
        }
        DType t = check(c, e);
        if (IS_LIT(t)) {
            if (t == LIT_FLOAT && !dtype_is_float(p->type)) {
                diag_error(c->d, e->span, "float value passed for %s parameter '%s'", dtype_name(p->type), p->name);
                ok = false;
            } else settle(c, e, p->type);
        } else if (t && !dtype_widens_to(t, p->type)) {
            diag_error(c->d, e->span, "argument of dtype %s cannot be passed as %s '%s' without narrowing",
                       dtype_name(t), dtype_name(p->type), p->name);
            ok = false;
        }
    }
    for (int i = 0; ok && i < s->ntargets; i++) {
        Tensor *out = s->outs[i], *r = f->results[i];
        if (out->kind == TK_LOCAL && !out->declared_shape) {
            out->type = r->type;
            out->ndim = r->ndim;
        } else if (out->type != r->type || out->ndim != r->ndim) {
            diag_error(c->d, s->target_spans[i], "'%s' is %s with %d dims but '%s' returns %s with %d dims", out->name,
                       dtype_name(out->type), out->ndim, f->name, dtype_name(r->type), r->ndim);
            ok = false;
        }
    }
    return ok;
}

bool dtypes_check_fn(Ctx *c)
{
    bool ok = true;
    Fn *f = c->fn;
    for (int i = 0; i < f->nstmts; i++) {
        Stage *s = f->stmts[i];
        if (s->kind == ST_STAGE) ok &= check_stage(c, s);
        else if (s->kind == ST_CALL) ok &= check_call_stage(c, s);
    }
    return ok;
}
