/* commands.c - the ':' commands: help, load, reset, vars, the printed forms of
 * a fn (AST, loop IR, LLVM IR, assembly) and :time. */
#include "repl/repl_int.h"
#include "lower/schedule.h"
#include "graph/graph.h"
#include "onnx/onnx.h"
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_help(Line *ln, int at, int end);
static int cmd_load(Line *ln, int at, int end);
static int cmd_lib(Line *ln, int at, int end);
static int cmd_reset(Line *ln, int at, int end);
static int cmd_vars(Line *ln, int at, int end);
static int cmd_ast(Line *ln, int at, int end);
static int cmd_loops(Line *ln, int at, int end);
static int cmd_llvm(Line *ln, int at, int end);
static int cmd_asm(Line *ln, int at, int end);
static int cmd_time(Line *ln, int at, int end);
static int cmd_quit(Line *ln, int at, int end);

const Command commands[] = {
    { ":help", "", "this list", { NULL }, cmd_help },
    { ":load", "FILE", "load the fns and schedules of a .tdsl file (a .onnx model: its fn)", { NULL }, cmd_load },
    { ":lib", "FILE.so", "load a shared library whose C functions extern fns name", { NULL }, cmd_lib },
    { ":reset", "", "forget every fn, schedule and tensor", { NULL }, cmd_reset },
    { ":vars", "", "list the tensors and fns", { NULL }, cmd_vars },
    { ":ast", "f", "the checked syntax tree of fn f", { NULL }, cmd_ast },
    { ":loops", "f", "the loop IR of f after its schedule", { NULL }, cmd_loops },
    { ":llvm", "f", "the optimised LLVM IR of f, as the JIT compiles it", { NULL }, cmd_llvm },
    { ":asm", "f", "the machine code of f for this CPU", { NULL }, cmd_asm },
    { ":time", "f(X, ...)", "run f repeatedly: median, min, runs, GFLOP/s and GB/s", { NULL }, cmd_time },
    { ":tune",
      "f(X, ...) [S]",
      "search a schedule for f at these shapes for S seconds (20), and install it",
      { NULL },
      cmd_tune },
    { ":quit", "", "leave (also :q, :exit, Ctrl-D)", { ":q", ":exit" }, cmd_quit },
    { NULL, NULL, NULL, { NULL }, NULL },
};

static int cmd_help(Line *ln, int at, int end)
{
    (void)ln;
    (void)at;
    (void)end;
    for (const Command *c = commands; c->name; c++) {
        char head[40];
        snprintf(head, sizeof head, "%s %s", c->name, c->args);
        printf("%-18s %s\n", head, c->help);
    }
    printf("%-18s %s\n", "fn f(...) { }", "define or redefine a fn; schedule f { } sets its schedule");
    printf("%-18s %s\n", "const W: T = load(\"w.npy\")",
           "a read-only tensor from a .npy (or load(\"f.npz\", \"member\"))");
    printf("%-18s %s\n", "extern fn f(..) = \"sym\"", "a C function with the entry points' ABI (:lib loads it)");
    printf("%-18s %s\n", "use m", "load the fns and schedules of module m (m.tdsl: tdsl -I DIR, $TDSL_PATH, stdlib)");
    printf("%-18s %s\n", "Y = f(X, W)", "call a fn, (Y, Z) = g(X) for several results");
    printf("%-18s %s\n", "A, A[1, 2]", "print a tensor or read one element");
    printf("%-18s %s\n", "B[i, j] = A[i, j] * 2 + C[j]",
           "compute a tensor from the session's (an anonymous fn's stage)");
    printf("%-18s %s\n", "C = A + B, A * 2", "whole-tensor arithmetic on tensors of one shape and scalars");
    printf("%-18s %s\n", "A = rand(f32[4])", "assign a value; the built-ins:");
    for (const Builtin *b = builtins; b->name; b++) printf("  %-16s %s\n", b->call, b->help);
    printf("  %-16s %s\n", "f32(x)", "convert a scalar (any dtype name)");
    printf("%-18s %s\n", "schedule f { }", "S.prim(...).prim(...) on stage S; the primitives:");
    int np;
    const SchedPrimDef *p = sched_primitives(&np);
    for (int i = 0; i < np; i++) printf("  %s\n", p[i].help);
    return 0;
}

