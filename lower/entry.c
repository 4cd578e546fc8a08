/* entry.c - the external entry point `int32_t name(const tdsl_tensor *..., scalars,
 * tdsl_tensor *results...)`: straight-line checks of every descriptor (NULL,
 * device, rank, dtype, strides), then extents (nonnegative, byte counts that
 * fit in i64, binding size vars), then result aliasing, then the kernel call.
 * Invariant: no tensor data is touched before every check has passed; a
 * failed check returns kind | (arg+1) << 8 | dim << 16. */
#include "lower/codegen.h"
#include "runtime/tdsl_tensor.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Field offsets of tdsl_tensor (= DLTensor) the IR reads. */
enum {
    OFF_DATA = 0,
    OFF_DEVTYPE = 8,
    OFF_NDIM = 16,
    OFF_CODE = 20,
    OFF_BITS = 21,
    OFF_LANES = 22,
    OFF_SHAPE = 24,
    OFF_STRIDES = 32,
    OFF_BYTE_OFFSET = 40
};
_Static_assert(offsetof(tdsl_tensor, device) == OFF_DEVTYPE, "tdsl_tensor layout");
_Static_assert(offsetof(tdsl_tensor, ndim) == OFF_NDIM, "tdsl_tensor layout");
_Static_assert(offsetof(tdsl_tensor, dtype) == OFF_CODE, "tdsl_tensor layout");
_Static_assert(offsetof(tdsl_tensor, shape) == OFF_SHAPE, "tdsl_tensor layout");
_Static_assert(offsetof(tdsl_tensor, strides) == OFF_STRIDES, "tdsl_tensor layout");
_Static_assert(offsetof(tdsl_tensor, byte_offset) == OFF_BYTE_OFFSET, "tdsl_tensor layout");

typedef struct Entry {
    CgModule *m;
    LLVMValueRef fn;
    int nargs;              /* fn params then results */
    const Buffer **buf;     /* per arg; NULL for scalar params */
    LLVMValueRef *desc;     /* per arg: the descriptor pointer (or scalar value) */
    LLVMValueRef *data;     /* data + byte_offset */
    LLVMValueRef **shape;   /* per arg, per dim: i64 */
} Entry;

static int err_code(int kind, int arg, int dim) { return kind | (arg + 1) << 8 | dim << 16; }

/* Continue only if ok; otherwise return code. */
static void check(Entry *e, LLVMValueRef ok, int code)
{
    CgModule *m = e->m;
    LLVMBasicBlockRef pass = LLVMAppendBasicBlockInContext(m->ctx, e->fn, "ok");
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(m->ctx, e->fn, "fail");
    LLVMBuildCondBr(m->b, ok, pass, fail);
    LLVMPositionBuilderAtEnd(m->b, fail);
    LLVMBuildRet(m->b, LLVMConstInt(m->i32, (unsigned long long)code, 0));
    LLVMPositionBuilderAtEnd(m->b, pass);
}

static LLVMValueRef field(Entry *e, LLVMValueRef desc, int off, LLVMTypeRef t, unsigned align)
{
    CgModule *m = e->m;
    LLVMValueRef o = LLVMConstInt(m->i64, (unsigned long long)off, 0);
    LLVMValueRef p = LLVMBuildInBoundsGEP2(m->b, m->i8, desc, &o, 1, "");
    LLVMValueRef v = LLVMBuildLoad2(m->b, t, p, "");
    LLVMSetAlignment(v, align);
    return v;
}

static LLVMValueRef i64c(CgModule *m, int64_t v) { return LLVMConstInt(m->i64, (unsigned long long)v, 1); }

