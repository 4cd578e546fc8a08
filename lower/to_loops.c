/* to_loops.c - lowers a checked fn to loop IR under its schedule
 * (schedule.h; with no schedule every stage is computed whole, in order,
 * with plain loops).
 *
 * Each stage is built as loop nests over its live loop variables. Every loop
 * counts from 0 (an unsplit original loop runs over its index range
 * directly); the stage's indices are rebuilt from the counters through the
 * split/fuse tree. A loop whose exact extent depends on a loop that is not
 * outside it (a split tail after a reorder, a fused tail) runs to its
 * maximum extent under a guard placed where the guard's loops are all bound.
 * A top-level reduction is an init store plus an update: at the first
 * reduction loop of the nest, a nest over the pure loops inside it stores the
 * initial values of what the loops below update. A reduction nested in a
 * larger expression is the stage's reduction when it can run on its own
 * (sched_reduction): it accumulates in place (in the stage's buffer, or in a
 * buffer of its own dtype), and after the reduction loops a final nest over
 * the same pure loops computes the rest of the expression from it.
 * Stages computed at a loop of a consumer, and packed copies, are built at
 * the top of that loop's body over the region that one iteration reads, found
 * by region inference (region.c) and clamped to the stage's whole region.
 * Any other reduction inside an expression goes through a scalar temporary. */
#include "lower/to_loops.h"
#include "lower/region.h"
#include "lower/pack.h"
#include "lang/check.h"
#include "lang/npy.h"
#include <string.h>

typedef struct Guard {
    LExpr *cond;
    bool *deps;
    bool done;
    int var; /* counter(var) < its exact extent */
} Guard;

/* ---- affine forms ---- */

LExpr *lower_affine(Lower *L, const Affine *x)
{
    LExpr *e = ix_const(L->a, x->c);
    int ns = L->fn->nsizevars;
    for (int i = x->n - 1; i >= 0; i--) {
        LExpr *v = x->var[i] < ns ? lx_var(L->a, L->lf->sizes[x->var[i]]) : L->syms[x->var[i] - ns];
        int64_t k = x->coef[i];
        LExpr *t = ix_mul(L->a, v, k < 0 ? -k : k);
        e = ix_is_const(e, 0) && k > 0 ? t : k < 0 ? ix_sub(L->a, e, t) : ix_add(L->a, t, e);
    }
    return e;
}

Buffer *lower_buf_of(Lower *L, const Tensor *t)
{
    for (int i = 0; i < L->ntensors; i++)
        if (L->tensors[i] == t) return L->bufs[i];
    return NULL;
}

static void set_buf(Lower *L, const Tensor *t, Buffer *b)
{
    for (int i = 0; i < L->ntensors; i++)
        if (L->tensors[i] == t) {
            L->bufs[i] = b;
            return;
        }
    TDSL_ASSERT(L->ntensors < L->fn->nparams + L->fn->nresults + L->fn->nlocals, "a buffer for a tensor not of the fn");
    L->tensors[L->ntensors] = (Tensor *)t;
    L->bufs[L->ntensors++] = b;
}

Buffer *lower_new_buffer(Lower *L, const char *name, BufKind kind, DType type, int ndim)
{
    Buffer *b = ARENA_NEW(L->a, Buffer);
    b->name = name;
    b->kind = kind;
    b->type = type;
    b->ndim = ndim;
    b->min = ARENA_ARRAY(L->a, LExpr *, ndim ? ndim : 1);
    b->extent = ARENA_ARRAY(L->a, LExpr *, ndim ? ndim : 1);
    return b;
}

static Buffer *make_buffer(Lower *L, const Tensor *t, BufKind kind)
{
    Buffer *b = lower_new_buffer(L, t->name, kind, t->type, t->ndim);
    b->index = t->index;
    for (int k = 0; k < t->ndim; k++) {
        b->min[k] = lower_affine(L, t->min[k]);
        b->extent[k] = lower_affine(L, t->extent[k]);
    }
    set_buf(L, t, b);
    return b;
}

static Buffer *const_buffer(Lower *L, const Tensor *t)
{
    Buffer *b = make_buffer(L, t, BUF_CONST);
    b->data = t->konst->arr->data;
    b->nbytes = t->konst->arr->nbytes;
    return b;
}

static Buffer *scalar_temp(Lower *L, DType t)
{
    return lower_new_buffer(L, arena_printf(L->a, "t%d", L->ntemps++), BUF_LOCAL, t, 0);
}

static int stage_pos(Lower *L, const SStage *st)
{
    int i = 0;
    while (i < L->fs->nstages && L->fs->stages[i] != st) i++;
    TDSL_ASSERT(i < L->fs->nstages, "a stage that is not in its fn's schedule");
    return i;
}

static Nest *nest_of(Lower *L, const SStage *st)
{
    Nest *n = L->nests[stage_pos(L, st)];
    TDSL_ASSERT(n, "a stage read before its nest was built");
    return n;
}

/* ---- expressions ---- */

typedef struct Pending {
    LStmt *pre;
    PtrVec temps;
} Pending;

static LExpr *lower_expr(Lower *L, const Expr *e, Pending *p);

static LExpr *convert(Lower *L, LExpr *x, DType t) { return x->type == t ? x : lx_cast(L->a, t, x); }

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
    case OP_ARGMAX:
    case OP_ARGMIN: return lx_int(L->a, DT_I64, INT64_MIN);   /* below every key (arg_key) */
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
        return lx_call(L->a, op == OP_MIN ? MF_MIN : MF_MAX, acc->type, args, 2);
    }
    }
}

/* argmax / argmin reduce i64 keys by max: the value's rank in the high 32
 * bits (MF_ARGKEY_*), 0xffffffff - its flat row-major position in the low
 * ones, so the largest key holds the first best position whatever order the
 * loops run in (reorder, vectorize and rfactor keep NumPy's rule, exactly).
 * Otherwise x as the accumulator's dtype. */
static LExpr *reduce_operand(Lower *L, const Expr *red, LExpr *x, DType acc)
{
    if (red->op != OP_ARGMAX && red->op != OP_ARGMIN) return convert(L, x, acc);
    Arena *a = L->a;
    x = convert(L, x, red->args[0]->type);
    LExpr *k = lx_call(a, red->op == OP_ARGMAX ? MF_ARGKEY_MAX : MF_ARGKEY_MIN, DT_I64, &x, 1);
    LExpr *pos = ix_const(a, 0);
    for (int i = 0; i < red->nrvars; i++) {
        const RVar *r = red->rvars[i];
        LExpr *at = ix_sub(a, L->rv[r->id], lower_affine(L, r->min));
        pos = ix_add(a, ix_mulx(a, pos, lower_affine(L, r->extent)), at);
    }
    return lx_binary(a, OP_ADD, k, ix_sub(a, ix_const(a, 0xffffffff), pos));
}

/* An argmax/argmin stage accumulates keys and stores positions (an rfactor
 * stage stores its keys). */
static bool keyed(const SStage *st) { return (st->red == OP_ARGMAX || st->red == OP_ARGMIN) && !st->rf_of; }

/* The reduction's value from its accumulator: an argmax key's position. */
static LExpr *reduce_result(Lower *L, const Expr *red, LExpr *acc)
{
    if (red->op != OP_ARGMAX && red->op != OP_ARGMIN) return acc;
    return lx_call(L->a, MF_ARGPOS, DT_I64, &acc, 1);
}

static LStmt *wrap_temps(Lower *L, LStmt *body, PtrVec *temps)
{
    for (int i = temps->len - 1; i >= 0; i--) body = ls_alloc(L->a, temps->items[i], body);
    return body;
}

/* A reduction inside an expression: acc = init; for r...: { pre; acc = acc op body } */
static void emit_reduction(Lower *L, const Expr *e, Buffer *acc, LStmt *out)
{
    ls_append(L->a, out, ls_store(L->a, acc, NULL, reduce_init(L, e->op, e->type)));
    LVar **lv = ARENA_ARRAY(L->a, LVar *, e->nrvars);
    for (int i = 0; i < e->nrvars; i++) {   /* bind loop vars before lowering the body */
        lv[i] = lv_new(L->a, e->rvars[i]->name, LV_LOOP, DT_INDEX, e->rvars[i]->id);
        L->rv[e->rvars[i]->id] = lx_var(L->a, lv[i]);
    }
    Pending p = { ls_block(L->a), { 0 } };
    LExpr *x = reduce_operand(L, e, lower_expr(L, e->args[0], &p), e->type);
    ls_append(L->a, p.pre, ls_store(L->a, acc, NULL, reduce_update(L, e->op, lx_load(L->a, acc, NULL), x)));
    LStmt *body = wrap_temps(L, p.pre, &p.temps);
    for (int i = e->nrvars - 1; i >= 0; i--) {
        RVar *r = e->rvars[i];
        body = ls_for(L->a, lv[i], lower_affine(L, r->min), lower_affine(L, r->extent), body);
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
        arms[k] = wrap_temps(L, q.pre, &q.temps);
    }
    ls_append(L->a, p->pre, ls_if(L->a, lower_expr(L, e->args[0], p), arms[0], arms[1]));
    return lx_load(L->a, t, NULL);
}

/* ---- index expressions: e / k and e % k ---- */

/* The value of an integer constant expression (literals, + - *), if it is one. */
static bool const_value(const Expr *e, int64_t *v)
{
    int64_t x, y;
    if (e->kind == EX_INT) return *v = e->ival, true;
    if (e->kind == EX_UNARY && e->op == OP_NEG) return const_value(e->args[0], &x) && !__builtin_sub_overflow(0, x, v);
    if (e->kind != EX_BINARY || !const_value(e->args[0], &x) || !const_value(e->args[1], &y)) return false;
    if (e->op == OP_ADD) return !__builtin_add_overflow(x, y, v);
    if (e->op == OP_SUB) return !__builtin_sub_overflow(x, y, v);
    return e->op == OP_MUL && !__builtin_mul_overflow(x, y, v);
}

static bool has_divmod(const Expr *e)
{
    if (e->kind == EX_BINARY && (e->op == OP_DIV || e->op == OP_MOD)) return true;
    if (e->kind != EX_BINARY && !(e->kind == EX_UNARY && e->op == OP_NEG)) return false;
    for (int i = 0; i < e->nargs; i++)
        if (has_divmod(e->args[i])) return true;
    return false;
}

/* An index of a read. sema proved every dividend of e / k and e % k in it
 * >= 0, so the division by k > 0 is split by the loop counters where their
 * ranges allow it (split_divmod: j = jo * 16 + ji reads W[j / 16, j % 16] as
 * W[jo, ji]) and is an i64 division otherwise. */
static LExpr *lower_index(Lower *L, const Expr *e, Pending *p)
{
    int64_t k;
    if (!has_divmod(e)) return convert(L, lower_expr(L, e, p), DT_INDEX);
    if (e->kind == EX_UNARY) return lx_unary(L->a, OP_NEG, lower_index(L, e->args[0], p));
    LExpr *x = lower_index(L, e->args[0], p);
    if ((e->op == OP_DIV || e->op == OP_MOD) && const_value(e->args[1], &k) && k > 0) {
        LExpr *q, *r;
        split_divmod(L, L->cur, x, NULL, k, &q, &r);
        return e->op == OP_DIV ? q : r;
    }
    return lx_binary(L->a, e->op, x, lower_index(L, e->args[1], p));
}

/* A read of a tensor: through the current stage's pack of it, the inlined
 * stage's value, or the tensor's buffer. */
static LExpr *lower_access(Lower *L, const Expr *e, Pending *p)
{
    Arena *a = L->a;
    LExpr **idx = ARENA_ARRAY(a, LExpr *, e->nargs ? e->nargs : 1);
    for (int i = 0; i < e->nargs; i++) idx[i] = lower_index(L, e->args[i], p);
    SStage *u = sched_stage_of(L->fs, e->tensor);
    if (u && u->place == PLACE_INLINE) {
        LExpr **saved = L->idx;
        L->idx = idx;
        L->inlining++;
        LExpr *x = convert(L, lower_expr(L, u->value, p), e->tensor->type);
        L->inlining--;
        L->idx = saved;
        /* a value boundary, as the store and load were: codegen contracts
         * a*b + c into one fma only within one stage's expression */
        return x->kind == LX_BINARY ? lx_cast(a, x->type, x) : x;
    }
    Nest *n = L->cur;
    if (n && !L->inlining)
        for (int i = 0; i < n->st->npacks; i++) {
            SPack *pk = &n->st->packs[i];
            if (pk->src != e->tensor || !n->packs[i]) continue;
            return lx_load(a, n->packs[i], layout_index(L, n, n->pack_boxes[i], pk->layout, pk->nlayout, idx));
        }
    return lx_load(a, lower_buf_of(L, e->tensor), idx);
}

static LExpr *lower_expr(Lower *L, const Expr *e, Pending *p)
{
    Arena *a = L->a;
    switch (e->kind) {
    case EX_INT: return dtype_is_float(e->type) ? lx_float(a, e->type, (double)e->ival) : lx_int(a, e->type, e->ival);
    case EX_FLOAT: return lx_float(a, e->type, e->fval);
    case EX_BOOL: return lx_int(a, DT_BOOL, e->ival);
    case EX_NAME:
        if (e->ref == REF_INDEX) return L->idx[e->ref_id];
        if (e->ref == REF_RVAR) return L->rv[e->rvar->id];
        if (e->ref == REF_SIZE) return lx_var(a, L->lf->sizes[e->ref_id]);
        return lx_var(a, L->lf->scalars[e->tensor->index]);
    case EX_ACCESS: return lower_access(L, e, p);
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
        LExpr *args[3];
        if (e->fn == MF_CLAMP) {
            for (int i = 0; i < 3; i++) args[i] = convert(L, lower_expr(L, e->args[i], p), e->type);
            LExpr *lo = lx_call(a, MF_MAX, e->type, args, 2);
            LExpr *hi[2] = { lo, args[2] };
            return lx_call(a, MF_MIN, e->type, hi, 2);
        }
        for (int i = 0; i < e->nargs; i++) args[i] = convert(L, lower_expr(L, e->args[i], p), e->type);
        return lx_call(a, e->fn, e->type, args, e->nargs);
    }
    case EX_REDUCE: {
        if (e == L->folded) return L->folded_val;
        Buffer *t = scalar_temp(L, e->type);
        vec_push(a, &p->temps, t);
        emit_reduction(L, e, t, p->pre);
        return reduce_result(L, e, lx_load(a, t, NULL));
    }
    }
    return NULL;
}

/* ---- loop variables: counters, values, extents ---- */

const RVar *rvar_of(const SStage *st, int orig) { return st->reduce->rvars[orig]; }


/* The 0-based counter of var v (live or not). */
LExpr *lower_counter(Lower *L, Nest *n, int v)
{
    const SStage *st = n->st;
    const SVar *x = &st->vars[v];
    if (x->live) {
        LExpr *c = lx_var(L->a, n->lv[v]);
        if (!n->offset[v]) return c;
        LExpr *lo = x->how == SV_PURE ? n->min[x->orig] : lower_affine(L, rvar_of(st, x->orig)->min);
        return ix_sub(L->a, c, lo);
    }
    int o = sched_find_child(st, v, SV_OUTER);
    if (o >= 0)
        return ix_add(L->a, ix_mul(L->a, lower_counter(L, n, o), st->vars[o].factor),
                      lower_counter(L, n, sched_child(st, v, SV_INNER)));
    int f = sched_child(st, v, SV_FUSED);
    LExpr *m = lower_maxext(L, n, st->vars[f].fb);
    return st->vars[f].fa == v ? ix_divx(L->a, lower_counter(L, n, f), m) : ix_modx(L->a, lower_counter(L, n, f), m);
}

/* Index value of pure dim k / reduction var orig of the stage. */
static LExpr *pure_index(Lower *L, Nest *n, int k)
{
    for (int v = 0; v < n->st->nvars; v++) {
        const SVar *x = &n->st->vars[v];
        if (x->how != SV_PURE || x->orig != k) continue;
        if (x->live && n->offset[v]) return lx_var(L->a, n->lv[v]);
        return ix_add(L->a, n->min[k], lower_counter(L, n, v));
    }
    return NULL;
}

static LExpr *rvar_index(Lower *L, Nest *n, int orig)
{
    for (int v = 0; v < n->st->nvars; v++) {
        const SVar *x = &n->st->vars[v];
        if (x->how != SV_RVAR || x->orig != orig) continue;
        if (x->live && n->offset[v]) return lx_var(L->a, n->lv[v]);
        return ix_add(L->a, lower_affine(L, rvar_of(n->st, orig)->min), lower_counter(L, n, v));
    }
    return NULL;
}

/* Extent of the rfactor dim: the max extent of the factored var. */
LExpr *lower_rf_extent(Lower *L, const SStage *f)
{
    Nest tmp = { .st = (SStage *)f };
    return lower_maxext(L, &tmp, f->rf_var);
}

/* ---- extents: schedule.h's rule, as index expressions ---- */

static LExpr *rvar_extent(Lower *L, const SStage *st, int orig)
{
    return orig < 0 ? lower_rf_extent(L, st->rf) : lower_affine(L, rvar_of(st, orig)->extent);
}

static void *exact_leaf(const SExtentRule *r, const SStage *st, int v)
{
    const NestAt *at = r->ctx;
    const SVar *x = &st->vars[v];
    return x->how == SV_PURE ? at->n->ext[x->orig] : rvar_extent(at->L, st, x->orig);
}

static void *max_leaf(const SExtentRule *r, const SStage *st, int v)
{
    const NestAt *at = r->ctx;
    const SVar *x = &st->vars[v];
    if (x->how != SV_PURE) return rvar_extent(at->L, st, x->orig);
    return at->n->aspan[x->orig] ? lower_affine(at->L, at->n->aspan[x->orig]) : at->n->ext[x->orig];
}

static void *ix_outer(const SExtentRule *r, const SStage *st, int v, void *parent)
{
    return ix_ceildiv(r->a, parent, st->vars[v].factor);
}

static void *ix_fused(const SExtentRule *r, void *a, void *b) { return ix_mulx(r->a, a, b); }

/* exact: the factor in a full tile, else what is left of the parent */
static void *exact_inner(const SExtentRule *r, const SStage *st, int v, void *parent)
{
    const NestAt *at = r->ctx;
    const SVar *x = &st->vars[v];
    LExpr *pe = parent;
    if (at->n->full && at->n->full[v]) return ix_const(r->a, x->factor);
    if (pe->kind == LX_INT && pe->ival % x->factor == 0)
        return ix_const(r->a, pe->ival < x->factor ? pe->ival : x->factor);
    if (x->factor == 1) return ix_const(r->a, 1);
    LExpr *outer = lower_counter(at->L, at->n, sched_child(st, x->parent, SV_OUTER));
    LExpr *rest = ix_sub(r->a, pe, ix_mul(r->a, outer, x->factor));
    return ix_min(r->a, ix_const(r->a, x->factor), rest);
}

static void *max_inner(const SExtentRule *r, const SStage *st, int v, void *parent)
{
    LExpr *pm = parent;
    int64_t f = st->vars[v].factor;
    return ix_const(r->a, pm && pm->kind == LX_INT && pm->ival < f ? pm->ival : f);
}

/* Largest extent of var v over every iteration of the stage's own loops. */
LExpr *lower_maxext(Lower *L, Nest *n, int v)
{
    NestAt at = { L, n };
    SExtentRule max = { max_leaf, ix_outer, max_inner, ix_fused, NULL, L->a, &at };
    return sched_extent(n->st, v, &max);
}

/* Exact extent of var v given the counters of the loops it depends on. */
static LExpr *extent(Lower *L, Nest *n, int v)
{
    NestAt at = { L, n };
    SExtentRule max = { max_leaf, ix_outer, max_inner, ix_fused, NULL, L->a, &at };
    SExtentRule exact = { exact_leaf, ix_outer, exact_inner, ix_fused, &max, L->a, &at };
    return sched_extent(n->st, v, &exact);
}

/* Which of the stage's loops does e read? */
static void loop_deps(const Nest *n, const LExpr *e, bool *deps)
{
    if (e->kind == LX_VAR)
        for (int v = 0; v < n->st->nvars; v++)
            if (n->lv[v] == e->var) deps[v] = true;
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i]) loop_deps(n, e->args[i], deps);
}

/* ---- stage nests ---- */

/* A local buffer's extent: the region's largest extent (a constant where it
 * is one, so small buffers go on the stack), never negative. */
LExpr *lower_alloc_extent(Lower *L, Affine *span, LExpr *ext)
{
    if (!span) return ix_max(L->a, ext, ix_const(L->a, 0));
    LExpr *e = lower_affine(L, span);
    return aff_provably_nonneg(span) ? e : ix_max(L->a, e, ix_const(L->a, 0));
}

static LStmt *build_stage(Lower *L, SStage *st, Box region);

/* A local buffer over a stage's region. */
static Buffer *region_buffer(Lower *L, const char *name, DType type, Box region)
{
    Buffer *b = lower_new_buffer(L, name, BUF_LOCAL, type, region.ndim);
    for (int k = 0; k < region.ndim; k++) {
        b->min[k] = region.min[k];
        b->extent[k] = lower_alloc_extent(L, region.aspan[k], region.ext[k]);
    }
    return b;
}

static Nest *nest_new(Lower *L, SStage *st, Box region)
{
    Nest *n = ARENA_NEW(L->a, Nest);
    n->st = st;
    n->min = region.min;
    n->ext = region.ext;
    n->amin = region.amin;
    n->aspan = region.aspan;
    n->lv = ARENA_ARRAY(L->a, LVar *, st->nvars);
    n->offset = ARENA_ARRAY(L->a, bool, st->nvars);
    n->sym = ARENA_ARRAY(L->a, int, st->nvars);
    n->full = ARENA_ARRAY(L->a, bool, st->nvars);
    n->tail = ARENA_ARRAY(L->a, bool, st->nvars);
    n->packs = ARENA_ARRAY(L->a, Buffer *, st->npacks + 1);
    n->pack_boxes = ARENA_ARRAY(L->a, Box, st->npacks + 1);
    n->pack_at = ARENA_ARRAY(L->a, int, st->npacks + 1);
    for (int i = 0; i < st->npacks; i++) n->pack_at[i] = st->packs[i].at < 0 ? -1 : -2;
    for (int v = 0; v < st->nvars; v++) {
        const SVar *x = &st->vars[v];
        n->sym[v] = -1;
        if (!x->live) continue;
        const char *name = x->name;
        for (int i = 0; i < L->loops.len; i++)  /* keep printed loops unambiguous */
            if (!strcmp(L->loops.items[i], name)) name = arena_printf(L->a, "%s.%s", st->name, x->name);
        n->lv[v] = lv_new(L->a, name, LV_LOOP, DT_INDEX, v);
        n->offset[v] = x->how == SV_PURE || (x->how == SV_RVAR && x->orig >= 0);
    }
    L->nests[stage_pos(L, st)] = n;
    return n;
}

/* The store index of the stage (its pure dims, then the rfactor dim). */
static LExpr **store_index(Lower *L, Nest *n)
{
    const SStage *st = n->st;
    LExpr **idx = ARENA_ARRAY(L->a, LExpr *, st->npure + 1);
    int nidx = st->rf_of ? st->npure - 1 : st->npure;
    for (int k = 0; k < nidx; k++) idx[k] = pure_index(L, n, k);
    if (st->rf_of) idx[nidx] = lower_counter(L, n, st->rf_var);
    return idx;
}

/* idx in the layout of n->acc: a tile may have its dims permuted */
static LExpr **acc_index(Lower *L, Nest *n, LExpr **idx)
{
    if (!n->acc_layout) return idx;
    LExpr **p = ARENA_ARRAY(L->a, LExpr *, n->st->npure + 1);
    for (int d = 0; d < n->st->npure; d++) p[d] = idx[n->acc_layout[d].src];
    return p;
}

/* An accumulate tile's copy at the stage's point: into the tile from its
 * base, or (back) from the tile into its base. */
static LStmt *copy_store(Lower *L, Nest *n, bool back)
{
    LExpr **idx = store_index(L, n), **ti = acc_index(L, n, idx);
    if (back) return ls_store(L->a, n->tile_base, idx, lx_load(L->a, n->acc, ti));
    return ls_store(L->a, n->acc, ti, lx_load(L->a, n->tile_base, idx));
}

static LStmt *init_store(Lower *L, Nest *n)
{
    return ls_store(L->a, n->acc, acc_index(L, n, store_index(L, n)), reduce_init(L, n->st->red, n->acc->type));
}

/* The rest of the value around a nested reduction, from its accumulated
 * result. Packs are the reduction's: the rest reads the tensors themselves. */
static LStmt *final_store(Lower *L, Nest *n)
{
    LExpr **idx = store_index(L, n);
    L->idx = idx;
    L->cur = NULL;
    L->folded = n->st->reduce;
    L->folded_val = lx_load(L->a, n->acc, acc_index(L, n, idx));
    if (!n->st->rf_of) L->folded_val = reduce_result(L, n->st->reduce, L->folded_val); /* an rfactor stage keeps keys */
    LStmt *body = ls_block(L->a);
    Pending p = { body, { 0 } };
    LExpr *x = convert(L, lower_expr(L, n->st->value, &p), n->st->type);
    ls_append(L->a, body, ls_store(L->a, n->buf, idx, x));
    L->folded = NULL;
    return wrap_temps(L, body, &p.temps);
}

/* The statement at the bottom of the update (or only) nest. */
static LStmt *leaf(Lower *L, Nest *n)
{
    SStage *st = n->st;
    LExpr **idx = store_index(L, n);
    int nidx = st->rf_of ? st->npure - 1 : st->npure;
    L->idx = idx;
    L->cur = n;
    if (st->rf) { /* reduce the rfactor stage over its last dim */
        LExpr **fi = ARENA_ARRAY(L->a, LExpr *, nidx + 1);
        memcpy(fi, idx, sizeof(LExpr *) * (size_t)nidx);
        for (int v = 0; v < st->nvars; v++)
            if (st->vars[v].how == SV_RVAR && st->vars[v].orig < 0) fi[nidx] = lower_counter(L, n, v);
        LExpr *x = lx_load(L->a, nest_of(L, st->rf)->buf, fi);
        L->cur = NULL;
        LExpr **ai = acc_index(L, n, idx);
        return ls_store(L->a, n->acc, ai, reduce_update(L, st->red, lx_load(L->a, n->acc, ai), x));
    }
    LStmt *body = ls_block(L->a);
    Pending p = { body, { 0 } };
    if (st->red) {
        for (int k = 0; k < st->reduce->nrvars; k++) L->rv[rvar_of(st, k)->id] = rvar_index(L, n, k);
        LExpr *x = reduce_operand(L, st->reduce, lower_expr(L, st->reduce->args[0], &p), n->acc->type);
        LExpr **ai = acc_index(L, n, idx);
        ls_append(L->a, body, ls_store(L->a, n->acc, ai, reduce_update(L, st->red, lx_load(L->a, n->acc, ai), x)));
    } else {
        LExpr *x = convert(L, lower_expr(L, st->value, &p), st->type);
        ls_append(L->a, body, ls_store(L->a, n->buf, idx, x));
    }
    L->cur = NULL;
    return wrap_temps(L, body, &p.temps);
}

