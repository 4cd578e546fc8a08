/* math_f64: exp log sqrt tanh erf pow floor ceil abs sin cos rsqrt min max neg
 * against libm, within a few ulp. */
#include "harness.h"
#include "math_f64.h"

#define NOUT 15
static const char *names[NOUT] = { "exp", "log", "sqrt", "tanh",  "erf", "pow", "floor", "ceil",
                                   "abs", "sin", "cos",  "rsqrt", "min", "max", "neg" };

static void run(int n)
{
    double *x = ALLOC(double, n), *p = ALLOC(double, n), *o[NOUT], *r[NOUT];
    for (int t = 0; t < NOUT; t++) o[t] = ALLOC(double, n), r[t] = ALLOC(double, n);
    fill_f64_range(x, (size_t)n, -4.0, 4.0);
    fill_f64_range(p, (size_t)n, 0.01, 10.0);
    static const double sx[] = { 0.0, -0.0, 1.0, -1.0, 0.5, -0.25, 3.75, -3.75, 1e-3, 60.0 };
    for (int i = 0; i < n && i < (int)(sizeof sx / sizeof sx[0]); i++) x[i] = sx[i];
    for (int i = 0; i < n; i++) {
        r[0][i] = exp(x[i]);
        r[1][i] = log(p[i]);
        r[2][i] = sqrt(p[i]);
        r[3][i] = tanh(x[i]);
        r[4][i] = erf(x[i]);
        r[5][i] = pow(p[i], x[i]);
        r[6][i] = floor(4.0 * x[i]);
        r[7][i] = ceil(4.0 * x[i]);
        r[8][i] = fabs(x[i]);
        r[9][i] = sin(x[i]);
        r[10][i] = cos(x[i]);
        r[11][i] = 1.0 / sqrt(p[i]);
        r[12][i] = fmin(x[i], p[i] - 1.0);
        r[13][i] = fmax(x[i], 0.25);
        r[14][i] = -x[i];
    }
    tdsl_tensor X = TDSL_F64(x, n), P = TDSL_F64(p, n);
    tdsl_tensor E = TDSL_F64(o[0], n), L = TDSL_F64(o[1], n), S = TDSL_F64(o[2], n), T = TDSL_F64(o[3], n);
    tdsl_tensor R = TDSL_F64(o[4], n), PW = TDSL_F64(o[5], n), FL = TDSL_F64(o[6], n), CE = TDSL_F64(o[7], n);
    tdsl_tensor AB = TDSL_F64(o[8], n), SN = TDSL_F64(o[9], n), CS = TDSL_F64(o[10], n), RS = TDSL_F64(o[11], n);
    tdsl_tensor MN = TDSL_F64(o[12], n), MX = TDSL_F64(o[13], n), NG = TDSL_F64(o[14], n);
    if (CHECK_OK(math_f64(&X, &P, &E, &L, &S, &T, &R, &PW, &FL, &CE, &AB, &SN, &CS, &RS, &MN, &MX, &NG)))
        for (int t = 0; t < NOUT; t++) {
            /* exact: sqrt, floor, ceil, abs, min, max, neg; a few ulp for the rest */
            bool exact = t == 2 || t == 6 || t == 7 || t == 8 || t >= 12;
            check_close_f64(LABEL("%s(f64) n=%d", names[t], n), o[t], r[t], (size_t)n, exact ? 0.0 : 2e-15,
                            exact ? 0.0 : 1e-16);
        }

    double *y = ALLOC(double, n), *yr = ALLOC(double, n);
    for (int i = 0; i < n; i++) yr[i] = 0.5 * x[i] * (1.0 + erf(x[i] * 0.70710678118654752));
    tdsl_tensor Y = TDSL_F64(y, n);
    if (CHECK_OK(dgelu(&X, &Y))) check_close_f64(LABEL("dgelu n=%d", n), y, yr, (size_t)n, 1e-14, 1e-16);
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
    return harness_done("math_f64");
}
