/* bounds.c - the one interval analysis over index expressions: affine in
 * index and size vars, with / and % by positive constants. Walking
 * stages from the results backwards, it settles the region each intermediate
 * stage must cover (the union of what its consumers read) and proves every
 * read of a fixed-shape tensor in bounds. Inside select(c, a, b), the
 * comparisons in c narrow the ranges of the index variables for a (and the
 * negated comparison for b), so guarded reads are proven too. A derived size
 * var q = e / k (shapes.c) adds the facts k * q <= e <= k * q + k - 1.
 * A value the program reads inside an index or a guard (I[i] in T[I[i], j])
 * is one more variable, ranging over its dtype (bounds_loads.c) and narrowed
 * by the same rules, and by min / max / clamp. */
#include "sema/sema.h"
#include "sema/sema_int.h"
#include "lang/check.h"
#include <stdlib.h>
#include <string.h>

/* The program computes e in e's dtype, wrapping: a form over loaded values is
 * kept only where that is i64, whose wrap the ranges rule out where the form
 * is used (an index range that overflows proves nothing; narrow checks). */
static Affine *wrap_checked(const Expr *e, Affine *x, bool *ok)
{
    if (!*ok || !bounds_has_load(x) || e->type == DT_I64) return x;
    *ok = false;
    return NULL;
}

/* A cast of an integer to an integer type that holds all its values. */
static bool is_widening(const Expr *e)
{
    if (e->kind != EX_CALL || e->fn != MF_CAST || e->nargs != 1) return false;
    DType from = e->args[0]->type;
    return dtype_is_int(from) && dtype_is_int(e->cast_to) && dtype_widens_to(from, e->cast_to);
}

/* e as an affine form over size vars and encoded index vars; *ok = false if
 * it is not affine (a nonlinear index, or a data-dependent one outside the
 * bounds walk). */
Affine *bounds_linear(Ctx *c, const Expr *e, bool *ok)
{
    int k;
    if (c->index_loads && is_widening(e)) {   /* i64(I[i]) is I[i]: the same value, the same unknown */
        bool inner = true;
        Affine *x = bounds_linear(c, e->args[0], &inner);
        if (inner) return x;
    }
    if (c->index_loads && bounds_loaded_type(e) && (k = bounds_load_id(c, e)) >= 0) return aff_var(c->a, LD_VAR(k));
    switch (e->kind) {
    case EX_INT: return aff_const(c->a, e->ival);
    case EX_NAME:
        if (e->ref == REF_SIZE) return aff_var(c->a, e->ref_id);
        if (e->ref == REF_INDEX) return aff_var(c->a, IDX_VAR(e->ref_id));
        if (e->ref == REF_RVAR) return aff_var(c->a, RV_VAR(e->rvar->id));
        break;
    case EX_UNARY:
        if (e->op == OP_NEG) {
            Affine *x = bounds_linear(c, e->args[0], ok);
            return *ok ? wrap_checked(e, aff_scale(c->a, x, -1), ok) : NULL;
        }
        break;
    case EX_BINARY:
        if (e->op == OP_ADD || e->op == OP_SUB || e->op == OP_MUL) {
            Affine *x = bounds_linear(c, e->args[0], ok);
            if (!*ok) return NULL;
            Affine *y = bounds_linear(c, e->args[1], ok);
            if (!*ok) return NULL;
            if (e->op == OP_ADD) return wrap_checked(e, aff_add(c->a, x, y), ok);
            if (e->op == OP_SUB) return wrap_checked(e, aff_sub(c->a, x, y), ok);
            if (aff_is_const(x)) return wrap_checked(e, aff_scale(c->a, y, x->c), ok);
            if (aff_is_const(y)) return wrap_checked(e, aff_scale(c->a, x, y->c), ok);
        }
        break;
    default: break;
    }
    *ok = false;
    return NULL;
}

/* Ranges of the index variables where an expression is evaluated. */
typedef struct Env {
    Range *idx;
    int nidx;
    Range *rv;
    int nrv;
    Affine **facts;
    int nfacts;     /* f >= 0 wherever the expression runs */
    Range *ld;      /* MAX_LOADS: the ranges of loaded values (lo NULL: its dtype's) */
} Env;

#define MAX_FACTS 64

static void add_fact(Ctx *c, Env *env, const Range *r)
{
    if (env->nfacts < MAX_FACTS) env->facts[env->nfacts++] = aff_sub(c->a, r->hi, r->lo);
}

static Range *var_range(Ctx *c, Env *env, int var)
{
    if (var >= LD_BASE) {
        int k = var - LD_BASE;
        if (k >= c->loads.len) return NULL;
        if (!env->ld[k].lo) env->ld[k] = bounds_dtype_range(c, bounds_loaded_type(c->loads.items[k]));
        return &env->ld[k];
    }
    if (var >= RV_BASE) return env->rv[var - RV_BASE].lo ? &env->rv[var - RV_BASE] : NULL;
    if (var >= IDX_BASE) return var - IDX_BASE < env->nidx ? &env->idx[var - IDX_BASE] : NULL;
    return NULL;
}

/* Interval of an affine form over env: index vars replaced by their bounds. */
static bool eval_range(Ctx *c, Env *env, const Affine *x, Range *out)
{
    if (x->overflow) {                  /* unprovable, and printed as such */
        out->lo = out->hi = (Affine *)x;
        return true;
    }
    Affine *lo = aff_const(c->a, x->c), *hi = aff_const(c->a, x->c);
    for (int i = 0; i < x->n; i++) {
        int64_t k = x->coef[i];
        if (x->var[i] < IDX_BASE) {
            Affine *t = aff_scale(c->a, aff_var(c->a, x->var[i]), k);
            lo = aff_add(c->a, lo, t);
            hi = aff_add(c->a, hi, t);
            continue;
        }
        Range *r = var_range(c, env, x->var[i]);
        if (!r) return false;
        lo = aff_add(c->a, lo, aff_scale(c->a, k > 0 ? r->lo : r->hi, k));
        hi = aff_add(c->a, hi, aff_scale(c->a, k > 0 ? r->hi : r->lo, k));
    }
    out->lo = lo;
    out->hi = hi;
    return true;
}

/* ---- narrowing by select conditions ---- */

/* Applies the fact f >= 0 (f affine) when it bounds a single index variable. */
static void apply_fact(Ctx *c, Env *env, Affine *f)
{
    int at = -1;
    if (f->overflow) return;
    for (int i = 0; i < f->n; i++)
        if (f->var[i] >= IDX_BASE) {
            if (at >= 0) return;
            at = i;
        }
    if (at < 0 || (f->coef[at] != 1 && f->coef[at] != -1)) return;
    Range *r = var_range(c, env, f->var[at]);
    if (!r) return;
    Affine *rest = aff_sub(c->a, f, aff_scale(c->a, aff_var(c->a, f->var[at]), f->coef[at]));
    if (f->coef[at] == 1) {             /* v + rest >= 0: v >= -rest */
        Affine *lo = aff_scale(c->a, rest, -1);
        if (aff_compare(c->a, lo, r->lo) != -1) r->lo = lo;
    } else {                            /* rest - v >= 0: v <= rest */
        if (aff_compare(c->a, rest, r->hi) != 1) r->hi = rest;
    }
    add_fact(c, env, r);                /* the arm runs only if the narrowed range is non-empty */
}

/* The program evaluates a condition in wrapping i64 arithmetic; a comparison
 * narrows ranges only when it cannot wrap for any size that fits in memory
 * (sizes < 2^48): few terms, small coefficients and constants. */
static bool small(const Affine *x)
{
    if (x->overflow || x->n > 4 || x->c > (INT64_C(1) << 40) || x->c < -(INT64_C(1) << 40)) return false;
    for (int i = 0; i < x->n; i++)
        if (x->coef[i] > 4096 || x->coef[i] < -4096) return false;
    return true;
}

/* A side over loaded values narrows only where its range fits in i64, so the
 * program's wrapping arithmetic computes it exactly. */
static bool fits_i64(Ctx *c, Env *env, const Affine *x)
{
    Range r;
    return !bounds_has_load(x) || (eval_range(c, env, x, &r) && !r.lo->overflow && !r.hi->overflow);
}

static Op negate(Op op)
{
    switch (op) {
    case OP_LT: return OP_GE;
    case OP_LE: return OP_GT;
    case OP_GT: return OP_LE;
    case OP_GE: return OP_LT;
    case OP_NE: return OP_EQ;
    default: return OP_NONE;
    }
}

static void narrow(Ctx *c, Env *env, const Expr *cond, bool truth)
{
    if (cond->kind == EX_UNARY && cond->op == OP_NOT) {
        narrow(c, env, cond->args[0], !truth);
        return;
    }
    if (cond->kind != EX_BINARY) return;
    if ((cond->op == OP_AND && truth) || (cond->op == OP_OR && !truth)) {
        narrow(c, env, cond->args[0], truth);
        narrow(c, env, cond->args[1], truth);
        return;
    }
    Op op = truth ? cond->op : negate(cond->op);
    if (op < OP_LT || op > OP_EQ || op == OP_NE) return;
    bool ok = true;
    Affine *a = bounds_linear(c, cond->args[0], &ok);
    Affine *b = ok ? bounds_linear(c, cond->args[1], &ok) : NULL;
    if (!ok || !small(a) || !small(b) || !fits_i64(c, env, a) || !fits_i64(c, env, b)) return;
    switch (op) {
    case OP_LT: apply_fact(c, env, aff_add_const(c->a, aff_sub(c->a, b, a), -1)); break;
    case OP_LE: apply_fact(c, env, aff_sub(c->a, b, a)); break;
    case OP_GT: apply_fact(c, env, aff_add_const(c->a, aff_sub(c->a, a, b), -1)); break;
    case OP_GE: apply_fact(c, env, aff_sub(c->a, a, b)); break;
    case OP_EQ:
        apply_fact(c, env, aff_sub(c->a, b, a));
        apply_fact(c, env, aff_sub(c->a, a, b));
        break;
    default: break;
    }
}

static Env env_copy(Ctx *c, const Env *e)
{
    Env n = *e;
    n.idx = ARENA_ARRAY(c->a, Range, e->nidx ? e->nidx : 1);
    n.rv = ARENA_ARRAY(c->a, Range, e->nrv ? e->nrv : 1);
    memcpy(n.idx, e->idx, sizeof(Range) * (size_t)e->nidx);
    memcpy(n.rv, e->rv, sizeof(Range) * (size_t)e->nrv);
    n.facts = ARENA_ARRAY(c->a, Affine *, MAX_FACTS);
    memcpy(n.facts, e->facts, sizeof(Affine *) * (size_t)e->nfacts);
    n.ld = ARENA_ARRAY(c->a, Range, MAX_LOADS);
    memcpy(n.ld, e->ld, sizeof(Range) * MAX_LOADS);
    return n;
}

/* ---- the walk ---- */

typedef struct Walk {
    Ctx *c;
    Range **region;     /* per tensor (position in c->tensors): accumulated reads */
    bool ok;
    const Tensor *only; /* bounds_region_read: collect reads of this tensor into out, prove nothing */
    Range *out;
    const Tensor *const *through;   /* ... following reads of these (inlined stages) into their values */
    int nthrough;
} Walk;

static int tensor_pos(Ctx *c, const Tensor *t)
{
    for (int i = 0; i < c->tensors.len; i++)
        if (c->tensors.items[i] == t) return i;
    return -1;
}


bool bounds_widen(Arena *a, Range *acc, const Range *r)
{
    if (r->lo->overflow || r->hi->overflow) return false;
    if (!acc->lo) {
        *acc = *r;
        return true;
    }
    int cl = aff_compare(a, r->lo, acc->lo), ch = aff_compare(a, r->hi, acc->hi);
    if (cl == 2 || ch == 2) return false;
    if (cl < 0) acc->lo = r->lo;
    if (ch > 0) acc->hi = r->hi;
    return true;
}

/* x >= 0 wherever an access under env executes. Besides size vars >= 0, an
 * access runs only when every enclosing range is non-empty (hi - lo >= 0), so
 * x may also be proven as one such fact plus something provably >= 0. */
static bool nonneg_with_facts(Ctx *c, Env *env, const Affine *x)
{
    if (aff_provably_nonneg(x)) return true;
    for (int i = 0; i < env->nfacts; i++)
        if (aff_provably_nonneg(aff_sub(c->a, x, env->facts[i]))) return true;
    return false;
}

/* A derived size var q = floor(num / k) adds two facts that hold everywhere,
 * num - k*q >= 0 and k*q + k - 1 - num >= 0; one of them may take part too
 * (2*y + dy <= 2*q + 2 <= h + 1 for y <= q, dy <= 2 and q = (h - 1) / 2). */
static bool nonneg_here(Ctx *c, Env *env, const Affine *x)
{
    if (nonneg_with_facts(c, env, x)) return true;
    const Fn *f = c->fn;
    for (int v = 0; f && v < f->nsizevars; v++) {
        const SizeVar *s = &f->sizevars[v];
        if (!s->div) continue;
        Affine *lo = aff_sub(c->a, s->num, aff_scale(c->a, aff_var(c->a, v), s->div));
        Affine *hi = aff_add_const(c->a, aff_scale(c->a, lo, -1), s->div - 1);
        if (nonneg_with_facts(c, env, aff_sub(c->a, x, lo)) || nonneg_with_facts(c, env, aff_sub(c->a, x, hi)))
            return true;
    }
    return false;
}

/* ---- e / k and e % k in an index ----
 * / and % on integers round toward zero (C's rule, as everywhere in the
 * language); an index may divide only a dividend proven >= 0, where that is
 * floor division with a remainder in 0..k-1, so one meaning holds. The range
 * of e / k is [floor(lo / k), floor(hi / k)]; e % k lies in 0..k-1, in lo..hi
 * when 0 <= lo and hi < k, and in lo % k .. hi % k within one block
 * (floor(lo / k) == floor(hi / k)). Parts of the index that are affine keep
 * their affine form, so a division is an interval around them. */

static bool is_const(Ctx *c, const Expr *e, int64_t *v)
{
    bool ok = true;
    Affine *x = bounds_linear(c, e, &ok);
    if (!ok || !aff_is_const(x)) return false;
    *v = x->c;
    return true;
}

