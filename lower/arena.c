/* arena.c - one allocation for a fn's root locals: the buffers of constant
 * size that live for the whole call (stages at the root, call results) share
 * one byte arena, each live from the first top-level statement that touches
 * it to the last (lang/memplan.c places them); a model's intermediates then
 * take the peak of what is live at once instead of their sum. Buffers of
 * symbolic size get their own bytes of the workspace (workspace.c), which the
 * arena is a part of. */
#include "lang/memplan.h"
#include "lower/to_loops.h"
#include <stdlib.h>

static bool expr_uses(const LExpr *e, const Buffer *b)
{
    if (!e) return false;
    if (e->kind == LX_LOAD && e->buf == b) return true;
    for (int i = 0; i < e->nargs; i++)
        if (expr_uses(e->args[i], b)) return true;
    return false;
}

static bool stmt_uses(const LStmt *s, const Buffer *b)
{
    if (!s) return false;
    if ((s->kind == LS_STORE && s->buf == b) || expr_uses(s->min, b) || expr_uses(s->extent, b) ||
        expr_uses(s->value, b) || expr_uses(s->cond, b))
        return true;
    for (int k = 0; s->kind == LS_STORE && k < s->buf->ndim; k++)
        if (expr_uses(s->idx[k], b)) return true;
    if (s->kind == LS_CALL) {
        for (int i = 0; i < s->callee->nparams + s->callee->nresults; i++)
            if (s->call_bufs[i] == b) return true;
        for (int i = 0; i < s->callee->nparams + s->callee->nsizes; i++)
            if (expr_uses(s->call_args[i], b)) return true;
    }
    for (int i = 0; i < s->nbody; i++)
        if (stmt_uses(s->body[i], b)) return true;
    return false;
}

/* bytes of a buffer whose extents are constants, else -1 */
static int64_t const_bytes(const Buffer *b)
{
    int64_t n = dtype_bits(b->type) / 8;
    for (int k = 0; k < b->ndim; k++) {
        const LExpr *e = b->extent[k];
        if (e->kind != LX_INT || e->ival < 0 || __builtin_mul_overflow(n, e->ival, &n)) return -1;
    }
    return n ? n : 1;
}

LStmt *lower_arena(Arena *a, LStmt *body, Buffer **allocs, int n, Buffer **arena)
{
    int64_t *bytes = ARENA_ARRAY(a, int64_t, n + 1), *off = ARENA_ARRAY(a, int64_t, n + 1);
    int *first = ARENA_ARRAY(a, int, n + 1), *last = ARENA_ARRAY(a, int, n + 1), planned = 0;
    for (int i = 0; i < n; i++) {
        bytes[i] = const_bytes(allocs[i]);
        first[i] = body->nbody, last[i] = -1;
        for (int k = 0; k < body->nbody; k++)
            if (stmt_uses(body->body[k], allocs[i])) first[i] = first[i] < k ? first[i] : k, last[i] = k;
        planned += bytes[i] >= 0;
    }
    int64_t peak = planned >= 2 ? memplan_place(n, bytes, first, last, 64, off) : 0;
    Buffer *ar = NULL;
    if (planned >= 2) {
        ar = ARENA_NEW(a, Buffer);
        ar->name = "arena", ar->kind = BUF_LOCAL, ar->type = DT_U8, ar->ndim = 1;
        ar->min = ARENA_ARRAY(a, LExpr *, 1), ar->extent = ARENA_ARRAY(a, LExpr *, 1);
        ar->min[0] = ix_const(a, 0), ar->extent[0] = ix_const(a, peak);
        ar->members = ARENA_ARRAY(a, Buffer *, planned);
    }
    for (int i = n - 1; i >= 0; i--) {
        if (!ar || bytes[i] < 0) body = ls_alloc(a, allocs[i], body);
        else allocs[i]->arena = ar, allocs[i]->arena_offset = off[i], ar->members[ar->nmembers++] = allocs[i];
    }
    *arena = ar;
    return ar ? ls_alloc(a, ar, body) : body;
}
