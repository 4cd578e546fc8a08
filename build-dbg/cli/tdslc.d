build-dbg/cli/tdslc.o: cli/tdslc.c cli/../lang/ast.h cli/../lang/arena.h \
 cli/../lang/diag.h cli/../lang/types.h cli/../lang/loopir.h \
 cli/../lang/ast.h cli/../lower/lower.h cli/../lower/../lang/ast.h \
 cli/../lower/../lang/loopir.h cli/../parser/parse.h \
 cli/../parser/../lang/ast.h cli/../sema/sema.h \
 cli/../sema/../lang/affine.h cli/../sema/../lang/arena.h \
 cli/../sema/../lang/ast.h /usr/lib/llvm-19/include/llvm-c/Core.h \
 /usr/lib/llvm-19/include/llvm-c/Deprecated.h \
 /usr/lib/llvm-19/include/llvm-c/ErrorHandling.h \
 /usr/lib/llvm-19/include/llvm-c/ExternC.h \
 /usr/lib/llvm-19/include/llvm-c/Types.h \
 /usr/lib/llvm-19/include/llvm-c/DataTypes.h
cli/../lang/ast.h:
cli/../lang/arena.h:
cli/../lang/diag.h:
cli/../lang/types.h:
cli/../lang/loopir.h:
cli/../lang/ast.h:
cli/../lower/lower.h:
cli/../lower/../lang/ast.h:
cli/../lower/../lang/loopir.h:
cli/../parser/parse.h:
cli/../parser/../lang/ast.h:
cli/../sema/sema.h:
cli/../sema/../lang/affine.h:
cli/../sema/../lang/arena.h:
cli/../sema/../lang/ast.h:
/usr/lib/llvm-19/include/llvm-c/Core.h:
/usr/lib/llvm-19/include/llvm-c/Deprecated.h:
/usr/lib/llvm-19/include/llvm-c/ErrorHandling.h:
/usr/lib/llvm-19/include/llvm-c/ExternC.h:
/usr/lib/llvm-19/include/llvm-c/Types.h:
/usr/lib/llvm-19/include/llvm-c/DataTypes.h:
