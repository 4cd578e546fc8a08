/* tdslc.c - the command-line compiler: parse, check, lower, and emit an
 * object file plus its C header (or any intermediate form with --emit). */
#include "../lang/ast.h"
#include "../lang/loopir.h"
#include "../lower/lower.h"
#include "../parser/parse.h"
#include "../sema/sema.h"
#include <llvm-c/Core.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: tdslc FILE.tdsl... [-o OUT] [--header OUT.h] [--schedule FILE]\n"
    "             [--emit obj|asm|llvm|loops|ast|header] [--target x86-64-v3|host|aarch64] [-O0..3]\n"
    "  Compiles tensor functions to an object file plus a C header (default OUT: FILE.o, FILE.h).\n";

typedef struct Options {
    const char *files[64];
    int nfiles;
    const char *out, *header, *emit;
    CodegenOptions cg;
} Options;

static int parse_args(int argc, char **argv, Options *o)
{
    o->emit = "obj";
    o->cg.opt_level = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "-o") ? &o->out : !strcmp(a, "--header") ? &o->header
                          : !strcmp(a, "--emit") ? &o->emit : !strcmp(a, "--target") ? &o->cg.target : NULL;
        if (slot || !strcmp(a, "--schedule")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tdslc: %s needs an argument\n%s", a, usage);
                return -1;
            }
            if (slot) *slot = argv[++i];
            else if (o->nfiles < 64) o->files[o->nfiles++] = argv[++i];
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

static char *read_file(Arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) return NULL;
    char *s = arena_strndup(a, buf, len);
    free(buf);
    return s;
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
    for (char *p = g; *p; p++) *p = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) ? *p : '_');
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

static int emit(Arena *a, Options *o, Program *prog, LFunc **fns, int n, Diag *d)
{
    const char *e = o->emit;
    if (!strcmp(e, "ast")) {
        ast_print_program(stdout, prog);
        return 0;
    }
    if (!strcmp(e, "loops")) {
        for (int i = 0; i < n; i++) loopir_print_func(stdout, fns[i]);
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

int main(int argc, char **argv)
{
    Options o = { 0 };
    if (parse_args(argc, argv, &o)) return 2;
    if (strcmp(o.emit, "obj") && strcmp(o.emit, "asm") && strcmp(o.emit, "llvm") && strcmp(o.emit, "loops") &&
        strcmp(o.emit, "ast") && strcmp(o.emit, "header")) {
        fprintf(stderr, "tdslc: unknown --emit kind '%s'\n%s", o.emit, usage);
        return 2;
    }
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, stderr);
    Program prog = { 0 };
    for (int i = 0; i < o.nfiles; i++) {
        Source *src = ARENA_NEW(&a, Source);
        src->path = o.files[i];
        src->text = read_file(&a, o.files[i]);
        if (!src->text) diag_plain(&d, "cannot read '%s'", o.files[i]);
        else parse_source(&a, src, &prog, &d);
    }
    int rc = 1;
    LFunc **fns = NULL;
    int n = 0;
    if (!d.nerrors && !sema_check(&a, &prog, &d)) {
        if (!strcmp(o.emit, "ast")) rc = emit(&a, &o, &prog, NULL, 0, &d) ? 1 : 0;
        else if ((n = lower_program(&a, &prog, &fns, &d)) >= 0) rc = emit(&a, &o, &prog, fns, n, &d) ? 1 : 0;
    }
    if (d.nerrors > d.max_errors) fprintf(stderr, "(%d errors in all; only the first %d are shown)\n", d.nerrors, d.max_errors);
    arena_free(&a);
    LLVMShutdown();
    return rc;
}
