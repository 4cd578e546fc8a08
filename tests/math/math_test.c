/* math_test.c - TDSL's own f32 math (lower/codegen_math.c) against f64 libm on
 * the same f32 input: at most 2 ulp from the exact value, special values
 * (NaN, +-inf, +-0 and the signs of zeros) exact, and the unscheduled scalar
 * code (-O0 and -O3) bit-identical to vectorized schedules (widths 8 and 16).
 * usage: math_test [--exhaustive] [FN...]
 *   default: >= 10^6 inputs per function (special values, random bit patterns,
 *            ranges of interest); all variants compared bit for bit
 *   --exhaustive: all 2^32 inputs through a parallel, vectorized schedule
 *            (TDSL_NUM_THREADS threads), checked on as many host threads
 *   pow (two inputs): special-value pairs against C99 Annex F, then sampled
 *            (x, y) pairs: 2^20 by default, 2^26 with --exhaustive
 * Prints per function the largest error in ulp and where it occurs. */
#include "lang/ast.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "runtime/tdsl_tensor.h"
#include <llvm-c/Core.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef double (*RefFn)(double);
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* A function under test: its TDSL name, the f64 reference, and a range of
 * interest sampled uniformly besides random bit patterns. */
typedef struct MathCase {
    const char *name;
    RefFn ref;
    double lo, hi;
} MathCase;

static const MathCase cases[] = {
    { "exp", exp, -104.0, 89.0 },
    { "log", log, 0.0, 4.0 },
    { "tanh", tanh, -10.0, 10.0 },
    { "erf", erf, -4.5, 4.5 },
    { "sigmoid", ref_sigmoid, -105.0, 20.0 },
    { "sin", sin, -100.0, 100.0 },
    { "cos", cos, -100.0, 100.0 },
};
enum { NCASES = sizeof cases / sizeof cases[0] };

/* The variants each function is compiled in: name suffix, schedule, opt level. */
typedef struct Variant {
    const char *suffix, *schedule;
    int opt;
} Variant;

static const Variant variants[] = {
    { "s0", NULL, 0 },                                  /* scalar, unoptimized */
    { "s3", NULL, 3 },                                  /* unscheduled, -O3 */
    { "v8", "Y.vectorize(i, 8)", 3 },
    { "v16", "Y.vectorize(i, 16)", 3 },
    { "p8", "Y.split(i, io, ii, 65536).parallel(io).vectorize(ii, 8)", 3 },
};
enum { NVARIANTS = sizeof variants / sizeof variants[0], V_PAR = 4 };

typedef int (*Entry)(const tdsl_tensor *, tdsl_tensor *);

static Arena arena;
static Diag diag;
static Jit *jit;

/* JIT-compiles fn NAME_SUFFIX(params) -> Y: f32[n] { Y[i] = value } under variant v; NULL on failure */
static void *compile_variant(const char *name, const char *params, const char *value, int v)
{
    char src[512], fn[64];
    snprintf(fn, sizeof fn, "%s_%s", name, variants[v].suffix);
    int n = snprintf(src, sizeof src, "fn %s(%s) -> Y: f32[n] {\n    Y[i] = %s\n}\n", fn, params, value);
    if (variants[v].schedule)
        snprintf(src + n, sizeof src - (size_t)n, "schedule %s {\n    %s\n}\n", fn, variants[v].schedule);
    Source *s = ARENA_NEW(&arena, Source);
    s->path = "<math_test>";
    s->text = arena_strdup(&arena, src);
    Program *prog = ARENA_NEW(&arena, Program);
    LFunc **fns;
    if (parse_source(&arena, s, prog, &diag) || sema_check(&arena, prog, &diag) ||
        lower_program(&arena, prog, &fns, &diag) != 1 || jit_add(jit, fns, 1, variants[v].opt, &diag))
        return NULL;
    return jit_lookup(jit, fn);
}

/* JIT-compiles fn NAME_SUFFIX for every variant; -1 if one fails */
static int compile_case(const MathCase *c, Entry *out)
{
    char value[64];
    snprintf(value, sizeof value, "%s(X[i])", c->name);
    for (int v = 0; v < NVARIANTS; v++)
        if (!(out[v] = (Entry)compile_variant(c->name, "X: f32[n]", value, v))) return -1;
    return 0;
}

static int call(Entry f, float *x, float *y, int64_t n)
{
    int64_t shx = n, shy = n;
    tdsl_tensor X = { x, { 1, 0 }, 1, { 2, 32, 1 }, &shx, NULL, 0 };
    tdsl_tensor Y = { y, { 1, 0 }, 1, { 2, 32, 1 }, &shy, NULL, 0 };
    return f(&X, &Y);
}

