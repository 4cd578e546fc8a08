/* to_loops.c - lowers a checked fn to loop IR with no schedule: every stage is
 * computed whole, in order, over its region, with plain loops. A reduction
 * that is a stage's whole value becomes an init store plus an update loop
 * nest on the stage itself; a reduction inside a larger expression goes
 * through a scalar temporary. */
#include "lower.h"
#include "../lang/affine.h"
#include <string.h>

typedef struct Lower {
    Arena *a;
    Fn *fn;
    LFunc *lf;
    Buffer **bufs;      /* per fn tensor, by Tensor* lookup below */
    Tensor **tensors;
    int ntensors;
    LVar **idx;         /* current stage's loop vars */
    LVar **rv;          /* per reduction var id */
    int ntemps;
    LFunc **done;       /* already lowered fns, for calls */
    int ndone;
} Lower;

static LExpr *lower_affine(Lower *L, const Affine *x)
{
    LExpr *e = NULL;
    for (int i = 0; i < x->n; i++) {
        int64_t k = x->coef[i];
        LExpr *v = lx_var(L->a, L->lf->sizes[x->var[i]]);
        LExpr *t = k == 1 || k == -1 ? v : lx_binary(L->a, OP_MUL, lx_int(L->a, DT_INDEX, k < 0 ? -k : k), v);
        if (!e) e = k < 0 ? lx_unary(L->a, OP_NEG, t) : t;
        else e = lx_binary(L->a, k < 0 ? OP_SUB : OP_ADD, e, t);
    }
    if (!e) return lx_int(L->a, DT_INDEX, x->c);
    if (x->c) e = lx_binary(L->a, x->c < 0 ? OP_SUB : OP_ADD, e, lx_int(L->a, DT_INDEX, x->c < 0 ? -x->c : x->c));
    return e;
}

static Buffer *buf_of(Lower *L, const Tensor *t)
{
    for (int i = 0; i < L->ntensors; i++)
        if (L->tensors[i] == t) return L->bufs[i];
    return NULL;
}

static Buffer *make_buffer(Lower *L, const Tensor *t, BufKind kind)
{
    Buffer *b = ARENA_NEW(L->a, Buffer);
    b->name = t->name;
    b->kind = kind;
    b->type = t->type;
    b->ndim = t->ndim;
    b->index = t->index;
    b->min = ARENA_ARRAY(L->a, LExpr *, t->ndim ? t->ndim : 1);
    b->extent = ARENA_ARRAY(L->a, LExpr *, t->ndim ? t->ndim : 1);
    for (int k = 0; k < t->ndim; k++) {
        b->min[k] = lower_affine(L, t->min[k]);
        b->extent[k] = lower_affine(L, t->extent[k]);
    }
    L->tensors[L->ntensors] = (Tensor *)t;
    L->bufs[L->ntensors++] = b;
    return b;
}

static Buffer *scalar_temp(Lower *L, DType t)
{
    Buffer *b = ARENA_NEW(L->a, Buffer);
    b->name = arena_printf(L->a, "t%d", L->ntemps++);
    b->kind = BUF_LOCAL;
    b->type = t;
    return b;
}

/* ---- expressions ---- */

typedef struct Pending { LStmt *pre; PtrVec temps; } Pending;

static LExpr *lower_expr(Lower *L, const Expr *e, Pending *p);

static LExpr *convert(Lower *L, LExpr *x, DType t)
{
    return x->type == t ? x : lx_cast(L->a, t, x);
}

/* The dtype both operands of a binary node are computed in. */
static DType operand_type(const Expr *e)
{
    DType a = e->args[0]->type, b = e->args[1]->type;
    return dtype_widens_to(a, b) ? b : a;
}

static LExpr *reduce_init(Lower *L, Op op, DType t)
{
    bool f = dtype_is_float(t);
    int bits = dtype_bits(t);
    switch (op) {
    case OP_SUM: return f ? lx_float(L->a, t, 0.0) : lx_int(L->a, t, 0);
    case OP_PROD: return f ? lx_float(L->a, t, 1.0) : lx_int(L->a, t, 1);
    case OP_MAX:
        if (f) return lx_float(L->a, t, -__builtin_inf());
        return lx_int(L->a, t, dtype_is_signed(t) ? (bits == 64 ? INT64_MIN : -(INT64_C(1) << (bits - 1))) : 0);
    default:
        if (f) return lx_float(L->a, t, __builtin_inf());
        if (dtype_is_signed(t)) return lx_int(L->a, t, bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1);
        return lx_int(L->a, t, bits == 64 ? -1 : (int64_t)((UINT64_C(1) << bits) - 1));
    }
}

