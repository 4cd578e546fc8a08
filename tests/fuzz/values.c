/* values.c - the data side of the schedule tester: random sizes for a fn's size
 * variables (small and odd as well as round, bounded work), tensors with canary
 * bytes around them and random values of each dtype, the libffi call of an
 * entry point, and the comparison of two result sets. */
#include "fuzz.h"
#include "lower/entry_ffi.h"
#include "lang/affine.h"
#include "runtime/tdsl_tensor.h"
#include <ffi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXA 64         /* params + results of one fn */
#define GUARD 64        /* canary bytes around every tensor */

volatile const char *fz_phase = "";

/* ---- sizes ---- */

static void reduce_work(const Expr *e, const int64_t *sz, double *w)
{
    if (!e) return;
    if (e->kind == EX_REDUCE)
        for (int i = 0; i < e->nrvars; i++) {
            int64_t x = aff_eval(e->rvars[i]->extent, sz);
            *w *= x > 0 ? (double)x : 1.0;
        }
    for (int i = 0; i < e->nargs; i++) reduce_work(e->args[i], sz, w);
}

/* rough iteration count of f; -1 if some extent is negative */
static double fn_work(const Fn *f, const int64_t *sz, int depth)
{
    double total = 0;
    for (int i = 0; i < f->nlocals; i++) {
        const Tensor *t = f->locals[i];
        for (int k = 0; t->extent && k < t->ndim; k++)
            if (t->extent[k] && aff_eval(t->extent[k], sz) < 0) return -1;
    }
    for (int i = 0; i < f->nstmts; i++) {
        const Stage *s = f->stmts[i];
        if (s->kind == ST_STAGE && s->tensor) {
            double w = 1;
            for (int k = 0; s->tensor->extent && k < s->tensor->ndim; k++) {
                int64_t x = aff_eval(s->tensor->extent[k], sz);
                if (x < 0) return -1;
                w *= (double)x;
            }
            double r = 1;
            reduce_work(s->value, sz, &r);
            total += w * r + w;
        } else if (s->kind == ST_CALL && s->fn && s->call_sizes && depth < 8) {
            int64_t csz[64] = { 0 };
            for (int k = 0; k < s->fn->nsizevars && k < 64; k++) csz[k] = aff_eval(s->call_sizes[k], sz);
            double w = fn_work(s->fn, csz, depth + 1);
            if (w < 0) return -1;
            total += w;
        }
    }
    return total;
}

/* Derived size vars (num / div) from the others, in id order as the entry
 * point computes them; false where the entry point would reject the sizes. */
static bool derive_sizes(const Fn *f, int64_t *sz)
{
    for (int v = 0; v < f->nsizevars; v++) {
        if (!f->sizevars[v].div) continue;
        int64_t x = aff_eval(f->sizevars[v].num, sz);
        if (x < 0) return false;
        sz[v] = x / f->sizevars[v].div;
    }
    for (int i = 0; i < f->nnonneg; i++)
        if (aff_eval(f->nonneg[i], sz) < 0) return false;
    return true;
}

static bool sizes_ok(const Fn *f, int64_t *sz, double *elems)
{
    *elems = 0;
    if (!derive_sizes(f, sz)) return false;
    for (int i = 0; i < f->nparams + f->nresults; i++) {
        const Tensor *t = i < f->nparams ? f->params[i] : f->results[i - f->nparams];
        if (t->is_scalar) continue;
        double e = 1;
        for (int k = 0; k < t->ndim; k++) {
            int64_t x = aff_eval(t->extent[k], sz);
            if (x < 0) return false;
            e *= (double)x;
        }
        *elems += e;
    }
    double w = fn_work(f, sz, 0);
    return w >= 0 && w <= 1.5e6 && *elems <= 1 << 20;
}

static const int64_t size_vals[] = { 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100, 128 };
#define NSIZE_VALS ((int)(sizeof size_vals / sizeof size_vals[0]))

static int parse_sizes(const Fn *f, const char *spec, int64_t *sz)
{
    for (int i = 0; i < f->nsizevars; i++) sz[i] = 1;
    char *copy = strdup(spec), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) continue;
        *eq = 0;
        for (int i = 0; i < f->nsizevars; i++)
            if (!strcmp(f->sizevars[i].name, tok)) sz[i] = atoll(eq + 1);
    }
    free(copy);
    derive_sizes(f, sz);
    return 0;
}

