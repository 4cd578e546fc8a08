/* bounds_loads.c - loaded values in index expressions (bounds.c): a tensor
 * element, an integer scalar param or a cast to an integer read inside an
 * index or a guard is an unknown LD_VAR(k) of the bounds proof, one per
 * distinct expression, ranging over its dtype until a guard narrows it. */
#include "sema/sema_int.h"
#include <stdlib.h>
#include <string.h>

static bool same_expr(const Expr *x, const Expr *y)
{
    if (x->kind != y->kind || x->op != y->op || x->nargs != y->nargs || x->ref != y->ref || x->ref_id != y->ref_id ||
        x->rvar != y->rvar || x->tensor != y->tensor || x->ival != y->ival || x->fval != y->fval || x->fn != y->fn ||
        x->cast_to != y->cast_to || x->type != y->type)
        return false;
    for (int i = 0; i < x->nargs; i++)
        if (!same_expr(x->args[i], y->args[i])) return false;
    return true;
}

/* A value the program reads (a tensor element, an integer scalar param, a
 * cast to an integer): its dtype, else DT_NONE. u64 and bool stay out: their
 * values do not fit an i64 index. */
DType bounds_loaded_type(const Expr *e)
{
    DType t = DT_NONE;
    if (e->kind == EX_ACCESS || (e->kind == EX_NAME && e->ref == REF_SCALAR)) t = e->type;
    else if (e->kind == EX_CALL && e->fn == MF_CAST) t = e->cast_to;
    return dtype_is_int(t) && dtype_widens_to(t, DT_I64) ? t : DT_NONE;
}

/* The load var of e (one per distinct expression), or -1. */
int bounds_load_id(Ctx *c, const Expr *e)
{
    for (int k = 0; k < c->loads.len; k++)
        if (same_expr(c->loads.items[k], e)) return k;
    if (c->loads.len >= MAX_LOADS) return -1;
    vec_push(c->a, &c->loads, (void *)e);
    return c->loads.len - 1;
}

bool bounds_has_load(const Affine *x)
{
    for (int i = 0; x && i < x->n; i++)
        if (x->var[i] >= LD_BASE) return true;
    return false;
}

/* The values of dtype t (an integer of at most 64 bits, not u64). */
Range bounds_dtype_range(Ctx *c, DType t)
{
    int bits = dtype_bits(t);
    if (!dtype_is_signed(t)) return (Range){ aff_const(c->a, 0), aff_const(c->a, (INT64_C(1) << bits) - 1) };
    int64_t half = bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1;
    return (Range){ aff_const(c->a, -half - 1), aff_const(c->a, half) };
}

char *bounds_expr_str(Ctx *c, const Expr *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ast_print_expr(f, e);
    fclose(f);
    char *r = arena_strdup(c->a, buf);
    free(buf);
    return r;
}

/* Whether e reads a value of the program: a tensor, a scalar param, a cast. */
bool bounds_reads_value(const Expr *e)
{
    if (e->kind == EX_ACCESS || bounds_loaded_type(e)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (bounds_reads_value(e->args[i])) return true;
    return false;
}

/* The note under an unproven data-dependent index: its two guarded forms. */
void bounds_guard_note(Ctx *c, const Expr *e, int k, const char *last)
{
    char *ix = bounds_expr_str(c, e->args[k]), *acc = bounds_expr_str(c, e);
    const char *zero = dtype_is_float(e->tensor->type) ? "0.0" : dtype_is_int(e->tensor->type) ? "0" : "false";
    char *clamped = arena_printf(c->a, "clamp(%s, 0, %s)", ix, last);
    char *at = strstr(acc, ix);     /* the access with its index clamped */
    char *with = at ? arena_printf(c->a, "%.*s%s%s", (int)(at - acc), acc, clamped, at + strlen(ix)) : clamped;
    diag_note(c->d, e->args[k]->span,
              "a data-dependent index must be guarded: clamp it, %s, or select on it, select(%s >= 0 && %s <= %s, %s, "
              "%s)",
              with, ix, ix, last, acc, zero);
}
