/* Two generated objects and their headers in one program: no symbol clashes,
 * both headers include the same tensor definition once. */
#include "a.h"
#include "b.h"
#include <stdio.h>

int main(void)
{
    float x[5] = { 1, 2, 3, 4, 5 }, ya[5], yb[5];
    tdsl_tensor X = TDSL_F32(x, 5), YA = TDSL_F32(ya, 5), YB = TDSL_F32(yb, 5);
    int bad = scale_a(&X, 2.0f, &YA) | scale_b(&X, 3.0f, &YB);
    for (int i = 0; i < 5; i++) bad |= ya[i] != x[i] * 2.0f + 1.0f || yb[i] != x[i] * 3.0f - 1.0f;
    puts(bad ? "two_objects: FAILED" : "two_objects: ok");
    return bad;
}
