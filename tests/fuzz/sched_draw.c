/* sched_draw.c - draws random schedules (docs/schedules.md) as text. A model of
 * each stage's loop nest (names, reduction or pure, constant extents, split
 * tails, vector/parallel marks) is updated as primitives are drawn, so legal
 * draws stay legal by the documented rules; an illegal draw breaks exactly one
 * rule, named in SchedDraw.kind. Loop transforms come first, then placements
 * (compute_at, compute_root, pack) over the final loop names. */
#include "draw.h"
#include "lang/affine.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned sched_without;

unsigned sched_without_bit(const char *name)
{
    static const char *names[] = { "split",     "tile",   "fuse",     "reorder",    "parallel",
                                   "vectorize", "unroll", "rfactor",  "compute_at", "compute_root",
                                   "inline",    "pack",   "tailfuse", "accumulate" };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i])) return 1u << i;
    return 0;
}

void str_printf(Str *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, (size_t)b->cap);
        if (!b->s) abort();
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)(n + 1), fmt, ap);
    va_end(ap);
    b->len += n;
}

void str_free(Str *b)
{
    free(b->s);
    *b = (Str){ 0 };
}

/* ---- names ---- */

static bool name_used(const Model *m, const char *s)
{
    for (int i = 0; i < m->nused; i++)
        if (!strcmp(m->used[i], s)) return true;
    return false;
}

static void use_name(Model *m, const char *s)
{
    if (m->nused < MAXN && !name_used(m, s)) snprintf(m->used[m->nused++], NL, "%s", s);
}

/* A name no identifier of the program uses: base, else base2, base3, ... */
const char *draw_fresh(Model *m, const char *base, char *out)
{
    char b[NL];
    snprintf(b, sizeof b, "%.*s", NL - 8, base);
    snprintf(out, NL, "%s", b);
    for (int k = 2; name_used(m, out); k++) snprintf(out, NL, "%.*s%d", NL - 12, b, k);
    use_name(m, out);
    return out;
}

void draw_prim(Model *m, const char *stage, const char *fmt, ...)
{
    if (m->np >= MAXP) return;
    Prim *p = &m->prims[m->np++];
    snprintf(p->stage, NL, "%s", stage);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
}

/* ---- the model from the AST ---- */

/* Records what stage s reads; red is its own reduction (reads inside it are
 * in_red, others in_rest). */
static void walk_expr(SStage *s, const Expr *e, const Expr *red, bool inside, bool top)
{
    if (!e) return;
    if (e->kind == EX_REDUCE && !top) s->nested_red = true;
    inside |= e == red;
    if (e->kind == EX_ACCESS && e->tensor && !e->tensor->is_scalar) {
        Read *r = NULL;
        for (int i = 0; i < s->nreads; i++)
            if (!strcmp(s->reads[i].name, e->tensor->name)) r = &s->reads[i];
        if (!r && s->nreads < MAXR) {
            r = &s->reads[s->nreads++];
            snprintf(r->name, NL, "%s", e->tensor->name);
            r->rank = e->nargs;
            r->stage = -1;
        }
        if (r && inside) r->in_red = true;
        if (r && !inside) r->in_rest = true;
    }
    for (int i = 0; i < e->nargs; i++) walk_expr(s, e->args[i], red, inside, false);
}

/* The reduction whose loops a stage schedules (docs/schedules.md): its value,
 * or the only reduction in it when that one is outside every select arm. */
static int count_red(const Expr *e, bool arm, const Expr **last)
{
    int n = e->kind == EX_REDUCE;
    if (n) *last = arm ? NULL : e;
    for (int i = 0; i < e->nargs; i++) n += count_red(e->args[i], arm || (e->kind == EX_SELECT && i > 0), last);
    return n;
}

static const Expr *own_reduction(const Expr *v)
{
    const Expr *r = NULL;
    return v && count_red(v, false, &r) == 1 ? r : NULL;
}

static int64_t const_of(const struct Affine *a) { return a && aff_is_const(a) ? a->c : -1; }

static int stage_index(const Model *m, const char *name)
{
    for (int i = 0; i < m->ns; i++)
        if (!strcmp(m->st[i].name, name)) return i;
    return -1;
}

