build-dbg/sema/dtypes.o: sema/dtypes.c sema/sema_int.h \
 sema/../lang/affine.h sema/../lang/arena.h sema/../lang/ast.h \
 sema/../lang/diag.h sema/../lang/types.h
sema/sema_int.h:
sema/../lang/affine.h:
sema/../lang/arena.h:
sema/../lang/ast.h:
sema/../lang/diag.h:
sema/../lang/types.h:
