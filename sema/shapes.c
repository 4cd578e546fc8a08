/* shapes.c - shapes as affine forms of size variables: declared dims, how each
 * size var is bound from the arguments, the natural extent of every stage
 * dim, the range of every reduction variable, and the shapes of calls. A
 * floor division `e / k` in a dim becomes a derived size var (SizeVar.div),
 * so shapes stay affine; every size var, derived or not, is >= 0. */
#include "sema/sema_int.h"
#include "lang/check.h"
#include <string.h>

static Affine *dim_affine(Ctx *c, Expr *e, bool create, const char *what);

/* A dim as written (`h + 2`, `784`, `2 * n`) as an affine form. */
Affine *shapes_dim_affine(Ctx *c, Expr *e, bool create, const char *what)
{
    Affine *x = dim_affine(c, e, create, what);
    if (x && x->overflow) {
        diag_error(c->d, e->span, "dimension of '%s' overflows 64-bit arithmetic", what);
        return NULL;
    }
    return x;
}

/* "h / 2", "(h - 1) / 2": how messages, headers and loops name x / k. */
static const char *div_name(Ctx *c, const Affine *x, int64_t k)
{
    const char *num = aff_str(c->a, x, names_sizes(c));
    bool alone = x->n == 1 && x->c == 0 && x->coef[0] == 1 && !strchr(num, ' ');
    return arena_printf(c->a, alone ? "%s / %lld" : "(%s) / %lld", num, (long long)k);
}

/* floor(x / k), k > 0: affine where k divides every coefficient of x
 * ((2 * h + 1) / 2 is h), else the derived size var `x / k` (one per distinct
 * x and k). Its facts k * q <= x <= k * q + k - 1 are what bounds.c proves
 * accesses with. */
Affine *shapes_floordiv(Ctx *c, const Affine *x, int64_t k, Span sp)
{
    TDSL_ASSERT(k > 0, "a shape divided by a divisor that is not positive");
    if (x->overflow) return (Affine *)x;
    Affine *q = aff_floordiv(c->a, x, k, false);
    if (aff_equal(q, aff_floordiv(c->a, x, k, true))) return q;
    for (int i = 0; i < c->sizedefs.len; i++) {
        const SizeVar *d = c->sizedefs.items[i];
        if (d && d->div == k && aff_equal(d->num, x)) return aff_var(c->a, i);
    }
    SizeVar *d = ARENA_NEW(c->a, SizeVar);
    *d = (SizeVar){ div_name(c, x, k), sp, (Affine *)x, k };
    vec_push(c->a, &c->sizenames, (void *)d->name);
    vec_push(c->a, &c->sizedefs, d);
    return aff_var(c->a, c->sizenames.len - 1);
}

/* `x / k`: floor division by a positive integer constant. */
static Affine *dim_div(Ctx *c, Expr *e, bool create, const char *what)
{
    Affine *x = dim_affine(c, e->args[0], create, what);
    Affine *y = dim_affine(c, e->args[1], create, what);
    if (!x || !y) return NULL;
    if (!aff_is_const(y)) {
        diag_error(c->d, e->args[1]->span,
                   "dimension of '%s' divides by %s, which is not a constant; a shape may only divide by a positive "
                   "integer",
                   what, aff_str(c->a, y, names_sizes(c)));
        return NULL;
    }
    if (y->c <= 0) {
        if (y->c == 0) diag_error(c->d, e->args[1]->span, "dimension of '%s' divides by zero", what);
        else
            diag_error(c->d, e->args[1]->span,
                       "dimension of '%s' divides by %lld; a shape may only divide by a positive integer", what,
                       (long long)y->c);
        return NULL;
    }
    return shapes_floordiv(c, x, y->c, e->span);
}