/* k of `e / k` or `e % k` when k is a positive integer constant, else 0. */
static int64_t divisor(Ctx *c, const Expr *e)
{
    int64_t k;
    if (e->kind != EX_BINARY || (e->op != OP_DIV && e->op != OP_MOD)) return 0;
    return is_const(c, e->args[1], &k) && k > 0 ? k : 0;
}

/* min, max, clamp of integers: they never wrap, so an index may use them */
static bool is_minmax(const Expr *e)
{
    return e->kind == EX_CALL && (e->fn == MF_MIN || e->fn == MF_MAX || e->fn == MF_CLAMP) && dtype_is_int(e->type);
}

/* The part of index e that makes it unprovable (a nonlinear term, a division
 * by something other than a positive constant), or NULL: e is affine in index
 * and size variables, with / and % by positive constants. */
static const Expr *not_indexable(Ctx *c, const Expr *e)
{
    bool ok = true;
    int64_t k;
    const Expr *bad;
    bounds_linear(c, e, &ok);
    if (ok) return NULL;
    if (e->kind == EX_UNARY && e->op == OP_NEG) return not_indexable(c, e->args[0]);
    if (is_minmax(e)) {
        for (int i = 0; i < e->nargs; i++)
            if ((bad = not_indexable(c, e->args[i]))) return bad;
        return NULL;
    }
    if (e->kind != EX_BINARY) return e;
    const Expr *x = e->args[0], *y = e->args[1];
    switch (e->op) {
    case OP_ADD:
    case OP_SUB: return (bad = not_indexable(c, x)) ? bad : not_indexable(c, y);
    case OP_MUL: return is_const(c, x, &k) ? not_indexable(c, y) : is_const(c, y, &k) ? not_indexable(c, x) : e;
    case OP_DIV:
    case OP_MOD: return divisor(c, e) ? not_indexable(c, x) : e;
    default: return e;
    }
}

/* floor(x / k) over size vars >= 0 (up: an upper bound): exact where k
 * divides x's coefficients; else through a derived size var q = floor(num / k)
 * where x = num + k * t + r with 0 <= r < k: floor(x / k) is q + t, or q + t + 1
 * when r > 0 (x = m - 1, q = m / 16: q - 1..q); else aff_floordiv's bound. */
static Affine *floor_of(Ctx *c, const Affine *x, int64_t k, bool up)
{
    Affine *lo = aff_floordiv(c->a, x, k, false), *hi = aff_floordiv(c->a, x, k, true);
    if (aff_equal(lo, hi)) return lo;
    const Fn *f = c->fn;
    for (int v = 0; f && v < f->nsizevars; v++) {
        const SizeVar *s = &f->sizevars[v];
        if (s->div != k) continue;
        Affine *d = aff_sub(c->a, x, s->num), *t = aff_floordiv(c->a, d, k, false);
        if (!aff_equal(t, aff_floordiv(c->a, d, k, true))) continue;
        bool rem = d->c - aff_floor_div(d->c, k) * k > 0;
        return aff_add_const(c->a, aff_add(c->a, aff_var(c->a, v), t), up && rem);
    }
    return up ? hi : lo;
}

/* floor(x / k) when it is known exactly, else NULL. */
static Affine *floor_exact(Ctx *c, const Affine *x, int64_t k)
{
    Affine *lo = floor_of(c, x, k, false);
    return aff_equal(lo, floor_of(c, x, k, true)) ? lo : NULL;
}

static void mod_range(Ctx *c, Env *env, const Range *x, int64_t k, Range *out)
{
    Affine *last = aff_const(c->a, k - 1);
    if (nonneg_here(c, env, x->lo) && nonneg_here(c, env, aff_sub(c->a, last, x->hi))) {
        *out = *x;
        return;
    }
    Affine *ql = floor_exact(c, x->lo, k), *qh = floor_exact(c, x->hi, k);
    if (ql && qh && aff_equal(ql, qh)) {
        Affine *base = aff_scale(c->a, ql, k);
        out->lo = aff_sub(c->a, x->lo, base);
        out->hi = aff_sub(c->a, x->hi, base);
        return;
    }
    out->lo = aff_const(c->a, 0);
    out->hi = last;
}

/* Where an index divides a dividend that may be negative (proofs only). */
typedef struct NegDiv {
    const Expr *at;
    Range range;
} NegDiv;

static bool index_range(Ctx *c, Env *env, const Expr *e, Range *out, NegDiv *neg);

/* A bound nothing can be proven from, printed as such. */
static Affine *unknown(Ctx *c)
{
    Affine *u = aff_const(c->a, 0);
    u->overflow = true;
    return u;
}

