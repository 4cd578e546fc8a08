/* harness.h - shared helpers for the end-to-end harnesses: a deterministic PRNG
 * fill per dtype, comparisons that print the first mismatch and count failures,
 * and a check that an entry point returned 0. Include it before the generated
 * header; a harness's main() ends with `return harness_done("NAME");`.
 * With -DTDSL_JIT_LOOKUP=tdsl_test_jit_lookup the generated header turns every
 * entry point into a lookup in a JIT (tests/jit_shim.c), so the same harness
 * tests the JIT. */
#ifndef TDSL_TEST_HARNESS_H
#define TDSL_TEST_HARNESS_H
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *tdsl_test_jit_lookup(const char *name);

static int h_checks, h_failures;
static uint64_t h_state = 0x9e3779b97f4a7c15ull, h_seed = 1;

/* ---- PRNG (splitmix64): the same sequence on every machine ---- */
static inline void rng_seed(uint64_t seed)
{
    h_seed = seed;
    h_state = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
}

static inline uint64_t rng_next(void)
{
    uint64_t z = (h_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static inline double rng_unit(void) { return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0); }

/* uniform integer in [lo, hi] */
static inline int64_t rng_range(int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;     /* 0: the whole 64-bit range */
    uint64_t x = span ? rng_next() % span : rng_next();
    return (int64_t)((uint64_t)lo + x);
}

static inline void fill_f32(float *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = (float)(2.0 * rng_unit() - 1.0);
}
static inline void fill_f64(double *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = 2.0 * rng_unit() - 1.0;
}
/* floats in [lo, hi) */
static inline void fill_f32_range(float *p, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++) p[i] = (float)(lo + (hi - lo) * rng_unit());
}
static inline void fill_f64_range(double *p, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++) p[i] = lo + (hi - lo) * rng_unit();
}

#define H_FILL_INT(name, T, dlo, dhi)                                              \
    static inline void fill_##name##_range(T *p, size_t n, int64_t lo, int64_t hi) \
    {                                                                              \
        for (size_t i = 0; i < n; i++) p[i] = (T)rng_range(lo, hi);                \
    }                                                                              \
    static inline void fill_##name(T *p, size_t n) { fill_##name##_range(p, n, dlo, dhi); }
H_FILL_INT(i8, int8_t, -9, 9)
H_FILL_INT(i16, int16_t, -99, 99)
H_FILL_INT(i32, int32_t, -99, 99)
H_FILL_INT(i64, int64_t, -999, 999)
H_FILL_INT(u8, uint8_t, 0, 255)
H_FILL_INT(u16, uint16_t, 0, 999)
H_FILL_INT(u32, uint32_t, 0, 999)
H_FILL_INT(u64, uint64_t, 0, 9999)

static inline void fill_bool(bool *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = (rng_next() >> 63) != 0;
}

/* ---- allocation: a result buffer starts filled with a sentinel so that an
 * element the entry point forgot to write shows up as a mismatch ---- */
static inline void *xalloc(size_t n, size_t size)
{
    size_t bytes = n * size;
    void *p = malloc(bytes > 0 ? bytes : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu x %zu bytes)\n", n, size);
        exit(2);
    }
    memset(p, 0xA5, n * size);
    return p;
}
#define ALLOC(T, n) ((T *)xalloc((size_t)(n), sizeof(T)))

/* ---- checks ---- */
static inline int h_check(bool ok)
{
    h_checks++;
    if (!ok) h_failures++;
    return ok;
}

/* Generic condition check with a printf-style message on failure. */
#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        if (!h_check(!!(cond))) {                                                    \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fprintf(stderr, "\n");                                                   \
        }                                                                            \
    } while (0)

/* Checks that an entry point call returned 0; evaluates to true on success.
 * tdsl_format_error comes from the generated header, included after this one. */
#define CHECK_OK(call) h_check_ok((call), #call, __FILE__, __LINE__, tdsl_format_error)
static inline bool h_check_ok(int rc, const char *call, const char *file, int line,
                              const char *(*format)(int, char *, size_t))
{
    char buf[160];
    if (h_check(rc == 0)) return true;
    fprintf(stderr, "%s:%d: %s returned %d (%s)\n", file, line, call, rc, format(rc, buf, sizeof buf));
    return false;
}

