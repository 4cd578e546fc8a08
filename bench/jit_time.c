/* jit_time.c - JIT compile time (parse + check + lower + LLVM O3 + machine
 * code) of each fn in the given files, median of several compilations. */
#include "lang/ast.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include <llvm-c/Core.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static char *slurp(Arena *a, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = arena_alloc(a, (size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = 0;
    fclose(f);
    return s;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Compiles fn `name` of path (with the fns it calls) once; returns seconds. */
static double compile_once(const char *path, int which, const char **name)
{
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, stderr);
    double t0 = now();
    Source src = { path, slurp(&a, path) };
    Program p = { 0 };
    LFunc **fns;
    if (!src.text || parse_source(&a, &src, &p, &d) || sema_check(&a, &p, &d)) exit(1);
    int n = lower_program(&a, &p, &fns, &d);
    if (which >= n) {
        arena_free(&a);
        return -1;
    }
    Jit *j = jit_create(&d);
    if (!j || jit_add(j, fns, which + 1, 3, &d)) exit(1);
    double t = now() - t0;
    *name = strdup(fns[which]->name);
    jit_destroy(j);
    arena_free(&a);
    return t;
}

int main(int argc, char **argv)
{
    printf("JIT compile time, median of 7 (parse .. machine code of the fn and the fns before it in its file):\n");
    for (int f = 1; f < argc; f++)
        for (int which = 0;; which++) {
            double t[7];
            const char *name = NULL;
            int k;
            for (k = 0; k < 7; k++) {
                if (name) free((void *)name);
                if ((t[k] = compile_once(argv[f], which, &name)) < 0) break;
            }
            if (k < 7) break;
            qsort(t, 7, sizeof(double), cmp);
            printf("  %-14s %7.2f ms   (%s)\n", name, t[3] * 1e3, argv[f]);
            free((void *)name);
        }
    LLVMShutdown();
    return 0;
}
