/* check.h - the example's checks, shared by its C (make) and C++ (CMake)
 * programs: head against linear + softmax in double, axpy against fmaf. */
#include "model.h"
#include <math.h>
#include <stdio.h>

enum { ROWS = 3, N = 37 };

static void fill_inputs(float *x, float *w, float *b, float *a, float *v)
{
    for (int i = 0; i < ROWS * 16; i++) x[i] = (float)((i * 37) % 23) * 0.05f - 0.5f;
    for (int i = 0; i < 4 * 16; i++) w[i] = (float)((i * 11) % 17) * 0.0625f - 0.5f;
    for (int j = 0; j < 4; j++) b[j] = 0.25f * (float)j;
    for (int i = 0; i < N; i++) a[i] = (float)i * 0.5f - 3.0f, v[i] = 1.0f / (float)(i + 1);
}

static int check_head(const float *x, const float *w, const float *b, const float *y)
{
    int bad = 0;
    for (int i = 0; i < ROWS; i++) {
        double l[4], m = -1e300, s = 0;
        for (int j = 0; j < 4; j++) {
            l[j] = b[j];
            for (int r = 0; r < 16; r++) l[j] += (double)x[i * 16 + r] * w[j * 16 + r];
            m = l[j] > m ? l[j] : m;
        }
        for (int j = 0; j < 4; j++) s += exp(l[j] - m);
        for (int j = 0; j < 4; j++) {
            double want = exp(l[j] - m) / s;
            if (fabs(y[i * 4 + j] - want) > 1e-5) {
                printf("head: Y[%d, %d] = %g, expected %g\n", i, j, y[i * 4 + j], want);
                bad++;
            }
        }
    }
    return bad;
}

static int check_axpy(const float *a, const float *x, float s, const float *y)
{
    int bad = 0;
    for (int i = 0; i < N; i++)
        if (y[i] != fmaf(a[i], s, x[i])) {
            printf("axpy: Y[%d] = %g, expected %g\n", i, y[i], fmaf(a[i], s, x[i]));
            bad++;
        }
    return bad;
}
