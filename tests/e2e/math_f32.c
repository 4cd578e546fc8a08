/* math_f32: exp log sqrt tanh erf pow floor ceil abs sin cos rsqrt min max neg
 * against libm, within a few ulp. */
#include "harness.h"
#include "math_f32.h"

#define NOUT 15
static const char *names[NOUT] = { "exp", "log", "sqrt", "tanh",  "erf", "pow", "floor", "ceil",
                                   "abs", "sin", "cos",  "rsqrt", "min", "max", "neg" };

static void run(int n)
{
    float *x = ALLOC(float, n), *p = ALLOC(float, n), *o[NOUT], *r[NOUT];
    for (int t = 0; t < NOUT; t++) o[t] = ALLOC(float, n), r[t] = ALLOC(float, n);
    fill_f32_range(x, (size_t)n, -4.0, 4.0);
    fill_f32_range(p, (size_t)n, 0.01, 10.0);
    static const float sx[] = { 0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.25f, 3.75f, -3.75f, 1e-3f, 60.0f };
    for (int i = 0; i < n && i < (int)(sizeof sx / sizeof sx[0]); i++) x[i] = sx[i];
    for (int i = 0; i < n; i++) {
        r[0][i] = expf(x[i]);
        r[1][i] = logf(p[i]);
        r[2][i] = sqrtf(p[i]);
        r[3][i] = tanhf(x[i]);
        r[4][i] = erff(x[i]);
        r[5][i] = powf(p[i], x[i]);
        r[6][i] = floorf(4.0f * x[i]);
        r[7][i] = ceilf(4.0f * x[i]);
        r[8][i] = fabsf(x[i]);
        r[9][i] = sinf(x[i]);
        r[10][i] = cosf(x[i]);
        r[11][i] = 1.0f / sqrtf(p[i]);
        r[12][i] = fminf(x[i], p[i] - 1.0f);
        r[13][i] = fmaxf(x[i], 0.25f);
        r[14][i] = -x[i];
    }
    tdsl_tensor X = TDSL_F32(x, n), P = TDSL_F32(p, n);
    tdsl_tensor E = TDSL_F32(o[0], n), L = TDSL_F32(o[1], n), S = TDSL_F32(o[2], n), T = TDSL_F32(o[3], n);
    tdsl_tensor R = TDSL_F32(o[4], n), PW = TDSL_F32(o[5], n), FL = TDSL_F32(o[6], n), CE = TDSL_F32(o[7], n);
    tdsl_tensor AB = TDSL_F32(o[8], n), SN = TDSL_F32(o[9], n), CS = TDSL_F32(o[10], n), RS = TDSL_F32(o[11], n);
    tdsl_tensor MN = TDSL_F32(o[12], n), MX = TDSL_F32(o[13], n), NG = TDSL_F32(o[14], n);
    if (CHECK_OK(math_f32(&X, &P, &E, &L, &S, &T, &R, &PW, &FL, &CE, &AB, &SN, &CS, &RS, &MN, &MX, &NG)))
        for (int t = 0; t < NOUT; t++) {
            /* exact: sqrt, floor, ceil, abs, min, max, neg; a few ulp for the rest */
            bool exact = t == 2 || t == 6 || t == 7 || t == 8 || t >= 12;
            check_close_f32(LABEL("%s(f32) n=%d", names[t], n), o[t], r[t], (size_t)n, exact ? 0.0 : 4e-6,
                            exact ? 0.0 : 1e-7);
        }

    float *y = ALLOC(float, n), *yr = ALLOC(float, n);
    /* in double: an f32 erff reference adds its own ulp where 1 + erf(x) cancels */
    for (int i = 0; i < n; i++) yr[i] = (float)(0.5 * x[i] * (1.0 + erf(x[i] * 0.70710678118654752)));
    tdsl_tensor Y = TDSL_F32(y, n);
    if (CHECK_OK(gelu(&X, &Y))) check_close_f32(LABEL("gelu n=%d", n), y, yr, (size_t)n, 1e-5, 1e-7);
    free(x), free(p), free(y), free(yr);
    for (int t = 0; t < NOUT; t++) free(o[t]), free(r[t]);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(1);
    run(1000);
    run(17);
    return harness_done("math_f32");
}
