/* sema.h - semantic checks: names, dtypes, shapes, reduction extents and the
 * static bounds proof. Annotates the AST in place. */
#ifndef TDSL_SEMA_H
#define TDSL_SEMA_H
#include "lang/affine.h"
#include "lang/ast.h"

/* Checks every fn not yet checked; returns the number of errors reported. */
int sema_check(Arena *a, Program *prog, Diag *d);

/* The box of tensor `of` that e reads while e's index vars range over
 * idx[0..nidx-1] and the reduction vars set in rv[id] (by RVar id; a NULL lo
 * is not pinned: the var takes its own range) over theirs. The bounds are
 * affine over size vars and any extra symbols (ids >= fn->nsizevars, each
 * >= 0) the ranges use. The same interval analysis that proves bounds.
 * Reads of the tensors in through[] (inlined stages) are followed into
 * their values. False if e does not read `of` or two reads cannot be ordered. */
bool bounds_region_read(Arena *a, Fn *fn, const Expr *e, const Range *idx, int nidx, const Range *rv, const Tensor *of,
                        const Tensor *const *through, int nthrough, Range *out);
/* Widens acc (empty: a NULL lo) to cover r; false, leaving acc as it was,
 * if the two cannot be ordered symbolically or r's bounds overflowed. */
bool bounds_widen(Arena *a, Range *acc, const Range *r);

#endif
