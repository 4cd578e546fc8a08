/* codegen_size.c - sizes computed with overflow checks: extents over size vars
 * and the byte counts of local buffers and tensor arguments, in i64 through
 * llvm.s{add,sub,mul}.with.overflow. Invariant: a size whose true value does
 * not fit in i64 sets its overflow flag; its value is then meaningless and
 * must reach neither malloc nor a comparison (the caller returns TDSL_ERR_SIZE). */
#include "lower/codegen.h"
#include <stdlib.h>

static LLVMValueRef or_flag(CgModule *m, LLVMValueRef a, LLVMValueRef b)
{
    if (!a) return b;
    if (!b) return a;
    return LLVMBuildOr(m->b, a, b, "");
}

/* a op b by the intrinsic `name` (e.g. llvm.smul.with.overflow); *ovf |= overflowed. */
static LLVMValueRef arith_ovf(CgModule *m, const char *name, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf)
{
    LLVMTypeRef t = m->i64;
    LLVMValueRef r = cg_call_intrinsic(m, name, &t, 1, (LLVMValueRef[]){ a, b }, 2);
    *ovf = or_flag(m, *ovf, LLVMBuildExtractValue(m->b, r, 1, "ovf"));
    return LLVMBuildExtractValue(m->b, r, 0, "");
}

LLVMValueRef cg_iarith_ovf(CgModule *m, Op op, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf)
{
    switch (op) {
    case OP_ADD: return arith_ovf(m, "llvm.sadd.with.overflow", a, b, ovf);
    case OP_SUB: return arith_ovf(m, "llvm.ssub.with.overflow", a, b, ovf);
    case OP_MUL: return arith_ovf(m, "llvm.smul.with.overflow", a, b, ovf);
    default: return cg_binop(m, op, DT_INDEX, a, b);    /* / and % by sizes cannot grow */
    }
}

static LLVMValueRef checked_binary(CgFunc *f, const LExpr *e, LLVMValueRef *ovf)
{
    LLVMValueRef a = cg_size_checked(f, e->args[0], ovf), b = cg_size_checked(f, e->args[1], ovf);
    return cg_iarith_ovf(f->m, e->op, a, b, ovf);
}

/* Only the chosen arm's overflow counts. */
static LLVMValueRef checked_select(CgFunc *f, const LExpr *e, LLVMValueRef *ovf)
{
    CgModule *m = f->m;
    LLVMValueRef c = cg_expr(f, e->args[0]);
    LLVMValueRef oa = NULL, ob = NULL;
    LLVMValueRef a = cg_size_checked(f, e->args[1], &oa), b = cg_size_checked(f, e->args[2], &ob);
    if (oa || ob) {
        LLVMValueRef no = LLVMConstInt(m->i1, 0, 0);
        *ovf = or_flag(m, *ovf, LLVMBuildSelect(m->b, c, oa ? oa : no, ob ? ob : no, ""));
    }
    return LLVMBuildSelect(m->b, c, a, b, "");
}

LLVMValueRef cg_size_checked(CgFunc *f, const LExpr *e, LLVMValueRef *ovf)
{
    CgModule *m = f->m;
    LLVMBuilderRef B = m->b;
    if (e->type != DT_INDEX) return cg_expr(f, e);
    switch (e->kind) {
    case LX_BINARY:
        if (e->args[0]->type == DT_INDEX && e->args[1]->type == DT_INDEX) return checked_binary(f, e, ovf);
        break;
    case LX_UNARY:
        if (e->op == OP_NEG) return cg_iarith_ovf(m, OP_SUB, cg_i64(m, 0), cg_size_checked(f, e->args[0], ovf), ovf);
        break;
    case LX_SELECT: return checked_select(f, e, ovf);
    case LX_CALL:
        if ((e->fn == MF_MIN || e->fn == MF_MAX) && e->nargs == 2) {
            LLVMValueRef a = cg_size_checked(f, e->args[0], ovf), b = cg_size_checked(f, e->args[1], ovf);
            LLVMValueRef lt = LLVMBuildICmp(B, LLVMIntSLT, a, b, "");
            return e->fn == MF_MIN ? LLVMBuildSelect(B, lt, a, b, "") : LLVMBuildSelect(B, lt, b, a, "");
        }
        break;
    default: break;
    }
    return cg_expr(f, e);
}

LLVMValueRef cg_bytes_of(CgModule *m, unsigned elem, LLVMValueRef *ext, int n, LLVMValueRef *dim_ovf)
{
    LLVMBuilderRef B = m->b;
    LLVMValueRef zero = cg_i64(m, 0), empty = LLVMConstInt(m->i1, 0, 0);
    LLVMValueRef *x = calloc((size_t)(n + 1), sizeof(LLVMValueRef));
    for (int k = 0; k < n; k++) {
        x[k] = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntSLT, ext[k], zero, ""), zero, ext[k], "");
        empty = LLVMBuildOr(B, empty, LLVMBuildICmp(B, LLVMIntEQ, x[k], zero, ""), "");
    }
    LLVMValueRef bytes = cg_i64(m, elem), full = LLVMBuildNot(B, empty, "");
    for (int k = 0; k < n; k++) {
        LLVMValueRef o = NULL;
        bytes = cg_iarith_ovf(m, OP_MUL, bytes, x[k], &o);
        dim_ovf[k] = LLVMBuildAnd(B, o, full, "");
    }
    free(x);
    return LLVMBuildSelect(B, empty, zero, bytes, "bytes");
}

LLVMValueRef cg_alloc_bytes(CgFunc *f, const Buffer *b, LLVMValueRef *ovf)
{
    CgModule *m = f->m;
    int n = b->ndim;
    LLVMValueRef *ext = calloc((size_t)(n + 1), sizeof(LLVMValueRef));
    LLVMValueRef *dim_ovf = calloc((size_t)(n + 1), sizeof(LLVMValueRef));
    for (int k = 0; k < n; k++) ext[k] = cg_size_checked(f, b->extent[k], ovf);
    LLVMValueRef bytes = cg_bytes_of(m, cg_elem_bytes(b->type), ext, n, dim_ovf);
    for (int k = 0; k < n; k++) *ovf = or_flag(m, *ovf, dim_ovf[k]);
    free(ext);
    free(dim_ovf);
    return bytes;
}

LLVMValueRef cg_size_expr(CgModule *m, LLVMValueRef fn, LLVMValueRef *sizes, int nsizes, const LExpr *e,
                          LLVMValueRef *ovf)
{
    CgFunc f = { .m = m, .fn = fn, .sizes = sizes, .nsizes = nsizes };
    LLVMValueRef v = cg_size_checked(&f, e, ovf);
    free(f.vars);
    return v;
}