/* ---- error measure ---- */

static float bits_f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static uint32_t f_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Error of y against the exact r in ulps of r's f32 binade; special values
 * (NaN, infinities, zeros, and results that round to them) must match
 * exactly, or the error is reported as 1e9. */
static double ulp_error(float y, double r)
{
    float rf = (float)r;
    if (isnan(r)) return isnan(y) ? 0.0 : 1e9;
    if (isnan(y)) return 1e9;
    if (isinf(rf) || isinf(y)) return rf == y ? 0.0 : 1e9;
    if (r == 0.0) return y == 0.0f && !!signbit(y) == !!signbit(r) ? 0.0 : 1e9;
    if (y == 0.0f && !!signbit(y) != !!signbit(r)) return 1e9;
    int e;
    frexp(r, &e); /* |r| in [2^(e-1), 2^e) */
    if (e - 1 < -126) e = -125;
    return fabs((double)y - r) / ldexp(1.0, e - 1 - 23);
}

typedef struct Worst {
    double err;
    float x, y;
    double ref;
    uint64_t count, bad;
} Worst;

static void note(Worst *w, float x, float y, double r)
{
    double e = ulp_error(y, r);
    w->count++;
    if (e > 2.0) w->bad++;
    if (e > w->err || (w->count == 1 && e >= w->err)) *w = (Worst){ e, x, y, r, w->count, w->bad };
}

typedef struct Job {
    const MathCase *c;
    const float *x, *y;
    size_t n;
    Worst w;
} Job;

static void *check_part(void *p)
{
    Job *j = p;
    for (size_t i = 0; i < j->n; i++) note(&j->w, j->x[i], j->y[i], j->c->ref((double)j->x[i]));
    return NULL;
}

/* checks y = f(x) on nthreads host threads, merging into *w */
static void check_all(const MathCase *c, const float *x, const float *y, size_t n, int nthreads, Worst *w)
{
    Job jobs[64];
    pthread_t th[64];
    size_t per = (n + (size_t)nthreads - 1) / (size_t)nthreads;
    for (int t = 0; t < nthreads; t++) {
        size_t lo = per * (size_t)t < n ? per * (size_t)t : n, hi = lo + per < n ? lo + per : n;
        jobs[t] = (Job){ c, x + lo, y + lo, hi - lo, { .err = 0 } };
        pthread_create(&th[t], NULL, check_part, &jobs[t]);
    }
    for (int t = 0; t < nthreads; t++) {
        pthread_join(th[t], NULL);
        uint64_t count = w->count + jobs[t].w.count, bad = w->bad + jobs[t].w.bad;
        if (jobs[t].w.err > w->err) *w = jobs[t].w;
        w->count = count;
        w->bad = bad;
    }
}

static void report(const MathCase *c, const Worst *w, double secs, bool *ok)
{
    bool pass = w->err <= 2.0;
    printf("%-4s %-8s max %.3f ulp at x = %.9g (0x%08x): got %.9g, exact %.17g; %llu inputs, %llu over 2 ulp "
           "(%.1f s)\n",
           pass ? "ok" : "FAIL", c->name, w->err, w->x, f_bits(w->x), w->y, w->ref, (unsigned long long)w->count,
           (unsigned long long)w->bad, secs);
    if (!pass) *ok = false;
}