static bool guard_ready(const Guard *g, const bool *bound, int nvars)
{
    for (int v = 0; v < nvars; v++)
        if (g->deps[v] && !bound[v]) return false;
    return true;
}

/* Wraps s, the body of loop v, in the guards that loop v makes decidable
 * (each guard sits as far out as its loops allow). */
static LStmt *wrap_guards(Lower *L, Guard *g, int ng, bool *bound, int nvars, int v, LStmt *s)
{
    for (int i = ng - 1; i >= 0; i--) {
        if (g[i].done || !guard_ready(&g[i], bound, nvars)) continue;
        bound[v] = false;
        bool before = guard_ready(&g[i], bound, nvars);
        bound[v] = true;
        if (before) continue;
        g[i].done = true;
        s = ls_if(L->a, g[i].cond, s, NULL);
    }
    return s;
}

/* Stages computed at, and tensors packed at, one loop: each is allocated and
 * computed at the top of the loop body, before the rest of it is built (the
 * rest reads their buffers). */
typedef struct Attached {
    Buffer **bufs;
    LStmt **code;
    int n, cap;
} Attached;

static void attached_add(Lower *L, Attached *at, Buffer *b, LStmt *code)
{
    int cap = at->cap; /* bufs and code share it */
    ARENA_GROW(L->a, at->code, at->n, cap, at->n + 1);
    ARENA_GROW(L->a, at->bufs, at->n, at->cap, at->n + 1);
    at->bufs[at->n] = b;
    at->code[at->n++] = code;
}

static void attach_pack(Lower *L, Nest *n, int i, const bool *bound, Attached *at)
{
    SPack *pk = &n->st->packs[i];
    Box whole = region_whole(L, sched_stage_of(L->fs, pk->src), pk->src);
    Box b = region_read(L, n, bound, pk->src, NULL, whole);
    Buffer *pb = layout_buffer(L, pk->name, pk->src->type, b, pk->layout, pk->nlayout);
    n->packs[i] = pb;
    n->pack_boxes[i] = b;
    attached_add(L, at, pb, layout_copy(L, pb, lower_buf_of(L, pk->src), b, pk->layout, pk->nlayout, pk->src->name));
}

static Attached attach(Lower *L, Nest *n, int v, const bool *bound, bool packs)
{
    Attached at = { 0 };
    for (int i = 0; packs && i < n->st->npacks; i++)
        if (n->pack_at[i] == v) attach_pack(L, n, i, bound, &at);
    for (int i = 0; i < L->fs->nstages; i++) {
        SStage *p = L->fs->stages[i];
        if (p->place != PLACE_AT || p->at != n->st || p->at_var != v) continue;
        Box b = region_read(L, n, bound, p->t, p, region_whole(L, p, p->t));
        LStmt *code = build_stage(L, p, b);
        attached_add(L, &at, nest_of(L, p)->buf, code);
    }
    return at;
}

static LStmt *attach_wrap(Lower *L, Attached *at, LStmt *body)
{
    if (!at->n) return body;
    LStmt *blk = ls_block(L->a);
    for (int i = 0; i < at->n; i++) ls_append(L->a, blk, at->code[i]);
    ls_append(L->a, blk, body);
    for (int i = at->n - 1; i >= 0; i--) blk = ls_alloc(L->a, at->bufs[i], blk);
    return blk;
}

/* What a nest built by build_loops does: the whole stage (update), or over
 * pure loops only: the init, the final nest of a nested reduction, or the
 * copies into and out of an accumulate tile. */
typedef enum Part { PART_UPDATE, PART_INIT, PART_FINAL, PART_LOAD, PART_STORE } Part;

typedef struct Build {
    Nest *n;
    const int *vars; /* loops of this nest, outermost first */
    int nv;
    int split; /* position of the first reduction loop in a shared nest, or -1 */
    Part part; /* the whole nest, or the init or final nest (pure loops only) */
    bool *bound;
    Guard *guards;
    int nguards;
    int parts; /* split loops partitioned into full tiles and a tail, outside here */
} Build;

#define MAX_PARTS 2 /* each partition doubles the code below it */
/* a guard per fused var, and per loop of a nest that runs to its maximum extent */
#define MAX_GUARDS(st) (3 * (st)->nvars + 1)

static LStmt *build_loops(Lower *L, Build *b, int pos);

static void add_guard(Lower *L, Build *b, int var, LExpr *cond)
{
    TDSL_ASSERT(b->nguards < MAX_GUARDS(b->n->st), "more guards than a nest has room for");
    Guard *g = &b->guards[b->nguards++];
    g->cond = cond;
    g->deps = ARENA_ARRAY(L->a, bool, b->n->st->nvars);
    loop_deps(b->n, cond, g->deps);
    g->done = false;
    g->var = var;
}

static bool made_from(const SStage *st, int v, int root);

/* Whether var v of a stage with an rfactor stage is made from its new
 * reduction loop over the factored dim (the SV_RVAR with no original). */
static bool over_rf_dim(const SStage *st, int v)
{
    for (int w = 0; w < st->nvars; w++)
        if (st->vars[w].how == SV_RVAR && st->vars[w].orig < 0 && made_from(st, v, w)) return true;
    return false;
}

/* A fused loop runs extent(a) * maxext(b) iterations; where b's exact extent
 * is smaller (a split tail fused), the iterations past it are guarded off.
 * Added for every fused var of the stage, live or split again later; each
 * guard then sits where its loops are bound. */
static void fuse_guards(Lower *L, Build *b)
{
    const SStage *st = b->n->st;
    for (int v = 0; v < st->nvars; v++) {
        const SVar *x = &st->vars[v];
        if (x->how != SV_FUSED || (st->rf && x->is_r && !over_rf_dim(st, v))) continue; /* gone to st->rf */
        LExpr *e = extent(L, b->n, x->fb), *m = lower_maxext(L, b->n, x->fb);
        if (!lx_same(e, m)) add_guard(L, b, x->fb, lx_binary(L->a, OP_LT, lower_counter(L, b->n, x->fb), e));
    }
}

/* Whether var v is root or made from it by splits and fuses. */
static bool made_from(const SStage *st, int v, int root)
{
    const SVar *x = &st->vars[v];
    if (v == root) return true;
    if (x->how == SV_OUTER || x->how == SV_INNER) return made_from(st, x->parent, root);
    return x->how == SV_FUSED && (made_from(st, x->fa, root) || made_from(st, x->fb, root));
}

/* The init of an rfactor stage, and the copies of its tile, cover its
 * factored dim whole: its parent reads all of it. */
static bool covers_rf_dim(Part part) { return part == PART_INIT || part == PART_LOAD || part == PART_STORE; }


/* A guard on var v leaves the init of an rfactor stage: v is its factored
 * var or one it was made from (a tail of the split that made the factored
 * dim, which the init covers whole). A guard on a var made by splitting the
 * factored var itself bounds that dim and stays. */
