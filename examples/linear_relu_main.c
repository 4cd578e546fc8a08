/* linear_relu_main.c - links the object tdslc made from linear_relu.tdsl into a
 * plain C program: builds X, W, B, calls the generated entry point and checks
 * it against the same computation written as C loops.
 *   tdslc examples/linear_relu.tdsl -o build/demo/linear_relu.o
 *   cc -Ibuild/demo examples/linear_relu_main.c build/demo/linear_relu.o -lm */
#include <math.h>
#include <stdio.h>

#include "linear_relu.h"

enum { N = 4, K = 8, M = 5 };

int main(void)
{
    static float x[N][K], w[M][K], b[M], y[N][M], ref[N][M];

    for (int i = 0; i < N; i++)
        for (int r = 0; r < K; r++) x[i][r] = (float)((i * 7 + r * 3) % 11 - 5) / 4.0f;
    for (int j = 0; j < M; j++)
        for (int r = 0; r < K; r++) w[j][r] = (float)((j * 5 + r * 2) % 9 - 4) / 8.0f;
    for (int j = 0; j < M; j++) b[j] = (float)(j - 2) / 2.0f;

    tdsl_tensor X = TDSL_F32(x, N, K), W = TDSL_F32(w, M, K), B = TDSL_F32(b, M);
    tdsl_tensor Y = TDSL_F32(y, N, M);
    int rc = linear_relu(&X, &W, &B, &Y);
    if (rc != 0) {
        char msg[128];
        fprintf(stderr, "linear_relu failed: %s\n", tdsl_format_error(rc, msg, sizeof msg));
        return 1;
    }

    for (int i = 0; i < N; i++)
        for (int j = 0; j < M; j++) {
            float z = 0.0f;
            for (int r = 0; r < K; r++) z += x[i][r] * w[j][r];
            ref[i][j] = fmaxf(z + b[j], 0.0f);
        }

    double maxdiff = 0.0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < M; j++) {
            double d = fabs((double)y[i][j] - (double)ref[i][j]);
            if (!(d <= maxdiff)) maxdiff = d;       /* a NaN propagates */
        }

    printf("linear_relu: X %dx%d, W %dx%d, B %d -> Y %dx%d\n", N, K, M, K, M, N, M);
    printf("%-44s | %s\n", "tdsl", "plain C");
    for (int i = 0; i < 3 && i < N; i++) {
        char left[128];
        int len = 0;
        for (int j = 0; j < M; j++) len += snprintf(left + len, sizeof left - len, "%8.4f", y[i][j]);
        printf("%-44s |", left);
        for (int j = 0; j < M; j++) printf("%8.4f", ref[i][j]);
        printf("\n");
    }
    printf("max abs diff %g\n", maxdiff);
    if (!(maxdiff <= 1e-5)) {
        printf("MISMATCH\n");
        return 1;
    }
    return 0;
}