/* ---- sampled inputs (make test) ---- */

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd32(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static size_t fill_samples(const MathCase *c, float *x, size_t cap)
{
    static const uint32_t special[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fbfffff,
        0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
        0x3f800000, 0xbf800000, 0x3f000000, 0xbf000000, 0x42b17217, 0x42b17218, 0xc2cff1b4, 0xc2cff1b5,
        0xc2ce8ed0, 0xc2ce8ecf, 0x3f200000, 0xbf200000, 0x3f600000, 0xbf600000, 0x407c0000, 0xc07c0000,
        0x4d800000, 0xcd800000, 0x3fc90fdb, 0x40490fdb, 0x5a7a5a8e, 0x7f7ffffe, 0x4b800000, 0x3f490fdb,
        0x4d800000, 0xcd800000, 0x3fc90fdb, 0x40490fdb, 0x5a7a5a8e, 0x7f7ffffe, 0x4b800000, 0x3f490fdb,
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) x[n++] = bits_f(special[i]);
    /* neighbourhoods of the special values, +-4096 bit patterns each */
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        for (int d = -4096; d <= 4096; d += 7) x[n++] = bits_f(special[i] + (uint32_t)d);
    while (n < cap / 2) x[n++] = bits_f(rnd32());
    while (n < cap) x[n++] = (float)(c->lo + (c->hi - c->lo) * (rnd32() / 4294967296.0));
    return n;
}

static int run_sampled(const MathCase *c, Entry *fns, bool *ok)
{
    enum { N = 1 << 20 };
    float *x = malloc(sizeof(float) * N), *y[NVARIANTS];
    size_t n = fill_samples(c, x, N);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int v = 0; v < NVARIANTS; v++) {
        y[v] = malloc(sizeof(float) * N);
        if (call(fns[v], x, y[v], (int64_t)n)) return -1;
    }
    for (int v = 1; v < NVARIANTS; v++)
        for (size_t i = 0; i < n; i++)
            if (f_bits(y[v][i]) != f_bits(y[0][i]) && !(isnan(y[v][i]) && isnan(y[0][i]))) {
                printf("FAIL %s: %s_%s(%.9g = 0x%08x) = 0x%08x but %s_%s gives 0x%08x\n", c->name, c->name,
                       variants[v].suffix, x[i], f_bits(x[i]), f_bits(y[v][i]), c->name, variants[0].suffix,
                       f_bits(y[0][i]));
                *ok = false;
                break;
            }
    Worst w = { .err = 0 };
    check_all(c, x, y[0], n, 2, &w);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    report(c, &w, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), ok);
    free(x);
    for (int v = 0; v < NVARIANTS; v++) free(y[v]);
    return 0;
}

/* ---- all 2^32 inputs ---- */

static int run_exhaustive(const MathCase *c, Entry f, int nthreads, bool *ok)
{
    const size_t chunk = (size_t)1 << 24;
    float *x = malloc(sizeof(float) * chunk), *y = malloc(sizeof(float) * chunk);
    Worst w = { .err = 0 };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint64_t base = 0; base < ((uint64_t)1 << 32); base += chunk) {
        for (size_t i = 0; i < chunk; i++) x[i] = bits_f((uint32_t)(base + i));
        if (call(f, x, y, (int64_t)chunk)) return -1;
        check_all(c, x, y, chunk, nthreads, &w);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    report(c, &w, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), ok);
    free(x), free(y);
    return 0;
}

/* ---- pow: sampled (x, y) pairs against f64 pow ---- */

typedef int (*Entry2)(const tdsl_tensor *, const tdsl_tensor *, tdsl_tensor *);

static int compile_pow(Entry2 *out)
{
    for (int v = 0; v < NVARIANTS; v++)
        if (!(out[v] = (Entry2)compile_variant("pow", "X: f32[n], P: f32[n]", "pow(X[i], P[i])", v))) return -1;
    return 0;
}

static int call2(Entry2 f, float *x, float *p, float *y, int64_t n)
{
    int64_t sh[3] = { n, n, n };
    tdsl_tensor X = { x, { 1, 0 }, 1, { 2, 32, 1 }, &sh[0], NULL, 0 };
    tdsl_tensor P = { p, { 1, 0 }, 1, { 2, 32, 1 }, &sh[1], NULL, 0 };
    tdsl_tensor Y = { y, { 1, 0 }, 1, { 2, 32, 1 }, &sh[2], NULL, 0 };
    return f(&X, &P, &Y);
}

static float rnd_unit(void) { return (float)(rnd32() / 4294967296.0); }

/* special pairs (every x of the table with every y), then random bit
 * patterns, x in (0, 4) with y in (-40, 40), x near 1 with large y, negative x
 * with integer y, and results spread over 2^-155 .. 2^135 (denormals, overflow) */