/* The smaller (low) or larger of x and y. `loose`: either bounds the result
 * (min's upper end, max's lower end), so where the two cannot be compared the
 * one over size vars is kept: min(I[i], v - 1) <= v - 1. */
static Affine *pick(Ctx *c, Env *env, Affine *x, Affine *y, bool low, bool loose)
{
    int cmp = aff_compare(c->a, x, y);
    if (cmp == 2)
        cmp = nonneg_here(c, env, aff_sub(c->a, y, x)) ? -1 : nonneg_here(c, env, aff_sub(c->a, x, y)) ? 1 : 2;
    if (cmp == 0 || cmp == (low ? -1 : 1)) return x;
    if (cmp == (low ? 1 : -1)) return y;
    if (!loose) return unknown(c);
    return aff_is_const(y) && !aff_is_const(x) ? x : y;
}

/* min(x, y) lies in min(x.lo, y.lo)..min(x.hi, y.hi), max likewise; clamp(x,
 * lo, hi) is min(max(x, lo), hi). */
static bool minmax_range(Ctx *c, Env *env, const Expr *e, Range *out, NegDiv *neg)
{
    Range r[3];
    for (int i = 0; i < e->nargs; i++)
        if (!index_range(c, env, e->args[i], &r[i], neg)) return false;
    if (e->fn != MF_MIN) {          /* max, or clamp's inner max */
        r[0].lo = pick(c, env, r[0].lo, r[1].lo, false, true);
        r[0].hi = pick(c, env, r[0].hi, r[1].hi, false, false);
    }
    Range *m = e->fn == MF_MIN ? &r[1] : e->fn == MF_CLAMP ? &r[2] : NULL;
    if (m) {
        r[0].lo = pick(c, env, r[0].lo, m->lo, true, false);
        r[0].hi = pick(c, env, r[0].hi, m->hi, true, true);
    }
    *out = r[0];
    return true;
}

/* Interval of index e (not_indexable(e) is NULL) over env; false if a var
 * in it has no range there. */
static bool index_range(Ctx *c, Env *env, const Expr *e, Range *out, NegDiv *neg)
{
    bool ok = true;
    Affine *lin = bounds_linear(c, e, &ok);
    if (ok) return eval_range(c, env, lin, out);
    if (is_minmax(e)) return minmax_range(c, env, e, out, neg);
    Range x, y;
    int64_t k;
    if (e->kind == EX_UNARY && e->op == OP_NEG) {
        if (!index_range(c, env, e->args[0], &x, neg)) return false;
        *out = (Range){ aff_scale(c->a, x.hi, -1), aff_scale(c->a, x.lo, -1) };
        return true;
    }
    if (e->kind != EX_BINARY) return false;
    if (e->op == OP_MUL) {
        bool left = is_const(c, e->args[0], &k);
        if (!left && !is_const(c, e->args[1], &k)) return false;
        if (!index_range(c, env, e->args[left ? 1 : 0], &x, neg)) return false;
        *out = (Range){ aff_scale(c->a, k < 0 ? x.hi : x.lo, k), aff_scale(c->a, k < 0 ? x.lo : x.hi, k) };
        return true;
    }
    if (e->op == OP_DIV || e->op == OP_MOD) {
        if (!(k = divisor(c, e)) || !index_range(c, env, e->args[0], &x, neg)) return false;
        if (neg && !neg->at && !nonneg_here(c, env, x.lo)) *neg = (NegDiv){ e, x };
        if (e->op == OP_MOD) mod_range(c, env, &x, k, out);
        else *out = (Range){ floor_of(c, x.lo, k, false), floor_of(c, x.hi, k, true) };
        return true;
    }
    if ((e->op != OP_ADD && e->op != OP_SUB) || !index_range(c, env, e->args[0], &x, neg)) return false;
    if (!index_range(c, env, e->args[1], &y, neg)) return false;
    if (e->op == OP_ADD) *out = (Range){ aff_add(c->a, x.lo, y.lo), aff_add(c->a, x.hi, y.hi) };
    else *out = (Range){ aff_sub(c->a, x.lo, y.hi), aff_sub(c->a, x.hi, y.lo) };
    return true;
}

static bool has_access(const Expr *e)
{
    if (e->kind == EX_ACCESS) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_access(e->args[i])) return true;
    return false;
}

/* bounds_region_read: widens w->out by this read of w->only. */
static void collect_access(Walk *w, Env *env, const Expr *e)
{
    for (int k = 0; k < e->nargs && k < e->tensor->ndim; k++) {
        Range r;
        if (!index_range(w->c, env, e->args[k], &r, NULL) || !bounds_widen(w->c->a, &w->out[k], &r)) w->ok = false;
    }
}

static void walk(Walk *w, Env *env, const Expr *e);

/* bounds_region_read: the reads inside the value of an inlined stage read
 * here, its index vars ranging over what this access's indices reach. */
