build-dbg/lower/aot.o: lower/aot.c lower/codegen.h lower/../lang/diag.h \
 lower/../lang/loopir.h lower/../lang/arena.h lower/../lang/ast.h \
 lower/../lang/diag.h lower/../lang/types.h lower/lower.h \
 lower/../lang/ast.h /usr/lib/llvm-19/include/llvm-c/Core.h \
 /usr/lib/llvm-19/include/llvm-c/Deprecated.h \
 /usr/lib/llvm-19/include/llvm-c/ErrorHandling.h \
 /usr/lib/llvm-19/include/llvm-c/ExternC.h \
 /usr/lib/llvm-19/include/llvm-c/Types.h \
 /usr/lib/llvm-19/include/llvm-c/DataTypes.h \
 /usr/lib/llvm-19/include/llvm-c/TargetMachine.h \
 /usr/lib/llvm-19/include/llvm-c/Target.h \
 /usr/lib/llvm-19/include/llvm/Config/llvm-config.h \
 /usr/lib/llvm-19/include/llvm/Config/Targets.def \
 /usr/lib/llvm-19/include/llvm/Config/AsmPrinters.def \
 /usr/lib/llvm-19/include/llvm/Config/AsmParsers.def \
 /usr/lib/llvm-19/include/llvm/Config/Disassemblers.def
lower/codegen.h:
lower/../lang/diag.h:
lower/../lang/loopir.h:
lower/../lang/arena.h:
lower/../lang/ast.h:
lower/../lang/diag.h:
lower/../lang/types.h:
lower/lower.h:
lower/../lang/ast.h:
/usr/lib/llvm-19/include/llvm-c/Core.h:
/usr/lib/llvm-19/include/llvm-c/Deprecated.h:
/usr/lib/llvm-19/include/llvm-c/ErrorHandling.h:
/usr/lib/llvm-19/include/llvm-c/ExternC.h:
/usr/lib/llvm-19/include/llvm-c/Types.h:
/usr/lib/llvm-19/include/llvm-c/DataTypes.h:
/usr/lib/llvm-19/include/llvm-c/TargetMachine.h:
/usr/lib/llvm-19/include/llvm-c/Target.h:
/usr/lib/llvm-19/include/llvm/Config/llvm-config.h:
/usr/lib/llvm-19/include/llvm/Config/Targets.def:
/usr/lib/llvm-19/include/llvm/Config/AsmPrinters.def:
/usr/lib/llvm-19/include/llvm/Config/AsmParsers.def:
/usr/lib/llvm-19/include/llvm/Config/Disassemblers.def:
