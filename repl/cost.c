/* cost.c - arithmetic on loop IR with the size vars of a call bound: index
 * expressions (extents of results, shape checks) and the operation count of
 * a call (for :time's GFLOP/s). A loop multiplies its body's count by its
 * trip count when the body's control (bounds, guards, calls) does not depend
 * on its var; otherwise its iterations are walked one by one, within a budget. */
#include "repl/repl_int.h"
#include <stdlib.h>

static bool lookup(const Env *env, const LVar *v, int64_t *out)
{
    if (v->kind == LV_SIZE) {
        if (v->index < 0 || v->index >= env->nsizes) return false;
        *out = env->sizes[v->index];
        return true;
    }
    for (int i = env->nvars - 1; i >= 0; i--)
        if (env->vars[i] == v) {
            *out = env->vals[i];
            return true;
        }
    return false;
}

static bool binary(Op op, int64_t x, int64_t y, int64_t *r)
{
    switch (op) {
    case OP_ADD: return !__builtin_add_overflow(x, y, r);
    case OP_SUB: return !__builtin_sub_overflow(x, y, r);
    case OP_MUL: return !__builtin_mul_overflow(x, y, r);
    case OP_DIV:
        if (!y || (x == INT64_MIN && y == -1)) return false;
        *r = x / y;
        return true;
    case OP_MOD:
        if (!y || (x == INT64_MIN && y == -1)) return false;
        *r = x % y;
        return true;
    case OP_LT: *r = x < y; return true;
    case OP_LE: *r = x <= y; return true;
    case OP_GT: *r = x > y; return true;
    case OP_GE: *r = x >= y; return true;
    case OP_EQ: *r = x == y; return true;
    case OP_NE: *r = x != y; return true;
    case OP_AND: *r = x && y; return true;
    case OP_OR: *r = x || y; return true;
    default: return false;
    }
}

bool cost_eval(const LExpr *e, const Env *env, int64_t *out)
{
    int64_t a, b, c;
    switch (e->kind) {
    case LX_INT: *out = e->ival; return true;
    case LX_VAR: return lookup(env, e->var, out);
    case LX_CAST: return dtype_is_int(e->type) && cost_eval(e->args[0], env, out);
    case LX_UNARY:
        if (!cost_eval(e->args[0], env, &a)) return false;
        if (e->op == OP_NOT) *out = !a;
        else if (e->op == OP_NEG && a != INT64_MIN) *out = -a;
        else return false;
        return true;
    case LX_BINARY: return cost_eval(e->args[0], env, &a) && cost_eval(e->args[1], env, &b) && binary(e->op, a, b, out);
    case LX_SELECT:
        if (!cost_eval(e->args[0], env, &c)) return false;
        return cost_eval(e->args[c ? 1 : 2], env, out);
    case LX_CALL:
        if (e->fn == MF_ABS && e->nargs == 1 && cost_eval(e->args[0], env, &a) && a != INT64_MIN) {
            *out = a < 0 ? -a : a;
            return true;
        }
        if ((e->fn == MF_MIN || e->fn == MF_MAX) && e->nargs == 2 && cost_eval(e->args[0], env, &a) &&
            cost_eval(e->args[1], env, &b)) {
            *out = (e->fn == MF_MIN) == (a < b) ? a : b;
            return true;
        }
        return false;
    default: return false;
    }
}

/* ---- operation counts ---- */

typedef struct Count {
    double f, i;
} Count;

/* Operations computing one stored value: arithmetic, negation and math
 * calls; comparisons, logic, casts and index arithmetic are free. A select
 * costs its condition and its dearer arm. */
static Count ops_of(const LExpr *e)
{
    Count c = { 0, 0 }, x;
    if (!e || e->kind == LX_LOAD) return c;
    bool counted = (e->kind == LX_BINARY && e->op >= OP_ADD && e->op <= OP_MOD) ||
                   (e->kind == LX_UNARY && e->op == OP_NEG) || e->kind == LX_CALL;
    if (e->kind == LX_SELECT) {
        Count a = ops_of(e->args[1]), b = ops_of(e->args[2]);
        c = ops_of(e->args[0]);
        c.f += a.f > b.f ? a.f : b.f;
        c.i += a.i > b.i ? a.i : b.i;
        return c;
    }
    for (int k = 0; k < e->nargs; k++) {
        x = ops_of(e->args[k]);
        c.f += x.f;
        c.i += x.i;
    }
    if (counted) {
        if (dtype_is_float(e->type)) c.f += 1;
        else c.i += 1;
    }
    return c;
}