static LExpr *reduce_update(Lower *L, Op op, LExpr *acc, LExpr *x)
{
    switch (op) {
    case OP_SUM: return lx_binary(L->a, OP_ADD, acc, x);
    case OP_PROD: return lx_binary(L->a, OP_MUL, acc, x);
    default: {
        LExpr *args[2] = { acc, x };
        return lx_call(L->a, op == OP_MAX ? MF_MAX : MF_MIN, acc->type, args, 2);
    }
    }
}

/* acc[idx] = init; for r...: { pre; acc[idx] = acc[idx] op body } */
static void emit_reduction(Lower *L, const Expr *e, Buffer *acc, LExpr **idx, LStmt *out)
{
    ls_append(L->a, out, ls_store(L->a, acc, idx, reduce_init(L, e->op, e->type)));
    for (int i = 0; i < e->nrvars; i++)     /* bind loop vars before lowering the body */
        L->rv[e->rvars[i]->id] = lv_new(L->a, e->rvars[i]->name, LV_LOOP, DT_INDEX, e->rvars[i]->id);
    Pending p = { ls_block(L->a), { 0 } };
    LExpr *x = convert(L, lower_expr(L, e->args[0], &p), e->type);
    ls_append(L->a, p.pre, ls_store(L->a, acc, idx, reduce_update(L, e->op, lx_load(L->a, acc, idx), x)));
    LStmt *body = p.pre;
    for (int i = p.temps.len - 1; i >= 0; i--) body = ls_alloc(L->a, p.temps.items[i], body);
    for (int i = e->nrvars - 1; i >= 0; i--) {
        RVar *r = e->rvars[i];
        body = ls_for(L->a, L->rv[r->id], lower_affine(L, r->min), lower_affine(L, r->extent), body);
    }
    ls_append(L->a, out, body);
}

static bool has_reduce(const Expr *e)
{
    if (e->kind == EX_REDUCE) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_reduce(e->args[i])) return true;
    return false;
}

/* select whose arms hold reductions: each arm's reduction runs only on its branch */
static LExpr *lower_select_stmt(Lower *L, const Expr *e, Pending *p)
{
    Buffer *t = scalar_temp(L, e->type);
    vec_push(L->a, &p->temps, t);
    LStmt *arms[2];
    for (int k = 0; k < 2; k++) {
        Pending q = { ls_block(L->a), { 0 } };
        LExpr *x = convert(L, lower_expr(L, e->args[1 + k], &q), e->type);
        ls_append(L->a, q.pre, ls_store(L->a, t, NULL, x));
        arms[k] = q.pre;
        for (int i = q.temps.len - 1; i >= 0; i--) arms[k] = ls_alloc(L->a, q.temps.items[i], arms[k]);
    }
    ls_append(L->a, p->pre, ls_if(L->a, lower_expr(L, e->args[0], p), arms[0], arms[1]));
    return lx_load(L->a, t, NULL);
}

