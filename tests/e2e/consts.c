/* consts: const weights embedded in the object against plain C loops over the
 * same formulas consts_fixtures.py wrote them from. */
#include "harness.h"
#include "consts.h"

#define K 24
#define M 16

static float w1(int j, int r) { return (float)(((j * K + r) * 7) % 13 - 6) / 8.0f; }
static float b1(int j) { return (float)((j % 5) - 2) / 4.0f; }
static float w2(int j, int r) { return (float)(((j * M + r) * 5) % 11 - 5) / 16.0f; }
static const int idx[6] = { 3, 0, 15, 7, 7, 1 };

static void reference(int n, const float *x, float *y)
{
    float h[M];
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < M; j++) {
            float z = 0.0f;
            for (int r = 0; r < K; r++) z = fmaf(x[i * K + r], w1(j, r), z);
            h[j] = fmaxf(z + b1(j), 0.0f);
        }
        for (int j = 0; j < 4; j++) {
            float z = 0.0f;
            for (int r = 0; r < M; r++) z = fmaf(h[r], w2(j, r), z);
            y[i * 4 + j] = z;
        }
    }
}

static void run(int n)
{
    float *x = ALLOC(float, n *K), *y = ALLOC(float, n * 4), *ref = ALLOC(float, n * 4);
    fill_f32(x, (size_t)n * K);
    reference(n, x, ref);
    tdsl_tensor X = TDSL_F32(x, n, K), Y = TDSL_F32(y, n, 4);
    if (CHECK_OK(mlp(&X, &Y))) check_close_f32(LABEL("mlp n=%d", n), y, ref, (size_t)n * 4, 1e-5, 1e-5);
    memset(y, 0, sizeof(float) * (size_t)n * 4);
    if (CHECK_OK(mlp_s(&X, &Y))) check_close_f32(LABEL("mlp_s n=%d", n), y, ref, (size_t)n * 4, 1e-5, 1e-5);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 4; j++) ref[i * 4 + j] = ref[i * 4 + j] * 2.0f + (float)idx[j];
    if (CHECK_OK(twice_plus(&X, &Y))) check_close_f32(LABEL("twice_plus n=%d", n), y, ref, (size_t)n * 4, 1e-5, 1e-5);
    free(x), free(y), free(ref);
}

int main(void)
{
    harness_init();
    run(1);
    run(7);
    run(64);
    run(0);
    float s[M], sref[M];
    for (int j = 0; j < M; j++) {
        sref[j] = 0.0f;
        for (int r = 0; r < K; r++) sref[j] += w1(j, r);
    }
    tdsl_tensor S = TDSL_F32(s, M);
    if (CHECK_OK(w1_rowsum(&S))) check_equal_f32("w1_rowsum", s, sref, M);
    return harness_done("consts");
}
