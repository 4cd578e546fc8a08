/* region.c - region inference for compute_at and pack (region.h), Halide's
 * bounds inference for lowering: the box one iteration of a consumer's loop
 * reads, from sema's interval analysis (bounds_region_read) over the ranges of
 * the consumer's indices there, clamped to the producer's whole region. Loop
 * counters that are fixed become symbols (>= 0, with a largest value where one
 * is known), so boxes stay affine. */
#include "lower/region.h"
#include "lang/affine.h"
#include "sema/sema.h"

/* ---- symbols: fixed loop counters and clamped mins ---- */

/* A new symbol standing for the value v, 0 <= v <= max (NULL: unknown). */
static int new_sym(Lower *L, LExpr *v, Affine *max)
{
    int cap = L->capsyms;   /* syms, symmax, symtile and symstep share it */
    ARENA_GROW(L->a, L->symmax, L->nsyms, cap, L->nsyms + 1);
    cap = L->capsyms;
    ARENA_GROW(L->a, L->symtile, L->nsyms, cap, L->nsyms + 1);
    cap = L->capsyms;
    ARENA_GROW(L->a, L->symstep, L->nsyms, cap, L->nsyms + 1);
    ARENA_GROW(L->a, L->syms, L->nsyms, L->capsyms, L->nsyms + 1);
    L->syms[L->nsyms] = v;
    L->symmax[L->nsyms] = max;
    L->symtile[L->nsyms] = NULL;
    L->symstep[L->nsyms] = 0;
    return L->fn->nsizevars + L->nsyms++;
}

/* The largest value of c * s (c > 0) for symbol id: from a full-tile fact
 * (step * s + step <= tile) where step divides c, else from its largest value. */
static Affine *sym_term_max(Lower *L, int id, int64_t c)
{
    int64_t f = L->symstep[id];
    if (L->symtile[id] && c % f == 0) return aff_scale(L->a, aff_add_const(L->a, L->symtile[id], -f), c / f);
    return L->symmax[id] ? aff_scale(L->a, L->symmax[id], c) : NULL;
}

/* x with every symbol at its largest (hi) or smallest (!hi) value; NULL if unknown. */
static Affine *sym_extreme(Lower *L, const Affine *x, bool hi)
{
    Affine *r = aff_const(L->a, x->c);
    for (int i = 0; i < x->n; i++) {
        int id = x->var[i] - L->fn->nsizevars;
        if (id >= 0 && (x->coef[i] > 0) == hi) {
            Affine *t = sym_term_max(L, id, x->coef[i] > 0 ? x->coef[i] : -x->coef[i]);
            if (!t) return NULL;
            r = x->coef[i] > 0 ? aff_add(L->a, r, t) : aff_sub(L->a, r, t);
        } else if (id < 0) {
            r = aff_add(L->a, r, aff_scale(L->a, aff_var(L->a, x->var[i]), x->coef[i]));
        }                               /* else at its smallest: 0 */
    }
    return r;
}

/* -1: x <= y, 1: x >= y (0: equal) for every value of the symbols; 2: unknown. */
static int sym_compare(Lower *L, const Affine *x, const Affine *y)
{
    int c = aff_compare(L->a, x, y);
    if (c == 0) return 0;
    /* with the symbols' largest values x >= y may still be x == y (a loop of one iteration) */
    Affine *d = aff_sub(L->a, x, y), *dh = sym_extreme(L, d, true), *dl = sym_extreme(L, d, false);
    Affine *zero = aff_const(L->a, 0);
    int ch = dh ? aff_compare(L->a, dh, zero) : 2, cl = dl ? aff_compare(L->a, dl, zero) : 2;
    bool le = c == -1 || ch == -1 || ch == 0, ge = c == 1 || cl == 1 || cl == 0;
    return le && ge ? 0 : le ? -1 : ge ? 1 : 2;
}

/* ---- index ranges at a loop ---- */

static void *amax_leaf(const SExtentRule *r, const SStage *st, int v)
{
    const NestAt *at = r->ctx;
    const SVar *x = &st->vars[v];
    if (x->how == SV_PURE) return at->n->aspan[x->orig];
    if (x->orig >= 0) return rvar_of(st, x->orig)->extent;
    LExpr *e = lower_rf_extent(at->L, st->rf);
    return e->kind == LX_INT ? aff_const(r->a, e->ival) : NULL;
}

