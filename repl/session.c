/* session.c - the session's values and compiled code. A Compiled entry is one
 * JIT resource under a versioned entry symbol; superseded code stays until no
 * call runs it (an interrupted call may still), then comp_sweep removes it. */
#include "repl/repl_int.h"
#include "lower/entry_ffi.h"
#include <dlfcn.h>
#include "runtime/tdsl_tensor.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("tdsl: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) {
        fputs("tdsl: out of memory\n", stderr);
        abort();
    }
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

void *xgrow(void *p, int *cap, int need, size_t elem)
{
    if (need <= *cap) return p;
    int c = *cap ? *cap : 8;
    while (c < need) c *= 2;
    p = realloc(p, elem * (size_t)c);
    if (!p) {
        fputs("tdsl: out of memory\n", stderr);
        abort();
    }
    *cap = c;
    return p;
}

/* ---- values ---- */

Val *val_new(RTensor *t)
{
    Val *v = xcalloc(1, sizeof *v);
    v->t = t;
    v->refs = 1;
    return v;
}

Val *val_ref(Val *v)
{
    __atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
    return v;
}

void val_release(Val *v)
{
    if (!v || __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL)) return;
    rt_free(v->t);
    free(v);
}

Val *vars_get(Session *s, const char *name)
{
    for (int i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, name)) return s->vars[i].v;
    return NULL;
}

void vars_set(Session *s, const char *name, Val *v)
{
    for (int i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, name)) {
            val_release(s->vars[i].v);
            s->vars[i].v = v;
            return;
        }
    s->vars = xgrow(s->vars, &s->capvars, s->nvars + 1, sizeof *s->vars);
    s->vars[s->nvars++] = (Var){ xstrdup(name), v };
}

void vars_clear(Session *s)
{
    for (int i = 0; i < s->nvars; i++) {
        free(s->vars[i].name);
        val_release(s->vars[i].v);
    }
    s->nvars = 0;
}

/* ---- compiled code ---- */

Jit *session_jit(Session *s, Diag *d)
{
    if (!s->jit) s->jit = jit_create(&s->jit_diag);
    if (!s->jit) diag_plain(d, "cannot start the JIT");
    return s->jit;
}

static void comp_free(Session *s, Compiled *c)
{
    if (c->addr && s->jit) jit_remove(s->jit, c->sym);
    free(c->name);
    free(c->ident);
    free(c->sym);
    free(c->types);
    free(c);
}

void comp_release(Compiled *c) { __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL); }

void comp_sweep(Session *s, bool all)
{
    int k = 0;
    for (int i = 0; i < s->ncomp; i++) {
        Compiled *c = s->comp[i];
        if (all && !c->stale) {
            c->stale = true;
            comp_release(c);
        }
        if (c->stale && !__atomic_load_n(&c->refs, __ATOMIC_ACQUIRE)) comp_free(s, c);
        else s->comp[k++] = c;
    }
    s->ncomp = k;
}

/* The entry's C ABI: tensors by pointer, scalars by value, then the results;
 * returns int32. */
static bool prep_cif(Compiled *c, const LFunc *lf)
{
    c->nargs = lf->nparams + lf->nresults;
    c->types = xcalloc((size_t)c->nargs + 1, sizeof(ffi_type *));
    for (int i = 0; i < lf->nparams; i++)
        c->types[i] = lf->params[i] ? &ffi_type_pointer : entry_ffi_type(lf->scalars[i]->type);
    for (int i = 0; i < lf->nresults; i++) c->types[lf->nparams + i] = &ffi_type_pointer;
    return ffi_prep_cif(&c->cif, FFI_DEFAULT_ABI, (unsigned)c->nargs, &ffi_type_sint32, c->types) == FFI_OK;
}

/* The first extern fn lf runs (itself or a callee, at any depth) whose C
 * symbol this process does not define, or NULL. */
static const LFunc *missing_extern(const LFunc *lf, const LStmt *st)
{
    if (!st) {
        if (lf->extern_sym && !dlsym(RTLD_DEFAULT, lf->extern_sym)) return lf;
        return lf->extern_sym ? NULL : missing_extern(lf, lf->body);
    }
    if (st->kind == LS_CALL) return missing_extern(st->callee, NULL);
    for (int i = 0; i < st->nbody; i++) {
        const LFunc *m = st->body[i] ? missing_extern(lf, st->body[i]) : NULL;
        if (m) return m;
    }
    return NULL;
}

Compiled *comp_get(Session *s, LFunc *lf, Diag *d)
{
    const LFunc *ext = missing_extern(lf, NULL);
    if (ext) {
        diag_plain(d,
                   "extern fn '%s' calls C symbol '%s', which no library loaded defines (load one with :lib FILE.so)",
                   ext->name, ext->extern_sym);
        return NULL;
    }
    Arena a;
    arena_init(&a);
    char *ident = defs_ident(s, lf->fn, &a);
    Compiled *hit = NULL;
    for (int i = 0; i < s->ncomp; i++) {
        Compiled *c = s->comp[i];
        if (c->stale || strcmp(c->name, lf->name)) continue;
        if (!strcmp(c->ident, ident)) hit = c;
        else {
            c->stale = true;            /* the fn changed since: drop the cache's reference */
            comp_release(c);
        }
    }
    if (hit) {
        arena_free(&a);
        comp_sweep(s, false);
        __atomic_add_fetch(&hit->refs, 1, __ATOMIC_RELAXED);
        return hit;
    }
    comp_sweep(s, false);
    Jit *j = session_jit(s, d);
    Compiled *c = xcalloc(1, sizeof *c);
    c->name = xstrdup(lf->name);
    c->ident = xstrdup(ident);
    arena_free(&a);
    char sym[600];
    snprintf(sym, sizeof sym, "%s.%d", lf->name, ++s->next_sym);
    c->sym = xstrdup(sym);
    /* the same lowered fn under the versioned entry name */
    LFunc copy = *lf;
    copy.name = c->sym;
    LFunc *one = &copy;
    if (!j || jit_add(j, &one, 1, 3, d) || !(c->addr = jit_lookup(j, c->sym))) {
        c->addr = NULL;
        if (j) jit_remove(j, c->sym);
        comp_free(s, c);
        return NULL;
    }
    if (!prep_cif(c, lf)) {
        diag_plain(d, "libffi cannot describe the signature of '%s'", lf->name);
        comp_free(s, c);
        return NULL;
    }
    c->refs = 2;                        /* the cache's and the caller's */
    s->comp = xgrow(s->comp, &s->capcomp, s->ncomp + 1, sizeof *s->comp);
    s->comp[s->ncomp++] = c;
    return c;
}

void session_reset(Session *s)
{
    vars_clear(s);
    defs_clear(s);
    comp_sweep(s, true);
}

Session *repl_create(bool interactive)
{
    Session *s = xcalloc(1, sizeof *s);
    s->interactive = interactive;
    diag_init(&s->jit_diag, stderr);
    arena_init(&s->arena);
    call_signals_init(interactive);
    return s;
}

void repl_destroy(Session *s)
{
    if (!s) return;
    session_reset(s);
    arena_free(&s->arena);
    free(s->vars);
    free(s->units);
    free(s->live);
    for (int i = 0; i < s->nmoddirs; i++) free(s->moddirs[i]);
    free(s->moddirs);
    for (int i = 0; i < s->ncomp; i++) comp_free(s, s->comp[i]);
    free(s->comp);
    jit_destroy(s->jit);
    free(s);
}
