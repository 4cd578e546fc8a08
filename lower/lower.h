/* lower.h - from the checked AST to machine code: AST -> loop IR (to_loops.c),
 * loop IR -> LLVM (codegen_llvm.c), object/asm/llvm files (aot.c), the C header
 * (header.c) and the in-process JIT (jit.c). */
#ifndef TDSL_LOWER_H
#define TDSL_LOWER_H
#include "lang/ast.h"
#include "lang/loopir.h"
#include <stdio.h>

/* Lowers every checked fn of prog (in program order) to loop IR under the
 * schedule blocks naming it (all of them, in order); *out gets an array of
 * LFunc*, one per fn. Returns the count, or -1 after reporting errors. */
int lower_program(Arena *a, Program *prog, LFunc ***out, Diag *d);
/* Lowers one fn under the first `limit` primitives of its schedule (-1: all);
 * done[0..ndone-1] are the lowered fns it may call. NULL after errors. */
LFunc *lower_fn_scheduled(Arena *a, Program *prog, Fn *f, int limit, LFunc **done, int ndone, Diag *d);

typedef enum EmitKind { EMIT_OBJ, EMIT_ASM, EMIT_LLVM } EmitKind;

typedef struct CodegenOptions {
    const char *target;     /* NULL or "x86-64-v3": baseline; "host": this CPU; "aarch64", ... */
    int opt_level;          /* 0..3, default 3 */
} CodegenOptions;

/* Compiles fns into one module and writes it to path (obj, asm or .ll). */
int aot_emit(LFunc **fns, int n, const CodegenOptions *opt, EmitKind kind, const char *path, Diag *d);

/* Writes the C header declaring one entry point per fn. */
int header_emit(FILE *out, LFunc **fns, int n, const char *guard);

/* In-process JIT (ORC LLJIT) for the host CPU. Entry points have the same C ABI
 * as in the object file. Each jit_add is its own resource (replaceable later). */
typedef struct Jit Jit;
Jit *jit_create(Diag *d);
/* the same for target ("host", "x86-64-v3", ...: a CPU this one can run; the tuner's trials) */
Jit *jit_create_for(const char *target, Diag *d);
/* target's vector registers (as above; NULL: x86-64-v3) and the f32 lanes of
 * each: x86-64-v3 16 x 8, an AVX-512 host 32 x 16, aarch64 32 x 4 */
int tgt_vector_regs(const char *target, int *lanes);
int jit_add(Jit *j, LFunc **fns, int n, int opt_level, Diag *d);
void *jit_lookup(Jit *j, const char *name);
/* Releases the code of the jit_add that defined entry point `name` (and of the
 * other fns of that add); nothing may be running it. -1 if none defined it. */
int jit_remove(Jit *j, const char *name);
/* The module jit_add would build for fns, optimised at opt_level for this CPU,
 * as LLVM IR text (EMIT_LLVM) or assembly (EMIT_ASM); a malloc'd string, or
 * NULL after reporting to d. Adds nothing to the JIT. */
char *jit_emit(Jit *j, LFunc **fns, int n, int opt_level, EmitKind kind, Diag *d);
void jit_destroy(Jit *j);

#endif