static Affine *dim_affine(Ctx *c, Expr *e, bool create, const char *what)
{
    switch (e->kind) {
    case EX_INT: return aff_const(c->a, e->ival);
    case EX_NAME: {
        int id = names_size_var(c, e->name, e->span, create);
        return id < 0 ? NULL : aff_var(c->a, id);
    }
    case EX_UNARY:
        if (e->op == OP_NEG) {
            Affine *x = dim_affine(c, e->args[0], create, what);
            return x ? aff_scale(c->a, x, -1) : NULL;
        }
        break;
    case EX_BINARY: {
        if (e->op == OP_DIV) return dim_div(c, e, create, what);
        if (e->op != OP_ADD && e->op != OP_SUB && e->op != OP_MUL) break;
        Affine *x = dim_affine(c, e->args[0], create, what);
        Affine *y = dim_affine(c, e->args[1], create, what);
        if (!x || !y) return NULL;
        if (e->op == OP_ADD) return aff_add(c->a, x, y);
        if (e->op == OP_SUB) return aff_sub(c->a, x, y);
        if (aff_is_const(x)) return aff_scale(c->a, y, x->c);
        if (aff_is_const(y)) return aff_scale(c->a, x, y->c);
        diag_error(c->d, e->span, "dimension of '%s' must be affine in size variables (a product of two sizes is not)",
                   what);
        return NULL;
    }
    default: break;
    }
    diag_error(c->d, e->span,
               "dimension of '%s' must be an integer, a size variable, or an affine expression of them (with floor "
               "division by a positive integer)",
               what);
    return NULL;
}

/* Does x use size var s, directly or inside a derived size var? */
static bool mentions(Ctx *c, const Affine *x, int s)
{
    for (int j = 0; j < x->n; j++) {
        const SizeVar *d = x->var[j] < c->sizedefs.len ? c->sizedefs.items[x->var[j]] : NULL;
        if (x->var[j] == s || (d && mentions(c, d->num, s))) return true;
    }
    return false;
}

/* Every size var must appear as some parameter dim `k * n + d` (k >= 1), so the
 * entry point can bind it from that argument's shape. Derived ones need not. */
bool shapes_bind_sizes(Ctx *c)
{
    Fn *f = c->fn;
    bool ok = true;
    for (int s = 0; s < c->sizenames.len; s++) {
        if (c->sizedefs.items[s]) continue;
        bool bindable = false;
        Span first = f->span;
        bool seen = false;
        for (int i = 0; i < f->nparams && !bindable; i++) {
            Tensor *t = f->params[i];
            for (int k = 0; k < t->ndim && !bindable; k++) {
                Affine *x = t->extent[k];
                if (!x) continue;
                if (!seen && mentions(c, x, s)) {
                    first = t->dims[k].expr->span;
                    seen = true;
                }
                if (x->n == 1 && x->var[0] == s && x->coef[0] >= 1) bindable = true;
            }
        }
        if (!bindable) {
            const char *n = c->sizenames.items[s];
            diag_error(c->d, first,
                       "size variable '%s' is never a whole parameter dimension (like '%s', '%s + 1' or '2 * %s'), so "
                       "it cannot be bound from the arguments",
                       n, n, n, n);
            ok = false;
        }
    }
    return ok;
}

/* ---- reduction ranges ---- */

/* The extent of dim k of t as a reduction over it sees it: the declared extent,
 * or for an intermediate stage the natural extent of its own index var. */
static Affine *dim_extent(const Tensor *t, int k)
{
    if (!t->extent) return NULL;
    return t->extent[k];
}

typedef struct Found {
    Affine *ext;
    const Tensor *t;
    int dim;
    Span span;
} Found;