/* NULL, device, rank, dtype and strides of one descriptor; loads its shape. */
static void check_descriptor(Entry *e, int a)
{
    CgModule *m = e->m;
    LLVMBuilderRef B = m->b;
    const Buffer *b = e->buf[a];
    LLVMValueRef t = e->desc[a];
    check(e, LLVMBuildIsNotNull(B, t, ""), err_code(TDSL_ERR_NULL, a, 0));
    LLVMValueRef data = field(e, t, OFF_DATA, m->ptr, 8);
    LLVMValueRef shp = field(e, t, OFF_SHAPE, m->ptr, 8);
    check(e, LLVMBuildAnd(B, LLVMBuildIsNotNull(B, data, ""), LLVMBuildIsNotNull(B, shp, ""), ""),
          err_code(TDSL_ERR_NULL, a, 0));
    LLVMValueRef dev = field(e, t, OFF_DEVTYPE, m->i32, 4);
    check(e, LLVMBuildICmp(B, LLVMIntEQ, dev, LLVMConstInt(m->i32, 1, 0), ""), err_code(TDSL_ERR_DEVICE, a, 0));
    LLVMValueRef nd = field(e, t, OFF_NDIM, m->i32, 4);
    check(e, LLVMBuildICmp(B, LLVMIntEQ, nd, LLVMConstInt(m->i32, (unsigned)b->ndim, 0), ""),
          err_code(TDSL_ERR_RANK, a, 0));
    LLVMValueRef code = field(e, t, OFF_CODE, m->i8, 1);
    LLVMValueRef bits = field(e, t, OFF_BITS, m->i8, 1);
    LLVMValueRef lanes = field(e, t, OFF_LANES, m->i16, 2);
    LLVMValueRef ok =
        LLVMBuildICmp(B, LLVMIntEQ, code, LLVMConstInt(m->i8, (unsigned)dtype_dlpack_code(b->type), 0), "");
    ok = LLVMBuildAnd(B, ok,
                      LLVMBuildICmp(B, LLVMIntEQ, bits, LLVMConstInt(m->i8, (unsigned)dtype_bits(b->type), 0), ""), "");
    ok = LLVMBuildAnd(B, ok, LLVMBuildICmp(B, LLVMIntEQ, lanes, LLVMConstInt(m->i16, 1, 0), ""), "");
    check(e, ok, err_code(TDSL_ERR_DTYPE, a, 0));

    e->shape[a] = calloc((size_t)(b->ndim + 1), sizeof(LLVMValueRef));
    for (int d = 0; d < b->ndim; d++) {
        LLVMValueRef o = i64c(m, d);
        LLVMValueRef p = LLVMBuildInBoundsGEP2(B, m->i64, shp, &o, 1, "");
        LLVMValueRef v = LLVMBuildLoad2(B, m->i64, p, "");
        LLVMSetAlignment(v, 8);
        e->shape[a][d] = v;
    }
    /* strides NULL, or compact row-major where the extent is not 1 */
    if (b->ndim > 0) {
        LLVMValueRef st = field(e, t, OFF_STRIDES, m->ptr, 8);
        LLVMBasicBlockRef chk = LLVMAppendBasicBlockInContext(m->ctx, e->fn, "strides");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(m->ctx, e->fn, "strides.ok");
        LLVMBuildCondBr(B, LLVMBuildIsNull(B, st, ""), done, chk);
        LLVMPositionBuilderAtEnd(B, chk);
        LLVMValueRef expect = i64c(m, 1);
        for (int d = b->ndim - 1; d >= 0; d--) {
            LLVMValueRef o = i64c(m, d);
            LLVMValueRef p = LLVMBuildInBoundsGEP2(B, m->i64, st, &o, 1, "");
            LLVMValueRef s = LLVMBuildLoad2(B, m->i64, p, "");
            LLVMSetAlignment(s, 8);
            LLVMValueRef one = LLVMBuildICmp(B, LLVMIntEQ, e->shape[a][d], i64c(m, 1), "");
            LLVMValueRef same = LLVMBuildICmp(B, LLVMIntEQ, s, expect, "");
            check(e, LLVMBuildOr(B, one, same, ""), err_code(TDSL_ERR_STRIDES, a, d));
            expect = LLVMBuildMul(B, expect, e->shape[a][d], "");
        }
        LLVMBuildBr(B, done);
        LLVMPositionBuilderAtEnd(B, done);
    }
    LLVMValueRef off = field(e, t, OFF_BYTE_OFFSET, m->i64, 8);
    e->data[a] = LLVMBuildGEP2(B, m->i8, data, &off, 1, "");
}

/* The tensor's bytes fit in i64 (so do its element count and every index into
 * it); reported at the dim where the running product first overflows. */
static void check_bytes(Entry *e, int a)
{
    CgModule *m = e->m;
    const Buffer *b = e->buf[a];
    LLVMValueRef *dim_ovf = calloc((size_t)(b->ndim + 1), sizeof(LLVMValueRef));
    cg_bytes_of(m, cg_elem_bytes(b->type), e->shape[a], b->ndim, dim_ovf);
    for (int d = 0; d < b->ndim; d++) check(e, LLVMBuildNot(m->b, dim_ovf[d], ""), err_code(TDSL_ERR_SIZE, a, d));
    free(dim_ovf);
}

