/* jit.c - the in-process JIT: ORC LLJIT for this CPU. Each jit_add compiles its
 * fns into a fresh ThreadSafeContext under its own ResourceTracker, so the whole
 * set can be released later; entry points keep the object file's C ABI.
 * Parallel loops call the thread pool linked into this process (libtdsl.a). */
#include "codegen.h"
#include "../runtime/tdsl_pool.h"
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <stdlib.h>

struct Jit {
    LLVMOrcLLJITRef lljit;
    LLVMTargetMachineRef tm;        /* host TM for the optimisation passes */
    LLVMOrcResourceTrackerRef *rts;
    int nrts, caprts;
    Diag *d;
};

static void report(Diag *d, const char *what, LLVMErrorRef e)
{
    char *s = LLVMGetErrorMessage(e);
    if (d) diag_plain(d, "JIT: %s: %s", what, s);
    LLVMDisposeErrorMessage(s);
}

Jit *jit_create(Diag *d)
{
    tgt_init();
    Jit *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->d = d;
    LLVMOrcJITTargetMachineBuilderRef jtmb;
    LLVMErrorRef e = LLVMOrcJITTargetMachineBuilderDetectHost(&jtmb);
    if (e) {
        report(d, "cannot detect the host", e);
        free(j);
        return NULL;
    }
    LLVMOrcLLJITBuilderRef lb = LLVMOrcCreateLLJITBuilder();
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(lb, jtmb);
    if ((e = LLVMOrcCreateLLJIT(&j->lljit, lb))) {
        report(d, "cannot create the JIT", e);
        free(j);
        return NULL;
    }
    LLVMOrcDefinitionGeneratorRef gen;
    e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(j->lljit), NULL, NULL);
    if (e) report(d, "cannot search the process for symbols", e);
    else LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(j->lljit), gen);
    /* parallel loops call the pool compiled into this process; defined once,
     * outside every ResourceTracker, so releasing a definition never drops it */
    LLVMOrcCSymbolMapPair pool = {
        LLVMOrcLLJITMangleAndIntern(j->lljit, TDSL_RT_PARALLEL_FOR),
        { (LLVMOrcExecutorAddress)(uintptr_t)&tdsl_rt_parallel_for,
          { LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable, 0 } } };
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(&pool, 1);
    if ((e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(j->lljit), mu))) {
        report(d, "cannot define the thread pool's symbol", e);
        LLVMOrcDisposeMaterializationUnit(mu);
    }
    j->tm = tgt_create("host", 3, d);
    if (!j->tm) {
        jit_destroy(j);
        return NULL;
    }
    return j;
}

int jit_add(Jit *j, LFunc **fns, int n, int opt_level, Diag *d)
{
    if (!d) d = j->d;
    int errs = d->nerrors;
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMContextRef ctx = LLVMOrcThreadSafeContextGetContext(tsc);
    tgt_set_diag_handler(ctx, d);
    LLVMModuleRef mod = cg_build_module(ctx, j->tm, "tdsl.jit", fns, n, d);
    if (!mod || tgt_optimize(mod, j->tm, opt_level, d) || d->nerrors > errs) {
        if (mod) LLVMDisposeModule(mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return -1;
    }
    LLVMSetDataLayout(mod, LLVMOrcLLJITGetDataLayoutStr(j->lljit));
    LLVMSetTarget(mod, LLVMOrcLLJITGetTripleString(j->lljit));
    /* the diag handler points at d, which may not outlive this call */
    tgt_set_diag_handler(ctx, NULL);
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(mod, tsc);
    LLVMOrcDisposeThreadSafeContext(tsc);
    LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(j->lljit);
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(jd);
    LLVMErrorRef e = LLVMOrcLLJITAddLLVMIRModuleWithRT(j->lljit, rt, tsm);   /* owns tsm even on error */
    if (e) {
        report(d, "cannot add the module", e);
        LLVMOrcReleaseResourceTracker(rt);
        return -1;
    }
    if (j->nrts == j->caprts) {
        int c = j->caprts ? j->caprts * 2 : 8;
        LLVMOrcResourceTrackerRef *p = realloc(j->rts, sizeof *p * (size_t)c);
        if (!p) abort();
        j->rts = p;
        j->caprts = c;
    }
    j->rts[j->nrts++] = rt;
    /* compile now (lookups are lazy) so errors land in d, not in a later lookup */
    for (int i = 0; i < n; i++) {
        LLVMOrcExecutorAddress a;
        if ((e = LLVMOrcLLJITLookup(j->lljit, &a, fns[i]->name))) {
            report(d, fns[i]->name, e);
            return -1;
        }
    }
    return 0;
}

void *jit_lookup(Jit *j, const char *name)
{
    LLVMOrcExecutorAddress a = 0;
    LLVMErrorRef e = LLVMOrcLLJITLookup(j->lljit, &a, name);
    if (e) {
        LLVMConsumeError(e);
        return NULL;
    }
    return (void *)(uintptr_t)a;
}

void jit_destroy(Jit *j)
{
    if (!j) return;
    for (int i = 0; i < j->nrts; i++) LLVMOrcReleaseResourceTracker(j->rts[i]);
    free(j->rts);
    if (j->lljit) {
        LLVMErrorRef e = LLVMOrcDisposeLLJIT(j->lljit);
        if (e) LLVMConsumeError(e);
    }
    if (j->tm) LLVMDisposeTargetMachine(j->tm);
    free(j);
}
