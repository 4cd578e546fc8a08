/* stencil1d: select-guarded borders (zero outside); the guarded reads never go out of bounds
 * (under -fsanitize=address a read past either end of A would be reported). */
#include "harness.h"
#include "stencil1d.h"

static void run(int n)
{
    float *a = ALLOC(float, n), *o = ALLOC(float, n), *ref = ALLOC(float, n);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n; i++) ref[i] = (i >= 1 ? a[i - 1] : 0.0f) + 2.0f * a[i] + (i + 1 < n ? a[i + 1] : 0.0f);
    tdsl_tensor A = TDSL_F32(a, n), O = TDSL_F32(o, n);
    if (CHECK_OK(stencil1d(&A, &O))) check_close_f32(LABEL("stencil1d n=%d", n), o, ref, (size_t)n, 1e-6, 1e-6);
    free(a), free(o), free(ref);
}

static void run_or(int n)
{
    float *a = ALLOC(float, n), *o = ALLOC(float, n), *p = ALLOC(float, n);
    float *orf = ALLOC(float, n), *pr = ALLOC(float, n);
    fill_f32(a, (size_t)n);
    for (int i = 0; i < n; i++) {
        orf[i] = i < 1 || i >= n - 1 ? 0.0f : a[i - 1] + a[i + 1];
        pr[i] = i >= 1 ? a[i - 1] : 0.0f;
    }
    tdsl_tensor A = TDSL_F32(a, n), O = TDSL_F32(o, n), P = TDSL_F32(p, n);
    if (CHECK_OK(guard_or(&A, &O, &P))) {
        check_equal_f32(LABEL("guard_or.O n=%d", n), o, orf, (size_t)n);
        check_equal_f32(LABEL("guard_or.P n=%d", n), p, pr, (size_t)n);
    }
    free(a), free(o), free(p), free(orf), free(pr);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(1);
    run(2);
    run(1000);
    run_or(37);
    run_or(64);
    run_or(1);
    run_or(2);
    run_or(3);
    return harness_done("stencil1d");
}