/* Size var c->bind from its dim: (shape - offset) / scale, exact and >= 0;
 * or, derived, numerator / div with the numerator >= 0 (floor division). */
static void bind_size(Entry *e, const LFunc *f, const ShapeCheck *c, LLVMValueRef *sizes)
{
    CgModule *m = e->m;
    LLVMBuilderRef B = m->b;
    LLVMValueRef big = NULL, v;
    if (c->div > 0) v = cg_size_expr(m, e->fn, sizes, f->nsizes, c->expect, &big);
    else v = cg_iarith_ovf(m, OP_SUB, e->shape[c->arg][c->dim], i64c(m, c->bind_offset), &big);
    if (big) check(e, LLVMBuildNot(B, big, ""), err_code(TDSL_ERR_SIZE, c->arg, c->dim));
    check(e, LLVMBuildICmp(B, LLVMIntSGE, v, i64c(m, 0), ""), err_code(TDSL_ERR_NEGATIVE, c->arg, c->dim));
    if (c->div > 1) {
        v = LLVMBuildSDiv(B, v, i64c(m, c->div), "");   /* v >= 0: floor */
    } else if (c->bind_scale > 1) {
        LLVMValueRef rem = LLVMBuildSRem(B, v, i64c(m, c->bind_scale), "");
        check(e, LLVMBuildICmp(B, LLVMIntEQ, rem, i64c(m, 0), ""), err_code(TDSL_ERR_SHAPE, c->arg, c->dim));
        v = LLVMBuildExactSDiv(B, v, i64c(m, c->bind_scale), "");
    }
    sizes[c->bind] = v;
    LLVMSetValueName2(v, f->sizes[c->bind]->name, strlen(f->sizes[c->bind]->name));
}

/* Nonnegative extents whose byte counts fit, then size vars from the
 * extents, in the order lowering chose. */
static void bind_sizes(Entry *e, const LFunc *f, LLVMValueRef *sizes)
{
    CgModule *m = e->m;
    LLVMBuilderRef B = m->b;
    for (int a = 0; a < e->nargs; a++)
        if (e->buf[a])
            for (int d = 0; d < e->buf[a]->ndim; d++)
                check(e, LLVMBuildICmp(B, LLVMIntSGE, e->shape[a][d], i64c(m, 0), ""),
                      err_code(TDSL_ERR_NEGATIVE, a, d));
    for (int a = 0; a < e->nargs; a++)
        if (e->buf[a]) check_bytes(e, a);
    for (int i = 0; i < f->nchecks; i++) {
        const ShapeCheck *c = &f->checks[i];
        if (c->arg < 0 || c->arg >= e->nargs || !e->buf[c->arg] || c->dim < 0 || c->dim >= e->buf[c->arg]->ndim) {
            cg_internal_error(m, "shape check of a non-tensor argument");
            return;
        }
        if (c->bind >= 0) {
            if (c->bind >= f->nsizes) {
                cg_internal_error(m, "shape check binds an unknown size var");
                return;
            }
            bind_size(e, f, c, sizes);
        } else if (c->div > 0) {
            LLVMValueRef big = NULL, x = cg_size_expr(m, e->fn, sizes, f->nsizes, c->expect, &big);
            if (big) check(e, LLVMBuildNot(B, big, ""), err_code(TDSL_ERR_SIZE, c->arg, c->dim));
            check(e, LLVMBuildICmp(B, LLVMIntSGE, x, i64c(m, 0), ""), err_code(TDSL_ERR_NEGATIVE, c->arg, c->dim));
        } else {
            LLVMValueRef big = NULL, sh = e->shape[c->arg][c->dim];
            LLVMValueRef x = cg_size_expr(m, e->fn, sizes, f->nsizes, c->expect, &big);
            if (big) check(e, LLVMBuildNot(B, big, ""), err_code(TDSL_ERR_SIZE, c->arg, c->dim));
            check(e, LLVMBuildICmp(B, LLVMIntSGE, x, i64c(m, 0), ""), err_code(TDSL_ERR_NEGATIVE, c->arg, c->dim));
            check(e, LLVMBuildICmp(B, LLVMIntEQ, sh, x, ""), err_code(TDSL_ERR_SHAPE, c->arg, c->dim));
        }
    }
    for (int k = 0; k < f->nsizes; k++)
        if (!sizes[k]) cg_internal_error(m, "a size var is never bound by the entry checks");
}

