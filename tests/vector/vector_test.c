/* vector_test.c - LOOP_VECTOR and LOOP_UNROLL codegen against the serial loops.
 * Each fn of each FILE.tdsl is lowered once (the reference); each variant is a
 * copy whose loops are rewritten the way `vectorize(v, W)` / `unroll(v, W)`
 * split them:
 *     for v in min .. min+E            for v_o in 0 .. (E + W - 1) / W:
 *       body                    ->       for v in min + v_o*W .. extent min(W, E - v_o*W) [vector W]:
 *                                          body
 * Every variant is compiled by the JIT (host CPU), some also ahead of time
 * (x86-64-v3, linked into a shared object), and called on random data for
 * sizes that are and are not multiples of W; its results must equal the
 * reference's bit for bit (NaNs compare equal to NaNs: LLVM promises no NaN
 * payloads). A loop is vectorized only when its iterations are independent:
 * every store in it to a buffer allocated outside it indexes with the loop
 * variable. The vec5 variant must show <5 x T> values in its IR.
 * --twins: no rewriting; each scheduled fn X_s must equal its twin X.
 * usage: vector_test [-v] [-s SEED] [-d DIR] [-V TAG] [--some] [--twins] [--no-aot] FILE.tdsl...
 * (a PASS/FAIL line per file; --some, as make test runs it, picks fewer variants) */
#include "lang/ast.h"
#include "lower/entry_ffi.h"
#include "lower/lower.h"
#include "parser/parse.h"
#include "sema/sema.h"
#include "runtime/tdsl_tensor.h"
#include <dlfcn.h>
#include <ffi.h>
#include <llvm-c/Core.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- loop rewriting ---- */

typedef enum Mode {
    VEC_INNER,      /* innermost independent loops vectorized */
    VEC_OUTER,      /* outermost independent loops vectorized (gathers, nested loops) */
    UNROLL_ALL,     /* the two innermost loop levels unrolled */
    VEC_UNROLL,     /* VEC_INNER, then the two innermost levels of other loops unrolled by 3 */
} Mode;

typedef struct Variant {
    Mode mode;
    int w;
    const char *tag;
    bool want_vector, aot;
} Variant;

static const Variant variants[] = {
    { VEC_INNER, 8, "vec8", false, true },       { VEC_INNER, 5, "vec5", true, false }, /* no one else makes <5 x T> */
    { VEC_OUTER, 4, "vecout4", false, true },    { UNROLL_ALL, 4, "unroll4", false, false },
    { VEC_UNROLL, 16, "vec16u3", false, false },
};
enum { NVARIANTS = sizeof variants / sizeof variants[0] };

typedef struct Rw {
    Arena *a;
    const Variant *v;
    int vectors;
    bool fallback;
} Rw;

static bool mentions(const LExpr *e, const LVar *v)
{
    if (!e) return false;
    if (e->kind == LX_VAR && e->var == v) return true;
    for (int i = 0; i < e->nargs; i++)
        if (mentions(e->args[i], v)) return true;
    return false;
}

typedef struct Indep {
    const LVar *v;
    const Buffer *local[64];
    int nlocal;
    int nstores;
    bool ok;
    bool fallback;
} Indep;

/* iterations of v are independent: stores to outside buffers index with v */
static void indep_walk(Indep *d, const LStmt *s)
{
    if (!s || !d->ok) return;
    switch (s->kind) {
    case LS_BLOCK:
        for (int i = 0; i < s->nbody; i++) indep_walk(d, s->body[i]);
        return;
    case LS_FOR:
        if (s->loop == LOOP_VECTOR) d->fallback = true;
        if (mentions(s->min, d->v) || mentions(s->extent, d->v)) d->fallback = true;
        indep_walk(d, s->body[0]);
        return;
    case LS_ALLOC:
        if (s->buf->ndim) d->fallback = true;
        if (d->nlocal < 64) d->local[d->nlocal++] = s->buf;
        indep_walk(d, s->body[0]);
        return;
    case LS_IF:
        indep_walk(d, s->body[0]);
        indep_walk(d, s->body[1]);
        return;
    case LS_CALL: d->ok = false; return;
    case LS_STORE: {
        d->nstores++;
        for (int i = 0; i < d->nlocal; i++)
            if (d->local[i] == s->buf) return;
        bool m = false;
        for (int k = 0; k < s->buf->ndim; k++) m |= mentions(s->idx[k], d->v);
        if (!m) d->ok = false;
        return;
    }
    }
}

