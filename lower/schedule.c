/* schedule.c - checks and applies schedule primitives (docs/schedules.md) to
 * per-stage schedule records. Every rule that keeps results unchanged is
 * checked here, at the primitive that would break it; rules that depend on
 * the whole schedule (placements, packs) are checked once all primitives
 * are applied, and still point at the primitive concerned. */
#include "lower/schedule.h"
#include "lang/affine.h"
#include "lang/check.h"
#include <stdio.h>
#include <string.h>

#define MAX_VECTOR 64

typedef struct SchedBuild Sb;

struct SchedBuild {
    Arena *a;
    Diag *d;
    Fn *fn;
    FnSched *fs;
    const SchedPrim *p;     /* the primitive being applied */
};

/* ---- stages and their variables ---- */

static SVar *add_var(Sb *s, SStage *st, const char *name, Span sp, SVarHow how, bool is_r)
{
    int cap = st->capvars;  /* vars and order share it */
    ARENA_GROW(s->a, st->order, st->norder, cap, st->nvars + 1);
    ARENA_GROW(s->a, st->vars, st->nvars, st->capvars, st->nvars + 1);
    SVar *v = &st->vars[st->nvars++];
    *v = (SVar){ .name = name,
                 .span = sp,
                 .how = how,
                 .is_r = is_r,
                 .parent = -1,
                 .fa = -1,
                 .fb = -1,
                 .live = true,
                 .kind = LOOP_SERIAL };
    return v;
}

/* Counts the reductions in e; *last gets the last one seen, NULL if that one
 * is inside a select arm. */
static int count_reductions(const Expr *e, bool in_arm, const Expr **last)
{
    int n = 0;
    if (e->kind == EX_REDUCE) {
        n = 1;
        *last = in_arm ? NULL : e;
    }
    for (int i = 0; i < e->nargs; i++)
        n += count_reductions(e->args[i], in_arm || (e->kind == EX_SELECT && i > 0), last);
    return n;
}

/* A nested reduction runs whole before the rest of the expression, so it must
 * not depend on a select's condition (which may guard its reads) and must be
 * the only one (two would need two accumulators). */
const Expr *sched_reduction(const Stage *def, const char **why)
{
    const Expr *r = NULL;
    int n = count_reductions(def->value, false, &r);
    if (n == 1 && r) return r;
    if (why) *why = n > 1 ? "in a value with another reduction" : n ? "inside a select arm" : "";
    return NULL;
}

static SStage *new_stage(Sb *s, Stage *def)
{
    SStage *st = ARENA_NEW(s->a, SStage);
    Tensor *t = def->tensor;
    st->name = t->name;
    st->t = t;
    st->def = def;
    st->value = def->value;
    st->reduce = sched_reduction(def, NULL);
    st->type = t->type;
    st->npure = t->ndim;
    st->red = st->reduce ? st->reduce->op : OP_NONE;
    st->acc_var = -1;
    for (int k = 0; k < t->ndim; k++) {
        SVar *v = add_var(s, st, def->vars[k], def->var_spans[k], SV_PURE, false);
        v->orig = k;
        st->order[st->norder++] = st->nvars - 1;
    }
    if (st->red)
        for (int k = 0; k < st->reduce->nrvars; k++) {
            RVar *r = st->reduce->rvars[k];
            SVar *v = add_var(s, st, r->name, r->span, SV_RVAR, true);
            v->orig = k;
            st->order[st->norder++] = st->nvars - 1;
        }
    return st;
}

const SStage *sched_home(const SStage *st) { return st->rf_of && st->place == PLACE_ROOT ? sched_home(st->rf_of) : st; }

int sched_find_child(const SStage *st, int v, SVarHow how)
{
    for (int i = 0; i < st->nvars; i++) {
        const SVar *x = &st->vars[i];
        if (x->how == how && (how == SV_FUSED ? x->fa == v || x->fb == v : x->parent == v)) return i;
    }
    return -1;
}

int sched_child(const SStage *st, int v, SVarHow how)
{
    int c = sched_find_child(st, v, how);
    TDSL_ASSERT(c >= 0, "a split or fused var without the var made from it");
    return c;
}

SStage *sched_stage_of(const FnSched *fs, const Tensor *t)
{
    for (int i = 0; i < fs->nstages; i++)
        if (fs->stages[i]->t == t) return fs->stages[i];
    return NULL;
}

static SStage *stage_named(const FnSched *fs, const char *name)
{
    for (int i = 0; i < fs->nstages; i++)
        if (!strcmp(fs->stages[i]->name, name)) return fs->stages[i];
    return NULL;
}

static const Tensor *tensor_named(const Fn *f, const char *name)
{
    for (int i = 0; i < f->nparams; i++)
        if (!strcmp(f->params[i]->name, name)) return f->params[i];
    for (int i = 0; i < f->nresults; i++)
        if (!strcmp(f->results[i]->name, name)) return f->results[i];
    for (int i = 0; i < f->nlocals; i++)
        if (!strcmp(f->locals[i]->name, name)) return f->locals[i];
    return NULL;
}

static const Affine *pure_extent(const SStage *st, int k)
{
    const Tensor *t = st->t ? st->t : st->rf_of->t;
    return t->extent[k];
}

void *sched_extent(const SStage *st, int v, const SExtentRule *r)
{
    const SVar *x = &st->vars[v];
    switch (x->how) {
    case SV_PURE:
    case SV_RVAR: return r->leaf(r, st, v);
    case SV_OUTER: return r->outer(r, st, v, sched_extent(st, x->parent, r));
    case SV_INNER: return r->inner(r, st, v, sched_extent(st, x->parent, r));
    case SV_FUSED: return r->fused(r, sched_extent(st, x->fa, r), sched_extent(st, x->fb, r->max ? r->max : r));
    }
    return NULL;
}

/* largest extents as affine forms: an unknown stays unknown except under an
 * inner loop, whose factor bounds it */
static void *amax_outer(const SExtentRule *r, const SStage *st, int v, void *parent)
{
    Affine *p = parent;
    int64_t f = st->vars[v].factor;
    if (!p) return NULL;
    return aff_is_const(p) ? aff_const(r->a, (p->c + f - 1) / f) : p;
}

static void *amax_inner(const SExtentRule *r, const SStage *st, int v, void *parent)
{
    Affine *p = parent;
    int64_t f = st->vars[v].factor;
    return aff_const(r->a, p && aff_is_const(p) && p->c < f ? p->c : f);
}

static void *amax_fused(const SExtentRule *r, void *pa, void *pb)
{
    Affine *a = pa, *b = pb;
    if (!a || !b) return NULL;
    if (aff_is_const(a)) return aff_scale(r->a, b, a->c);
    return aff_is_const(b) ? aff_scale(r->a, a, b->c) : NULL;
}

Affine *sched_max_extent(Arena *a, const SStage *st, int v, SExtentLeaf *leaf, void *ctx)
{
    SExtentRule r = { leaf, amax_outer, amax_inner, amax_fused, NULL, a, ctx };
    return sched_extent(st, v, &r);
}

/* an original var over the stage's whole region */
static void *whole_leaf(const SExtentRule *r, const SStage *st, int v)
{
    const SVar *x = &st->vars[v];
    if (x->how == SV_PURE) return (Affine *)pure_extent(st, x->orig);
    if (x->orig >= 0) return st->reduce->rvars[x->orig]->extent;
    return sched_extent(st->rf, st->rf->rf_var, r);
}

bool sched_const_extent(Arena *a, const SStage *st, int v, int64_t *n)
{
    Affine *e = sched_max_extent(a, st, v, whole_leaf, NULL);
    if (!e || !aff_is_const(e)) return false;
    *n = e->c;
    return true;
}

/* ---- argument access ---- */

static const SchedArg *arg(Sb *s, int i) { return &s->p->args[i]; }

static bool want_args(Sb *s, int lo, int hi, const char *form)
{
    if (s->p->nargs >= lo && s->p->nargs <= hi) return true;
    diag_error(s->d, s->p->span, "%s expects %s", s->p->prim, form);
    return false;
}

static bool want_name(Sb *s, int i)
{
    if (!arg(s, i)->is_int) return true;
    diag_error(s->d, arg(s, i)->span, "%s: argument %d must be a name, not a number", s->p->prim, i + 1);
    return false;
}

static bool want_factor(Sb *s, int i, int64_t max, int64_t *out)
{
    const SchedArg *x = arg(s, i);
    if (!x->is_int) {
        diag_error(s->d, x->span, "%s: argument %d must be an integer factor, not '%s'", s->p->prim, i + 1, x->name);
        return false;
    }
    if (x->ival < 1 || x->ival > max) {
        const char *what = !strcmp(s->p->prim, "vectorize") ? "width" : "factor";
        if (x->ival < 1)
            diag_error(s->d, x->span, "%s: the %s must be at least 1, not %lld", s->p->prim, what, (long long)x->ival);
        else
            diag_error(s->d, x->span, "%s: %s %lld is too large (at most %lld)", s->p->prim, what, (long long)x->ival,
                       (long long)max);
        return false;
    }
    *out = x->ival;
    return true;
}

static bool rvar_named(const Expr *r, const char *name)
{
    for (int k = 0; k < r->nrvars; k++)
        if (!strcmp(r->rvars[k]->name, name)) return true;
    return false;
}

