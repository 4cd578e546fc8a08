/* codegen_llvm.c - loop IR kernels -> LLVM IR. A kernel `i32 tdsl.k.<name>(params,
 * results, sizes)` is private to its module; it returns 0, TDSL_ERR_SIZE (a
 * buffer's byte count overflows), TDSL_ERR_NOMEM (or a callee's code), freeing
 * every live malloc'd buffer on every return.
 * Invariant: a load is never speculated - a select whose arms read memory
 * branches, since guarded reads are how programs keep padding in bounds. */
#include "lower/codegen.h"
#include "runtime/tdsl_pool.h"
#include "runtime/tdsl_tensor.h"
#include "lang/check.h"
#include <stdlib.h>
#include <string.h>

void cg_internal_error(CgModule *m, const char *what)
{
    if (!m->failed) diag_plain(m->d, "internal error: codegen: %s", what);
    m->failed = 1;
}

LLVMTypeRef cg_type(CgModule *m, DType t)
{
    switch (t) {
    case DT_BOOL: return m->i1;
    case DT_I8:
    case DT_U8: return m->i8;
    case DT_I16:
    case DT_U16: return m->i16;
    case DT_I32:
    case DT_U32: return m->i32;
    case DT_I64:
    case DT_U64: return m->i64;
    case DT_F32: return m->f32;
    case DT_F64: return m->f64;
    default: cg_internal_error(m, "value of unknown dtype"); return m->i32;
    }
}

LLVMTypeRef cg_mem_type(CgModule *m, DType t) { return t == DT_BOOL ? m->i8 : cg_type(m, t); }

unsigned cg_elem_bytes(DType t) { return (unsigned)dtype_bits(t) / 8; }

LLVMValueRef cg_i64(CgModule *m, int64_t v) { return LLVMConstInt(m->i64, (unsigned long long)v, 1); }

static void add_attr(CgModule *m, LLVMValueRef fn, unsigned idx, const char *name)
{
    unsigned k = LLVMGetEnumAttributeKindForName(name, strlen(name));
    LLVMAddAttributeAtIndex(fn, idx, LLVMCreateEnumAttribute(m->ctx, k, 0));
}

LLVMValueRef cg_kernel_decl(CgModule *m, const LFunc *f)
{
    char name[512];
    snprintf(name, sizeof name, "tdsl.k.%s", f->name);
    LLVMValueRef fn = LLVMGetNamedFunction(m->mod, name);
    if (fn) return fn;
    int n = f->nparams + f->nresults + f->nsizes + 1;
    LLVMTypeRef *ts = malloc(sizeof(LLVMTypeRef) * (size_t)n);
    int k = 0;
    for (int i = 0; i < f->nparams; i++) ts[k++] = f->params[i] ? m->ptr : cg_type(m, f->scalars[i]->type);
    for (int i = 0; i < f->nresults; i++) ts[k++] = m->ptr;
    for (int i = 0; i < f->nsizes; i++) ts[k++] = m->i64;
    ts[k++] = m->ptr;   /* ws */
    fn = LLVMAddFunction(m->mod, name, LLVMFunctionType(m->i32, ts, (unsigned)n, 0));
    free(ts);
    add_attr(m, fn, LLVMAttributeFunctionIndex, "nounwind");
    add_attr(m, fn, (unsigned)n, "noalias");
    for (int i = 0; i < f->nparams + f->nresults; i++) {
        if (i < f->nparams && !f->params[i]) continue;
        add_attr(m, fn, (unsigned)i + 1, "noalias");
        add_attr(m, fn, (unsigned)i + 1, "nocapture");
    }
    return fn;
}

/* ---- small helpers ---- */

/* No fast-math flags, not even contract: whether the back end fuses an fmul
 * into an fadd would then depend on the shape the optimizer leaves (the SLP
 * vectorizer splitting an unrolled chain, say), so a schedule could change
 * results. Contraction is explicit instead (cg_fma_parts). */
LLVMValueRef cg_fpflag(LLVMValueRef v) { return v; }

/* The one contraction rule, for every loop shape: float a*b + c, c + a*b,
 * a*b - c and c - a*b are one llvm.fma, always fused (every target has FMA:
 * x86-64-v3, aarch64; the math functions assume it too). Not llvm.fmuladd:
 * the aarch64 vectorizers split an fmuladd sum into fmul + ordered fadd, so
 * results changed with the target. *neg_ab / *neg_c say to negate a (for
 * -(a*b)) / c. */
bool cg_fma_parts(const LExpr *e, const LExpr **a, const LExpr **b, const LExpr **c, bool *neg_ab, bool *neg_c)
{
    if (e->kind != LX_BINARY || (e->op != OP_ADD && e->op != OP_SUB) || !dtype_is_float(e->type)) return false;
    for (int k = 0; k < 2; k++) {
        const LExpr *x = e->args[k];
        if (x->kind != LX_BINARY || x->op != OP_MUL) continue;
        *a = x->args[0];
        *b = x->args[1];
        *c = e->args[1 - k];
        *neg_ab = k == 1 && e->op == OP_SUB;
        *neg_c = k == 0 && e->op == OP_SUB;
        return true;
    }
    return false;
}

LLVMValueRef cg_call_intrinsic(CgModule *m, const char *name, LLVMTypeRef *ov, int nov, LLVMValueRef *args, int nargs)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    if (!id) {
        cg_internal_error(m, name);
        return args[0];
    }
    LLVMValueRef decl = LLVMGetIntrinsicDeclaration(m->mod, id, ov, (size_t)nov);
    return LLVMBuildCall2(m->b, LLVMGlobalGetValueType(decl), decl, args, (unsigned)nargs, "");
}

LLVMValueRef cg_libfn(CgModule *m, const char *name, LLVMTypeRef ret, LLVMTypeRef *ps, int n)
{
    LLVMValueRef fn = LLVMGetNamedFunction(m->mod, name);
    if (!fn) {
        fn = LLVMAddFunction(m->mod, name, LLVMFunctionType(ret, ps, (unsigned)n, 0));
        add_attr(m, fn, LLVMAttributeFunctionIndex, "nounwind");
    }
    return fn;
}

static LLVMValueRef call_libm(CgModule *m, const char *name, LLVMTypeRef t, LLVMValueRef x)
{
    LLVMValueRef fn = cg_libfn(m, name, t, &t, 1);
    return LLVMBuildCall2(m->b, LLVMGlobalGetValueType(fn), fn, &x, 1, "");
}

