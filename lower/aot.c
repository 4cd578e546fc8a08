/* aot.c - ahead-of-time output: one module for all fns, optimised, written as an
 * object, assembly or LLVM IR text ("-" = stdout). The object needs nothing but
 * libc, libm and pthreads (a parallel loop brings its own copy of the thread
 * pool); every LLVM object made here is disposed here. */
#include "lower/codegen.h"
#include <stdlib.h>
#include <string.h>

static int write_out(const char *path, const char *data, size_t len, Diag *d)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    if (!f) {
        diag_plain(d, "cannot write '%s'", path);
        return -1;
    }
    size_t w = fwrite(data, 1, len, f);
    int bad = w != len;
    if (f == stdout) bad |= fflush(f) != 0;
    else bad |= fclose(f) != 0;
    if (bad) {
        diag_plain(d, "cannot write '%s'", path);
        return -1;
    }
    return 0;
}

static int emit(LLVMModuleRef mod, LLVMTargetMachineRef tm, EmitKind kind, const char *path, Diag *d)
{
    if (kind == EMIT_LLVM) {
        char *s = LLVMPrintModuleToString(mod);
        int r = write_out(path, s, strlen(s), d);
        LLVMDisposeMessage(s);
        return r;
    }
    LLVMCodeGenFileType ft = kind == EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile;
    char *err = NULL;
    LLVMMemoryBufferRef mb = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, ft, &err, &mb)) {
        diag_plain(d, "cannot emit '%s': %s", path, err ? err : "?");
        LLVMDisposeMessage(err);
        return -1;
    }
    int r = write_out(path, LLVMGetBufferStart(mb), LLVMGetBufferSize(mb), d);
    LLVMDisposeMemoryBuffer(mb);
    return r;
}

int aot_emit(LFunc **fns, int n, const CodegenOptions *opt, EmitKind kind, const char *path, Diag *d)
{
    int level = opt ? opt->opt_level : 3;
    LLVMTargetMachineRef tm = tgt_create(opt ? opt->target : NULL, level, d);
    if (!tm) return -1;
    LLVMContextRef ctx = LLVMContextCreate();
    tgt_set_diag_handler(ctx, d);
    int errs = d->nerrors, r = -1;
    /* an extern fn gets no entry point here (its symbol is the user's): its
     * callers' modules define its kernel as they do any callee's */
    LFunc **own = calloc((size_t)n + 1, sizeof *own);
    int nown = 0;
    for (int i = 0; i < n && own; i++)
        if (!fns[i]->extern_sym) own[nown++] = fns[i];
    LLVMModuleRef mod = own ? cg_build_module(ctx, tm, path, own, nown, d) : NULL;
    free(own);
    if (mod && rt_link_pool(mod, d) == 0 && tgt_optimize(mod, tm, level, d) == 0) r = emit(mod, tm, kind, path, d);
    if (d->nerrors > errs) r = -1;
    if (mod) LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    LLVMDisposeTargetMachine(tm);
    return r;
}
