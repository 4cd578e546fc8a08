/* to_loops.h - what to_loops.c shares with region.c inside lower/: the
 * lowering context of one fn, the stage being lowered (a Nest), and the few
 * loop-variable functions region inference reads. Not for other phases. */
#ifndef TDSL_TO_LOOPS_H
#define TDSL_TO_LOOPS_H
#include "lang/affine.h"
#include "lower/lower.h"
#include "lower/schedule.h"

typedef struct Nest Nest;

/* A box of a tensor: exact min/extent, affine min/max extent for analysis. */
typedef struct Box {
    LExpr **min, **ext;
    Affine **amin, **aspan;
    int ndim;
} Box;

typedef struct Lower {
    Arena *a;
    Fn *fn;
    LFunc *lf;
    FnSched *fs;
    Buffer **bufs;      /* per fn tensor, by Tensor* lookup below */
    Tensor **tensors;
    int ntensors;
    Nest **nests;       /* per fs->stages entry, once built */
    LExpr **idx;        /* current stage's index values */
    LExpr **rv;         /* per reduction var id: its index value */
    Nest *cur;          /* the stage whose leaf is being lowered (for packs) */
    int inlining;       /* > 0 inside an inlined stage's value */
    const Expr *folded; /* a final nest's reduction, already computed ... */
    LExpr *folded_val;  /* ... into this */
    LExpr **syms;       /* affine symbols >= nsizevars: their values ... */
    Affine **symmax;    /* ... and largest values (NULL: unknown); each is >= 0 */
    Affine **symtile;   /* ... and, for the outer loop of a split in its full tiles, */
    int64_t *symstep;   /* step * s + step <= symtile (NULL: no such fact) */
    int nsyms, capsyms;
    PtrVec loops;       /* names of the loops enclosing what is being built */
    int ntemps;
    LFunc **done;       /* already lowered fns, for calls */
    int ndone;
} Lower;

/* A stage being lowered. */
struct Nest {
    SStage *st;
    Buffer *buf;
    Buffer *acc;            /* where its reduction accumulates: buf, or a buffer of the reduction's dtype */
    Buffer *tile_base;      /* under accumulate(v): what acc (the tile) is copied from and back to ... */
    LayoutDim *acc_layout;  /* ... and the tile's layout: its dims permuted (NULL: in order) */
    LExpr **min, **ext;     /* per pure dim: exact region (index values) */
    Affine **amin, **aspan; /* per pure dim: region min and max extent, affine over sizes and symbols */
    LVar **lv;              /* per var: its loop */
    bool *offset;           /* per var: the loop runs over index values, not from 0 */
    int *sym;               /* per var: its symbol once bound, or -1 */
    bool *full;             /* per split inner var: in a full tile here, its extent is the factor */
    bool *tail;             /* per split inner var: in the tail here, short of its factor: run serially */
    Buffer **packs;         /* per st->packs entry, once built ... */
    Box *pack_boxes;        /* ... and the box of its source it holds */
    int *pack_at;           /* per pack: the loop it is made at (hoisted out, or -1), -2 until known */
};

/* a stage's nest in its fn's lowering: the context of extent rules (schedule.h) */
typedef struct NestAt {
    Lower *L;
    Nest *n;
} NestAt;

/* x as an index expression over the fn's sizes and the symbols' values */
LExpr *lower_affine(Lower *L, const Affine *x);
/* the 0-based counter of var v of n (live or not) */
LExpr *lower_counter(Lower *L, Nest *n, int v);
/* the extent of the rfactor dim of rfactor stage f: the max extent of its factored var */
LExpr *lower_rf_extent(Lower *L, const SStage *f);
const RVar *rvar_of(const SStage *st, int orig);
/* the largest extent of var v of n (the extent of its loop where that is exact) */
LExpr *lower_maxext(Lower *L, Nest *n, int v);
/* the buffer of fn tensor t (NULL before it has one) */
Buffer *lower_buf_of(Lower *L, const Tensor *t);
/* body (a block of top-level statements) with allocs[0..n-1] allocated:
 * those of constant size in one arena by liveness (*arena, or NULL when
 * fewer than two), the rest each its own (arena.c) */
LStmt *lower_arena(Arena *a, LStmt *body, Buffer **allocs, int n, Buffer **arena);
/* places f's locals in its workspace and returns the bytes it needs (workspace.c) */
LExpr *lower_workspace(Arena *a, LFunc *f);
Buffer *lower_new_buffer(Lower *L, const char *name, BufKind kind, DType type, int ndim);
/* the extent to allocate for a dim of max extent span (NULL: unknown) and exact extent ext */
LExpr *lower_alloc_extent(Lower *L, Affine *span, LExpr *ext);

#endif