static void add_consumer(SStage *p, int c)
{
    for (int i = 0; i < p->ncons; i++)
        if (p->cons[i] == c) return;
    if (p->ncons < 8) p->cons[p->ncons++] = c;
}

static void model_init(Model *m, const Program *prog, const Fn *f, Rng *r)
{
    memset(m, 0, sizeof *m);
    m->prog = prog;
    m->fn = f;
    m->r = r;
    for (int i = 0; i < prog->nfns; i++) use_name(m, prog->fns[i]->name);
    for (int i = 0; i < f->nsizevars; i++) use_name(m, f->sizevars[i].name);
    for (int i = 0; i < f->nparams; i++) use_name(m, f->params[i]->name);
    for (int i = 0; i < f->nresults; i++) use_name(m, f->results[i]->name);
    for (int i = 0; i < f->nlocals; i++) use_name(m, f->locals[i]->name);
    for (int i = 0; i < f->nstmts && m->ns < MAXS; i++) {
        const Stage *s = f->stmts[i];
        if (s->kind == ST_CALL) {
            for (int k = 0; k < s->ntargets && m->ncall_outs < 16; k++) m->call_outs[m->ncall_outs++] = s->targets[k];
            continue;
        }
        if (s->kind != ST_STAGE || !s->tensor) continue;
        SStage *t = &m->st[m->ns++];
        snprintf(t->name, NL, "%s", s->target);
        t->pos = 2 * i + 2;
        t->rank = s->nvars;
        t->is_result = s->tensor->kind == TK_RESULT;
        for (int k = 0; k < s->nvars && t->n < MAXL; k++) {
            Loop *l = &t->loops[t->n++];
            snprintf(l->name, NL, "%s", s->vars[k]);
            l->ext = s->tensor->extent && k < s->tensor->ndim ? const_of(s->tensor->extent[k]) : -1;
            use_name(m, s->vars[k]);
        }
        const Expr *v = own_reduction(s->value);
        if (v) {
            t->has_red = true;
            t->order_matters = dtype_is_float(v->type);     /* max/min too: NaN and -0 */
            for (int k = 0; k < v->nrvars && t->n < MAXL; k++) {
                Loop *l = &t->loops[t->n++];
                snprintf(l->name, NL, "%s", v->rvars[k]->name);
                l->red = true;
                l->ext = const_of(v->rvars[k]->extent);
                l->key[0] = (char)('a' + k);
                use_name(m, v->rvars[k]->name);
            }
        }
        walk_expr(t, s->value, v, false, true);
    }
    /* names of every other rvar and index var (nested reductions, calls) */
    for (int i = 0; i < m->ns; i++) {
        SStage *t = &m->st[i];
        for (int k = 0; k < t->nreads; k++) t->reads[k].stage = stage_index(m, t->reads[k].name);
    }
    for (int i = 0; i < m->ns; i++)
        for (int k = 0; k < m->st[i].nreads; k++)
            if (m->st[i].reads[k].stage >= 0) add_consumer(&m->st[m->st[i].reads[k].stage], i);
    for (int i = 0; i < f->nstmts; i++) {
        const Stage *s = f->stmts[i];
        if (s->kind != ST_CALL) continue;
        for (int k = 0; k < s->nargs; k++)
            if (s->args[k]->kind == EX_NAME) {
                int j = stage_index(m, s->args[k]->name);
                if (j >= 0) m->st[j].call_cons = true;
            }
    }
}

/* ---- helpers over a stage's loops ---- */

static int find_loop(const SStage *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->loops[i].name, name)) return i;
    return -1;
}

static bool has_vec(const SStage *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->loops[i].vec) return true;
    return false;
}

static bool has_marks(const SStage *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->loops[i].vec || s->loops[i].par || s->loops[i].unr) return true;
    return false;
}

/* index of the first vectorized loop, or n */
int draw_first_vec(const SStage *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->loops[i].vec) return i;
    return s->n;
}

