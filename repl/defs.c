/* defs.c - definitions: each fn name maps to the unit (file or typed block)
 * its definition comes from and the unit whose schedule blocks apply. Any
 * change rebuilds the whole program from those units (parse, check, lower:
 * milliseconds), so callers always check against their callees' current
 * definitions; a change that fails leaves everything as it was. A callee's
 * new signature may break its callers: they are dropped, with their errors. */
#include "repl/repl_int.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Build {
    Arena a;
    Program prog;
    LFunc **lfns;
    int n;
} Build;

typedef struct LiveSet {
    Live *l;
    int n, cap;
} LiveSet;

static Live *live_find(const LiveSet *ls, const char *fn)
{
    for (int i = 0; i < ls->n; i++)
        if (!strcmp(ls->l[i].fn, fn)) return &ls->l[i];
    return NULL;
}

static Live *live_add(LiveSet *ls, const char *fn)
{
    Live *l = live_find(ls, fn);
    if (l) return l;
    ls->l = xgrow(ls->l, &ls->cap, ls->n + 1, sizeof *ls->l);
    ls->l[ls->n] = (Live){ xstrdup(fn), NULL, NULL };
    return &ls->l[ls->n++];
}

static void live_set(LiveSet *ls, const char *fn, Unit *def, Unit *sched)
{
    Live *l = live_add(ls, fn);
    l->def = def;
    l->sched = sched;
}

static void live_remove(LiveSet *ls, const char *fn)
{
    Live *l = live_find(ls, fn);
    if (!l) return;
    free(l->fn);
    *l = ls->l[--ls->n];
}

static LiveSet live_copy(const Live *l, int n)
{
    LiveSet c = { 0 };
    for (int i = 0; i < n; i++) live_set(&c, l[i].fn, l[i].def, l[i].sched);
    return c;
}

static void live_free(LiveSet *ls)
{
    for (int i = 0; i < ls->n; i++) free(ls->l[i].fn);
    free(ls->l);
    *ls = (LiveSet){ 0 };
}

/* ---- units ---- */

static Unit *unit_new(Session *s, const char *path, const char *text, int first_line)
{
    Unit *u = xcalloc(1, sizeof *u);
    u->id = ++s->next_unit;
    u->path = xstrdup(path);
    int pad = first_line > 1 ? first_line - 1 : 0;
    size_t n = strlen(text);
    u->text = xmalloc((size_t)pad + n + 1);
    memset(u->text, '\n', (size_t)pad);
    memcpy(u->text + pad, text, n + 1);
    u->src = (Source){ u->path, u->text };
    return u;
}

static void unit_free(Unit *u)
{
    free(u->path);
    free(u->text);
    free(u);
}

/* Frees the units no definition comes from any more (keeps the id order). */
static void units_prune(Session *s)
{
    int k = 0;
    for (int i = 0; i < s->nunits; i++) {
        Unit *u = s->units[i];
        bool used = false;
        for (int j = 0; j < s->nlive && !used; j++) used = s->live[j].def == u || s->live[j].sched == u;
        if (used) s->units[k++] = u;
        else unit_free(u);
    }
    s->nunits = k;
}

/* ---- building the program ---- */

static Fn *find_fn(Fn **fns, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(fns[i]->name, name)) return fns[i];
    return NULL;
}

/* Depth first over calls, so every callee precedes its callers (a cycle is
 * left for sema to report). */
static void order_visit(Fn **fns, int n, int *state, Fn *f, Fn **out, int *nout)
{
    int i = 0;
    while (fns[i] != f) i++;
    if (state[i]) return;
    state[i] = 1;
    for (int k = 0; k < f->nstmts; k++) {
        if (f->stmts[k]->kind != ST_CALL) continue;
        Fn *c = find_fn(fns, n, f->stmts[k]->callee);
        if (c && c != f) order_visit(fns, n, state, c, out, nout);
    }
    out[(*nout)++] = f;
}

