/* pack.c - local copies of a box of a tensor in a layout (pack.h): the packs
 * of `pack`, dims permuted or split into blocks (B as [j / 16][r][16]), and the
 * tiles of `accumulate`. A whole dim keeps the box's index values (the buffer's
 * min is the box's); a dim in blocks of F holds (x - min) / F and (x - min) % F,
 * which a read simplifies to the counters' own terms where the loop ranges
 * prove the remainder stays in 0 .. F-1, so the inner loops of a micro-kernel
 * index a blocked pack with no division (split_divmod: reads of W[j / 16,
 * j % 16] written in the source use the same rule). */
#include "lower/pack.h"
#include "lower/region.h"
#include "lang/check.h"

static LayoutDim *identity(Lower *L, int n)
{
    LayoutDim *ld = ARENA_ARRAY(L->a, LayoutDim, n ? n : 1);
    for (int d = 0; d < n; d++) ld[d] = (LayoutDim){ d, 0, false };
    return ld;
}

Buffer *layout_buffer(Lower *L, const char *name, DType t, Box b, const LayoutDim *ld, int nld)
{
    if (!ld) ld = identity(L, nld = b.ndim);
    Buffer *buf = lower_new_buffer(L, name, BUF_LOCAL, t, nld);
    for (int d = 0; d < nld; d++) {
        int k = ld[d].src;
        LExpr *e = lower_alloc_extent(L, b.aspan[k], b.ext[k]);
        buf->min[d] = ld[d].block ? ix_const(L->a, 0) : b.min[k];
        buf->extent[d] = !ld[d].block  ? e
                         : ld[d].inner ? ix_const(L->a, ld[d].block)
                                       : ix_ceildiv(L->a, e, ld[d].block);
    }
    return buf;
}

/* the layout position of src dim k's block index (inner: its place in the block) */
static int layout_pos(const LayoutDim *ld, int nld, int k, bool inner)
{
    for (int d = 0; d < nld; d++)
        if (ld[d].src == k && ld[d].block && ld[d].inner == inner) return d;
    return -1;
}

/* The loop over layout dim d of a copy: a whole dim over the box's index
 * values, a block index over the blocks, a place in a block over the block
 * (what remains of the box in the last one, where the block's loop encloses it). */
static LStmt *copy_loop(Lower *L, Box b, const LayoutDim *ld, int nld, LVar **lv, int d, LStmt *body)
{
    Arena *a = L->a;
    int k = ld[d].src;
    if (!ld[d].block) return ls_for(a, lv[d], b.min[k], b.ext[k], body);
    if (!ld[d].inner) return ls_for(a, lv[d], ix_const(a, 0), ix_ceildiv(a, b.ext[k], ld[d].block), body);
    int o = layout_pos(ld, nld, k, false);
    LExpr *F = ix_const(a, ld[d].block);
    if (o > d) return ls_for(a, lv[d], ix_const(a, 0), F, body);   /* guarded inside */
    LExpr *left = ix_sub(a, b.ext[k], ix_mul(a, lx_var(a, lv[o]), ld[d].block));
    return ls_for(a, lv[d], ix_const(a, 0), ix_min(a, F, left), body);
}