bool fz_draw_sizes(const Fn *f, Rng *r, const char *spec, int64_t *sz)
{
    double el;
    if (spec) {
        parse_sizes(f, spec, sz);
        return true;
    }
    for (int tries = 0; tries < 300; tries++) {
        /* small values are likelier: the smaller of two uniform picks */
        int cap = tries < 100 ? NSIZE_VALS : tries < 200 ? 12 : 6;
        for (int i = 0; i < f->nsizevars; i++) {
            int a = rng_int(r, cap), b = rng_int(r, cap);
            sz[i] = rng_pct(r, 3) ? 0 : size_vals[a < b ? a : b];
        }
        if (sizes_ok(f, sz, &el)) return true;
    }
    for (int v = 0; v < NSIZE_VALS; v++) {
        for (int i = 0; i < f->nsizevars; i++) sz[i] = size_vals[v];
        if (sizes_ok(f, sz, &el)) return true;
    }
    return false;
}

void fz_sizes_text(const Fn *f, const int64_t *sz, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < f->nsizevars && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s=%lld", i ? "," : "", f->sizevars[i].name, (long long)sz[i]);
}

/* ---- tensors and values ---- */

typedef struct Buf {
    unsigned char *base, *data;
    size_t bytes, total;
    int64_t shape[16];
    tdsl_tensor t;
} Buf;

typedef union Scalar {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    float f32;
    double f64;
} Scalar;

static int elem_size(DType t) { return dtype_bits(t) / 8; }

static void buf_alloc(Buf *b, const Tensor *t, const int64_t *sz, int misalign)
{
    memset(b, 0, sizeof *b);
    size_t n = 1;
    for (int k = 0; k < t->ndim; k++) {
        b->shape[k] = aff_eval(t->extent[k], sz);
        n *= (size_t)b->shape[k];
    }
    b->bytes = n * (size_t)elem_size(t->type);
    size_t off = GUARD + (size_t)(misalign * elem_size(t->type));
    b->total = (off + b->bytes + GUARD + 63) / 64 * 64;
    b->base = aligned_alloc(64, b->total);
    if (!b->base) abort();
    memset(b->base, 0xCB, b->total);
    b->data = b->base + off;
    b->t = (tdsl_tensor){ b->data,  { 1, 0 },
                          t->ndim,  { (uint8_t)dtype_dlpack_code(t->type), (uint8_t)dtype_bits(t->type), 1 },
                          b->shape, NULL,
                          0 };
}

static bool guards_ok(const Buf *b)
{
    for (const unsigned char *p = b->base; p < b->data; p++)
        if (*p != 0xCB) return false;
    for (const unsigned char *p = b->data + b->bytes; p < b->base + b->total; p++)
        if (*p != 0xCB) return false;
    return true;
}

static double draw_float(Rng *r, bool special)
{
    if (special && rng_pct(r, 25)) {
        static const double sp[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, 1e-40, -1e-310, 3e38, -1e300, 1.0, -1.0 };
        return sp[rng_int(r, (int)(sizeof sp / sizeof sp[0]))];
    }
    /* odd numerators: never exactly zero, so max/min never meet +0 against -0 */
    double x = (double)(2 * rng_int(r, 1000) + 1 - 1000) / 250.0;
    return x + (double)rng_int(r, 1 << 20) * 1e-9;
}

static void store(void *p, DType t, Rng *r, int mode)
{
    bool full = mode == 1;
    int64_t small = (int64_t)rng_int(r, 41) - 20;
    uint64_t bits = full ? rng_next(r) : (uint64_t)small;
    switch (t) {
    case DT_BOOL: *(uint8_t *)p = (uint8_t)rng_int(r, 2); break;
    case DT_I8: *(int8_t *)p = (int8_t)bits; break;
    case DT_I16: *(int16_t *)p = (int16_t)bits; break;
    case DT_I32: *(int32_t *)p = (int32_t)bits; break;
    case DT_I64: *(int64_t *)p = (int64_t)bits; break;
    case DT_U8: *(uint8_t *)p = (uint8_t)(full ? bits : (uint64_t)(small + 20)); break;
    case DT_U16: *(uint16_t *)p = (uint16_t)(full ? bits : (uint64_t)(small + 20)); break;
    case DT_U32: *(uint32_t *)p = (uint32_t)(full ? bits : (uint64_t)(small + 20)); break;
    case DT_U64: *(uint64_t *)p = full ? bits : (uint64_t)(small + 20); break;
    case DT_F32: *(float *)p = (float)draw_float(r, mode == 2); break;
    case DT_F64: *(double *)p = draw_float(r, mode == 2); break;
    default: break;
    }
}

/* 0: small values, 1: any bits (integers), 2: with inf, nan, zeros, denormals (floats) */
static int draw_mode(Rng *r, DType t)
{
    if (dtype_is_float(t)) return rng_pct(r, 8) ? 2 : 0;
    return rng_pct(r, 25) ? 1 : 0;
}

/* One set of arguments: inputs shared by both calls, results per call. */
typedef struct Args {
    int np, nr;
    Buf in[MAXA];
    unsigned char *in_copy[MAXA];
    Scalar sc[MAXA];
    Buf out[2][MAXA];
} Args;