/* a random loop matching want (L_PURE, ...), or -1 */
int draw_pick_loop(Model *m, const SStage *s, int want)
{
    int cand[MAXL], n = 0, fv = draw_first_vec(s);
    for (int i = 0; i < s->n; i++) {
        const Loop *l = &s->loops[i];
        if ((want & L_PURE) && l->red) continue;
        if ((want & L_RED) && !l->red) continue;
        if ((want & L_FREE) && (l->vec || l->par || l->unr)) continue;
        if ((want & L_OUTVEC) && i >= fv) continue;
        cand[n++] = i;
    }
    return n ? cand[rng_int(m->r, n)] : -1;
}

static void insert_loop(SStage *s, int at, Loop l)
{
    if (s->n >= MAXL) return;
    memmove(&s->loops[at + 1], &s->loops[at], sizeof(Loop) * (size_t)(s->n - at));
    s->loops[at] = l;
    s->n++;
}

static void remove_loop(SStage *s, int at, bool gone)
{
    if (gone && s->ngone < MAXL) memcpy(s->gone[s->ngone++], s->loops[at].name, NL);
    memmove(&s->loops[at], &s->loops[at + 1], sizeof(Loop) * (size_t)(s->n - at - 1));
    s->n--;
}

static int draw_factor(Model *m)
{
    static const int f[] = { 1, 2, 3, 4, 4, 5, 7, 8, 8, 16, 16, 32, 64, 3, 6 };
    return f[rng_int(m->r, (int)(sizeof f / sizeof f[0]))];
}

static int draw_width(Model *m)
{
    static const int w[] = { 1, 2, 3, 4, 4, 8, 8, 8, 16, 16, 32, 64, 5 };
    return w[rng_int(m->r, (int)(sizeof w / sizeof w[0]))];
}

/* splits loop i into outer o and inner in (names already chosen; o may be the
 * loop's own name, as vectorize(v, w) keeps it); the new loops are unmarked */
static void do_split(SStage *s, int i, const char *o, const char *in, int f)
{
    Loop l = s->loops[i];
    Loop lo = l, li = l;
    s->reshaped = true;
    snprintf(lo.name, NL, "%s", o);
    snprintf(li.name, NL, "%s", in);
    lo.ext = l.ext >= 0 ? (l.ext + f - 1) / f : -1;
    li.ext = f;
    li.tail = l.ext < 0 || l.ext % f != 0 || l.tail;
    lo.vec = lo.par = lo.unr = li.vec = li.par = li.unr = false;
    size_t kl = strlen(l.key);
    if (kl + 1 < sizeof l.key) lo.key[kl] = '0', li.key[kl] = '1', lo.key[kl + 1] = li.key[kl + 1] = 0;
    remove_loop(s, i, strcmp(l.name, o) != 0);
    insert_loop(s, i, li);
    insert_loop(s, i, lo);
}

/* A float reduction visits its reduction loops in the unscheduled order. */
static bool red_ordered(const SStage *s)
{
    if (!s->order_matters) return true;
    const char *prev = NULL;
    for (int i = 0; i < s->n; i++) {
        if (!s->loops[i].red) continue;
        if (prev && strcmp(prev, s->loops[i].key) > 0) return false;
        prev = s->loops[i].key;
    }
    return true;
}

static void apply_reorder(SStage *s, const int *names, int n)
{
    int pos[MAXL];
    Loop tmp[MAXL];
    for (int k = 0; k < n; k++) {
        pos[k] = names[k];
        tmp[k] = s->loops[names[k]];
    }
    /* positions ascending, filled with the named loops in the given order */
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
            if (pos[b] < pos[a]) {
                int t = pos[a];
                pos[a] = pos[b];
                pos[b] = t;
            }
    for (int k = 0; k < n; k++) s->loops[pos[k]] = tmp[k];
}

