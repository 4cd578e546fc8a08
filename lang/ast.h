/* ast.h - the abstract syntax tree of a .tdsl program. The parser builds it;
 * sema fills the annotation fields (marked "sema:") in place. Every node
 * carries the span of the source it came from. */
#ifndef TDSL_AST_H
#define TDSL_AST_H
#include "lang/arena.h"
#include "lang/diag.h"
#include "lang/types.h"
#include <stdint.h>

typedef struct Expr Expr;
typedef struct Tensor Tensor;
typedef struct Fn Fn;
typedef struct Stage Stage;

typedef enum ExprKind {
    EX_INT,       /* integer literal: ival */
    EX_FLOAT,     /* float literal: fval */
    EX_BOOL,      /* true / false: ival */
    EX_NAME,      /* bare name: index var, size var, scalar param, reduction var */
    EX_ACCESS,    /* name[args...]: tensor access */
    EX_UNARY,     /* op args[0]: OP_NEG, OP_NOT */
    EX_BINARY,    /* args[0] op args[1] */
    EX_SELECT,    /* select(args[0], args[1], args[2]) */
    EX_CALL,      /* name(args...): math function, min/max/abs, or a cast like f32(x);
                     at statement level, also a call of a user fn (see ST_CALL) */
    EX_REDUCE,    /* op(args[0] over rvars): OP_SUM/PROD/MAX/MIN/ARGMAX/ARGMIN */
} ExprKind;

typedef enum Op {
    OP_NONE,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_EQ,
    OP_NE,
    OP_AND,
    OP_OR,
    OP_NEG,
    OP_NOT,
    OP_SUM,
    OP_PROD,
    OP_MAX,
    OP_MIN,
    OP_ARGMAX,   /* i64 flat position of the first maximum (a NaN counts as the maximum) */
    OP_ARGMIN,
} Op;

/* What a name refers to, settled by sema. */
typedef enum RefKind {
    REF_NONE,
    REF_INDEX,   /* index var of the enclosing stage: id = position */
    REF_RVAR,              /* reduction var: rvar points at it */
    REF_SIZE,              /* size var of the fn: id = index in fn->sizevars */
    REF_SCALAR,            /* scalar param: tensor points at it */
} RefKind;

/* Math functions and casts callable in expressions (sema: EX_CALL).
 * ORDER MathFn: math_name in lang/loopir.c. */
typedef enum MathFn {
    MF_NONE,
    MF_EXP,
    MF_LOG,
    MF_SQRT,
    MF_RSQRT,
    MF_SIN,
    MF_COS,
    MF_TANH,
    MF_ERF,
    MF_SIGMOID,
    MF_POW,
    MF_FLOOR,
    MF_CEIL,
    MF_ABS,
    MF_MIN,
    MF_MAX,
    MF_CAST,
    MF_CLAMP,       /* clamp(x, lo, hi) = min(max(x, lo), hi) */
    /* loop IR only (argmax/argmin lowering, to_loops.c): ARGKEY_MAX/MIN(x) is
     * x's rank as the high 32 bits of an i64 (NaN highest, -0 == 0; MIN
     * reverses the order but keeps NaN highest); ARGPOS(k) is the position
     * 0xffffffff - (k & 0xffffffff) kept in the low 32 bits. */
    MF_ARGKEY_MAX,
    MF_ARGKEY_MIN,
    MF_ARGPOS,
} MathFn;

/* A reduction variable: `over r` or `over r in lo..hi`. */
typedef struct RVar {
    const char *name;
    Span span;
    Expr *lo, *hi;          /* explicit range (half-open lo..hi), or NULL */
    /* sema: */
    struct Affine *extent;  /* number of iterations; range is 0..extent-1 + min */
    struct Affine *min;
    int id;                 /* unique within the fn, for lowering */
} RVar;

struct Expr {
    ExprKind kind;
    Span span;
    Op op;
    const char *name;       /* EX_NAME, EX_ACCESS, EX_CALL */
    int64_t ival;
    double fval;
    Expr **args;            /* operands / indices / call arguments */
    int nargs;
    RVar **rvars;           /* EX_REDUCE */
    int nrvars;
    /* sema: */
    DType type;             /* DT_NONE for an untyped literal until it adapts */
    RefKind ref;
    int ref_id;
    RVar *rvar;
    Tensor *tensor;         /* EX_ACCESS target, REF_SCALAR param */
    MathFn fn;              /* EX_CALL */
    DType cast_to;          /* EX_CALL with MF_CAST */
    int depth;              /* operator nesting below this node (set by ex_unary/ex_binary) */
};

/* Deeper operator chains are rejected before any pass recurses over them. */
#define EXPR_MAX_DEPTH 4000

/* A shape dimension as written: an expression over size vars and literals. */
typedef struct Dim {
    Expr *expr;
} Dim;

/* TK_CONST: a file-scope const as one fn reads it (each fn that names a
 * const gets its own Tensor for it, pointing at the Const). */
typedef enum TensorKind { TK_PARAM, TK_RESULT, TK_LOCAL, TK_CONST } TensorKind;

/* Any named value in a fn: a parameter (tensor or scalar), a result, or a
 * local stage (declared with a shape, defined by a stage, or bound by a call). */
struct Tensor {
    const char *name;
    Span span;
    TensorKind kind;
    DType type;             /* declared, or (sema) inferred for locals */
    bool is_scalar;         /* scalar parameter `s: f32` */
    bool declared_shape;    /* has dims as written (params, results, `P: f32[..]`) */
    Dim *dims;
    int ndim;
    int index;              /* position among params / results */
    /* sema: */
    Stage *def;             /* the stage that defines it, for results and locals */
    struct Affine **extent; /* extent of each dim, affine in size vars */
    struct Affine **min;    /* first index of each dim (0 unless inferred otherwise) */
    int order;              /* position in the fn's evaluation order */
    struct Const *konst;    /* TK_CONST: the const it reads */
};

