/* codegen.h - private to lower/: the LLVM back end shared by codegen_llvm.c
 * (kernels), entry.c (checked entry points), target.c (TargetMachine, passes),
 * aot.c and jit.c. The module's data layout is set from the TM before any IR
 * is built, so every load/store/alloca gets the right default alignment. */
#ifndef TDSL_CODEGEN_H
#define TDSL_CODEGEN_H
#include "lang/diag.h"
#include "lang/loopir.h"
#include "lower/lower.h"
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
    const void **const_data;        /* the consts' data emitted so far ... */
    LLVMValueRef *const_globals;    /* ... and their globals */
    int nconsts, capconsts, capglobals;
    LLVMTypeRef i1, i8, i16, i32, i64, f32, f64, ptr, voidt;
} CgModule;

#define CG_MAX_VERSIONED 64

typedef struct BufInfo {
    const Buffer *buf;
    LLVMValueRef base;
    LLVMValueRef *min, *stride;     /* per dim, i64 (malloc'd) */
} BufInfo;

typedef struct VarBind {
    const LVar *var;
    LLVMValueRef val;
} VarBind;

typedef struct CgFunc {
    CgModule *m;
    LLVMValueRef fn;
    LLVMBuilderRef ab;              /* allocas: end of the entry block */
    LLVMValueRef *sizes;
    int nsizes;
    LLVMValueRef *scalars;          /* per fn param */
    int nscalars;
    BufInfo *bufs;                  /* scope stack */
    int nbufs, capbufs;
    VarBind *vars;
    int nvars, capvars;
    LLVMValueRef ws;                /* its workspace (lower/workspace.c): the offsets of ws_off count from here */
    LLVMValueRef *live;             /* malloc'd buffers live here, outermost first */
    int nlive, caplive;
    /* vector/unroll loops whose full-or-partial test an enclosing serial loop
     * already made (cg_versioned_for); full[] are known to be full */
    const LStmt *full[CG_MAX_VERSIONED], *tried[CG_MAX_VERSIONED];
    int nfull, ntried;
} CgFunc;

/* ---- codegen_llvm.c ---- */
/* Builds a module holding a kernel and an entry point per fn; data layout and
 * triple come from tm. Returns NULL after reporting to d. */
LLVMModuleRef cg_build_module(LLVMContextRef ctx, LLVMTargetMachineRef tm, const char *name, LFunc **fns, int n,
                              Diag *d);
LLVMTypeRef cg_type(CgModule *m, DType t);       /* in registers: bool is i1 */
LLVMTypeRef cg_mem_type(CgModule *m, DType t);   /* in memory: bool is i8 */
/* The kernel `tdsl.k.<name>` (declared on first use, defined once). */
LLVMValueRef cg_kernel_decl(CgModule *m, const LFunc *f);
void cg_internal_error(CgModule *m, const char *what);
LLVMValueRef cg_i64(CgModule *m, int64_t v);
unsigned cg_elem_bytes(DType t);
LLVMValueRef cg_fpflag(LLVMValueRef v);
LLVMValueRef cg_fminmax(CgModule *m, bool is_max, LLVMValueRef a, LLVMValueRef b);
/* Math call e on operands a (scalars or vectors of dtype t, LLVM type T):
 * intrinsics where LLVM has them, else libm(ctx, name, T, a[0]); NULL if e is
 * not a supported call. Scalar and vector code alike. */
typedef LLVMValueRef (*CgLibmFn)(void *ctx, const char *name, LLVMTypeRef T, LLVMValueRef x);
LLVMValueRef cg_math(CgModule *m, const LExpr *e, DType t, LLVMTypeRef T, LLVMValueRef *a, CgLibmFn libm, void *ctx);
bool cg_fma_parts(const LExpr *e, const LExpr **a, const LExpr **b, const LExpr **c, bool *neg_ab, bool *neg_c);
LLVMValueRef cg_call_intrinsic(CgModule *m, const char *name, LLVMTypeRef *ov, int nov, LLVMValueRef *args, int nargs);
LLVMValueRef cg_libfn(CgModule *m, const char *name, LLVMTypeRef ret, LLVMTypeRef *ps, int n);
/* Scopes of a kernel under construction. */
LLVMValueRef cg_lookup_var(CgFunc *f, const LVar *v);
const BufInfo *cg_lookup_buf(CgFunc *f, const Buffer *b);
void cg_bind_buf(CgFunc *f, const Buffer *b, LLVMValueRef base);  /* computes min and strides here */
void cg_unbind_buf(CgFunc *f);
LLVMValueRef cg_elem_addr(CgFunc *f, const Buffer *b, LExpr *const *idx);
/* i64 index a + b (a - b when sub) and a * b with constant terms kept outermost */
LLVMValueRef cg_iadd(CgModule *m, LLVMValueRef a, LLVMValueRef b, bool sub);
LLVMValueRef cg_imul(CgModule *m, LLVMValueRef a, LLVMValueRef b);
bool cg_has_load(const LExpr *e);
LLVMValueRef cg_convert(CgFunc *f, LLVMValueRef v, DType from, DType to);
LLVMValueRef cg_expr(CgFunc *f, const LExpr *e);
/* a op b (arithmetic, comparison, &&, ||) on dtype t; scalars or vectors alike. */
LLVMValueRef cg_binop(CgModule *m, Op op, DType t, LLVMValueRef a, LLVMValueRef b);
void cg_stmt(CgFunc *f, const LStmt *s);
void cg_emit_free(CgFunc *f, LLVMValueRef p);
/* the address off (an expression over sizes) bytes into f's workspace */
LLVMValueRef cg_ws_addr(CgFunc *f, const LExpr *off, const char *name);
void cg_error_return(CgFunc *f, LLVMValueRef code);   /* frees live buffers, returns code */
/* if bad, cg_error_return(code) in block fail_name; goes on in block ok_name */
void cg_fail_if(CgFunc *f, LLVMValueRef bad, LLVMValueRef code, const char *fail_name, const char *ok_name);
/* the same for a nonzero status r (i32), returning r */
void cg_return_on_error(CgFunc *f, LLVMValueRef r, const char *fail_name, const char *ok_name);
/* LS_FOR by loop kind: codegen_llvm.c (serial), codegen_parallel.c, codegen_vector.c. */
void cg_serial_for(CgFunc *f, const LStmt *s);
/* for s's var in lo .. lo+n-1 (both already emitted): body(ctx, s->body[0]) */
typedef void (*CgBodyFn)(void *ctx, const LStmt *body);
void cg_loop(CgFunc *f, const LStmt *s, LLVMValueRef lo, LLVMValueRef n, CgBodyFn body, void *ctx);
/* if (c) body(ctx, s->body[0]) else body(ctx, s->body[1]) for LS_IF s, c already emitted */
void cg_if(CgFunc *f, const LStmt *s, LLVMValueRef c, CgBodyFn body, void *ctx);
/* binds v to val in f's innermost scope (f->nvars-- unbinds it) */
void cg_push_var(CgFunc *f, const LVar *v, LLVMValueRef val);
/* at the top of iteration i of serial loop `loop` (ending before hi): prefetch
 * the rows a gather in its body reads some iterations ahead (codegen_prefetch.c) */