LLVMValueRef cg_lookup_var(CgFunc *f, const LVar *v)
{
    switch (v->kind) {
    case LV_SIZE:
        if (v->index >= 0 && v->index < f->nsizes && f->sizes[v->index]) return f->sizes[v->index];
        break;
    case LV_SCALAR:
        if (v->index >= 0 && v->index < f->nscalars && f->scalars[v->index]) return f->scalars[v->index];
        break;
    case LV_LOOP:
        for (int i = f->nvars - 1; i >= 0; i--)
            if (f->vars[i].var == v) return f->vars[i].val;
        break;
    case LV_THREADS: {
        LLVMValueRef fn = cg_libfn(f->m, TDSL_RT_NUM_THREADS, f->m->i64, NULL, 0);
        return LLVMBuildCall2(f->m->b, LLVMGlobalGetValueType(fn), fn, NULL, 0, "threads");
    }
    }
    cg_internal_error(f->m, "variable not in scope");
    return LLVMConstNull(cg_type(f->m, v->type));
}

const BufInfo *cg_lookup_buf(CgFunc *f, const Buffer *b)
{
    for (int i = f->nbufs - 1; i >= 0; i--)
        if (f->bufs[i].buf == b) return &f->bufs[i];
    cg_internal_error(f->m, "buffer not in scope");
    return NULL;
}


/* Computes min and strides once, where the buffer comes into scope. */
void cg_bind_buf(CgFunc *f, const Buffer *b, LLVMValueRef base)
{
    GROW(f->bufs, f->capbufs, f->nbufs + 1);
    BufInfo *bi = &f->bufs[f->nbufs++];
    bi->buf = b;
    bi->base = base;
    int n = b->ndim;
    bi->min = calloc((size_t)(n ? n : 1), sizeof(LLVMValueRef));
    bi->stride = calloc((size_t)(n ? n : 1), sizeof(LLVMValueRef));
    LLVMValueRef s = cg_i64(f->m, 1);
    for (int k = n - 1; k >= 0; k--) {
        bi->stride[k] = s;
        if (k > 0) s = LLVMBuildNSWMul(f->m->b, s, cg_expr(f, b->extent[k]), "stride");
    }
    for (int k = 0; k < n; k++) bi->min[k] = cg_expr(f, b->min[k]);
}

void cg_unbind_buf(CgFunc *f)
{
    BufInfo *bi = &f->bufs[--f->nbufs];
    free(bi->min);
    free(bi->stride);
}


/* ---- index arithmetic with constants floated outward ----
 * (x + c) + y is built as (x + y) + c, and (x + c) * k as x * k + c * k, so the
 * unrolled copies of an access share one variable part and differ by a
 * constant: LLVM's alias analysis then tells the rows of a register tile apart
 * and keeps them in registers across the reduction loop. i64 wraps, so any
 * association gives the same value. */
static LLVMValueRef split_const(LLVMValueRef x, LLVMValueRef *c)
{
    if (LLVMIsAConstantInt(x)) {
        *c = x;
        return NULL;
    }
    if (LLVMIsAInstruction(x) && LLVMGetInstructionOpcode(x) == LLVMAdd && LLVMIsAConstantInt(LLVMGetOperand(x, 1))) {
        *c = LLVMGetOperand(x, 1);
        return LLVMGetOperand(x, 0);
    }
    *c = NULL;
    return x;
}

static LLVMValueRef with_const(LLVMBuilderRef B, LLVMValueRef v, LLVMValueRef c)
{
    if (!v) return c;
    if (!c || LLVMConstIntGetSExtValue(c) == 0) return v;
    return LLVMBuildAdd(B, v, c, "");
}

LLVMValueRef cg_iadd(CgModule *m, LLVMValueRef a, LLVMValueRef b, bool sub)
{
    LLVMBuilderRef B = m->b;
    LLVMValueRef ca, cb, va = split_const(a, &ca), vb = split_const(b, &cb);
    if (!ca && !cb) return sub ? LLVMBuildNSWSub(B, a, b, "") : LLVMBuildNSWAdd(B, a, b, "");
    LLVMValueRef v = !vb   ? va
                     : !va ? (sub ? LLVMBuildNeg(B, vb, "") : vb)
                     : sub ? LLVMBuildSub(B, va, vb, "")
                           : LLVMBuildAdd(B, va, vb, "");
    LLVMValueRef zero = LLVMConstInt(LLVMTypeOf(a), 0, 0);
    LLVMValueRef c = sub ? LLVMConstSub(ca ? ca : zero, cb ? cb : zero) : LLVMConstAdd(ca ? ca : zero, cb ? cb : zero);
    return with_const(B, v, c);
}

LLVMValueRef cg_imul(CgModule *m, LLVMValueRef a, LLVMValueRef b)
{
    LLVMBuilderRef B = m->b;
    LLVMValueRef ca, cb;
    if (LLVMIsAConstantInt(a)) {
        LLVMValueRef t = a;
        a = b;
        b = t;
    }
    if (!LLVMIsAConstantInt(b)) return LLVMBuildNSWMul(B, a, b, "");
    LLVMValueRef va = split_const(a, &ca);
    (void)cb;
    if (!ca || !va) return LLVMBuildNSWMul(B, a, b, "");
    return with_const(B, LLVMBuildMul(B, va, b, ""), LLVMConstMul(ca, b));
}

LLVMValueRef cg_elem_addr(CgFunc *f, const Buffer *b, LExpr *const *idx)
{
    const BufInfo *bi = cg_lookup_buf(f, b);
    if (!bi) return LLVMConstNull(f->m->ptr);
    LLVMBuilderRef B = f->m->b;
    LLVMValueRef off = NULL;
    for (int k = 0; k < b->ndim; k++) {
        LLVMValueRef i = cg_iadd(f->m, cg_expr(f, idx[k]), bi->min[k], true);
        LLVMValueRef t = cg_imul(f->m, i, bi->stride[k]);
        off = off ? cg_iadd(f->m, off, t, false) : t;
    }
    if (!off) return bi->base;
    return LLVMBuildInBoundsGEP2(B, cg_mem_type(f->m, b->type), bi->base, &off, 1, "");
}