static LExpr *lower_expr(Lower *L, const Expr *e, Pending *p)
{
    Arena *a = L->a;
    switch (e->kind) {
    case EX_INT: return dtype_is_float(e->type) ? lx_float(a, e->type, (double)e->ival) : lx_int(a, e->type, e->ival);
    case EX_FLOAT: return lx_float(a, e->type, e->fval);
    case EX_BOOL: return lx_int(a, DT_BOOL, e->ival);
    case EX_NAME:
        if (e->ref == REF_INDEX) return lx_var(a, L->idx[e->ref_id]);
        if (e->ref == REF_RVAR) return lx_var(a, L->rv[e->rvar->id]);
        if (e->ref == REF_SIZE) return lx_var(a, L->lf->sizes[e->ref_id]);
        return lx_var(a, L->lf->scalars[e->tensor->index]);
    case EX_ACCESS: {
        LExpr **idx = ARENA_ARRAY(a, LExpr *, e->nargs ? e->nargs : 1);
        for (int i = 0; i < e->nargs; i++) idx[i] = convert(L, lower_expr(L, e->args[i], p), DT_INDEX);
        return lx_load(a, buf_of(L, e->tensor), idx);
    }
    case EX_UNARY: return lx_unary(a, e->op, convert(L, lower_expr(L, e->args[0], p), e->type));
    case EX_BINARY: {
        DType t = operand_type(e);
        return lx_binary(a, e->op, convert(L, lower_expr(L, e->args[0], p), t),
                         convert(L, lower_expr(L, e->args[1], p), t));
    }
    case EX_SELECT:
        if (has_reduce(e->args[1]) || has_reduce(e->args[2])) return lower_select_stmt(L, e, p);
        return lx_select(a, lower_expr(L, e->args[0], p), convert(L, lower_expr(L, e->args[1], p), e->type),
                         convert(L, lower_expr(L, e->args[2], p), e->type));
    case EX_CALL: {
        if (e->fn == MF_CAST) return convert(L, lower_expr(L, e->args[0], p), e->cast_to);
        LExpr *args[2];
        for (int i = 0; i < e->nargs; i++) args[i] = convert(L, lower_expr(L, e->args[i], p), e->type);
        return lx_call(a, e->fn, e->type, args, e->nargs);
    }
    case EX_REDUCE: {
        Buffer *t = scalar_temp(L, e->type);
        vec_push(a, &p->temps, t);
        emit_reduction(L, e, t, NULL, p->pre);
        return lx_load(a, t, NULL);
    }
    }
    return NULL;
}

/* ---- stages ---- */

static LStmt *lower_stage(Lower *L, const Stage *s)
{
    Tensor *t = s->tensor;
    Buffer *b = buf_of(L, t);
    L->idx = ARENA_ARRAY(L->a, LVar *, t->ndim ? t->ndim : 1);
    LExpr **idx = ARENA_ARRAY(L->a, LExpr *, t->ndim ? t->ndim : 1);
    for (int k = 0; k < t->ndim; k++) {
        L->idx[k] = lv_new(L->a, s->vars[k], LV_LOOP, DT_INDEX, k);
        idx[k] = lx_var(L->a, L->idx[k]);
    }
    LStmt *body = ls_block(L->a);
    if (s->value->kind == EX_REDUCE && s->value->type == t->type) {
        emit_reduction(L, s->value, b, idx, body);
    } else {
        Pending p = { body, { 0 } };
        LExpr *x = convert(L, lower_expr(L, s->value, &p), t->type);
        ls_append(L->a, body, ls_store(L->a, b, idx, x));
        for (int i = p.temps.len - 1; i >= 0; i--) body = ls_alloc(L->a, p.temps.items[i], body);
    }
    for (int k = t->ndim - 1; k >= 0; k--) body = ls_for(L->a, L->idx[k], b->min[k], b->extent[k], body);
    return body;
}

static LFunc *find_done(Lower *L, const Fn *f)
{
    for (int i = 0; i < L->ndone; i++)
        if (L->done[i]->fn == f) return L->done[i];
    return NULL;
}

static LStmt *lower_call(Lower *L, const Stage *s)
{
    Fn *f = s->fn;
    LStmt *st = ARENA_NEW(L->a, LStmt);
    st->kind = LS_CALL;
    st->callee = find_done(L, f);
    st->call_bufs = ARENA_ARRAY(L->a, Buffer *, f->nparams + f->nresults);
    st->call_args = ARENA_ARRAY(L->a, LExpr *, f->nparams + f->nsizevars + 1);
    Pending p = { ls_block(L->a), { 0 } };
    for (int i = 0; i < f->nparams; i++) {
        if (f->params[i]->is_scalar) st->call_args[i] = convert(L, lower_expr(L, s->args[i], &p), f->params[i]->type);
        else st->call_bufs[i] = buf_of(L, s->args[i]->tensor);
    }
    for (int i = 0; i < f->nresults; i++) st->call_bufs[f->nparams + i] = buf_of(L, s->outs[i]);
    for (int i = 0; i < f->nsizevars; i++) st->call_args[f->nparams + i] = lower_affine(L, s->call_sizes[i]);
    return st;
}

/* ---- the entry point's shape plan ---- */

