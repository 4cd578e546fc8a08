/* entry_fns.c - the fns of entry_fns.tdsl for the `entry` fuzz target: their
 * signatures, shapes that agree for given size vars, the C reference of each
 * (the same operations in the same order: bit-identical results) and the call
 * of the entry point tdslc generated. */
#include "entry_fns.h"
#include "tests/fuzz/targets/entry_model.h"
#include <math.h>
#include <string.h>

#define T(c, k) ((c)->d[k].null == 1 ? NULL : &(c)->d[k].t)
#define S(c, k, i) ((c)->d[k].shape[i])

/* ---- fe_linear(X: f32[n, k], W: f32[m, k], B: f32[m]) -> Y: f32[n, m] ---- */
static void linear_shapes(const int64_t *sv, int t, int64_t *s)
{
    static const int dims[4][2] = { { 0, 1 }, { 2, 1 }, { 2, -1 }, { 0, 2 } };
    for (int k = 0; k < 2 && dims[t][k] >= 0; k++) s[k] = sv[dims[t][k]];
}
static bool linear_ok(const Call *c)
{
    return S(c, 0, 1) == S(c, 1, 1) && S(c, 1, 0) == S(c, 2, 0) && S(c, 3, 0) == S(c, 0, 0) && S(c, 3, 1) == S(c, 1, 0);
}
static void linear_ref(Call *c)
{
    const float *x = fe_in(c, 0), *w = fe_in(c, 1), *b = fe_in(c, 2);
    float *y = fe_out(c, 3);
    int64_t n = S(c, 0, 0), k = S(c, 0, 1), m = S(c, 1, 0);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            float s = 0.0f;
            for (int64_t r = 0; r < k; r++) s = fmaf(x[i * k + r], w[j * k + r], s);
            y[i * m + j] = s + b[j];
        }
}
static size_t linear_ws(const Call *c) { return fe_linear_workspace_bytes(S(c, 0, 0), S(c, 0, 1), S(c, 1, 0)); }
static int linear_call(Call *c, void *ws)
{
    return ws ? fe_linear_ws(ws, T(c, 0), T(c, 1), T(c, 2), T(c, 3)) : fe_linear(T(c, 0), T(c, 1), T(c, 2), T(c, 3));
}

/* ---- fe_pool(I: f32[c, h, w]) -> O: f32[c, (h - 3) / 2 + 1, (w - 3) / 2 + 1] ---- */
static void pool_shapes(const int64_t *sv, int t, int64_t *s)
{
    s[0] = sv[0];
    s[1] = t ? (sv[1] - 3) / 2 + 1 : sv[1];
    s[2] = t ? (sv[2] - 3) / 2 + 1 : sv[2];
}
static bool pool_ok(const Call *c)
{
    return S(c, 0, 1) >= 3 && S(c, 0, 2) >= 3 && S(c, 1, 0) == S(c, 0, 0) && S(c, 1, 1) == (S(c, 0, 1) - 3) / 2 + 1 &&
           S(c, 1, 2) == (S(c, 0, 2) - 3) / 2 + 1;
}
static void pool_ref(Call *c)
{
    const float *in = fe_in(c, 0);
    float *o = fe_out(c, 1);
    int64_t h = S(c, 0, 1), w = S(c, 0, 2), oh = S(c, 1, 1), ow = S(c, 1, 2);
    for (int64_t ci = 0; ci < S(c, 0, 0); ci++)
        for (int64_t y = 0; y < oh; y++)
            for (int64_t x = 0; x < ow; x++) {
                float m = in[(ci * h + 2 * y) * w + 2 * x];
                for (int dy = 0; dy < 3; dy++)
                    for (int dx = 0; dx < 3; dx++) m = fmaxf(m, in[(ci * h + 2 * y + dy) * w + 2 * x + dx]);
                o[(ci * oh + y) * ow + x] = m;
            }
}
static size_t pool_ws(const Call *c) { return fe_pool_workspace_bytes(S(c, 0, 0), S(c, 0, 1), S(c, 0, 2)); }
static int pool_call(Call *c, void *ws) { return ws ? fe_pool_ws(ws, T(c, 0), T(c, 1)) : fe_pool(T(c, 0), T(c, 1)); }