static bool independent(const LStmt *s, bool *fallback)
{
    Indep d = { .v = s->var, .ok = true };
    indep_walk(&d, s->body[0]);
    if (d.ok && d.nstores) *fallback |= d.fallback;
    return d.ok && d.nstores > 0;
}

static LExpr *i64c(Arena *a, int64_t v) { return lx_int(a, DT_I64, v); }

/* s becomes the outer loop of the split; returns the inner loop */
static LStmt *split(Arena *a, LStmt *s, LoopKind kind, int w)
{
    LVar *vo = lv_new(a, arena_printf(a, "%s_o", s->var->name), LV_LOOP, DT_I64, 0);
    LExpr *off = lx_binary(a, OP_MUL, lx_var(a, vo), i64c(a, w));
    LExpr *args[2] = { i64c(a, w), lx_binary(a, OP_SUB, s->extent, off) };
    LStmt *in = ls_for(a, s->var, lx_binary(a, OP_ADD, s->min, off), lx_call(a, MF_MIN, DT_I64, args, 2), s->body[0]);
    in->loop = kind;
    in->width = w;
    s->var = vo;
    s->extent = lx_binary(a, OP_DIV, lx_binary(a, OP_ADD, s->extent, i64c(a, w - 1)), i64c(a, w));
    s->min = i64c(a, 0);
    s->body[0] = in;
    s->loop = LOOP_SERIAL;
    return in;
}

/* Vectorizes per mode; returns true if a loop in s was vectorized. */
static bool rw_vec(Rw *r, LStmt *s, bool inner)
{
    if (!s) return false;
    bool any = false;
    switch (s->kind) {
    case LS_BLOCK:
        for (int i = 0; i < s->nbody; i++) any |= rw_vec(r, s->body[i], inner);
        return any;
    case LS_ALLOC: return rw_vec(r, s->body[0], inner);
    case LS_IF: return rw_vec(r, s->body[0], inner) | rw_vec(r, s->body[1], inner);
    case LS_FOR: {
        bool fb = false;
        if (!inner && s->loop == LOOP_SERIAL && independent(s, &fb)) {
            r->fallback |= fb;
            split(r->a, s, LOOP_VECTOR, r->v->w);
            r->vectors++;
            return true;
        }
        if (rw_vec(r, s->body[0], inner)) return true;
        if (inner && s->loop == LOOP_SERIAL && independent(s, &fb)) {
            r->fallback |= fb;
            split(r->a, s, LOOP_VECTOR, r->v->w);
            r->vectors++;
            return true;
        }
        return false;
    }
    default: return false;
    }
}

/* Unrolls the serial loops with at most one loop level inside (each unrolled
 * level multiplies the code by w + 1); not the outer loops that splits made.
 * Returns how deep loops nest in s. */
static int rw_unroll(Rw *r, LStmt *s, int w)
{
    if (!s) return 0;
    int h = 0, k;
    switch (s->kind) {
    case LS_BLOCK:
        for (int i = 0; i < s->nbody; i++)
            if ((k = rw_unroll(r, s->body[i], w)) > h) h = k;
        return h;
    case LS_ALLOC: return rw_unroll(r, s->body[0], w);
    case LS_IF:
        h = rw_unroll(r, s->body[0], w);
        k = rw_unroll(r, s->body[1], w);
        return h > k ? h : k;
    case LS_FOR: {
        bool split_outer = s->loop == LOOP_SERIAL && s->min->kind == LX_INT && s->min->ival == 0 &&
                           s->body[0]->kind == LS_FOR && s->body[0]->loop != LOOP_SERIAL;
        h = rw_unroll(r, s->body[0], w);
        if (s->loop == LOOP_SERIAL && !split_outer && h <= 1) split(r->a, s, LOOP_UNROLL, w);
        return h + 1;
    }
    default: return 0;
    }
}

