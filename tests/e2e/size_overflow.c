/* size_overflow: shapes whose byte counts do not fit in i64 make the entry
 * point return TDSL_ERR_SIZE (naming the argument and dim when the shape is an
 * argument's) before it allocates or touches anything; a huge size that fits
 * but cannot be allocated returns TDSL_ERR_NOMEM. Tensors that the entry must
 * accept (their sizes fit) lie over PROT_NONE reservations of their full size:
 * a read of them faults. */
#define _GNU_SOURCE
#include "harness.h"
#include "size_overflow.h"
#include <sys/mman.h>

/* The NOMEM cases ask malloc for 2^62 bytes; under ASan it must say NULL. */
#if defined(__SANITIZE_ADDRESS__)
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
#endif

#define P2(k) ((int64_t)1 << (k))

/* Address space for a tensor of `bytes`, never backed: NULL if it cannot be had. */
static void *reserve(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) return p;
    fprintf(stderr, "size_overflow: cannot reserve %zu bytes; cases over it skipped\n", bytes);
    return NULL;
}

static float out[64];
#define RESET_OUT() memset(out, 0xA5, sizeof out)
#define OUT_UNTOUCHED(what) check_untouched(what, out, sizeof out)

/* the same fns on small sizes, for contrast */
static void good_calls(void)
{
    float a[5] = { 1, 2, 3, 4, 5 }, k[3] = { 1, -1, 0.5f }, s[3], sq[25];
    tdsl_tensor A = TDSL_F32(a, 5), S = TDSL_F32(s, 1);
    if (CHECK_OK(sz_outer(&A, &S))) CHECK(s[0] == 225.0f, "sz_outer: got %g", (double)s[0]);
    tdsl_tensor X = TDSL_F32(a, 1, 5);
    if (CHECK_OK(sz_param(&X, &S))) CHECK(s[0] == 15.0f, "sz_param: got %g", (double)s[0]);
    tdsl_tensor B = TDSL_F32(sq, 5, 5);
    if (CHECK_OK(sz_square(&A, &B))) CHECK(sq[7] == 6.0f, "sz_square: got %g", (double)sq[7]);
    tdsl_tensor K = TDSL_F32(k, 3), S3 = TDSL_F32(s, 3);
    if (CHECK_OK(sz_par(&A, &K, &S3)))
        CHECK(s[0] == 225.0f && s[1] == -225.0f && s[2] == 112.5f, "sz_par: got %g %g %g", (double)s[0], (double)s[1],
              (double)s[2]);
    uint8_t u[4] = { 3, 9, 2, 7 }, u2[8], m[1];
    tdsl_tensor U = TDSL_U8(u, 4), U2 = TDSL_U8(u2, 8), M = TDSL_U8(m, 1);
    if (CHECK_OK(sz_twice(&U, &U2))) CHECK(u2[1] == 9 && u2[5] == 9, "sz_twice: got %d %d", u2[1], u2[5]);
    if (CHECK_OK(sz_local(&U, &M))) CHECK(m[0] == 9, "sz_local: got %d", m[0]);
    if (CHECK_OK(sz_shift(&U, &M))) CHECK(m[0] == 9, "sz_shift: got %d", m[0]);
    tdsl_tensor A0 = TDSL_F32(a, 0);
    if (CHECK_OK(sz_wide(&A0, &S))) CHECK(s[0] == 0.0f, "sz_wide with n = 0: got %g", (double)s[0]);
}

