/* mm_main.c - the tuned matmul of tests/tune against a plain C loop, at the
 * tuning sizes and at odd ones (the schedule's tails). */
#include "mm.h"
#include <stdio.h>
#include <stdlib.h>

static int check(int m, int k, int n)
{
    float *a = malloc(sizeof(float) * (size_t)(m * k + 1)), *b = malloc(sizeof(float) * (size_t)(k * n + 1));
    float *c = malloc(sizeof(float) * (size_t)(m * n + 1));
    for (int i = 0; i < m * k; i++) a[i] = (float)((i * 7) % 13) - 6;
    for (int i = 0; i < k * n; i++) b[i] = (float)((i * 5) % 11) - 5;
    tdsl_tensor A = TDSL_F32(a, m, k), B = TDSL_F32(b, k, n), C = TDSL_F32(c, m, n);
    int bad = matmul(&A, &B, &C) != 0;
    for (int i = 0; i < m && !bad; i++)
        for (int j = 0; j < n; j++) {
            float s = 0;
            for (int r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
            bad |= s != c[i * n + j];   /* small integers: every order sums exactly */
        }
    if (bad) printf("mm_main: wrong result at %dx%dx%d\n", m, k, n);
    free(a), free(b), free(c);
    return bad;
}

int main(void)
{
    int bad = check(64, 37, 48) | check(1, 1, 1) | check(7, 13, 5) | check(65, 40, 33);
    puts(bad ? "mm_main: FAILED" : "mm_main: ok");
    return bad;
}
