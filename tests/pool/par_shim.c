/* par_shim.c - tests/jit_shim.c with parallel loops: linked beside
 * jit_shim.o, it makes loops of $TDSL_JIT_FILE parallel (par_flip) before the
 * JIT compiles them ($PAR_NEST=1: nested loops too). */
#include "lower/lower.h"
#include "par_flip.h"
#include <stdio.h>
#include <stdlib.h>

void tdsl_test_jit_rewrite(LFunc **fns, int n);

void tdsl_test_jit_rewrite(LFunc **fns, int n)
{
    const char *nest = getenv("PAR_NEST");
    if (!par_flip(fns, n, nest && *nest == '1')) fprintf(stderr, "par_shim: note: no parallel loop\n");
}
