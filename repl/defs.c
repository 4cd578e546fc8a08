/* defs.c - definitions: each fn name maps to the unit (file or typed block)
 * its definition comes from and the unit whose schedule blocks apply. Any
 * change rebuilds the whole program from those units (parse, check, lower:
 * milliseconds), so callers always check against their callees' current
 * definitions; a change that fails leaves everything as it was. A callee's
 * new signature may break its callers: they are dropped, with their errors. */
#include "repl/repl_int.h"
#include "lang/npy.h"
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

/* A const's entry among the definitions: its name behind a prefix no fn name has. */
static const char *const_key(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "const %s", name);
    return buf;
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
    for (int i = 0; i < u->nc; i++) {
        npy_free(u->carr[i]);
        free(u->carr[i]);
        free(u->cname[i]);
    }
    free(u->carr);
    free(u->cname);
    free(u->path);
    free(u->text);
    free(u->module);
    free(u->real);
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
    PtrVec fns = { 0 }, scheds = { 0 }, consts = { 0 };
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
        for (int k = 0; k < up.nconsts; k++) {
            char key[300];
            Live *l = live_find(ls, const_key(key, sizeof key, up.consts[k]->name));
            if (!l || l->def != u) continue;
            for (int c = 0; c < u->nc; c++)     /* read when it was entered, not again */
                if (!strcmp(u->cname[c], up.consts[k]->name)) up.consts[k]->arr = u->carr[c];
            vec_push(&b->a, &consts, up.consts[k]);
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
    b->prog.consts = (Const **)consts.items;
    b->prog.nconsts = consts.len;
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
    for (int k = 0; k < f->nlocals; k++) {
        if (f->locals[k]->kind != TK_CONST) continue;
        char key[300];
        Live *c = live_find(&ls, const_key(key, sizeof key, f->locals[k]->name));
        fprintf(out, "%s#%d,", key, c && c->def ? c->def->id : 0);
    }
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

/* Keeps the data of consts read by this build with their units, so that
 * later builds use it rather than read the files again. */
static void cache_consts(Session *s)
{
    for (int i = 0; i < s->prog.nconsts; i++) {
        const Const *k = s->prog.consts[i];
        for (int j = 0; j < s->nunits; j++) {
            Unit *u = s->units[j];
            if (k->span.src != &u->src) continue;
            bool have = false;
            for (int c = 0; c < u->nc && !have; c++) have = !strcmp(u->cname[c], k->name);
            if (have || !k->arr) break;
            NpyArray *copy = xmalloc(sizeof *copy);
            *copy = *k->arr;
            copy->data = xmalloc(k->arr->nbytes ? k->arr->nbytes : 1);
            memcpy(copy->data, k->arr->data, k->arr->nbytes);
            int cap = u->nc;
            u->carr = xgrow(u->carr, &cap, u->nc + 1, sizeof *u->carr);
            cap = u->nc;
            u->cname = xgrow(u->cname, &cap, u->nc + 1, sizeof *u->cname);
            u->carr[u->nc] = copy;
            u->cname[u->nc++] = xstrdup(k->name);
            break;
        }
    }
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
    cache_consts(s);
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
        printf("%s", k ? ")" : "");
        for (int i = 0; i < p->nconsts; i++) printf("%s%s", i ? ", " : " (consts: ", p->consts[i]->name);
        printf("%s\n", p->nconsts ? ")" : "");
        return;
    }
    for (int i = 0; i < p->nconsts; i++) {
        char key[300];
        Live *old = live_find(before, const_key(key, sizeof key, p->consts[i]->name));
        printf("%s const ", old && old->def ? "redefined" : "defined");
        defs_print_tensor(stdout, p->consts[i]->decl);
        putchar('\n');
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
        for (int k = 0; k < f->nlocals && !dep; k++)
            dep = f->locals[k]->kind == TK_CONST && program_find_const(p, f->locals[k]->name);
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

/* ---- modules ---- */

Unit *defs_module(Session *s, const char *name)
{
    for (int i = 0; i < s->nunits; i++)
        if (s->units[i]->module && !strcmp(s->units[i]->module, name)) return s->units[i];
    return NULL;
}

const char *defs_module_of(Session *s, const char *fn)
{
    LiveSet ls = { s->live, s->nlive, s->nlive };
    Live *l = live_find(&ls, fn);
    return l && l->def ? l->def->module : NULL;
}

void repl_set_module_path(Session *s, const char *const *inc, int ninc, const char *argv0)
{
    Arena a;
    arena_init(&a);
    Modules m;
    modules_init(&m, &a, NULL, inc, ninc, getenv("TDSL_PATH"), modules_exe_path(&a, argv0));
    for (int i = 0; i < s->nmoddirs; i++) free(s->moddirs[i]);
    free(s->moddirs);
    s->moddirs = xcalloc((size_t)m.ndirs + 1, sizeof *s->moddirs);
    for (int i = 0; i < m.ndirs; i++) s->moddirs[i] = xstrdup(m.dirs[i]);
    s->nmoddirs = m.ndirs;
    arena_free(&a);
}

/* The modules a unit brings in: the files parsed and their units. */
typedef struct NewMods {
    ModFile **files;
    Unit **units;
    int n;
} NewMods;

/* Loads the modules p uses that the session has not, each before its users,
 * into nm (their units not pushed yet). A typed `use` of a loaded module is
 * a note. -1 after reporting. */
static int load_modules(Session *s, Arena *a, const Program *p, bool typed, NewMods *nm, Diag *d)
{
    Modules m;
    modules_init(&m, a, d, (const char *const *)s->moddirs, s->nmoddirs, NULL, NULL);
    for (int i = 0; i < s->nunits; i++)
        if (s->units[i]->module) modules_mark_known(&m, s->units[i]->module, s->units[i]->real);
    for (int i = 0; i < p->nuses && typed; i++) {
        Unit *mu = defs_module(s, p->uses[i]->module);
        if (mu) printf("note: module '%s' is already loaded (from %s)\n", mu->module, mu->path);
    }
    if (modules_load_uses(&m, p)) return -1;
    nm->files = ARENA_ARRAY(a, ModFile *, m.files.len + 1);
    nm->units = ARENA_ARRAY(a, Unit *, m.files.len + 1);
    for (int i = 0; i < m.files.len; i++) {
        ModFile *f = m.files.items[i];
        if (f->known) continue;
        Unit *u = unit_new(s, f->src->path, f->src->text, 1);
        u->module = xstrdup(f->name);
        u->real = xstrdup(f->real);
        nm->files[nm->n] = f;
        nm->units[nm->n++] = u;
    }
    return 0;
}

/* The fn named name among the first n new modules, with its module in *k. */
static Fn *new_mod_fn(const NewMods *nm, int n, const char *name, int *k)
{
    for (*k = 0; *k < n; (*k)++) {
        Fn *f = find_fn(nm->files[*k]->prog.fns, nm->files[*k]->prog.nfns, name);
        if (f) return f;
    }
    return NULL;
}

/* A module's fn clashes with any other definition, a user's fn with a
 * module's (a user's fn may redefine a user's). Returns the clashes reported. */
static int check_clashes(Session *s, const NewMods *nm, const Program *p, Diag *d)
{
    int errs = d->nerrors, k;
    for (int i = 0; i <= nm->n; i++) {
        const Program *q = i < nm->n ? &nm->files[i]->prog : p;
        const char *mod = i < nm->n ? nm->files[i]->name : NULL;
        Span use = i < nm->n ? nm->files[i]->used_at : (Span){ 0 };
        for (int j = 0; j < q->nfns; j++) {
            Fn *f = q->fns[j], *old = new_mod_fn(nm, i, f->name, &k);
            if (old) {
                modules_clash(d, f, mod, use, old, nm->files[k]->name);
                continue;
            }
            const char *oldmod = defs_module_of(s, f->name);
            old = program_find_fn(&s->prog, f->name);
            if (old && (mod || oldmod)) modules_clash(d, f, mod, use, old, oldmod);
        }
    }
    return d->nerrors - errs;
}

/* The definitions with the units of nm and then u: each unit's fns replace
 * their old definitions (and schedules); its schedules replace theirs. */
static LiveSet candidate(Session *s, const NewMods *nm, Unit *u, const Program *p)
{
    LiveSet cand = live_copy(s->live, s->nlive);
    for (int i = 0; i <= nm->n; i++) {
        const Program *q = i < nm->n ? &nm->files[i]->prog : p;
        Unit *v = i < nm->n ? nm->units[i] : u;
        for (int k = 0; k < q->nfns; k++) live_set(&cand, q->fns[k]->name, v, NULL);
        for (int k = 0; k < q->nscheds; k++) live_add(&cand, q->scheds[k]->fn)->sched = v;
        char key[300];
        for (int k = 0; k < q->nconsts; k++) live_set(&cand, const_key(key, sizeof key, q->consts[k]->name), v, NULL);
        units_push(s, v);
    }
    return cand;
}

/* Prints what was loaded or defined, and the callers dropped. */
static void report(Session *s, const NewMods *nm, const Program *p, const LiveSet *before, bool file, Unit *u,
                   Dropped *drop, int ndrop, Diag *d)
{
    fflush(stdout);
    for (int i = 0; i < nm->n; i++) print_changes(s, &nm->files[i]->prog, before, true, nm->units[i]->path);
    if (file || p->nfns || p->nscheds || p->nconsts) print_changes(s, p, before, file, u->path);
    fflush(stdout);
    for (int i = 0; i < ndrop; i++) {
        fprintf(d->out, "warning: %s was removed: it no longer checks against the new definitions:\n", drop[i].fn);
        fputs(drop[i].errs, d->out);
        d->nwarnings++;
    }
}

int defs_add(Session *s, const char *path, const char *text, int first_line, bool file, Diag *d)
{
    Unit *u = unit_new(s, path, text, first_line);
    Arena a;
    arena_init(&a);
    Program p = { 0 };
    NewMods nm = { 0 };
    if (parse_source(&a, &u->src, &p, d) || load_modules(s, &a, &p, !file, &nm, d) || check_clashes(s, &nm, &p, d)) {
        for (int i = 0; i < nm.n; i++) unit_free(nm.units[i]);
        arena_free(&a);
        unit_free(u);
        return -1;
    }
    LiveSet before = live_copy(s->live, s->nlive);
    LiveSet cand = candidate(s, &nm, u, &p);
    Build b;
    char *errs = NULL;
    Dropped *drop = xcalloc((size_t)s->prog.nfns + 1, sizeof *drop);
    int ndrop = 0;
    bool ok = build_quiet(s, &cand, &b, &errs) || build_without_callers(s, &p, &cand, &b, &errs, drop, &ndrop);
    fflush(stdout);
    if (ok) {
        accept(s, &cand, &b);
        report(s, &nm, &p, &before, file, u, drop, ndrop, d);
    } else {
        fputs(errs ? errs : "", d->out);
        d->nerrors++;
        s->nunits -= nm.n + 1;          /* they are the last units */
        for (int i = 0; i < nm.n; i++) unit_free(nm.units[i]);
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