/* ---- fe_two(A: i32[n], s: i32) -> (P: i32[n], Q: i32[n]) ---- */
static void two_shapes(const int64_t *sv, int t, int64_t *s)
{
    (void)t;
    s[0] = sv[0];
}
static bool two_ok(const Call *c) { return S(c, 1, 0) == S(c, 0, 0) && S(c, 2, 0) == S(c, 0, 0); }
static void two_ref(Call *c)
{
    const int32_t *a = fe_in(c, 0);
    int32_t *p = fe_out(c, 1);
    for (int64_t i = 0; i < S(c, 0, 0); i++) p[i] = (int32_t)((uint32_t)a[i] + (uint32_t)c->scalar);
    int32_t *q = fe_out(c, 2);
    for (int64_t i = 0; i < S(c, 0, 0); i++) q[i] = (int32_t)((uint32_t)a[i] * 2u);
}
static size_t two_ws(const Call *c) { return fe_two_workspace_bytes(S(c, 0, 0)); }
static int two_call(Call *c, void *ws)
{
    return ws ? fe_two_ws(ws, T(c, 0), c->scalar, T(c, 1), T(c, 2)) : fe_two(T(c, 0), c->scalar, T(c, 1), T(c, 2));
}

/* ---- fe_blur(I: f64[h, w]) -> O: f64[h - 2, w - 2] ---- */
static void blur_shapes(const int64_t *sv, int t, int64_t *s)
{
    s[0] = sv[0] - 2 * t;
    s[1] = sv[1] - 2 * t;
}
static bool blur_ok(const Call *c)
{
    return S(c, 0, 0) >= 2 && S(c, 0, 1) >= 2 && S(c, 1, 0) == S(c, 0, 0) - 2 && S(c, 1, 1) == S(c, 0, 1) - 2;
}
static void blur_ref(Call *c)
{
    const double *in = fe_in(c, 0);
    double *o = fe_out(c, 1);
    int64_t w = S(c, 0, 1), ow = S(c, 1, 1);
    for (int64_t y = 0; y < S(c, 1, 0); y++)
        for (int64_t x = 0; x < ow; x++) {
            double bx[3];
            for (int k = 0; k < 3; k++) {
                const double *r = in + (y + k) * w + x;
                bx[k] = (r[0] + r[1] + r[2]) / 3.0;
            }
            o[y * ow + x] = (bx[0] + bx[1] + bx[2]) / 3.0;
        }
}
static size_t blur_ws(const Call *c) { return fe_blur_workspace_bytes(S(c, 0, 0), S(c, 0, 1)); }
static int blur_call(Call *c, void *ws) { return ws ? fe_blur_ws(ws, T(c, 0), T(c, 1)) : fe_blur(T(c, 0), T(c, 1)); }

/* ---- fe_even(I: u8[2 * h]) -> O: u16[h] ---- */
static void even_shapes(const int64_t *sv, int t, int64_t *s) { s[0] = t ? sv[0] : 2 * sv[0]; }
static bool even_ok(const Call *c) { return S(c, 0, 0) % 2 == 0 && S(c, 1, 0) == S(c, 0, 0) / 2; }
static void even_ref(Call *c)
{
    const uint8_t *in = fe_in(c, 0);
    uint16_t *o = fe_out(c, 1);
    for (int64_t y = 0; y < S(c, 1, 0); y++) o[y] = (uint16_t)(in[2 * y] + in[2 * y + 1]);
}
static size_t even_ws(const Call *c) { return fe_even_workspace_bytes(S(c, 0, 0) / 2); }
static int even_call(Call *c, void *ws) { return ws ? fe_even_ws(ws, T(c, 0), T(c, 1)) : fe_even(T(c, 0), T(c, 1)); }

const FeFn fe_fns[] = {
    { "fe_linear",
      4,
      1,
      { 0, 1, 2, 3 },
      { 2, 2, 2, 2 },
      { 4, 4, 4, 4 },
      { 2, 2, 1, 2 },
      3,
      linear_shapes,
      linear_ok,
      linear_ref,
      linear_call,
      linear_ws },
    { "fe_pool", 2, 1, { 0, 1 }, { 2, 2 }, { 4, 4 }, { 3, 3 }, 3, pool_shapes, pool_ok, pool_ref, pool_call, pool_ws },
    { "fe_two",
      3,
      2,
      { 0, 2, 3 },
      { 0, 0, 0 },
      { 4, 4, 4 },
      { 1, 1, 1 },
      1,
      two_shapes,
      two_ok,
      two_ref,
      two_call,
      two_ws },
    { "fe_blur", 2, 1, { 0, 1 }, { 2, 2 }, { 8, 8 }, { 2, 2 }, 2, blur_shapes, blur_ok, blur_ref, blur_call, blur_ws },
    { "fe_even", 2, 1, { 0, 1 }, { 1, 1 }, { 1, 2 }, { 1, 1 }, 1, even_shapes, even_ok, even_ref, even_call, even_ws },
};
const int fe_nfns = sizeof fe_fns / sizeof fe_fns[0];