/* No result may overlap another tensor argument (empty ranges overlap nothing). */
static void check_aliasing(Entry *e, const LFunc *f)
{
    CgModule *m = e->m;
    LLVMBuilderRef B = m->b;
    LLVMValueRef *lo = calloc((size_t)e->nargs, sizeof(LLVMValueRef));
    LLVMValueRef *hi = calloc((size_t)e->nargs, sizeof(LLVMValueRef));
    LLVMValueRef *ne = calloc((size_t)e->nargs, sizeof(LLVMValueRef));
    for (int a = 0; a < e->nargs; a++) {
        if (!e->buf[a]) continue;
        LLVMValueRef bytes = i64c(m, dtype_bits(e->buf[a]->type) / 8);
        for (int d = 0; d < e->buf[a]->ndim; d++) bytes = LLVMBuildMul(B, bytes, e->shape[a][d], "");
        lo[a] = LLVMBuildPtrToInt(B, e->data[a], m->i64, "");
        hi[a] = LLVMBuildAdd(B, lo[a], bytes, "");
        ne[a] = LLVMBuildICmp(B, LLVMIntNE, bytes, i64c(m, 0), "");
    }
    for (int r = f->nparams; r < e->nargs; r++) {
        for (int a = 0; a < e->nargs; a++) {
            if (a == r || !e->buf[a]) continue;
            LLVMValueRef ov = LLVMBuildAnd(B, ne[r], ne[a], "");
            ov = LLVMBuildAnd(B, ov, LLVMBuildICmp(B, LLVMIntULT, lo[r], hi[a], ""), "");
            ov = LLVMBuildAnd(B, ov, LLVMBuildICmp(B, LLVMIntULT, lo[a], hi[r], ""), "");
            check(e, LLVMBuildNot(B, ov, ""), err_code(TDSL_ERR_ALIAS, r, 0));
        }
    }
    free(lo);
    free(hi);
    free(ne);
}

/* NAME (ws: false) or NAME_ws(void *ws, ...) (true): the checks, then the
 * kernel called with ws (NULL for NAME: the kernel allocates its arena) */
static void emit_entry(CgModule *m, const LFunc *f, bool ws)
{
    Entry e = { .m = m, .nargs = f->nparams + f->nresults };
    int n = e.nargs, w = ws;    /* w: where the descriptors start */
    LLVMTypeRef *ts = calloc((size_t)(n + 2), sizeof(LLVMTypeRef));
    e.buf = calloc((size_t)(n + 1), sizeof(Buffer *));
    e.desc = calloc((size_t)(n + 1), sizeof(LLVMValueRef));
    e.data = calloc((size_t)(n + 1), sizeof(LLVMValueRef));
    e.shape = calloc((size_t)(n + 1), sizeof(LLVMValueRef *));
    ts[0] = m->ptr;
    for (int i = 0; i < f->nparams; i++) {
        e.buf[i] = f->params[i];
        ts[w + i] = f->params[i] ? m->ptr : cg_type(m, f->scalars[i]->type);
    }
    for (int i = 0; i < f->nresults; i++) {
        e.buf[f->nparams + i] = f->results[i];
        ts[w + f->nparams + i] = m->ptr;
    }
    char name[600];
    snprintf(name, sizeof name, "%s%s", f->name, ws ? "_ws" : "");
    e.fn = LLVMAddFunction(m->mod, name, LLVMFunctionType(m->i32, ts, (unsigned)(n + w), 0));
    free(ts);
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    unsigned zeroext = LLVMGetEnumAttributeKindForName("zeroext", 7);
    LLVMAddAttributeAtIndex(e.fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(m->ctx, nounwind, 0));
    if (ws) LLVMSetValueName2(LLVMGetParam(e.fn, 0), "ws", 2);
    for (int a = 0; a < n; a++) {
        e.desc[a] = LLVMGetParam(e.fn, (unsigned)(w + a));
        const char *pname = e.buf[a] ? e.buf[a]->name : f->scalars[a]->name;
        LLVMSetValueName2(e.desc[a], pname, strlen(pname));
        if (!e.buf[a] && f->scalars[a]->type == DT_BOOL)
            LLVMAddAttributeAtIndex(e.fn, (unsigned)(w + a) + 1, LLVMCreateEnumAttribute(m->ctx, zeroext, 0));
    }
    LLVMPositionBuilderAtEnd(m->b, LLVMAppendBasicBlockInContext(m->ctx, e.fn, "entry"));

    for (int a = 0; a < n; a++)
        if (e.buf[a]) check_descriptor(&e, a);
    LLVMValueRef *sizes = calloc((size_t)(f->nsizes + 1), sizeof(LLVMValueRef));
    bind_sizes(&e, f, sizes);
    if (!m->failed) {
        check_aliasing(&e, f);
        LLVMValueRef k = cg_kernel_decl(m, f);
        int nk = n + f->nsizes + 1;
        LLVMValueRef *args = calloc((size_t)(nk + 1), sizeof(LLVMValueRef));
        for (int a = 0; a < n; a++) args[a] = e.buf[a] ? e.data[a] : e.desc[a];
        for (int i = 0; i < f->nsizes; i++) args[n + i] = sizes[i];
        args[nk - 1] = ws ? LLVMGetParam(e.fn, 0) : LLVMConstNull(m->ptr);
        LLVMValueRef r = LLVMBuildCall2(m->b, LLVMGlobalGetValueType(k), k, args, (unsigned)nk, "");
        LLVMBuildRet(m->b, r);
        free(args);
    }
    free(sizes);
    for (int a = 0; a < n; a++) free(e.shape[a]);
    free(e.shape);
    free(e.buf);
    free(e.desc);
    free(e.data);
}