LStmt *layout_copy(Lower *L, Buffer *local, Buffer *base, Box b, const LayoutDim *ld, int nld, const char *var)
{
    Arena *a = L->a;
    if (!ld) ld = identity(L, nld = b.ndim);
    LExpr **li = ARENA_ARRAY(a, LExpr *, nld + 1), **bi = ARENA_ARRAY(a, LExpr *, b.ndim + 1);
    LVar **lv = ARENA_ARRAY(a, LVar *, nld + 1);
    for (int d = 0; d < nld; d++) {
        int k = ld[d].src;
        const char *nm = !ld[d].block ? arena_printf(a, "%s%d", var, k)
                                      : arena_printf(a, "%s%d_%s", var, k, ld[d].inner ? "i" : "o");
        lv[d] = lv_new(a, nm, LV_LOOP, DT_INDEX, d);
        li[d] = lx_var(a, lv[d]);
        if (!ld[d].block) bi[k] = li[d];
    }
    LExpr *guard = NULL;    /* a place in a block outside its block's loop: past the box's end in the last block */
    for (int d = 0; d < nld; d++) {
        int k = ld[d].src, o = layout_pos(ld, nld, k, false);
        if (!ld[d].block || !ld[d].inner) continue;
        LExpr *off = ix_add(a, ix_mul(a, li[o], ld[d].block), li[d]);
        bi[k] = ix_add(a, b.min[k], off);
        if (o > d) {
            LExpr *in = lx_binary(a, OP_LT, off, b.ext[k]);
            guard = guard ? lx_binary(a, OP_AND, guard, in) : in;
        }
    }
    LStmt *s = ls_store(a, local, li, lx_load(a, base, bi));
    if (guard) s = ls_if(a, guard, s, NULL);
    for (int d = nld - 1; d >= 0; d--) {
        s = copy_loop(L, b, ld, nld, lv, d, s);
        /* a place in a block, innermost and contiguous in the source: whole blocks in vectors */
        bool contiguous = ld[d].src == b.ndim - 1 && layout_pos(ld, nld, ld[d].src, false) < d;
        if (d == nld - 1 && ld[d].block && ld[d].inner && contiguous && ld[d].block <= 64) {
            s->loop = LOOP_VECTOR;
            s->width = ld[d].block;
        }
    }
    return s;
}

/* ---- reads: x - min as c + sum(k_i * x_i) over atoms (loop counters, other terms) ---- */

typedef struct Lin {
    int64_t c;
    LExpr **x;
    int64_t *k;
    int n, cap;
    bool bad;       /* a coefficient overflowed */
} Lin;

static void lin_term(Arena *a, Lin *l, LExpr *x, int64_t k)
{
    for (int i = 0; i < l->n; i++)
        if (lx_same(l->x[i], x)) {
            l->bad |= __builtin_add_overflow(l->k[i], k, &l->k[i]);
            return;
        }
    int cap = l->cap;       /* x and k share it */
    ARENA_GROW(a, l->k, l->n, cap, l->n + 1);
    ARENA_GROW(a, l->x, l->n, l->cap, l->n + 1);
    l->x[l->n] = x;
    l->k[l->n++] = k;
}

/* l += k * e */
static void lin_add(Arena *a, Lin *l, LExpr *e, int64_t k)
{
    int64_t t;
    if (l->bad) return;
    if (e->kind == LX_INT) {
        l->bad |= __builtin_mul_overflow(e->ival, k, &t) || __builtin_add_overflow(l->c, t, &l->c);
    } else if (e->kind == LX_BINARY && (e->op == OP_ADD || e->op == OP_SUB)) {
        lin_add(a, l, e->args[0], k);
        lin_add(a, l, e->args[1], e->op == OP_ADD ? k : -k);
    } else if (e->kind == LX_BINARY && e->op == OP_MUL && (e->args[0]->kind == LX_INT || e->args[1]->kind == LX_INT)) {
        int c = e->args[0]->kind == LX_INT ? 0 : 1;
        if (!(l->bad |= __builtin_mul_overflow(e->args[c]->ival, k, &t))) lin_add(a, l, e->args[1 - c], t);
    } else {
        lin_term(a, l, e, k);
    }
}

/* The range lo..hi of atom x when it is a counter of one of n's loops with
 * constant bounds (false: unknown). */
