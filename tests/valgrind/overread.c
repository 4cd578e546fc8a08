/* overread.c - the valgrind group's control: X's shape says 64 elements but
 * only 48 are allocated, so copy() reads whole vectors past the block (a load
 * only partly outside is allowed by memcheck's --partial-loads-ok); valgrind
 * must report an invalid read and exit 1 (run it only under valgrind). */
#include "overread.h"
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    float *x = malloc(48 * sizeof *x), *y = malloc(64 * sizeof *y);
    if (!x || !y) return 2;
    for (int i = 0; i < 48; i++) x[i] = (float)i;
    tdsl_tensor X = TDSL_F32(x, 64), Y = TDSL_F32(y, 64);
    int rc = copy(&X, &Y);
    printf("copy returned %d, y[47] = %g\n", rc, (double)y[47]);
    free(x), free(y);
    return 0;
}
