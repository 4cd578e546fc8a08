/* region.h - region inference for lowering (region.c): the box of a stage or
 * tensor to compute at a loop of a consumer, or to pack there. Requires the
 * consumer's nest (to_loops.h) with the loops in `bound` fixed. */
#ifndef TDSL_REGION_H
#define TDSL_REGION_H
#include "lower/to_loops.h"


/* The whole region of stage st (an rfactor stage: its parent's plus the
 * factored dim) or, with st NULL, of tensor t. */
Box region_whole(Lower *L, const SStage *st, const Tensor *t);
/* The region of rfactor stage f for its parent's region b. */
Box region_rfactor(Lower *L, const SStage *f, Box b);
/* The region of stage (or packed tensor) t needed at loop v of n (self: the
 * stage computed there, NULL for a pack): what one iteration of n reads, plus
 * what the stages computed after self at that loop read; clamped to `whole`. */
Box region_read(Lower *L, Nest *n, const bool *bound, const Tensor *t, const SStage *self, Box whole);

/* The points of n's stage that the loops not in `bound` cover (for a tile of
 * them at a loop), clamped to the nest's region. */
Box region_points(Lower *L, Nest *n, const bool *bound);

#endif
