/* link/objcheck: runs model.o where its weight file is not (the data is in the
 * object) and defines the extern it leaves undefined. */
#include "model.h"
#include <math.h>
#include <stdio.h>

static int posts;

int objcheck_post(const tdsl_tensor *Y, tdsl_tensor *Z)
{
    posts++;
    const float *y = Y->data;
    float *z = Z->data;
    for (int64_t i = 0; i < Y->shape[0] * Y->shape[1]; i++) z[i] = y[i] + 1.0f;
    return 0;
}

int main(void)
{
    static float x[2 * 100], z[2 * 64];
    for (int i = 0; i < 200; i++) x[i] = (float)(i % 7) - 3.0f;
    int64_t xs[2] = { 2, 100 }, zs[2] = { 2, 64 };
    tdsl_tensor X = { x, { 1, 0 }, 2, { 2, 32, 1 }, xs, NULL, 0 }, Z = { z, { 1, 0 }, 2, { 2, 32, 1 }, zs, NULL, 0 };
    int rc = model(&X, &Z);
    int bad = 0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 64; j++) {
            float ref = 0.0f;
            for (int r = 0; r < 100; r++) ref = fmaf(x[i * 100 + r], (float)((j * 100 + r) % 9) - 4.0f, ref);
            bad += fabsf(z[i * 64 + j] - (ref + 1.0f)) > 1e-3f;
        }
    printf("rc %d, %d posts, %d wrong\n", rc, posts, bad);
    return rc || posts != 1 || bad;
}
