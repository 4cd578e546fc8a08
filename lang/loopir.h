/* loopir.h - the loop IR: buffers, loops, allocations, loads, stores and
 * index expressions. Lowering builds it from the checked AST, schedules
 * transform it, codegen turns it into LLVM IR. Buffers are compact row-major;
 * element (i0..in) of buffer B lives at sum((ik - B.min[k]) * stride_k). */
#ifndef TDSL_LOOPIR_H
#define TDSL_LOOPIR_H
#include "lang/arena.h"
#include "lang/ast.h"
#include "lang/types.h"
#include <stdint.h>
#include <stdio.h>

typedef struct LExpr LExpr;
typedef struct LStmt LStmt;
typedef struct LFunc LFunc;

/* A scalar variable: loop counter, size var or scalar parameter; LV_THREADS
 * is the thread pool's thread count (runtime/tdsl_pool.h), which a workspace
 * size reserves one slice per thread by (lower/workspace.c). */
typedef enum LVarKind { LV_LOOP, LV_SIZE, LV_SCALAR, LV_THREADS } LVarKind;
typedef struct LVar {
    const char *name;
    LVarKind kind;
    DType type;         /* DT_I64 for loop and size vars */
    int index;          /* LV_SIZE: size var id; LV_SCALAR: position in fn params */
} LVar;

/* BUF_CONST: a file-scope const, read-only data embedded in the code */
typedef enum BufKind { BUF_PARAM, BUF_RESULT, BUF_LOCAL, BUF_CONST } BufKind;
typedef struct Buffer {
    const char *name;
    BufKind kind;
    DType type;
    int ndim;           /* 0 for a scalar temporary */
    LExpr **min;        /* per dim, over size vars */
    LExpr **extent;
    int index;          /* BUF_PARAM / BUF_RESULT: position among the fn's params / results */
    const void *data;   /* BUF_CONST: its bytes (host order, compact row-major) */
    size_t nbytes;
    /* a root local of constant size placed in its fn's arena (lower/arena.c):
     * it lives at arena_offset bytes into `arena` and has no LS_ALLOC of its own */
    struct Buffer *arena;
    int64_t arena_offset;
    struct Buffer **members;    /* an arena: the buffers it holds */
    int nmembers;
    /* LS_ALLOC'd into its fn's workspace (lower/workspace.c): its byte offset
     * there (over size vars), or NULL (stack, or malloc'd on its own) */
    LExpr *ws_off;
} Buffer;

typedef enum LExprKind {
    LX_INT,
    LX_FLOAT,   /* constants of `type` */
    LX_VAR,             /* var */
    LX_LOAD,            /* buf[args[0..ndim-1]] */
    LX_UNARY,           /* op (OP_NEG, OP_NOT) args[0] */
    LX_BINARY,          /* args[0] op args[1]; ops from ast.h (arith, compare, &&, ||) */
    LX_SELECT,          /* args[0] ? args[1] : args[2]; only the chosen arm is evaluated */
    LX_CALL,            /* fn(args): math function (MF_MIN/MF_MAX: 2 args) */
    LX_CAST,            /* args[0] converted to `type` */
} LExprKind;

struct LExpr {
    LExprKind kind;
    DType type;
    Op op;
    MathFn fn;
    int64_t ival;
    double fval;
    LVar *var;
    Buffer *buf;
    LExpr **args;
    int nargs;
};

/* How a loop runs. SERIAL: in order. PARALLEL: the iterations are independent
 * (the schedule proved it) and run on the thread pool; a parallel loop inside
 * another runs serially. VECTOR: independent iterations; `width` >= 1 is a
 * constant and the extent never exceeds it: when extent == width all lanes run
 * at once as <width x T> LLVM operations, otherwise a serial loop runs the
 * tail. UNROLL: `width` copies of the body when extent == width, else a
 * serial loop. Loop counters are i64. */
typedef enum LoopKind { LOOP_SERIAL, LOOP_PARALLEL, LOOP_VECTOR, LOOP_UNROLL } LoopKind;

typedef enum LStmtKind {
    LS_BLOCK,           /* body[0..nbody-1] in order */
    LS_FOR,             /* for var in min .. min+extent-1: body[0] */
    LS_ALLOC,           /* buf is live (uninitialised) within body[0] */
    LS_STORE,           /* buf[idx] = value */
    LS_IF,              /* if cond: body[0] else body[1] (may be NULL) */
    LS_CALL,            /* callee(args): buffers and scalars in callee ABI order */
} LStmtKind;

struct LStmt {
    LStmtKind kind;
    LStmt **body;
    int nbody;
    LVar *var;          /* LS_FOR */
    LExpr *min, *extent;
    LoopKind loop;
    int width;          /* LOOP_VECTOR lanes / LOOP_UNROLL factor */
    Buffer *buf;        /* LS_ALLOC, LS_STORE */
    LExpr **idx;        /* LS_STORE: buf->ndim indices */
    LExpr *value;       /* LS_STORE */
    LExpr *cond;        /* LS_IF */
    LFunc *callee;      /* LS_CALL */
    Buffer **call_bufs; /* LS_CALL: one per callee tensor param and result, in order (NULL for scalar params) */
    LExpr **call_args;  /* LS_CALL: one per callee param (NULL for tensors), then one per callee size var */
    /* in the workspace (lower/workspace.c): LS_CALL: where the callee's
     * workspace starts; LOOP_PARALLEL: where its per-thread slices start, each
     * ws_slice bytes (the body's offsets are within a slice). NULL: none. */
    LExpr *ws_off, *ws_slice;
};

