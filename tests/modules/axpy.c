/* axpy.c - the harness of tests/modules/axpy.tdsl: the entry points are the
 * file's fns; the module fns they call are compiled in. */
#include "axpy.h"
#include <stdio.h>

int main(void)
{
    float x[7], y[7], z[7], w[7];
    for (int i = 0; i < 7; i++) x[i] = (float)i, y[i] = 10.0f * (float)i;
    tdsl_tensor X = TDSL_F32(x, 7), Y = TDSL_F32(y, 7), Z = TDSL_F32(z, 7), W = TDSL_F32(w, 7);
    int bad = axpy_top(&X, &Y, &Z) | scale_top(&X, &W);
    for (int i = 0; i < 7; i++) bad |= z[i] != 2.0f * x[i] + y[i] || w[i] != 0.5f * x[i];
    puts(bad ? "axpy: FAILED" : "axpy: ok");
    return bad;
}