/* A parameter's or result's own shape: n * m * 4 bytes do not fit. */
static void argument_shapes(void)
{
    float small[4];
    RESET_OUT();
    tdsl_tensor S = TDSL_F32(out, 1);
    tdsl_tensor X1 = TDSL_F32(small, P2(33), P2(33));           /* 2^66 elements */
    EXPECT_ERR(sz_param(&X1, &S), TDSL_ERR_SIZE, 0, 1);
    tdsl_tensor X2 = TDSL_F32(small, P2(31), P2(30));           /* 2^61 elements, 2^63 bytes */
    EXPECT_ERR(sz_param(&X2, &S), TDSL_ERR_SIZE, 0, 1);
    tdsl_tensor X3 = TDSL_F32(small, P2(62), 3);                /* 4 * 2^62 already at dim 0 */
    EXPECT_ERR(sz_param(&X3, &S), TDSL_ERR_SIZE, 0, 0);
    OUT_UNTOUCHED("sz_param with an overflowing parameter");

    /* a result's shape: n = 2^31 fits for A, but B is 2^64 bytes */
    float *a = reserve((size_t)P2(31) * 4);
    if (a) {
        tdsl_tensor A = TDSL_F32(a, P2(31)), B = TDSL_F32(out, P2(31), P2(31));
        EXPECT_ERR(sz_square(&A, &B), TDSL_ERR_SIZE, 1, 1);
        munmap(a, (size_t)P2(31) * 4);
    }
    OUT_UNTOUCHED("sz_square with an overflowing result");

    /* a result extent derived from sizes: 2 * n with n = 2^62 */
    uint8_t u[4];
    tdsl_tensor U = TDSL_U8(u, P2(62)), B1 = TDSL_U8(out, 1);
    EXPECT_ERR(sz_twice(&U, &B1), TDSL_ERR_SIZE, 1, 0);
    /* binding n = extent + 2 */
    tdsl_tensor Umax = TDSL_U8(u, INT64_MAX);
    EXPECT_ERR(sz_shift(&Umax, &B1), TDSL_ERR_SIZE, 0, 0);
    OUT_UNTOUCHED("derived extents that overflow");
}

/* An intermediate's bytes: the kernel returns the code before malloc. */
static void intermediates(void)
{
    tdsl_tensor S = TDSL_F32(out, 1);
    int64_t ns[3] = { P2(31), P2(32) + 1, P2(30) };     /* n*n*4 wraps to 0; n*n wraps; fits */
    for (int t = 0; t < 3; t++) {
        size_t bytes = (size_t)ns[t] * 4;
        float *a = reserve(bytes);
        if (!a) continue;
        tdsl_tensor A = TDSL_F32(a, ns[t]);
        RESET_OUT();
        EXPECT_ERR(sz_outer(&A, &S), t < 2 ? TDSL_ERR_SIZE : TDSL_ERR_NOMEM, ANY, ANY);
        OUT_UNTOUCHED(LABEL("sz_outer n=%lld", (long long)ns[t]));
        /* sz_par's workspace holds a T per thread: at most 2^8 x 2^54 bytes for 2^26 (fits) */
        float k[2] = { 1, 2 };
        tdsl_tensor K = TDSL_F32(k, 2), S2 = TDSL_F32(out, 2), A2 = TDSL_F32(a, t < 2 ? ns[t] : P2(26));
        EXPECT_ERR(sz_par(&A2, &K, &S2), t < 2 ? TDSL_ERR_SIZE : TDSL_ERR_NOMEM, ANY, ANY);
        OUT_UNTOUCHED(LABEL("sz_par n=%lld", (long long)ns[t]));
        munmap(a, bytes);
    }

    /* T: f32[n, 2^62] from a small A: 4 * 3 * 2^62 bytes wrap to 0 */
    float a3[3] = { 1, 2, 3 };
    tdsl_tensor A3 = TDSL_F32(a3, 3);
    RESET_OUT();
    EXPECT_ERR(sz_wide(&A3, &S), TDSL_ERR_SIZE, ANY, ANY);
    OUT_UNTOUCHED("sz_wide");

    /* P: u8[2 * n + 1], n = 2^62: the extent itself overflows. A's claimed
     * range starts past the result, so the entry finds no overlap. */
    static uint8_t mem[128];
    memset(mem, 0xA5, sizeof mem);
    tdsl_tensor U = TDSL_U8(mem + 64, P2(62)), M = TDSL_U8(mem, 1);
    EXPECT_ERR(sz_local(&U, &M), TDSL_ERR_SIZE, ANY, ANY);
    tdsl_tensor U2 = TDSL_U8(mem + 64, P2(61));         /* 2^62 + 1 bytes fit */
    EXPECT_ERR(sz_local(&U2, &M), TDSL_ERR_NOMEM, ANY, ANY);
    check_untouched("sz_local", mem, sizeof mem);
}

int main(void)
{
    harness_init();
    good_calls();
    argument_shapes();
    intermediates();
    return harness_done("size_overflow");
}