/* Whether a reduction in e has a reduction var named name. */
static bool rvar_in(const Expr *e, const char *name)
{
    if (e->kind == EX_REDUCE && rvar_named(e, name)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (rvar_in(e->args[i], name)) return true;
    return false;
}

/* The live var named by argument i, or -1 after an error. */
static int live_var(Sb *s, SStage *st, int i)
{
    if (!want_name(s, i)) return -1;
    const SchedArg *x = arg(s, i);
    int dead = -1;
    for (int v = 0; v < st->nvars; v++) {
        if (strcmp(st->vars[v].name, x->name)) continue;
        if (st->vars[v].live) return v;
        dead = v;
    }
    if (dead >= 0) {
        SVar *d = &st->vars[dead];
        diag_error(s->d, x->span, "'%s' is no longer a loop of '%s': it was %s", x->name, st->name, d->gone);
        diag_note(s->d, d->gone_span, "here");
    } else {
        const char *why = "";
        if (rvar_in(st->def->value, x->name) && !sched_reduction(st->def, &why))
            diag_error(s->d, x->span,
                       "'%s' is not a loop variable of '%s': its reduction is nested %s, so it runs whole for "
                       "each point of '%s'; give that reduction a stage of its own to schedule its loops",
                       x->name, st->name, why, st->name);
        else diag_error(s->d, x->span, "'%s' is not a loop variable of '%s'", x->name, st->name);
    }
    return -1;
}

/* Argument i as the name of a new var of st; NULL after an error. */
static const char *new_name(Sb *s, SStage *st, int i)
{
    if (!want_name(s, i)) return NULL;
    const SchedArg *x = arg(s, i);
    for (int v = 0; v < st->nvars; v++)
        if (!strcmp(st->vars[v].name, x->name) && st->vars[v].live) {
            diag_error(s->d, x->span, "'%s' is already a loop variable of '%s'", x->name, st->name);
            return NULL;
        }
    return x->name;
}

/* Position of live var v in the loop order. */
static int order_pos(const SStage *st, int v)
{
    int i = 0;
    while (i < st->norder && st->order[i] != v) i++;
    TDSL_ASSERT(i < st->norder, "a live var missing from the loop order");
    return i;
}

static void retire(Sb *s, SStage *st, int v, const char *why)
{
    st->vars[v].live = false;
    st->vars[v].gone = why;
    st->vars[v].gone_span = s->p->span;
}

static const char *verb(const char *prim) { return !strcmp(prim, "parallel") ? "parallelize" : prim; }

static bool unmarked(Sb *s, SStage *st, int v, int argi)
{
    static const char *kinds[] = { "serial", "parallel", "vectorized", "unrolled" };
    if (st->vars[v].kind == LOOP_SERIAL) return true;
    diag_error(s->d, arg(s, argi)->span,
               "cannot %s '%s': it is already %s; split, fuse and reorder loops before marking them", verb(s->p->prim),
               st->vars[v].name, kinds[st->vars[v].kind]);
    return false;
}

/* ---- the reduction order rule ---- */

/* Position of var v in the order the unscheduled loops visit the reduction:
 * originals in order, a split's outer subtree before its inner subtree. A key
 * has an entry per var on v's path up the derivation tree: at most nvars. */
static void rkey(const SStage *st, int v, int64_t *key, int *n)
{
    const SVar *x = &st->vars[v];
    int64_t k = x->orig;
    if (x->how == SV_FUSED) {
        rkey(st, x->fa, key, n);
        return;
    }
    if (x->how == SV_OUTER || x->how == SV_INNER) {
        rkey(st, x->parent, key, n);
        k = x->how == SV_OUTER ? 0 : 1;
    }
    TDSL_ASSERT(*n < st->nvars, "a derivation path longer than the stage has vars");
    key[(*n)++] = k;
}

static int rkey_cmp(Arena *ar, const SStage *st, int a, int b)
{
    int64_t *ka = ARENA_ARRAY(ar, int64_t, st->nvars), *kb = ARENA_ARRAY(ar, int64_t, st->nvars);
    int na = 0, nb = 0;
    rkey(st, a, ka, &na);
    rkey(st, b, kb, &nb);
    for (int i = 0; i < na && i < nb; i++)
        if (ka[i] != kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return na - nb;
}

/* Float reductions (and products) must visit reduction loops in the original
 * order; integer sums, products, max and min are exact in any order. */
static bool order_matters(const SStage *st) { return st->red && dtype_is_float(st->reduce->type); }

static bool check_rorder(Sb *s, SStage *st)
{
    if (!order_matters(st)) return true;
    int prev = -1;
    for (int i = 0; i < st->norder; i++) {
        int v = st->order[i];
        if (!st->vars[v].is_r) continue;
        if (prev >= 0 && rkey_cmp(s->a, st, prev, v) > 0) {
            diag_error(s->d, s->p->span,
                       "cannot put reduction loop '%s' outside '%s': that changes the order of the floating-point %s "
                       "of '%s' (use rfactor to reassociate it explicitly)",
                       st->vars[prev].name, st->vars[v].name, op_text(st->red), st->name);
            return false;
        }
        prev = v;
    }
    return true;
}

/* ---- primitives ---- */

static int split(Sb *s, SStage *st, int v, const char *oname, const char *iname, int64_t f, int argi)
{
    if (!unmarked(s, st, v, argi)) return -1;
    if (!strcmp(oname, iname)) {
        diag_error(s->d, s->p->span, "split: the outer and inner loops need different names");
        return -1;
    }
    bool r = st->vars[v].is_r;
    SVar *o = add_var(s, st, oname, s->p->span, SV_OUTER, r);
    o->parent = v;
    o->factor = f;
    int oi = st->nvars - 1;
    SVar *in = add_var(s, st, iname, s->p->span, SV_INNER, r);
    in->parent = v;
    in->factor = f;
    int ii = st->nvars - 1;
    retire(s, st, v, arena_printf(s->a, "split into '%s' and '%s'", oname, iname));
    int pos = order_pos(st, v);
    memmove(st->order + pos + 2, st->order + pos + 1, sizeof(int) * (size_t)(st->norder - pos - 1));
    st->order[pos] = oi;
    st->order[pos + 1] = ii;
    st->norder++;
    return ii;
}

static bool prim_split(Sb *s, SStage *st)
{
    int64_t f;
    int v = live_var(s, st, 0);
    if (v < 0) return false;
    const char *o = new_name(s, st, 1), *i = o ? new_name(s, st, 2) : NULL;
    if (!i || !want_factor(s, 3, INT64_C(1) << 40, &f)) return false;
    return split(s, st, v, o, i, f, 0) >= 0;
}

/* Permutes the named live vars among the positions they occupy. */
static bool reorder(Sb *s, SStage *st, const int *vars, int n)
{
    int pos[64];
    TDSL_ASSERT(n <= 64, "reorder of more loops than it has room for");
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++)
            if (vars[j] == vars[i]) {
                diag_error(s->d, s->p->span, "reorder names '%s' twice", st->vars[vars[i]].name);
                return false;
            }
        pos[i] = order_pos(st, vars[i]);
    }
    for (int i = 1; i < n; i++)         /* sort positions ascending */
        for (int j = i; j > 0 && pos[j - 1] > pos[j]; j--) {
            int t = pos[j];
            pos[j] = pos[j - 1];
            pos[j - 1] = t;
        }
    for (int i = 0; i < n; i++) st->order[pos[i]] = vars[i];
    return check_rorder(s, st);
}

static bool prim_reorder(Sb *s, SStage *st)
{
    int vars[64];
    for (int i = 0; i < s->p->nargs; i++)
        if ((vars[i] = live_var(s, st, i)) < 0) return false;
    return reorder(s, st, vars, s->p->nargs);
}

static bool prim_tile(Sb *s, SStage *st)
{
    int64_t fx, fy;
    int x = live_var(s, st, 0), y = x >= 0 ? live_var(s, st, 1) : -1;
    if (y < 0) return false;
    if (x == y) {
        diag_error(s->d, arg(s, 1)->span, "tile needs two different loops");
        return false;
    }
    const char *names[4];
    for (int i = 0; i < 4; i++) {
        if (!(names[i] = new_name(s, st, 2 + i))) return false;
        for (int j = 0; j < i; j++)
            if (!strcmp(names[i], names[j])) {
                diag_error(s->d, arg(s, 2 + i)->span, "tile: '%s' is named twice", names[i]);
                return false;
            }
    }
    if (!want_factor(s, 6, INT64_C(1) << 40, &fx) || !want_factor(s, 7, INT64_C(1) << 40, &fy)) return false;
    int xi = split(s, st, x, names[0], names[2], fx, 0);
    if (xi < 0) return false;
    int yi = split(s, st, y, names[1], names[3], fy, 1);
    if (yi < 0) return false;
    int vars[4] = { xi - 1, yi - 1, xi, yi };
    return reorder(s, st, vars, 4);
}

