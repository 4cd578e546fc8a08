/* schedule.h - schedules as data. For each stage of a fn: its loop variables
 * (the originals and those made by split and fuse, kept as a derivation
 * tree), the order and kind of the live ones, where the stage is computed,
 * the tensors it packs, and rfactor links. sched_build checks a fn's schedule
 * blocks primitive by primitive (docs/schedules.md) and fills this in;
 * to_loops.c builds the loop nests from it. */
#ifndef TDSL_SCHEDULE_H
#define TDSL_SCHEDULE_H
#include "lang/affine.h"
#include "lang/ast.h"
#include "lang/loopir.h"

typedef enum SVarHow {
    SV_PURE,        /* index var `orig` of the stage */
    SV_RVAR,        /* reduction var `orig` of the stage's reduction; -1: the rfactor dim */
    SV_OUTER,       /* parent = outer * factor + inner */
    SV_INNER,
    SV_FUSED,       /* fa = fused / extent(fb), fb = fused % extent(fb) */
} SVarHow;

typedef struct SVar {
    const char *name;
    Span span;          /* where it was made */
    SVarHow how;
    bool is_r;          /* a loop of the stage's reduction (order matters) */
    int orig;
    int parent;         /* SV_OUTER / SV_INNER: the var that was split */
    int64_t factor;
    int fa, fb;         /* SV_FUSED */
    bool live;
    const char *gone;   /* why it is no longer a loop: "split into 'io' and 'ii'" */
    Span gone_span;
    LoopKind kind;
    int width;          /* vector width / unroll factor */
} SVar;

typedef enum Place { PLACE_ROOT, PLACE_AT, PLACE_INLINE } Place;

/* One dim of a local copy's layout: source dim src whole (block 0) or, split
 * into blocks of `block` points, the block's index (src / block) or the place
 * in it (inner: src % block). */
typedef struct LayoutDim {
    int src;
    int block;
    bool inner;
} LayoutDim;

typedef struct SPack {
    const Tensor *src;
    const char *name;   /* "<src>_pack" */
    int at;             /* loop var of the packing stage */
    LayoutDim *layout;  /* the buffer's dims, outermost first */
    int nlayout;
    Span span;
} SPack;

typedef struct SStage SStage;
struct SStage {
    const char *name;
    Tensor *t;          /* the AST tensor; NULL for an rfactor stage */
    const Stage *def;   /* defining statement (an rfactor stage: its parent's) */
    const Expr *value;  /* the value per point (an rfactor stage: its parent's reduction) */
    const Expr *reduce; /* the EX_REDUCE whose loops are the stage's: the value itself, or the
                         * one reduction nested in it (sched_reduction), or NULL */
    Op red;             /* reduce's OP_SUM/PROD/MAX/MIN, else OP_NONE */
    DType type;         /* the stored dtype (an rfactor stage: the reduction's) */
    int npure;          /* pure dims (an rfactor stage has one more: the factored var) */
    SVar *vars;
    int nvars, capvars;
    int *order;         /* live vars, outermost first */
    int norder;
    Place place;
    SStage *at;         /* PLACE_AT: the consumer ... */
    int at_var;         /* ... and its loop var */
    Span place_span;
    SPack *packs;
    int npacks;
    SStage *rf;         /* this stage now reduces rf over its last dim */
    SStage *rf_of;      /* an rfactor stage: the stage it was made from */
    int rf_var;         /* an rfactor stage: the var that is its last pure dim */
    bool touched;       /* a primitive named it */
    int acc_var;        /* accumulate(v): the loop whose iterations accumulate in a local tile, or -1 */
    Span acc_span;
};

typedef struct FnSched {
    Fn *fn;
    SStage **stages;    /* every computed stage in program order; an rfactor stage right before its parent */
    int nstages;
} FnSched;

/* The schedule of fn from the blocks naming it, applying at most `limit`
 * primitives (-1: all). NULL after reporting errors to d. */
FnSched *sched_build(Arena *a, Fn *fn, Schedule **blocks, int nblocks, int limit, Diag *d);
/* The schedule primitives (docs/schedules.md), one table for dispatch, the
 * arity check and its error, the list of valid names, :help and completion. */
typedef struct SchedBuild SchedBuild;   /* a schedule being built (schedule.c) */
typedef struct SchedPrimDef {
    const char *name;
    int min_args, max_args;
    const char *args;       /* the arguments' form: "(var, outer, inner, factor)" */
    bool (*apply)(SchedBuild *s, SStage *st);
    const char *help;       /* one line: signature and effect */
} SchedPrimDef;
const SchedPrimDef *sched_primitives(int *n);
SStage *sched_stage_of(const FnSched *s, const Tensor *t);
/* The stage whose placement st follows: st, or for an rfactor stage left in
 * place, its parent's. */
const SStage *sched_home(const SStage *st);
/* The var made from v by a split (how: SV_OUTER or SV_INNER) or a fuse: -1
 * if none (find), an internal error if none (sched_child). */
int sched_find_child(const SStage *st, int v, SVarHow how);
int sched_child(const SStage *st, int v, SVarHow how);
/* Whether e reads tensor t: directly, through an inlined stage's value, or either. */
enum { SCHED_READS_ANY, SCHED_READS_DIRECT, SCHED_READS_INLINED_ONLY };
bool sched_reads(const FnSched *fs, const Expr *e, const Tensor *t, int how);
/* The reduction of stage def whose loops the stage schedules: its value, or
 * the one reduction nested in it that can run on its own before the rest of
 * the expression (its result accumulated in place). NULL otherwise, with
 * *why saying why a nested one cannot (if why is not NULL). */
const Expr *sched_reduction(const Stage *def, const char **why);

/* A var's extent, exact or largest, is one recursion over its derivation
 * (docs/schedules.md: outer = ceil(parent / factor), inner = factor or what is
 * left of the parent, fused = a * largest(b)); a rule says what it computes
 * (an LExpr, an Affine, ...; NULL: unknown): an original var's value (SV_PURE,
 * SV_RVAR, the rfactor dim included) and each step's value from its parents'.
 * A fuse's inner operand is computed by rule `max` (NULL: this rule). */
typedef struct SExtentRule SExtentRule;
typedef void *SExtentLeaf(const SExtentRule *r, const SStage *st, int v);
struct SExtentRule {
    SExtentLeaf *leaf;
    void *(*outer)(const SExtentRule *r, const SStage *st, int v, void *parent);
    void *(*inner)(const SExtentRule *r, const SStage *st, int v, void *parent);
    void *(*fused)(const SExtentRule *r, void *a, void *b);
    const SExtentRule *max;
    Arena *a;
    void *ctx;              /* the leaf's */
};
void *sched_extent(const SStage *st, int v, const SExtentRule *r);
/* The largest extent of var v as an affine form (NULL: unknown) over leaf's values. */
Affine *sched_max_extent(Arena *a, const SStage *st, int v, SExtentLeaf *leaf, void *ctx);
/* Whether var v's largest extent over the whole stage is a known constant; sets *n. */
bool sched_const_extent(Arena *a, const SStage *st, int v, int64_t *n);

#endif
