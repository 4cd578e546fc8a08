/* jit_shim.c - lets an end-to-end harness run against the in-process JIT:
 * compiled with -DTDSL_JIT_LOOKUP=tdsl_test_jit_lookup, each generated entry
 * point name becomes a lookup here, which JIT-compiles $TDSL_JIT_FILE once. */
#include "lang/ast.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include <llvm-c/Core.h>
#include <stdlib.h>
#include <string.h>

void *tdsl_test_jit_lookup(const char *name);

static Arena arena;
static Jit *jit;

static void shutdown_jit(void)
{
    jit_destroy(jit);
    arena_free(&arena);
    LLVMShutdown();
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = arena_alloc(&arena, (size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

void tdsl_test_jit_rewrite(LFunc **fns, int n);

/* A harness variant may rewrite the loop IR before it is compiled
 * (tests/pool/par_shim.c makes loops parallel); by default nothing changes. */
__attribute__((weak)) void tdsl_test_jit_rewrite(LFunc **fns, int n) { (void)fns, (void)n; }

static void start(void)
{
    const char *path = getenv("TDSL_JIT_FILE");
    Diag d;
    diag_init(&d, stderr);
    arena_init(&arena);
    Source *src = ARENA_NEW(&arena, Source);
    src->path = path ? path : "(unset TDSL_JIT_FILE)";
    src->text = path ? slurp(path) : NULL;
    Program prog = { 0 };
    LFunc **fns;
    int n = -1;
    if (!src->text) diag_plain(&d, "cannot read '%s'", src->path);
    else if (!parse_source(&arena, src, &prog, &d) && !sema_check(&arena, &prog, &d))
        n = lower_program(&arena, &prog, &fns, &d);
    if (n >= 0) tdsl_test_jit_rewrite(fns, n);
    if (n < 0 || !(jit = jit_create(&d)) || jit_add(jit, fns, n, 3, &d)) {
        fprintf(stderr, "jit_shim: compiling %s failed\n", src->path);
        exit(1);
    }
    atexit(shutdown_jit);
}

void *tdsl_test_jit_lookup(const char *name)
{
    if (!jit) start();
    void *p = jit_lookup(jit, name);
    if (!p) {
        fprintf(stderr, "jit_shim: no function '%s'\n", name);
        exit(1);
    }
    return p;
}