bool cg_has_load(const LExpr *e)
{
    if (e->kind == LX_LOAD) return true;
    for (int i = 0; i < e->nargs; i++)
        if (e->args[i] && cg_has_load(e->args[i])) return true;
    return false;
}

/* ---- expressions ---- */

/* v (a scalar, or a vector converted lane by lane) from dtype `from` to `to`. */
LLVMValueRef cg_convert(CgFunc *f, LLVMValueRef v, DType from, DType to)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    if (from == to) return v;
    LLVMTypeRef T = cg_type(m, to), VT = LLVMTypeOf(v);
    if (LLVMGetTypeKind(VT) == LLVMVectorTypeKind) T = LLVMVectorType(T, LLVMGetVectorSize(VT));   /* lane by lane */
    if (to == DT_BOOL)
        return dtype_is_float(from) ? LLVMBuildFCmp(B, LLVMRealUNE, v, LLVMConstNull(LLVMTypeOf(v)), "")
                                    : LLVMBuildICmp(B, LLVMIntNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
    if (from == DT_BOOL) return dtype_is_float(to) ? LLVMBuildUIToFP(B, v, T, "") : LLVMBuildZExt(B, v, T, "");
    if (dtype_is_int(from) && dtype_is_int(to)) {
        int bf = dtype_bits(from), bt = dtype_bits(to);
        if (bt > bf) return dtype_is_signed(from) ? LLVMBuildSExt(B, v, T, "") : LLVMBuildZExt(B, v, T, "");
        if (bt < bf) return LLVMBuildTrunc(B, v, T, "");
        return v;
    }
    if (dtype_is_int(from) && dtype_is_float(to))
        return dtype_is_signed(from) ? LLVMBuildSIToFP(B, v, T, "") : LLVMBuildUIToFP(B, v, T, "");
    if (dtype_is_float(from) && dtype_is_int(to)) {
        LLVMTypeRef ov[2] = { T, LLVMTypeOf(v) };
        return cg_call_intrinsic(m, dtype_is_signed(to) ? "llvm.fptosi.sat" : "llvm.fptoui.sat", ov, 2, &v, 1);
    }
    if (dtype_is_float(from) && dtype_is_float(to))
        return dtype_bits(to) > dtype_bits(from) ? LLVMBuildFPExt(B, v, T, "") : LLVMBuildFPTrunc(B, v, T, "");
    cg_internal_error(m, "unsupported cast");
    return LLVMConstNull(T);
}

/* The integer constant v as type T: a scalar, or every lane of a vector. */
static LLVMValueRef const_like(LLVMTypeRef T, unsigned long long v)
{
    if (LLVMGetTypeKind(T) != LLVMVectorTypeKind) return LLVMConstInt(T, v, 0);
    unsigned n = LLVMGetVectorSize(T);
    LLVMValueRef *lanes = malloc(sizeof(LLVMValueRef) * (n ? n : 1));
    for (unsigned i = 0; i < n; i++) lanes[i] = LLVMConstInt(LLVMGetElementType(T), v, 0);
    LLVMValueRef r = LLVMConstVector(lanes, n);
    free(lanes);
    return r;
}

/* Integer x / y and x % y (scalars or vectors) that never trap: x/0 = x%0 = 0,
 * MIN/-1 = MIN, MIN%-1 = 0. */
static LLVMValueRef safe_divmod(LLVMBuilderRef B, LLVMValueRef x, LLVMValueRef y, bool is_signed, bool rem)
{
    LLVMTypeRef T = LLVMTypeOf(x);
    LLVMValueRef zero = LLVMConstNull(T), one = const_like(T, 1);
    LLVMValueRef y0 = LLVMBuildICmp(B, LLVMIntEQ, y, zero, "");
    if (!is_signed) {
        LLVMValueRef d = LLVMBuildSelect(B, y0, one, y, "");
        LLVMValueRef q = rem ? LLVMBuildURem(B, x, d, "") : LLVMBuildUDiv(B, x, d, "");
        return LLVMBuildSelect(B, y0, zero, q, "");
    }
    LLVMValueRef ym1 = LLVMBuildICmp(B, LLVMIntEQ, y, LLVMConstAllOnes(T), "");
    LLVMValueRef bad = LLVMBuildOr(B, y0, ym1, "");
    LLVMValueRef d = LLVMBuildSelect(B, bad, one, y, "");
    if (rem) return LLVMBuildSelect(B, bad, zero, LLVMBuildSRem(B, x, d, ""), "");
    LLVMValueRef q = LLVMBuildSDiv(B, x, d, "");
    q = LLVMBuildSelect(B, ym1, LLVMBuildSub(B, zero, x, ""), q, "");
    return LLVMBuildSelect(B, y0, zero, q, "");
}

/* cond ? emit(x) : emit(y) with branches, so only the chosen arm runs. */
static LLVMValueRef branch_select(CgFunc *f, LLVMValueRef c, const LExpr *x, LLVMValueRef xc, const LExpr *y,
                                  LLVMValueRef yc, LLVMTypeRef T)
{
    LLVMBuilderRef B = f->m->b;
    LLVMContextRef C = f->m->ctx;
    LLVMBasicBlockRef bt = LLVMAppendBasicBlockInContext(C, f->fn, "sel.t");
    LLVMBasicBlockRef bf = LLVMAppendBasicBlockInContext(C, f->fn, "sel.f");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(C, f->fn, "sel.j");
    LLVMBuildCondBr(B, c, bt, bf);
    LLVMPositionBuilderAtEnd(B, bt);
    LLVMValueRef xv = x ? cg_expr(f, x) : xc;
    LLVMBasicBlockRef et = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, bj);
    LLVMPositionBuilderAtEnd(B, bf);
    LLVMValueRef yv = y ? cg_expr(f, y) : yc;
    LLVMBasicBlockRef ef = LLVMGetInsertBlock(B);
    LLVMBuildBr(B, bj);
    LLVMPositionBuilderAtEnd(B, bj);
    LLVMValueRef phi = LLVMBuildPhi(B, T, "");
    LLVMAddIncoming(phi, (LLVMValueRef[]){ xv, yv }, (LLVMBasicBlockRef[]){ et, ef }, 2);
    return phi;
}

