/* lecture6_main.c - runs the object tdslc compiled from lecture6_onnx.py's
 * ONNX model (entry point digits_cnn, weights inside) on the images the script
 * wrote, writes the logits for the script to compare with PyTorch's, and
 * prints the median time of a call over the whole batch.
 *   lecture6_main images.npy logits.npy [RUNS] */
#include <stdio.h>
#include <stdlib.h>

#include "digits_cnn.h"
#include "examples/course/npy_io.h"
#include "examples/course/timing.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s images.npy logits.npy [RUNS]\n", argv[0]);
        return 2;
    }
    int64_t xs[4];
    float *x = npy_read(argv[1], "<f4", 4, xs);
    if (!x || xs[1] != 1 || xs[2] != 8 || xs[3] != 8) {
        fprintf(stderr, "lecture6_main: want images f32[n, 1, 8, 8]\n");
        return 1;
    }
    int64_t n = xs[0], ls[2] = { n, 10 };
    int runs = argc > 3 ? atoi(argv[3]) : 11;
    float *logits = malloc((size_t)n * 10 * sizeof(float));
    double *t = malloc((size_t)(runs > 0 ? runs : 1) * sizeof(double));
    tdsl_tensor X = TDSL_F32(x, n, 1, 8, 8), L = TDSL_F32(logits, n, 10);
    int rc = digits_cnn(&X, &L);
    for (int r = 0; r < runs && rc == 0; r++) {
        double t0 = course_now_ms();
        rc = digits_cnn(&X, &L);
        t[r] = course_now_ms() - t0;
    }
    if (rc != 0) {
        char msg[128];
        fprintf(stderr, "digits_cnn failed: %s\n", tdsl_format_error(rc, msg, sizeof msg));
        return 1;
    }
    if (runs > 0) {
        printf("TDSL object: %lld images in %.3f ms (median of %d)\n", (long long)n, course_median(t, runs), runs);
    }
    if (npy_write(argv[2], "<f4", 2, ls, logits, 4) != 0) return 1;
    free(x), free(logits), free(t);
    return 0;
}
