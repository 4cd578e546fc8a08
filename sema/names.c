/* names.c - builds the fn's table of tensors and size variables and resolves
 * every name in stage expressions: index vars, reduction vars, size vars,
 * scalar params and tensor accesses. A tensor may only be read after the
 * statement that defines it. */
#include "sema/sema_int.h"
#include <string.h>

Tensor *names_find(Ctx *c, const char *name)
{
    for (int i = 0; i < c->tensors.len; i++) {
        Tensor *t = c->tensors.items[i];
        if (!strcmp(t->name, name)) return t;
    }
    return NULL;
}

const char *const *names_sizes(Ctx *c) { return (const char *const *)c->sizenames.items; }

bool is_intermediate(const Tensor *t) { return t->kind == TK_LOCAL && !t->declared_shape; }

static int find_size(Ctx *c, const char *name)
{
    for (int i = 0; i < c->sizenames.len; i++)
        if (!strcmp(c->sizenames.items[i], name)) return i;
    return -1;
}

static bool add_tensor(Ctx *c, Tensor *t)
{
    Tensor *old = names_find(c, t->name);
    if (old) {
        diag_error(c->d, t->span, "'%s' is already declared", t->name);
        diag_note(c->d, old->span, "'%s' was declared here", t->name);
        return false;
    }
    if (find_size(c, t->name) >= 0) {
        diag_error(c->d, t->span, "'%s' is already a size variable", t->name);
        return false;
    }
    vec_push(c->a, &c->tensors, t);
    return true;
}

/* The tensor named name: one of the fn's, or a checked const (imported into
 * the fn's table as a TK_CONST Tensor of its own on first use). */
static Tensor *lookup(Ctx *c, const char *name)
{
    Tensor *t = names_find(c, name);
    Const *k = t || find_size(c, name) >= 0 ? NULL : program_find_const(c->prog, name);
    if (!k || !k->checked) return t;
    t = ARENA_NEW(c->a, Tensor);
    *t = *k->decl;
    t->kind = TK_CONST;
    t->konst = k;
    t->def = NULL;
    vec_push(c->a, &c->tensors, t);
    return t;
}

/* Shapes of params create size vars; result and local shapes may only use them. */
static bool declare_shape(Ctx *c, Tensor *t, bool create)
{
    bool ok = true;
    t->extent = ARENA_ARRAY(c->a, Affine *, t->ndim ? t->ndim : 1);
    t->min = ARENA_ARRAY(c->a, Affine *, t->ndim ? t->ndim : 1);
    for (int k = 0; k < t->ndim; k++) {
        t->extent[k] = shapes_dim_affine(c, t->dims[k].expr, create, t->name);
        t->min[k] = aff_const(c->a, 0);
        if (!t->extent[k]) ok = false;
    }
    return ok;
}

/* Called by shapes_dim_affine for a name in a shape. */
int names_size_var(Ctx *c, const char *name, Span sp, bool create)
{
    int id = find_size(c, name);
    if (id >= 0) return id;
    if (!create) {
        diag_error(c->d, sp, "unknown size variable '%s' (size variables are bound by parameter shapes)", name);
        return -1;
    }
    if (names_find(c, name)) {
        diag_error(c->d, sp, "'%s' is a tensor, not a size variable", name);
        return -1;
    }
    vec_push(c->a, &c->sizenames, (void *)name);
    vec_push(c->a, &c->sizedefs, NULL);
    return c->sizenames.len - 1;
}

void names_publish_sizes(Ctx *c)
{
    Fn *f = c->fn;
    f->sizevars = ARENA_ARRAY(c->a, SizeVar, c->sizenames.len ? c->sizenames.len : 1);
    f->nsizevars = c->sizenames.len;
    for (int i = 0; i < c->sizenames.len; i++) {
        const SizeVar *d = c->sizedefs.items[i];
        if (d) f->sizevars[i] = *d;
        f->sizevars[i].name = c->sizenames.items[i];
    }
    f->nonneg = (Affine **)c->nonneg.items;
    f->nnonneg = c->nonneg.len;
}