/* Finds an access where var (an encoded IDX_VAR/RV_VAR) indexes a dim directly. */
static void find_direct(Ctx *c, const Expr *e, int var, Found *f, bool *ok)
{
    if (e->kind == EX_ACCESS) {
        for (int k = 0; k < e->nargs; k++) {
            const Expr *x = e->args[k];
            int v = x->kind != EX_NAME    ? -1
                    : x->ref == REF_INDEX ? IDX_VAR(x->ref_id)
                    : x->ref == REF_RVAR  ? RV_VAR(x->rvar->id)
                                          : -1;
            if (v != var) continue;
            Affine *ext = dim_extent(e->tensor, k);
            if (!ext) continue;
            if (!f->ext) {
                *f = (Found){ ext, e->tensor, k, x->span };
            } else if (!aff_equal(f->ext, ext) && var >= RV_BASE) {
                const char *const *n = names_sizes(c);
                diag_error(
                    c->d, x->span, "inconsistent extents for '%s': %s dim %d has extent %s but %s dim %d has extent %s",
                    x->name, e->tensor->name, k, aff_str(c->a, ext, n), f->t->name, f->dim, aff_str(c->a, f->ext, n));
                diag_note(c->d, f->span, "'%s' first indexes %s dim %d here", x->name, f->t->name, f->dim);
                *ok = false;
            }
        }
    }
    for (int i = 0; i < e->nargs; i++) find_direct(c, e->args[i], var, f, ok);
}

static bool rvar_range(Ctx *c, const Expr *red, RVar *r)
{
    if (r->lo) {
        bool ok1 = true, ok2 = true;
        Affine *lo = bounds_linear(c, r->lo, &ok1), *hi = bounds_linear(c, r->hi, &ok2);
        if (!ok1 || !ok2) {
            diag_error(c->d, span_join(r->lo->span, r->hi->span), "the range of '%s' must be affine in size variables",
                       r->name);
            return false;
        }
        for (int i = 0; i < lo->n; i++)
            if (lo->var[i] >= IDX_BASE) ok1 = false;
        for (int i = 0; i < hi->n; i++)
            if (hi->var[i] >= IDX_BASE) ok1 = false;
        if (!ok1) {
            diag_error(c->d, span_join(r->lo->span, r->hi->span),
                       "the range of '%s' must depend only on size variables", r->name);
            return false;
        }
        Affine *ext = aff_sub(c->a, hi, lo);
        if (!aff_provably_nonneg(ext)) {
            diag_error(c->d, span_join(r->lo->span, r->hi->span), "the range of '%s' may be empty or reversed: %s..%s",
                       r->name, aff_str(c->a, lo, names_sizes(c)), aff_str(c->a, hi, names_sizes(c)));
            return false;
        }
        r->min = lo;
        r->extent = ext;
        return true;
    }
    Found f = { 0 };
    bool ok = true;
    find_direct(c, red->args[0], RV_VAR(r->id), &f, &ok);
    if (!ok) return false;
    if (!f.ext) {
        diag_error(
            c->d, r->span,
            "cannot infer the range of '%s': it never indexes a tensor dimension directly; write 'over %s in 0..N'",
            r->name, r->name);
        return false;
    }
    r->min = aff_const(c->a, 0);
    r->extent = f.ext;
    return true;
}

/* argmax/argmin have no value over an empty range: a range proven empty is
 * an error here, one that may be empty a check of the entry point (fn->nonneg),
 * as is one past the 2^32 positions their keys hold (to_loops.c). */
static bool nonempty_range(Ctx *c, const Expr *red, const RVar *r)
{
    Affine *last = aff_add_const(c->a, r->extent, -1), *room = aff_sub(c->a, aff_const(c->a, 0xffffffff), r->extent);
    if (!aff_is_const(room) && !aff_provably_nonneg(room)) vec_push(c->a, &c->nonneg, room);
    else if (aff_is_const(room) && room->c < 0) {
        diag_error(c->d, r->span, "%s over %lld positions: at most 4294967295 are supported", op_text(red->op),
                   (long long)r->extent->c);
        return false;
    }
    if (aff_provably_nonneg(last)) return true;
    if (aff_is_const(r->extent)) {
        diag_error(c->d, r->span, "%s over an empty range: '%s' ranges over %lld values", op_text(red->op), r->name,
                   (long long)r->extent->c);
        return false;
    }
    vec_push(c->a, &c->nonneg, last);
    return true;
}

static bool infer_rvars(Ctx *c, const Expr *e)
{
    bool ok = true;
    if (e->kind == EX_REDUCE)
        for (int i = 0; i < e->nrvars; i++) {
            bool got = rvar_range(c, e, e->rvars[i]);
            if (got && (e->op == OP_ARGMAX || e->op == OP_ARGMIN)) got = nonempty_range(c, e, e->rvars[i]);
            ok &= got;
        }
    for (int i = 0; i < e->nargs; i++) ok &= infer_rvars(c, e->args[i]);
    return ok;
}

