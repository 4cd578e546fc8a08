/* tdslc.c - the command-line compiler: parse, check, lower, and emit an
 * object file plus its C header (or any intermediate form with --emit). */
#include "lang/ast.h"
#include "lang/loopir.h"
#include "lower/lower.h"
#include "graph/graph.h"
#include "onnx/onnx.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "tune/tune.h"
#include <llvm-c/Core.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: tdslc FILE.tdsl... [-o OUT] [--header OUT.h] [--schedule FILE] [-I DIR]\n"
    "             [--emit obj|asm|llvm|loops|steps|ast|header] [--target x86-64-v3|host|aarch64] [-O0..3]\n"
    "  Compiles tensor functions to an object file plus a C header (default OUT: FILE.o, FILE.h).\n"
    "  Entry points are the fns of the files named; fns of the modules they use are compiled in.\n"
    "  -I DIR           look for the modules of `use NAME` (NAME.tdsl) in DIR, before the dirs\n"
    "                   of $TDSL_PATH (colon-separated) and the stdlib next to tdslc\n"
    "  --schedule FILE  schedule blocks that replace the ones the .tdsl files give for the same fn\n"
    "  --emit loops     the loop IR after scheduling; --emit steps: after each schedule primitive\n"
    "  --tune FN --size VAR=N[,VAR=N...] [--budget SECONDS] [--seed S] [--schedule-out OUT.tdsl]\n"
    "                   search schedules for FN at those sizes on this machine (TDSL_NUM_THREADS\n"
    "                   threads) within the budget (default 60 s) and write the fastest block found\n"
    "                   (default OUT: FN.sched.tdsl); compile with it: tdslc F.tdsl --schedule OUT.\n"
    "                   Results are cached (--tune-cache FILE, default ~/.cache/tdsl/tune.tsv) by the\n"
    "                   fn's text, the sizes, the threads and the CPU: a second run answers at once\n"
    "       tdslc MODEL.onnx [-o OUT] [--header OUT.h] [--name NAME] [--emit graph|tdsl|...] [--target T] [-O0..3]\n"
    "                   [--tune [--budget SECONDS] [--tune-cache FILE]]\n"
    "  Imports an ONNX model and compiles it to an object and header (default MODEL.o, MODEL.h)\n"
    "  with one entry point NAME (default the file stem): the graph inputs that are not\n"
    "  initializers, then the outputs; the weights are embedded. --emit graph prints its graph\n"
    "  with inferred shapes; --emit tdsl prints it as a TDSL program, its float initializers\n"
    "  written as STEM_NAME.npy beside OUT. --tune first tunes each distinct kernel call (kernel\n"
    "  and sizes), the budget (default 60 s) shared by their times; a tuned schedule replaces\n"
    "  the kernel's own for those calls only where it is faster\n";

typedef struct Options {
    const char *files[64];
    int nfiles;
    bool is_schedule[64];   /* given with --schedule: its blocks replace the files' */
    const char *inc[64];    /* -I DIR, in order */
    int ninc;
    Modules mods;           /* the files named and the modules they use */
    const char *out, *header, *emit, *name;
    CodegenOptions cg;
    TuneOptions tune;       /* --tune FN: tune instead of compiling */
    bool tune_model;        /* MODEL.onnx --tune: tune its calls, then compile */
    const char *model_fn;   /* ... the model's fn */
} Options;

static bool tune_arg(const char *a)
{
    return !strcmp(a, "--tune") || !strcmp(a, "--size") || !strcmp(a, "--budget") || !strcmp(a, "--seed") ||
           !strcmp(a, "--schedule-out") || !strcmp(a, "--tune-cache");
}

static int set_tune(TuneOptions *t, const char *a, const char *v)
{
    char *end = NULL;
    if (!strcmp(a, "--tune")) t->fn = v;
    else if (!strcmp(a, "--schedule-out")) t->out = v;
    else if (!strcmp(a, "--tune-cache")) t->cache = v;
    else if (!strcmp(a, "--size")) return tune_parse_sizes(t, v) ? 0 : -1;
    else if (!strcmp(a, "--budget") && ((t->budget_s = strtod(v, &end)) <= 0 || *end)) {
        fprintf(stderr, "tdslc: --budget takes a number of seconds > 0, not '%s'\n", v);
        return -1;
    } else if (!strcmp(a, "--seed")) t->seed = strtoull(v, NULL, 10);
    return 0;
}