static void rewrite(Rw *r, LFunc *f)
{
    switch (r->v->mode) {
    case VEC_INNER: rw_vec(r, f->body, true); break;
    case VEC_OUTER: rw_vec(r, f->body, false); break;
    case UNROLL_ALL: rw_unroll(r, f->body, r->v->w); break;
    case VEC_UNROLL:
        rw_vec(r, f->body, true);
        rw_unroll(r, f->body, 3);
        break;
    }
}

/* ---- compiling ---- */

static Arena arena;
static Diag diag;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = arena_alloc(&arena, (size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static int lower_file(const char *path, const char *text, LFunc ***fns)
{
    Source *src = ARENA_NEW(&arena, Source);
    src->path = path;
    src->text = text;
    Program *prog = ARENA_NEW(&arena, Program);
    if (parse_source(&arena, src, prog, &diag) || sema_check(&arena, prog, &diag)) return -1;
    return lower_program(&arena, prog, fns, &diag);
}

/* The variants' loops are copies (LS_CALL callees stay the reference's). */
static LStmt *copy_stmt(const LStmt *s)
{
    if (!s) return NULL;
    LStmt *c = ARENA_NEW(&arena, LStmt);
    *c = *s;
    if (s->nbody) {
        c->body = arena_alloc(&arena, sizeof(LStmt *) * (size_t)s->nbody);
        for (int i = 0; i < s->nbody; i++) c->body[i] = copy_stmt(s->body[i]);
    }
    return c;
}

/* ---- data and calls ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int64_t eval(const LExpr *e, const int64_t *sizes)
{
    switch (e->kind) {
    case LX_INT: return e->ival;
    case LX_VAR: return e->var->kind == LV_SIZE ? sizes[e->var->index] : 0;
    case LX_UNARY: return -eval(e->args[0], sizes);
    case LX_CAST: return eval(e->args[0], sizes);
    case LX_BINARY: {
        int64_t a = eval(e->args[0], sizes), b = eval(e->args[1], sizes);
        switch (e->op) {
        case OP_ADD: return a + b;
        case OP_SUB: return a - b;
        case OP_MUL: return a * b;
        case OP_DIV: return b ? a / b : 0;
        case OP_MOD: return b ? a % b : 0;
        default: return 0;
        }
    }
    case LX_CALL:
        if (e->fn == MF_MIN)
            return eval(e->args[0], sizes) < eval(e->args[1], sizes) ? eval(e->args[0], sizes)
                                                                     : eval(e->args[1], sizes);
        if (e->fn == MF_MAX)
            return eval(e->args[0], sizes) > eval(e->args[1], sizes) ? eval(e->args[0], sizes)
                                                                     : eval(e->args[1], sizes);
        return 0;
    default: return 0;
    }
}

static void fill(void *p, DType t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rnd();
        int pick = (int)(r % 16);
        r >>= 8;
        switch (t) {
        case DT_F32:
        case DT_F64: {
            double x = (double)(r % 2000001) / 250000.0 - 4.0; /* [-4, 4] */
            if (pick == 0) x = 0.0;
            else if (pick == 1) x = -0.0;
            else if (pick == 2) x = (double)(int)(x * 2) / 2; /* halves: ties for floor/ceil */
            if (t == DT_F32) ((float *)p)[i] = (float)x;
            else ((double *)p)[i] = x;
            break;
        }
        case DT_BOOL: ((uint8_t *)p)[i] = r & 1; break;
        default: {
            int bytes = dtype_bits(t) / 8;
            uint64_t v = r;
            if (pick < 6) v = (uint64_t)(int64_t)((int)(r % 11) - 5); /* small, 0 and -1 */
            else if (pick == 6) v = dtype_is_signed(t) ? (uint64_t)1 << (bytes * 8 - 1) : 0; /* MIN */
            memcpy((char *)p + i * (size_t)bytes, &v, (size_t)bytes); /* little endian */
        }
        }
    }
}

/* A tensor argument. Its data starts right after an inaccessible page or ends
 * right before one (reads and writes just outside fault), the rest of its
 * pages hold a guard pattern (stray writes show), and an input keeps a copy of
 * its data (writes into it show). */
