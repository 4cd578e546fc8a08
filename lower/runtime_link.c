/* runtime_link.c - puts the thread pool into a generated module that calls it.
 * runtime/tdsl_pool.c is compiled by clang-19 to bitcode for each target at
 * build time and embedded here ($(B)/tdsl_pool_bc.inc). Its symbols become
 * linkonce_odr + hidden, each in its own comdat, so that objects compiled
 * separately link into one program with one pool and no clash. */
#include "lower/codegen.h"
#include "runtime/tdsl_pool.h"
#include "tdsl_pool_bc.inc"
#include <llvm-c/BitReader.h>
#include <llvm-c/Comdat.h>
#include <llvm-c/Linker.h>
#include <string.h>

/* The bitcode's own CPU and features would stop it from inlining into (and
 * following) the generated code's target; "no-builtins" would spread to callers. */
static const char *const dropped_attrs[] = { "target-cpu", "target-features", "tune-cpu", "no-builtins" };

static void make_shared(LLVMModuleRef pool, LLVMValueRef g)
{
    if (LLVMIsDeclaration(g)) return;
    LLVMLinkage l = LLVMGetLinkage(g);
    if (l == LLVMInternalLinkage || l == LLVMPrivateLinkage) return;
    size_t len;
    const char *name = LLVMGetValueName2(g, &len);
    LLVMSetLinkage(g, LLVMLinkOnceODRLinkage);
    LLVMSetVisibility(g, LLVMHiddenVisibility);
    LLVMSetComdat(g, LLVMGetOrInsertComdat(pool, name));
}

int rt_link_pool(LLVMModuleRef mod, Diag *d)
{
    LLVMValueRef use = LLVMGetNamedFunction(mod, TDSL_RT_PARALLEL_FOR);
    if (!use) use = LLVMGetNamedFunction(mod, TDSL_RT_NUM_THREADS);
    if (!use || !LLVMIsDeclaration(use)) return 0;
    const char *triple = LLVMGetTarget(mod);
    const unsigned char *bc;
    size_t size;
    if (!strncmp(triple, "x86_64", 6)) {
        bc = tdsl_pool_bc_x86_64;
        size = sizeof tdsl_pool_bc_x86_64;
    } else if (!strncmp(triple, "aarch64", 7) || !strncmp(triple, "arm64", 5)) {
        bc = tdsl_pool_bc_aarch64;
        size = sizeof tdsl_pool_bc_aarch64;
    } else {
        diag_plain(d, "parallel loops are not supported for target '%s' (no thread pool for it)", triple);
        return -1;
    }
    int errs = d->nerrors;
    LLVMMemoryBufferRef mb = LLVMCreateMemoryBufferWithMemoryRange((const char *)bc, size, "tdsl_pool.bc", 0);
    LLVMModuleRef pool = NULL;
    int bad = LLVMParseBitcodeInContext2(LLVMGetModuleContext(mod), mb, &pool);
    LLVMDisposeMemoryBuffer(mb);
    if (bad) {
        if (d->nerrors == errs) diag_plain(d, "internal error: the embedded thread pool does not load");
        return -1;
    }
    LLVMSetTarget(pool, triple);
    LLVMSetDataLayout(pool, LLVMGetDataLayoutStr(mod));
    for (LLVMValueRef fn = LLVMGetFirstFunction(pool); fn; fn = LLVMGetNextFunction(fn)) {
        for (size_t i = 0; i < sizeof dropped_attrs / sizeof *dropped_attrs; i++)
            LLVMRemoveStringAttributeAtIndex(fn, LLVMAttributeFunctionIndex, dropped_attrs[i],
                                             (unsigned)strlen(dropped_attrs[i]));
        make_shared(pool, fn);
    }
    for (LLVMValueRef g = LLVMGetFirstGlobal(pool); g; g = LLVMGetNextGlobal(g)) make_shared(pool, g);
    if (LLVMLinkModules2(mod, pool)) {     /* disposes pool */
        if (d->nerrors == errs) diag_plain(d, "internal error: cannot link the thread pool");
        return -1;
    }
    return 0;
}
