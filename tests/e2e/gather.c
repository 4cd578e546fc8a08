/* gather: data-dependent indices against plain C references, at odd sizes,
 * with indices at and past both ends of the table, negative and hostile ones
 * (INT64_MIN, INT64_MAX). The table sits between two inaccessible pages, so
 * a read outside it faults (and ASan sees the rest of the harness). */
#define _DEFAULT_SOURCE
#include "harness.h"
#include "gather.h"
#include <sys/mman.h>
#include <unistd.h>

/* n floats whose last one ends at an inaccessible page, with another
 * inaccessible page before the first */
static float *fenced(size_t n, void **base, size_t *len)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE), body = (n * sizeof(float) + pg - 1) / pg * pg;
    *len = body + 2 * pg;
    char *p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) abort();
    mprotect(p, pg, PROT_NONE);
    mprotect(p + pg + body, pg, PROT_NONE);
    *base = p;
    return (float *)(p + pg + body) - n;
}

static int64_t hostile(int64_t v, int i)
{
    static const int64_t fixed[] = { INT64_MIN, INT64_MAX, -1, 0, 1, -2 };
    switch (i % 9) {
    case 0: return fixed[(i / 9) % 6];
    case 1: return v - 1;
    case 2: return v;
    case 3: return v + 1;
    case 4: return -v;
    default: return rng_range(-3, v + 2);
    }
}

static int64_t clampi(int64_t x, int64_t lo, int64_t hi) { return x < lo ? lo : x > hi ? hi : x; }

static void run_clamp_sel(int v, int d, int n)
{
    void *base;
    size_t len;
    float *t = fenced((size_t)v * d, &base, &len), *e = ALLOC(float, n *d), *ref = ALLOC(float, n *d);
    int64_t *idx = ALLOC(int64_t, n);
    int32_t *idx32 = ALLOC(int32_t, n);
    fill_f32(t, (size_t)v * d);
    for (int i = 0; i < n; i++) {
        idx[i] = hostile(v, i);
        idx32[i] = i % 7 == 0 ? (i % 2 ? INT32_MIN : INT32_MAX) : (int32_t)clampi(idx[i], INT32_MIN, INT32_MAX);
    }
    tdsl_tensor T = TDSL_F32(t, v, d), I = TDSL_I64(idx, n), I32 = TDSL_I32(idx32, n), E = TDSL_F32(e, n, d);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) ref[i * d + j] = t[clampi(idx[i], 0, v - 1) * d + j];
    if (CHECK_OK(gather_clamp(&T, &I, &E))) check_equal_f32(LABEL("gather_clamp %d %d %d", v, d, n), e, ref, n * d);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) ref[i * d + j] = idx32[i] >= 0 && idx32[i] < v ? t[idx32[i] * d + j] : 0.0f;
    if (CHECK_OK(gather_sel(&T, &I32, &E))) check_equal_f32(LABEL("gather_sel %d %d %d", v, d, n), e, ref, n * d);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            float s = 0.0f;
            for (int k = 0; k < 3; k++) s += idx[i] >= 0 && idx[i] <= v - 3 ? t[(idx[i] + k) * d + j] : 0.0f;
            ref[i * d + j] = s;
        }
    if (CHECK_OK(window3(&T, &I, &E))) check_equal_f32(LABEL("window3 %d %d %d", v, d, n), e, ref, n * d);
    munmap(base, len);
    free(e), free(ref), free(idx), free(idx32);
}