static size_t fill_pow(float *x, float *y, size_t cap)
{
    static const float sx[] = { 0.0f,
                                -0.0f,
                                1.0f,
                                -1.0f,
                                2.0f,
                                -2.0f,
                                0.5f,
                                -0.5f,
                                3.0f,
                                -3.0f,
                                1e-45f,
                                -1e-45f,
                                1.17549435e-38f,
                                3.40282347e38f,
                                -3.40282347e38f,
                                1.00000012f,
                                0.99999994f,
                                INFINITY,
                                -INFINITY,
                                NAN,
                                -NAN,
                                10.0f,
                                -0.1f };
    static const float sy[] = { 0.0f,         -0.0f,  1.0f,    -1.0f,    2.0f,      -2.0f,       3.0f,
                                -3.0f,        0.5f,   -0.5f,   1.5f,     -1.5f,     16777215.0f, 16777216.0f,
                                -16777215.0f, 3e38f,  -3e38f,  INFINITY, -INFINITY, NAN,         -NAN,
                                1e-45f,       127.0f, -149.0f, 150.5f };
    size_t n = 0, nx = sizeof sx / sizeof sx[0], ny = sizeof sy / sizeof sy[0];
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++) x[n] = sx[i], y[n++] = sy[j];
    while (n < cap) {
        switch (n % 5) {
        case 0: x[n] = bits_f(rnd32()), y[n] = bits_f(rnd32()); break;
        case 1: x[n] = 4 * rnd_unit(), y[n] = 80 * rnd_unit() - 40; break;
        case 2: x[n] = 0.9f + 0.2f * rnd_unit(), y[n] = (rnd32() & 1 ? 1 : -1) * 4096 * rnd_unit(); break;
        case 3: x[n] = -8 * rnd_unit(), y[n] = (float)((int)(rnd32() % 81) - 40); break;
        default: {
            float a = 4 * rnd_unit();
            x[n] = a, y[n] = (float)((290 * rnd_unit() - 155) / log2(a));
        }
        }
        n++;
    }
    return n;
}

static int run_pow(size_t cap, bool *ok)
{
    static const MathCase c = { "pow", NULL, 0, 0 };
    Entry2 fns[NVARIANTS];
    if (compile_pow(fns)) return -1;
    float *x = malloc(sizeof(float) * cap), *p = malloc(sizeof(float) * cap), *y[NVARIANTS];
    size_t n = fill_pow(x, p, cap);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int v = 0; v < NVARIANTS; v++) {
        y[v] = malloc(sizeof(float) * cap);
        if (call2(fns[v], x, p, y[v], (int64_t)n)) return -1;
    }
    for (int v = 1; v < NVARIANTS; v++)
        for (size_t i = 0; i < n; i++)
            if (f_bits(y[v][i]) != f_bits(y[0][i]) && !(isnan(y[v][i]) && isnan(y[0][i]))) {
                printf("FAIL pow: pow_%s(%.9g, %.9g) = 0x%08x but pow_s0 gives 0x%08x\n", variants[v].suffix, x[i],
                       p[i], f_bits(y[v][i]), f_bits(y[0][i]));
                *ok = false;
                break;
            }
    Worst w = { .err = 0 };
    float wy = 0;
    for (size_t i = 0; i < n; i++) {
        double r = pow((double)x[i], (double)p[i]), before = w.err;
        note(&w, x[i], y[0][i], r);
        if (w.err != before) wy = p[i];
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    report(&c, &w, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), ok);
    if (w.err > 0) printf("     (worst at y = %.9g)\n", wy);
    free(x), free(p);
    for (int v = 0; v < NVARIANTS; v++) free(y[v]);
    return 0;
}

int main(int argc, char **argv)
{
    bool exhaustive = false, ok = true;
    int first = 1;
    if (argc > 1 && !strcmp(argv[1], "--exhaustive")) exhaustive = true, first = 2;
    setvbuf(stdout, NULL, _IOLBF, 0); /* a line per function as it finishes */
    diag_init(&diag, stdout);
    arena_init(&arena);
    jit = jit_create(&diag);
    if (!jit) return 1;
    const char *nt = getenv("TDSL_NUM_THREADS");
    int nthreads = nt && atoi(nt) > 0 ? atoi(nt) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthreads > 64) nthreads = 64;
    if (nthreads < 1) nthreads = 1;
    for (int k = 0; k < NCASES; k++) {
        const MathCase *c = &cases[k];
        bool wanted = first >= argc;
        for (int i = first; i < argc; i++) wanted |= !strcmp(argv[i], c->name);
        if (!wanted) continue;
        Entry fns[NVARIANTS] = { 0 };
        if (compile_case(c, fns) ||
            (exhaustive ? run_exhaustive(c, fns[V_PAR], nthreads, &ok) : run_sampled(c, fns, &ok))) {
            printf("FAIL %s: could not compile or call it\n", c->name);
            ok = false;
        }
    }
    bool want_pow = first >= argc;
    for (int i = first; i < argc; i++) want_pow |= !strcmp(argv[i], "pow");
    if (want_pow && run_pow(exhaustive ? (size_t)1 << 26 : (size_t)1 << 20, &ok)) {
        printf("FAIL pow: could not compile or call it\n");
        ok = false;
    }
    jit_destroy(jit);
    arena_free(&arena);
    LLVMShutdown();
    printf("%s\n", ok ? "PASS math" : "FAIL math");
    return ok ? 0 : 1;
}