typedef enum StmtKind {
    ST_DECL,    /* P: f32[c, h + 2, w + 2] */
    ST_STAGE,   /* T[i, j] = expr */
    ST_CALL,    /* H = f(a, b)  or  (H1, H2) = f(a, b) */
} StmtKind;

struct Stage {
    StmtKind kind;
    Span span;
    /* ST_DECL: decl; ST_STAGE: target + vars + value; ST_CALL: targets + callee + args */
    Tensor *decl;
    const char *target;     /* ST_STAGE: tensor name */
    Span target_span;
    const char **vars;      /* ST_STAGE: index var names */
    Span *var_spans;
    int nvars;
    Expr *value;
    const char **targets;   /* ST_CALL: result names */
    Span *target_spans;
    int ntargets;
    const char *callee;     /* ST_CALL */
    Span callee_span;
    Expr **args;            /* ST_CALL: arguments (EX_NAME of tensors or scalar exprs) */
    int nargs;
    /* sema: */
    Tensor *tensor;         /* ST_STAGE target */
    Tensor **outs;          /* ST_CALL targets */
    Fn *fn;                 /* ST_CALL callee */
    struct Affine **call_sizes; /* ST_CALL: callee size vars in the caller's terms */
};

/* A size variable: bound from an argument's shape, or derived (div > 0): a
 * shape wrote `num / div`, floor division by a positive constant, and the
 * entry point computes it from the size vars num uses (all of lower id).
 * Every size var is >= 0 wherever a kernel runs: the entry point rejects a
 * derived one whose num is negative. */
typedef struct SizeVar {
    const char *name;
    Span span;
    struct Affine *num;     /* derived: the numerator, else NULL */
    int64_t div;            /* derived: the divisor (> 0), else 0 */
} SizeVar;

struct Fn {
    const char *name;
    Span span;
    Tensor **params;
    int nparams;
    Tensor **results;
    int nresults;
    Stage **stmts;
    int nstmts;
    /* sema: */
    SizeVar *sizevars;
    int nsizevars;
    Tensor **locals;
    int nlocals;       /* every non-param tensor, in evaluation order */
    int nrvars;
    struct Affine **nonneg;             /* forms over size vars the entry point checks >= 0: the */
    int nnonneg;                        /* numerators of derived sizes of callees, in its terms */
    bool checked;                       /* passed sema */
    /* extern fn NAME(params) -> results = "symbol": a C function with the
     * entry points' ABI, no stmts; calls go to the symbol */
    const char *extern_sym;
    Span extern_span;
};

/* const NAME: dtype[dims] = load("file.npy") or load("file.npz", "member"):
 * read at compile time (the path is relative to the source file's directory)
 * and embedded read-only in the object. */
typedef struct Const {
    const char *name;
    Span span;
    Tensor *decl;           /* its declared dtype and shape (constant dims) */
    const char *path, *member;  /* member: NULL for a .npy file */
    Span path_span, member_span;
    /* sema (or given by a REPL that read the file before): */
    struct NpyArray *arr;   /* the file's array, checked against decl */
    bool checked;
} Const;

/* schedule NAME { T.split(i, io, ii, 8).parallel(io)  ... } : parsed, kept. */
typedef struct SchedArg {
    bool is_int;
    int64_t ival;
    const char *name;
    int64_t block;      /* pack layouts: ival / block (part '/') or ival % block (part '%') */
    char part;          /* 0 for a plain name or integer */
    Span span;
} SchedArg;
typedef struct SchedPrim {
    const char *stage;      /* the tensor the chain starts on */
    Span stage_span;
    const char *prim;
    Span span;
    SchedArg *args;
    int nargs;
} SchedPrim;
typedef struct Schedule {
    const char *fn;
    Span span;
    SchedPrim **prims;
    int nprims;      /* in application order */
} Schedule;

/* use NAME : at the top of a file, before its first fn or schedule; the
 * module loader (parser/modules.c) brings in the fns and schedules of NAME.tdsl. */
typedef struct Use {
    const char *module;
    Span span;          /* the whole `use NAME` */
    Span name_span;
} Use;

typedef struct Program {
    Fn **fns;
    int nfns;
    Schedule **scheds;
    int nscheds;
    Use **uses;         /* in source order; the loader resolves them */
    int nuses;
    Const **consts;     /* file-scope consts, visible in every fn of the program */
    int nconsts;
} Program;

/* Node constructors (allocate from the arena, set kind/span). */
Expr *ex_new(Arena *a, ExprKind k, Span sp);
Expr *ex_int(Arena *a, int64_t v, Span sp);
Expr *ex_float(Arena *a, double v, Span sp);
Expr *ex_name(Arena *a, const char *name, Span sp);
Expr *ex_unary(Arena *a, Op op, Expr *x, Span sp);
Expr *ex_binary(Arena *a, Op op, Expr *l, Expr *r, Span sp);

Fn *program_find_fn(const Program *p, const char *name);
Const *program_find_const(const Program *p, const char *name);
const char *op_text(Op op);     /* "+", "&&", "sum" */

/* Prints the (checked) AST readably: --emit ast and the REPL's :ast. */
void ast_print_fn(FILE *out, const Fn *f);
void ast_print_expr(FILE *out, const Expr *e);
void ast_print_program(FILE *out, const Program *p);

#endif