static bool uses_var(const LExpr *e, const LVar *v)
{
    if (!e) return false;
    if (e->kind == LX_VAR) return e->var == v;
    for (int k = 0; k < e->nargs; k++)
        if (uses_var(e->args[k], v)) return true;
    return false;
}

/* Does the control of s (loop bounds, guards, call sizes) read v? */
static bool control_uses(const LStmt *s, const LVar *v)
{
    if (!s) return false;
    switch (s->kind) {
    case LS_FOR:
        if (uses_var(s->min, v) || uses_var(s->extent, v)) return true;
        break;
    case LS_IF:
        if (uses_var(s->cond, v)) return true;
        break;
    case LS_CALL:
        for (int k = 0; k < s->callee->nparams + s->callee->nsizes; k++)
            if (uses_var(s->call_args[k], v)) return true;
        break;
    default: break;
    }
    for (int k = 0; k < s->nbody; k++)
        if (control_uses(s->body[k], v)) return true;
    return false;
}

typedef struct Walk {
    int64_t budget;
} Walk;

static bool count_stmt(Walk *w, const LStmt *s, Env *env, Count *out);

static bool count_body(Walk *w, const LStmt *s, Env *env, Count *out)
{
    for (int k = 0; k < s->nbody; k++)
        if (s->body[k] && !count_stmt(w, s->body[k], env, out)) return false;
    return true;
}

static bool count_for(Walk *w, const LStmt *s, Env *env, Count *out)
{
    int64_t lo, n;
    if (!cost_eval(s->min, env, &lo) || !cost_eval(s->extent, env, &n)) return false;
    if (n <= 0) return true;
    if (env->nvars == env->cap) {
        int c = env->cap ? env->cap * 2 : 16;
        const LVar **vs = realloc(env->vars, sizeof *vs * (size_t)c);
        if (!vs) return false;
        env->vars = vs;
        int64_t *xs = realloc(env->vals, sizeof *xs * (size_t)c);
        if (!xs) return false;
        env->vals = xs;
        env->cap = c;
    }
    int slot = env->nvars++;
    env->vars[slot] = s->var;
    bool ok = true;
    if (!control_uses(s->body[0], s->var)) {
        Count one = { 0, 0 };
        env->vals[slot] = lo;
        ok = count_stmt(w, s->body[0], env, &one);
        out->f += one.f * (double)n;
        out->i += one.i * (double)n;
    } else {
        for (int64_t k = 0; k < n && ok; k++) {
            if (--w->budget < 0) ok = false;
            env->vals[slot] = lo + k;
            ok = ok && count_stmt(w, s->body[0], env, out);
        }
    }
    env->nvars = slot;
    return ok;
}

static bool count_call(Walk *w, const LStmt *s, Env *env, Count *out)
{
    const LFunc *c = s->callee;
    int64_t *sizes = calloc((size_t)c->nsizes + 1, sizeof(int64_t));
    if (!sizes) return false;
    bool ok = true;
    for (int k = 0; k < c->nsizes && ok; k++) ok = cost_eval(s->call_args[c->nparams + k], env, &sizes[k]);
    Env sub = { sizes, c->nsizes, NULL, NULL, 0, 0 };
    ok = ok && count_stmt(w, c->body, &sub, out);
    free(sub.vars);
    free(sub.vals);
    free(sizes);
    return ok;
}

static bool count_stmt(Walk *w, const LStmt *s, Env *env, Count *out)
{
    switch (s->kind) {
    case LS_BLOCK: return count_body(w, s, env, out);
    case LS_ALLOC: return count_body(w, s, env, out);
    case LS_FOR: return count_for(w, s, env, out);
    case LS_STORE: {
        Count c = ops_of(s->value);
        out->f += c.f;
        out->i += c.i;
        return true;
    }
    case LS_IF: {
        int64_t c;
        if (!cost_eval(s->cond, env, &c)) return false;
        const LStmt *b = s->body[c ? 0 : 1];
        return !b || count_stmt(w, b, env, out);
    }
    case LS_CALL: return count_call(w, s, env, out);
    }
    return false;
}

bool cost_ops(const LFunc *lf, const int64_t *sizes, double *flops, double *iops)
{
    Env env = { sizes, lf->nsizes, NULL, NULL, 0, 0 };
    Walk w = { 1 << 22 };
    Count c = { 0, 0 };
    bool ok = count_stmt(&w, lf->body, &env, &c);
    free(env.vars);
    free(env.vals);
    *flops = c.f;
    *iops = c.i;
    return ok;
}
