/* parflip.c - test-only tdslc: lowers .tdsl files, makes loops parallel with
 * par_flip (no schedule needed), and writes an object plus its header, or the
 * loops. Usage: parflip [--nest] [--emit obj|llvm|loops] [--target T] FILE.tdsl... -o OUT */
#include "lower/lower.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "par_flip.h"
#include <llvm-c/Core.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(Arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = arena_alloc(a, (size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *emit = "obj", *files[16];
    int nfiles = 0, nest = 0;
    CodegenOptions cg = { NULL, 3 };
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--emit") && i + 1 < argc) emit = argv[++i];
        else if (!strcmp(argv[i], "--target") && i + 1 < argc) cg.target = argv[++i];
        else if (!strcmp(argv[i], "--nest")) nest = 1;
        else if (nfiles < 16) files[nfiles++] = argv[i];
    }
    if (!nfiles || (!out && strcmp(emit, "loops"))) {
        fprintf(stderr, "usage: parflip [--nest] [--emit obj|llvm|loops] [--target T] FILE.tdsl... -o OUT\n");
        return 2;
    }
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, stderr);
    Program prog = { 0 };
    for (int i = 0; i < nfiles; i++) {
        Source *src = ARENA_NEW(&a, Source);
        src->path = files[i];
        src->text = slurp(&a, files[i]);
        if (!src->text) diag_plain(&d, "cannot read '%s'", files[i]);
        else parse_source(&a, src, &prog, &d);
    }
    LFunc **fns = NULL;
    int n = -1, rc = 1;
    if (!d.nerrors && !sema_check(&a, &prog, &d)) n = lower_program(&a, &prog, &fns, &d);
    if (n >= 0) {
        int k = par_flip(fns, n, nest);
        if (!strcmp(emit, "loops")) {
            for (int i = 0; i < n; i++) loopir_print_func(stdout, fns[i]);
            rc = 0;
        } else if (!aot_emit(fns, n, &cg, !strcmp(emit, "llvm") ? EMIT_LLVM : EMIT_OBJ, out, &d)) {
            rc = 0;
            if (!strcmp(emit, "obj")) {
                size_t len = strlen(out);
                char *h =
                    arena_printf(&a, "%.*s.h", (int)(len > 2 && !strcmp(out + len - 2, ".o") ? len - 2 : len), out);
                char *guard = arena_printf(&a, "TDSL_PARFLIP_%s", strrchr(h, '/') ? strrchr(h, '/') + 1 : h);
                for (char *p = guard; *p; p++)
                    if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
                        *p = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : '_';
                FILE *f = fopen(h, "w");
                if (!f || header_emit(f, fns, n, guard)) rc = 1;
                if (f) fclose(f);
            }
        }
        if (!rc && !k) fprintf(stderr, "parflip: note: no loop could be made parallel\n");
    }
    arena_free(&a);
    LLVMShutdown();
    return rc;
}