static bool declare_signature(Ctx *c)
{
    Fn *f = c->fn;
    bool ok = true;
    for (int i = 0; i < f->nparams; i++) {
        Tensor *t = f->params[i];
        ok &= add_tensor(c, t);
        ok &= declare_shape(c, t, true);
    }
    for (int i = 0; i < f->nresults; i++) {
        Tensor *t = f->results[i];
        if (t->is_scalar) {
            diag_error(c->d, t->span, "result '%s' must be a tensor, e.g. %s: %s[1]", t->name, t->name,
                       dtype_name(t->type));
            ok = false;
            continue;
        }
        ok &= add_tensor(c, t);
        ok &= declare_shape(c, t, false);
    }
    return ok;
}

/* ---- stage targets ---- */

static Tensor *new_local(Ctx *c, const char *name, Span sp)
{
    Tensor *t = ARENA_NEW(c->a, Tensor);
    t->name = name;
    t->span = sp;
    t->kind = TK_LOCAL;
    add_tensor(c, t);
    return t;
}

/* The tensor a stage or call defines: a result, a declared local, or new. */
static Tensor *define_target(Ctx *c, Stage *s, const char *name, Span sp)
{
    Tensor *t = names_find(c, name);
    Const *k = program_find_const(c->prog, name);
    if (!t && k && find_size(c, name) < 0) {
        diag_error(c->d, sp, "cannot define '%s': it is a const (consts are read-only)", name);
        diag_note(c->d, k->span, "'%s' is defined here", name);
        return NULL;
    }
    if (!t) {
        if (find_size(c, name) >= 0) {
            diag_error(c->d, sp, "'%s' is a size variable and cannot be defined", name);
            return NULL;
        }
        t = new_local(c, name, sp);
    } else if (t->kind == TK_PARAM) {
        diag_error(c->d, sp, "cannot define '%s': it is a parameter", name);
        return NULL;
    } else if (t->def) {
        diag_error(c->d, sp, "'%s' is defined twice", name);
        diag_note(c->d, t->def->span, "first defined here");
        return NULL;
    }
    t->def = s;
    return t;
}

/* ---- expressions ---- */

typedef struct Scope {
    Stage *stage;
    RVar *rv[32];
    int nrv;
} Scope;

static bool resolve_expr(Ctx *c, Scope *sc, Expr *e, int stmt_index);

static bool resolve_name(Ctx *c, Scope *sc, Expr *e)
{
    for (int i = sc->nrv - 1; i >= 0; i--)
        if (!strcmp(sc->rv[i]->name, e->name)) {
            e->ref = REF_RVAR;
            e->rvar = sc->rv[i];
            return true;
        }
    for (int k = 0; k < sc->stage->nvars; k++)
        if (!strcmp(sc->stage->vars[k], e->name)) {
            e->ref = REF_INDEX;
            e->ref_id = k;
            return true;
        }
    int id = find_size(c, e->name);
    if (id >= 0) {
        e->ref = REF_SIZE;
        e->ref_id = id;
        return true;
    }
    Tensor *t = lookup(c, e->name);
    if (t && t->is_scalar) {
        e->ref = REF_SCALAR;
        e->tensor = t;
        return true;
    }
    if (t) diag_error(c->d, e->span, "'%s' is a tensor; index it, e.g. %s[...]", e->name, e->name);
    else if (!program_find_const(c->prog, e->name)) diag_error(c->d, e->span, "unknown name '%s'", e->name);
    return false;
}

static bool defined_before(const Tensor *t, int stmt_index, const Fn *f)
{
    if (t->kind == TK_PARAM || t->kind == TK_CONST) return true;
    if (!t->def) return false;
    for (int i = 0; i < stmt_index; i++)
        if (f->stmts[i] == t->def) return true;
    return false;
}

static bool defined_later(const Fn *f, const char *name, int stmt_index)
{
    for (int i = stmt_index + 1; i < f->nstmts; i++) {
        const Stage *s = f->stmts[i];
        if (s->kind == ST_STAGE && !strcmp(s->target, name)) return true;
        for (int k = 0; s->kind == ST_CALL && k < s->ntargets; k++)
            if (!strcmp(s->targets[k], name)) return true;
    }
    return false;
}