/* a op b on values of dtype t, scalars or vectors alike (no fusion here). */
LLVMValueRef cg_binop(CgModule *m, Op op, DType t, LLVMValueRef a, LLVMValueRef b)
{
    LLVMBuilderRef B = m->b;
    if (dtype_is_float(t)) {
        LLVMRealPredicate p;
        switch (op) {
        case OP_ADD: return cg_fpflag(LLVMBuildFAdd(B, a, b, ""));
        case OP_SUB: return cg_fpflag(LLVMBuildFSub(B, a, b, ""));
        case OP_MUL: return cg_fpflag(LLVMBuildFMul(B, a, b, ""));
        case OP_DIV: return cg_fpflag(LLVMBuildFDiv(B, a, b, ""));
        case OP_MOD: return cg_fpflag(LLVMBuildFRem(B, a, b, ""));
        case OP_LT: p = LLVMRealOLT; break;
        case OP_LE: p = LLVMRealOLE; break;
        case OP_GT: p = LLVMRealOGT; break;
        case OP_GE: p = LLVMRealOGE; break;
        case OP_EQ: p = LLVMRealOEQ; break;
        case OP_NE: p = LLVMRealUNE; break;
        default: cg_internal_error(m, "bad float operator"); return a;
        }
        return LLVMBuildFCmp(B, p, a, b, "");
    }
    bool s = dtype_is_signed(t);
    bool index = t == DT_I64 && LLVMGetTypeKind(LLVMTypeOf(a)) != LLVMVectorTypeKind;   /* scalar index arithmetic */
    if (index && (op == OP_ADD || op == OP_SUB)) {
        LLVMValueRef ca, cb;
        split_const(a, &ca), split_const(b, &cb);
        if (ca || cb) return cg_iadd(m, a, b, op == OP_SUB);
    }
    if (index && op == OP_MUL && (LLVMIsAConstantInt(a) || LLVMIsAConstantInt(b))) {
        LLVMValueRef r = cg_imul(m, a, b);
        return r;
    }
    switch (op) {
    case OP_ADD: return LLVMBuildAdd(B, a, b, "");
    case OP_SUB: return LLVMBuildSub(B, a, b, "");
    case OP_MUL: return LLVMBuildMul(B, a, b, "");
    case OP_DIV: return safe_divmod(B, a, b, s, false);
    case OP_MOD: return safe_divmod(B, a, b, s, true);
    case OP_AND: return LLVMBuildAnd(B, a, b, "");
    case OP_OR: return LLVMBuildOr(B, a, b, "");
    case OP_LT: return LLVMBuildICmp(B, s ? LLVMIntSLT : LLVMIntULT, a, b, "");
    case OP_LE: return LLVMBuildICmp(B, s ? LLVMIntSLE : LLVMIntULE, a, b, "");
    case OP_GT: return LLVMBuildICmp(B, s ? LLVMIntSGT : LLVMIntUGT, a, b, "");
    case OP_GE: return LLVMBuildICmp(B, s ? LLVMIntSGE : LLVMIntUGE, a, b, "");
    case OP_EQ: return LLVMBuildICmp(B, LLVMIntEQ, a, b, "");
    case OP_NE: return LLVMBuildICmp(B, LLVMIntNE, a, b, "");
    default: cg_internal_error(m, "bad integer operator"); return a;
    }
}

static LLVMValueRef emit_binary(CgFunc *f, const LExpr *e)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    const LExpr *ea = e->args[0], *eb = e->args[1];
    if ((e->op == OP_AND || e->op == OP_OR) && cg_has_load(eb)) {
        /* a && b: b may be a read guarded by a; evaluate it only when needed */
        LLVMValueRef a = cg_expr(f, ea);
        LLVMValueRef t = LLVMConstInt(m->i1, 1, 0), fl = LLVMConstInt(m->i1, 0, 0);
        if (e->op == OP_AND) return branch_select(f, a, eb, NULL, NULL, fl, m->i1);
        return branch_select(f, a, NULL, t, eb, NULL, m->i1);
    }
    const LExpr *fa, *fb, *fc;
    bool nab, nc;
    if (cg_fma_parts(e, &fa, &fb, &fc, &nab, &nc)) {
        LLVMValueRef x[3] = { cg_expr(f, fa), cg_expr(f, fb), cg_expr(f, fc) };
        if (nab) x[0] = LLVMBuildFNeg(B, x[0], "");
        if (nc) x[2] = LLVMBuildFNeg(B, x[2], "");
        LLVMTypeRef T = LLVMTypeOf(x[0]);
        return cg_call_intrinsic(m, "llvm.fma", &T, 1, x, 3);
    }
    return cg_binop(m, e->op, ea->type, cg_expr(f, ea), cg_expr(f, eb));
}

/* Float min/max as llvm.minnum/maxnum treat NaN (a NaN operand loses), but
 * with ties (+0 vs -0) pinned to b: minnum/maxnum may return either zero, and
 * LLVM's choice differs between scalar and vector code. Scalars and vectors. */
LLVMValueRef cg_fminmax(CgModule *m, bool is_max, LLVMValueRef a, LLVMValueRef b)
{
    LLVMBuilderRef B = m->b;
    LLVMValueRef wins = LLVMBuildFCmp(B, is_max ? LLVMRealOGT : LLVMRealOLT, a, b, "");
    wins = LLVMBuildOr(B, wins, LLVMBuildFCmp(B, LLVMRealUNO, b, b, ""), "");
    return LLVMBuildSelect(B, wins, a, b, is_max ? "max" : "min");
}

/* 1.0 of float type T, or of its lanes */
static LLVMValueRef const_one(LLVMTypeRef T)
{
    if (LLVMGetTypeKind(T) != LLVMVectorTypeKind) return LLVMConstReal(T, 1.0);
    unsigned w = LLVMGetVectorSize(T);
    LLVMValueRef c[64];
    TDSL_ASSERT(w <= 64, "a vector wider than 64 lanes");
    for (unsigned i = 0; i < w; i++) c[i] = LLVMConstReal(LLVMGetElementType(T), 1.0);
    return LLVMConstVector(c, w);
}

/* sigmoid(x) for f64 from llvm.exp (libm): e = exp(-|x|) never overflows;
 * 1 / (1 + e) for x >= 0, e / (1 + e) below */
