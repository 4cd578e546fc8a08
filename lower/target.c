/* target.c - TargetMachines (baseline x86-64-v3 by default, "host" opt-in, aarch64
 * cross), the new-PM pipeline default<ON>, and the LLVM diagnostic handler.
 * Invalid IR is reported as an internal error, never an abort. */
#include "lower/codegen.h"
#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_targets(void)
{
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
}

void tgt_init(void) { pthread_once(&init_once, init_targets); }

static LLVMCodeGenOptLevel cg_level(int opt)
{
    return opt <= 0   ? LLVMCodeGenLevelNone
           : opt == 1 ? LLVMCodeGenLevelLess
           : opt == 2 ? LLVMCodeGenLevelDefault
                      : LLVMCodeGenLevelAggressive;
}

LLVMTargetMachineRef tgt_create(const char *target, int opt_level, Diag *d)
{
    tgt_init();
    char *triple = NULL, *cpu = NULL, *feat = NULL;
    if (!target || !strcmp(target, "x86-64-v3")) {
        char *def = LLVMGetDefaultTargetTriple();
        triple = strncmp(def, "x86_64", 6) ? LLVMCreateMessage("x86_64-unknown-linux-gnu") : LLVMCreateMessage(def);
        LLVMDisposeMessage(def);
        cpu = LLVMCreateMessage("x86-64-v3");
        feat = LLVMCreateMessage("");
    } else if (!strcmp(target, "host")) {
        triple = LLVMGetDefaultTargetTriple();
        cpu = LLVMGetHostCPUName();
        feat = LLVMGetHostCPUFeatures();
    } else if (!strcmp(target, "aarch64")) {
        triple = LLVMCreateMessage("aarch64-unknown-linux-gnu");
        cpu = LLVMCreateMessage("neoverse-n1");
        feat = LLVMCreateMessage("");
    } else {
        diag_plain(d, "unknown target '%s' (expected x86-64-v3, host or aarch64)", target);
        return NULL;
    }
    LLVMTargetRef t;
    char *err = NULL;
    LLVMTargetMachineRef tm = NULL;
    if (LLVMGetTargetFromTriple(triple, &t, &err)) {
        diag_plain(d, "cannot target '%s': %s", triple, err ? err : "?");
        LLVMDisposeMessage(err);
    } else {
        tm = LLVMCreateTargetMachine(t, triple, cpu, feat, cg_level(opt_level), LLVMRelocPIC, LLVMCodeModelDefault);
        if (!tm) diag_plain(d, "cannot create a target machine for '%s'", triple);
    }
    LLVMDisposeMessage(triple);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(feat);
    return tm;
}

int tgt_vector_regs(const char *target, int *lanes)
{
    int n = 16;
    *lanes = 8;
    if (target && !strcmp(target, "aarch64")) {
        n = 32, *lanes = 4;
    } else if (target && !strcmp(target, "host")) {
#if defined(__aarch64__)
        n = 32, *lanes = 4;
#else
        char *f = LLVMGetHostCPUFeatures();
        if (strstr(f, "+avx512f")) n = 32, *lanes = 16;
        else if (!strstr(f, "+avx")) *lanes = 4;
        LLVMDisposeMessage(f);
#endif
    }
    return n;
}

static void on_diagnostic(LLVMDiagnosticInfoRef di, void *user)
{
    if (LLVMGetDiagInfoSeverity(di) != LLVMDSError || !user) return;   /* drop remarks, notes, warnings */
    char *s = LLVMGetDiagInfoDescription(di);
    diag_plain((Diag *)user, "LLVM: %s", s);
    LLVMDisposeMessage(s);
}

void tgt_set_diag_handler(LLVMContextRef ctx, Diag *d) { LLVMContextSetDiagnosticHandler(ctx, on_diagnostic, d); }

int tgt_optimize(LLVMModuleRef mod, LLVMTargetMachineRef tm, int opt_level, Diag *d)
{
    char *msg = NULL;
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
        diag_plain(d, "internal error: invalid LLVM IR: %s", msg ? msg : "?");
        LLVMDisposeMessage(msg);
        return -1;
    }
    LLVMDisposeMessage(msg);
    if (opt_level < 0) opt_level = 0;
    if (opt_level > 3) opt_level = 3;
    char pipeline[16];
    snprintf(pipeline, sizeof pipeline, "default<O%d>", opt_level);
    LLVMPassBuilderOptionsRef o = LLVMCreatePassBuilderOptions();
    LLVMPassBuilderOptionsSetLoopVectorization(o, opt_level >= 2);
    LLVMPassBuilderOptionsSetSLPVectorization(o, opt_level >= 2);
    LLVMPassBuilderOptionsSetLoopUnrolling(o, opt_level >= 2);
    LLVMPassBuilderOptionsSetLoopInterleaving(o, opt_level >= 2);
    LLVMErrorRef e = LLVMRunPasses(mod, pipeline, tm, o);
    LLVMDisposePassBuilderOptions(o);
    if (e) {
        char *s = LLVMGetErrorMessage(e);
        diag_plain(d, "internal error: LLVM passes failed: %s", s);
        LLVMDisposeErrorMessage(s);
        return -1;
    }
    return 0;
}
