/* entry_model.c - what a generated entry point must return for a call of the
 * `entry` fuzz target, written from the contract (runtime/tdsl_tensor.h) and
 * lower/entry.c's order of checks: every descriptor (NULL, device, rank,
 * dtype, strides) in argument order, then negative extents, then byte counts
 * that overflow i64, then the extents' agreement (the exact code is
 * lowering's choice: only its kind is checked), then results that overlap. */
#include "tests/fuzz/targets/entry_model.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int err(int kind, const FeFn *f, int t, int dim) { return kind | (f->arg[t] + 1) << 8 | dim << 16; }

static int descriptor_code(const FeFn *f, const Call *c, int t)
{
    const Desc *d = &c->d[t];
    if (d->null) return err(TDSL_ERR_NULL, f, t, 0);
    if (d->t.device.device_type != 1) return err(TDSL_ERR_DEVICE, f, t, 0);
    if (d->t.ndim != f->ndim[t]) return err(TDSL_ERR_RANK, f, t, 0);
    if (d->t.dtype.code != f->code[t] || d->t.dtype.bits != f->esize[t] * 8 || d->t.dtype.lanes != 1)
        return err(TDSL_ERR_DTYPE, f, t, 0);
    if (!d->t.strides) return 0;
    uint64_t expect = 1;
    for (int k = d->t.ndim - 1; k >= 0; k--) {
        if (d->shape[k] != 1 && (uint64_t)d->strides[k] != expect) return err(TDSL_ERR_STRIDES, f, t, k);
        expect *= (uint64_t)d->shape[k];
    }
    return 0;
}

/* the first dim where elements x extents overflows i64, or -1 (an empty tensor never does) */
static int overflow_dim(const FeFn *f, const Call *c, int t)
{
    const Desc *d = &c->d[t];
    for (int k = 0; k < f->ndim[t]; k++)
        if (!d->shape[k]) return -1;
    int64_t bytes = f->esize[t];
    for (int k = 0; k < f->ndim[t]; k++)
        if (__builtin_mul_overflow(bytes, d->shape[k], &bytes)) return k;
    return -1;
}

static int64_t numel(const FeFn *f, const Call *c, int t)
{
    int64_t n = 1;
    for (int k = 0; k < f->ndim[t]; k++) n *= c->d[t].shape[k];
    return n;
}

/* the first result that overlaps another tensor (byte ranges, empty ones
 * overlap nothing); only tensors in one buffer can */
static int alias_code(const FeFn *f, const Call *c)
{
    for (int r = f->nt - f->nres; r < f->nt; r++)
        for (int t = 0; t < f->nt; t++) {
            const Desc *a = &c->d[r], *b = &c->d[t];
            if (t == r || a->group != b->group) continue;
            int64_t alo = a->at + (int64_t)a->t.byte_offset, blo = b->at + (int64_t)b->t.byte_offset;
            int64_t an = numel(f, c, r) * f->esize[r], bn = numel(f, c, t) * f->esize[t];
            if (an && bn && alo < blo + bn && blo < alo + an) return err(TDSL_ERR_ALIAS, f, r, 0);
        }
    return 0;
}

int fe_expect(const FeFn *f, const Call *c)
{
    int code;
    for (int t = 0; t < f->nt; t++)
        if ((code = descriptor_code(f, c, t))) return code;
    for (int t = 0; t < f->nt; t++)
        for (int k = 0; k < f->ndim[t]; k++)
            if (c->d[t].shape[k] < 0) return err(TDSL_ERR_NEGATIVE, f, t, k);
    for (int t = 0; t < f->nt; t++) {
        int k = overflow_dim(f, c, t);
        if (k >= 0) return err(TDSL_ERR_SIZE, f, t, k);
    }
    if (!f->consistent(c)) return FE_SHAPEISH;
    return alias_code(f, c);
}

bool fe_code_ok(const FeFn *f, const Call *c, int expect, int rc)
{
    (void)f, (void)c;
    if (expect != FE_SHAPEISH) return rc == expect;
    int k = TDSL_ERR_KIND(rc);
    return k == TDSL_ERR_SHAPE || k == TDSL_ERR_NEGATIVE || k == TDSL_ERR_SIZE;
}

int64_t fe_claimed_bytes(const FeFn *f, const Call *c, int t)
{
    const Desc *d = &c->d[t];
    if (d->null || d->t.ndim != f->ndim[t]) return 0;
    int64_t bytes = f->esize[t];
    for (int k = 0; k < f->ndim[t]; k++)
        if (d->shape[k] < 0 || __builtin_mul_overflow(bytes, d->shape[k], &bytes)) return -1;
    return bytes > (1 << 20) ? -1 : bytes;
}

void fe_fill(const FeFn *f, const Call *c, int g, uint8_t *p)
{
    uint64_t x = 0x9E3779B97F4A7C15u * (uint64_t)(g + 1) ^ (uint32_t)c->scalar;
    int64_t es = f->esize[g];
    for (int64_t i = 0; i + es <= c->size[g]; i += es) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (f->code[g] == 2 && es == 4) {
            float v = (float)((int)(x % 33) - 16) * 0.25f;
            memcpy(p + i, &v, 4);
        } else if (f->code[g] == 2) {
            double v = (double)((int)(x % 33) - 16) * 0.125;
            memcpy(p + i, &v, 8);
        } else {
            memcpy(p + i, &x, (size_t)es);
        }
    }
}

const void *fe_in(const Call *c, int t)
{
    const Desc *d = &c->d[t];
    return c->snap[d->group] + 64 + d->at + d->t.byte_offset;
}

void *fe_out(Call *c, int t)
{
    const Desc *d = &c->d[t];
    return c->want[d->group] + 64 + d->at + d->t.byte_offset;
}

void fe_report(const FeFn *f, const Call *c, int rc, const char *fmt, ...)
{
    fprintf(stderr, "entry fuzz: %s(...) returned %d: ", f->name, rc);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  scalar %d\n", c->scalar);
    for (int t = 0; t < f->nt; t++) {
        const Desc *d = &c->d[t];
        fprintf(stderr, "  tensor %d (arg %d): null %d device %d/%d ndim %d dtype %d/%d/%d shape [", t, f->arg[t],
                d->null, d->t.device.device_type, d->t.device.device_id, d->t.ndim, d->t.dtype.code, d->t.dtype.bits,
                d->t.dtype.lanes);
        for (int k = 0; k < d->t.ndim && k < FE_MAXD; k++)
            fprintf(stderr, "%s%lld", k ? ", " : "", (long long)d->shape[k]);
        fprintf(stderr, "] strides %s byte_offset %llu buffer %d at %lld\n", d->t.strides ? "given" : "NULL",
                (unsigned long long)d->t.byte_offset, d->group, (long long)d->at);
    }
}