static bool covers_rf_var(const SStage *st, int v) { return st->rf_of && made_from(st, st->rf_var, v); }

/* At the first reduction loop of an update nest (position pos): a nest over
 * the pure loops inside it that stores the initial values (PART_INIT), or
 * after the reduction loops, computes the rest of a value around a nested
 * reduction (PART_FINAL). */
static LStmt *pure_nest(Lower *L, Build *b, int pos, Part part)
{
    const SStage *st = b->n->st;
    int *pure = ARENA_ARRAY(L->a, int, b->nv + 1), np = 0;
    for (int i = pos; i < b->nv; i++)
        if (!st->vars[b->vars[i]].is_r) pure[np++] = b->vars[i];
    Build ib = { b->n, pure, np, -1, part, ARENA_ARRAY(L->a, bool, st->nvars), NULL, b->nguards, b->parts };
    memcpy(ib.bound, b->bound, sizeof(bool) * (size_t)st->nvars);
    ib.guards = ARENA_ARRAY(L->a, Guard, MAX_GUARDS(st));
    ib.nguards = 0; /* pending guards apply here too, but an rfactor stage's init covers its whole factored dim */
    for (int i = 0; i < b->nguards; i++)
        if (!(covers_rf_dim(part) && covers_rf_var(st, b->guards[i].var))) ib.guards[ib.nguards++] = b->guards[i];
    return build_loops(L, &ib, 0);
}


/* A reduction of another dtype than its stage accumulates in a buffer of its
 * own, made where the reduction loops start, over the points the loops
 * inside cover. */
static Buffer *acc_buffer(Lower *L, Build *b)
{
    const SStage *st = b->n->st;
    Box pts = region_points(L, b->n, b->bound);
    return layout_buffer(L, arena_printf(L->a, "%s.acc", st->name), st->reduce->type, pts, NULL, 0);
}

/* The statement at the bottom of a nest. */
static LStmt *part_leaf(Lower *L, Build *b)
{
    Nest *n = b->n;
    switch (b->part) {
    case PART_INIT: return init_store(L, n);
    case PART_FINAL: return final_store(L, n);
    case PART_LOAD: return copy_store(L, n, false);
    case PART_STORE: return copy_store(L, n, true);
    default: return leaf(L, n);
    }
}

/* The var of store dim k: pure dim k is var k; an rfactor stage's last dim is its factored var. */
static int dim_var(const SStage *st, int k) { return st->rf_of && k == st->npure - 1 ? st->rf_var : k; }

/* The layout of an accumulate tile: the stage's dims in order, but the dim
 * of a vectorized loop inside last, so a vector of the tile is contiguous
 * (NULL: in order). */
static LayoutDim *tile_layout(Lower *L, Nest *n, Build *b, int pos)
{
    const SStage *st = n->st;
    int nd = st->npure, kv = -1;
    for (int i = pos + 1; i < b->nv; i++)
        for (int k = 0; k < nd; k++)
            if (st->vars[b->vars[i]].kind == LOOP_VECTOR && made_from(st, b->vars[i], dim_var(st, k))) kv = k;
    if (kv < 0 || kv == nd - 1) return NULL;
    LayoutDim *ld = ARENA_ARRAY(L->a, LayoutDim, nd);
    for (int k = 0, m = 0; k < nd; k++)
        if (k != kv) ld[m++] = (LayoutDim){ k, 0, false };
    ld[nd - 1] = (LayoutDim){ kv, 0, false };
    return ld;
}

/* accumulate(v): the body of loop v (at pos) works on a tile of the points
 * the loops inside update. Where a reduction loop encloses v the stage (or
 * its accumulator) holds partial results: the tile starts as a copy of them;
 * else the init inside fills it. It is written back once at the end, unless
 * a final nest inside already computes the stage from it. */
static LStmt *tiled_body(Lower *L, Build *b, int pos, Attached *at)
{
    Nest *n = b->n;
    const SStage *st = n->st;
    bool init_inside = b->split > pos;
    Box pts = region_points(L, n, b->bound);
    Buffer *base = n->acc;
    LayoutDim *ld = tile_layout(L, n, b, pos);
    Buffer *tile = layout_buffer(L, arena_printf(L->a, "%s.tile", st->name), st->reduce->type, pts, ld, pts.ndim);
    n->acc = tile;
    n->acc_layout = ld;
    n->tile_base = base;
    LStmt *blk = ls_block(L->a);
    if (!init_inside) ls_append(L->a, blk, pure_nest(L, b, pos + 1, PART_LOAD));
    bool final_inside = init_inside && (st->reduce != st->value || keyed(st)) && !st->rf_of;
    LStmt *store = final_inside ? NULL : pure_nest(L, b, pos + 1, PART_STORE);
    ls_append(L->a, blk, attach_wrap(L, at, build_loops(L, b, pos + 1)));
    if (store) ls_append(L->a, blk, store);
    n->acc = base;
    n->acc_layout = NULL;
    return ls_alloc(L->a, tile, blk);
}

/* Loop pos of the nest over lo .. lo+ext, with what is computed at it, its
 * guards and the loops inside. */
/* Packs made at loop pos or inside it, not yet placed: made at pos where one
 * iteration of it reads the same box as one of the pack's own loop. */
static void hoist_packs(Lower *L, Build *b, int pos)
{
    Nest *n = b->n;
    for (int i = 0; i < n->st->npacks; i++) {
        int p = pos;
        while (p < b->nv && b->vars[p] != n->st->packs[i].at) p++;
        if (n->pack_at[i] != -2 || p == b->nv) continue;
        bool *inner = ARENA_ARRAY(L->a, bool, n->st->nvars);
        memcpy(inner, b->bound, sizeof(bool) * (size_t)n->st->nvars);
        for (int q = pos; q <= p; q++) inner[b->vars[q]] = true;
        if (p == pos || pack_same_region(L, n, i, b->bound, inner)) n->pack_at[i] = b->vars[pos];
    }
}

static LStmt *loop_at(Lower *L, Build *b, int pos, LExpr *lo, LExpr *ext, LoopKind kind)
{
    Nest *n = b->n;
    int v = b->vars[pos];
    b->bound[v] = true;
    vec_push(L->a, &L->loops, (void *)n->lv[v]->name);
    Attached at = { 0 };
    if (b->part == PART_UPDATE) hoist_packs(L, b, pos);
    if (b->part == PART_UPDATE || b->part == PART_FINAL) at = attach(L, n, v, b->bound, b->part == PART_UPDATE);
    LStmt *body = b->part == PART_UPDATE && n->st->acc_var == v ? tiled_body(L, b, pos, &at)
                                                                : attach_wrap(L, &at, build_loops(L, b, pos + 1));
    body = wrap_guards(L, b->guards, b->nguards, b->bound, n->st->nvars, v, body);
    L->loops.len--;
    b->bound[v] = false;
    LStmt *loop = ls_for(L->a, n->lv[v], lo, ext, body);
    loop->loop = n->tail[v] ? LOOP_SERIAL : kind;
    loop->width = loop->loop == LOOP_SERIAL ? 0 : n->st->vars[v].width;
    return loop;
}