static void walk_through(Walk *w, Env *env, const Expr *e)
{
    Ctx *c = w->c;
    const Tensor *t = e->tensor;
    Env in = env_copy(c, env);
    in.nidx = t->ndim;
    in.idx = ARENA_ARRAY(c->a, Range, t->ndim ? t->ndim : 1);
    in.ld = ARENA_ARRAY(c->a, Range, MAX_LOADS);    /* another stage's loads: the same text, other index vars */
    for (int k = 0; k < t->ndim; k++) {
        if (k >= e->nargs || !index_range(c, env, e->args[k], &in.idx[k], NULL)) {
            w->ok = false;
            return;
        }
        add_fact(c, &in, &in.idx[k]);
    }
    walk(w, &in, t->def->value);
}

static bool followed(const Walk *w, const Tensor *t)
{
    for (int i = 0; i < w->nthrough; i++)
        if (w->through[i] == t) return true;
    return false;
}

/* Index k of access e as an interval over env: false, reported, where its
 * form cannot be proven (nonlinear, data-dependent, a division by anything
 * but a positive constant, or of a dividend that may be negative); false,
 * silently, where a var has no range yet. */
static bool index_proven(Walk *w, Env *env, const Expr *e, int k, Range *r)
{
    Ctx *c = w->c;
    const Expr *ix = e->args[k], *bad = not_indexable(c, ix);
    const char *t = e->tensor->name;
    NegDiv neg = { 0 };
    if (bad && bad->kind == EX_BINARY && (bad->op == OP_DIV || bad->op == OP_MOD) && !has_access(bad))
        diag_error(c->d, bad->span,
                   "index %s of '%s' divides by %s, which is not a positive integer constant, so its bounds cannot "
                   "be proven",
                   bounds_expr_str(c, ix), t, bounds_expr_str(c, bad->args[1]));
    else if (bad && has_access(ix))
        diag_error(c->d, ix->span, "data-dependent index %s of '%s': its bounds cannot be proven at compile time",
                   bounds_expr_str(c, ix), t);
    else if (bad)
        diag_error(c->d, ix->span,
                   "index %s of '%s' is not affine in index and size variables, so its bounds cannot be proven",
                   bounds_expr_str(c, ix), t);
    else if (!index_range(c, env, ix, r, &neg)) return false;
    else if (neg.at)
        diag_error(c->d, neg.at->span,
                   "index %s of '%s' divides %s, which may be negative (it ranges over %s..%s); an index may divide "
                   "only a value proven >= 0",
                   bounds_expr_str(c, ix), t, bounds_expr_str(c, neg.at->args[0]),
                   aff_str(c->a, neg.range.lo, names_sizes(c)), aff_str(c->a, neg.range.hi, names_sizes(c)));
    else return true;
    w->ok = false;
    return false;
}

/* Index k of access e (range r) within min..min+extent-1 of its tensor, or reported. */
static bool check_in(Walk *w, Env *env, const Expr *e, int k, const Range *r, Affine *min, Affine *extent)
{
    Ctx *c = w->c;
    const char *const *names = names_sizes(c);
    Affine *last = aff_add_const(c->a, aff_add(c->a, min, extent), -1);
    if (nonneg_here(c, env, aff_sub(c->a, r->lo, min)) && nonneg_here(c, env, aff_sub(c->a, last, r->hi))) return true;
    diag_error(c->d, e->span,
               "access %s may be out of bounds: index %s of dim %d ranges over %s..%s, but '%s' dim %d has extent %s "
               "(valid %s..%s)",
               bounds_expr_str(c, e), bounds_expr_str(c, e->args[k]), k, aff_str(c->a, r->lo, names),
               aff_str(c->a, r->hi, names), e->tensor->name, k, aff_str(c->a, extent, names), aff_str(c->a, min, names),
               aff_str(c->a, last, names));
    if (bounds_reads_value(e->args[k]) && !is_minmax(e->args[k]))
        bounds_guard_note(c, e, k, aff_str(c->a, last, names));
    w->ok = false;
    return false;
}

/* A data-dependent index of an intermediate stage: the stage is needed over
 * its whole (natural) extent in that dim, and the index must stay inside it. */
static bool whole_dim(Walk *w, Env *env, const Expr *e, int k, Range *r)
{
    Ctx *c = w->c;
    const Tensor *t = e->tensor;
    Affine *ext = t->extent ? t->extent[k] : NULL;
    if (!ext) {
        diag_error(c->d, e->args[k]->span,
                   "'%s' dim %d is read through the data-dependent index %s, so its region cannot be inferred; declare "
                   "its shape, e.g. %s: %s[...]",
                   t->name, k, bounds_expr_str(c, e->args[k]), t->name, dtype_name(t->type));
        w->ok = false;
        return false;
    }
    Affine *zero = aff_const(c->a, 0);
    if (!check_in(w, env, e, k, r, zero, ext)) return false;
    *r = (Range){ zero, aff_add_const(c->a, ext, -1) };
    return true;
}