/* HARNESS_DUMP=FILE: every checked result is appended to FILE as a line
 * "LABEL: N elements, FNV-1a 64 of their bytes", so that the same harness run on
 * two machines (x86-64 and aarch64 under qemu: tests/aarch64) can be compared
 * bit for bit. Nothing is written without the variable. */
static inline void h_dump(const char *what, const void *got, size_t n, size_t size)
{
    static FILE *f;
    static bool opened;
    if (!opened) {
        const char *path = getenv("HARNESS_DUMP");
        opened = true;
        f = path && *path ? fopen(path, "w") : NULL;
    }
    if (!f) return;
    const unsigned char *p = (const unsigned char *)got;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n * size; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    fprintf(f, "%s: %zu x %zu bytes, fnv %016llx\n", what, n, size, (unsigned long long)h);
    fflush(f);
}

static inline bool h_close(double got, double exp, double rtol, double atol)
{
    if (isnan(exp)) return isnan(got);
    if (isinf(exp)) return got == exp;
    return fabs(got - exp) <= atol + rtol * fabs(exp);
}

/* Compares n floats; prints the first mismatch and the number of mismatches. */
static inline bool check_close_f64(const char *what, const double *got, const double *exp, size_t n, double rtol,
                                   double atol)
{
    size_t bad = 0, first = 0;
    double worst = 0.0;
    h_dump(what, got, n, sizeof *got);
    for (size_t i = 0; i < n; i++) {
        if (h_close(got[i], exp[i], rtol, atol)) continue;
        if (!bad++) first = i;
        double d = fabs(got[i] - exp[i]);
        if (!(d <= worst)) worst = d;
    }
    if (h_check(bad == 0)) return true;
    fprintf(stderr,
            "%s: %zu of %zu elements differ (seed %llu); first at [%zu]: got %.17g, expected %.17g"
            " (max abs diff %g, rtol %g, atol %g)\n",
            what, bad, n, (unsigned long long)h_seed, first, got[first], exp[first], worst, rtol, atol);
    return false;
}

static inline bool check_close_f32(const char *what, const float *got, const float *exp, size_t n, double rtol,
                                   double atol)
{
    size_t bad = 0, first = 0;
    double worst = 0.0;
    h_dump(what, got, n, sizeof *got);
    for (size_t i = 0; i < n; i++) {
        if (h_close(got[i], exp[i], rtol, atol)) continue;
        if (!bad++) first = i;
        double d = fabs((double)got[i] - (double)exp[i]);
        if (!(d <= worst)) worst = d;
    }
    if (h_check(bad == 0)) return true;
    fprintf(stderr,
            "%s: %zu of %zu elements differ (seed %llu); first at [%zu]: got %.9g, expected %.9g"
            " (max abs diff %g, rtol %g, atol %g)\n",
            what, bad, n, (unsigned long long)h_seed, first, (double)got[first], (double)exp[first], worst, rtol, atol);
    return false;
}

/* Bit-exact float comparison (NaN equals NaN): for selects, copies, min/max. */
static inline bool check_equal_f32(const char *what, const float *got, const float *exp, size_t n)
{
    return check_close_f32(what, got, exp, n, 0.0, 0.0);
}
static inline bool check_equal_f64(const char *what, const double *got, const double *exp, size_t n)
{
    return check_close_f64(what, got, exp, n, 0.0, 0.0);
}

#define H_EQUAL(name, T, PT, fmt)                                                                 \
    static inline bool check_equal_##name(const char *what, const T *got, const T *exp, size_t n) \
    {                                                                                             \
        size_t bad = 0, first = 0;                                                                \
        h_dump(what, got, n, sizeof *got);                                                        \
        for (size_t i = 0; i < n; i++)                                                            \
            if (got[i] != exp[i] && !bad++) first = i;                                            \
        if (h_check(bad == 0)) return true;                                                       \
        fprintf(stderr,                                                                           \
                "%s: %zu of %zu elements differ (seed %llu); first at [%zu]: "                    \
                "got " fmt ", expected " fmt "\n",                                                \
                what, bad, n, (unsigned long long)h_seed, first, (PT)got[first], (PT)exp[first]); \
        return false;                                                                             \
    }