static void run_cols(int n, int m, int k)
{
    void *base;
    size_t len;
    float *x = fenced((size_t)n * m, &base, &len), *y = ALLOC(float, n *k), *ref = ALLOC(float, n *k);
    uint8_t *j = ALLOC(uint8_t, k);
    fill_f32(x, (size_t)n * m);
    for (int c = 0; c < k; c++) j[c] = c % 5 == 0 ? 255 : c % 5 == 1 ? (uint8_t)m : (uint8_t)rng_range(0, 255);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < k; c++) ref[i * k + c] = j[c] < m ? x[i * m + j[c]] : -1.0f;
    tdsl_tensor X = TDSL_F32(x, n, m), J = TDSL_U8(j, k), Y = TDSL_F32(y, n, k);
    if (CHECK_OK(gather_cols(&X, &J, &Y))) check_equal_f32(LABEL("gather_cols %d %d %d", n, m, k), y, ref, n * k);
    munmap(base, len);
    free(y), free(ref), free(j);
}

static void run_stage(int v, int d, int n)
{
    float *t = ALLOC(float, v *d), *e = ALLOC(float, n *d), *ref = ALLOC(float, n *d);
    int16_t *idx = ALLOC(int16_t, n);
    fill_f32(t, (size_t)v * d);
    for (int i = 0; i < n; i++)
        idx[i] = i % 4 == 0 ? INT16_MIN : i % 4 == 1 ? INT16_MAX : (int16_t)rng_range(-2, v + 1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) ref[i * d + j] = t[clampi(idx[i], 0, v - 1) * d + j] * 2.0f;
    tdsl_tensor T = TDSL_F32(t, v, d), I = TDSL_I16(idx, n), E = TDSL_F32(e, n, d);
    if (CHECK_OK(gather_stage(&T, &I, &E))) check_equal_f32(LABEL("gather_stage %d %d %d", v, d, n), e, ref, n * d);
    free(t), free(e), free(ref), free(idx);
}

static void run_nested(int v, int m, int n, int64_t s)
{
    void *base;
    size_t len;
    float *t = fenced((size_t)v, &base, &len), *e = ALLOC(float, n), *ref = ALLOC(float, n);
    int64_t *ii = ALLOC(int64_t, m), *jj = ALLOC(int64_t, n);
    fill_f32(t, (size_t)v);
    for (int i = 0; i < m; i++) ii[i] = hostile(v, i + 3);
    for (int i = 0; i < n; i++) jj[i] = hostile(m, i);
    for (int i = 0; i < n; i++)
        ref[i] = t[clampi(ii[clampi(jj[i], 0, m - 1)], 0, v - 1)] + (s >= 0 && s < v ? t[s] : 0.0f);
    tdsl_tensor T = TDSL_F32(t, v), I = TDSL_I64(ii, m), J = TDSL_I64(jj, n), E = TDSL_F32(e, n);
    if (CHECK_OK(gather2(&T, &I, &J, s, &E)))
        check_equal_f32(LABEL("gather2 %d %d %d %lld", v, m, n, (long long)s), e, ref, n);
    munmap(base, len);
    free(e), free(ref), free(ii), free(jj);
}

/* an empty table cannot be read: the entry point refuses it */
static void run_empty(void)
{
    float t[1], e[3];
    int64_t idx[1] = { 0 };
    tdsl_tensor T = TDSL_F32(t, 0, 3), I = TDSL_I64(idx, 1), E = TDSL_F32(e, 1, 3);
    CHECK(gather_clamp(&T, &I, &E) != 0, "gather_clamp accepted an empty table");
}

int main(void)
{
    harness_init();
    int sizes[][3] = { { 1, 1, 1 }, { 1, 7, 9 }, { 5, 3, 40 }, { 13, 17, 37 }, { 64, 64, 33 }, { 3, 100, 18 } };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        run_clamp_sel(sizes[i][0], sizes[i][1], sizes[i][2]);
        run_stage(sizes[i][0], sizes[i][1], sizes[i][2]);
        run_nested(sizes[i][0], sizes[i][1], sizes[i][2], i % 2 ? INT64_MIN : (int64_t)i - 2);
    }
    run_nested(5, 5, 5, INT64_MAX);
    run_nested(5, 5, 5, 4);
    run_cols(3, 7, 21);
    run_cols(5, 256, 30);
    run_cols(2, 300, 11);
    run_empty();
    return harness_done("gather");
}