static int cmd_quit(Line *ln, int at, int end)
{
    (void)at;
    (void)end;
    ln->s->quit = true;
    return 0;
}

static int cmd_reset(Line *ln, int at, int end)
{
    (void)at;
    (void)end;
    session_reset(ln->s);
    printf("reset: no fns, schedules or tensors\n");
    return 0;
}

static char *slurp(const char *path, int *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = errno;
        return NULL;
    }
    size_t cap = 4096, len = 0, n;
    char *buf = xmalloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0)
        if ((len += n) == cap - 1) buf = realloc(buf, cap *= 2);
    *err = ferror(f) ? EIO : 0;
    fclose(f);
    if (!buf || *err || memchr(buf, 0, len)) {
        if (buf && !*err) *err = EINVAL;
        free(buf);
        return NULL;
    }
    buf[len] = 0;
    return buf;
}

static bool is_onnx(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && !strcmp(path + n - 5, ".onnx");
}

/* text with every `load("` followed by dir and '/' */
static const char *with_dir(Arena *a, const char *text, const char *dir)
{
    const char *out = "", *p = text, *at;
    while ((at = strstr(p, "load(\""))) {
        out = arena_printf(a, "%s%.*s%s/", out, (int)(at + 6 - p), p, dir);
        p = at + 6;
    }
    return arena_printf(a, "%s%s", out, p);
}

/* A model: the importer's program, written with its .npy files into a
 * private directory, defined like a loaded file (its consts are read now,
 * once), then the directory removed. Its fn is named after the file stem. */
static int load_onnx(Session *s, const char *path, Diag *d)
{
    Arena a;
    arena_init(&a);
    const char *dir = NULL, *tdsl = NULL;
    OnnxGraph *g = onnx_load(&a, path, d);
    GraphStats st;
    if (g) graph_optimize(g, &st);
    if (g) tdsl = onnx_emit_tdsl_tmp(g, onnx_fn_name(&a, path), &dir);
    int r = -1, err;
    char *text = tdsl ? slurp(tdsl, &err) : NULL;
    if (tdsl && !text) diag_plain(d, "cannot read '%s': %s", tdsl, strerror(err));
    if (text) {
        /* the .npy paths made absolute, so the unit can bear the model's name */
        r = defs_add(s, path, with_dir(&a, text, dir), 1, true, d);
    }
    free(text);
    onnx_remove_dir(dir);
    arena_free(&a);
    return r;
}

int repl_load_file(Session *s, const char *path)
{
    Diag d;
    diag_init(&d, stderr);
    if (is_onnx(path)) return load_onnx(s, path, &d);
    int err;
    char *text = slurp(path, &err);
    if (!text) {
        fflush(stdout);
        diag_plain(&d, "cannot read '%s': %s", path, err == EINVAL ? "not a text file" : strerror(err));
        return -1;
    }
    int r = defs_add(s, path, text, 1, true, &d);
    free(text);
    return r;
}

static int cmd_load(Line *ln, int at, int end)
{
    while (at < end && isspace((unsigned char)ln->text[at])) at++;
    while (end > at && isspace((unsigned char)ln->text[end - 1])) end--;
    if (at < end && ln->text[at] == '"' && ln->text[end - 1] == '"' && end - at >= 2) at++, end--;
    if (at >= end) {
        line_error(ln, at, at, ":load needs a file name");
        return -1;
    }
    char *path = arena_strndup(ln->a, ln->text + at, (size_t)(end - at));
    if (is_onnx(path)) return load_onnx(ln->s, path, ln->d);
    int err;
    char *text = slurp(path, &err);
    if (!text) {
        line_error(ln, at, end, "cannot read '%s': %s", path, err == EINVAL ? "not a text file" : strerror(err));
        return -1;
    }
    int r = defs_add(ln->s, path, text, 1, true, ln->d);
    free(text);
    return r;
}

/* RTLD_GLOBAL: the JIT finds an extern fn's symbol by searching the process */
static int cmd_lib(Line *ln, int at, int end)
{
    while (at < end && isspace((unsigned char)ln->text[at])) at++;
    while (end > at && isspace((unsigned char)ln->text[end - 1])) end--;
    if (at < end && ln->text[at] == '"' && ln->text[end - 1] == '"' && end - at >= 2) at++, end--;
    if (at >= end) {
        line_error(ln, at, at, ":lib needs a shared library, e.g. :lib ./libfoo.so");
        return -1;
    }
    char *path = arena_strndup(ln->a, ln->text + at, (size_t)(end - at));
    if (!dlopen(path, RTLD_NOW | RTLD_GLOBAL)) {
        const char *why = dlerror();
        line_error(ln, at, end, "cannot load library '%s': %s", path, why ? why : "unknown error");
        return -1;
    }
    printf("loaded library %s\n", path);
    return 0;
}

