/* codegen_ext.c - what a kernel takes from outside the loop IR: the data of
 * file-scope consts (a private constant global per const and module, so it
 * lands in .rodata and the object needs no file at run time) and the calls of
 * extern fns (descriptors built on the stack for the C symbol, which has the
 * entry points' ABI; its nonzero return is the kernel's). */
#include "lower/codegen.h"
#include "runtime/tdsl_tensor.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

LLVMValueRef cg_const_data(CgModule *m, const Buffer *b)
{
    for (int i = 0; i < m->nconsts; i++)
        if (m->const_data[i] == b->data) return m->const_globals[i];
    /* an empty const still gets one byte, so its address is a valid pointer */
    const char zero = 0;
    const char *bytes = b->nbytes ? b->data : &zero;
    unsigned n = b->nbytes ? (unsigned)b->nbytes : 1;
    if (b->nbytes > 0xffffffffu) {
        cg_internal_error(m, "a const of 4 GiB or more");
        return LLVMConstNull(m->ptr);
    }
    LLVMValueRef init = LLVMConstStringInContext(m->ctx, bytes, n, 1);
    char name[300];
    snprintf(name, sizeof name, "tdsl.const.%s", b->name);
    LLVMValueRef g = LLVMAddGlobal(m->mod, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    LLVMSetAlignment(g, 64);
    GROW(m->const_data, m->capconsts, m->nconsts + 1);
    GROW(m->const_globals, m->capglobals, m->nconsts + 1);
    m->const_data[m->nconsts] = b->data;
    m->const_globals[m->nconsts++] = g;
    return g;
}

/* Field offsets of tdsl_tensor (= DLTensor). */
enum {
    D_DATA = 0,
    D_DEVTYPE = 8,
    D_DEVID = 12,
    D_NDIM = 16,
    D_CODE = 20,
    D_BITS = 21,
    D_LANES = 22,
    D_SHAPE = 24,
    D_STRIDES = 32,
    D_OFFSET = 40,
    D_SIZE = 48
};
_Static_assert(sizeof(tdsl_tensor) == D_SIZE && offsetof(tdsl_tensor, byte_offset) == D_OFFSET, "tdsl_tensor layout");

static void put(CgFunc *f, LLVMValueRef desc, unsigned off, LLVMValueRef v)
{
    CgModule *m = f->m;
    LLVMValueRef at = cg_i64(m, off);
    LLVMValueRef p = LLVMBuildGEP2(m->b, m->i8, desc, &at, 1, "");
    LLVMBuildStore(m->b, v, p);
}

/* A compact CPU descriptor of buffer b (bound in f) on the stack. */
static LLVMValueRef descriptor(CgFunc *f, const Buffer *b)
{
    CgModule *m = f->m;
    LLVMValueRef desc = LLVMBuildAlloca(f->ab, LLVMArrayType2(m->i8, D_SIZE), b->name);
    LLVMSetAlignment(desc, 8);
    LLVMValueRef shape = LLVMBuildAlloca(f->ab, LLVMArrayType2(m->i64, b->ndim ? (unsigned)b->ndim : 1), "shape");
    for (int k = 0; k < b->ndim; k++) {
        LLVMValueRef at = cg_i64(m, k);
        LLVMValueRef p = LLVMBuildGEP2(m->b, m->i64, shape, &at, 1, "");
        LLVMBuildStore(m->b, cg_expr(f, b->extent[k]), p);
    }
    put(f, desc, D_DATA, cg_lookup_buf(f, b)->base);
    put(f, desc, D_DEVTYPE, LLVMConstInt(m->i32, 1, 0));
    put(f, desc, D_DEVID, LLVMConstInt(m->i32, 0, 0));
    put(f, desc, D_NDIM, LLVMConstInt(m->i32, (unsigned)b->ndim, 0));
    put(f, desc, D_CODE, LLVMConstInt(m->i8, (unsigned)dtype_dlpack_code(b->type), 0));
    put(f, desc, D_BITS, LLVMConstInt(m->i8, (unsigned)dtype_bits(b->type), 0));
    put(f, desc, D_LANES, LLVMConstInt(m->i16, 1, 0));
    put(f, desc, D_SHAPE, shape);
    put(f, desc, D_STRIDES, LLVMConstNull(m->ptr));
    put(f, desc, D_OFFSET, cg_i64(m, 0));
    return desc;
}

void cg_extern_call(CgFunc *f, const LFunc *lf)
{
    CgModule *m = f->m;
    int n = lf->nparams + lf->nresults;
    LLVMTypeRef *ts = calloc((size_t)n + 1, sizeof *ts);
    LLVMValueRef *args = calloc((size_t)n + 1, sizeof *args);
    for (int i = 0; i < n; i++) {
        const Buffer *b = i < lf->nparams ? lf->params[i] : lf->results[i - lf->nparams];
        ts[i] = b ? m->ptr : cg_type(m, lf->scalars[i]->type);
        args[i] = b ? descriptor(f, b) : f->scalars[i];
    }
    LLVMValueRef fn = LLVMGetNamedFunction(m->mod, lf->extern_sym);
    if (!fn) {
        fn = LLVMAddFunction(m->mod, lf->extern_sym, LLVMFunctionType(m->i32, ts, (unsigned)n, 0));
        unsigned zeroext = LLVMGetEnumAttributeKindForName("zeroext", 7);
        for (int i = 0; i < lf->nparams; i++)
            if (!lf->params[i] && lf->scalars[i]->type == DT_BOOL)
                LLVMAddAttributeAtIndex(fn, (unsigned)i + 1, LLVMCreateEnumAttribute(m->ctx, zeroext, 0));
    }
    LLVMValueRef r = LLVMBuildCall2(m->b, LLVMFunctionType(m->i32, ts, (unsigned)n, 0), fn, args, (unsigned)n, "");
    free(ts);
    free(args);
    cg_return_on_error(f, r, "extern.fail", "extern.ok");
}
