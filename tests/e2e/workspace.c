/* workspace: the entries with their arena from the caller (NAME_ws) and
 * without (NAME) against plain C loops; NAME_workspace_bytes is the plan's
 * peak (less than the sum of the locals); NAME_ws writes its intermediates
 * into ws (poisoned before: bytes change) and reads nothing stale from it. */
#include "harness.h"
#include "workspace.h"
#include <string.h>

static void chain_ref(const float *x, float *y)
{
    for (int i = 0; i < 128; i++)
        for (int j = 0; j < 128; j++) {
            float a = x[i * 128 + j] * 2.0f, bt = x[j * 128 + i] * 2.0f + 1.0f;
            y[i * 128 + j] = (bt * bt - a) + 3.0f;
        }
}

static bool poisoned(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xA5) return false;
    return true;
}

static void t_chain(void)
{
    size_t n = 128 * 128, ws_bytes = chain_workspace_bytes();
    float *x = ALLOC(float, n), *y = ALLOC(float, n), *y2 = ALLOC(float, n), *ref = ALLOC(float, n);
    fill_f32(x, n);
    chain_ref(x, ref);
    /* 4 locals of 64 KB; D can take B's bytes: 3 x 64 KB */
    CHECK(ws_bytes == 3 * n * sizeof(float), "chain_workspace_bytes() = %zu, want %zu", ws_bytes,
          3 * n * sizeof(float));
    unsigned char *ws = ALLOC(unsigned char, ws_bytes);
    memset(ws, 0xA5, ws_bytes);
    tdsl_tensor X = TDSL_F32(x, 128, 128), Y = TDSL_F32(y, 128, 128), Y2 = TDSL_F32(y2, 128, 128);
    if (CHECK_OK(chain(&X, &Y))) check_equal_f32("chain", y, ref, n);
    if (CHECK_OK(chain_ws(ws, &X, &Y2))) check_equal_f32("chain_ws", y2, ref, n);
    CHECK(!poisoned(ws, ws_bytes), "chain_ws left ws untouched");
    memset(y2, 0, n * sizeof(float));
    if (CHECK_OK(chain_ws(ws, &X, &Y2))) check_equal_f32("chain_ws, ws reused", y2, ref, n);
    free(x), free(y), free(y2), free(ref), free(ws);
}

static void t_mixed(int n)
{
    float *x = ALLOC(float, n * 16), *w = ALLOC(float, 256), *y = ALLOC(float, n * 16), *y2 = ALLOC(float, n * 16);
    float *ref = ALLOC(float, n * 16), p[256];
    fill_f32(x, (size_t)n * 16), fill_f32(w, 256);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            float a = (w[j * 16 + i] * 0.5f + w[i * 16 + j]) + 1.0f;     /* A[i, j] = T[i, j] + 1 */
            float at = (w[i * 16 + j] * 0.5f + w[j * 16 + i]) + 1.0f;    /* A[j, i] */
            p[i * 16 + j] = at * 2.0f - a;
        }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 16; j++) {
            float s = 0.0f;
            for (int r = 0; r < 16; r++) s += (x[i * 16 + r] + 1.0f) * p[r * 16 + j];
            ref[i * 16 + j] = s;
        }
    size_t ws_bytes = mixed_workspace_bytes();  /* S and T: 1 KB each, both live when T is made */
    CHECK(ws_bytes == 2048, "mixed_workspace_bytes() = %zu, want 2048", ws_bytes);
    unsigned char *ws = ALLOC(unsigned char, ws_bytes);
    memset(ws, 0xA5, ws_bytes);
    tdsl_tensor X = TDSL_F32(x, n, 16), W = TDSL_F32(w, 16, 16), Y = TDSL_F32(y, n, 16), Y2 = TDSL_F32(y2, n, 16);
    if (CHECK_OK(mixed(&X, &W, &Y))) check_close_f32(LABEL("mixed n=%d", n), y, ref, (size_t)n * 16, 1e-5, 1e-5);
    if (CHECK_OK(mixed_ws(ws, &X, &W, &Y2))) check_equal_f32(LABEL("mixed_ws n=%d", n), y2, y, (size_t)n * 16);
    CHECK(!poisoned(ws, ws_bytes), "mixed_ws left ws untouched");
    free(x), free(w), free(y), free(y2), free(ref), free(ws);
}

int main(void)
{
    harness_init();
    t_chain();
    t_mixed(1);
    t_mixed(37);
    return harness_done("workspace");
}