static bool build(Session *s, const LiveSet *ls, Build *b, Diag *d)
{
    arena_init(&b->a);
    memset(&b->prog, 0, sizeof b->prog);
    b->lfns = NULL;
    b->n = 0;
    PtrVec fns = { 0 }, scheds = { 0 };
    for (int i = 0; i < s->nunits; i++) {
        Unit *u = s->units[i];
        bool used = false;
        for (int j = 0; j < ls->n && !used; j++) used = ls->l[j].def == u || ls->l[j].sched == u;
        if (!used) continue;
        Program up = { 0 };
        if (parse_source(&b->a, &u->src, &up, d)) return false;
        for (int k = 0; k < up.nfns; k++) {
            Live *l = live_find(ls, up.fns[k]->name);
            if (l && l->def == u) vec_push(&b->a, &fns, up.fns[k]);
        }
        for (int k = 0; k < up.nscheds; k++) {
            Live *l = live_find(ls, up.scheds[k]->fn);
            if (l && l->sched == u) vec_push(&b->a, &scheds, up.scheds[k]);
        }
    }
    int n = fns.len, nout = 0;
    Fn **order = ARENA_ARRAY(&b->a, Fn *, n + 1);
    int *state = ARENA_ARRAY(&b->a, int, n + 1);
    for (int i = 0; i < n; i++) order_visit((Fn **)fns.items, n, state, fns.items[i], order, &nout);
    b->prog.fns = order;
    b->prog.nfns = n;
    b->prog.scheds = (Schedule **)scheds.items;
    b->prog.nscheds = scheds.len;
    if (sema_check(&b->a, &b->prog, d)) return false;
    b->lfns = ARENA_ARRAY(&b->a, LFunc *, n + 1);
    for (int i = 0; i < n; i++) {
        b->lfns[i] = lower_fn_scheduled(&b->a, &b->prog, order[i], -1, b->lfns, i, d);
        if (!b->lfns[i]) return false;
    }
    b->n = n;
    return true;
}

/* Builds with diagnostics captured in *text (malloc'd). */
static bool build_quiet(Session *s, const LiveSet *ls, Build *b, char **text)
{
    size_t len = 0;
    FILE *f = open_memstream(text, &len);
    Diag d;
    diag_init(&d, f ? f : stderr);
    bool ok = build(s, ls, b, &d);
    if (f) fclose(f);
    else *text = xstrdup("");
    if (!ok) arena_free(&b->a);
    return ok;
}

/* ---- identity of compiled code ---- */

static void ident_rec(Session *s, const Fn *f, FILE *out)
{
    LiveSet ls = { s->live, s->nlive, s->nlive };
    Live *l = live_find(&ls, f->name);
    fprintf(out, "%s#%d/%d(", f->name, l && l->def ? l->def->id : 0, l && l->sched ? l->sched->id : 0);
    for (int k = 0; k < f->nstmts; k++)
        if (f->stmts[k]->kind == ST_CALL && f->stmts[k]->fn) ident_rec(s, f->stmts[k]->fn, out);
    fputc(')', out);
}

char *defs_ident(Session *s, const Fn *f, Arena *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out) return arena_strdup(a, "?");
    ident_rec(s, f, out);
    fclose(out);
    char *r = arena_strdup(a, buf);
    free(buf);
    return r;
}

LFunc *defs_find(Session *s, const char *name, int *index)
{
    for (int i = 0; i < s->nlfns; i++)
        if (!strcmp(s->prog.fns[i]->name, name)) {
            if (index) *index = i;
            return s->lfns[i];
        }
    return NULL;
}

static void accept(Session *s, LiveSet *cand, Build *b)
{
    LiveSet old = { s->live, s->nlive, s->nlive };
    live_free(&old);
    s->live = cand->l;
    s->nlive = cand->n;
    *cand = (LiveSet){ 0 };
    arena_free(&s->arena);
    s->arena = b->a;
    s->prog = b->prog;
    s->lfns = b->lfns;
    s->nlfns = b->n;
    units_prune(s);
    /* code for a fn whose definition, schedule or callees changed is stale */
    Arena a;
    arena_init(&a);
    for (int i = 0; i < s->ncomp; i++) {
        Compiled *c = s->comp[i];
        if (c->stale) continue;
        LFunc *lf = defs_find(s, c->name, NULL);
        if (!lf || strcmp(defs_ident(s, lf->fn, &a), c->ident)) {
            c->stale = true;
            comp_release(c);
        }
    }
    arena_free(&a);
    comp_sweep(s, false);
}