/* Natural extent of each dim of an intermediate: the extent of what its index
 * variable indexes directly. Unknown (NULL) when it indexes nothing directly. */
static void natural_extents(Ctx *c, Stage *s)
{
    Tensor *t = s->tensor;
    t->extent = ARENA_ARRAY(c->a, Affine *, t->ndim ? t->ndim : 1);
    t->min = ARENA_ARRAY(c->a, Affine *, t->ndim ? t->ndim : 1);
    for (int k = 0; k < t->ndim; k++) {
        Found f = { 0 };
        bool ok = true;
        find_direct(c, s->value, IDX_VAR(k), &f, &ok);
        t->extent[k] = f.ext;
    }
}

/* ---- calls: bind the callee's size vars to the caller's shapes ---- */

/* x, over the callee's size vars, with each replaced by its caller value sz[] */
static Affine *in_caller_terms(Ctx *c, const Affine *x, Affine **sz)
{
    Affine *w = aff_const(c->a, x->c);
    for (int j = 0; j < x->n; j++) w = aff_add(c->a, w, aff_scale(c->a, sz[x->var[j]], x->coef[j]));
    return w;
}

static const char *const *callee_names(Ctx *c, const Fn *f)
{
    const char **n = ARENA_ARRAY(c->a, const char *, f->nsizevars + 1);
    for (int j = 0; j < f->nsizevars; j++) n[j] = f->sizevars[j].name;
    return n;
}

/* Each param of the call has a known shape; reports the first that has not. */
static bool args_known(Ctx *c, Stage *s)
{
    Fn *f = s->fn;
    for (int i = 0; i < f->nparams; i++) {
        Tensor *arg = s->args[i]->tensor;
        if (f->params[i]->is_scalar) continue;
        for (int k = 0; k < f->params[i]->ndim; k++)
            if (!arg->extent || !arg->extent[k]) {
                diag_error(c->d, s->args[i]->span, "the shape of '%s' is not known here; declare it, e.g. %s: %s[...]",
                           arg->name, arg->name, dtype_name(arg->type));
                return false;
            }
    }
    return true;
}

/* Binds each callee size var still unbound from the first dim that is it
 * alone (`n + d`: pass 0) or a multiple of it (`k * n + d`: pass 1), as the
 * entry point does; a multiple must divide the caller's extent for every size. */
static bool bind_callee_sizes(Ctx *c, Stage *s, Affine **sz, int pass)
{
    Fn *f = s->fn;
    for (int i = 0; i < f->nparams; i++) {
        Tensor *p = f->params[i];
        if (p->is_scalar) continue;
        for (int k = 0; k < p->ndim; k++) {
            Affine *want = p->extent[k], *have = s->args[i]->tensor->extent[k];
            if (want->n != 1 || sz[want->var[0]] || f->sizevars[want->var[0]].div) continue;
            int64_t m = want->coef[0];
            if (m < 1 || (m == 1) != (pass == 0)) continue;
            Affine *rest = aff_add_const(c->a, have, -want->c);
            sz[want->var[0]] = aff_exact_div(c->a, rest, m);
            if (sz[want->var[0]]) continue;
            const char *const *fn_names = callee_names(c, f);
            diag_error(c->d, s->args[i]->span,
                       "argument '%s' of '%s': dim %d has extent %s but '%s' needs %s there; cannot settle '%s': %s "
                       "is not a multiple of %lld for every size",
                       s->args[i]->tensor->name, f->name, k, aff_str(c->a, have, names_sizes(c)), p->name,
                       aff_str(c->a, want, fn_names), fn_names[want->var[0]], aff_str(c->a, rest, names_sizes(c)),
                       (long long)m);
            return false;
        }
    }
    return true;
}

/* The callee's derived size vars in the caller's terms (derived there too).
 * Each numerator must be >= 0, as the callee's entry point would check: a
 * constant one is checked here, any other by the caller's entry point. */