static void plan_checks(Lower *L)
{
    Fn *f = L->fn;
    int total = 0;
    for (int i = 0; i < f->nparams; i++) total += f->params[i]->ndim;
    for (int i = 0; i < f->nresults; i++) total += f->results[i]->ndim;
    ShapeCheck *binds = ARENA_ARRAY(L->a, ShapeCheck, total + 1), *checks = ARENA_ARRAY(L->a, ShapeCheck, total + 1);
    int nb = 0, nc = 0;
    bool *bound = ARENA_ARRAY(L->a, bool, f->nsizevars + 1);
    for (int i = 0; i < f->nparams + f->nresults; i++) {
        Tensor *t = i < f->nparams ? f->params[i] : f->results[i - f->nparams];
        for (int k = 0; k < t->ndim; k++) {
            Affine *x = t->extent[k];
            if (i < f->nparams && x->n == 1 && x->coef[0] == 1 && !bound[x->var[0]]) {
                bound[x->var[0]] = true;
                binds[nb++] = (ShapeCheck){ i, k, x->var[0], x->c, NULL };
            } else {
                checks[nc++] = (ShapeCheck){ i, k, -1, 0, lower_affine(L, x) };
            }
        }
    }
    memcpy(binds + nb, checks, sizeof(ShapeCheck) * (size_t)nc);
    L->lf->checks = binds;
    L->lf->nchecks = nb + nc;
}

static LFunc *lower_fn(Arena *a, Fn *f, LFunc **done, int ndone)
{
    int nt = f->nparams + f->nresults + f->nlocals;
    Lower L = { .a = a, .fn = f, .done = done, .ndone = ndone };
    L.bufs = ARENA_ARRAY(a, Buffer *, nt + 1);
    L.tensors = ARENA_ARRAY(a, Tensor *, nt + 1);
    L.rv = ARENA_ARRAY(a, LVar *, f->nrvars + 1);
    LFunc *lf = L.lf = ARENA_NEW(a, LFunc);
    lf->name = f->name;
    lf->fn = f;
    lf->nsizes = f->nsizevars;
    lf->sizes = ARENA_ARRAY(a, LVar *, f->nsizevars + 1);
    for (int i = 0; i < f->nsizevars; i++) lf->sizes[i] = lv_new(a, f->sizevars[i].name, LV_SIZE, DT_INDEX, i);
    lf->nparams = f->nparams;
    lf->params = ARENA_ARRAY(a, Buffer *, f->nparams + 1);
    lf->scalars = ARENA_ARRAY(a, LVar *, f->nparams + 1);
    for (int i = 0; i < f->nparams; i++) {
        Tensor *t = f->params[i];
        if (t->is_scalar) lf->scalars[i] = lv_new(a, t->name, LV_SCALAR, t->type, i);
        else lf->params[i] = make_buffer(&L, t, BUF_PARAM);
    }
    lf->nresults = f->nresults;
    lf->results = ARENA_ARRAY(a, Buffer *, f->nresults + 1);
    for (int i = 0; i < f->nresults; i++) lf->results[i] = make_buffer(&L, f->results[i], BUF_RESULT);
    PtrVec allocs = { 0 };
    for (int i = 0; i < f->nlocals; i++) {
        Tensor *t = f->locals[i];
        if (t->kind == TK_LOCAL && t->order >= 0) vec_push(a, &allocs, make_buffer(&L, t, BUF_LOCAL));
    }
    LStmt *body = ls_block(a);
    for (int i = 0; i < f->nstmts; i++) {
        Stage *s = f->stmts[i];
        if (s->kind == ST_STAGE && s->tensor->order >= 0) ls_append(a, body, lower_stage(&L, s));
        else if (s->kind == ST_CALL) ls_append(a, body, lower_call(&L, s));
    }
    for (int i = allocs.len - 1; i >= 0; i--) body = ls_alloc(a, allocs.items[i], body);
    lf->body = body;
    plan_checks(&L);
    return lf;
}

int lower_program(Arena *a, Program *prog, LFunc ***out, Diag *d)
{
    LFunc **fns = ARENA_ARRAY(a, LFunc *, prog->nfns + 1);
    int n = 0;
    for (int i = 0; i < prog->nfns; i++) {
        if (!prog->fns[i]->checked) {
            diag_plain(d, "internal error: '%s' was not checked before lowering", prog->fns[i]->name);
            return -1;
        }
        fns[n] = lower_fn(a, prog->fns[i], fns, n);
        n++;
    }
    *out = fns;
    return n;
}