/* ---- messages ---- */

void defs_print_tensor(FILE *out, const Tensor *t)
{
    fprintf(out, "%s: %s", t->name, dtype_name(t->type));
    if (t->is_scalar) return;
    fputc('[', out);
    for (int k = 0; k < t->ndim; k++) {
        if (k) fputs(", ", out);
        ast_print_expr(out, t->dims[k].expr);
    }
    fputc(']', out);
}

void defs_print_signature(FILE *out, const Fn *f)
{
    fprintf(out, "%s(", f->name);
    for (int i = 0; i < f->nparams; i++) {
        if (i) fputs(", ", out);
        defs_print_tensor(out, f->params[i]);
    }
    fputs(") -> ", out);
    if (f->nresults != 1) fputc('(', out);
    for (int i = 0; i < f->nresults; i++) {
        if (i) fputs(", ", out);
        defs_print_tensor(out, f->results[i]);
    }
    if (f->nresults != 1) fputc(')', out);
}

static void print_changes(Session *s, const Program *p, const LiveSet *before, bool file, const char *path)
{
    if (file) {
        printf("loaded %s:", path);
        for (int i = 0; i < p->nfns; i++) printf("%s %s", i ? "," : "", p->fns[i]->name);
        if (!p->nfns) printf(" no fns");
        int k = 0;
        for (int i = 0; i < p->nscheds; i++) {
            bool dup = false;
            for (int j = 0; j < i; j++) dup |= !strcmp(p->scheds[j]->fn, p->scheds[i]->fn);
            if (!dup) printf("%s%s", k++ ? ", " : " (schedules: ", p->scheds[i]->fn);
        }
        printf("%s\n", k ? ")" : "");
        return;
    }
    for (int i = 0; i < p->nfns; i++) {
        const char *name = p->fns[i]->name;
        LFunc *lf = defs_find(s, name, NULL);
        Live *old = live_find(before, name);
        printf("%s ", old && old->def ? "redefined" : "defined");
        defs_print_signature(stdout, lf ? lf->fn : p->fns[i]);
        putchar('\n');
        bool rescheduled = false;
        for (int k = 0; k < p->nscheds; k++) rescheduled |= !strcmp(p->scheds[k]->fn, name);
        if (old && old->sched && !rescheduled)
            printf("note: the schedule of %s was dropped with its old definition\n", name);
    }
    for (int i = 0; i < p->nscheds; i++) {
        const char *name = p->scheds[i]->fn;
        bool dup = false, defined_here = false;
        for (int j = 0; j < i; j++) dup |= !strcmp(p->scheds[j]->fn, name);
        for (int j = 0; j < p->nfns; j++) defined_here |= !strcmp(p->fns[j]->name, name);
        if (dup || defined_here) continue;
        Live *old = live_find(before, name);
        printf("%s %s\n", old && old->sched ? "rescheduled" : "scheduled", name);
    }
}

/* ---- adding a unit ---- */

/* The fns of the current program that call (perhaps through others) a fn
 * named in p, in dependency order. */
static int dependents(Session *s, const Program *p, char **out)
{
    int n = 0;
    for (int i = 0; i < s->prog.nfns; i++) {
        Fn *f = s->prog.fns[i];
        if (find_fn(p->fns, p->nfns, f->name)) continue;
        bool dep = false;
        for (int k = 0; k < f->nstmts && !dep; k++) {
            if (f->stmts[k]->kind != ST_CALL) continue;
            const char *c = f->stmts[k]->callee;
            dep = find_fn(p->fns, p->nfns, c) != NULL;
            for (int j = 0; j < n && !dep; j++) dep = !strcmp(out[j], c);
        }
        if (dep) out[n++] = xstrdup(f->name);
    }
    return n;
}

/* A caller left out because it no longer checks, with its errors. */
typedef struct Dropped {
    char *fn, *errs;
} Dropped;

