/* repl_ffi.c - what calling through libffi costs the REPL: one JIT-compiled
 * entry point (a tiny fn, so the call itself dominates) called directly
 * through a C function pointer and through ffi_call with a prepared cif (as
 * repl/call.c does), and the same for an empty C function.
 * Usage: repl_ffi [CALLS]  (default 10000000) */
#include "lang/ast.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "runtime/tdsl_tensor.h"
#include "sema/sema.h"
#include <ffi.h>
#include <llvm-c/Core.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef int (*Entry)(const tdsl_tensor *, float, tdsl_tensor *);

__attribute__((noinline)) static int empty_fn(const tdsl_tensor *a, float s, tdsl_tensor *b)
{
    __asm__ volatile("" ::"r"(a), "r"(b), "x"(s) : "memory");
    return 0;
}

/* ns per call, best of 5 rounds */
static double direct(Entry f, long n, const tdsl_tensor *a, tdsl_tensor *b)
{
    double best = 1e9;
    for (int k = 0; k < 5; k++) {
        int acc = 0;
        double t0 = now();
        for (long i = 0; i < n; i++) acc |= f(a, 2.0f, b);
        double t = (now() - t0) / (double)n * 1e9;
        if (acc) exit(1);
        if (t < best) best = t;
    }
    return best;
}

static double via_ffi(Entry f, long n, const tdsl_tensor *a, tdsl_tensor *b)
{
    ffi_type *types[3] = { &ffi_type_pointer, &ffi_type_float, &ffi_type_pointer };
    ffi_cif cif;
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 3, &ffi_type_sint32, types) != FFI_OK) exit(1);
    float s = 2.0f;
    const void *pa = a;
    void *pb = b;
    void *args[3] = { &pa, &s, &pb };
    double best = 1e9;
    for (int k = 0; k < 5; k++) {
        ffi_arg acc = 0, rv;
        double t0 = now();
        for (long i = 0; i < n; i++) {
            ffi_call(&cif, FFI_FN(f), &rv, args);
            acc |= rv;
        }
        double t = (now() - t0) / (double)n * 1e9;
        if (acc) exit(1);
        if (t < best) best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000;
    static const char text[] = "fn scale(A: f32[n], s: f32) -> B: f32[n] {\n    B[i] = A[i] * s\n}\n";
    Arena a;
    arena_init(&a);
    Diag d;
    diag_init(&d, stderr);
    Source src = { "scale.tdsl", text };
    Program p = { 0 };
    LFunc **fns;
    if (parse_source(&a, &src, &p, &d) || sema_check(&a, &p, &d) || lower_program(&a, &p, &fns, &d) != 1) return 1;
    Jit *j = jit_create(&d);
    if (!j || jit_add(j, fns, 1, 3, &d)) return 1;
    Entry f = (Entry)(uintptr_t)jit_lookup(j, "scale");
    float x[1] = { 3.0f }, y[1];
    tdsl_tensor A = TDSL_F32(x, 1), B = TDSL_F32(y, 1);
    if (!f || f(&A, 2.0f, &B) || y[0] != 6.0f) return 1;
    double jd = direct(f, n, &A, &B), jf = via_ffi(f, n, &A, &B);
    double cd = direct(empty_fn, n, &A, &B), cf = via_ffi(empty_fn, n, &A, &B);
    printf("libffi call overhead (best of 5 x %ld calls; int f(const tdsl_tensor *, float, tdsl_tensor *)):\n", n);
    printf("  JIT entry scale, 1 element:  direct %6.2f ns   ffi_call %6.2f ns   overhead %6.2f ns\n", jd, jf, jf - jd);
    printf("  empty C function:            direct %6.2f ns   ffi_call %6.2f ns   overhead %6.2f ns\n", cd, cf, cf - cd);
    jit_destroy(j);
    arena_free(&a);
    LLVMShutdown();
    return 0;
}
