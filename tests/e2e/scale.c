/* scale: a scalar f32 parameter passed by value. Exact: one rounding. */
#include "harness.h"
#include "scale.h"

static void run(int n, float s)
{
    float *a = ALLOC(float, n), *b = ALLOC(float, n), *ref = ALLOC(float, n);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n; i++) ref[i] = a[i] * s;
    tdsl_tensor A = TDSL_F32(a, n), B = TDSL_F32(b, n);
    if (CHECK_OK(scale(&A, s, &B))) check_equal_f32(LABEL("scale n=%d s=%g", n, s), b, ref, (size_t)n);
    free(a), free(b), free(ref);
}

int main(void)
{
    harness_init();
    run(37, 2.5f);
    run(64, -0.125f);
    run(1, 3.0f);
    run(1000, 1.0f / 3.0f);
    run(7, 0.0f);
    run(0, 1.0f);
    run(5, INFINITY);
    return harness_done("scale");
}