/* Largest extent of var v as an affine form (NULL: unknown). */
static Affine *amaxext(Lower *L, Nest *n, int v)
{
    NestAt at = { L, n };
    return sched_max_extent(L->a, n->st, v, amax_leaf, &at);
}

/* Is v, or a loop made from it, fixed? */
static bool any_bound(const SStage *st, const bool *bound, int v)
{
    if (st->vars[v].live) return bound[v];
    for (int i = 0; i < st->nvars; i++) {
        const SVar *x = &st->vars[i];
        bool from_v = x->how == SV_FUSED ? x->fa == v || x->fb == v
                                         : (x->how == SV_OUTER || x->how == SV_INNER) && x->parent == v;
        if (from_v && any_bound(st, bound, i)) return true;
    }
    return false;
}

/* The outer loop v of a split, while its full tiles are built (the inner
 * loop's extent is the factor f): f * v + f <= the parent's extent. */
static void full_tile_fact(Lower *L, Nest *n, int v, int id)
{
    const SStage *st = n->st;
    const SVar *x = &st->vars[v];
    if (x->how != SV_OUTER || !n->full || !n->full[sched_child(st, x->parent, SV_INNER)]) return;
    Affine *pe = amaxext(L, n, x->parent);
    if (!pe) return;
    L->symtile[id] = pe;
    L->symstep[id] = x->factor;
}

/* Range of var v's counter while the loops in `bound` are fixed. */
static bool counter_range(Lower *L, Nest *n, const bool *bound, int v, Range *out)
{
    const SStage *st = n->st;
    const SVar *x = &st->vars[v];
    if (!any_bound(st, bound, v)) {     /* free: its whole range */
        Affine *m = amaxext(L, n, v);
        if (!m) return false;
        out->lo = aff_const(L->a, 0);
        out->hi = aff_add_const(L->a, m, -1);
        return true;
    }
    if (x->live) {
        if (n->sym[v] < 0) {
            Affine *m = amaxext(L, n, v);
            n->sym[v] = new_sym(L, lower_counter(L, n, v), m ? aff_add_const(L->a, m, -1) : NULL);
            full_tile_fact(L, n, v, n->sym[v] - L->fn->nsizevars);
        }
        out->lo = out->hi = aff_var(L->a, n->sym[v]);
        return true;
    }
    int o = x->live ? -1 : sched_find_child(st, v, SV_OUTER);
    if (o >= 0) {
        Range ro, ri;
        if (!counter_range(L, n, bound, o, &ro) || !counter_range(L, n, bound, sched_child(st, v, SV_INNER), &ri))
            return false;
        out->lo = aff_add(L->a, aff_scale(L->a, ro.lo, st->vars[o].factor), ri.lo);
        out->hi = aff_add(L->a, aff_scale(L->a, ro.hi, st->vars[o].factor), ri.hi);
        return true;
    }
    Affine *m = amaxext(L, n, v);
    if (!m) return false;
    out->lo = aff_const(L->a, 0);
    out->hi = aff_add_const(L->a, m, -1);
    return true;
}

/* Index ranges of the stage's pure dims and reduction vars at a loop. */
static bool index_ranges(Lower *L, Nest *n, const bool *bound, Range *idx, Range *rv)
{
    const SStage *st = n->st;
    for (int v = 0; v < st->nvars; v++) {
        const SVar *x = &st->vars[v];
        Range r;
        if (x->how != SV_PURE && !(x->how == SV_RVAR && x->orig >= 0 && !st->rf)) continue;
        if (!counter_range(L, n, bound, v, &r)) return false;
        Affine *base = x->how == SV_PURE ? n->amin[x->orig] : rvar_of(st, x->orig)->min;
        Range *dst = x->how == SV_PURE ? &idx[x->orig] : &rv[rvar_of(st, x->orig)->id];
        dst->lo = aff_add(L->a, base, r.lo);
        dst->hi = aff_add(L->a, base, r.hi);
    }
    return true;
}

/* ---- boxes ---- */

static Box box_new(Lower *L, int ndim)
{
    Box b = { ARENA_ARRAY(L->a, LExpr *, ndim + 1), ARENA_ARRAY(L->a, LExpr *, ndim + 1),
              ARENA_ARRAY(L->a, Affine *, ndim + 1), ARENA_ARRAY(L->a, Affine *, ndim + 1), ndim };
    return b;
}