static bool derive_callee_sizes(Ctx *c, Stage *s, Affine **sz)
{
    Fn *f = s->fn;
    for (int v = 0; v < f->nsizevars; v++) {
        const SizeVar *d = &f->sizevars[v];
        if (!d->div) continue;
        Affine *num = in_caller_terms(c, d->num, sz);
        sz[v] = shapes_floordiv(c, num, d->div, s->span);
        if (aff_provably_nonneg(num)) continue;
        if (aff_is_const(num) || num->overflow) {
            diag_error(c->d, s->callee_span,
                       "the arguments of '%s' are too small: its size %s needs %s >= 0, which is %s here", f->name,
                       d->name, aff_str(c->a, d->num, callee_names(c, f)), aff_str(c->a, num, names_sizes(c)));
            return false;
        }
        const Affine *q = sz[v];
        bool derived = q->n == 1 && q->c == 0 && q->coef[0] == 1 && c->sizedefs.items[q->var[0]];  /* checked */
        if (!derived) vec_push(c->a, &c->nonneg, num);
    }
    return true;
}

bool shapes_check_call(Ctx *c, Stage *s)
{
    Fn *f = s->fn;
    Affine **sz = ARENA_ARRAY(c->a, Affine *, f->nsizevars ? f->nsizevars : 1);
    if (!args_known(c, s) || !bind_callee_sizes(c, s, sz, 0) || !bind_callee_sizes(c, s, sz, 1)) return false;
    if (!derive_callee_sizes(c, s, sz)) return false;
    const char *const *n = names_sizes(c);
    bool ok = true;
    for (int i = 0; i < f->nparams && ok; i++) {
        Tensor *p = f->params[i];
        Tensor *arg = s->args[i]->tensor;
        if (p->is_scalar) continue;
        for (int k = 0; k < p->ndim; k++) {
            Affine *have = arg->extent[k], *w = in_caller_terms(c, p->extent[k], sz);
            if (!aff_equal(w, have)) {
                diag_error(c->d, s->args[i]->span,
                           "argument '%s' of '%s': dim %d has extent %s but '%s' needs %s there", arg->name, f->name, k,
                           aff_str(c->a, have, n), p->name, aff_str(c->a, w, n));
                ok = false;
            }
        }
    }
    if (!ok) return false;
    s->call_sizes = sz;
    for (int i = 0; i < s->ntargets; i++) {
        Tensor *out = s->outs[i], *r = f->results[i];
        Affine **ext = ARENA_ARRAY(c->a, Affine *, r->ndim ? r->ndim : 1);
        for (int k = 0; k < r->ndim; k++) {
            Affine *w = in_caller_terms(c, r->extent[k], sz);
            ext[k] = w;
            if (out->declared_shape && !aff_equal(out->extent[k], w)) {
                diag_error(c->d, s->target_spans[i], "'%s' dim %d has extent %s but '%s' returns extent %s there",
                           out->name, k, aff_str(c->a, out->extent[k], n), f->name, aff_str(c->a, w, n));
                ok = false;
            }
        }
        if (!out->declared_shape) {
            out->extent = ext;
            out->min = ARENA_ARRAY(c->a, Affine *, r->ndim ? r->ndim : 1);
            for (int k = 0; k < r->ndim; k++) out->min[k] = aff_const(c->a, 0);
            out->declared_shape = true;     /* fixed by the call, like a declaration */
        }
    }
    return ok;
}

bool shapes_infer_fn(Ctx *c)
{
    Fn *f = c->fn;
    bool ok = true;
    for (int i = 0; i < f->nstmts; i++) {
        Stage *s = f->stmts[i];
        if (s->kind == ST_STAGE) {
            if (is_intermediate(s->tensor)) natural_extents(c, s);
            ok &= infer_rvars(c, s->value);
        } else if (s->kind == ST_CALL) {
            ok &= shapes_check_call(c, s);
        }
    }
    names_publish_sizes(c);     /* calls may have derived size vars */
    return ok;
}