static bool resolve_access(Ctx *c, Scope *sc, Expr *e, int stmt_index)
{
    bool ok = true;
    for (int i = 0; i < e->nargs; i++) ok &= resolve_expr(c, sc, e->args[i], stmt_index);
    Tensor *t = lookup(c, e->name);
    if (!t) {
        if (program_find_const(c->prog, e->name)) return false;    /* its error came with it */
        if (sc->stage->kind == ST_STAGE && !strcmp(sc->stage->target, e->name))
            diag_error(c->d, e->span, "'%s' reads itself; a stage cannot depend on its own values", e->name);
        else if (defined_later(c->fn, e->name, stmt_index))
            diag_error(c->d, e->span, "'%s' is used before it is defined", e->name);
        else diag_error(c->d, e->span, "unknown tensor '%s'", e->name);
        return false;
    }
    if (t->is_scalar) {
        diag_error(c->d, e->span, "'%s' is a scalar and cannot be indexed", e->name);
        return false;
    }
    if (t->def == sc->stage) {
        diag_error(c->d, e->span, "'%s' reads itself; a stage cannot depend on its own values", e->name);
        return false;
    }
    if (!defined_before(t, stmt_index, c->fn)) {
        diag_error(c->d, e->span, "'%s' is used before it is defined", e->name);
        return false;
    }
    e->tensor = t;
    return ok;
}

static bool resolve_reduce(Ctx *c, Scope *sc, Expr *e, int stmt_index)
{
    bool ok = true;
    int saved = sc->nrv;
    for (int i = 0; i < e->nrvars; i++) {
        RVar *r = e->rvars[i];
        if (r->lo) ok &= resolve_expr(c, sc, r->lo, stmt_index);
        if (r->hi) ok &= resolve_expr(c, sc, r->hi, stmt_index);
        bool clash = find_size(c, r->name) >= 0 || names_find(c, r->name);
        for (int k = 0; k < sc->stage->nvars; k++) clash |= !strcmp(sc->stage->vars[k], r->name);
        for (int k = 0; k < sc->nrv; k++) clash |= !strcmp(sc->rv[k]->name, r->name);
        if (clash) {
            diag_error(c->d, r->span, "reduction variable '%s' shadows another name", r->name);
            ok = false;
        }
        if (sc->nrv == 32) {
            diag_error(c->d, r->span, "too many nested reduction variables");
            return false;
        }
        r->id = c->rvars.len;
        vec_push(c->a, &c->rvars, r);
        sc->rv[sc->nrv++] = r;
    }
    ok &= resolve_expr(c, sc, e->args[0], stmt_index);
    sc->nrv = saved;
    return ok;
}

static bool resolve_expr(Ctx *c, Scope *sc, Expr *e, int stmt_index)
{
    switch (e->kind) {
    case EX_INT:
    case EX_FLOAT:
    case EX_BOOL: return true;
    case EX_NAME: return resolve_name(c, sc, e);
    case EX_ACCESS: return resolve_access(c, sc, e, stmt_index);
    case EX_REDUCE: return resolve_reduce(c, sc, e, stmt_index);
    case EX_CALL:
        if (program_find_fn(c->prog, e->name) && !dtypes_is_builtin(e->name)) {
            diag_error(c->d, e->span,
                       "tensor function '%s' can only be called as a whole-tensor binding, e.g. H = %s(...)", e->name,
                       e->name);
            return false;
        }
        /* fallthrough */
    default: {
        bool ok = true;
        for (int i = 0; i < e->nargs; i++) ok &= resolve_expr(c, sc, e->args[i], stmt_index);
        return ok;
    }
    }
}

/* ---- statements ---- */