static int cmd_vars(Line *ln, int at, int end)
{
    (void)at;
    (void)end;
    Session *s = ln->s;
    if (!s->nvars && !s->nlfns) printf("no tensors or fns\n");
    for (int i = 0; i < s->nvars; i++) {
        const RTensor *t = s->vars[i].v->t;
        printf("%s: %s", s->vars[i].name, type_str(ln->a, t));
        if (!t->ndim) printf(" = %s", scalar_str(ln->a, t));
        putchar('\n');
    }
    for (int i = 0; i < s->nlfns; i++) {
        const Fn *f = s->prog.fns[i];
        bool sched = false;
        for (int k = 0; k < s->prog.nscheds; k++) sched |= !strcmp(s->prog.scheds[k]->fn, f->name);
        const char *mod = defs_module_of(s, f->name);
        printf("fn ");
        defs_print_signature(stdout, f);
        if (mod) printf("  (module %s%s)\n", mod, sched ? ", scheduled" : "");
        else printf("%s\n", sched ? "  (scheduled)" : "");
    }
    return 0;
}

/* The fn named by the argument, or NULL after reporting. */
static LFunc *fn_arg(Line *ln, int at, int end, const char *cmd)
{
    while (at < end && isspace((unsigned char)ln->text[at])) at++;
    while (end > at && isspace((unsigned char)ln->text[end - 1])) end--;
    if (at >= end) {
        line_error(ln, at, at, "%s needs the name of a fn", cmd);
        return NULL;
    }
    char *name = arena_strndup(ln->a, ln->text + at, (size_t)(end - at));
    LFunc *lf = defs_find(ln->s, name, NULL);
    if (!lf) line_error(ln, at, end, "unknown function '%s'", name);
    return lf;
}

static int cmd_ast(Line *ln, int at, int end)
{
    LFunc *lf = fn_arg(ln, at, end, ":ast");
    if (lf) ast_print_fn(stdout, lf->fn);
    return lf ? 0 : -1;
}

static int cmd_loops(Line *ln, int at, int end)
{
    LFunc *lf = fn_arg(ln, at, end, ":loops");
    if (lf) loopir_print_func(stdout, lf);
    return lf ? 0 : -1;
}

static int emit(Line *ln, int at, int end, const char *cmd, EmitKind kind)
{
    LFunc *lf = fn_arg(ln, at, end, cmd);
    Jit *j = lf ? session_jit(ln->s, ln->d) : NULL;
    char *text = j ? jit_emit(j, &lf, 1, 3, kind, ln->d) : NULL;
    if (!text) return -1;
    fputs(text, stdout);
    free(text);
    return 0;
}

static int cmd_llvm(Line *ln, int at, int end) { return emit(ln, at, end, ":llvm", EMIT_LLVM); }
static int cmd_asm(Line *ln, int at, int end) { return emit(ln, at, end, ":asm", EMIT_ASM); }

/* ---- :time ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char *fmt_time(char *buf, size_t cap, double s)
{
    if (s < 1e-6) snprintf(buf, cap, "%.3g ns", s * 1e9);
    else if (s < 1e-3) snprintf(buf, cap, "%.3g us", s * 1e6);
    else if (s < 1) snprintf(buf, cap, "%.3g ms", s * 1e3);
    else snprintf(buf, cap, "%.3g s", s);
    return buf;
}

/* Operations of one call of lf, counted on its unscheduled loops (what the fn
 * computes, not what a schedule recomputes). */
static bool count_ops(Line *ln, LFunc *lf, const int64_t *sizes, double *flops, double *iops)
{
    Session *s = ln->s;
    int index;
    if (!defs_find(s, lf->name, &index)) return false;
    Diag quiet;
    FILE *null = fopen("/dev/null", "w");
    diag_init(&quiet, null ? null : stderr);
    LFunc *plain = lower_fn_scheduled(ln->a, &s->prog, s->prog.fns[index], 0, s->lfns, index, &quiet);
    if (null) fclose(null);
    return plain && cost_ops(plain, sizes, flops, iops);
}

static void print_timing(Line *ln, Call *c, Timing *tm)
{
    char a[32], b[32], f[32];
    double med = tm->first, min = tm->first;
    int n = tm->n;
    if (n) {
        qsort(tm->t, (size_t)n, sizeof(double), cmp_double);
        med = n % 2 ? tm->t[n / 2] : (tm->t[n / 2 - 1] + tm->t[n / 2]) / 2;
        min = tm->t[0];
    }
    long runs = (long)n * (tm->batch > 0 ? tm->batch : 1);
    printf("time %s: median %s, min %s, %ld run%s", c->lf->name, fmt_time(a, sizeof a, med), fmt_time(b, sizeof b, min),
           runs, runs == 1 ? "" : "s");
    if (tm->batch > 1) printf(" in batches of %d", tm->batch);
    printf(" (first %s)%s\n", fmt_time(f, sizeof f, tm->first), tm->interrupted ? ", interrupted" : "");
    double flops = 0, iops = 0, bytes = 0;
    for (int i = 0; i < c->nparams + c->nresults; i++) {
        const RTensor *t = i < c->nparams ? c->args[i]->t : c->results[i - c->nparams]->t;
        if (t->ndim) bytes += (double)rt_nbytes(t);
    }
    bool known = count_ops(ln, c->lf, c->sizes, &flops, &iops);
    if (med <= 0) med = 1e-9;
    if (known && flops > 0) printf("  %.0f flop: %.3g GFLOP/s;", flops, flops / med * 1e-9);
    else if (known && iops > 0) printf("  %.0f integer op: %.3g GOP/s;", iops, iops / med * 1e-9);
    else printf("  %s;", known ? "no arithmetic" : "operation count unknown");
    printf(" %.0f bytes in and out: %.3g GB/s\n", bytes, bytes / med * 1e-9);
}

LFunc *command_callee(Line *ln, const RExpr *e, const char *need)
{
    LFunc *lf = e->kind == RX_CALL ? defs_find(ln->s, e->str, NULL) : NULL;
    if (!lf && e->kind == RX_CALL) line_error(ln, e->start, e->name_end, "unknown function '%s'", e->str);
    else if (!lf) line_error(ln, e->start, e->end, "%s", need);
    return lf;
}

static int cmd_time(Line *ln, int at, int end)
{
    (void)end;
    RExpr *e = stmt_parse_expr(ln, at, NULL);
    LFunc *lf = e ? command_callee(ln, e, ":time needs a call of a fn, like :time f(X, W)") : NULL;
    if (!lf) return -1;
    Call c;
    if (call_prepare(ln, lf, e, &c)) return -1;
    call_note_background(ln);
    Compiled *comp = comp_get(ln->s, lf, ln->d);
    Timing tm = { 0 };
    int r = comp ? call_run(ln, &c, comp, &tm) : -1;
    if (comp) comp_release(comp);
    if (!r && tm.interrupted && ln->s->interactive) putchar('\n');    /* after the terminal's ^C */
    if (!r) print_timing(ln, &c, &tm);
    free(tm.t);
    call_free(&c);
    return r ? -1 : 0;
}

int commands_run(Line *ln)
{
    const char *t = ln->text;
    int at = 0;
    while (isspace((unsigned char)t[at])) at++;
    int name_end = at + 1;
    while (t[name_end] && !isspace((unsigned char)t[name_end])) name_end++;
    int len = name_end - at, end = (int)strlen(t);
    const Command *hit = NULL;
    for (const Command *c = commands; c->name && !hit; c++)
        for (int k = -1; k < 2 && !hit; k++) {
            const char *n = k < 0 ? c->name : c->alias[k];
            if (n && (int)strlen(n) == len && !strncmp(n, t + at, (size_t)len)) hit = c;
        }
    if (!hit) {
        line_error(ln, at, name_end, "unknown command '%.*s' (:help lists them)", len, t + at);
        return -1;
    }
    if (!hit->args[0]) {
        int k = name_end;
        while (isspace((unsigned char)t[k])) k++;
        if (t[k] && t[k] != '#') {
            line_error(ln, k, end, "%s takes no argument", hit->name);
            return -1;
        }
    }
    return hit->run(ln, name_end, end);
}
