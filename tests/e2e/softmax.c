/* softmax: max, exp, sum and divide; each row must also sum to 1. */
#include "harness.h"
#include "softmax.h"

static void run(int n, int d, double spread)
{
    float *x = ALLOC(float, n *d), *y = ALLOC(float, n *d), *ref = ALLOC(float, n *d);
    fill_f32_range(x, (size_t)n * d, -spread, spread);
    for (int i = 0; i < n; i++) {
        float m = -INFINITY, s = 0.0f;
        for (int j = 0; j < d; j++) m = fmaxf(m, x[i * d + j]);
        for (int j = 0; j < d; j++) s += (ref[i * d + j] = expf(x[i * d + j] - m));
        for (int j = 0; j < d; j++) ref[i * d + j] /= s;
    }
    tdsl_tensor X = TDSL_F32(x, n, d), Y = TDSL_F32(y, n, d);
    if (CHECK_OK(softmax(&X, &Y))) {
        check_close_f32(LABEL("softmax %dx%d spread %g", n, d, spread), y, ref, (size_t)n * d, 2e-5, 1e-7);
        for (int i = 0; i < n; i++) {
            double s = 0.0;
            for (int j = 0; j < d; j++) s += y[i * d + j];
            CHECK(fabs(s - 1.0) < 1e-4, "row %d of %dx%d sums to %.9g", i, n, d, s);
            if (fabs(s - 1.0) >= 1e-4) break;
        }
    }
    free(x), free(y), free(ref);
}

int main(void)
{
    harness_init();
    run(37, 53, 1.0);
    run(64, 128, 4.0);
    run(1, 1, 1.0);
    run(7, 1000, 3.0);
    run(3, 10, 80.0);        /* large logits: only stable if the max is subtracted */
    return harness_done("softmax");
}