void cg_prefetch(CgFunc *f, const LStmt *loop, LLVMValueRef i, LLVMValueRef hi);
/* ends kernel f (returns 0; its alloca block branches to body) and frees its scopes */
void cg_func_finish(CgFunc *f, LLVMBasicBlockRef body);
void cg_parallel_for(CgFunc *f, const LStmt *s);
void cg_vector_for(CgFunc *f, const LStmt *s);
void cg_unroll_for(CgFunc *f, const LStmt *s);
/* A serial loop, versioned on whether the vector/unroll loops inside it whose
 * extents it does not change are full (codegen_vector.c). */
void cg_versioned_for(CgFunc *f, const LStmt *s);

/* ---- codegen_ext.c ---- */
/* The private constant global holding BUF_CONST b's data (one per data and module). */
LLVMValueRef cg_const_data(CgModule *m, const Buffer *b);
/* The body of extern fn lf's kernel: descriptors of its buffers, the call of
 * lf->extern_sym, and a return of its nonzero code. */
void cg_extern_call(CgFunc *f, const LFunc *lf);

/* ---- codegen_size.c ---- */
/* Sizes in i64 with overflow checks: each ORs into *ovf (an i1; left NULL where
 * nothing can overflow) whether the true value does not fit.
 * cg_iarith_ovf: i64 a op b, + - * checked; other operators as cg_binop. */
LLVMValueRef cg_iarith_ovf(CgModule *m, Op op, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf);
/* An index expression over size vars (+ - * checked; / % min max select pass through). */
LLVMValueRef cg_size_checked(CgFunc *f, const LExpr *e, LLVMValueRef *ovf);
/* The same at the builder's position with only size vars in scope; sizes[k] is
 * the value of size var k (NULL: not bound yet). */
LLVMValueRef cg_size_expr(CgModule *m, LLVMValueRef fn, LLVMValueRef *sizes, int nsizes, const LExpr *e,
                          LLVMValueRef *ovf);
/* elem * ext[0] * ... * ext[n-1] bytes, negative extents taken as 0; an empty
 * shape is 0 bytes and never overflows. dim_ovf[k]: the running product first
 * overflows at dim k. */
LLVMValueRef cg_bytes_of(CgModule *m, unsigned elem, LLVMValueRef *ext, int n, LLVMValueRef *dim_ovf);
/* Bytes of local buffer b from its extents (cg_size_checked, then cg_bytes_of). */
LLVMValueRef cg_alloc_bytes(CgFunc *f, const Buffer *b, LLVMValueRef *ovf);

/* ---- codegen_math.c ---- */
/* f32 math function fn of x (a float or a vector of floats) as TDSL's own IR,
 * the same instructions for every lane; NULL where fn has none (libm then). */
LLVMValueRef cg_math_f32(CgModule *m, MathFn fn, LLVMValueRef x);
/* MF_ARGKEY_MAX/MIN of x (dtype t, at most 32 bits; scalar or vector type T)
 * and MF_ARGPOS of an i64 key (codegen_math.c) */
LLVMValueRef cg_argkey(CgModule *m, MathFn fn, DType t, LLVMTypeRef T, LLVMValueRef x);
/* f32 pow(x, y) likewise: within 2 ulp, C99 Annex F's special cases exact */
LLVMValueRef cg_pow_f32(CgModule *m, LLVMValueRef x, LLVMValueRef y);

/* ---- runtime_link.c ---- */
/* When mod calls the thread pool (a parallel loop), links the pool's bitcode
 * for mod's target into it (before optimisation). Returns 0, or -1 after reporting. */
int rt_link_pool(LLVMModuleRef mod, Diag *d);

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
