/* par_shim.c - tests/jit_shim.c with parallel loops: an end-to-end harness
 * compiled with -DTDSL_JIT_LOOKUP=tdsl_test_jit_lookup runs against the JIT
 * after par_flip made loops of $TDSL_JIT_FILE parallel ($PAR_NEST=1: nested too). */
#include "../../lower/lower.h"
#include "../../parser/parse.h"
#include "../../sema/sema.h"
#include "par_flip.h"
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

static void start(void)
{
    const char *path = getenv("TDSL_JIT_FILE"), *nest = getenv("PAR_NEST");
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
    if (n >= 0 && !par_flip(fns, n, nest && *nest == '1')) fprintf(stderr, "par_shim: note: no parallel loop\n");
    if (n < 0 || !(jit = jit_create(&d)) || jit_add(jit, fns, n, 3, &d)) {
        fprintf(stderr, "par_shim: compiling %s failed\n", src->path);
        exit(1);
    }
    atexit(shutdown_jit);
}

void *tdsl_test_jit_lookup(const char *name)
{
    if (!jit) start();
    void *p = jit_lookup(jit, name);
    if (!p) {
        fprintf(stderr, "par_shim: no function '%s'\n", name);
        exit(1);
    }
    return p;
}