static bool prim_fuse(Sb *s, SStage *st)
{
    int a = live_var(s, st, 0), b = a >= 0 ? live_var(s, st, 1) : -1;
    if (b < 0) return false;
    const char *name = new_name(s, st, 2);
    if (!name || !unmarked(s, st, a, 0) || !unmarked(s, st, b, 1)) return false;
    int pa = order_pos(st, a), pb = order_pos(st, b);
    if (pb != pa + 1) {
        diag_error(s->d, s->p->span, "cannot fuse '%s' and '%s': '%s' must be the loop directly inside '%s'",
                   st->vars[a].name, st->vars[b].name, st->vars[b].name, st->vars[a].name);
        return false;
    }
    if (st->vars[a].is_r != st->vars[b].is_r) {
        diag_error(s->d, s->p->span, "cannot fuse '%s' and '%s': one is a reduction loop and the other is not",
                   st->vars[a].name, st->vars[b].name);
        return false;
    }
    SVar *f = add_var(s, st, name, s->p->span, SV_FUSED, st->vars[a].is_r);
    f->fa = a;
    f->fb = b;
    const char *why = arena_printf(s->a, "fused into '%s'", name);
    retire(s, st, a, why);
    retire(s, st, b, why);
    st->order[pa] = st->nvars - 1;
    memmove(st->order + pb, st->order + pb + 1, sizeof(int) * (size_t)(st->norder - pb - 1));
    st->norder--;
    return true;
}

static bool mark(Sb *s, SStage *st, int v, LoopKind k, int width, int argi)
{
    SVar *x = &st->vars[v];
    if (!unmarked(s, st, v, argi)) return false;
    if (k != LOOP_UNROLL && x->is_r) {
        diag_error(s->d, arg(s, argi)->span,
                   "cannot %s '%s': it is a reduction loop of '%s', and its iterations depend on each other "
                   "(rfactor it first, e.g. %s.rfactor(%s, %s_rf))",
                   verb(s->p->prim), x->name, st->name, st->name, x->name, st->name);
        return false;
    }
    x->kind = k;
    x->width = width;
    return true;
}

/* vectorize(v) / unroll(v): v's extent must be a small constant. */
static bool mark_whole(Sb *s, SStage *st, int v, LoopKind k)
{
    int64_t n;
    if (!sched_const_extent(s->a, st, v, &n) || n > MAX_VECTOR) {
        diag_error(s->d, arg(s, 0)->span,
                   "cannot %s '%s' whole: its extent is not a constant <= %d; give a factor, e.g. %s(%s, 8)",
                   s->p->prim, st->vars[v].name, MAX_VECTOR, s->p->prim, st->vars[v].name);
        return false;
    }
    return mark(s, st, v, k, (int)(n < 1 ? 1 : n), 0);
}

/* vectorize(v, w) / unroll(v, f): split v by w, keep the name v outside. */
static bool mark_split(Sb *s, SStage *st, LoopKind k, const char *suffix)
{
    int64_t w;
    int v = live_var(s, st, 0);
    if (v < 0 || !want_factor(s, 1, MAX_VECTOR, &w)) return false;
    if (k != LOOP_UNROLL && st->vars[v].is_r) return mark(s, st, v, k, (int)w, 0);
    const char *name = st->vars[v].name;
    const char *inner = arena_printf(s->a, "%s%s", name, suffix);
    for (int i = 0; i < st->nvars; i++)
        if (st->vars[i].live && !strcmp(st->vars[i].name, inner)) {
            diag_error(s->d, s->p->span, "cannot %s '%s' by %lld: its inner loop would be named '%s', which exists",
                       s->p->prim, name, (long long)w, inner);
            return false;
        }
    int in = split(s, st, v, name, inner, w, 0);
    return in >= 0 && mark(s, st, in, k, (int)w, 0);
}

static bool prim_parallel(Sb *s, SStage *st)
{
    int v = live_var(s, st, 0);
    return v >= 0 && mark(s, st, v, LOOP_PARALLEL, 0, 0);
}

static bool prim_kind(Sb *s, SStage *st, LoopKind k)
{
    if (s->p->nargs == 2) return mark_split(s, st, k, k == LOOP_VECTOR ? "_vi" : "_ui");
    int v = live_var(s, st, 0);
    return v >= 0 && mark_whole(s, st, v, k);
}

static bool prim_vectorize(Sb *s, SStage *st) { return prim_kind(s, st, LOOP_VECTOR); }
static bool prim_unroll(Sb *s, SStage *st) { return prim_kind(s, st, LOOP_UNROLL); }

static bool prim_compute_at(Sb *s, SStage *st)
{
    if (!want_name(s, 0)) return false;
    SStage *c = stage_named(s->fs, arg(s, 0)->name);
    if (!c) {
        diag_error(s->d, arg(s, 0)->span, "'%s' is not a stage of '%s'", arg(s, 0)->name, s->fn->name);
        return false;
    }
    if (c == st) {
        diag_error(s->d, arg(s, 0)->span, "cannot compute '%s' inside its own loops", st->name);
        return false;
    }
    int v = live_var(s, c, 1);
    if (v < 0) return false;
    st->place = PLACE_AT;
    st->at = c;
    st->at_var = v;
    st->place_span = s->p->span;
    return true;
}

/* The layout of pack arguments first.. of tensor x: each dim d whole, or as
 * d / F and d % F (blocks of F); identity when there are none. */