static void reorder_text(const SStage *s, const int *names, int n, char *buf, size_t cap)
{
    size_t len = 0;
    len += (size_t)snprintf(buf + len, cap - len, "reorder(");
    for (int k = 0; k < n && len < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", s->loops[names[k]].name);
    if (len < cap) snprintf(buf + len, cap - len, ")");
}

/* ---- legal loop transforms ---- */

static bool p_split(Model *m, SStage *s)
{
    if (sched_without & W_SPLIT) return false;
    int i = draw_pick_loop(m, s, L_FREE);
    if (i < 0) return false;
    char o[NL], in[NL], b[NL];
    int f = draw_factor(m);
    snprintf(b, NL, "%.*so", NL - 8, s->loops[i].name);
    draw_fresh(m, b, o);
    snprintf(b, NL, "%.*si", NL - 8, s->loops[i].name);
    draw_fresh(m, b, in);
    draw_prim(m, s->name, "split(%s, %s, %s, %d)", s->loops[i].name, o, in, f);
    do_split(s, i, o, in, f);
    return true;
}

static bool p_tile(Model *m, SStage *s)
{
    if (sched_without & W_TILE) return false;
    int x = draw_pick_loop(m, s, L_FREE), y = draw_pick_loop(m, s, L_FREE);
    if (x < 0 || y < 0 || x == y) return false;
    if (s->loops[x].red && s->loops[y].red && s->order_matters) return false;
    char xn[NL], yn[NL], xo[NL], yo[NL], xi[NL], yi[NL], b[NL];
    snprintf(xn, NL, "%s", s->loops[x].name);
    snprintf(yn, NL, "%s", s->loops[y].name);
    snprintf(b, NL, "%.*so", NL - 8, xn), draw_fresh(m, b, xo);
    snprintf(b, NL, "%.*so", NL - 8, yn), draw_fresh(m, b, yo);
    snprintf(b, NL, "%.*si", NL - 8, xn), draw_fresh(m, b, xi);
    snprintf(b, NL, "%.*si", NL - 8, yn), draw_fresh(m, b, yi);
    int fx = draw_factor(m), fy = draw_factor(m);
    SStage *c = malloc(sizeof *c);
    if (!c) abort();
    *c = *s;
    do_split(c, find_loop(c, xn), xo, xi, fx);
    do_split(c, find_loop(c, yn), yo, yi, fy);
    int names[4] = { find_loop(c, xo), find_loop(c, yo), find_loop(c, xi), find_loop(c, yi) };
    apply_reorder(c, names, 4);
    bool ok = red_ordered(c);
    if (ok) {
        draw_prim(m, s->name, "tile(%s, %s, %s, %s, %s, %s, %d, %d)", xn, yn, xo, yo, xi, yi, fx, fy);
        *s = *c;
    }
    free(c);
    return ok;
}

static bool p_fuse(Model *m, SStage *s)
{
    if (sched_without & W_FUSE) return false;
    int cand[MAXL], n = 0;
    for (int i = 0; i + 1 < s->n; i++) {
        const Loop *a = &s->loops[i], *b = &s->loops[i + 1];
        if (a->red != b->red || a->vec || a->par || a->unr || b->vec || b->par || b->unr) continue;
        if (b->tail && (sched_without & W_TAILFUSE)) continue;
        cand[n++] = i;
    }
    if (!n) return false;
    int i = cand[rng_int(m->r, n)];
    Loop a = s->loops[i], b = s->loops[i + 1];
    char name[NL], base[NL];
    snprintf(base, NL, "%.*s%.*s", NL / 2 - 2, a.name, NL / 2 - 2, b.name);
    draw_fresh(m, base, name);
    draw_prim(m, s->name, "fuse(%s, %s, %s)", a.name, b.name, name);
    Loop f = a;
    snprintf(f.name, NL, "%s", name);
    f.ext = a.ext >= 0 && b.ext >= 0 ? a.ext * b.ext : -1;
    remove_loop(s, i + 1, true);
    remove_loop(s, i, true);
    s->reshaped = true;
    insert_loop(s, i, f);
    return true;
}

static bool p_reorder(Model *m, SStage *s)
{
    if (sched_without & W_REORDER) return false;
    int avail[MAXL], na = 0;
    for (int i = 0; i < s->n; i++)
        if (!s->loops[i].vec || rng_pct(m->r, 10)) avail[na++] = i;
    if (na < 2) return false;
    int k = 2 + rng_int(m->r, na - 1);
    /* a random k-subset in random order */
    for (int i = 0; i < na; i++) {
        int j = i + rng_int(m->r, na - i), t = avail[i];
        avail[i] = avail[j];
        avail[j] = t;
    }
    SStage *c = malloc(sizeof *c);
    if (!c) abort();
    *c = *s;
    apply_reorder(c, avail, k);
    if (!red_ordered(c)) {
        /* sort the reduction loops back into their places, and name every loop */
        for (int a = 0; a < c->n; a++)
            for (int b = a + 1; b < c->n; b++)
                if (c->loops[a].red && c->loops[b].red && strcmp(c->loops[a].key, c->loops[b].key) > 0) {
                    Loop t = c->loops[a];
                    c->loops[a] = c->loops[b];
                    c->loops[b] = t;
                }
        k = 0;
        for (int i = 0; i < c->n; i++) avail[k++] = find_loop(s, c->loops[i].name);
    }
    free(c);
    char buf[256];
    reorder_text(s, avail, k, buf, sizeof buf);
    draw_prim(m, s->name, "%s", buf);
    apply_reorder(s, avail, k);
    return true;
}

static bool p_parallel(Model *m, SStage *s)
{
    if (sched_without & W_PARALLEL) return false;
    int i = draw_pick_loop(m, s, L_PURE | L_FREE | L_OUTVEC);
    if (i < 0) return false;
    draw_prim(m, s->name, "parallel(%s)", s->loops[i].name);
    s->loops[i].par = true;
    return true;
}

/* the innermost pure unmarked loop (usually), else any */
static int pick_vec_loop(Model *m, SStage *s)
{
    if (rng_pct(m->r, 70))
        for (int i = s->n - 1; i >= 0; i--) {
            const Loop *l = &s->loops[i];
            if (!l->red && !l->vec && !l->par && !l->unr) return i;
        }
    return draw_pick_loop(m, s, L_PURE | L_FREE);
}

static bool p_vectorize(Model *m, SStage *s)
{
    if (sched_without & W_VECTORIZE) return false;
    if (has_vec(s)) return false;
    int i = pick_vec_loop(m, s);
    if (i < 0) return false;
    Loop *l = &s->loops[i];
    if (l->ext >= 1 && l->ext <= 64 && rng_pct(m->r, 40)) {
        draw_prim(m, s->name, "vectorize(%s)", l->name);
        l->vec = true;
        return true;
    }
    char in[NL];
    snprintf(in, NL, "%.*s_vi", NL - 8, l->name);
    if (name_used(m, in)) return false;
    use_name(m, in);
    int w = draw_width(m);
    draw_prim(m, s->name, "vectorize(%s, %d)", l->name, w);
    char keep[NL];
    snprintf(keep, NL, "%s", l->name);
    do_split(s, i, keep, in, w);
    s->loops[i + 1].vec = true;
    return true;
}

static bool p_unroll(Model *m, SStage *s)
{
    if (sched_without & W_UNROLL) return false;
    int i = draw_pick_loop(m, s, L_FREE);
    if (i < 0) return false;
    Loop *l = &s->loops[i];
    if (l->ext >= 1 && l->ext <= 16 && rng_pct(m->r, 40)) {
        draw_prim(m, s->name, "unroll(%s)", l->name);
        l->unr = true;
        return true;
    }
    char in[NL];
    snprintf(in, NL, "%.*s_ui", NL - 8, l->name);
    if (name_used(m, in)) return false;
    use_name(m, in);
    static const int fs[] = { 2, 3, 4, 8, 1, 5 };
    int f = fs[rng_int(m->r, 6)];
    draw_prim(m, s->name, "unroll(%s, %d)", l->name, f);
    char keep[NL];
    snprintf(keep, NL, "%s", l->name);
    do_split(s, i, keep, in, f);
    s->loops[i + 1].unr = true;
    return true;
}

static bool p_rfactor(Model *m, SStage *s)
{
    if (sched_without & W_RFACTOR) return false;
    if (!s->has_red || s->rf_done || s->rf_made || has_marks(s) || m->ns >= MAXS) return false;
    int i = draw_pick_loop(m, s, L_RED);
    if (i < 0) return false;
    char fname[NL], base[NL];
    snprintf(base, NL, "%.*s_rf", NL - 8, s->name);
    draw_fresh(m, base, fname);
    draw_prim(m, s->name, "rfactor(%s, %s)", s->loops[i].name, fname);
    m->reassoc = true;
    int si = (int)(s - m->st);
    SStage *f = &m->st[m->ns++];
    s = &m->st[si];
    *f = *s;
    snprintf(f->name, NL, "%s", fname);
    f->rank = s->rank + 1;
    f->is_result = false;
    f->rf_made = true;
    f->pos = s->pos - 1;
    f->ncons = 1;
    f->cons[0] = si;
    f->call_cons = false;
    f->ngone = 0;
    f->loops[i].red = false;
    f->has_red = false;
    for (int k = 0; k < f->n; k++) f->has_red |= f->loops[k].red;
    char rname[NL];
    snprintf(rname, NL, "%s", s->loops[i].name);
    for (int k = s->n - 1; k >= 0; k--)
        if (s->loops[k].red && strcmp(s->loops[k].name, rname)) remove_loop(s, k, false);
    /* the reduction (and what it reads) moved to f: this stage packs nothing
     * now, and the stages its reduction read are read by f; the rest of a
     * value around a nested reduction still reads what it read */
    int fi = (int)(f - m->st), n = 0;
    f->nreads = 0;
    for (int k = 0; k < s->nreads; k++) {
        if (s->reads[k].in_red) f->reads[f->nreads++] = s->reads[k];
        if (s->reads[k].in_rest) s->reads[n++] = s->reads[k];
    }
    s->nreads = n;
    for (int k = 0; k < f->nreads; k++) f->reads[k].in_rest = false;
    for (int k = 0; k < m->ns; k++) {
        SStage *p = &m->st[k];
        if (p == f) continue;
        bool by_s = false, by_f = false;
        for (int q = 0; q < s->nreads; q++) by_s |= !strcmp(s->reads[q].name, p->name);
        for (int q = 0; q < f->nreads; q++) by_f |= !strcmp(f->reads[q].name, p->name);
        int nc = 0;
        for (int c = 0; c < p->ncons; c++)
            if (p->cons[c] != si || by_s) p->cons[nc++] = p->cons[c];
        p->ncons = nc;
        if (by_f) add_consumer(p, fi);
    }
    s->rf_done = true;
    return true;
}

typedef bool (*PrimFn)(Model *, SStage *);

static void draw_transform(Model *m)
{
    static const struct {
        PrimFn fn;
        int w;
    } table[] = {
        { p_split, 25 },    { p_tile, 10 },      { p_fuse, 8 },   { p_reorder, 15 },
        { p_parallel, 12 }, { p_vectorize, 16 }, { p_unroll, 8 }, { p_rfactor, 6 },
    };
    for (int tries = 0; tries < 12; tries++) {
        int live[MAXS], n = 0;
        for (int i = 0; i < m->ns; i++)
            if (!m->st[i].inlined) live[n++] = i;
        if (!n) return;
        SStage *s = &m->st[live[rng_int(m->r, n)]];
        int total = 0, k = 0;
        for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) total += table[t].w;
        int x = rng_int(m->r, total);
        while (x >= table[k].w) x -= table[k++].w;
        if (table[k].fn(m, s)) return;
    }
}

