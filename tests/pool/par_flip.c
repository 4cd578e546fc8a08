/* par_flip.c - test-only: makes loops parallel where that cannot change a
 * result in unscheduled loop IR. Rule for loop v: every buffer allocated
 * outside it and stored inside it has a dim whose store index is `v` or
 * `v + e` (e free of loop counters), and every access to that buffer inside the
 * loop uses that same index there; no calls, no 0-d accumulators from outside. */
#include "par_flip.h"
#include <stdbool.h>
#include <string.h>

static bool expr_eq(const LExpr *a, const LExpr *b)
{
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || a->type != b->type || a->op != b->op || a->fn != b->fn ||
        a->ival != b->ival || a->var != b->var || a->buf != b->buf || a->nargs != b->nargs)
        return false;
    if (a->kind == LX_FLOAT && memcmp(&a->fval, &b->fval, sizeof a->fval)) return false;
    for (int i = 0; i < a->nargs; i++)
        if (!expr_eq(a->args[i], b->args[i])) return false;
    return true;
}

static bool has_loop_var(const LExpr *e)
{
    if (!e) return false;
    if (e->kind == LX_VAR && e->var->kind == LV_LOOP) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_loop_var(e->args[i])) return true;
    return false;
}

/* e is v, or v +/- (something without loop counters) */
static bool is_v_plus(const LExpr *e, const LVar *v)
{
    if (e->kind == LX_VAR) return e->var == v;
    if (e->kind != LX_BINARY || (e->op != OP_ADD && e->op != OP_SUB)) return false;
    const LExpr *x = e->args[0], *y = e->args[1];
    if (x->kind == LX_VAR && x->var == v) return !has_loop_var(y);
    return e->op == OP_ADD && y->kind == LX_VAR && y->var == v && !has_loop_var(x);
}

typedef struct Check {
    const LVar *v;
    const Buffer *buf;      /* the buffer under test */
    int dim;                /* its dim indexed by v (-1: none found yet) */
    const LExpr *key;       /* that index */
    bool ok;
} Check;

static bool allocated_in(const LStmt *s, const Buffer *b)
{
    if (!s) return false;
    if (s->kind == LS_ALLOC && s->buf == b) return true;
    for (int i = 0; i < s->nbody; i++)
        if (allocated_in(s->body[i], b)) return true;
    return false;
}

static void access(Check *c, LExpr *const *idx)
{
    if (c->dim < 0) {
        c->ok = false;
        return;
    }
    if (!expr_eq(idx[c->dim], c->key)) c->ok = false;
}

static void check_expr(Check *c, const LExpr *e)
{
    if (!e) return;
    if (e->kind == LX_LOAD && e->buf == c->buf) access(c, e->args);
    for (int i = 0; i < e->nargs; i++) check_expr(c, e->args[i]);
}

static void find_key(Check *c, const LStmt *s)
{
    if (!s || c->dim >= 0) return;
    if (s->kind == LS_STORE && s->buf == c->buf)
        for (int k = 0; k < s->buf->ndim && c->dim < 0; k++)
            if (is_v_plus(s->idx[k], c->v)) {
                c->dim = k;
                c->key = s->idx[k];
            }
    for (int i = 0; i < s->nbody; i++) find_key(c, s->body[i]);
}

static void check_stmt(Check *c, const LStmt *s)
{
    if (!s) return;
    if (s->kind == LS_STORE && s->buf == c->buf) access(c, s->idx);
    if (s->kind == LS_STORE) {
        for (int k = 0; k < s->buf->ndim; k++) check_expr(c, s->idx[k]);
        check_expr(c, s->value);
    }
    if (s->kind == LS_IF) check_expr(c, s->cond);
    if (s->kind == LS_FOR) {
        check_expr(c, s->min);
        check_expr(c, s->extent);
    }
    for (int i = 0; i < s->nbody; i++) check_stmt(c, s->body[i]);
}

static bool stores_ok(const LStmt *loop, const LStmt *s)
{
    if (!s) return true;
    if (s->kind == LS_CALL) return false;
    if (s->kind == LS_STORE && !allocated_in(loop->body[0], s->buf)) {
        Check c = { loop->var, s->buf, -1, NULL, true };
        find_key(&c, loop->body[0]);
        check_stmt(&c, loop->body[0]);
        if (!c.ok) return false;
    }
    for (int i = 0; i < s->nbody; i++)
        if (!stores_ok(loop, s->body[i])) return false;
    return true;
}

static int flip(LStmt *s, int nest)
{
    if (!s) return 0;
    if (s->kind == LS_FOR && s->loop == LOOP_SERIAL && stores_ok(s, s->body[0])) {
        s->loop = LOOP_PARALLEL;
        return 1 + (nest ? flip(s->body[0], nest) : 0);
    }
    if (s->kind == LS_FOR && s->loop == LOOP_PARALLEL) return nest ? flip(s->body[0], nest) : 0;
    if (s->kind == LS_FOR && s->loop != LOOP_SERIAL) return 0;     /* nothing parallel inside vector loops */
    int n = 0;
    for (int i = 0; i < s->nbody; i++) n += flip(s->body[i], nest);
    return n;
}

int par_flip(LFunc **fns, int n, int nest)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += flip(fns[i]->body, nest);
    return k;
}