static bool pack_layout(Sb *s, const Tensor *x, int first, SPack *pk)
{
    int n = s->p->nargs - first, nd = x->ndim ? x->ndim : 1;
    int64_t *block = ARENA_ARRAY(s->a, int64_t, nd);    /* per src dim: 0 unseen, -1 whole, F */
    int *parts = ARENA_ARRAY(s->a, int, nd);            /* bit 1: d / F seen, bit 2: d % F */
    pk->nlayout = n ? n : x->ndim;
    pk->layout = ARENA_ARRAY(s->a, LayoutDim, pk->nlayout ? pk->nlayout : 1);
    for (int d = 0; d < pk->nlayout; d++) {
        if (!n) {
            pk->layout[d] = (LayoutDim){ d, 0, false };
            continue;
        }
        const SchedArg *y = arg(s, first + d);
        if (!y->is_int || y->ival < 0 || y->ival >= x->ndim) {
            diag_error(s->d, y->span, "pack: a layout dim is a dim 0..%d of '%s', whole or as d / F and d %% F",
                       x->ndim - 1, x->name);
            return false;
        }
        int k = (int)y->ival, bit = y->part == '/' ? 1 : y->part == '%' ? 2 : 0;
        int64_t b = bit ? y->block : -1;
        if (bit && (b < 2 || b > 4096)) {
            diag_error(s->d, y->span, "pack: a block holds 2 to 4096 points, not %lld", (long long)b);
            return false;
        }
        if ((block[k] && block[k] != b) || (parts[k] & (bit ? bit : 3))) {
            diag_error(s->d, y->span, "pack: dim %d of '%s' is already in the layout%s", k, x->name,
                       block[k] > 0 && b > 0 && block[k] != b ? " with another block size" : "");
            return false;
        }
        block[k] = b;
        parts[k] |= bit ? bit : 3;
        pk->layout[d] = (LayoutDim){ k, bit ? (int)b : 0, bit == 2 };
    }
    for (int k = 0; n && k < x->ndim; k++)
        if (parts[k] != 3) {
            if (!parts[k]) diag_error(s->d, s->p->span, "pack: the layout of '%s' leaves out its dim %d", x->name, k);
            else
                diag_error(s->d, s->p->span, "pack: dim %d of '%s' in blocks needs both %d / %lld and %d %% %lld", k,
                           x->name, k, (long long)block[k], k, (long long)block[k]);
            return false;
        }
    return true;
}

static bool prim_pack(Sb *s, SStage *st)
{
    if (!want_name(s, 0)) return false;
    const Tensor *x = tensor_named(s->fn, arg(s, 0)->name);
    if (!x || x->is_scalar) {
        diag_error(s->d, arg(s, 0)->span, "'%s' is not a tensor of '%s'", arg(s, 0)->name, s->fn->name);
        return false;
    }
    int v = -1, first = 1;              /* no loop: packed once, before the stage runs */
    if (s->p->nargs > 1 && !arg(s, 1)->is_int) {
        if ((v = live_var(s, st, 1)) < 0) return false;
        first = 2;
    }
    SPack pk = { x, arena_printf(s->a, "%s_pack", x->name), v, NULL, 0, s->p->span };
    if (!pack_layout(s, x, first, &pk)) return false;
    for (int i = 0; i < st->npacks; i++)
        if (st->packs[i].src == x) {
            diag_error(s->d, arg(s, 0)->span, "'%s' already packs '%s'", st->name, x->name);
            return false;
        }
    int cap = st->npacks;   /* packs are few: full at every push */
    ARENA_GROW(s->a, st->packs, st->npacks, cap, st->npacks + 1);
    st->packs[st->npacks++] = pk;
    return true;
}

static bool prim_rfactor(Sb *s, SStage *st)
{
    int v = live_var(s, st, 0);
    if (v < 0 || !want_name(s, 1)) return false;
    const char *name = arg(s, 1)->name;
    if (st->rf_of) {
        diag_error(s->d, s->p->span,
                   "cannot rfactor '%s': it is itself the rfactor stage of '%s' (rfactor the reduction of '%s' once, "
                   "e.g. by a loop split from several)",
                   st->name, st->rf_of->name, st->rf_of->name);
        return false;
    }
    const char *why = "";
    if (!st->red && st->t) sched_reduction(st->def, &why);
    if (*why) {
        diag_error(s->d, s->p->span,
                   "cannot rfactor '%s': its reduction is nested %s; give that reduction a stage of its own", st->name,
                   why);
        return false;
    }
    if (!st->red || st->rf) {
        diag_error(s->d, s->p->span, "cannot rfactor '%s': %s", st->name,
                   st->rf ? "it was already rfactored" : "its value is not a reduction");
        return false;
    }
    if (!st->vars[v].is_r) {
        diag_error(s->d, arg(s, 0)->span, "cannot rfactor '%s': it is not a reduction loop of '%s'", st->vars[v].name,
                   st->name);
        return false;
    }
    if (tensor_named(s->fn, name) || stage_named(s->fs, name)) {
        diag_error(s->d, arg(s, 1)->span, "cannot name the rfactor stage '%s': the name is taken", name);
        return false;
    }
    if (!unmarked(s, st, v, 0)) return false;
    SStage *f = ARENA_NEW(s->a, SStage);
    *f = *st;
    f->name = name;
    f->t = NULL;
    f->value = st->reduce;
    f->type = st->reduce->type;
    f->npure = st->npure + 1;
    f->vars = ARENA_ARRAY(s->a, SVar, st->capvars);
    memcpy(f->vars, st->vars, sizeof(SVar) * (size_t)st->nvars);
    f->order = ARENA_ARRAY(s->a, int, st->capvars);
    memcpy(f->order, st->order, sizeof(int) * (size_t)st->norder);
    f->vars[v].is_r = false;
    f->place = PLACE_ROOT;
    f->at = NULL;
    f->rf_of = st;
    f->acc_var = -1;    /* accumulate is the named stage's own */
    f->rf_var = v;
    f->touched = true;
    st->packs = NULL;       /* the body moved to f, and its packs with it */
    st->npacks = 0;
    for (int i = 0; i < st->nvars; i++)
        if (st->vars[i].is_r && st->vars[i].live) retire(s, st, i, arena_printf(s->a, "rfactored into '%s'", name));
    int n = 0;
    for (int i = 0; i < st->norder; i++)
        if (st->vars[st->order[i]].live) st->order[n++] = st->order[i];
    st->norder = n;
    SVar *r = add_var(s, st, st->vars[v].name, s->p->span, SV_RVAR, true);
    r->orig = -1;
    st->order[st->norder++] = st->nvars - 1;
    st->rf = f;
    /* f runs before st */
    FnSched *fs = s->fs;
    SStage **ns = ARENA_ARRAY(s->a, SStage *, fs->nstages + 1);
    int k = 0;
    for (int i = 0; i < fs->nstages; i++) {
        if (fs->stages[i] == st) ns[k++] = f;
        ns[k++] = fs->stages[i];
    }
    fs->stages = ns;
    fs->nstages = k;
    return true;
}

