/* use_nn.c - the harness of tests/modules/use_nn.tdsl: nn's matmul, twice;
 * the builtin sigmoid beside nn's fn sigmoid. */
#include "use_nn.h"
#include <math.h>
#include <stdio.h>

int main(void)
{
    float a[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } }, b[3][2] = { { 1, 0 }, { 0, 1 }, { 1, 1 } }, c[2][2];
    tdsl_tensor A = TDSL_F32(a, 2, 3), B = TDSL_F32(b, 3, 2), C = TDSL_F32(c, 2, 2);
    int bad = mm_twice(&A, &B, &C);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            float s = 0;
            for (int r = 0; r < 3; r++) s += a[i][r] * b[r][j];
            bad |= c[i][j] != 2 * s;
        }
    float x[2][3] = { { -3, 0, 0.5f }, { 1, 2, 40 } }, y[2][3], z[2][3];
    tdsl_tensor X = TDSL_F32(x, 2, 3), Y = TDSL_F32(y, 2, 3), Z = TDSL_F32(z, 2, 3);
    bad |= sig_both(&X, &Y, &Z);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            bad |= fabsf(y[i][j] - z[i][j]) > 1e-6f || fabsf(y[i][j] - 1 / (1 + expf(-x[i][j]))) > 1e-6f;
    puts(bad ? "use_nn: FAILED" : "use_nn: ok");
    return bad;
}