static int parse_args(int argc, char **argv, Options *o)
{
    o->tune.budget_s = 60;
    o->emit = "obj";
    o->cg.opt_level = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "-o")         ? &o->out
                            : !strcmp(a, "--header") ? &o->header
                            : !strcmp(a, "--emit")   ? &o->emit
                            : !strcmp(a, "--target") ? &o->cg.target
                            : !strcmp(a, "--name")   ? &o->name
                                                     : NULL;
        if (!strcmp(a, "--tune") && i + 1 == argc) {
            o->tune_model = true;
        } else if (slot || !strcmp(a, "--schedule") || tune_arg(a)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tdslc: %s needs an argument\n%s", a, usage);
                return -1;
            }
            if (!strcmp(a, "--tune") && argv[i + 1][0] == '-') {
                o->tune_model = true;   /* no FN: a model's calls */
            } else if (tune_arg(a)) {
                if (set_tune(&o->tune, a, argv[++i])) return -1;
            } else if (slot) *slot = argv[++i];
            else if (o->nfiles < 64) {
                o->is_schedule[o->nfiles] = true;
                o->files[o->nfiles++] = argv[++i];
            }
        } else if (a[0] == '-' && a[1] == 'I') {
            if (!a[2] && i + 1 >= argc) {
                fprintf(stderr, "tdslc: -I needs a directory\n%s", usage);
                return -1;
            }
            if (o->ninc < 64) o->inc[o->ninc++] = a[2] ? a + 2 : argv[++i];
        } else if (a[0] == '-' && a[1] == 'O' && a[2] >= '0' && a[2] <= '3' && !a[3]) {
            o->cg.opt_level = a[2] - '0';
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tdslc: unknown option '%s'\n%s", a, usage);
            return -1;
        } else if (o->nfiles < 64) {
            o->files[o->nfiles++] = a;
        }
    }
    if (!o->nfiles) {
        fputs(usage, stderr);
        return -1;
    }
    return 0;
}

/* OUT with its extension replaced by ext ("foo.o" -> "foo.h") */
static char *with_ext(Arena *a, const char *path, const char *ext)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    return arena_printf(a, "%.*s%s", (int)n, path, ext);
}

/* Header guard from the header's file name: "build/foo-bar.h" -> TDSL_FOO_BAR_H */
static char *guard_of(Arena *a, const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *g = arena_printf(a, "TDSL_%s", base);
    for (char *p = g; *p; p++)
        *p = (char)((*p >= 'a' && *p <= 'z')                                 ? *p - 32
                    : ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) ? *p
                                                                             : '_');
    return g;
}

static int write_header(Arena *a, LFunc **fns, int n, const char *path, Diag *d)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        diag_plain(d, "cannot write '%s'", path);
        return -1;
    }
    header_emit(f, fns, n, guard_of(a, strcmp(path, "-") ? path : "stdout.h"));
    if (f != stdout) fclose(f);
    return 0;
}

static void print_prim(FILE *out, const SchedPrim *p)
{
    fprintf(out, "%s.%s(", p->stage, p->prim);
    for (int i = 0; i < p->nargs; i++) {
        if (i) fputs(", ", out);
        if (p->args[i].is_int) fprintf(out, "%lld", (long long)p->args[i].ival);
        else fputs(p->args[i].name, out);
    }
    fputs(")", out);
}

/* The fns of the files named get entry points; a module's fns are compiled
 * into the entries that call them, as private kernels. */
static bool exported(const Options *o, const Fn *f)
{
    const ModFile *mf = modules_file_of(&o->mods, f);
    return !mf || mf->rank != MOD_MODULE;
}

/* Which fns the object holds code for: the exported ones and, transitively,
 * the fns they call (program order puts every callee before its callers). */
static bool *compiled_in(Arena *a, const Options *o, const Program *prog)
{
    bool *in = ARENA_ARRAY(a, bool, prog->nfns + 1);
    for (int i = prog->nfns - 1; i >= 0; i--) {
        Fn *f = prog->fns[i];
        in[i] |= exported(o, f);
        for (int k = 0; k < f->nstmts && in[i]; k++) {
            if (f->stmts[k]->kind != ST_CALL) continue;
            for (int j = 0; j < i; j++) in[j] |= prog->fns[j] == f->stmts[k]->fn;
        }
    }
    return in;
}

/* --emit steps: each fn's loops before its schedule and after each primitive
 * (the fns compiled in, as --emit loops shows them). */
static int emit_steps(Arena *a, const Options *o, Program *prog, LFunc **fns, int n, Diag *d)
{
    const char *sep = "";
    bool *in = compiled_in(a, o, prog);
    for (int i = 0; i < n; i++) {
        Fn *f = prog->fns[i];
        int step = 0;
        if (!in[i]) continue;
        printf("%s# %s: unscheduled\n", sep, f->name);
        sep = "\n";
        LFunc *lf = lower_fn_scheduled(a, prog, f, 0, fns, i, d);
        if (!lf) return -1;
        loopir_print_func(stdout, lf);
        for (int b = 0; b < prog->nscheds; b++) {
            if (strcmp(prog->scheds[b]->fn, f->name)) continue;
            for (int k = 0; k < prog->scheds[b]->nprims; k++) {
                printf("\n# %s: step %d: ", f->name, ++step);
                print_prim(stdout, prog->scheds[b]->prims[k]);
                putchar('\n');
                if (!(lf = lower_fn_scheduled(a, prog, f, step, fns, i, d))) return -1;
                loopir_print_func(stdout, lf);
            }
        }
    }
    return 0;
}

static int emit(Arena *a, Options *o, Program *prog, LFunc **all, int nall, Diag *d)
{
    const char *e = o->emit;
    if (!strcmp(e, "steps")) return emit_steps(a, o, prog, all, nall, d);
    LFunc **fns = ARENA_ARRAY(a, LFunc *, nall + 1);
    int n = 0;
    for (int i = 0; i < nall; i++)
        if (exported(o, all[i]->fn)) fns[n++] = all[i];
    if (!strcmp(e, "ast")) {
        ast_print_program(stdout, prog);
        return 0;
    }
    if (!strcmp(e, "loops")) {
        bool *in = compiled_in(a, o, prog);
        for (int i = 0; i < nall; i++)
            if (in[i]) loopir_print_func(stdout, all[i]);
        return 0;
    }
    if (!strcmp(e, "header")) return write_header(a, fns, n, o->out ? o->out : "-", d);
    EmitKind kind = !strcmp(e, "obj") ? EMIT_OBJ : !strcmp(e, "asm") ? EMIT_ASM : EMIT_LLVM;
    const char *ext = kind == EMIT_OBJ ? ".o" : kind == EMIT_ASM ? ".s" : ".ll";
    const char *out = o->out ? o->out : with_ext(a, o->files[0], ext);
    if (aot_emit(fns, n, &o->cg, kind, out, d)) return -1;
    if (kind == EMIT_OBJ) return write_header(a, fns, n, o->header ? o->header : with_ext(a, out, ".h"), d);
    return 0;
}

static int run_tune(Arena *a, Options *o, Program *prog, Diag *d)
{
    if (!o->tune.out) o->tune.out = arena_printf(a, "%s.sched.tdsl", o->tune.fn);
    o->tune.log = stderr;
    o->tune.target = o->cg.target;      /* tune for the CPU the object is for */
    return tune_fn(a, prog, &o->tune, NULL, d) ? 1 : 0;
}

/* MODEL.onnx --tune: its calls tuned (tune/calls.c) before it compiles */
static int tune_model(Arena *a, Options *o, Program *prog, Diag *d)
{
    if (!o->model_fn) {
        diag_plain(d, "--tune without a fn name tunes an .onnx model's kernels; for a .tdsl file give --tune FN");
        return -1;
    }
    o->tune.log = stderr;
    o->tune.target = o->cg.target;
    return tune_calls(a, prog, o->model_fn, &o->tune, d);
}

static bool is_onnx(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && !strcmp(path + n - 5, ".onnx");
}

/* modules, sema, lower, then the output (or tuning): the one pipeline of
 * every program. Errors up to lowering go to front (for an imported model
 * they are the importer's bugs); writing the output reports to stderr. */
static int compile(Arena *a, Options *o, const char *argv0, Diag *front)
{
    Diag d;
    diag_init(&d, stderr);
    Program prog = { 0 };
    modules_init(&o->mods, a, front, o->inc, o->ninc, getenv("TDSL_PATH"), modules_exe_path(a, argv0));
    for (int i = 0; i < o->nfiles; i++)
        modules_load_file(&o->mods, o->files[i], o->is_schedule[i] ? MOD_SCHEDULE : MOD_NAMED);
    if (!front->nerrors) modules_program(&o->mods, &prog);
    int rc = 1, n = 0;
    LFunc **fns = NULL;
    if (!front->nerrors && !sema_check(a, &prog, front)) {
        if (o->tune.fn) rc = run_tune(a, o, &prog, &d);
        else if (o->tune_model && tune_model(a, o, &prog, &d)) rc = 1;
        else if (!strcmp(o->emit, "ast")) rc = emit(a, o, &prog, NULL, 0, &d) ? 1 : 0;
        else if ((n = lower_program(a, &prog, &fns, front)) >= 0) rc = emit(a, o, &prog, fns, n, &d) ? 1 : 0;
    }
    return rc;
}

static bool known_emit(const char *e)
{
    return !strcmp(e, "obj") || !strcmp(e, "asm") || !strcmp(e, "llvm") || !strcmp(e, "loops") || !strcmp(e, "steps") ||
           !strcmp(e, "ast") || !strcmp(e, "header");
}

/* --emit graph|tdsl: the importer alone */
static int onnx_print(Arena *a, Options *o, OnnxGraph *g, const GraphStats *st)
{
    FILE *out = stdout;
    if (o->out && strcmp(o->out, "-") && !(out = fopen(o->out, "w"))) {
        fprintf(stderr, "error: cannot write '%s'\n", o->out);
        return 1;
    }
    int rc = 0;
    if (!strcmp(o->emit, "graph") && o->cg.opt_level == 0) onnx_print_graph(out, g, NULL);
    else if (!strcmp(o->emit, "graph")) graph_print(out, g, st);
    else {
        const char *name = o->name ? o->name : onnx_fn_name(a, o->files[0]);
        bool to_file = out != stdout;
        const char *dir =
            to_file && strrchr(o->out, '/') ? arena_strndup(a, o->out, strrchr(o->out, '/') - o->out) : ".";
        const char *prefix = onnx_fn_name(a, to_file ? o->out : o->files[0]);
        rc = onnx_emit_tdsl(out, g, name, to_file ? dir : NULL, prefix) ? 1 : 0;
    }
    if (out != stdout) fclose(out);
    return rc;
}

/* tdslc MODEL.onnx [-o OUT]: the model as a TDSL program in a private
 * directory, compiled like a .tdsl file, then the directory removed. The
 * importer writes only programs that check, so an error there is its bug. */
static int onnx_compile(Arena *a, Options *o, OnnxGraph *g, const char *argv0)
{
    const char *model = o->files[0], *dir = NULL;
    const char *name = o->name ? o->name : onnx_fn_name(a, model);
    const char *ext = !strcmp(o->emit, "obj") ? ".o" : !strcmp(o->emit, "asm") ? ".s" : ".ll";
    if (!o->out && (!strcmp(o->emit, "obj") || !strcmp(o->emit, "asm") || !strcmp(o->emit, "llvm")))
        o->out = with_ext(a, model, ext);
    const char *path = onnx_emit_tdsl_tmp(g, name, &dir);
    int rc = 1;
    if (path) {
        char *msgs = NULL;
        size_t len = 0;
        Diag front;
        diag_init(&front, open_memstream(&msgs, &len));
        o->files[0] = path;
        o->model_fn = name;
        rc = compile(a, o, argv0, &front);
        fclose(front.out);
        if (front.nerrors)
            fprintf(stderr, "%s: internal error: the TDSL program imported from it does not compile:\n%s", model, msgs);
        else fputs(msgs, stderr);
        free(msgs);
        o->files[0] = model;
    }
    onnx_remove_dir(dir);
    return rc;
}

static int main_onnx(Options *o, const char *argv0)
{
    bool print = !strcmp(o->emit, "graph") || !strcmp(o->emit, "tdsl");
    if (o->nfiles != 1 || (!print && !known_emit(o->emit))) {
        fprintf(stderr, "tdslc: an .onnx model is compiled alone (--emit graph|tdsl|obj|asm|llvm|header|loops)\n%s",
                usage);
        return 2;
    }
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, stderr);
    OnnxGraph *g = onnx_load(&a, o->files[0], &d);
    GraphStats st;
    if (g && o->cg.opt_level > 0) graph_optimize(g, &st);   /* -O0: the graph as the model gives it */
    int rc = !g ? 1 : print ? onnx_print(&a, o, g, &st) : onnx_compile(&a, o, g, argv0);
    arena_free(&a);
    if (!print) LLVMShutdown();
    return rc;
}

int main(int argc, char **argv)
{
    Options o = { 0 };
    if (parse_args(argc, argv, &o)) return 2;
    if (o.nfiles && is_onnx(o.files[0])) return main_onnx(&o, argv[0]);
    if (!known_emit(o.emit)) {
        fprintf(stderr, "tdslc: unknown --emit kind '%s'\n%s", o.emit, usage);
        return 2;
    }
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, stderr);
    int rc = compile(&a, &o, argv[0], &d);
    arena_free(&a);
    LLVMShutdown();
    return rc;
}