/* size_t NAME_workspace_bytes(int64_t SIZE, ...), over the size vars that
 * are not derived, in order: the bytes NAME_ws's ws must hold at those sizes
 * (with the thread count the pool will use); SIZE_MAX where a size is
 * negative or the count overflows. */
static void emit_workspace_bytes(CgModule *m, const LFunc *f)
{
    char name[600];
    snprintf(name, sizeof name, "%s_workspace_bytes", f->name);
    LLVMTypeRef *ts = calloc((size_t)f->nsizes + 1, sizeof(LLVMTypeRef));
    LLVMValueRef *sizes = calloc((size_t)f->nsizes + 1, sizeof(LLVMValueRef));
    unsigned n = 0;
    for (int k = 0; k < f->nsizes; k++)
        if (!lfunc_size_derived(f, k)) ts[n++] = m->i64;
    LLVMValueRef fn = LLVMAddFunction(m->mod, name, LLVMFunctionType(m->i64, ts, n, 0));
    LLVMBuilderRef B = m->b;
    LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(m->ctx, fn, "entry"));
    LLVMValueRef bad = LLVMConstInt(m->i1, 0, 0), zero = i64c(m, 0);
    for (int k = 0, p = 0; k < f->nsizes; k++) {
        if (lfunc_size_derived(f, k)) continue;
        sizes[k] = LLVMGetParam(fn, (unsigned)p++);
        LLVMSetValueName2(sizes[k], f->sizes[k]->name, strlen(f->sizes[k]->name));
        bad = LLVMBuildOr(B, bad, LLVMBuildICmp(B, LLVMIntSLT, sizes[k], zero, ""), "");
    }
    for (int i = 0; i < f->nchecks; i++) {      /* in the entry's order: what one uses is bound before */
        const ShapeCheck *c = &f->checks[i];
        if (c->bind < 0 || c->div <= 0) continue;
        LLVMValueRef x = cg_size_expr(m, fn, sizes, f->nsizes, c->expect, &bad);
        bad = LLVMBuildOr(B, bad, LLVMBuildICmp(B, LLVMIntSLT, x, zero, ""), "");
        sizes[c->bind] = LLVMBuildSDiv(B, x, i64c(m, c->div), "");
    }
    LLVMValueRef need = f->ws_bytes ? cg_size_expr(m, fn, sizes, f->nsizes, f->ws_bytes, &bad) : zero;
    LLVMBuildRet(B, LLVMBuildSelect(B, bad, i64c(m, -1), need, ""));
    free(ts);
    free(sizes);
}

void cg_emit_entry(CgModule *m, const LFunc *f)
{
    emit_entry(m, f, false);
    emit_entry(m, f, true);
    emit_workspace_bytes(m, f);
}
