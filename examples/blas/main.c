/* main.c - runs examples/blas/linear_blas.tdsl (OpenBLAS inside) against plain loops. */
#include "linear_blas.h"
#include <math.h>
#include <stdio.h>

int main(void)
{
    enum { N = 8, K = 64, M = 16 };
    static float x[N * K], w[M * K], b[M], y[N * M];
    for (int i = 0; i < N * K; i++) x[i] = (float)(i % 13) / 13.0f - 0.5f;
    for (int i = 0; i < M * K; i++) w[i] = (float)(i % 7) / 7.0f - 0.5f;
    for (int i = 0; i < M; i++) b[i] = (float)i / 16.0f;
    tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M), Y = TDSL_F32(y, N, M);
    int rc = linear_relu_blas(&X, &W, &B, &Y);
    double err = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < M; j++) {
            float z = b[j];
            for (int r = 0; r < K; r++) z += x[i * K + r] * w[j * K + r];
            err = fmax(err, fabs(y[i * M + j] - fmaxf(z, 0.0f)));
        }
    printf("rc %d, max error %g\n", rc, err);
    return rc != 0 || err > 1e-4;
}