/* If loop pos is a split's outer loop whose inner loop runs inside it, is
 * vectorized or unrolled, and may have a tail (the factor may not divide the
 * extent), that inner loop; else -1. */
static int tail_inner(Lower *L, Build *b, int pos)
{
    Nest *n = b->n;
    const SVar *x = &n->st->vars[b->vars[pos]];
    if (x->how != SV_OUTER || b->parts >= MAX_PARTS) return -1;
    int in = sched_child(n->st, x->parent, SV_INNER);
    if (!n->st->vars[in].live) return -1;
    bool inside = false;
    for (int i = pos + 1; i < b->nv; i++)
        if (b->vars[i] == in) inside = true;
    if (!inside) return -1;
    /* worth it where a constant trip count unrolls or vectorizes, unless the
     * nest's unrolled code is already large (it would double: over 32 copies; a
     * register tile of an AVX-512 target holds up to 29) */
    int64_t copies = 1;
    for (int i = 0; i < b->nv; i++)
        if (n->st->vars[b->vars[i]].kind == LOOP_UNROLL) copies *= n->st->vars[b->vars[i]].width;
    LoopKind k = n->st->vars[in].kind;
    if ((k != LOOP_VECTOR && k != LOOP_UNROLL) || copies > 32) return -1;
    LExpr *e = extent(L, n, in);
    return e->kind == LX_INT ? -1 : in;
}

static LStmt *build_loops(Lower *L, Build *b, int pos)
{
    Nest *n = b->n;
    SStage *st = n->st;
    if (pos == b->split) { /* the init of what the reduction loops below update */
        LStmt *s = ls_block(L->a);
        Buffer *acc = (st->reduce->type != st->type || keyed(st)) && n->acc == n->buf ? acc_buffer(L, b) : NULL;
        if (acc) n->acc = acc;
        ls_append(L->a, s, pure_nest(L, b, pos, PART_INIT));
        LStmt *final = (st->reduce != st->value || keyed(st)) && !st->rf_of ? pure_nest(L, b, pos, PART_FINAL) : NULL;
        b->split = -1;
        ls_append(L->a, s, build_loops(L, b, pos));
        b->split = pos;
        if (final) ls_append(L->a, s, final);
        if (acc) n->acc = n->buf;
        return acc ? ls_alloc(L->a, acc, s) : s;
    }
    if (pos == b->nv) return part_leaf(L, b);
    int v = b->vars[pos];
    const SVar *x = &st->vars[v];
    LExpr *ext = extent(L, n, v);
    bool *deps = ARENA_ARRAY(L->a, bool, st->nvars);
    loop_deps(n, ext, deps);
    bool exact = true;
    for (int w = 0; w < st->nvars; w++)
        if (deps[w] && !b->bound[w]) exact = false;
    if (!exact) {
        LExpr *m = lower_maxext(L, n, v);
        b->bound[v] = true;
        if (!(covers_rf_dim(b->part) && covers_rf_var(st, v)))
            add_guard(L, b, v, lx_binary(L->a, OP_LT, lower_counter(L, n, v), ext));
        ext = m;
    }
    LExpr *lo = ix_const(L->a, 0);
    if (n->offset[v]) lo = x->how == SV_PURE ? n->min[x->orig] : lower_affine(L, rvar_of(st, x->orig)->min);
    int in = exact ? tail_inner(L, b, pos) : -1;
    if (in < 0) return loop_at(L, b, pos, lo, ext, x->kind);
    /* full tiles, where the inner loop's extent is the constant factor, then the tail */
    LExpr *pe = extent(L, n, x->parent);
    LExpr *nfull = ix_div(L->a, pe, x->factor);
    int ng = b->nguards;
    bool *done = ARENA_ARRAY(L->a, bool, ng + 1);
    for (int i = 0; i < ng; i++) done[i] = b->guards[i].done;
    b->parts++;
    n->full[in] = true;
    n->sym[v] = -1; /* its region symbol in the full tiles knows they are full (region.c), not the tail's */
    LStmt *main = loop_at(L, b, pos, lo, nfull, x->kind);
    n->sym[v] = -1;
    n->full[in] = false;
    b->nguards = ng;
    for (int i = 0; i < ng; i++) b->guards[i].done = done[i];
    n->tail[in] = true; /* never a full vector or unroll there */
    LStmt *tail = loop_at(L, b, pos, nfull, ix_ceildiv(L->a, ix_mod(L->a, pe, x->factor), x->factor), LOOP_SERIAL);
    n->tail[in] = false;
    b->parts--;
    LStmt *blk = ls_block(L->a);
    ls_append(L->a, blk, main);
    ls_append(L->a, blk, tail);
    return blk;
}

/* Runs one nest over vars[0..nv-1]. */
static LStmt *run_nest(Lower *L, Nest *n, const int *vars, int nv, int split)
{
    Build b = { n, vars, nv, split, PART_UPDATE, ARENA_ARRAY(L->a, bool, n->st->nvars), NULL, 0, 0 };
    b.guards = ARENA_ARRAY(L->a, Guard, MAX_GUARDS(n->st));
    fuse_guards(L, &b);
    return build_loops(L, &b, 0);
}

/* The nests of a stage over region `region` (its buffer is allocated by the caller). */
static LStmt *stage_nests(Lower *L, SStage *st, Box region)
{
    Nest *n = nest_new(L, st, region);
    if (st->t && sched_home(st)->place == PLACE_ROOT) n->buf = lower_buf_of(L, st->t);
    if (!n->buf) { /* a buffer per placement: a partitioned loop builds its body twice */
        n->buf = region_buffer(L, st->name, st->type, region);
        if (st->t) set_buf(L, st->t, n->buf);
    }
    n->acc = n->buf;
    /* the init goes at the first reduction loop; an rfactor stage's, no lower
     * than its factored dim's loops, so it covers that dim whole (its parent
     * reads all of it) with no guard of those loops in the way */
    int first_r = st->norder;
    for (int i = st->norder - 1; i >= 0; i--)
        if (st->vars[st->order[i]].is_r || (st->rf_of && made_from(st, st->order[i], st->rf_var))) first_r = i;
    Attached at = attach(L, n, -1, ARENA_ARRAY(L->a, bool, st->nvars + 1), true); /* packs at no loop */
    return attach_wrap(L, &at, run_nest(L, n, st->order, st->norder, st->red ? first_r : -1));
}

/* A stage over `region`; an rfactor stage left in place is computed just
 * before it, over the same region, and lives while it runs. */