static bool prim_accumulate(Sb *s, SStage *st)
{
    int v = live_var(s, st, 0);
    if (v < 0) return false;
    if (!st->red) {
        diag_error(s->d, s->p->span, "cannot accumulate '%s': it has no reduction of its own to accumulate", st->name);
        return false;
    }
    if (st->acc_var >= 0) {
        diag_error(s->d, s->p->span, "'%s' already accumulates at loop '%s'", st->name, st->vars[st->acc_var].name);
        return false;
    }
    st->acc_var = v;
    st->acc_span = s->p->span;
    return true;
}

static bool prim_compute_root(Sb *s, SStage *st)
{
    (void)s;
    st->place = PLACE_ROOT;
    return true;
}

static bool prim_inline(Sb *s, SStage *st)
{
    st->place = PLACE_INLINE;
    st->place_span = s->p->span;
    return true;
}

/* Every primitive, in the order the unknown-primitive error lists them. */
static const SchedPrimDef prims[] = {
    { "split", 4, 4, "(var, outer, inner, factor)", prim_split,
      "split(v, vo, vi, f): v = vo * f + vi, vi running 0..f-1; vo and vi take v's place, vo outside" },
    { "tile", 8, 8, "(x, y, xo, yo, xi, yi, fx, fy)", prim_tile,
      "tile(x, y, xo, yo, xi, yi, fx, fy): split x by fx and y by fy, then reorder(xo, yo, xi, yi)" },
    { "fuse", 3, 3, "(outer, inner, fused)", prim_fuse, "fuse(a, b, ab): one loop ab over a and b (b inside a)" },
    { "reorder", 1, 64, "(var, var, ...), outermost first", prim_reorder,
      "reorder(v1, ..., vn): permute the named loops among their positions, outermost first" },
    { "parallel", 1, 1, "(var)", prim_parallel, "parallel(v): run loop v on the thread pool" },
    { "vectorize", 1, 2, "(var) or (var, width)", prim_vectorize,
      "vectorize(v) / vectorize(v, w): v (constant extent <= 64), or an inner loop v_vi of width w, in vectors" },
    { "unroll", 1, 2, "(var) or (var, factor)", prim_unroll,
      "unroll(v) / unroll(v, f): unroll v (constant extent <= 64), or an inner loop v_ui of f iterations" },
    { "compute_at", 2, 2, "(consumer, var)", prim_compute_at,
      "compute_at(T, v): compute the stage inside loop v of its consumer T, over what one iteration reads" },
    { "compute_root", 0, 0, "no arguments", prim_compute_root, "compute_root(): the whole stage, before its readers" },
    { "inline", 0, 0, "no arguments", prim_inline, "inline(): substitute the stage's value into every read of it" },
    { "pack", 1, 18, "(tensor), (tensor, var) or (tensor, [var,] d0, d1, ...)", prim_pack,
      "pack(X[, v][, d0, d1, ...]): copy what the stage (or one iteration of loop v) reads of X into X_pack, dims in "
      "that order; d / F and d % F split dim d into blocks of F" },
    { "accumulate", 1, 1, "(var)", prim_accumulate,
      "accumulate(v): per iteration of loop v, the points the loops inside update live in a local tile, "
      "written back once" },
    { "rfactor", 2, 2, "(reduction var, new stage)", prim_rfactor,
      "rfactor(r, F): a new stage F computes partial reductions indexed by r; this stage then reduces F over r" },
};
#define NPRIMS ((int)(sizeof prims / sizeof prims[0]))

const SchedPrimDef *sched_primitives(int *n)
{
    *n = NPRIMS;
    return prims;
}

