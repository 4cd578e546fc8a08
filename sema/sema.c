/* sema.c - the semantic pass list, run on each fn in program order:
 * names -> size binding -> dtypes -> shapes -> bounds, after the file-scope
 * consts (consts.c). A pass that reports
 * errors stops the fn (later passes would only repeat them). */
#include "sema/sema.h"
#include "sema/sema_int.h"
#include <string.h>

static bool check_fn(Arena *a, Program *p, Fn *f, Diag *d)
{
    Ctx c = { .a = a, .d = d, .prog = p, .fn = f };
    if (!names_resolve_fn(&c)) return false;
    if (!shapes_bind_sizes(&c)) return false;
    if (!dtypes_check_fn(&c)) return false;
    if (!shapes_infer_fn(&c)) return false;
    if (!bounds_prove_fn(&c)) return false;
    PtrVec locals = { 0 };
    for (int i = 0; i < c.tensors.len; i++) {
        Tensor *t = c.tensors.items[i];
        if (t->kind == TK_PARAM) continue;
        if (t->order != -1) t->order = locals.len;
        vec_push(a, &locals, t);
    }
    f->locals = (Tensor **)locals.items;
    f->nlocals = locals.len;
    return true;
}

static bool check_schedule(Program *p, Schedule *s, Diag *d)
{
    if (program_find_fn(p, s->fn)) return true;
    diag_error(d, s->span, "schedule for unknown function '%s'", s->fn);
    return false;
}

int sema_check(Arena *a, Program *p, Diag *d)
{
    int before = d->nerrors;
    consts_check(a, p, d);
    for (int i = 0; i < p->nfns; i++) {
        Fn *f = p->fns[i];
        if (f->checked) continue;
        for (int j = 0; j < i; j++)
            if (!strcmp(p->fns[j]->name, f->name)) {
                diag_error(d, f->span, "function '%s' is defined twice", f->name);
                diag_note(d, p->fns[j]->span, "first defined here");
            }
        int errs = d->nerrors;
        const char *clash = sema_c_clash(f->name);
        if (clash) diag_error(d, f->span, "a function cannot be named '%s': it %s", f->name, clash);
        f->checked = check_fn(a, p, f, d) && d->nerrors == errs;
    }
    for (int i = 0; i < p->nscheds; i++) check_schedule(p, p->scheds[i], d);
    return d->nerrors - before;
}
