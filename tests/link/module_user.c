/* A module's object (lmod.o: every fn of the file is an entry point) and the
 * object of a file using it (luse.o: the module's fn compiled in privately)
 * in one program: no duplicate symbols, both compute. */
#include "lmod.h"
#include "luse.h"
#include <stdio.h>

int main(void)
{
    float x[9], y[9], z[9];
    for (int i = 0; i < 9; i++) x[i] = (float)i;
    tdsl_tensor X = TDSL_F32(x, 9), Y = TDSL_F32(y, 9), Z = TDSL_F32(z, 9);
    int bad = lmod_shift(&X, 5.0f, &Y) | luse_twice(&X, &Z);
    for (int i = 0; i < 9; i++) bad |= y[i] != x[i] + 5.0f || z[i] != x[i] + 3.0f;
    puts(bad ? "module_user: FAILED" : "module_user: ok");
    return bad;
}