/* How the entry point binds and checks shapes, in order. Either bind size
 * var `bind` from argument dim (arg, dim) = bind_scale * bind + bind_offset
 * (shape - bind_offset >= 0 and a multiple of bind_scale, else TDSL_ERR_NEGATIVE
 * / TDSL_ERR_SHAPE at that dim); or, when div > 0, bind the derived size var
 * `bind` = expect / div where expect >= 0 (else TDSL_ERR_NEGATIVE at (arg, dim),
 * the dim that bound expect's first size var); or, when bind < 0 and div > 0,
 * check that expect >= 0 (likewise); or check that the shape equals `expect`. */
typedef struct ShapeCheck {
    int arg;            /* 0..nparams-1 params, then nparams.. results */
    int dim;
    int bind;           /* size var id, or -1 */
    int64_t bind_offset;
    LExpr *expect;      /* bind < 0: expected extent over bound size vars; div > 0: the numerator */
    int64_t bind_scale; /* >= 1 when binding from a dim */
    int64_t div;        /* > 0: `bind` is derived, expect / div; with bind < 0: expect >= 0 */
} ShapeCheck;

/* A lowered fn. ABI of its kernel: i32 kernel(params in fn order (tensor: data
 * ptr, scalar: value), result data ptrs, then i64 size vars, then ptr ws: its
 * workspace, ws_bytes bytes, or NULL to allocate it). Returns 0 or an error
 * code (TDSL_ERR_SIZE, TDSL_ERR_NOMEM). */
struct LFunc {
    const char *name;
    Fn *fn;
    Buffer **params;    /* per fn param: its Buffer, or NULL for scalars */
    LVar **scalars;     /* per fn param: its LVar for scalars, or NULL */
    int nparams;
    Buffer **results;
    int nresults;
    LVar **sizes;       /* per size var */
    int nsizes;
    ShapeCheck *checks;
    int nchecks;
    LStmt *body;
    Buffer **consts;    /* the file-scope consts its body reads */
    int nconsts;
    const char *extern_sym; /* an extern fn: its kernel passes descriptors to this C symbol; body is empty */
    Buffer *arena;      /* its root locals of constant size (lower/arena.c), or NULL */
    LExpr *ws_bytes;    /* the bytes its workspace needs, over its size vars and LV_THREADS (lower/workspace.c) */
};

/* Constructors. */
LVar *lv_new(Arena *a, const char *name, LVarKind k, DType t, int index);
LExpr *lx_int(Arena *a, DType t, int64_t v);
LExpr *lx_float(Arena *a, DType t, double v);
LExpr *lx_var(Arena *a, LVar *v);
LExpr *lx_load(Arena *a, Buffer *b, LExpr **idx);
LExpr *lx_unary(Arena *a, Op op, LExpr *x);
LExpr *lx_binary(Arena *a, Op op, LExpr *x, LExpr *y);   /* type: bool for comparisons */
LExpr *lx_select(Arena *a, LExpr *c, LExpr *x, LExpr *y);
LExpr *lx_call(Arena *a, MathFn fn, DType t, LExpr **args, int n);
LExpr *lx_cast(Arena *a, DType t, LExpr *x);
/* i64 index arithmetic that folds constants and identities (x + 0, x * 1,
 * min of constants), so scheduled loops print readably. */
LExpr *ix_const(Arena *a, int64_t v);
LExpr *ix_add(Arena *a, LExpr *x, LExpr *y);
LExpr *ix_sub(Arena *a, LExpr *x, LExpr *y);
LExpr *ix_mul(Arena *a, LExpr *x, int64_t k);
LExpr *ix_mulx(Arena *a, LExpr *x, LExpr *y);
LExpr *ix_div(Arena *a, LExpr *x, int64_t k);      /* x >= 0 */
LExpr *ix_ceildiv(Arena *a, LExpr *x, int64_t k);  /* x >= 0 */
LExpr *ix_mod(Arena *a, LExpr *x, int64_t k);
LExpr *ix_divx(Arena *a, LExpr *x, LExpr *y);
LExpr *ix_modx(Arena *a, LExpr *x, LExpr *y);
LExpr *ix_min(Arena *a, LExpr *x, LExpr *y);
LExpr *ix_max(Arena *a, LExpr *x, LExpr *y);
bool ix_is_const(const LExpr *x, int64_t v);
/* the same expression (size vars by id, other vars by identity) */
bool lx_same(const LExpr *x, const LExpr *y);
LStmt *ls_block(Arena *a);
void ls_append(Arena *a, LStmt *block, LStmt *s);
LStmt *ls_for(Arena *a, LVar *v, LExpr *min, LExpr *extent, LStmt *body);
LStmt *ls_alloc(Arena *a, Buffer *b, LStmt *body);
LStmt *ls_store(Arena *a, Buffer *b, LExpr **idx, LExpr *value);
LStmt *ls_if(Arena *a, LExpr *cond, LStmt *then, LStmt *els);
/* Size var k of f is derived from others (a division), not bound from a dim. */
bool lfunc_size_derived(const LFunc *f, int k);
/* The bytes of a local that goes on the stack: its extents are constants and
 * it holds at most LOOPIR_STACK_MAX bytes (at least one element); else 0. */
#define LOOPIR_STACK_MAX (64 * 1024)
uint64_t buffer_stack_bytes(const Buffer *b);

/* Printer: --emit loops, the REPL's :loops, and golden tests. */
void loopir_print_func(FILE *out, const LFunc *f);
void loopir_print_stmt(FILE *out, const LStmt *s, int indent);
void loopir_print_expr(FILE *out, const LExpr *e);

#endif