/* Adds r to the region read of intermediate e->tensor's dim k, or reports. */
static bool widen_region(Walk *w, const Expr *e, int k, const Range *r)
{
    Ctx *c = w->c;
    const Tensor *t = e->tensor;
    const char *const *names = names_sizes(c);
    Range *acc = &w->region[tensor_pos(c, t)][k];
    if (bounds_widen(c->a, acc, r)) return true;
    diag_error(c->d, e->span,
               "cannot settle the region of '%s' dim %d: reads reach %s..%s here and %s..%s elsewhere; declare its "
               "shape, e.g. %s: %s[...]",
               t->name, k, aff_str(c->a, r->lo, names), aff_str(c->a, r->hi, names), aff_str(c->a, acc->lo, names),
               aff_str(c->a, acc->hi, names), t->name, dtype_name(t->type));
    w->ok = false;
    return false;
}

/* Index k of e reads the program's values: it is proven (and an
 * intermediate read over its whole extent there) assuming that dim is not
 * empty - nothing can be read from an empty one - which the entry point then
 * checks (fn->nonneg), unless it is provable. */
static void data_dependent(Walk *w, Env *env, const Expr *e, int k)
{
    Ctx *c = w->c;
    const Tensor *t = e->tensor;
    Affine *ext = is_intermediate(t) ? (t->extent ? t->extent[k] : NULL) : t->extent[k];
    Affine *last = ext ? aff_add_const(c->a, ext, -1) : NULL;
    bool assume = last && !aff_is_const(last) && !aff_provably_nonneg(last) && env->nfacts < MAX_FACTS;
    int saved = env->nfacts, errs = c->d->nerrors;
    if (assume) env->facts[env->nfacts++] = last;
    Range r;
    bool ok = index_proven(w, env, e, k, &r) &&
              (is_intermediate(t) ? whole_dim(w, env, e, k, &r) : check_in(w, env, e, k, &r, t->min[k], ext));
    env->nfacts = saved;
    if (ok && is_intermediate(t) && !widen_region(w, e, k, &r)) ok = false;
    if (!ok || !assume || c->d->nerrors != errs) return;
    for (int i = 0; i < c->nonneg.len; i++)
        if (aff_equal(c->nonneg.items[i], last)) return;
    vec_push(c->a, &c->nonneg, last);
}

static void visit_access(Walk *w, Env *env, const Expr *e)
{
    Tensor *t = e->tensor;
    if (w->only) {
        if (t == w->only) collect_access(w, env, e);
        else if (t && followed(w, t)) walk_through(w, env, e);
        return;
    }
    for (int k = 0; k < e->nargs && k < t->ndim; k++) {
        Range r;
        if (bounds_reads_value(e->args[k])) {
            data_dependent(w, env, e, k);
            continue;
        }
        if (!index_proven(w, env, e, k, &r)) continue;
        if (!is_intermediate(t)) {
            check_in(w, env, e, k, &r, t->min[k], t->extent[k]);
            continue;
        }
        widen_region(w, e, k, &r);
    }
}

static void walk(Walk *w, Env *env, const Expr *e)
{
    Ctx *c = w->c;
    switch (e->kind) {
    case EX_SELECT: {
        walk(w, env, e->args[0]);
        Env a = env_copy(c, env), b = env_copy(c, env);
        narrow(c, &a, e->args[0], true);
        narrow(c, &b, e->args[0], false);
        walk(w, &a, e->args[1]);
        walk(w, &b, e->args[2]);
        return;
    }
    case EX_REDUCE: {
        /* a var already ranged was pinned by bounds_region_read: keep it */
        bool pinned[64] = { 0 };
        TDSL_ASSERT(e->nrvars <= 64, "a reduction over more vars than names.c allows");
        for (int i = 0; i < e->nrvars; i++) {
            RVar *r = e->rvars[i];
            if (env->rv[r->id].lo) {
                pinned[i] = true;
                continue;
            }
            env->rv[r->id].lo = r->min;
            env->rv[r->id].hi = aff_add_const(c->a, aff_add(c->a, r->min, r->extent), -1);
        }
        int saved = env->nfacts;
        for (int i = 0; i < e->nrvars; i++) add_fact(c, env, &env->rv[e->rvars[i]->id]);
        walk(w, env, e->args[0]);
        env->nfacts = saved;
        for (int i = 0; i < e->nrvars; i++)
            if (!pinned[i]) env->rv[e->rvars[i]->id] = (Range){ 0 };
        return;
    }
    case EX_ACCESS:
        for (int i = 0; i < e->nargs; i++) walk(w, env, e->args[i]);
        visit_access(w, env, e);
        return;
    default: break;
    }
    for (int i = 0; i < e->nargs; i++) walk(w, env, e->args[i]);
}

