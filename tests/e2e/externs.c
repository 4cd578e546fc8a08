/* externs: the C functions extern fns name, and checks that calls reach them
 * with compact CPU descriptors of the right shapes. */
#include "harness.h"
#include "externs.h"

static int calls;

static bool compact(const tdsl_tensor *t, int ndim, int code)
{
    return t && t->data && t->device.device_type == 1 && t->ndim == ndim && t->dtype.code == code &&
           t->dtype.lanes == 1 && !t->strides && t->byte_offset == 0;
}

int externs_saxpy(const tdsl_tensor *X, const tdsl_tensor *Y, float a, tdsl_tensor *Z)
{
    calls++;
    if (!compact(X, 1, 2) || !compact(Y, 1, 2) || !compact(Z, 1, 2) || Y->shape[0] != X->shape[0] ||
        Z->shape[0] != X->shape[0])
        return 999;
    const float *x = X->data, *y = Y->data;
    float *z = Z->data;
    for (int64_t i = 0; i < X->shape[0]; i++) z[i] = a * x[i] + y[i];
    return 0;
}

int externs_rowmax(const tdsl_tensor *A, tdsl_tensor *M, tdsl_tensor *I)
{
    calls++;
    if (!compact(A, 2, 2) || !compact(M, 1, 2) || !compact(I, 1, 0) || I->dtype.bits != 64 || A->shape[1] != 3 ||
        M->shape[0] != A->shape[0])
        return 998;
    const float *a = A->data;
    for (int64_t i = 0; i < A->shape[0]; i++) {
        int64_t best = 0;
        for (int64_t j = 1; j < A->shape[1]; j++)
            if (a[i * 3 + j] > a[i * 3 + best]) best = j;
        ((float *)M->data)[i] = a[i * 3 + best];
        ((int64_t *)I->data)[i] = best;
    }
    return 0;
}

int externs_fail_if_neg(const tdsl_tensor *X, int32_t code, tdsl_tensor *Y)
{
    calls++;
    const float *x = X->data;
    for (int64_t i = 0; i < X->shape[0]; i++) {
        if (x[i] < 0) return code;
        ((float *)Y->data)[i] = x[i];
    }
    return 0;
}

int main(void)
{
    harness_init();
    enum { N = 37 };
    float x[N], y[N], r[N], ref[N];
    fill_f32(x, N);
    fill_f32(y, N);
    for (int i = 0; i < N; i++) ref[i] = fmaxf(2.0f * x[i] + y[i], 0.0f);
    tdsl_tensor X = TDSL_F32(x, N), Y = TDSL_F32(y, N), R = TDSL_F32(r, N);
    if (CHECK_OK(axpy_relu(&X, &Y, &R))) check_equal_f32("axpy_relu", r, ref, N);
    CHECK(calls == 1, "saxpy called %d times", calls);

    float a[5 * 3] = { 1, 5, 2, -1, -3, -2, 0, 0, 0, 7, 8, 9, 4, 4, 1 }, s[5];
    const float sref[5] = { 5 + 1, -1 + 0, 0 + 0, 9 + 2, 4 + 0 };
    tdsl_tensor A = TDSL_F32(a, 5, 3), S = TDSL_F32(s, 5);
    if (CHECK_OK(rows(&A, &S))) check_equal_f32("rows", s, sref, 5);

    float c[4] = { 1, 2, 3, 4 }, out[4];
    tdsl_tensor C = TDSL_F32(c, 4), O = TDSL_F32(out, 4);
    if (CHECK_OK(checked(&C, &O))) CHECK(out[3] == 5.0f, "checked: out[3] = %g", out[3]);
    c[2] = -5;
    int rc = checked(&C, &O);
    CHECK(rc == 77, "checked with a negative element returned %d, not the extern's 77", rc);
    return harness_done("externs");
}
