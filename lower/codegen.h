/* codegen.h - private to lower/: the LLVM back end shared by codegen_llvm.c
 * (kernels), entry.c (checked entry points), target.c (TargetMachine, passes),
 * aot.c and jit.c. The module's data layout is set from the TM before any IR
 * is built, so every load/store/alloca gets the right default alignment. */
#ifndef TDSL_CODEGEN_H
#define TDSL_CODEGEN_H
#include "../lang/diag.h"
#include "../lang/loopir.h"
#include "lower.h"
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

/* One module under construction and the types it uses. */
typedef struct CgModule {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    Diag *d;
    int failed;             /* an internal error was reported */
    const LFunc **pending;  /* callees declared by LS_CALL, to define here too */
    int npending, cappending;
    LLVMTypeRef i1, i8, i16, i32, i64, f32, f64, ptr, voidt;
} CgModule;

/* ---- codegen_llvm.c ---- */
/* Builds a module holding a kernel and an entry point per fn; data layout and
 * triple come from tm. Returns NULL after reporting to d. */
LLVMModuleRef cg_build_module(LLVMContextRef ctx, LLVMTargetMachineRef tm, const char *name,
                              LFunc **fns, int n, Diag *d);
LLVMTypeRef cg_type(CgModule *m, DType t);       /* in registers: bool is i1 */
LLVMTypeRef cg_mem_type(CgModule *m, DType t);   /* in memory: bool is i8 */
/* The kernel `tdsl.k.<name>` (declared on first use, defined once). */
LLVMValueRef cg_kernel_decl(CgModule *m, const LFunc *f);
/* Emits an index expression (over size vars only) at the builder's position;
 * sizes[k] is the value of size var k (NULL: not bound yet). */
LLVMValueRef cg_size_expr(CgModule *m, LLVMValueRef fn, LLVMValueRef *sizes, int nsizes,
                          const LExpr *e);
void cg_internal_error(CgModule *m, const char *what);

/* ---- entry.c ---- */
/* The external, argument-checking entry point named f->name. */
void cg_emit_entry(CgModule *m, const LFunc *f);

/* ---- target.c ---- */
void tgt_init(void);
/* target: NULL/"x86-64-v3", "host", "aarch64". NULL after reporting. */
LLVMTargetMachineRef tgt_create(const char *target, int opt_level, Diag *d);
/* Routes LLVM diagnostics to d (errors) and drops remarks, notes, warnings. */
void tgt_set_diag_handler(LLVMContextRef ctx, Diag *d);
/* Verifies, then runs default<O{opt}>. Returns 0, or -1 after reporting. */
int tgt_optimize(LLVMModuleRef mod, LLVMTargetMachineRef tm, int opt_level, Diag *d);

#endif
