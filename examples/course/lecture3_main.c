/* lecture3_main.c - runs the digits MLP compiled from lecture3_mlp.tdsl (its
 * weights inside the object) on the test set lecture3_mlp.py wrote, prints the
 * accuracy and writes the logits and predictions for the script to compare.
 *   lecture3_main test_x.npy test_y.npy logits.npy pred.npy */
#include <stdio.h>
#include <stdlib.h>

#include "examples/course/npy_io.h"
#include "mlp_digits.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s test_x.npy test_y.npy logits.npy pred.npy\n", argv[0]);
        return 2;
    }
    int64_t xs[2], ys[1];
    float *x = npy_read(argv[1], "<f4", 2, xs);
    int32_t *y = npy_read(argv[2], "<i4", 1, ys);
    if (!x || !y || xs[1] != 64 || ys[0] != xs[0]) {
        fprintf(stderr, "lecture3_main: want test_x f32[n, 64] and test_y i32[n]\n");
        return 1;
    }
    int64_t n = xs[0], ls[2] = { n, 10 };
    float *logits = malloc((size_t)n * 10 * sizeof(float));
    int32_t *pred = malloc((size_t)n * sizeof(int32_t));
    tdsl_tensor X = TDSL_F32(x, n, 64), L = TDSL_F32(logits, n, 10), P = TDSL_I32(pred, n);
    int rc = mlp_digits(&X, &L, &P);
    if (rc != 0) {
        char msg[128];
        fprintf(stderr, "mlp_digits failed: %s\n", tdsl_format_error(rc, msg, sizeof msg));
        return 1;
    }
    int64_t right = 0;
    for (int64_t i = 0; i < n; i++) right += pred[i] == y[i];
    printf("TDSL  accuracy: %lld / %lld = %.4f\n", (long long)right, (long long)n, (double)right / (double)n);
    if (npy_write(argv[3], "<f4", 2, ls, logits, 4) != 0 || npy_write(argv[4], "<i4", 1, &n, pred, 4) != 0) return 1;
    free(x), free(y), free(logits), free(pred);
    return 0;
}