/* plain: no inf, NaN or huge inputs (with rfactor, where overflow is order-dependent) */
static void args_make(const Fn *f, const int64_t *sz, Rng *r, bool plain, Args *a)
{
    memset(a, 0, sizeof *a);
    a->np = f->nparams;
    a->nr = f->nresults;
    int mis = rng_pct(r, 25) ? 1 + rng_int(r, 3) : 0;
    for (int i = 0; i < f->nparams; i++) {
        const Tensor *t = f->params[i];
        int mode = draw_mode(r, t->type);
        if (plain && mode == 2) mode = 0;
        if (t->is_scalar) {
            store(&a->sc[i], t->type, r, mode == 2 ? 0 : mode);
            continue;
        }
        buf_alloc(&a->in[i], t, sz, mis);
        int es = elem_size(t->type);
        for (size_t k = 0; k < a->in[i].bytes / (size_t)es; k++)
            store(a->in[i].data + k * (size_t)es, t->type, r, mode);
        a->in_copy[i] = malloc(a->in[i].bytes + 1);
        memcpy(a->in_copy[i], a->in[i].data, a->in[i].bytes);
    }
    for (int w = 0; w < 2; w++)
        for (int i = 0; i < f->nresults; i++) {
            buf_alloc(&a->out[w][i], f->results[i], sz, mis);
            memset(a->out[w][i].data, w ? 0x5A : 0xA5, a->out[w][i].bytes);
        }
}

static void args_free(Args *a)
{
    for (int i = 0; i < a->np; i++) {
        free(a->in[i].base);
        free(a->in_copy[i]);
    }
    for (int w = 0; w < 2; w++)
        for (int i = 0; i < a->nr; i++) free(a->out[w][i].base);
}

static int call(const Fn *f, void *entry, Args *a, int which)
{
    ffi_cif cif;
    ffi_type *types[MAXA];
    void *vals[MAXA];
    tdsl_tensor *ptrs[MAXA];
    int n = 0;
    for (int i = 0; i < f->nparams; i++, n++) {
        if (f->params[i]->is_scalar) {
            types[n] = entry_ffi_type(f->params[i]->type);
            vals[n] = &a->sc[i];
        } else {
            types[n] = &ffi_type_pointer;
            ptrs[n] = &a->in[i].t;
            vals[n] = &ptrs[n];
        }
    }
    for (int i = 0; i < f->nresults; i++, n++) {
        types[n] = &ffi_type_pointer;
        ptrs[n] = &a->out[which][i].t;
        vals[n] = &ptrs[n];
    }
    if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)n, &ffi_type_sint32, types) != FFI_OK) return -1000;
    ffi_arg rc = 0;
    ffi_call(&cif, FFI_FN(entry), &rc, vals);
    return (int32_t)rc;
}

/* ---- comparison ---- */

static void print_value(Str *s, DType t, const void *p)
{
    switch (t) {
    case DT_BOOL:
    case DT_U8: str_printf(s, "%u", *(const uint8_t *)p); break;
    case DT_I8: str_printf(s, "%d", *(const int8_t *)p); break;
    case DT_I16: str_printf(s, "%d", *(const int16_t *)p); break;
    case DT_U16: str_printf(s, "%u", *(const uint16_t *)p); break;
    case DT_I32: str_printf(s, "%d", *(const int32_t *)p); break;
    case DT_U32: str_printf(s, "%u", *(const uint32_t *)p); break;
    case DT_I64: str_printf(s, "%lld", (long long)*(const int64_t *)p); break;
    case DT_U64: str_printf(s, "%llu", (unsigned long long)*(const uint64_t *)p); break;
    case DT_F32: {
        uint32_t b;
        memcpy(&b, p, 4);
        str_printf(s, "%.9g (0x%08x)", *(const float *)p, b);
        break;
    }
    case DT_F64: {
        uint64_t b;
        memcpy(&b, p, 8);
        str_printf(s, "%.17g (0x%016llx)", *(const double *)p, (unsigned long long)b);
        break;
    }
    default: str_printf(s, "?");
    }
}

static double as_double(DType t, const void *p) { return t == DT_F32 ? *(const float *)p : *(const double *)p; }

/* Reassociating a sum may overflow in another place: inf against NaN, or a
 * huge finite value against inf, is within the tolerance too. */
static bool close_enough(double a, double b, double tol, double scale)
{
    if (a == b || (isnan(a) && isnan(b))) return true;
    if (!isfinite(a) || !isfinite(b)) {
        double fin = isfinite(a) ? a : b;
        return !isfinite(fin) || fabs(fin) > 1e30;
    }
    return fabs(a - b) <= tol * (fabs(a) + fabs(b) + scale);
}

