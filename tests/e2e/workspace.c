/* workspace: the entries with their workspace from the caller (NAME_ws) and
 * without (NAME) against plain C loops; NAME_workspace_bytes(sizes) is the
 * plan's size (the arena's peak, slots of symbolic size, one slice per thread
 * for a parallel body, a callee's workspace); NAME_ws writes its
 * intermediates into ws (poisoned before: bytes change), reads nothing stale
 * from it and calls malloc not once (counted by the malloc below, which
 * forwards to glibc's; not under the sanitizers, which own malloc). */
#include "harness.h"
#include "workspace.h"
#include <string.h>
#include <unistd.h>

#include "../malloc_count.h"

/* the pool's thread count, as runtime/tdsl_pool.c reads it */
static int64_t pool_threads(void)
{
    const char *s = getenv("TDSL_NUM_THREADS");
    long v = s ? atol(s) : 0;
    if (v >= 1) return v > 256 ? 256 : v;
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c < 1 ? 1 : c > 256 ? 256 : c;
}

static size_t slot(size_t bytes) { return (bytes + 63) / 64 * 64; }

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
    /* the arena (S, T, P: 1 KB each, two live at once), V (n x 16 floats), chain_small's arena (2 KB) */
    size_t ws_bytes = mixed_workspace_bytes(n), want = 2048 + slot((size_t)n * 64) + 2048;
    CHECK(ws_bytes == want, "mixed_workspace_bytes(%d) = %zu, want %zu", n, ws_bytes, want);
    unsigned char *ws = ALLOC(unsigned char, ws_bytes);
    memset(ws, 0xA5, ws_bytes);
    tdsl_tensor X = TDSL_F32(x, n, 16), W = TDSL_F32(w, 16, 16), Y = TDSL_F32(y, n, 16), Y2 = TDSL_F32(y2, n, 16);
    if (CHECK_OK(mixed(&X, &W, &Y))) check_close_f32(LABEL("mixed n=%d", n), y, ref, (size_t)n * 16, 1e-5, 1e-5);
    int rc;
    __auto_type fn = mixed_ws;  /* looked up first: the JIT's lookup may allocate */
    long calls = MALLOCS_IN(fn(ws, &X, &W, &Y2), rc);
    if (CHECK_OK(rc)) check_equal_f32(LABEL("mixed_ws n=%d", n), y2, y, (size_t)n * 16);
    CHECK(calls <= 0, "mixed_ws called malloc %ld times", calls);
    CHECK(!poisoned(ws, ws_bytes), "mixed_ws left ws untouched");
    free(x), free(w), free(y), free(y2), free(ref), free(ws);
}

static void rowsq_ref(const float *a, int n, int m, float *s)
{
    for (int i = 0; i < n; i++) {
        float acc = 0.0f;
        for (int j = 0; j < m; j++)
            for (int k = 0; k < m; k++) acc += a[i * m + j] * a[i * m + k];
        s[i] = acc;
    }
}

/* nested(X) = 2 * rowsq(X + 1), in one workspace: Z, R, and rowsq's per-thread T */
static void t_nested(int n, int m)
{
    float *x = ALLOC(float, n *m), *z = ALLOC(float, n *m), *y = ALLOC(float, n), *y2 = ALLOC(float, n);
    float *ref = ALLOC(float, n), *sq = ALLOC(float, n);
    fill_f32(x, (size_t)n * m);
    for (int i = 0; i < n * m; i++) z[i] = x[i] + 1.0f;
    rowsq_ref(z, n, m, sq);
    for (int i = 0; i < n; i++) ref[i] = sq[i] * 2.0f;
    size_t per_thread = slot((size_t)m * m * 4), rowsq_want = (size_t)pool_threads() * per_thread;
    size_t want = slot((size_t)n * m * 4) + slot((size_t)n * 4) + rowsq_want, ws_bytes = nested_workspace_bytes(n, m);
    CHECK(rowsq_workspace_bytes(n, m) == rowsq_want, "rowsq_workspace_bytes(%d, %d) = %zu, want %zu", n, m,
          rowsq_workspace_bytes(n, m), rowsq_want);
    CHECK(ws_bytes == want, "nested_workspace_bytes(%d, %d) = %zu, want %zu", n, m, ws_bytes, want);
    CHECK(nested_workspace_bytes(-1, m) == SIZE_MAX, "a negative size gives SIZE_MAX");
    CHECK(nested_workspace_bytes(INT64_MAX / 2, m) == SIZE_MAX, "an overflowing size gives SIZE_MAX");
    unsigned char *ws = ALLOC(unsigned char, ws_bytes);
    memset(ws, 0xA5, ws_bytes);
    tdsl_tensor X = TDSL_F32(x, n, m), Y = TDSL_F32(y, n), Y2 = TDSL_F32(y2, n);
    int rc;
    __auto_type plain = nested;     /* NAME: one malloc, its whole workspace */
    long own = MALLOCS_IN(plain(&X, &Y), rc);
    if (CHECK_OK(rc)) check_close_f32(LABEL("nested %dx%d", n, m), y, ref, (size_t)n, 1e-4, 1e-4);
    CHECK(own == 1 || own == -1, "nested called malloc %ld times, not once", own);
    __auto_type fn = nested_ws;
    long calls = MALLOCS_IN(fn(ws, &X, &Y2), rc);
    if (CHECK_OK(rc)) check_equal_f32(LABEL("nested_ws %dx%d", n, m), y2, y, (size_t)n);
    CHECK(calls <= 0, "nested_ws called malloc %ld times", calls);
    CHECK(!poisoned(ws, ws_bytes), "nested_ws left ws untouched");
    free(x), free(z), free(y), free(y2), free(ref), free(sq), free(ws);
}

int main(void)
{
    harness_init();
    t_chain();
    t_mixed(1);
    t_mixed(37);
    t_nested(7, 160);   /* T: 100 KB per row: in the workspace, not on the stack */
    t_nested(3, 20);    /* T: 1.6 KB, in the workspace too (its size is symbolic) */
    return harness_done("workspace");
}