static LLVMValueRef sigmoid_libm(CgModule *m, LLVMTypeRef T, LLVMValueRef x)
{
    LLVMBuilderRef B = m->b;
    LLVMValueRef ax = cg_call_intrinsic(m, "llvm.fabs", &T, 1, &x, 1);
    LLVMValueRef nx = LLVMBuildFNeg(B, ax, "");
    LLVMValueRef e = cg_call_intrinsic(m, "llvm.exp", &T, 1, &nx, 1);
    LLVMValueRef one = const_one(T);
    LLVMValueRef pos = LLVMBuildFCmp(B, LLVMRealOGE, x, LLVMConstNull(T), "");
    return LLVMBuildFDiv(B, LLVMBuildSelect(B, pos, one, e, ""), LLVMBuildFAdd(B, e, one, ""), "");
}

LLVMValueRef cg_math(CgModule *m, const LExpr *e, DType t, LLVMTypeRef T, LLVMValueRef *a, CgLibmFn libm, void *ctx)
{
    bool fl = dtype_is_float(t), f32 = t == DT_F32;
    if (e->fn >= MF_ARGKEY_MAX) return cg_argkey(m, e->fn, t, T, a[0]);
    if (e->fn == MF_ABS || e->fn == MF_MIN || e->fn == MF_MAX) {
        if (e->fn != MF_ABS && e->nargs != 2) return NULL;
        if (fl) {
            if (e->fn != MF_ABS) return cg_fminmax(m, e->fn == MF_MAX, a[0], a[1]);
            return cg_fpflag(cg_call_intrinsic(m, "llvm.fabs", &T, 1, a, 1));
        }
        bool s = dtype_is_signed(t);
        if (e->fn == MF_ABS) {
            if (!s) return a[0];
            a[1] = LLVMConstInt(m->i1, 0, 0);
            return cg_call_intrinsic(m, "llvm.abs", &T, 1, a, 2);
        }
        const char *n = e->fn == MF_MIN ? (s ? "llvm.smin" : "llvm.umin") : (s ? "llvm.smax" : "llvm.umax");
        return cg_call_intrinsic(m, n, &T, 1, a, 2);
    }
    if (!fl) return NULL;
    if (f32 && e->fn == MF_POW && e->nargs == 2) return cg_pow_f32(m, a[0], a[1]);
    if (f32) {
        LLVMValueRef r = cg_math_f32(m, e->fn, a[0]);
        if (r) return r;
    }
    if (e->fn == MF_SIGMOID) return sigmoid_libm(m, T, a[0]);
    const char *n = NULL;
    switch (e->fn) {
    case MF_EXP: n = "llvm.exp"; break;
    case MF_LOG: n = "llvm.log"; break;
    case MF_SQRT:
    case MF_RSQRT: n = "llvm.sqrt"; break;
    case MF_SIN: n = "llvm.sin"; break;
    case MF_COS: n = "llvm.cos"; break;
    case MF_TANH:
        if (!LLVMLookupIntrinsicID("llvm.tanh", 9)) return libm(ctx, f32 ? "tanhf" : "tanh", T, a[0]);
        n = "llvm.tanh";
        break;
    case MF_ERF: return libm(ctx, f32 ? "erff" : "erf", T, a[0]);
    case MF_POW: /* f64: libm's pow */
        if (e->nargs != 2) return NULL;
        n = "llvm.pow";
        break;
    case MF_FLOOR: n = "llvm.floor"; break;
    case MF_CEIL: n = "llvm.ceil"; break;
    default: return NULL;
    }
    LLVMValueRef r = cg_fpflag(cg_call_intrinsic(m, n, &T, 1, a, e->fn == MF_POW ? 2 : 1));
    if (e->fn == MF_RSQRT) r = cg_fpflag(LLVMBuildFDiv(m->b, const_one(T), r, ""));
    return r;
}

static LLVMValueRef scalar_libm(void *m, const char *name, LLVMTypeRef T, LLVMValueRef x)
{
    return cg_fpflag(call_libm(m, name, T, x));
}

static LLVMValueRef emit_call(CgFunc *f, const LExpr *e)
{
    CgModule *m = f->m;
    if (e->fn == MF_CAST) return cg_convert(f, cg_expr(f, e->args[0]), e->args[0]->type, e->type);
    LLVMValueRef a[2];
    for (int i = 0; i < e->nargs && i < 2; i++) a[i] = cg_expr(f, e->args[i]);
    DType t = e->args[0]->type;
    LLVMValueRef r = cg_math(m, e, t, cg_type(m, t), a, scalar_libm, m);
    if (r) return r;
    cg_internal_error(m, "unsupported math call");
    return LLVMConstNull(cg_type(m, e->type));
}

LLVMValueRef cg_expr(CgFunc *f, const LExpr *e)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    switch (e->kind) {
    case LX_INT: {
        LLVMTypeRef T = cg_type(m, e->type);
        if (e->type == DT_BOOL) return LLVMConstInt(T, e->ival != 0, 0);
        unsigned bits = LLVMGetIntTypeWidth(T);
        unsigned long long v = (unsigned long long)e->ival;
        if (bits < 64) v &= (1ULL << bits) - 1;
        return LLVMConstInt(T, v, 0);
    }
    case LX_FLOAT: return LLVMConstReal(cg_type(m, e->type), e->fval);
    case LX_VAR: return cg_lookup_var(f, e->var);
    case LX_LOAD: {
        LLVMValueRef p = cg_elem_addr(f, e->buf, e->args);
        LLVMValueRef v = LLVMBuildLoad2(B, cg_mem_type(m, e->buf->type), p, "");
        LLVMSetAlignment(v, cg_elem_bytes(e->buf->type));
        if (e->buf->type == DT_BOOL) v = LLVMBuildICmp(B, LLVMIntNE, v, LLVMConstNull(m->i8), "");
        return v;
    }
    case LX_UNARY: {
        LLVMValueRef x = cg_expr(f, e->args[0]);
        if (e->op == OP_NOT) return LLVMBuildXor(B, x, LLVMConstInt(LLVMTypeOf(x), 1, 0), "");
        if (dtype_is_float(e->args[0]->type)) return LLVMBuildFNeg(B, x, "");
        return LLVMBuildSub(B, LLVMConstNull(LLVMTypeOf(x)), x, "");
    }
    case LX_BINARY: return emit_binary(f, e);
    case LX_SELECT: {
        LLVMValueRef c = cg_expr(f, e->args[0]);
        if (cg_has_load(e->args[1]) || cg_has_load(e->args[2]))
            return branch_select(f, c, e->args[1], NULL, e->args[2], NULL, cg_type(m, e->type));
        LLVMValueRef x = cg_expr(f, e->args[1]), y = cg_expr(f, e->args[2]);
        return LLVMBuildSelect(B, c, x, y, "");
    }
    case LX_CALL: return emit_call(f, e);
    case LX_CAST: return cg_convert(f, cg_expr(f, e->args[0]), e->args[0]->type, e->type);
    }
    cg_internal_error(m, "unknown expression");
    return LLVMConstNull(m->i64);
}

