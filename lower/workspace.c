/* workspace.c - the one block of memory a call of a fn works in. Every local
 * that goes neither on the stack (constant size, at most LOOPIR_STACK_MAX
 * bytes) nor by itself to malloc (a size that depends on loop counters) gets
 * a byte offset in it, an expression over the fn's size vars; the arena of
 * lower/arena.c is one such local. Allocs nested in one another take
 * consecutive bytes and allocs one after another reuse the same bytes (their
 * lives do not overlap); a parallel loop reserves one slice per thread of the
 * pool (LV_THREADS), which its body's offsets are relative to; a call reserves
 * the callee's workspace (its ws_bytes with the callee's size vars replaced by
 * the call's). Every slot is a multiple of 64 bytes, so every offset keeps the
 * base's 64-byte alignment. Invariant: two locals live at once never share a
 * byte, and ws_bytes is the largest end of any slot. */
#include "lower/to_loops.h"

typedef struct Ws {
    Arena *a;
    LVar *threads;
} Ws;

static bool loop_free(const LExpr *e)
{
    if (e->kind == LX_LOAD || (e->kind == LX_VAR && e->var->kind == LV_LOOP)) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!loop_free(e->args[i])) return false;
    return true;
}

/* e with size var k replaced by sizes[k], folded where the ix_ helpers fold */
static LExpr *subst_sizes(Arena *a, const LExpr *e, LExpr **sizes)
{
    if (e->kind == LX_VAR) return e->var->kind == LV_SIZE ? sizes[e->var->index] : (LExpr *)e;
    if (!e->nargs) return (LExpr *)e;
    LExpr *x = subst_sizes(a, e->args[0], sizes), *y = e->nargs > 1 ? subst_sizes(a, e->args[1], sizes) : NULL;
    if (e->kind == LX_BINARY && e->type == DT_INDEX) {
        switch (e->op) {
        case OP_ADD: return ix_add(a, x, y);
        case OP_SUB: return ix_sub(a, x, y);
        case OP_MUL: return ix_mulx(a, x, y);
        case OP_DIV: return ix_divx(a, x, y);
        case OP_MOD: return ix_modx(a, x, y);
        default: break;
        }
    }
    if (e->kind == LX_CALL && e->nargs == 2 && (e->fn == MF_MIN || e->fn == MF_MAX))
        return e->fn == MF_MIN ? ix_min(a, x, y) : ix_max(a, x, y);
    LExpr *c = ARENA_NEW(a, LExpr);
    *c = *e;
    c->args = ARENA_ARRAY(a, LExpr *, e->nargs);
    for (int i = 0; i < e->nargs; i++) c->args[i] = i < 2 ? (i ? y : x) : subst_sizes(a, e->args[i], sizes);
    return c;
}

/* its bytes rounded up to a multiple of 64, or NULL when they depend on a loop */
static LExpr *slot_bytes(Arena *a, const Buffer *b)
{
    LExpr *n = ix_const(a, dtype_bits(b->type) / 8);
    for (int k = 0; k < b->ndim; k++) {
        if (!loop_free(b->extent[k])) return NULL;
        n = ix_mulx(a, n, b->extent[k]);
    }
    return ix_mul(a, ix_ceildiv(a, n, 64), 64);
}

static LExpr *plan(Ws *w, LStmt *s, LExpr *off);

static LExpr *plan_alloc(Ws *w, LStmt *s, LExpr *off)
{
    Buffer *b = s->buf;
    LExpr *size = b->ndim && (b->members || !buffer_stack_bytes(b)) ? slot_bytes(w->a, b) : NULL;
    if (!size || ix_is_const(size, 0)) return plan(w, s->body[0], off);    /* stack, own malloc, or nothing */
    b->ws_off = off;
    return ix_add(w->a, size, plan(w, s->body[0], ix_add(w->a, off, size)));
}

static LExpr *plan_parallel(Ws *w, LStmt *s, LExpr *off)
{
    LExpr *slice = plan(w, s->body[0], ix_const(w->a, 0));
    if (ix_is_const(slice, 0)) return slice;
    s->ws_off = off;
    s->ws_slice = slice;
    return ix_mulx(w->a, slice, lx_var(w->a, w->threads));
}

static LExpr *plan_call(Ws *w, LStmt *s, LExpr *off)
{
    const LFunc *c = s->callee;
    LExpr *zero = ix_const(w->a, 0);
    if (!c->ws_bytes || ix_is_const(c->ws_bytes, 0)) return zero;
    LExpr **sizes = s->call_args + c->nparams;
    for (int i = 0; i < c->nsizes; i++)
        if (!loop_free(sizes[i])) return zero;     /* the callee allocates its own */
    s->ws_off = off;
    return subst_sizes(w->a, c->ws_bytes, sizes);
}

static LExpr *max_need(Arena *a, LExpr *x, LExpr *y)
{
    if (ix_is_const(x, 0) || lx_same(x, y)) return y;
    return ix_is_const(y, 0) ? x : ix_max(a, x, y);
}

/* the bytes s needs from off on; places what it allocates */
static LExpr *plan(Ws *w, LStmt *s, LExpr *off)
{
    LExpr *need = ix_const(w->a, 0);
    if (!s) return need;
    switch (s->kind) {
    case LS_ALLOC: return plan_alloc(w, s, off);
    case LS_FOR: return s->loop == LOOP_PARALLEL ? plan_parallel(w, s, off) : plan(w, s->body[0], off);
    case LS_CALL: return plan_call(w, s, off);
    case LS_STORE: return need;
    case LS_BLOCK:
    case LS_IF:
        for (int i = 0; i < s->nbody; i++) need = max_need(w->a, need, plan(w, s->body[i], off));
        return need;
    }
    return need;
}

LExpr *lower_workspace(Arena *a, LFunc *f)
{
    Ws w = { a, lv_new(a, "threads", LV_THREADS, DT_INDEX, 0) };
    return plan(&w, f->body, ix_const(a, 0));
}