/* Whether any tensor of f is f32: a reduction reassociated in f32 (an f64
 * result of an f32 sum, say) gets f32's tolerance. */
static bool uses_f32(const Fn *f)
{
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i]->type == DT_F32) return true;
    for (int i = 0; i < f->nlocals; i++)
        if (f->locals[i]->type == DT_F32) return true;
    return false;
}

/* Compares result i of the two calls; appends what differs to why. */
static bool compare_result(const Tensor *t, const Buf *ref, const Buf *got, bool tol, bool f32_math, bool nan_bits,
                           Str *why)
{
    int es = elem_size(t->type);
    size_t n = ref->bytes / (size_t)(es ? es : 1);
    double scale = 0, eps = t->type == DT_F32 || f32_math ? 2e-4 : 1e-9;
    bool use_tol = tol && dtype_is_float(t->type);
    if (use_tol)
        for (size_t k = 0; k < n; k++) {
            double v = fabs(as_double(t->type, ref->data + k * (size_t)es));
            if (isfinite(v) && v > scale) scale = v;
        }
    size_t bad = 0, first[4];
    for (size_t k = 0; k < n; k++) {
        const void *x = ref->data + k * (size_t)es, *y = got->data + k * (size_t)es;
        bool same = use_tol ? close_enough(as_double(t->type, x), as_double(t->type, y), eps, scale * 1e-2)
                            : !memcmp(x, y, (size_t)es);
        /* LLVM leaves the sign and payload of a NaN result unspecified: any NaN is
         * the same NaN unless --nan-bits */
        if (!same && !nan_bits && dtype_is_float(t->type) && isnan(as_double(t->type, x)) &&
            isnan(as_double(t->type, y)))
            same = true;
        if (!same && bad < 4) first[bad] = k;
        bad += !same;
    }
    if (!bad) return true;
    str_printf(why, "  result %s: %zu of %zu elements differ%s\n", t->name, bad, n,
               use_tol ? " (beyond the rfactor tolerance)" : "");
    for (size_t q = 0; q < bad && q < 4; q++) {
        size_t k = first[q], rest = k;
        str_printf(why, "    %s[", t->name);
        int64_t idx[16];
        for (int d = t->ndim - 1; d >= 0; d--) {
            idx[d] = ref->shape[d] ? (int64_t)(rest % (size_t)ref->shape[d]) : 0;
            rest = ref->shape[d] ? rest / (size_t)ref->shape[d] : 0;
        }
        for (int d = 0; d < t->ndim; d++) str_printf(why, "%s%lld", d ? ", " : "", (long long)idx[d]);
        str_printf(why, "]: reference ");
        print_value(why, t->type, ref->data + k * (size_t)es);
        str_printf(why, ", scheduled ");
        print_value(why, t->type, got->data + k * (size_t)es);
        str_printf(why, "\n");
    }
    return false;
}

bool fz_run_draw(const Fn *f, void *ref, void *sch, const int64_t *sz, Rng *r, bool tol, bool nan_bits, Str *why,
                 bool *skipped)
{
    Args *a = malloc(sizeof *a);
    if (!a) abort();
    args_make(f, sz, r, tol, a);
    bool ok = true;
    fz_phase = "running the reference";
    int rc0 = call(f, ref, a, 0);
    fz_phase = "running the scheduled fn";
    int rc1 = call(f, sch, a, 1);
    fz_phase = "comparing";
    *skipped = rc0 != 0;
    char eb[128];
    if (rc0 != rc1) {
        str_printf(why, "  return codes differ: reference %d (%s), scheduled %d (%s)\n", rc0,
                   tdsl_format_error(rc0, eb, sizeof eb), rc1, rc1 ? tdsl_strerror(rc1) : "success");
        ok = false;
    }
    for (int i = 0; i < f->nparams; i++) {
        if (f->params[i]->is_scalar) continue;
        if (!guards_ok(&a->in[i]) || memcmp(a->in[i].data, a->in_copy[i], a->in[i].bytes)) {
            str_printf(why, "  input %s was written to\n", f->params[i]->name);
            ok = false;
        }
    }
    for (int w = 0; w < 2; w++)
        for (int i = 0; i < f->nresults; i++)
            if (!guards_ok(&a->out[w][i])) {
                str_printf(why, "  the %s fn wrote outside result %s\n", w ? "scheduled" : "reference",
                           f->results[i]->name);
                ok = false;
            }
    if (ok && rc0 == 0)
        for (int i = 0; i < f->nresults; i++)
            ok &= compare_result(f->results[i], &a->out[0][i], &a->out[1][i], tol, uses_f32(f), nan_bits, why);
    args_free(a);
    free(a);
    return ok;
}