/* ---- statements ---- */

static LLVMValueRef malloc_fn(CgModule *m) { return cg_libfn(m, "malloc", m->ptr, &m->i64, 1); }
static LLVMValueRef free_fn(CgModule *m) { return cg_libfn(m, "free", m->voidt, &m->ptr, 1); }

void cg_emit_free(CgFunc *f, LLVMValueRef p)
{
    LLVMValueRef fr = free_fn(f->m);
    LLVMBuildCall2(f->m->b, LLVMGlobalGetValueType(fr), fr, &p, 1, "");
}

/* In the current (fresh) block: free every live buffer, return code. */
void cg_error_return(CgFunc *f, LLVMValueRef code)
{
    for (int i = f->nlive - 1; i >= 0; i--) cg_emit_free(f, f->live[i]);
    LLVMBuildRet(f->m->b, code);
}

/* Continue only if !bad; otherwise free the live buffers and return code. */
void cg_fail_if(CgFunc *f, LLVMValueRef bad, LLVMValueRef code, const char *fail_name, const char *ok_name)
{
    CgModule *m = f->m;
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(m->ctx, f->fn, fail_name);
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(m->ctx, f->fn, ok_name);
    LLVMBuildCondBr(m->b, bad, fail, ok);
    LLVMPositionBuilderAtEnd(m->b, fail);
    cg_error_return(f, code);
    LLVMPositionBuilderAtEnd(m->b, ok);
}

static void fail_if(CgFunc *f, LLVMValueRef bad, int code, const char *name)
{
    cg_fail_if(f, bad, LLVMConstInt(f->m->i32, (unsigned long long)code, 0), name, "alloc.ok");
}

void cg_push_var(CgFunc *f, const LVar *v, LLVMValueRef val)
{
    GROW(f->vars, f->capvars, f->nvars + 1);
    f->vars[f->nvars++] = (VarBind){ v, val };
}

void cg_loop(CgFunc *f, const LStmt *s, LLVMValueRef lo, LLVMValueRef n, CgBodyFn fn, void *ctx)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    LLVMValueRef hi = LLVMBuildNSWAdd(B, lo, n, "");
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(m->ctx, f->fn, s->var->name);
    LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "for.end");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntSLT, lo, hi, ""), body, exit);
    LLVMPositionBuilderAtEnd(B, body);
    LLVMValueRef i = LLVMBuildPhi(B, m->i64, s->var->name);
    cg_push_var(f, s->var, i);
    cg_prefetch(f, s, i, hi);
    fn(ctx, s->body[0]);
    f->nvars--;
    LLVMBasicBlockRef latch = LLVMGetInsertBlock(B);
    LLVMValueRef next = LLVMBuildNSWAdd(B, i, cg_i64(m, 1), "");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntSLT, next, hi, ""), body, exit);
    LLVMAddIncoming(i, (LLVMValueRef[]){ lo, next }, (LLVMBasicBlockRef[]){ pre, latch }, 2);
    LLVMPositionBuilderAtEnd(B, exit);
}

static void stmt_body(void *f, const LStmt *body) { cg_stmt(f, body); }

void cg_if(CgFunc *f, const LStmt *s, LLVMValueRef c, CgBodyFn fn, void *ctx)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    LLVMBasicBlockRef bt = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "if.t");
    LLVMBasicBlockRef bj = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "if.end");
    LLVMBasicBlockRef bf = s->body[1] ? LLVMAppendBasicBlockInContext(m->ctx, f->fn, "if.f") : bj;
    LLVMBuildCondBr(B, c, bt, bf);
    LLVMPositionBuilderAtEnd(B, bt);
    fn(ctx, s->body[0]);
    LLVMBuildBr(B, bj);
    if (s->body[1]) {
        LLVMPositionBuilderAtEnd(B, bf);
        fn(ctx, s->body[1]);
        LLVMBuildBr(B, bj);
    }
    LLVMPositionBuilderAtEnd(B, bj);
}

void cg_serial_for(CgFunc *f, const LStmt *s)
{
    LLVMValueRef lo = cg_expr(f, s->min);
    LLVMValueRef n = cg_expr(f, s->extent);
    cg_loop(f, s, lo, n, stmt_body, f);
}

/* The body of an alloc of base p; an arena's members (lower/arena.c) are
 * bound first, each at its offset in p. Their names start "arena." (so the
 * parallel outliner knows them: disjoint wherever two are used together). */
static void alloc_body(CgFunc *f, const LStmt *s, LLVMValueRef p)
{
    const Buffer *b = s->buf;
    for (int i = 0; i < b->nmembers; i++) {
        LLVMValueRef off = cg_i64(f->m, b->members[i]->arena_offset);
        char nm[160];
        snprintf(nm, sizeof nm, "arena.%s", b->members[i]->name);
        cg_bind_buf(f, b->members[i], LLVMBuildInBoundsGEP2(f->m->b, f->m->i8, p, &off, 1, nm));
    }
    cg_stmt(f, s->body[0]);
    for (int i = 0; i < b->nmembers; i++) cg_unbind_buf(f);
}

LLVMValueRef cg_ws_addr(CgFunc *f, const LExpr *off, const char *name)
{
    LLVMValueRef o = cg_expr(f, off);
    return LLVMBuildInBoundsGEP2(f->m->b, f->m->i8, f->ws, &o, 1, name);
}