/* After *cand failed to build: builds without the fns calling those p
 * (re)defines, then adds each back, in dependency order, if it still checks.
 * On success *cand and *b hold the result and drop[] the callers left out;
 * otherwise *errs has the errors of the build without them. */
static bool build_without_callers(Session *s, const Program *p, LiveSet *cand, Build *b, char **errs, Dropped *drop,
                                  int *ndrop)
{
    char **dep = xcalloc((size_t)s->prog.nfns + 1, sizeof *dep);
    int ndep = dependents(s, p, dep);
    bool ok = false;
    if (ndep) {
        LiveSet trial = live_copy(cand->l, cand->n);
        for (int i = 0; i < ndep; i++) live_remove(&trial, dep[i]);
        free(*errs);
        *errs = NULL;
        ok = build_quiet(s, &trial, b, errs);
        for (int i = 0; i < ndep && ok; i++) {
            LiveSet more = live_copy(trial.l, trial.n);
            Live *o = live_find(cand, dep[i]);
            live_set(&more, dep[i], o->def, o->sched);
            Build b2;
            char *why = NULL;
            if (build_quiet(s, &more, &b2, &why)) {
                arena_free(&b->a);
                *b = b2;
                live_free(&trial);
                trial = more;
                free(why);
            } else {
                live_free(&more);
                drop[(*ndrop)++] = (Dropped){ xstrdup(dep[i]), why };
            }
        }
        live_free(cand);
        *cand = trial;
    }
    for (int i = 0; i < ndep; i++) free(dep[i]);
    free(dep);
    return ok;
}

static void units_push(Session *s, Unit *u)
{
    s->units = xgrow(s->units, &s->capunits, s->nunits + 1, sizeof *s->units);
    s->units[s->nunits++] = u;
}

int defs_add(Session *s, const char *path, const char *text, int first_line, bool file, Diag *d)
{
    Unit *u = unit_new(s, path, text, first_line);
    Arena a;
    arena_init(&a);
    Program p = { 0 };
    if (parse_source(&a, &u->src, &p, d)) {
        arena_free(&a);
        unit_free(u);
        return -1;
    }
    /* u's fns replace their old definitions (and schedules); its schedules replace theirs */
    LiveSet before = live_copy(s->live, s->nlive);
    LiveSet cand = live_copy(s->live, s->nlive);
    for (int i = 0; i < p.nfns; i++) live_set(&cand, p.fns[i]->name, u, NULL);
    for (int i = 0; i < p.nscheds; i++) live_add(&cand, p.scheds[i]->fn)->sched = u;
    units_push(s, u);
    Build b;
    char *errs = NULL;
    Dropped *drop = xcalloc((size_t)s->prog.nfns + 1, sizeof *drop);
    int ndrop = 0;
    bool ok = build_quiet(s, &cand, &b, &errs) || build_without_callers(s, &p, &cand, &b, &errs, drop, &ndrop);
    fflush(stdout);
    if (ok) {
        accept(s, &cand, &b);
        print_changes(s, &p, &before, file, path);
        fflush(stdout);
        for (int i = 0; i < ndrop; i++) {
            fprintf(d->out, "warning: %s was removed: it no longer checks against the new definitions:\n", drop[i].fn);
            fputs(drop[i].errs, d->out);
            d->nwarnings++;
        }
    } else {
        fputs(errs ? errs : "", d->out);
        d->nerrors++;
        s->nunits--;                    /* u is the last unit */
        unit_free(u);
        live_free(&cand);
    }
    for (int i = 0; i < ndrop; i++) {
        free(drop[i].fn);
        free(drop[i].errs);
    }
    free(drop);
    free(errs);
    live_free(&before);
    arena_free(&a);
    return ok ? 0 : -1;
}

void defs_clear(Session *s)
{
    LiveSet ls = { s->live, s->nlive, s->nlive };
    live_free(&ls);
    s->live = NULL;
    s->nlive = 0;
    units_prune(s);
    arena_free(&s->arena);
    arena_init(&s->arena);
    memset(&s->prog, 0, sizeof s->prog);
    s->lfns = NULL;
    s->nlfns = 0;
}