typedef struct TArg {
    tdsl_tensor t;
    int64_t shape[8];
    size_t n;
    DType type;
    unsigned char *map, *copy;
    size_t maplen, lo, hi; /* map[lo..hi) is accessible */
} TArg;
enum { PAGE = 4096, GUARD_BYTE = 0xa5 };
static int at_end; /* place data against the trailing page (else the leading one) */
static const char *calling; /* for the SIGSEGV message */

static size_t tensor_bytes(const TArg *x) { return x->n * (size_t)(dtype_bits(x->type) / 8); }

static void tensor_make(TArg *x, const Buffer *b, const int64_t *sizes)
{
    memset(x, 0, sizeof *x);
    x->type = b->type;
    x->n = 1;
    for (int k = 0; k < b->ndim && k < 8; k++) {
        x->shape[k] = eval(b->extent[k], sizes);
        x->n *= x->shape[k] > 0 ? (size_t)x->shape[k] : 0;
    }
    size_t bytes = tensor_bytes(x), pages = (bytes + PAGE - 1) / PAGE;
    x->maplen = (pages + 2) * PAGE;
    x->map = mmap(NULL, x->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (x->map == MAP_FAILED || mprotect(x->map, PAGE, PROT_NONE) ||
        mprotect(x->map + x->maplen - PAGE, PAGE, PROT_NONE)) {
        perror("vector_test: mmap");
        exit(1);
    }
    x->lo = PAGE;
    x->hi = x->maplen - PAGE;
    x->t.data = x->map + (at_end ? x->hi - bytes : x->lo);
    x->t.device.device_type = 1;
    x->t.ndim = b->ndim;
    x->t.dtype.code = (uint8_t)dtype_dlpack_code(b->type);
    x->t.dtype.bits = (uint8_t)dtype_bits(b->type);
    x->t.dtype.lanes = 1;
    x->t.shape = x->shape;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    char msg[600];
    int n = snprintf(msg, sizeof msg, "FAIL %s touched memory just outside a tensor (address %p)\n",
                     calling ? calling : "(not in a call)", si->si_addr);
    if (write(1, msg, (size_t)n) < 0) _exit(3);
    _exit(1);
}

typedef struct Call {
    const LFunc *f;
    ffi_cif cif;
    ffi_type **types;
    void **vals;
    TArg *params, *results;
    union {
        int64_t i;
        double d;
        float fl;
        uint8_t b[8];
    } *scalars;
    tdsl_tensor **ptrs;
} Call;

static bool call_setup(Call *c, const LFunc *f, const int64_t *sizes)
{
    int n = f->nparams + f->nresults;
    c->f = f;
    c->types = calloc((size_t)n + 1, sizeof(ffi_type *));
    c->vals = calloc((size_t)n + 1, sizeof(void *));
    c->params = calloc((size_t)f->nparams + 1, sizeof(TArg));
    c->results = calloc((size_t)f->nresults + 1, sizeof(TArg));
    c->scalars = calloc((size_t)f->nparams + 1, sizeof *c->scalars);
    c->ptrs = calloc((size_t)n + 1, sizeof(tdsl_tensor *));
    for (int i = 0; i < f->nparams; i++) {
        if (f->params[i]) {
            tensor_make(&c->params[i], f->params[i], sizes);
            fill(c->params[i].t.data, f->params[i]->type, c->params[i].n);
            c->params[i].copy = malloc(tensor_bytes(&c->params[i]) + 1);
            memcpy(c->params[i].copy, c->params[i].t.data, tensor_bytes(&c->params[i]));
            c->ptrs[i] = &c->params[i].t;
            c->types[i] = &ffi_type_pointer;
            c->vals[i] = &c->ptrs[i];
        } else {
            DType t = f->scalars[i]->type;
            fill(&c->scalars[i], t, 1);
            c->types[i] = entry_ffi_type(t);
            c->vals[i] = &c->scalars[i];
        }
    }
    for (int i = 0; i < f->nresults; i++) {
        int k = f->nparams + i;
        tensor_make(&c->results[i], f->results[i], sizes);
        c->ptrs[k] = &c->results[i].t;
        c->types[k] = &ffi_type_pointer;
        c->vals[k] = &c->ptrs[k];
    }
    return ffi_prep_cif(&c->cif, FFI_DEFAULT_ABI, (unsigned)n, &ffi_type_sint32, c->types) == FFI_OK;
}

static void guard(TArg *x)
{
    unsigned char *d = x->t.data;
    memset(x->map + x->lo, GUARD_BYTE, (size_t)(d - (x->map + x->lo)));
    memset(d + tensor_bytes(x), GUARD_BYTE, (size_t)(x->map + x->hi - (d + tensor_bytes(x))));
}

/* Calls fn on fresh copies of the inputs and guard zones (an earlier call may
 * have damaged them) */
static int call_run(Call *c, void *fn)
{
    for (int i = 0; i < c->f->nparams; i++)
        if (c->f->params[i]) {
            guard(&c->params[i]);
            memcpy(c->params[i].t.data, c->params[i].copy, tensor_bytes(&c->params[i]));
        }
    for (int i = 0; i < c->f->nresults; i++) {
        guard(&c->results[i]);
        memset(c->results[i].t.data, 0xcd, tensor_bytes(&c->results[i]));
    }
    ffi_arg rv = 0;
    ffi_call(&c->cif, FFI_FN(fn), &rv, c->vals);
    return (int)(int32_t)rv;
}

static bool guards_intact(const TArg *x)
{
    const unsigned char *d = x->t.data;
    for (const unsigned char *p = x->map + x->lo; p < x->map + x->hi; p++) {
        if (p == d) p += tensor_bytes(x);
        if (p < x->map + x->hi && *p != GUARD_BYTE) return false;
    }
    return true;
}

/* What the last call wrote where it must not, or NULL */
static const char *call_damage(const Call *c)
{
    for (int i = 0; i < c->f->nparams; i++) {
        const TArg *x = &c->params[i];
        if (!c->f->params[i]) continue;
        if (!guards_intact(x)) return "wrote next to an input";
        if (memcmp(x->copy, x->t.data, tensor_bytes(x))) return "wrote into an input";
    }
    for (int i = 0; i < c->f->nresults; i++)
        if (!guards_intact(&c->results[i])) return "wrote outside a result";
    return NULL;
}

static void call_free(Call *c)
{
    for (int i = 0; i < c->f->nparams; i++)
        if (c->f->params[i]) {
            munmap(c->params[i].map, c->params[i].maplen);
            free(c->params[i].copy);
        }
    for (int i = 0; i < c->f->nresults; i++) munmap(c->results[i].map, c->results[i].maplen);
    free(c->types);
    free(c->vals);
    free(c->params);
    free(c->results);
    free(c->scalars);
    free(c->ptrs);
}

/* first differing element of a result, or -1 */
static long differs(const TArg *x, const void *ref)
{
    size_t eb = (size_t)dtype_bits(x->type) / 8;
    for (size_t i = 0; i < x->n; i++) {
        const char *a = (const char *)x->t.data + i * eb, *b = (const char *)ref + i * eb;
        if (!memcmp(a, b, eb)) continue;
        if (x->type == DT_F32) {
            float fa, fb;
            memcpy(&fa, a, 4);
            memcpy(&fb, b, 4);
            if (isnan(fa) && isnan(fb)) continue;
        } else if (x->type == DT_F64) {
            double da, db;
            memcpy(&da, a, 8);
            memcpy(&db, b, 8);
            if (isnan(da) && isnan(db)) continue;
        }
        return (long)i;
    }
    return -1;
}

static void show_elem(FILE *o, DType t, const void *p)
{
    switch (t) {
    case DT_F32: fprintf(o, "%.9g", (double)*(const float *)p); break;
    case DT_F64: fprintf(o, "%.17g", *(const double *)p); break;
    default: {
        uint64_t v = 0;
        memcpy(&v, p, (size_t)dtype_bits(t) / 8);
        fprintf(o, "0x%llx", (unsigned long long)v);
    }
    }
}

/* ---- one file ---- */

static int verbose;
static int use_aot = 1;
static const char *dump_dir; /* -d DIR: each variant's optimized IR as DIR/TAG.ll */
static const char *only; /* -V TAG: rewrite only that variant's loops */
static int some; /* --some: vec5 and one other, picked by the file's name */
static int twins; /* --twins: each fn X_s against its twin X, no rewriting */

/* Is variant v run on path? */
static bool chosen(int v, const char *path)
{
    if (!some || variants[v].want_vector) return true;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    unsigned h = 5381;
    for (const char *p = base; *p; p++) h = h * 33 + (unsigned char)*p;
    int others[NVARIANTS], n = 0;
    for (int i = 0; i < NVARIANTS; i++)
        if (!variants[i].want_vector) others[n++] = i;
    return v == others[h % (unsigned)n];
}

typedef struct Cand {
    const char *name, *where;
    void *fn;
} Cand;

/* Calls ref and every candidate (same signature as f) on random data for
 * several sizes; counts comparisons and prints each mismatch. */
static int compare_fn(const char *path, const LFunc *f, void *ref, const Cand *cands, int ncands, int *compared)
{
    /* every size var W, 2W + 3, ... for the widths used, then random ones */
    static const int64_t fixed[] = { 8, 19, 5, 16, 15, 4, 33 };
    enum { NFIXED = sizeof fixed / sizeof fixed[0], NTRIALS = NFIXED + 2 };
    int failures = 0;
    for (int tr = 0; tr < NTRIALS && failures < 10; tr++) {
        int64_t sizes[64];
        for (int k = 0; k < f->nsizes && k < 64; k++) sizes[k] = tr < NFIXED ? fixed[tr] : 1 + (int64_t)(rnd() % 24);
        uint64_t data_seed = rng_state;
        at_end = tr & 1;
        Call c;
        if (!call_setup(&c, f, sizes)) {
            printf("FAIL %s: ffi_prep_cif failed for %s\n", path, f->name);
            call_free(&c);
            return failures + 1;
        }
        char who[300];
        snprintf(who, sizeof who, "%s: the reference %s (sizes as %s's trial %d)", path, f->name, f->name, tr);
        calling = who;
        int rc = call_run(&c, ref);
        if (call_damage(&c)) {
            printf("FAIL %s: the reference %s %s; sizes", path, f->name, call_damage(&c));
            for (int j = 0; j < f->nsizes; j++) printf(" %s=%lld", f->sizes[j]->name, (long long)sizes[j]);
            printf("\n");
            call_free(&c);
            return failures + 1;
        }
        void **want = calloc((size_t)f->nresults + 1, sizeof(void *));
        for (int i = 0; i < f->nresults; i++) {
            want[i] = malloc(tensor_bytes(&c.results[i]) + 1);
            memcpy(want[i], c.results[i].t.data, tensor_bytes(&c.results[i]));
        }
        for (int k = 0; k < ncands; k++) {
            const Cand *cd = &cands[k];
            snprintf(who, sizeof who, "%s: %s (%s, %s's trial %d)", path, cd->name, cd->where, f->name, tr);
            int got = call_run(&c, cd->fn);
            (*compared)++;
            const char *bad = NULL;
            long at = -1;
            int i = 0;
            const char *damage = call_damage(&c);
            if (damage) bad = damage;
            else if (got != rc) bad = "return code";
            for (; !bad && i < f->nresults; i++)
                if ((at = differs(&c.results[i], want[i])) >= 0) bad = f->results[i]->name;
            if (!bad) continue;
            failures++;
            printf("FAIL %s: %s (%s): ", path, cd->name, cd->where);
            if (damage) {
                printf("%s", damage);
            } else if (at < 0) {
                printf("returned %d, expected %d", got, rc);
            } else {
                i--;
                size_t eb = (size_t)dtype_bits(f->results[i]->type) / 8;
                printf("result %s differs at flat index %ld: ", bad, at);
                show_elem(stdout, f->results[i]->type, (char *)c.results[i].t.data + (size_t)at * eb);
                printf(", expected ");
                show_elem(stdout, f->results[i]->type, (char *)want[i] + (size_t)at * eb);
            }
            printf("; sizes");
            for (int j = 0; j < f->nsizes; j++) printf(" %s=%lld", f->sizes[j]->name, (long long)sizes[j]);
            printf("; data seed %llu\n", (unsigned long long)data_seed);
        }
        calling = NULL;
        for (int i = 0; i < f->nresults; i++) free(want[i]);
        free(want);
        call_free(&c);
    }
    return failures;
}

/* Compiles fns ahead of time for x86-64-v3 into a shared object and opens it;
 * the object stays open (a parallel loop's thread pool lives in it). */
static void *aot_open(LFunc **fns, int n, const char *tmpdir)
{
    static int nlib; /* a fresh name per file: dlopen of a known path reuses it */
    char obj[4200], lib[4300], cmd[9000];
    nlib++;
    snprintf(obj, sizeof obj, "%s/all%d.o", tmpdir, nlib);
    snprintf(lib, sizeof lib, "%s/all%d.so", tmpdir, nlib);
    CodegenOptions o = { NULL, 3 };
    if (aot_emit(fns, n, &o, EMIT_OBJ, obj, &diag)) return NULL;
    const char *cc = getenv("CC") ? getenv("CC") : "cc";
    snprintf(cmd, sizeof cmd, "%s -shared -o %s %s -lm -lpthread", cc, lib, obj);
    void *so = system(cmd) == 0 ? dlopen(lib, RTLD_NOW | RTLD_LOCAL) : NULL;
    if (!so) printf("  linking the AOT object failed: %s\n", cmd);
    return so;
}

/* Do the variant's loops really compute on <w x T> values? */
static bool has_vectors(LFunc **fns, int n, int w, const char *tmpdir)
{
    char ll[4200], want[32];
    snprintf(ll, sizeof ll, "%s/vec%d.ll", tmpdir, w);
    snprintf(want, sizeof want, "<%d x ", w);
    CodegenOptions o = { NULL, 1 };
    char *s = aot_emit(fns, n, &o, EMIT_LLVM, ll, &diag) ? NULL : slurp(ll);
    return s && strstr(s, want);
}

static int check_file(const char *path, const char *tmpdir)
{
    const char *text = slurp(path);
    LFunc **ref;
    int n = text ? lower_file(path, text, &ref) : -1;
    Jit *jit = n >= 0 ? jit_create(&diag) : NULL;
    if (!jit || jit_add(jit, ref, n, 3, &diag)) {
        printf("FAIL %s: does not compile\n", path);
        return 1;
    }
    LFunc **built[NVARIANTS] = { 0 };
    LFunc **all = arena_alloc(&arena, sizeof(LFunc *) * (size_t)(n * (NVARIANTS + 1) + 1));
    memcpy(all, ref, sizeof(LFunc *) * (size_t)n);
    int nall = n, failures = 0, compared = 0, vector_loops = 0, ran = 0;
    for (int v = 0; v < NVARIANTS && !twins; v++) {
        if (!chosen(v, path)) continue;
        ran++;
        LFunc **fns = built[v] = arena_alloc(&arena, sizeof(LFunc *) * (size_t)n);
        Rw rw = { .a = &arena, .v = &variants[v] };
        for (int i = 0; i < n; i++) {
            fns[i] = ARENA_NEW(&arena, LFunc);
            *fns[i] = *ref[i];
            fns[i]->body = copy_stmt(fns[i]->body);
            if (!only || !strcmp(only, variants[v].tag)) rewrite(&rw, fns[i]);
            fns[i]->name = arena_printf(&arena, "%s__%s", fns[i]->name, variants[v].tag);
            if (verbose) loopir_print_func(stdout, fns[i]);
            if (variants[v].aot) all[nall++] = fns[i];
        }
        vector_loops += rw.vectors;
        if (jit_add(jit, fns, n, 3, &diag)) {
            printf("FAIL %s: JIT of variant %s failed\n", path, variants[v].tag);
            return 1;
        }
        if (dump_dir) {
            char ll[4200];
            snprintf(ll, sizeof ll, "%s/%s.ll", dump_dir, variants[v].tag);
            CodegenOptions o = { NULL, 3 };
            aot_emit(fns, n, &o, EMIT_LLVM, ll, &diag);
        }
        if (variants[v].want_vector && rw.vectors && !rw.fallback && !has_vectors(fns, n, variants[v].w, tmpdir)) {
            printf("FAIL %s: variant %s has %d vector loops but no <%d x T> values in its IR\n", path, variants[v].tag,
                   rw.vectors, variants[v].w);
            failures++;
        }
    }
    void *so = use_aot ? aot_open(all, nall, tmpdir) : NULL;
    if (use_aot && !so) return 1;
    int ntwins = 0;
    for (int fi = 0; fi < n; fi++) {
        Cand cands[2 * NVARIANTS + 2];
        int nc = 0;
        const LFunc *f = ref[fi];
        void *rfn = jit_lookup(jit, f->name);
        if (twins) {
            /* X_s is checked against X, both as compiled here */
            size_t len = strlen(f->name);
            if (len < 3 || strcmp(f->name + len - 2, "_s")) continue;
            int tw = -1;
            for (int j = 0; j < n; j++)
                if (strlen(ref[j]->name) == len - 2 && !strncmp(ref[j]->name, f->name, len - 2)) tw = j;
            if (tw < 0) continue;
            ntwins++;
            cands[nc++] = (Cand){ f->name, "JIT", rfn };
            rfn = jit_lookup(jit, ref[tw]->name);
            if (so) cands[nc++] = (Cand){ f->name, "AOT x86-64-v3", dlsym(so, f->name) };
            if (so) cands[nc++] = (Cand){ ref[tw]->name, "AOT x86-64-v3", dlsym(so, ref[tw]->name) };
        }
        for (int v = 0; v < NVARIANTS; v++) {
            if (!built[v]) continue;
            const char *name = built[v][fi]->name;
            cands[nc++] = (Cand){ name, "JIT", jit_lookup(jit, name) };
            if (so && variants[v].aot) cands[nc++] = (Cand){ name, "AOT x86-64-v3", dlsym(so, name) };
        }
        for (int k = 0; k < nc; k++)
            if (!cands[k].fn) {
                printf("FAIL %s: no entry point %s (%s)\n", path, cands[k].name, cands[k].where);
                return 1;
            }
        failures += compare_fn(path, f, rfn, cands, nc, &compared);
    }
    jit_destroy(jit);
    if (twins && !ntwins) {
        printf("FAIL %s: no fn X_s with a twin X\n", path);
        failures++;
    }
    if (!failures && twins) printf("PASS %s (%d scheduled fns, %d comparisons)\n", path, ntwins, compared);
    else if (!failures)
        printf("PASS %s (%d fns, %d vector loops in %d variants, %d comparisons)\n", path, n, vector_loops, ran,
               compared);
    return failures ? 1 : 0;
}

static const char usage[] =
    "usage: vector_test [-v] [-s SEED] [-d DIR] [-V TAG] [--some] [--twins] [--no-aot] FILE.tdsl...\n";

int main(int argc, char **argv)
{
    uint64_t seed = 12345;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *a = argv[first];
        if (!strcmp(a, "-v")) verbose = 1;
        else if (!strcmp(a, "--no-aot")) use_aot = 0;
        else if (!strcmp(a, "--some")) some = 1;
        else if (!strcmp(a, "--twins")) twins = 1;
        else if (!strcmp(a, "-d") && first + 1 < argc) dump_dir = argv[++first];
        else if (!strcmp(a, "-V") && first + 1 < argc) only = argv[++first];
        else if (!strcmp(a, "-s") && first + 1 < argc) seed = strtoull(argv[++first], NULL, 10);
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (first >= argc) {
        fputs(usage, stderr);
        return 2;
    }
    rng_state = seed ? seed : 1;
    diag_init(&diag, stdout);
    struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    char tmpl[] = "/tmp/tdsl_vector_test.XXXXXX";
    const char *tmpdir = mkdtemp(tmpl);
    if (!tmpdir) {
        perror("mkdtemp");
        return 1;
    }
    int bad = 0;
    for (int i = first; i < argc; i++) {
        arena_init(&arena);
        bad |= check_file(argv[i], tmpdir);
        arena_free(&arena);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "vector_test: could not remove %s\n", tmpdir);
    LLVMShutdown();
    return bad;
}