/* Fixes an intermediate's region from the reads accumulated so far. */
static bool settle_region(Walk *w, Tensor *t)
{
    Ctx *c = w->c;
    Range *acc = w->region[tensor_pos(c, t)];
    for (int k = 0; k < t->ndim; k++)
        if (!acc[k].lo) {
            diag_warning(c->d, t->span, "'%s' is computed but never used", t->name);
            t->order = -1;
            return false;
        }
    for (int k = 0; k < t->ndim; k++) {
        t->min[k] = acc[k].lo;
        t->extent[k] = aff_add_const(c->a, aff_sub(c->a, acc[k].hi, acc[k].lo), 1);
    }
    return true;
}

static void stage_env(Ctx *c, const Tensor *t, Env *env)
{
    env->nidx = t->ndim;
    env->idx = ARENA_ARRAY(c->a, Range, t->ndim ? t->ndim : 1);
    env->nrv = c->rvars.len;
    env->rv = ARENA_ARRAY(c->a, Range, env->nrv ? env->nrv : 1);
    env->facts = ARENA_ARRAY(c->a, Affine *, MAX_FACTS);
    env->nfacts = 0;
    env->ld = ARENA_ARRAY(c->a, Range, MAX_LOADS);
    for (int k = 0; k < t->ndim; k++) {
        env->idx[k].lo = t->min[k];
        env->idx[k].hi = aff_add_const(c->a, aff_add(c->a, t->min[k], t->extent[k]), -1);
        add_fact(c, env, &env->idx[k]);
    }
}

/* A call reads its intermediate arguments whole, over their natural extent. */
static void visit_call_args(Walk *w, Stage *s)
{
    Ctx *c = w->c;
    for (int i = 0; i < s->nargs; i++) {
        Tensor *t = s->args[i]->tensor;
        if (!t || s->args[i]->ref != REF_NONE || !is_intermediate(t)) continue;
        for (int k = 0; k < t->ndim; k++) {
            Range r = { aff_const(c->a, 0), aff_add_const(c->a, t->extent[k], -1) };
            bounds_widen(c->a, &w->region[tensor_pos(c, t)][k], &r);
        }
    }
}

bool bounds_prove_fn(Ctx *c)
{
    Fn *f = c->fn;
    c->index_loads = true;
    Walk w = { .c = c, .region = ARENA_ARRAY(c->a, Range *, c->tensors.len ? c->tensors.len : 1), .ok = true };
    for (int i = 0; i < c->tensors.len; i++) {
        Tensor *t = c->tensors.items[i];
        w.region[i] = ARENA_ARRAY(c->a, Range, t->ndim ? t->ndim : 1);
    }
    for (int i = f->nstmts - 1; i >= 0; i--) {
        Stage *s = f->stmts[i];
        if (s->kind == ST_CALL) {
            visit_call_args(&w, s);
            continue;
        }
        if (s->kind != ST_STAGE) continue;
        Tensor *t = s->tensor;
        if (is_intermediate(t) && !settle_region(&w, t)) continue;
        Env env;
        stage_env(c, t, &env);
        walk(&w, &env, s->value);
    }
    names_publish_sizes(c);     /* the dims data-dependent reads assume non-empty */
    return w.ok;
}

bool bounds_region_read(Arena *a, Fn *fn, const Expr *e, const Range *idx, int nidx, const Range *rv, const Tensor *of,
                        const Tensor *const *through, int nthrough, Range *out)
{
    Ctx c = { .a = a, .fn = fn, .index_loads = true };
    Walk w = { .c = &c, .ok = true, .only = of, .out = out, .through = through, .nthrough = nthrough };
    for (int k = 0; k < of->ndim; k++) out[k] = (Range){ 0 };
    Env env = { .nidx = nidx, .nrv = fn->nrvars };
    env.idx = ARENA_ARRAY(a, Range, nidx ? nidx : 1);
    memcpy(env.idx, idx, sizeof(Range) * (size_t)nidx);
    env.rv = ARENA_ARRAY(a, Range, fn->nrvars ? fn->nrvars : 1);
    if (rv) memcpy(env.rv, rv, sizeof(Range) * (size_t)fn->nrvars);
    env.facts = ARENA_ARRAY(a, Affine *, MAX_FACTS);
    env.ld = ARENA_ARRAY(a, Range, MAX_LOADS);
    for (int k = 0; k < nidx; k++) add_fact(&c, &env, &env.idx[k]);
    for (int r = 0; r < fn->nrvars; r++)
        if (env.rv[r].lo) add_fact(&c, &env, &env.rv[r]);
    walk(&w, &env, e);
    for (int k = 0; k < of->ndim; k++)
        if (!out[k].lo) w.ok = false;
    return w.ok;
}