/* b plus the factored dim, whole */
Box region_rfactor(Lower *L, const SStage *f, Box b)
{
    Box r = box_new(L, b.ndim + 1);
    for (int k = 0; k < b.ndim; k++) {
        r.min[k] = b.min[k];
        r.ext[k] = b.ext[k];
        r.amin[k] = b.amin[k];
        r.aspan[k] = b.aspan[k];
    }
    LExpr *e = lower_rf_extent(L, f);
    r.min[b.ndim] = ix_const(L->a, 0);
    r.ext[b.ndim] = e;
    r.amin[b.ndim] = aff_const(L->a, 0);
    r.aspan[b.ndim] = e->kind == LX_INT ? aff_const(L->a, e->ival) : NULL;
    return r;
}

Box region_whole(Lower *L, const SStage *st, const Tensor *t)
{
    if (st && !st->t) return region_rfactor(L, st, region_whole(L, st->rf_of, st->rf_of->t));
    Box b = box_new(L, t->ndim);
    for (int k = 0; k < t->ndim; k++) {
        b.amin[k] = t->min[k];
        b.aspan[k] = t->extent[k];
        b.min[k] = lower_affine(L, t->min[k]);
        b.ext[k] = lower_affine(L, t->extent[k]);
    }
    return b;
}

/* The part of `whole` that reads r[] cover, clamped to `whole`. */
static Box clamp_box(Lower *L, Box whole, const Range *r)
{
    Box b = box_new(L, whole.ndim);
    for (int k = 0; k < whole.ndim; k++) {
        if (!whole.aspan[k]) {          /* no affine bound: take it whole */
            b.min[k] = whole.min[k];
            b.ext[k] = whole.ext[k];
            b.amin[k] = whole.amin[k];
            b.aspan[k] = NULL;
            continue;
        }
        Affine *wlo = whole.amin[k], *whi = aff_add_const(L->a, aff_add(L->a, wlo, whole.aspan[k]), -1);
        int cl = sym_compare(L, r[k].lo, wlo), ch = sym_compare(L, r[k].hi, whi);
        Affine *alo = cl == -1 || cl == 0 ? wlo : r[k].lo, *ahi = ch == 1 || ch == 0 ? whi : r[k].hi;
        bool clamp_lo = cl == 2, clamp_hi = ch == 2;
        LExpr *lo = lower_affine(L, alo), *hi = lower_affine(L, ahi);
        if (clamp_lo) lo = ix_max(L->a, lo, lower_affine(L, wlo));
        if (clamp_hi) hi = ix_min(L->a, hi, lower_affine(L, whi));
        b.min[k] = lo;
        b.aspan[k] = aff_add_const(L->a, aff_sub(L->a, ahi, alo), 1);
        if (clamp_hi || clamp_lo)
            b.ext[k] = ix_max(L->a, ix_add(L->a, ix_sub(L->a, hi, lo), ix_const(L->a, 1)), ix_const(L->a, 0));
        else b.ext[k] = lower_affine(L, b.aspan[k]);
        /* a clamped min is wlo + (lo - wlo), a symbol >= 0 */
        b.amin[k] = clamp_lo
                        ? aff_add(L->a, wlo, aff_var(L->a, new_sym(L, ix_sub(L->a, lo, lower_affine(L, wlo)), NULL)))
                        : alo;
        int cs = aff_compare(L->a, b.aspan[k], whole.aspan[k]);
        if (cs == 0 || cs == 1) b.aspan[k] = whole.aspan[k];
    }
    return b;
}

/* Widens the box acc[0..ndim-1] to cover r (sema's rule, bounds_widen);
 * false if they cannot be ordered or r overflowed. */
static bool widen(Lower *L, Range *acc, const Range *r, int ndim)
{
    for (int k = 0; k < ndim; k++)
        if (!bounds_widen(L->a, &acc[k], &r[k])) return false;
    return true;
}

/* The tensors of the stages that are inlined: region analysis follows reads
 * of them into their values. */
static const Tensor **inlined(Lower *L, int *n)
{
    const Tensor **t = ARENA_ARRAY(L->a, const Tensor *, L->fs->nstages + 1);
    *n = 0;
    for (int i = 0; i < L->fs->nstages; i++)
        if (L->fs->stages[i]->place == PLACE_INLINE) t[(*n)++] = L->fs->stages[i]->t;
    return t;
}