static void emit_alloc(CgFunc *f, const LStmt *s)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    const Buffer *b = s->buf;
    if (b->ndim == 0) {
        LLVMValueRef a = LLVMBuildAlloca(f->ab, cg_mem_type(m, b->type), b->name);
        LLVMSetAlignment(a, cg_elem_bytes(b->type));
        cg_bind_buf(f, b, a);
        cg_stmt(f, s->body[0]);
        cg_unbind_buf(f);
        return;
    }
    if (b->ws_off) {
        char nm[160];
        snprintf(nm, sizeof nm, "arena.%s", b->name);   /* unique: see alloc_body */
        LLVMValueRef p = cg_ws_addr(f, b->ws_off, nm);
        cg_bind_buf(f, b, p);
        alloc_body(f, s, p);
        cg_unbind_buf(f);
        return;
    }
    uint64_t nbytes = buffer_stack_bytes(b);
    if (nbytes) {
        /* small and of constant size: a stack slot in the entry block, reused by
         * every execution of the alloc; aligned for whole-vector access */
        LLVMTypeRef at = LLVMArrayType2(cg_mem_type(m, b->type), nbytes / cg_elem_bytes(b->type));
        LLVMValueRef a = LLVMBuildAlloca(f->ab, at, b->name);
        LLVMSetAlignment(a, 64);
        cg_bind_buf(f, b, a);
        alloc_body(f, s, a);
        cg_unbind_buf(f);
        return;
    }
    LLVMValueRef big = NULL;
    LLVMValueRef bytes = cg_alloc_bytes(f, b, &big);
    if (big) fail_if(f, big, TDSL_ERR_SIZE, "size.overflow");
    LLVMValueRef zero = LLVMBuildICmp(B, LLVMIntEQ, bytes, cg_i64(m, 0), "");
    bytes = LLVMBuildSelect(B, zero, cg_i64(m, 1), bytes, "");
    LLVMValueRef mf = malloc_fn(m);
    LLVMValueRef p = LLVMBuildCall2(B, LLVMGlobalGetValueType(mf), mf, &bytes, 1, b->name);
    fail_if(f, LLVMBuildIsNull(B, p, ""), TDSL_ERR_NOMEM, "nomem");
    GROW(f->live, f->caplive, f->nlive + 1);
    f->live[f->nlive++] = p;
    cg_bind_buf(f, b, p);
    alloc_body(f, s, p);
    cg_unbind_buf(f);
    f->nlive--;
    cg_emit_free(f, p);
}

static LLVMValueRef buf_base(CgFunc *f, const Buffer *b)
{
    const BufInfo *bi = cg_lookup_buf(f, b);
    return bi ? bi->base : LLVMConstNull(f->m->ptr);
}

static void emit_call_stmt(CgFunc *f, const LStmt *s)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    const LFunc *c = s->callee;
    int n = c->nparams + c->nresults + c->nsizes + 1;
    LLVMValueRef *args = malloc(sizeof(LLVMValueRef) * (size_t)n);
    int k = 0;
    for (int i = 0; i < c->nparams; i++) {
        if (c->params[i]) args[k++] = buf_base(f, s->call_bufs[i]);
        else args[k++] = cg_convert(f, cg_expr(f, s->call_args[i]), s->call_args[i]->type, c->scalars[i]->type);
    }
    for (int i = 0; i < c->nresults; i++) args[k++] = buf_base(f, s->call_bufs[c->nparams + i]);
    for (int i = 0; i < c->nsizes; i++) {
        const LExpr *e = s->call_args[c->nparams + i];
        args[k++] = cg_convert(f, cg_expr(f, e), e->type, DT_I64);
    }
    args[k++] = s->ws_off ? cg_ws_addr(f, s->ws_off, "call.ws") : LLVMConstNull(m->ptr);
    LLVMValueRef fn = cg_kernel_decl(m, c);
    if (!LLVMCountBasicBlocks(fn)) {
        /* a callee outside this set (e.g. an earlier REPL definition) gets its
         * own private copy in this module */
        GROW(m->pending, m->cappending, m->npending + 1);
        m->pending[m->npending++] = c;
    }
    LLVMValueRef r = LLVMBuildCall2(B, LLVMGlobalGetValueType(fn), fn, args, (unsigned)n, "");
    free(args);
    cg_return_on_error(f, r, "call.fail", "call.ok");
}

void cg_return_on_error(CgFunc *f, LLVMValueRef r, const char *fail_name, const char *ok_name)
{
    LLVMValueRef bad = LLVMBuildICmp(f->m->b, LLVMIntNE, r, LLVMConstNull(f->m->i32), "");
    cg_fail_if(f, bad, r, fail_name, ok_name);
}

void cg_stmt(CgFunc *f, const LStmt *s)
{
    if (!s) return;
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    switch (s->kind) {
    case LS_BLOCK:
        for (int i = 0; i < s->nbody; i++) cg_stmt(f, s->body[i]);
        return;
    case LS_FOR:
        switch (s->loop) {
        case LOOP_PARALLEL: cg_parallel_for(f, s); return;
        case LOOP_VECTOR: cg_vector_for(f, s); return;
        case LOOP_UNROLL: cg_unroll_for(f, s); return;
        default: cg_versioned_for(f, s); return;
        }
    case LS_ALLOC: emit_alloc(f, s); return;
    case LS_STORE: {
        LLVMValueRef v = cg_expr(f, s->value);
        if (s->buf->type == DT_BOOL) v = LLVMBuildZExt(B, v, m->i8, "");
        LLVMValueRef p = cg_elem_addr(f, s->buf, s->idx);
        LLVMValueRef st = LLVMBuildStore(B, v, p);
        LLVMSetAlignment(st, cg_elem_bytes(s->buf->type));
        return;
    }
    case LS_IF: cg_if(f, s, cg_expr(f, s->cond), stmt_body, f); return;
    case LS_CALL: emit_call_stmt(f, s); return;
    }
    cg_internal_error(m, "unknown statement");
}

/* f->ws: the caller's workspace when given, else the fn's own, ws_bytes
 * bytes: a stack slot when that is a constant of at most LOOPIR_STACK_MAX,
 * else one malloc (TDSL_ERR_SIZE when the size overflows), which goes on
 * f->live (NULL where the caller's is used; the caller frees it at the end). */