static LStmt *build_stage(Lower *L, SStage *st, Box region)
{
    if (!st->rf || st->rf->place != PLACE_ROOT) return stage_nests(L, st, region);
    LStmt *blk = ls_block(L->a);
    ls_append(L->a, blk, stage_nests(L, st->rf, region_rfactor(L, st->rf, region)));
    ls_append(L->a, blk, stage_nests(L, st, region));
    return ls_alloc(L->a, nest_of(L, st->rf)->buf, blk);
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
        else st->call_bufs[i] = lower_buf_of(L, s->args[i]->tensor);
    }
    for (int i = 0; i < f->nresults; i++) st->call_bufs[f->nparams + i] = lower_buf_of(L, s->outs[i]);
    for (int i = 0; i < f->nsizevars; i++) st->call_args[f->nparams + i] = lower_affine(L, s->call_sizes[i]);
    return st;
}

/* ---- the entry point's shape plan ---- */

/* Binds of size vars still unbound from param dims that are `n + d` (pass 0)
 * or `k * n + d`, k > 1 (pass 1); at[v] is the check that binds v. */
static int plan_binds(Lower *L, ShapeCheck *out, int pass, const ShapeCheck **at)
{
    Fn *f = L->fn;
    int n = 0;
    for (int i = 0; i < f->nparams; i++)
        for (int k = 0; k < f->params[i]->ndim; k++) {
            Affine *x = f->params[i]->extent[k];
            if (x->n != 1 || at[x->var[0]] || f->sizevars[x->var[0]].div || x->coef[0] < 1 ||
                (x->coef[0] == 1) != (pass == 0))
                continue;
            out[n] = (ShapeCheck){ i, k, x->var[0], x->c, NULL, x->coef[0], 0 };
            at[x->var[0]] = &out[n++];
        }
    return n;
}

/* Binds, then derived size vars in id order (a numerator uses lower ids
 * only), then the forms that must be >= 0, then a check of every dim that
 * bound nothing. */
static void plan_checks(Lower *L)
{
    Fn *f = L->fn;
    int total = f->nsizevars + f->nnonneg;
    for (int i = 0; i < f->nparams; i++) total += f->params[i]->ndim;
    for (int i = 0; i < f->nresults; i++) total += f->results[i]->ndim;
    ShapeCheck *checks = ARENA_ARRAY(L->a, ShapeCheck, total + 1);
    const ShapeCheck **at = ARENA_ARRAY(L->a, const ShapeCheck *, f->nsizevars + 1);
    int n = plan_binds(L, checks, 0, at);
    n += plan_binds(L, checks + n, 1, at);
    for (int v = 0; v < f->nsizevars; v++) {
        const SizeVar *s = &f->sizevars[v];
        if (!s->div) continue;
        TDSL_ASSERT(s->num->n > 0 && s->num->var[s->num->n - 1] < v && at[s->num->var[0]],
                    "a derived size var over unbound sizes");
        const ShapeCheck *first = at[s->num->var[0]];
        checks[n] = (ShapeCheck){ first->arg, first->dim, v, 0, lower_affine(L, s->num), 1, s->div };
        at[v] = &checks[n++];
    }
    for (int i = 0; i < f->nnonneg; i++) {
        const ShapeCheck *first = at[f->nonneg[i]->var[0]];
        TDSL_ASSERT(first, "a nonnegative form over unbound sizes");
        checks[n++] = (ShapeCheck){ first->arg, first->dim, -1, 0, lower_affine(L, f->nonneg[i]), 1, 1 };
    }
    for (int i = 0; i < f->nparams + f->nresults; i++) {
        Tensor *t = i < f->nparams ? f->params[i] : f->results[i - f->nparams];
        for (int k = 0; k < t->ndim; k++) {
            Affine *x = t->extent[k];
            const ShapeCheck *b = x->n == 1 ? at[x->var[0]] : NULL;
            bool binds = b && !b->div && b->arg == i && b->dim == k;
            if (!binds) checks[n++] = (ShapeCheck){ i, k, -1, 0, lower_affine(L, x), 1, 0 };
        }
    }
    TDSL_ASSERT(n <= total, "more shape checks than dims and size vars");
    L->lf->checks = checks;
    L->lf->nchecks = n;
}

static LFunc *lower_fn(Arena *a, Fn *f, FnSched *fs, LFunc **done, int ndone)
{
    int nt = f->nparams + f->nresults + f->nlocals;
    Lower L = { .a = a, .fn = f, .fs = fs, .done = done, .ndone = ndone };
    L.bufs = ARENA_ARRAY(a, Buffer *, nt + 1);
    L.tensors = ARENA_ARRAY(a, Tensor *, nt + 1);
    L.rv = ARENA_ARRAY(a, LExpr *, f->nrvars + 1);
    L.nests = ARENA_ARRAY(a, Nest *, fs->nstages + 1);
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
    PtrVec allocs = { 0 }, consts = { 0 };
    for (int i = 0; i < f->nlocals; i++) { /* call results and root stages live for the whole call */
        Tensor *t = f->locals[i];
        SStage *st = sched_stage_of(fs, t);
        if (t->kind == TK_LOCAL && t->order >= 0 && (!st || st->place == PLACE_ROOT))
            vec_push(a, &allocs, make_buffer(&L, t, BUF_LOCAL));
        if (t->kind == TK_CONST) vec_push(a, &consts, const_buffer(&L, t));
    }
    lf->consts = (Buffer **)consts.items;
    lf->nconsts = consts.len;
    lf->extern_sym = f->extern_sym;
    LStmt *body = ls_block(a);
    for (int i = 0; i < f->nstmts; i++) {
        Stage *s = f->stmts[i];
        if (s->kind == ST_CALL) {
            ls_append(a, body, lower_call(&L, s));
            continue;
        }
        SStage *st = s->kind == ST_STAGE ? sched_stage_of(fs, s->tensor) : NULL;
        if (st && st->place == PLACE_ROOT) ls_append(a, body, build_stage(&L, st, region_whole(&L, st, st->t)));
    }
    lf->body = lower_arena(a, body, (Buffer **)allocs.items, allocs.len, &lf->arena);
    lf->ws_bytes = lower_workspace(a, lf);
    plan_checks(&L);
    return lf;
}

/* The schedule blocks naming fn, in program order. */
static int blocks_for(Arena *a, Program *prog, const Fn *f, Schedule ***out)
{
    Schedule **b = ARENA_ARRAY(a, Schedule *, prog->nscheds + 1);
    int n = 0;
    for (int i = 0; i < prog->nscheds; i++)
        if (!strcmp(prog->scheds[i]->fn, f->name)) b[n++] = prog->scheds[i];
    *out = b;
    return n;
}

LFunc *lower_fn_scheduled(Arena *a, Program *prog, Fn *f, int limit, LFunc **done, int ndone, Diag *d)
{
    Schedule **blocks;
    int nb = blocks_for(a, prog, f, &blocks);
    FnSched *fs = sched_build(a, f, blocks, nb, limit, d);
    return fs ? lower_fn(a, f, fs, done, ndone) : NULL;
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
        fns[n] = lower_fn_scheduled(a, prog, prog->fns[i], -1, fns, n, d);
        if (!fns[n]) return -1; /* later fns may call this one */
        n++;
    }
    *out = fns;
    return n;
}