/* What one iteration of n's loop (those in `bound` fixed) reads of tensor t
 * (or of the rfactor stage rf), unclamped; false if unknown. */
static bool raw_reads(Lower *L, Nest *n, const bool *bound, const Tensor *t, const SStage *rf, Range *out)
{
    const SStage *st = n->st;
    Fn *fn = L->fn;
    int nidx = st->rf_of ? st->npure - 1 : st->npure;
    Range *idx = ARENA_ARRAY(L->a, Range, nidx + 2);
    Range *rv = ARENA_ARRAY(L->a, Range, fn->nrvars + 1);
    if (!index_ranges(L, n, bound, idx, rv)) return false;
    if (rf) {       /* st reads rf[pure..., r]: its pure part here, and the factored dim whole
                     * (the rfactor stage's own loops always cover that dim) */
        for (int k = 0; k < nidx; k++) out[k] = idx[k];
        LExpr *e = lower_rf_extent(L, rf);
        if (e->kind != LX_INT) return false;
        out[nidx].lo = aff_const(L->a, 0);
        out[nidx].hi = aff_const(L->a, e->ival - 1);
        return true;
    }
    int ni;
    const Tensor **in = inlined(L, &ni);
    return bounds_region_read(L->a, fn, st->value, idx, nidx, rv, t, in, ni, out);
}

Box region_read(Lower *L, Nest *n, const bool *bound, const Tensor *t, const SStage *self, Box whole)
{
    int nd = whole.ndim;
    Range *acc = ARENA_ARRAY(L->a, Range, nd + 1), *r = ARENA_ARRAY(L->a, Range, nd + 1);
    const SStage *rf = self && !self->t ? self : NULL;
    if (rf || sched_reads(L->fs, n->st->value, t, SCHED_READS_ANY)) {
        if (n->st->rf && !rf) return whole;
        if (!raw_reads(L, n, bound, t, rf, r) || !widen(L, acc, r, nd)) return whole;
    }
    bool after = false;
    for (int i = 0; self && t && i < L->fs->nstages; i++) {
        SStage *c = L->fs->stages[i];
        const SStage *h = sched_home(c);
        if (c == self) after = true;
        if (!after || c == self || h->place != PLACE_AT || h->at != n->st || h->at_var != self->at_var ||
            !sched_reads(L->fs, c->value, t, SCHED_READS_ANY))
            continue;
        /* c's region here: an rfactor stage's is its parent's plus the factored dim */
        const SStage *ct = c->t ? c : c->rf_of;
        Box cb = region_read(L, n, bound, ct->t, ct, region_whole(L, ct, ct->t));
        int nidx = ct->t->ndim;
        Range *idx = ARENA_ARRAY(L->a, Range, nidx + 1);
        for (int k = 0; k < nidx; k++) {
            if (!cb.aspan[k]) return whole;
            idx[k].lo = cb.amin[k];
            idx[k].hi = aff_add_const(L->a, aff_add(L->a, cb.amin[k], cb.aspan[k]), -1);
        }
        int ni;
        const Tensor **in = inlined(L, &ni);
        if (!bounds_region_read(L->a, L->fn, c->value, idx, nidx, NULL, t, in, ni, r) || !widen(L, acc, r, nd))
            return whole;
    }
    for (int k = 0; k < nd; k++)
        if (!acc[k].lo) return whole;
    return clamp_box(L, whole, acc);
}

/* The points of n's stage that the loops not in `bound` cover at a loop (its
 * store indices: the pure dims, then an rfactor stage's factored dim),
 * clamped to the nest's region; the whole region where that is unknown. */
Box region_points(Lower *L, Nest *n, const bool *bound)
{
    const SStage *st = n->st;
    int nd = st->npure, nidx = st->rf_of ? nd - 1 : nd;
    Box whole = { n->min, n->ext, n->amin, n->aspan, nd };
    Range *idx = ARENA_ARRAY(L->a, Range, nd + 1);
    Range *rv = ARENA_ARRAY(L->a, Range, L->fn->nrvars + 1);
    if (!index_ranges(L, n, bound, idx, rv)) return whole;
    if (st->rf_of && !counter_range(L, n, bound, st->rf_var, &idx[nidx])) return whole;
    for (int k = 0; k < nd; k++)
        if (!idx[k].lo) return whole;
    return clamp_box(L, whole, idx);
}