static bool apply(Sb *s, const SchedPrim *p)
{
    s->p = p;
    SStage *st = stage_named(s->fs, p->stage);
    if (!st) {
        const Tensor *t = tensor_named(s->fn, p->stage);
        if (t && t->kind == TK_PARAM)
            diag_error(s->d, p->stage_span,
                       "'%s' is a parameter of '%s', not a stage; only computed tensors have loops", p->stage,
                       s->fn->name);
        else if (t && t->def && t->def->kind == ST_CALL)
            diag_error(s->d, p->stage_span, "'%s' is computed by a call to '%s'; schedule '%s' instead", p->stage,
                       t->def->callee, t->def->callee);
        else if (t)
            diag_error(s->d, p->stage_span, "'%s' is never used, so it is not computed and has no loops to schedule",
                       p->stage);
        else diag_error(s->d, p->stage_span, "'%s' is not a stage of '%s'", p->stage, s->fn->name);
        return false;
    }
    if (st->place == PLACE_INLINE) {
        diag_error(s->d, p->span, "'%s' is inlined: it has no loops of its own to schedule", st->name);
        return false;
    }
    st->touched = true;
    const SchedPrimDef *def = NULL;
    for (int i = 0; i < NPRIMS; i++)
        if (!strcmp(p->prim, prims[i].name)) def = &prims[i];
    if (!def) {
        char list[256];
        size_t len = 0;
        for (int i = 0; i < NPRIMS; i++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", prims[i].name);
        diag_error(s->d, p->span, "unknown schedule primitive '%s' (%s)", p->prim, list);
        return false;
    }
    for (int i = 0; def->apply != prim_pack && i < p->nargs; i++)
        if (p->args[i].part) {
            diag_error(s->d, p->args[i].span, "%s: 'd %c F' is a pack layout dim, not an argument of %s", p->prim,
                       p->args[i].part, p->prim);
            return false;
        }
    return want_args(s, def->min_args, def->max_args, def->args) && def->apply(s, st);
}

/* ---- whole-schedule rules ---- */

/* sched_reads, leaving out the subexpression skip (NULL: none). */
static bool reads_but(const FnSched *fs, const Expr *e, const Expr *skip, const Tensor *t, int how)
{
    if (e == skip) return false;
    if (e->kind == EX_ACCESS) {
        if (e->tensor == t && how != SCHED_READS_INLINED_ONLY) return true;
        SStage *u = e->tensor ? sched_stage_of(fs, e->tensor) : NULL;
        if (how != SCHED_READS_DIRECT && u && u->place == PLACE_INLINE && sched_reads(fs, u->value, t, SCHED_READS_ANY))
            return true;
    }
    for (int i = 0; i < e->nargs; i++)
        if (reads_but(fs, e->args[i], skip, t, how)) return true;
    return false;
}

bool sched_reads(const FnSched *fs, const Expr *e, const Tensor *t, int how) { return reads_but(fs, e, NULL, t, how); }

static bool reads(const FnSched *fs, const Expr *e, const Tensor *t) { return sched_reads(fs, e, t, SCHED_READS_ANY); }

/* Whether the rest of c's value, outside its nested reduction, reads t. */
static bool epilogue_reads(const FnSched *fs, const SStage *c, const Tensor *t)
{
    return c->reduce && c->reduce != c->value && reads_but(fs, c->value, c->reduce, t, SCHED_READS_ANY);
}

/* Whether stage c (not inlined) consumes tensor t. */
static bool consumes(const FnSched *fs, const SStage *c, const Tensor *t)
{
    if (c->rf) return epilogue_reads(fs, c, t);     /* its reduction reads through its rfactor stage */
    return reads(fs, c->value, t);
}

/* The rest of a value around a nested reduction is computed after the
 * reduction loops, so what it reads cannot live inside one of them. */
static bool check_epilogue_at(Sb *s, SStage *st)
{
    if (st->place != PLACE_AT || !st->t || !st->at->vars[st->at_var].is_r || !epilogue_reads(s->fs, st->at, st->t))
        return true;
    diag_error(s->d, st->place_span,
               "cannot compute '%s' at loop '%s' of '%s': '%s' reads it after its reduction over '%s' is done; "
               "compute it at a loop outside the reduction",
               st->name, st->at->vars[st->at_var].name, st->at->name, st->at->name, st->at->vars[st->at_var].name);
    return false;
}

static bool read_by_call(const Fn *f, const Tensor *t)
{
    for (int i = 0; i < f->nstmts; i++) {
        Stage *s = f->stmts[i];
        if (s->kind != ST_CALL) continue;
        for (int k = 0; k < s->nargs; k++)
            if (s->args[k]->tensor == t && s->args[k]->ref == REF_NONE) return true;
    }
    return false;
}

/* True if loop v of st, or a loop enclosing it (through st's own placement), is vectorized. */
static bool in_vector(const SStage *st, int v)
{
    for (int i = 0; i < st->norder; i++) {
        if (st->vars[st->order[i]].kind == LOOP_VECTOR) return true;
        if (st->order[i] == v) break;
    }
    return st->place == PLACE_AT && in_vector(st->at, st->at_var);
}

static const char *placement_what(const SStage *st)
{
    return st->place == PLACE_AT ? "compute it inside another stage's loops" : "inline it";
}

/* A result is computed whole. */
static bool check_not_result(Sb *s, SStage *st)
{
    if (!st->t || st->t->kind != TK_RESULT) return true;
    diag_error(s->d, st->place_span, "cannot %s: '%s' is a result of '%s' and is computed whole", placement_what(st),
               st->name, s->fn->name);
    return false;
}

/* An rfactor stage is read only by its parent, and is computed outside the
 * parent's reduction loops. */
static bool check_rfactor_at(Sb *s, SStage *st)
{
    Diag *d = s->d;
    if (st->place == PLACE_INLINE) {
        diag_error(d, st->place_span, "cannot inline the rfactor stage '%s'", st->name);
        return false;
    }
    if (st->at != st->rf_of) {
        diag_error(d, st->place_span, "'%s' is read only by '%s', so it can only be computed at a loop of '%s'",
                   st->name, st->rf_of->name, st->rf_of->name);
        return false;
    }
    int pos = -1, first_r = st->at->norder;
    for (int i = st->at->norder - 1; i >= 0; i--) {
        if (st->at->order[i] == st->at_var) pos = i;
        if (st->at->vars[st->at->order[i]].is_r) first_r = i;
    }
    if (pos >= first_r) {
        diag_error(d, st->place_span,
                   "cannot compute '%s' at loop '%s' of '%s': it is at or inside '%s', the loop over which '%s' "
                   "reduces '%s', so all of '%s' would be recomputed on every iteration; compute it outside '%s'",
                   st->name, st->at->vars[st->at_var].name, st->at->name, st->at->vars[st->at->order[first_r]].name,
                   st->at->name, st->name, st->name, st->at->vars[st->at->order[first_r]].name);
        return false;
    }
    return true;
}

/* An inlined stage has no loops of its own to schedule. */
static bool check_inline(Sb *s, SStage *st)
{
    if (st->touched && st->norder && (st->nvars > st->norder || st->npacks)) {
        diag_error(s->d, st->place_span, "cannot inline '%s': it has loop primitives of its own", st->name);
        return false;
    }
    return true;
}

static bool check_at_not_inlined(Sb *s, SStage *st)
{
    if (st->at->place != PLACE_INLINE) return true;
    diag_error(s->d, st->place_span, "cannot compute '%s' at a loop of '%s': '%s' is inlined", st->name, st->at->name,
               st->at->name);
    return false;
}

/* The consumers of a stage computed at a loop: the stage it is computed at,
 * and later stages computed at the same loop; it must be read by the first. */
static bool check_consumers(Sb *s, SStage *st)
{
    Diag *d = s->d;
    bool read = false;
    for (int pass = 0; pass < 2; pass++) {
        bool after = false;
        for (int i = 0; i < s->fs->nstages; i++) {
            SStage *c = s->fs->stages[i];
            if (c == st) after = true;
            if (c->place == PLACE_INLINE || !consumes(s->fs, c, st->t)) continue;
            const SStage *h = sched_home(c);
            bool sibling = h->place == PLACE_AT && h->at == st->at && h->at_var == st->at_var && after;
            if (c == st->at || sibling) read = true;
            else if (pass == 1) {
                diag_error(d, st->place_span,
                           "cannot compute '%s' at loop '%s' of '%s': '%s' reads it too, outside that loop%s", st->name,
                           st->at->vars[st->at_var].name, st->at->name, c->name,
                           c->place == PLACE_AT ? "" : " (compute it at the same loop, after it, to share it)");
                return false;
            }
        }
        if (pass == 0 && !read) {
            diag_error(d, st->place_span, "cannot compute '%s' at a loop of '%s': '%s' does not read it%s", st->name,
                       st->at->name, st->at->name, st->at->rf ? " (its reduction moved to its rfactor stage)" : "");
            return false;
        }
    }
    return true;
}

/* The loop a stage is computed at still exists, is not inside the stage
 * itself, and is not (inside) a vectorized loop. */
static bool check_at_loop(Sb *s, SStage *st)
{
    Diag *d = s->d;
    if (!check_at_not_inlined(s, st)) return false;
    if (!st->at->vars[st->at_var].live) {
        diag_error(d, st->place_span, "loop '%s' of '%s' was %s after this compute_at", st->at->vars[st->at_var].name,
                   st->at->name, st->at->vars[st->at_var].gone);
        return false;
    }
    for (SStage *c = st->at; c; c = c->place == PLACE_AT ? c->at : NULL)
        if (c == st) {
            diag_error(d, st->place_span, "cannot compute '%s' at a loop of '%s': '%s' is computed inside '%s'",
                       st->name, st->at->name, st->at->name, st->name);
            return false;
        }
    if (in_vector(st->at, st->at_var)) {
        diag_error(d, st->place_span,
                   "cannot compute '%s' at loop '%s' of '%s': that loop is, or runs inside, a vectorized loop",
                   st->name, st->at->vars[st->at_var].name, st->at->name);
        return false;
    }
    return true;
}

static bool check_placement(Sb *s, SStage *st)
{
    if (st->place == PLACE_ROOT) return true;
    if (!check_not_result(s, st)) return false;
    if (!st->t) {
        if (!check_rfactor_at(s, st)) return false;
    } else {
        if (read_by_call(s->fn, st->t)) {
            diag_error(s->d, st->place_span, "cannot %s: '%s' is passed whole to a call", placement_what(st), st->name);
            return false;
        }
        if (st->place == PLACE_INLINE) return check_inline(s, st);
        if (!check_at_not_inlined(s, st) || !check_consumers(s, st)) return false;
    }
    return check_at_loop(s, st);
}

/* accumulate(v): v still a loop, its tile outside every vector loop (one
 * buffer per iteration of v, copied in and out by scalar loops). */
static bool check_accumulate(Sb *s, SStage *st)
{
    if (st->acc_var < 0) return true;
    const SVar *x = &st->vars[st->acc_var];
    if (!x->live) {
        diag_error(s->d, st->acc_span, "loop '%s' of '%s' was %s after this accumulate", x->name, st->name, x->gone);
        return false;
    }
    if (in_vector(st, st->acc_var)) {
        diag_error(s->d, st->acc_span,
                   "cannot accumulate '%s' at or inside a vectorized loop: its tile would be "
                   "copied lane by lane; accumulate at a loop outside the vector loop",
                   st->name);
        return false;
    }
    return true;
}

static bool check_packs(Sb *s, SStage *st)
{
    for (int i = 0; i < st->npacks; i++) {
        SPack *p = &st->packs[i];
        SStage *x = sched_stage_of(s->fs, p->src);
        if (p->at >= 0 && !st->vars[p->at].live) {
            diag_error(s->d, p->span, "loop '%s' of '%s' was %s after this pack", st->vars[p->at].name, st->name,
                       st->vars[p->at].gone);
            return false;
        }
        if (st->rf) {
            diag_error(s->d, p->span, "'%s' now only reduces its rfactor stage '%s'; pack '%s' there: %s.pack(%s, ...)",
                       st->name, st->rf->name, p->src->name, st->rf->name, p->src->name);
            return false;
        }
        if (!sched_reads(s->fs, st->value, p->src, SCHED_READS_DIRECT) &&
            sched_reads(s->fs, st->value, p->src, SCHED_READS_INLINED_ONLY)) {
            diag_error(s->d, p->span,
                       "'%s' reads '%s' only inside an inlined stage, where a pack does not reach; pack it in a stage "
                       "that reads it itself",
                       st->name, p->src->name);
            return false;
        }
        if (!sched_reads(s->fs, st->value, p->src, SCHED_READS_DIRECT)) {
            diag_error(s->d, p->span, "'%s' does not read '%s', so there is nothing to pack", st->name, p->src->name);
            return false;
        }
        if (st->reduce && st->reduce != st->value && !sched_reads(s->fs, st->reduce, p->src, SCHED_READS_DIRECT)) {
            diag_error(s->d, p->span,
                       "'%s' reads '%s' only after its reduction, where a pack does not reach; "
                       "pack what the reduction reads",
                       st->name, p->src->name);
            return false;
        }
        if (x && x->place != PLACE_ROOT) {
            diag_error(s->d, p->span, "cannot pack '%s': it is %s", p->src->name,
                       x->place == PLACE_INLINE ? "inlined" : "computed inside another stage's loops");
            return false;
        }
        if (p->at >= 0 && in_vector(st, p->at)) {
            diag_error(s->d, p->span, "cannot pack '%s' at or inside a vectorized loop", p->src->name);
            return false;
        }
    }
    return true;
}

FnSched *sched_build(Arena *a, Fn *fn, Schedule **blocks, int nblocks, int limit, Diag *d)
{
    FnSched *fs = ARENA_NEW(a, FnSched);
    fs->fn = fn;
    fs->stages = ARENA_ARRAY(a, SStage *, fn->nstmts + 1);
    Sb s = { a, d, fn, fs, NULL };
    for (int i = 0; i < fn->nstmts; i++) {
        Stage *st = fn->stmts[i];
        if (st->kind == ST_STAGE && st->tensor->order >= 0) fs->stages[fs->nstages++] = new_stage(&s, st);
    }
    int applied = 0;
    bool ok = true;
    for (int b = 0; b < nblocks && ok; b++)
        for (int i = 0; i < blocks[b]->nprims && ok && (limit < 0 || applied < limit); i++, applied++)
            ok = apply(&s, blocks[b]->prims[i]);
    for (int i = 0; i < fs->nstages && ok; i++)
        ok = check_placement(&s, fs->stages[i]) && check_epilogue_at(&s, fs->stages[i]) &&
             check_accumulate(&s, fs->stages[i]) && check_packs(&s, fs->stages[i]);
    return ok ? fs : NULL;
}