static void ws_prologue(CgFunc *f, const LFunc *lf)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    const LExpr *need = lf->ws_bytes;
    if (!need || ix_is_const(need, 0)) return;
    LLVMValueRef given = LLVMBuildIsNotNull(B, f->ws, "ws.given"), own;
    if (need->kind == LX_INT && need->ival <= LOOPIR_STACK_MAX) {
        own = LLVMBuildAlloca(f->ab, LLVMArrayType2(m->i8, (uint64_t)need->ival), "ws.own");
        LLVMSetAlignment(own, 64);
        f->ws = LLVMBuildSelect(B, given, f->ws, own, "ws.base");
        return;
    }
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef mk = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "ws.malloc");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(m->ctx, f->fn, "ws.ready");
    LLVMBuildCondBr(B, given, join, mk);
    LLVMPositionBuilderAtEnd(B, mk);
    LLVMValueRef big = NULL, bytes = cg_size_checked(f, need, &big);
    if (big) fail_if(f, big, TDSL_ERR_SIZE, "size.overflow");
    bytes = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntSLT, bytes, cg_i64(m, 1), ""), cg_i64(m, 1), bytes, "");
    LLVMValueRef mf = malloc_fn(m), p = LLVMBuildCall2(B, LLVMGlobalGetValueType(mf), mf, &bytes, 1, "ws.own");
    fail_if(f, LLVMBuildIsNull(B, p, ""), TDSL_ERR_NOMEM, "nomem");
    LLVMBuildBr(B, join);
    LLVMBasicBlockRef made = LLVMGetInsertBlock(B);
    LLVMPositionBuilderAtEnd(B, join);
    own = LLVMBuildPhi(B, m->ptr, "ws.own");
    LLVMAddIncoming(own, (LLVMValueRef[]){ LLVMConstNull(m->ptr), p }, (LLVMBasicBlockRef[]){ pre, made }, 2);
    GROW(f->live, f->caplive, f->nlive + 1);
    f->live[f->nlive++] = own;
    f->ws = LLVMBuildSelect(B, given, f->ws, own, "ws.base");
}

static void emit_kernel(CgModule *m, const LFunc *lf)
{
    LLVMValueRef fn = cg_kernel_decl(m, lf);
    if (LLVMCountBasicBlocks(fn)) return;
    LLVMSetLinkage(fn, LLVMInternalLinkage);   /* a local symbol: not exported, but perf and gdb name it */
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(m->ctx, fn, "entry");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(m->ctx, fn, "body");
    CgFunc f = { .m = m, .fn = fn, .ab = LLVMCreateBuilderInContext(m->ctx) };
    LLVMPositionBuilderAtEnd(f.ab, entry);
    LLVMPositionBuilderAtEnd(m->b, body);
    f.nsizes = lf->nsizes;
    f.sizes = calloc((size_t)(lf->nsizes + 1), sizeof(LLVMValueRef));
    f.nscalars = lf->nparams;
    f.scalars = calloc((size_t)(lf->nparams + 1), sizeof(LLVMValueRef));
    unsigned p = 0;
    f.ws = LLVMGetParam(fn, (unsigned)(lf->nparams + lf->nresults + lf->nsizes));
    LLVMSetValueName2(f.ws, "ws", 2);
    for (int i = 0; i < lf->nsizes; i++) {
        f.sizes[i] = LLVMGetParam(fn, (unsigned)(lf->nparams + lf->nresults + i));
        if (lf->sizes[i]) LLVMSetValueName2(f.sizes[i], lf->sizes[i]->name, strlen(lf->sizes[i]->name));
    }
    for (int i = 0; i < lf->nparams; i++, p++) {
        LLVMValueRef v = LLVMGetParam(fn, p);
        LLVMSetValueName2(v, lf->params[i] ? lf->params[i]->name : lf->scalars[i]->name,
                          strlen(lf->params[i] ? lf->params[i]->name : lf->scalars[i]->name));
        if (lf->params[i]) cg_bind_buf(&f, lf->params[i], v);
        else f.scalars[i] = v;
    }
    for (int i = 0; i < lf->nresults; i++, p++) {
        LLVMValueRef v = LLVMGetParam(fn, p);
        LLVMSetValueName2(v, lf->results[i]->name, strlen(lf->results[i]->name));
        cg_bind_buf(&f, lf->results[i], v);
    }
    for (int i = 0; i < lf->nconsts; i++) cg_bind_buf(&f, lf->consts[i], cg_const_data(m, lf->consts[i]));
    if (lf->extern_sym) cg_extern_call(&f, lf);
    else {
        ws_prologue(&f, lf);
        cg_stmt(&f, lf->body);
        while (f.nlive) cg_emit_free(&f, f.live[--f.nlive]);
    }
    cg_func_finish(&f, body);
}

void cg_func_finish(CgFunc *f, LLVMBasicBlockRef body)
{
    LLVMBuildRet(f->m->b, LLVMConstNull(f->m->i32));
    LLVMBuildBr(f->ab, body);
    while (f->nbufs) cg_unbind_buf(f);
    LLVMDisposeBuilder(f->ab);
    free(f->sizes);
    free(f->scalars);
    free(f->bufs);
    free(f->vars);
    free(f->live);
}

LLVMModuleRef cg_build_module(LLVMContextRef ctx, LLVMTargetMachineRef tm, const char *name, LFunc **fns, int n,
                              Diag *d)
{
    CgModule m = { .ctx = ctx, .d = d };
    m.mod = LLVMModuleCreateWithNameInContext(name ? name : "tdsl", ctx);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
    LLVMSetModuleDataLayout(m.mod, td);
    LLVMDisposeTargetData(td);
    char *triple = LLVMGetTargetMachineTriple(tm);
    LLVMSetTarget(m.mod, triple);
    LLVMDisposeMessage(triple);
    m.b = LLVMCreateBuilderInContext(ctx);
    m.i1 = LLVMInt1TypeInContext(ctx);
    m.i8 = LLVMInt8TypeInContext(ctx);
    m.i16 = LLVMInt16TypeInContext(ctx);
    m.i32 = LLVMInt32TypeInContext(ctx);
    m.i64 = LLVMInt64TypeInContext(ctx);
    m.f32 = LLVMFloatTypeInContext(ctx);
    m.f64 = LLVMDoubleTypeInContext(ctx);
    m.ptr = LLVMPointerTypeInContext(ctx, 0);
    m.voidt = LLVMVoidTypeInContext(ctx);
    for (int i = 0; i < n && !m.failed; i++) {
        emit_kernel(&m, fns[i]);
        cg_emit_entry(&m, fns[i]);
    }
    for (int i = 0; i < m.npending && !m.failed; i++) emit_kernel(&m, m.pending[i]);
    free(m.pending);
    free(m.const_data);
    free(m.const_globals);
    LLVMDisposeBuilder(m.b);
    if (m.failed) {
        LLVMDisposeModule(m.mod);
        return NULL;
    }
    return m.mod;
}
