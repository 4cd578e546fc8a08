/* jit.c - the in-process JIT: ORC LLJIT for this CPU. Each jit_add compiles its
 * fns into a fresh ThreadSafeContext under its own ResourceTracker, so the whole
 * set can be released later; entry points keep the object file's C ABI.
 * Parallel loops call the thread pool linked into this process (libtdsl.a). */
#include "lower/codegen.h"
#include "runtime/tdsl_pool.h"
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <stdlib.h>
#include <string.h>

/* One jit_add: its tracker and the entry points it defined (for jit_remove). */
typedef struct JitAdd {
    LLVMOrcResourceTrackerRef rt;
    char **names;
    int nnames;
} JitAdd;

struct Jit {
    LLVMOrcLLJITRef lljit;
    LLVMTargetMachineRef tm;        /* host TM for the optimisation passes */
    JitAdd *adds;
    int nadds, capadds;
    Diag *d;
};

static void report(Diag *d, const char *what, LLVMErrorRef e)
{
    char *s = LLVMGetErrorMessage(e);
    if (d) diag_plain(d, "JIT: %s: %s", what, s);
    LLVMDisposeErrorMessage(s);
}

Jit *jit_create(Diag *d) { return jit_create_for("host", d); }

Jit *jit_create_for(const char *target, Diag *d)
{
    tgt_init();
    Jit *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->d = d;
    LLVMOrcJITTargetMachineBuilderRef jtmb = NULL;
    LLVMErrorRef e = NULL;
    if (!strcmp(target, "host")) {
        e = LLVMOrcJITTargetMachineBuilderDetectHost(&jtmb);
    } else {
        LLVMTargetMachineRef tm = tgt_create(target, 3, d);
        if (tm) jtmb = LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm);  /* takes tm */
    }
    if (e || !jtmb) {
        if (e) report(d, "cannot detect the host", e);
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
    LLVMJITSymbolFlags fl = { LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable, 0 };
    LLVMOrcCSymbolMapPair pool[2] = {
        { LLVMOrcLLJITMangleAndIntern(j->lljit, TDSL_RT_PARALLEL_FOR),
          { (LLVMOrcExecutorAddress)(uintptr_t)&tdsl_rt_parallel_for_v2, fl } },
        { LLVMOrcLLJITMangleAndIntern(j->lljit, TDSL_RT_NUM_THREADS),
          { (LLVMOrcExecutorAddress)(uintptr_t)&tdsl_rt_num_threads_v2, fl } },
    };
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pool, 2);
    if ((e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(j->lljit), mu))) {
        report(d, "cannot define the thread pool's symbols", e);
        LLVMOrcDisposeMaterializationUnit(mu);
    }
    j->tm = tgt_create(target, 3, d);
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
    GROW(j->adds, j->capadds, j->nadds + 1);
    JitAdd *add = &j->adds[j->nadds++];
    add->rt = rt;
    add->nnames = n;
    add->names = calloc((size_t)(n ? n : 1), sizeof(char *));
    if (!add->names) abort();
    for (int i = 0; i < n; i++)
        if (!(add->names[i] = strdup(fns[i]->name))) abort();
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

static void free_add(JitAdd *add)
{
    LLVMOrcReleaseResourceTracker(add->rt);
    for (int i = 0; i < add->nnames; i++) free(add->names[i]);
    free(add->names);
}

int jit_remove(Jit *j, const char *name)
{
    for (int i = 0; i < j->nadds; i++)
        for (int k = 0; k < j->adds[i].nnames; k++) {
            if (strcmp(j->adds[i].names[k], name)) continue;
            LLVMErrorRef e = LLVMOrcResourceTrackerRemove(j->adds[i].rt);
            if (e) report(j->d, "cannot remove a definition", e);
            free_add(&j->adds[i]);
            j->adds[i] = j->adds[--j->nadds];
            return e ? -1 : 0;
        }
    return -1;
}

char *jit_emit(Jit *j, LFunc **fns, int n, int opt_level, EmitKind kind, Diag *d)
{
    if (!d) d = j->d;
    int errs = d->nerrors;
    LLVMContextRef ctx = LLVMContextCreate();
    tgt_set_diag_handler(ctx, d);
    LLVMModuleRef mod = cg_build_module(ctx, j->tm, "tdsl.jit", fns, n, d);
    char *text = NULL;
    if (mod && !tgt_optimize(mod, j->tm, opt_level, d) && d->nerrors == errs) {
        if (kind == EMIT_LLVM) {
            char *s = LLVMPrintModuleToString(mod);
            text = strdup(s);
            LLVMDisposeMessage(s);
        } else {
            char *err = NULL;
            LLVMMemoryBufferRef mb = NULL;
            LLVMCodeGenFileType ft = kind == EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile;
            if (LLVMTargetMachineEmitToMemoryBuffer(j->tm, mod, ft, &err, &mb)) {
                diag_plain(d, "JIT: cannot emit: %s", err ? err : "?");
                LLVMDisposeMessage(err);
            } else {
                size_t len = LLVMGetBufferSize(mb);
                if ((text = malloc(len + 1))) {
                    memcpy(text, LLVMGetBufferStart(mb), len);
                    text[len] = 0;
                }
                LLVMDisposeMemoryBuffer(mb);
            }
        }
    }
    if (mod) LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    return text;
}

void jit_destroy(Jit *j)
{
    if (!j) return;
    for (int i = 0; i < j->nadds; i++) free_add(&j->adds[i]);
    free(j->adds);
    if (j->lljit) {
        LLVMErrorRef e = LLVMOrcDisposeLLJIT(j->lljit);
        if (e) LLVMConsumeError(e);
    }
    if (j->tm) LLVMDisposeTargetMachine(j->tm);
    free(j);
}