static bool resolve_stage(Ctx *c, Stage *s, int index)
{
    bool ok = true;
    for (int k = 0; k < s->nvars; k++) {
        const char *v = s->vars[k];
        for (int j = 0; j < k; j++)
            if (!strcmp(s->vars[j], v)) {
                diag_error(c->d, s->var_spans[k], "index variable '%s' appears twice", v);
                ok = false;
            }
        if (find_size(c, v) >= 0 || names_find(c, v)) {
            diag_error(c->d, s->var_spans[k], "index variable '%s' shadows a %s", v,
                       find_size(c, v) >= 0 ? "size variable" : "tensor or parameter");
            ok = false;
        }
    }
    if (s->value->depth > EXPR_MAX_DEPTH) {
        diag_error(c->d, s->span, "expression is nested too deeply (%d levels of operators; the limit is %d)",
                   s->value->depth, EXPR_MAX_DEPTH);
        define_target(c, s, s->target, s->target_span);
        return false;
    }
    Scope sc = { .stage = s };
    ok &= resolve_expr(c, &sc, s->value, index);
    Tensor *t = define_target(c, s, s->target, s->target_span);
    if (!t) return false;
    s->tensor = t;
    if (t->declared_shape && t->ndim != s->nvars) {
        diag_error(c->d, s->target_span, "'%s' has %d dimension%s but the stage gives %d index variable%s", t->name,
                   t->ndim, t->ndim == 1 ? "" : "s", s->nvars, s->nvars == 1 ? "" : "s");
        return false;
    }
    if (!t->declared_shape) t->ndim = s->nvars;
    return ok;
}

static bool resolve_call(Ctx *c, Stage *s, int index)
{
    s->outs = ARENA_ARRAY(c->a, Tensor *, s->ntargets);
    bool ok = true;
    for (int i = 0; i < s->ntargets; i++) {
        s->outs[i] = define_target(c, s, s->targets[i], s->target_spans[i]);
        if (!s->outs[i]) ok = false;
    }
    Fn *callee = program_find_fn(c->prog, s->callee);
    if (!callee) {
        diag_error(c->d, s->callee_span, "unknown tensor function '%s'", s->callee);
        return false;
    }
    if (callee == c->fn || !callee->checked) {
        diag_error(c->d, s->callee_span,
                   callee == c->fn ? "'%s' cannot call itself"
                                   : "'%s' must be defined (without errors) before it is called",
                   s->callee);
        return false;
    }
    s->fn = callee;
    Scope sc = { .stage = s };
    for (int i = 0; i < s->nargs; i++) {
        Expr *e = s->args[i];
        Tensor *t = e->kind == EX_NAME ? lookup(c, e->name) : NULL;
        if (t && !t->is_scalar) {
            if (!defined_before(t, index, c->fn)) {
                diag_error(c->d, e->span, "'%s' is used before it is defined", e->name);
                ok = false;
            }
            e->tensor = t;              /* a whole-tensor argument: ref stays REF_NONE */
        } else {
            ok &= resolve_expr(c, &sc, e, index);
        }
    }
    return ok;
}

static bool resolve_decl(Ctx *c, Stage *s)
{
    Tensor *t = s->decl;
    t->kind = TK_LOCAL;
    if (!add_tensor(c, t)) return false;
    return declare_shape(c, t, false);
}

bool names_resolve_fn(Ctx *c)
{
    Fn *f = c->fn;
    bool ok = declare_signature(c);
    for (int i = 0; i < f->nstmts; i++) {
        Stage *s = f->stmts[i];
        if (s->kind == ST_DECL) ok &= resolve_decl(c, s);
        else if (s->kind == ST_STAGE) ok &= resolve_stage(c, s, i);
        else ok &= resolve_call(c, s, i);
    }
    for (int i = 0; i < c->tensors.len && !f->extern_sym; i++) {
        Tensor *t = c->tensors.items[i];
        if (t->kind == TK_PARAM || t->kind == TK_CONST || t->def) continue;
        diag_error(c->d, t->span, "%s '%s' is declared but never defined", t->kind == TK_RESULT ? "result" : "local",
                   t->name);
        ok = false;
    }
    names_publish_sizes(c);
    f->nrvars = c->rvars.len;
    return ok;
}
