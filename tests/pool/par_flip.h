/* par_flip.h - test-only: marks loops LOOP_PARALLEL without a schedule, so that
 * any lowered fn exercises the parallel codegen (tests/pool). */
#ifndef TDSL_PAR_FLIP_H
#define TDSL_PAR_FLIP_H
#include "lang/loopir.h"

/* In each fn, makes the outermost loops whose iterations provably write
 * disjoint elements parallel (a loop that is not: the loops inside it are
 * tried instead). With nest, the outermost loops inside a flipped loop are
 * made parallel too (they run serially on the pool, but are compiled as
 * parallel loops). Returns how many loops were flipped. */
int par_flip(LFunc **fns, int n, int nest);

#endif
