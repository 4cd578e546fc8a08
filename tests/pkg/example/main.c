/* main.c - the example project built with plain make and tdsl.mk */
#include "check.h"

int main(void)
{
    float x[ROWS * 16], w[4 * 16], b[4], y[ROWS * 4], a[N], v[N], out[N];
    tdsl_tensor X = TDSL_F32(x, ROWS, 16), W = TDSL_F32(w, 4, 16), B = TDSL_F32(b, 4), Y = TDSL_F32(y, ROWS, 4);
    tdsl_tensor A = TDSL_F32(a, N), V = TDSL_F32(v, N), O = TDSL_F32(out, N);
    fill_inputs(x, w, b, a, v);
    int rc = head(&X, &W, &B, &Y) | axpy(&A, &V, 1.5f, &O);
    int bad = rc ? 1 : check_head(x, w, b, y) + check_axpy(a, v, 1.5f, out);
    puts(bad ? "example (make): FAILED" : "example (make): ok");
    return bad != 0;
}