static bool atom_range(Lower *L, Nest *n, const LExpr *x, int64_t *lo, int64_t *hi)
{
    if (!n || x->kind != LX_VAR || x->var->kind != LV_LOOP) return false;
    for (int v = 0; v < n->st->nvars; v++) {
        const SVar *s = &n->st->vars[v];
        if (n->lv[v] != x->var || !s->live) continue;
        LExpr *m = lower_maxext(L, n, v), *min = ix_const(L->a, 0);
        if (n->offset[v]) min = s->how == SV_PURE ? n->min[s->orig] : lower_affine(L, rvar_of(n->st, s->orig)->min);
        if (m->kind != LX_INT || m->ival < 1 || min->kind != LX_INT) return false;
        *lo = min->ival;
        return !__builtin_add_overflow(min->ival, m->ival - 1, hi);
    }
    return false;
}

/* lo..hi += k * (alo..ahi); false on overflow */
static bool add_term_range(int64_t *lo, int64_t *hi, int64_t k, int64_t alo, int64_t ahi)
{
    int64_t a, b;
    if (__builtin_mul_overflow(k, alo, &a) || __builtin_mul_overflow(k, ahi, &b)) return false;
    return !__builtin_add_overflow(*lo, k > 0 ? a : b, lo) && !__builtin_add_overflow(*hi, k > 0 ? b : a, hi);
}

void split_divmod(Lower *L, Nest *n, LExpr *x, LExpr *min, int64_t F, LExpr **q, LExpr **r)
{
    Arena *a = L->a;
    Lin l = { 0 };
    lin_add(a, &l, x, 1);
    if (min) lin_add(a, &l, min, -1);
    int64_t c0 = l.c % F < 0 ? l.c % F + F : l.c % F, lo = c0, hi = c0;
    LExpr *qe = ix_const(a, (l.c - c0) / F), *re = ix_const(a, c0);
    for (int i = 0; i < l.n && !l.bad; i++) {
        int64_t alo, ahi;
        if (l.k[i] % F == 0) qe = ix_add(a, qe, ix_mul(a, l.x[i], l.k[i] / F));
        else if (!atom_range(L, n, l.x[i], &alo, &ahi) || !add_term_range(&lo, &hi, l.k[i], alo, ahi)) l.bad = true;
        else re = ix_add(a, re, ix_mul(a, l.x[i], l.k[i]));
    }
    if (l.bad || lo < 0 || hi >= F) {
        LExpr *d = ix_const(a, l.c);
        for (int i = 0; i < l.n && !l.bad; i++) d = ix_add(a, d, ix_mul(a, l.x[i], l.k[i]));
        if (l.bad || !min) d = min ? ix_sub(a, x, min) : x;
        *q = ix_div(a, d, F);
        *r = ix_mod(a, d, F);
        return;
    }
    *q = qe;
    *r = re;
}

LExpr **layout_index(Lower *L, Nest *n, Box b, const LayoutDim *ld, int nld, LExpr **idx)
{
    LExpr **pi = ARENA_ARRAY(L->a, LExpr *, nld + 1);
    for (int d = 0; d < nld; d++) {
        int k = ld[d].src;
        if (!ld[d].block) {
            pi[d] = idx[k];
        } else if (!ld[d].inner) {
            LExpr *r;
            split_divmod(L, n, idx[k], b.min[k], ld[d].block, &pi[d], &r);
        } else {
            LExpr *q;
            split_divmod(L, n, idx[k], b.min[k], ld[d].block, &q, &pi[d]);
        }
    }
    return pi;
}

static bool box_same(Box x, Box y)
{
    for (int d = 0; d < x.ndim; d++)
        if (!x.amin[d] || !y.amin[d] || !x.aspan[d] || !y.aspan[d] || !aff_equal(x.amin[d], y.amin[d]) ||
            !aff_equal(x.aspan[d], y.aspan[d]) || !lx_same(x.min[d], y.min[d]) || !lx_same(x.ext[d], y.ext[d]))
            return false;
    return true;
}

bool pack_same_region(Lower *L, Nest *n, int i, const bool *outer, const bool *inner)
{
    const Tensor *src = n->st->packs[i].src;
    Box whole = region_whole(L, sched_stage_of(L->fs, src), src);
    return box_same(region_read(L, n, outer, src, NULL, whole), region_read(L, n, inner, src, NULL, whole));
}
