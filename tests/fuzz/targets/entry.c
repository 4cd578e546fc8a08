/* entry.c - libFuzzer target `entry`: the entry points of entry_fns.tdsl
 * (compiled by tdslc, linked in) called with fuzzed descriptors over real
 * memory: NULL tensors, data and shapes, devices, ranks, dtypes, shapes with
 * extreme extents, strides, byte offsets, and tensors sharing a buffer (so
 * results overlap other tensors or each other). An independent model of the
 * checks (runtime/tdsl_tensor.h, lower/entry.c's order) says what the call
 * must return; a rejected call must leave every byte as it was, an accepted
 * one must write the C reference's results and nothing else (guard bytes
 * around every buffer). Every buffer is malloc'd to the bytes its
 * descriptors claim, so ASan sees the harness's own reads and writes. */
#include "tests/fuzz/targets/entry_model.h"
#include <stdlib.h>
#include <string.h>

enum { GUARD = 64 };

typedef struct Reader {
    const uint8_t *p;
    size_t n;
} Reader;

static uint8_t rd(Reader *r)
{
    if (!r->n) return 0;
    r->n--;
    return *r->p++;
}

static const int64_t special[16] = {
    -1,
    -2,
    0,
    1,
    2,
    3,
    1 << 20,
    (int64_t)1 << 31,
    (int64_t)1 << 32,
    ((int64_t)1 << 32) + 1,
    (int64_t)1 << 62,
    ((int64_t)3 << 61),
    INT64_MAX,
    INT64_MIN,
    INT64_MIN + 1,
    -((int64_t)1 << 40),
};

/* one descriptor as fuzzed: flags bit 0 a NULL, 1 device, 2 rank, 3 dtype,
 * 4 extents, 5 strides, 6 byte_offset, 7 a buffer shared with an earlier tensor */
static void fuzz_desc(Reader *r, const FeFn *f, Call *c, int t)
{
    Desc *d = &c->d[t];
    uint8_t flags = rd(r);
    if (flags & 1) d->null = 1 + rd(r) % 3;
    if (flags & 2) d->t.device.device_type = rd(r) % 4, d->t.device.device_id = rd(r);
    if (flags & 4) d->t.ndim = rd(r) % 7;
    if (flags & 8) {
        static const uint8_t bits[8] = { 8, 16, 32, 64, 1, 0, 128, 33 };
        static const uint16_t lanes[4] = { 1, 1, 2, 0 };
        uint8_t b = rd(r);
        d->t.dtype.code = b & 7, d->t.dtype.bits = bits[(b >> 3) & 7], d->t.dtype.lanes = lanes[b >> 6];
    }
    for (int k = f->ndim[t]; k < FE_MAXD; k++) d->shape[k] = rd(r) % 4;
    if (flags & 16)
        for (int k = 0; k < d->t.ndim; k++) {
            uint8_t b = rd(r);
            d->shape[k] = b < 128 ? b % 10 : special[b % 16];
        }
    if (flags & 32) {
        uint8_t mode = rd(r);
        int64_t expect = 1;
        for (int k = d->t.ndim - 1; k >= 0; k--) {
            d->strides[k] = mode ? (int64_t)(rd(r) % 8) - 2 : expect;
            expect = (int64_t)((uint64_t)expect * (uint64_t)d->shape[k]);
        }
        d->t.strides = d->strides;
    }
    if (flags & 64) d->t.byte_offset = (uint64_t)(rd(r) % 4) * (uint64_t)f->esize[t];
    if ((flags & 128) && t > 0) {
        d->group = c->d[rd(r) % t].group;
        d->at = (int64_t)(rd(r) % 8) * f->esize[t];
    }
}

static void fuzz_call(Reader *r, const FeFn *f, Call *c)
{
    int64_t sv[FE_MAXSV];
    for (int i = 0; i < f->nsv; i++) sv[i] = rd(r) % 10;
    for (int i = 0; i < 4; i++) c->scalar = (int32_t)((uint32_t)c->scalar << 8 | rd(r));
    for (int t = 0; t < f->nt; t++) {
        Desc *d = &c->d[t];
        d->t.device.device_type = 1;
        d->t.ndim = f->ndim[t];
        d->t.dtype.code = f->code[t], d->t.dtype.bits = (uint8_t)(f->esize[t] * 8), d->t.dtype.lanes = 1;
        f->shapes(sv, t, d->shape);
        d->group = t;
        fuzz_desc(r, f, c, t);
    }
}

/* Buffers: one per group, GUARD bytes each side, as large as its tensors
 * claim (64 bytes for a claim too large or invalid). False when the model
 * expects success but some tensor is too large to allocate. */
