/* calls.c - tuning a whole model (tdslc MODEL.onnx --tune): every distinct
 * call of the model fn (a callee at constant sizes) gets its own copy of the
 * callee, named after both (conv3x3_act__64_56_56_64), which keeps the
 * callee's schedule and is what those calls now call. Each copy is timed as
 * written, the budget is shared in proportion to that time times its number
 * of calls, and each is tuned with its written schedule as the time to beat:
 * the tuned block replaces the copy's only when it is faster (so a model is
 * never slower for tuning). The program then compiles as usual. */
#include "tune/tune_int.h"
#include "parser/parse.h"
#include <stdlib.h>
#include <string.h>

#define MAXK 256            /* distinct calls tuned at most */
#define MIN_SHARE 1.0       /* seconds: a kernel's budget at least */

typedef struct Kernel {
    Fn *orig, *copy;
    int64_t *sz;            /* per size var of orig */
    int ncalls;
    double t;               /* seconds per call as written */
} Kernel;

/* the sizes of call s, all constants (false: one is not) */
static bool constant_sizes(const Stage *s, int64_t *sz)
{
    for (int i = 0; i < s->fn->nsizevars; i++) {
        if (!aff_is_const(s->call_sizes[i])) return false;
        sz[i] = aff_eval(s->call_sizes[i], NULL);
    }
    return true;
}

static int find_kernel(Kernel *k, int n, const Fn *f, const int64_t *sz)
{
    for (int i = 0; i < n; i++)
        if (k[i].orig == f && !memcmp(k[i].sz, sz, sizeof(int64_t) * (size_t)f->nsizevars)) return i;
    return -1;
}

/* f's copy for sizes sz, just after f in prog, with f's blocks */
static Fn *copy_fn(Arena *a, Program *prog, Fn *f, const int64_t *sz)
{
    Fn *c = ARENA_NEW(a, Fn);
    *c = *f;
    char *name = arena_strdup(a, f->name);
    for (int i = 0; i < f->nsizevars; i++) name = arena_printf(a, "%s%s%lld", name, i ? "_" : "__", (long long)sz[i]);
    c->name = name;
    Fn **fns = ARENA_ARRAY(a, Fn *, prog->nfns + 1);
    int n = 0;
    for (int i = 0; i < prog->nfns; i++) {
        fns[n++] = prog->fns[i];
        if (prog->fns[i] == f) fns[n++] = c;
    }
    prog->fns = fns, prog->nfns = n;
    Schedule **sc = ARENA_ARRAY(a, Schedule *, 2 * prog->nscheds + 1);
    int m = 0;
    for (int i = 0; i < prog->nscheds; i++) {
        sc[m++] = prog->scheds[i];
        if (strcmp(prog->scheds[i]->fn, f->name)) continue;
        Schedule *b = ARENA_NEW(a, Schedule);
        *b = *prog->scheds[i];
        b->fn = name;
        sc[m++] = b;
    }
    prog->scheds = sc, prog->nscheds = m;
    return c;
}

/* the distinct calls of top, each call now to its kernel's copy */
static int collect(Arena *a, Program *prog, Fn *top, Kernel *k)
{
    int n = 0;
    for (int i = 0; i < top->nstmts; i++) {
        Stage *s = top->stmts[i];
        if (s->kind != ST_CALL || !s->fn || s->fn->extern_sym) continue;
        int64_t *sz = ARENA_ARRAY(a, int64_t, s->fn->nsizevars + 1);
        if (!constant_sizes(s, sz)) continue;
        int at = find_kernel(k, n, s->fn, sz);
        if (at < 0 && n == MAXK) continue;
        if (at < 0) k[at = n++] = (Kernel){ s->fn, copy_fn(a, prog, s->fn, sz), sz, 0, 0 };
        k[at].ncalls++;
        s->fn = k[at].copy;
    }
    return n;
}

/* o's sizes: the copy's size vars that are not derived */
static void set_sizes(TuneOptions *o, const Kernel *k)
{
    o->nsizes = 0;
    for (int i = 0; i < k->copy->nsizevars && o->nsizes < TUNE_MAX_SIZES; i++) {
        if (k->copy->sizevars[i].div) continue;
        snprintf(o->size_names[o->nsizes], 32, "%s", k->copy->sizevars[i].name);
        o->size_values[o->nsizes++] = k->sz[i];
    }
}

/* replaces the copy's blocks with those of text */
static void install(Arena *a, Program *prog, const Fn *copy, const char *text, Diag *d)
{
    Program extra = { 0 };
    Source *src = ARENA_NEW(a, Source);
    src->path = "<tuned>";
    src->text = text;
    if (parse_source(a, src, &extra, d) || !extra.nscheds) return;
    Schedule **sc = ARENA_ARRAY(a, Schedule *, prog->nscheds + extra.nscheds + 1);
    int m = 0;
    for (int i = 0; i < prog->nscheds; i++)
        if (strcmp(prog->scheds[i]->fn, copy->name)) sc[m++] = prog->scheds[i];
    for (int i = 0; i < extra.nscheds; i++) sc[m++] = extra.scheds[i];
    prog->scheds = sc, prog->nscheds = m;
}

/* each kernel's time as written (one trial); their weighted sum */
static double time_written(Program *prog, Kernel *k, int n, const TuneOptions *o)
{
    double total = 0;
    for (int i = 0; i < n; i++) {
        TuneJob j = { prog,  k[i].copy, NULL, o->target ? o->target : "x86-64-v3", k[i].sz, 0.05, 60, false,
                      false, 0,         true };
        TuneResult r = tune_run_job(&j);
        k[i].t = r.status == TRIAL_OK ? r.seconds : 0;
        total += k[i].t * k[i].ncalls;
    }
    return total;
}

int tune_calls(Arena *a, Program *prog, const char *top, const TuneOptions *o, Diag *d)
{
    Fn *f = program_find_fn(prog, top);
    if (!f) {
        diag_plain(d, "--tune: no fn '%s'", top);
        return -1;
    }
    double start = tune_now();
    Kernel *k = ARENA_ARRAY(a, Kernel, MAXK);
    int n = collect(a, prog, f, k);
    double weight = time_written(prog, k, n, o);     /* of the kernels not tuned yet */
    for (int i = 0; i < n; i++) {
        if (k[i].t <= 0) continue;      /* does not run alone: left as written */
        TuneOptions ko = *o;
        ko.fn = k[i].copy->name, ko.out = NULL, ko.keep_own = true;
        set_sizes(&ko, &k[i]);
        /* what is left of the budget, by weight (each search also checks its winner: some overrun) */
        double w = k[i].t * k[i].ncalls, left = o->budget_s - (tune_now() - start);
        ko.budget_s = left * w / weight > MIN_SHARE ? left * w / weight : MIN_SHARE;
        weight -= w;
        if (o->log)
            fprintf(o->log, "tune: %s (%d call%s): %.4g ms as written, %.1f s\n", ko.fn, k[i].ncalls,
                    k[i].ncalls > 1 ? "s" : "", k[i].t * 1e3, ko.budget_s);
        char *block = NULL;
        if (tune_fn(a, prog, &ko, &block, d)) return -1;
        if (block && !strstr(block, "{\n}")) install(a, prog, k[i].copy, block, d);
    }
    return d->nerrors ? -1 : 0;
}
