/* fuzz.h - shared by the randomized schedule tester (tests/sched_fuzz.c) and its
 * schedule drawer (tests/fuzz/sched_draw.c): a seeded generator, a growable
 * string, and the drawer's one entry point. Every draw is a function of the seed. */
#ifndef TDSL_FUZZ_H
#define TDSL_FUZZ_H
#include "lang/ast.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Rng {
    uint64_t s;
} Rng;

static inline uint64_t rng_next(Rng *r)     /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static inline int rng_int(Rng *r, int n) { return n > 0 ? (int)(rng_next(r) % (uint64_t)n) : 0; }
static inline bool rng_pct(Rng *r, int pct) { return rng_int(r, 100) < pct; }

/* A malloc'd growable string. */
typedef struct Str {
    char *s;
    int len, cap;
} Str;
void str_printf(Str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void str_free(Str *b);

/* A drawn schedule: the text of one or more `schedule NAME { ... }` blocks. */
typedef struct SchedDraw {
    Str text;
    bool illegal;           /* deliberately broken: the compiler must reject it */
    const char *kind;       /* what was broken ("parallel of a reduction loop"), or NULL */
    bool reassoc;           /* uses rfactor: float results get a tolerance */
    int nprims;
} SchedDraw;

/* Primitives a draw leaves out (--without): bits named by sched_without_bit. */
enum {
    W_SPLIT = 1,
    W_TILE = 2,
    W_FUSE = 4,
    W_REORDER = 8,
    W_PARALLEL = 16,
    W_VECTORIZE = 32,
    W_UNROLL = 64,
    W_RFACTOR = 128,
    W_COMPUTE_AT = 256,
    W_COMPUTE_ROOT = 512,
    W_INLINE = 1024,
    W_PACK = 2048,
    W_TAILFUSE = 4096,      /* fuse(a, b) where b is the inner loop of a split that may have a tail */
    W_ACCUMULATE = 8192,
};
extern unsigned sched_without;
/* "split" -> W_SPLIT, ...; 0 for an unknown name */
unsigned sched_without_bit(const char *name);

/* Draws a random schedule for fn f of prog (f itself, or a fn it calls when f
 * has no stages of its own or by chance). illegal asks for one deliberately
 * illegal primitive among legal ones. The caller frees out->text. */
void sched_draw(const Program *prog, const Fn *f, Rng *r, bool illegal, SchedDraw *out);

/* values.c: sizes, inputs, calls and comparison */
extern volatile const char *fz_phase;   /* what a case is doing, for a crash report */
/* Random sizes for f's size vars (or those of spec, "n=3,k=7"); false if none fit. */
bool fz_draw_sizes(const Fn *f, Rng *r, const char *spec, int64_t *sz);
void fz_sizes_text(const Fn *f, const int64_t *sz, char *buf, size_t cap);
/* Calls the reference and the scheduled entry point on the same random inputs
 * for sizes sz and compares them (tol: a tolerance for floats; nan_bits: NaNs
 * must match bit for bit). False on a failure, described in why; *skipped if
 * the reference itself returned an error code. */
bool fz_run_draw(const Fn *f, void *ref, void *sch, const int64_t *sz, Rng *r, bool tol, bool nan_bits, Str *why,
                 bool *skipped);

#endif