static bool alloc_groups(const FeFn *f, Call *c, int expect)
{
    bool used[FE_MAXT] = { false };
    for (int t = 0; t < f->nt; t++) {
        Desc *d = &c->d[t];
        int64_t bytes = fe_claimed_bytes(f, c, t);
        if (bytes < 0 && !expect) return false;
        int64_t need = d->at + (int64_t)d->t.byte_offset + (bytes < 0 ? 64 : bytes);
        if (need > c->size[d->group]) c->size[d->group] = need;
        used[d->group] = true;
    }
    for (int g = 0; g < f->nt; g++) {
        if (!used[g]) continue;
        c->mem[g] = malloc((size_t)c->size[g] + 2 * GUARD);
        c->snap[g] = malloc((size_t)c->size[g] + 2 * GUARD);
        c->want[g] = malloc((size_t)c->size[g] + 2 * GUARD);
        if (!c->mem[g] || !c->snap[g] || !c->want[g]) abort();
        memset(c->mem[g], 0xA5, (size_t)c->size[g] + 2 * GUARD);
        fe_fill(f, c, g, c->mem[g] + GUARD);
        memcpy(c->snap[g], c->mem[g], (size_t)c->size[g] + 2 * GUARD);
    }
    for (int t = 0; t < f->nt; t++) {
        Desc *d = &c->d[t];
        d->t.data = c->mem[d->group] + GUARD + d->at;
        d->t.shape = d->shape;
        if (d->null == 2) d->t.data = NULL;
        if (d->null == 3) d->t.shape = NULL;
    }
    return true;
}

static void free_groups(Call *c)
{
    for (int g = 0; g < FE_MAXT; g++) free(c->mem[g]), free(c->snap[g]), free(c->want[g]);
}

/* after the call: a rejection touched nothing; a success wrote the reference */
static void check_memory(const FeFn *f, Call *c, int rc)
{
    for (int g = 0; g < f->nt; g++)
        if (c->mem[g]) memcpy(c->want[g], c->snap[g], (size_t)c->size[g] + 2 * GUARD);
    if (!rc) f->ref(c);
    for (int g = 0; g < f->nt; g++) {
        if (!c->mem[g]) continue;
        size_t n = (size_t)c->size[g] + 2 * GUARD;
        for (size_t i = 0; i < n; i++)
            if (c->mem[g][i] != c->want[g][i]) {
                fe_report(f, c, rc, "buffer %d byte %zd is %02x, expected %02x (%s)", g, (ssize_t)i - GUARD,
                          c->mem[g][i], c->want[g][i], rc ? "the call was rejected" : "the call succeeded");
                abort();
            }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512) return -1;
    Reader r = { data, size };
    const FeFn *f = &fe_fns[rd(&r) % fe_nfns];
    Call c;
    memset(&c, 0, sizeof c);
    fuzz_call(&r, f, &c);
    int expect = fe_expect(f, &c);
    if (!alloc_groups(f, &c, expect)) {
        free_groups(&c);
        return -1;
    }
    /* NAME_ws half the time: its workspace malloc'd to NAME_workspace_bytes(the sizes the
     * shapes give); for shapes the entry rejects (SIZE_MAX, or just wrong) it must touch none */
    size_t wsn = (size & 1) ? f->ws_bytes(&c) : 0;
    if (wsn > ((size_t)1 << 26)) wsn = 0;
    uint8_t *ws = (size & 1) ? malloc(wsn + 2 * GUARD) : NULL;
    if (ws) memset(ws, 0xA5, wsn + 2 * GUARD);
    int rc = f->call(&c, ws ? ws + GUARD : NULL);
    for (size_t i = 0; ws && i < GUARD; i++)
        if (ws[i] != 0xA5 || ws[GUARD + wsn + i] != 0xA5) {
            fe_report(f, &c, rc, "NAME_ws wrote outside its %zu-byte workspace", wsn);
            abort();
        }
    free(ws);
    if (getenv("FUZZ_VERBOSE")) fe_report(f, &c, rc, "the model expects %d", expect);
    if (!fe_code_ok(f, &c, expect, rc)) {
        fe_report(f, &c, rc, "returned %d (kind %d, arg %d, dim %d); the model expects %d (kind %d, arg %d, dim %d)",
                  rc, TDSL_ERR_KIND(rc), TDSL_ERR_ARG(rc), TDSL_ERR_DIM(rc), expect, TDSL_ERR_KIND(expect),
                  TDSL_ERR_ARG(expect), TDSL_ERR_DIM(expect));
        abort();
    }
    check_memory(f, &c, rc);
    free_groups(&c);
    return 0;
}
