/* compare: comparisons (with NaN: only != is true) and &&, ||, ! into bool
 * results, which must hold exactly 0 or 1. */
#include "harness.h"
#include "compare.h"

static void run(int n)
{
    float *a = ALLOC(float, n), *b = ALLOC(float, n);
    bool *o[6], *r[6];
    for (int t = 0; t < 6; t++) o[t] = ALLOC(bool, n), r[t] = ALLOC(bool, n);
    fill_f32(a, (size_t)n);
    fill_f32(b, (size_t)n);
    for (int i = 0; i < n; i += 3) b[i] = a[i];                  /* equal pairs */
    static const float sa[] = { NAN, 1.0f, NAN, 0.0f, -0.0f, INFINITY };
    static const float sb[] = { 1.0f, NAN, NAN, -0.0f, 0.0f, INFINITY };
    for (int i = 0; i < n && i < 6; i++) a[i] = sa[i], b[i] = sb[i];
    for (int i = 0; i < n; i++) {
        r[0][i] = a[i] < b[i], r[1][i] = a[i] <= b[i], r[2][i] = a[i] == b[i];
        r[3][i] = a[i] != b[i], r[4][i] = a[i] > b[i], r[5][i] = a[i] >= b[i];
    }
    tdsl_tensor A = TDSL_F32(a, n), B = TDSL_F32(b, n);
    tdsl_tensor LT = TDSL_BOOL(o[0], n), LE = TDSL_BOOL(o[1], n), EQ = TDSL_BOOL(o[2], n);
    tdsl_tensor NE = TDSL_BOOL(o[3], n), GT = TDSL_BOOL(o[4], n), GE = TDSL_BOOL(o[5], n);
    static const char *names[6] = { "<", "<=", "==", "!=", ">", ">=" };
    if (CHECK_OK(compare(&A, &B, &LT, &LE, &EQ, &NE, &GT, &GE)))
        for (int t = 0; t < 6; t++) check_equal_bool(LABEL("compare %s n=%d", names[t], n), o[t], r[t], (size_t)n);
    free(a), free(b);
    for (int t = 0; t < 6; t++) free(o[t]), free(r[t]);
}

static void run_logic(int n)
{
    bool *p = ALLOC(bool, n), *q = ALLOC(bool, n);
    int32_t *k = ALLOC(int32_t, n);
    bool *o[5], *r[5];
    for (int t = 0; t < 5; t++) o[t] = ALLOC(bool, n), r[t] = ALLOC(bool, n);
    fill_bool(p, (size_t)n);
    fill_bool(q, (size_t)n);
    fill_i32_range(k, (size_t)n, -4, 4);
    for (int i = 0; i < n; i++) {
        r[0][i] = p[i] && q[i];
        r[1][i] = p[i] || q[i];
        r[2][i] = !p[i];
        r[3][i] = (k[i] > 0 && !q[i]) || k[i] == -3;
        r[4][i] = i % 3 == 0;
    }
    tdsl_tensor P = TDSL_BOOL(p, n), Q = TDSL_BOOL(q, n), K = TDSL_I32(k, n);
    tdsl_tensor AND = TDSL_BOOL(o[0], n), OR = TDSL_BOOL(o[1], n), NP = TDSL_BOOL(o[2], n);
    tdsl_tensor MIX = TDSL_BOOL(o[3], n), IDX = TDSL_BOOL(o[4], n);
    static const char *names[5] = { "&&", "||", "!", "mixed", "i % 3 == 0" };
    if (CHECK_OK(logic(&P, &Q, &K, &AND, &OR, &NP, &MIX, &IDX)))
        for (int t = 0; t < 5; t++) check_equal_bool(LABEL("logic %s n=%d", names[t], n), o[t], r[t], (size_t)n);
    free(p), free(q), free(k);
    for (int t = 0; t < 5; t++) free(o[t]), free(r[t]);
}

int main(void)
{
    harness_init();
    run(37);
    run(64);
    run(1);
    run(1001);
    run_logic(37);
    run_logic(64);
    run_logic(1);
    run_logic(1001);
    return harness_done("compare");
}