/* ---- placements ---- */

/* a reduction stage too: each read recomputes it in the same order */
static bool can_inline(const SStage *s) { return !s->is_result && !s->rf_made && s->ncons > 0 && !s->call_cons; }

static void shuffle(Model *m, int *a, int n)
{
    for (int i = 0; i < n; i++) {
        int j = i + rng_int(m->r, n - i), t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* ", d0, d1, ..." for pack: a permutation of the dims 0..rank-1, some split
 * into blocks (d / F in the dim's place, d % F anywhere); the length written */
static int draw_layout(Model *m, int rank, char *buf, size_t cap)
{
    static const int blocks[] = { 2, 3, 4, 8, 16 };
    int p[8], nd = rank < 8 ? rank : 8, n = 0, len = 0;
    char dims[16][16];
    for (int k = 0; k < nd; k++) p[k] = k;
    shuffle(m, p, nd);
    for (int k = 0; k < nd; k++) {
        if (!rng_pct(m->r, 35)) {
            snprintf(dims[n++], sizeof dims[0], "%d", p[k]);
            continue;
        }
        int f = blocks[rng_int(m->r, 5)];
        snprintf(dims[n++], sizeof dims[0], "%d / %d", p[k], f);
        int at = rng_pct(m->r, 70) ? n : rng_int(m->r, n + 1);     /* 0..n */
        for (int i = n; i > at; i--) memcpy(dims[i], dims[i - 1], sizeof dims[0]);
        snprintf(dims[at], sizeof dims[0], "%d %% %d", p[k], f);
        n++;
    }
    for (int i = 0; i < n && len < (int)cap; i++) len += snprintf(buf + len, cap - (size_t)len, ", %s", dims[i]);
    return len < (int)cap ? len : (int)cap - 1;
}


static bool in_set(const int *set, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (set[i] == x) return true;
    return false;
}

static bool reads_after(const SStage *t, const char *name)
{
    for (int i = 0; i < t->nreads; i++)
        if (!strcmp(t->reads[i].name, name) && t->reads[i].in_rest && t->has_red) return true;
    return false;
}

/* compute_at groups: a consumer T, one of its loops v outside any vector loop,
 * and producers computed there (in program order), each read only by T or by
 * stages of the group; then compute_root and pack */
static void draw_placements(Model *m)
{
    int order[MAXS];
    for (int i = 0; i < m->ns; i++) order[i] = i;
    shuffle(m, order, m->ns);
    for (int oi = 0; oi < m->ns; oi++) {
        SStage *t = &m->st[order[oi]];
        int fv = draw_first_vec(t), ti = order[oi];
        if (t->inlined || fv == 0 || !rng_pct(m->r, 45) || (sched_without & W_COMPUTE_AT)) continue;
        int v = rng_int(m->r, fv), first_red = t->n;
        for (int k = t->n - 1; k >= 0; k--)
            if (t->loops[k].red) first_red = k;
        int g[MAXS], ng = 0;
        for (int pass = 0; pass < 2; pass++)    /* the later stages first: producers join after their consumers */
            for (int si = m->ns - 1; si >= 0; si--) {
                SStage *s = &m->st[si];
                if (si == ti || in_set(g, ng, si) || s->inlined || s->is_result || s->call_cons || s->placed_at ||
                    !s->ncons)
                    continue;
                if (s->pos >= t->pos) continue;
                bool ok = true;
                for (int c = 0; c < s->ncons; c++) ok &= s->cons[c] == ti || in_set(g, ng, s->cons[c]);
                /* an rfactor stage goes where its parent goes, or at a loop of its
                 * parent outside the loop that reduces it */
                if (s->rf_made && (s->cons[0] != ti || v >= first_red)) ok = false;
                /* the rest of t's value, after its reduction loops, reads it */
                if (t->loops[v].red && reads_after(t, s->name)) ok = false;
                if (ok && rng_pct(m->r, 65)) g[ng++] = si;
            }
        /* program order */
        for (int a = 0; a < ng; a++)
            for (int b = a + 1; b < ng; b++)
                if (m->st[g[b]].pos < m->st[g[a]].pos) {
                    int x = g[a];
                    g[a] = g[b];
                    g[b] = x;
                }
        for (int k = 0; k < ng; k++) {
            draw_prim(m, m->st[g[k]].name, "compute_at(%s, %s)", t->name, t->loops[v].name);
            m->st[g[k]].placed_at = true;
        }
    }
    for (int oi = 0; oi < m->ns; oi++) {
        SStage *s = &m->st[order[oi]];
        if (!s->inlined && !s->placed_at && rng_pct(m->r, 10) && !(sched_without & W_COMPUTE_ROOT))
            draw_prim(m, s->name, "compute_root()");
    }
    /* accumulate: a reduction stage, at a loop outside its vector loops */
    for (int oi = 0; oi < m->ns; oi++) {
        SStage *s = &m->st[order[oi]];
        int fv = draw_first_vec(s);
        if (s->inlined || !s->has_red || fv == 0 || !rng_pct(m->r, 30) || (sched_without & W_ACCUMULATE)) continue;
        draw_prim(m, s->name, "accumulate(%s)", s->loops[rng_int(m->r, fv)].name);
    }
    /* pack: a tensor this stage reads that is a parameter or a stage computed at root */
    for (int oi = 0; oi < m->ns; oi++) {
        SStage *s = &m->st[order[oi]];
        if (s->inlined || s->rf_done || !s->nreads || !rng_pct(m->r, 22) || (sched_without & W_PACK)) continue;
        const Read *rd = &s->reads[rng_int(m->r, s->nreads)];
        if (s->has_red && !rd->in_red) continue;    /* packs serve the reduction */
        if (rd->stage >= 0 && (m->st[rd->stage].inlined || m->st[rd->stage].placed_at)) continue;
        int fv = draw_first_vec(s);
        char buf[200];
        int len = snprintf(buf, sizeof buf, "pack(%s", rd->name);
        if (fv > 0 && rng_pct(m->r, 75))
            len += snprintf(buf + len, sizeof buf - (size_t)len, ", %s", s->loops[rng_int(m->r, fv)].name);
        if (rng_pct(m->r, 60)) len += draw_layout(m, rd->rank, buf + len, sizeof buf - (size_t)len);
        snprintf(buf + len, sizeof buf - (size_t)len, ")");
        draw_prim(m, s->name, "%s", buf);
        s->reshaped = true;
    }
}

/* ---- the text ---- */

static void emit_text(const Model *m, const char *fn, Str *out)
{
    str_printf(out, "schedule %s {\n", fn);
    for (int i = 0; i < m->np; i++) {
        bool cont = i > 0 && !strcmp(m->prims[i].stage, m->prims[i - 1].stage);
        if (cont) str_printf(out, "\n        .%s", m->prims[i].text);
        else str_printf(out, "%s    %s.%s", i ? "\n" : "", m->prims[i].stage, m->prims[i].text);
    }
    str_printf(out, "%s}\n", m->np ? "\n" : "");
}

static int count_stages(const Fn *f)
{
    int n = 0;
    for (int i = 0; i < f->nstmts; i++) n += f->stmts[i]->kind == ST_STAGE;
    return n;
}

/* f, or (when f has no stages, or by chance) a fn it calls that has some */
static const Fn *pick_target(const Fn *f, Rng *r, int depth)
{
    const Fn *callees[32];
    int n = 0;
    for (int i = 0; i < f->nstmts && n < 32; i++)
        if (f->stmts[i]->kind == ST_CALL && f->stmts[i]->fn) callees[n++] = f->stmts[i]->fn;
    if (!n || depth > 4) return f;
    if (count_stages(f) && rng_pct(r, 80)) return f;
    return pick_target(callees[rng_int(r, n)], r, depth + 1);
}

void sched_draw(const Program *prog, const Fn *f, Rng *r, bool illegal, SchedDraw *out)
{
    memset(out, 0, sizeof *out);
    const Fn *target = pick_target(f, r, 0);
    Model *m = calloc(1, sizeof *m);
    if (!m) abort();
    model_init(m, prog, target, r);

    for (int i = 0; i < m->ns; i++)
        if (can_inline(&m->st[i]) && rng_pct(r, 20) && !(sched_without & W_INLINE)) {
            draw_prim(m, m->st[i].name, "inline()");
            m->st[i].inlined = true;
        }
    int n1 = rng_int(r, 7) + (rng_pct(r, 15) ? rng_int(r, 6) : 0);
    int bad_at = illegal ? rng_int(r, n1 + 2) : -1;
    for (int i = 0; i <= n1 + 1; i++) {
        if (i == bad_at) {
            for (int tries = 0; tries < 60 && !out->kind; tries++) out->kind = sched_bad(m, rng_int(r, NBAD));
            if (!out->kind) out->kind = sched_bad(m, 0);
        }
        if (i < n1) draw_transform(m);
        else if (i == n1) draw_placements(m);
    }
    out->illegal = illegal;
    out->reassoc = m->reassoc;
    out->nprims = m->np;
    emit_text(m, target->name, &out->text);
    if (m->extra_block) str_printf(&out->text, "schedule nosuch_fn {\n}\n");
    free(m);
}