H_EQUAL(i8, int8_t, long long, "%lld")
H_EQUAL(i16, int16_t, long long, "%lld")
H_EQUAL(i32, int32_t, long long, "%lld")
H_EQUAL(i64, int64_t, long long, "%lld")
H_EQUAL(u8, uint8_t, unsigned long long, "%llu")
H_EQUAL(u16, uint16_t, unsigned long long, "%llu")
H_EQUAL(u32, uint32_t, unsigned long long, "%llu")
H_EQUAL(u64, uint64_t, unsigned long long, "%llu")

/* bool results are compared as bytes: anything but 0 or 1 is a failure too. */
static inline bool check_equal_bool(const char *what, const bool *got, const bool *exp, size_t n)
{
    const unsigned char *g = (const unsigned char *)got;
    size_t bad = 0, first = 0;
    h_dump(what, got, n, 1);
    for (size_t i = 0; i < n; i++)
        if (g[i] != (unsigned char)exp[i] && !bad++) first = i;
    if (h_check(bad == 0)) return true;
    fprintf(stderr, "%s: %zu of %zu elements differ (seed %llu); first at [%zu]: got byte %u, expected %u\n", what, bad,
            n, (unsigned long long)h_seed, first, g[first], (unsigned)exp[first]);
    return false;
}

/* Checks that every byte of a buffer still holds the 0xA5 sentinel. */
static inline bool check_untouched(const char *what, const void *buf, size_t bytes)
{
    const unsigned char *p = (const unsigned char *)buf;
    for (size_t i = 0; i < bytes; i++)
        if (p[i] != 0xA5) {
            h_check(false);
            fprintf(stderr, "%s: result buffer was written (byte %zu is 0x%02x)\n", what, i, p[i]);
            return false;
        }
    h_check(true);
    return true;
}

/* Seed from $TDSL_SEED (to reproduce a failure) or a fixed default. */
/* Expects call to fail with exactly (kind, arg, dim) of an entry error code;
 * ANY skips a field. Like CHECK_OK, the decoding macros and the message
 * functions come from the generated header, included after this one. */
#define ANY (-1)
#define EXPECT_ERR(call, kind, arg, dim)                                                                               \
    ({                                                                                                                 \
        int rc_ = (call);                                                                                              \
        h_expect_err(rc_, TDSL_ERR_KIND(rc_), TDSL_ERR_ARG(rc_), TDSL_ERR_DIM(rc_), #call, (int[3]){ kind, arg, dim }, \
                     __FILE__, __LINE__, tdsl_format_error, tdsl_strerror);                                            \
    })
static inline void h_expect_err(int rc, int got_kind, int got_arg, int got_dim, const char *call, const int *want,
                                const char *file, int line, const char *(*format)(int, char *, size_t),
                                const char *(*name)(int))
{
    bool ok = rc != 0 && got_kind == want[0] && (want[1] == ANY || got_arg == want[1]) &&
              (want[2] == ANY || got_dim == want[2]);
    if (h_check(ok)) return;
    char buf[160];
    fprintf(stderr, "%s:%d: %s returned %d (kind %d, arg %d, dim %d: %s); expected kind %d (%s), arg %d, dim %d\n",
            file, line, call, rc, got_kind, got_arg, got_dim, format(rc, buf, sizeof buf), want[0], name(want[0]),
            want[1], want[2]);
}

static inline void harness_init(void)
{
    const char *s = getenv("TDSL_SEED");
    rng_seed(s && *s ? strtoull(s, NULL, 0) : 1);
}

/* Prints the summary line; returns main()'s exit status. */
static inline int harness_done(const char *name)
{
    if (h_failures == 0) {
        printf("%s: ok (%d checks)\n", name, h_checks);
        return 0;
    }
    printf("%s: FAILED %d of %d checks (seed %llu)\n", name, h_failures, h_checks, (unsigned long long)h_seed);
    return 1;
}

/* Labels a check with the sizes it ran on: LABEL("C %dx%d", m, n). */
static inline char *h_label(void)
{
    static char buf[256];
    return buf;
}
#define LABEL(...) (snprintf(h_label(), 256, __VA_ARGS__), h_label())

#endif
